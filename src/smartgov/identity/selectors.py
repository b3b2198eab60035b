"""Reads of identity that other apps use (docs/kernel.md §2): the account type and finding an account."""

from smartgov.identity.models import User

__all__ = ["User", "user_get"]


def user_get(pk: int) -> User | None:
    """The account ``pk``, or None when it no longer exists."""
    return User.objects.filter(pk=pk).first()
