"""How the permission matrix (smartgov/tests/test_policies.py) reaches identity's URLs: sample arguments."""

from typing import Any

from django.utils import timezone

from smartgov.identity.models import DataRequest
from smartgov.platform.testing import Probe

#: URLs that need arguments, a method other than GET, a body, or call another system.
PROBES: dict[str, Probe] = {
    "identity:logout": Probe(method="post"),
    "identity:password-reset-confirm": Probe(kwargs={"uidb64": "MQ", "token": "abc-def"}),
    "identity:email-verify": Probe(kwargs={"token": "not-a-token"}),
    "identity:upstream-start": Probe(kwargs={"provider": "vneid"}),
    "identity:upstream-callback": Probe(kwargs={"provider": "vneid"}),
    "identity:email-verify-start": Probe(method="post"),
    "identity:data-request-cancel": Probe(kwargs={"pk": 999999}, method="post"),
    "identity:data-request": Probe(kwargs={"pk": "REQUEST"}),
    "oauth2_provider:token": Probe(method="post"),
    "oauth2_provider:revoke-token": Probe(method="post"),
}


def world(base: dict[str, Any]) -> dict[str, Any]:
    """A citizen's open deletion request, for the data stewards' queue."""
    request = DataRequest.objects.create(user=base["accounts"]["citizen"], kind="deletion", submitted_at=timezone.now())
    return {"REQUEST": request.pk}
