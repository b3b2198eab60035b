"""Personal data's rules (Law 91/2025/QH15, Decree 356/2025): the purposes a person consents to, with the notice
of record, and what a correction may change."""

import hashlib
from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Purpose:
    code: str
    title: str | Promise
    notice: str | Promise
    version: str

    def digest(self) -> str:
        """SHA-256 of the Vietnamese notice (the text of record) with its code and version."""
        with translation.override("vi"):
            text = f"{self.code}\n{self.version}\n{self.notice}"
        return hashlib.sha256(text.encode()).hexdigest()


PURPOSES: dict[str, Purpose] = {
    p.code: p
    for p in (
        Purpose(
            "notifications",
            gettext_lazy("News about my dossiers by e-mail and SMS"),
            gettext_lazy(
                "SmartGov uses your e-mail address and phone number to tell you when a dossier you submitted "
                "changes status, needs more documents or has a result. Without this consent you see the news "
                "only when you sign in."
            ),
            "2026-01",
        ),
        Purpose(
            "reuse_by_agencies",
            gettext_lazy("Agencies may reuse my documents and data"),
            gettext_lazy(
                "When you submit a dossier, the agency handling it may read the documents and results kept in "
                "your electronic document store and your data in national databases, so you do not have to "
                "submit them again. Every access is logged and shown to you."
            ),
            "2026-01",
        ),
        Purpose(
            "surveys",
            gettext_lazy("Satisfaction surveys"),
            gettext_lazy(
                "The provincial People's Committee may contact you to ask how satisfied you were with a public "
                "service. Your answers are used only to improve the services."
            ),
            "2026-01",
        ),
    )
}


#: What a correction may change (the personal ID and tax code come from national databases, not from a form).
CORRECTABLE = ("full_name", "email", "phone")
