"""Reads of accounts: the account type other apps use, and finding an account."""

from django.db.models import Q

from smartgov.identity.domain.accounts import compact_identifier
from smartgov.identity.models import User

__all__ = ["User", "account_for_identifier", "user_get", "user_get_by_username"]


def user_get(pk: int) -> User | None:
    """The account ``pk``, or None when it no longer exists."""
    return User.objects.filter(pk=pk).first()


def user_get_by_username(username: str) -> User | None:
    """The account signing in as ``username``, or None."""
    return User.objects.filter(username=username).first()


def account_for_identifier(identifier: str) -> User | None:
    """The active account a person means by what they typed: its sign-in name (personal ID, tax code) or its
    verified e-mail address."""
    compact = compact_identifier(identifier)
    if not compact:
        return None
    return (
        User.objects.filter(is_active=True)
        .filter(Q(username=compact) | Q(email__iexact=compact, email_verified_at__isnull=False))
        .first()
    )
