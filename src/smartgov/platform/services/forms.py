"""Claims of form keys: the first POST of a filled form acts, a repeat of it gets the first one's answer
(``smartgov.platform.formkeys``, docs/kernel.md §3).

Each write commits on its own, outside any transaction of the view, so that a concurrent POST of the same key sees
the claim at once. The rows are technical, like sessions: no audit row, no event."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from smartgov.platform.models import FormClaim


def form_claim_take(*, scope: str, key: str, path: str, stale_after: timedelta) -> FormClaim | None:
    """Claim ``key`` for ``scope``: the new claim, or ``None`` when another POST holds it.

    A claim still unanswered after ``stale_after`` was abandoned (its worker died in the middle of the request): the
    first POST to find it takes it over, and the abandoned one can no longer answer it."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return FormClaim.objects.create(scope=scope, key=key, path=path[:500], claimed_at=now)
    except IntegrityError:
        pass
    abandoned = FormClaim.objects.filter(
        scope=scope, key=key, status__isnull=True, claimed_at__lt=now - stale_after
    ).update(claimed_at=now)
    if abandoned:
        return FormClaim.objects.filter(scope=scope, key=key, claimed_at=now).first()
    return None


def form_claim_answer(*, claim: FormClaim, status: int, location: str = "") -> None:
    """Keep the answer of a claim's POST (its status and, for a redirect, where it sent the browser), for repeats."""
    FormClaim.objects.filter(pk=claim.pk, claimed_at=claim.claimed_at).update(
        status=status, location=location if len(location) <= 2000 else ""
    )


def form_claim_release(*, claim: FormClaim) -> None:
    """Forget the claim of a POST that failed, so the same form can be corrected and sent again."""
    FormClaim.objects.filter(pk=claim.pk, claimed_at=claim.claimed_at, status__isnull=True).delete()


def form_claims_purge(*, older_than: timedelta) -> int:
    """Delete the claims older than ``older_than`` (the keys' lifetime: their keys are refused by now)."""
    deleted, _by_model = FormClaim.objects.filter(claimed_at__lt=timezone.now() - older_than).delete()
    return deleted
