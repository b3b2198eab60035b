"""Reads of form-key claims (``smartgov.platform.formkeys``)."""

from smartgov.platform.models import FormClaim


def form_claim_of(*, scope: str, key: str) -> FormClaim | None:
    """The claim of ``key`` in ``scope``, as committed now (no transaction around it: each poll sees the latest)."""
    return FormClaim.objects.filter(scope=scope, key=key).first()
