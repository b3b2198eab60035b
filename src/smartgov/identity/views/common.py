"""What every page of identity uses."""

from typing import Any

from django.forms import Form
from django.http import HttpRequest

from smartgov.identity.models import User


def signed_in_user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def status_of(form: Form | None, error: Any = "") -> int:
    return 400 if error or (form is not None and form.errors) else 200
