"""The policies of personal data (registered beside the services in ``services/privacy.py``), tried with every role,
and the services refusing those the policies refuse."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from smartgov.identity import authz
from smartgov.identity.models import DataRequest, RoleAssignment
from smartgov.identity.selectors.privacy import data_request_for_staff, data_requests_for_staff
from smartgov.identity.services.privacy import consent_decide, data_request_cancel, data_request_submit
from smartgov.platform.errors import NotFound
from smartgov.platform.services.org import AgencyData, agency_upsert

pytestmark = pytest.mark.django_db
Role = RoleAssignment.Role


@pytest.fixture
def people(identity_factories, grant_role, small_units):
    """An account per persona: citizen, business, staff without a role, and one per role."""
    agency, _ = agency_upsert(actor=None, data=AgencyData(code="000.00.04.H31", name="Sở Tư pháp", kind="department"))
    made = {
        "citizen": identity_factories.Citizen(),
        "business": identity_factories.Business(),
        "staff": identity_factories.Staff(),
    }
    for role in Role.values:
        made[role] = identity_factories.Staff()
        grant_role(made[role], role, agency=agency if role in authz.AGENCY_ROLES else None)
    return made


@pytest.fixture
def open_request(people):
    return DataRequest.objects.create(user=people["citizen"], kind="deletion", submitted_at=timezone.now())


def test_only_data_stewards_and_platform_administrators_handle_requests(people, open_request):
    allowed = {
        name for name, user in people.items() if authz.permitted(user, "identity.data_request.handle", open_request)
    }
    assert allowed == {Role.DATA_STEWARD, Role.PLATFORM_ADMIN}


def test_a_steward_token_needs_the_stewards_scope(people, open_request):
    steward = people[Role.DATA_STEWARD]
    with_scope = authz.Principal(steward, scopes=frozenset({"openid", "identity.privacy.steward"}), client_id="app")
    without = authz.Principal(steward, scopes=frozenset({"openid", "profile"}), client_id="app")
    assert authz.permitted(with_scope, "identity.data_request.handle", open_request)
    assert not authz.permitted(without, "identity.data_request.handle", open_request)


@pytest.mark.parametrize("action", ["identity.consent.decide", "identity.data_request.submit"])
def test_a_person_decides_only_about_their_own_account(people, action):
    for name, user in people.items():
        assert authz.permitted(user, action, user), name
        others = [other for other_name, other in people.items() if other_name != name]
        assert not any(authz.permitted(user, action, other) for other in others), name
    token = authz.Principal(people["citizen"], scopes=frozenset({"openid", "profile"}), client_id="app")
    assert not authz.permitted(token, action, people["citizen"])  # no client holds identity.privacy yet


def test_only_the_sender_cancels_a_request(people, open_request):
    allowed = {
        name for name, user in people.items() if authz.permitted(user, "identity.data_request.cancel", open_request)
    }
    assert allowed == {"citizen"}  # not even a platform administrator


def test_the_stewards_checkpoints_refuse_everyone_else(people, open_request):
    for name in ("citizen", "staff", Role.LEADER, Role.ONE_STOP_OFFICER):
        with pytest.raises(PermissionDenied):
            data_request_for_staff(user=people[name], request_id=open_request.pk)
        with pytest.raises(PermissionDenied):
            data_requests_for_staff(user=people[name], status="open")
    assert data_request_for_staff(user=people[Role.DATA_STEWARD], request_id=open_request.pk) == open_request
    assert list(data_requests_for_staff(user=people[Role.DATA_STEWARD], status="open")) == [open_request]
    with pytest.raises(NotFound):
        data_request_for_staff(user=people[Role.DATA_STEWARD], request_id=open_request.pk + 1000)


def test_another_persons_request_is_not_found_and_stays_open(people, open_request):
    with pytest.raises(NotFound):
        data_request_cancel(actor=people["business"], request_id=open_request.pk)
    open_request.refresh_from_db()
    assert open_request.status == DataRequest.Status.OPEN
    assert data_request_cancel(actor=people["citizen"], request_id=open_request.pk).status == "cancelled"


def test_a_token_without_the_scope_cannot_decide_consents_or_send_requests(people, rf):
    citizen = people["citizen"]
    request = rf.post("/")
    request.user = citizen
    request.principal = authz.Principal(citizen, scopes=frozenset({"openid"}), client_id="app")
    with pytest.raises(PermissionDenied):
        consent_decide(request=request, actor=citizen, purpose="surveys", give=True)
    with pytest.raises(PermissionDenied):
        data_request_submit(request=request, actor=citizen, kind="deletion", reason="")
    assert not DataRequest.objects.filter(user=citizen).exists()
    request.principal = authz.Principal(citizen)  # the person's own browser session
    assert consent_decide(request=request, actor=citizen, purpose="surveys", give=True).action == "given"
