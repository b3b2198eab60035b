"""Fixtures of the notifications' tests, for every app's tests (loaded as a pytest plugin by the root conftest)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone


@pytest.fixture
def notify_on_commit(django_capture_on_commit_callbacks) -> Callable[..., Any]:
    """``notify_on_commit(function, *args)``: run it, then its on-commit callbacks (the outbox hand-over, the
    deliveries) as a commit would: the test's transaction never commits."""

    def run(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def notify_verified(hp):
    """The procedures' ``hp`` with Mai's e-mail address and phone number proved."""
    hp.mai.email = "mai@example.vn"
    hp.mai.email_verified_at = hp.mai.phone_verified_at = timezone.now()
    hp.mai.save()
    return hp
