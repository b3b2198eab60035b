"""The answer a CKAN client expects to bad input: every field's messages at once (``{"name": ["..."]}``), answered
409 "Validation Error" by the Action API."""

from django.utils.translation import gettext as _

from smartgov.platform.errors import Conflict


class Invalid(Conflict):
    """Input refused, with the messages of each field (CKAN's ``ValidationError``)."""

    code = "validation"

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__(_("The input is not valid."))
        self.fields = fields


class Errors:
    """Collects the messages of each field while a dict is checked; :meth:`raise_any` raises them together."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def __contains__(self, field: str) -> bool:
        return field in self.fields

    def raise_any(self) -> None:
        if self.fields:
            raise Invalid(self.fields)
