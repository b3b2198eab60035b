"""What every page of identity uses."""

from typing import Any

from django.forms import Form
from django.http import HttpRequest

from smartgov.identity.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The account of a page behind ``login_required`` (or a signed-in rule)."""
    return request.user  # type: ignore[return-value]


def status_of(form: Form | None, error: Any = "") -> int:
    """400 when the page shows an error or a form with errors, else 200."""
    return 400 if error or (form is not None and form.errors) else 200
