"""Roles scoped to agencies and units; every grant and revocation is audited and a security event."""

import pytest
from django.contrib.auth import get_user_model

from smartgov.identity.authz import holds
from smartgov.identity.models import RoleAssignment, SecurityEvent
from smartgov.identity.services import role_grant, role_revoke
from smartgov.platform.errors import Conflict, DomainError
from smartgov.platform.models import Agency, AuditEntry
from smartgov.platform.services.org import AgencyData, agency_upsert

pytestmark = pytest.mark.django_db
Role = RoleAssignment.Role


@pytest.fixture
def agencies(small_units):
    ward = small_units["thanh_dong"]
    own, _ = agency_upsert(
        actor=None,
        data=AgencyData(
            code="000.21.01.H31", name="Ủy ban nhân dân phường Thành Đông", kind="commune_committee", admin_unit=ward
        ),
    )
    other, _ = agency_upsert(actor=None, data=AgencyData(code="000.00.04.H31", name="Sở Tư pháp", kind="department"))
    return own, other


@pytest.fixture
def staff():
    users = get_user_model().objects
    made = {
        name: users.create_user(username=name, password="Mat-khau-dai-2026", kind="staff")
        for name in ("officer", "admin", "analyst")
    }
    made["admin"].is_superuser = True  # the admin site's superuser may grant roles (identity.role.grant)
    made["admin"].save()
    return made


def test_scoped_role(agencies, staff):
    own, other = agencies
    role_grant(actor=staff["admin"], user=staff["officer"], role=Role.ONE_STOP_OFFICER, agency=own)
    assert holds(staff["officer"], Role.ONE_STOP_OFFICER, agency=own)
    assert not holds(staff["officer"], Role.ONE_STOP_OFFICER, agency=other)
    assert not holds(staff["officer"], Role.LEADER, agency=own)


def test_unscoped_and_platform_admin(agencies, staff):
    own, other = agencies
    role_grant(actor=None, user=staff["analyst"], role=Role.SOC_ANALYST)
    assert holds(staff["analyst"], Role.SOC_ANALYST, agency=other)
    assert not holds(staff["analyst"], Role.LEADER, agency=own)
    role_grant(actor=None, user=staff["admin"], role=Role.PLATFORM_ADMIN)
    assert holds(staff["admin"], Role.LEADER, agency=own)


def test_grant_and_revoke_are_audited_and_security_events(agencies, staff):
    own, _ = agencies
    assignment = role_grant(actor=staff["admin"], user=staff["officer"], role=Role.LEADER, agency=own)
    role_revoke(actor=staff["admin"], assignment_id=assignment.pk)
    assert not holds(staff["officer"], Role.LEADER, agency=own)
    actions = list(AuditEntry.objects.filter(action__startswith="identity.role.").values_list("action", flat=True))
    assert actions == ["identity.role.grant", "identity.role.revoke"]
    events = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PRIVILEGE_CHANGE, user=staff["officer"])
    assert sorted(e.details["change"] for e in events) == ["grant", "revoke"]


def test_refusals(agencies, staff):
    own, _ = agencies
    citizen = get_user_model().objects.create_user(username="031195001234", password="x-long-pass-1", kind="citizen")
    with pytest.raises(DomainError):
        role_grant(actor=None, user=citizen, role=Role.SPECIALIST, agency=own)
    with pytest.raises(DomainError):
        role_grant(actor=None, user=staff["officer"], role=Role.SPECIALIST)  # needs an agency
    with pytest.raises(DomainError):
        role_grant(actor=None, user=staff["officer"], role="mayor", agency=own)
    role_grant(actor=None, user=staff["officer"], role=Role.SPECIALIST, agency=own)
    with pytest.raises(Conflict):
        role_grant(actor=None, user=staff["officer"], role=Role.SPECIALIST, agency=own)
    assert RoleAssignment.objects.count() == 1
    assert not holds(get_user_model()(username="anon"), Role.SPECIALIST)  # not saved, not authenticated-active


def test_inactive_account_holds_nothing(agencies, staff):
    own, _ = agencies
    role_grant(actor=None, user=staff["officer"], role=Role.SPECIALIST, agency=own)
    staff["officer"].is_active = False
    assert not holds(staff["officer"], Role.SPECIALIST, agency=own)
    assert Agency.objects.filter(pk=own.pk).exists()


def test_an_administrator_creates_a_civil_servants_account_in_the_admin(client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin = get_user_model().objects.create_superuser(username="quantri", password=None, kind="staff")
    client.force_login(admin)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.create(user=admin, name="app", confirmed=True).persistent_id
    session.save()
    form = {"username": "motcua.thanhdong", "kind": "staff", "full_name": "Hoàng Văn Nam", "email": "", "phone": ""}
    password = {"usable_password": "true", "password1": "Can-bo-mot-cua-2026", "password2": "Can-bo-mot-cua-2026"}
    assert client.post("/admin/identity/user/add/", {**form, **password}).status_code == 302
    created = get_user_model().objects.get(username="motcua.thanhdong")
    assert (created.kind, created.full_name) == ("staff", "Hoàng Văn Nam")
    assert created.password.startswith("argon2$")


@pytest.mark.parametrize("action", ["identity.role.grant", "identity.role.revoke"])
def test_only_platform_administrators_and_the_superuser_manage_roles(agencies, identity_factories, grant_role, action):
    from smartgov.identity import authz

    own, _ = agencies
    target = identity_factories.Staff()
    people = {"citizen": identity_factories.Citizen(), "business": identity_factories.Business()}
    people["staff"] = identity_factories.Staff()
    people["superuser"] = identity_factories.Staff(is_superuser=True, is_staff=True)
    for role in Role.values:
        people[role] = identity_factories.Staff()
        grant_role(people[role], role, agency=own if role in authz.AGENCY_ROLES else None)
    assignment = grant_role(target, Role.SPECIALIST, agency=own)
    resource = target if action.endswith("grant") else assignment
    allowed = {name for name, user in people.items() if authz.permitted(user, action, resource)}
    assert allowed == {"superuser", Role.PLATFORM_ADMIN}
    token = authz.Principal(people[Role.PLATFORM_ADMIN], scopes=frozenset({"openid", "profile"}), client_id="app")
    assert not authz.permitted(token, action, resource)


def test_the_services_refuse_an_actor_the_policy_refuses(agencies, identity_factories, grant_role):
    from django.core.exceptions import PermissionDenied

    own, _ = agencies
    leader = identity_factories.Staff()
    grant_role(leader, Role.LEADER, agency=own)
    officer = identity_factories.Staff()
    with pytest.raises(PermissionDenied):
        role_grant(actor=leader, user=officer, role=Role.SPECIALIST, agency=own)
    assert not holds(officer, Role.SPECIALIST, agency=own)
    assignment = grant_role(officer, Role.SPECIALIST, agency=own)
    with pytest.raises(PermissionDenied):
        role_revoke(actor=leader, assignment_id=assignment.pk)
    admin = identity_factories.Staff()
    grant_role(admin, Role.PLATFORM_ADMIN)
    role_revoke(actor=admin, assignment_id=assignment.pk)
    assert not holds(officer, Role.SPECIALIST, agency=own)


def _admin_client(client, user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.create(user=user, name="app", confirmed=True).persistent_id
    session.save()
    return client


def test_roles_are_granted_in_the_admin_only_by_those_the_policy_lets(agencies, identity_factories, client):
    from django.contrib.auth.models import Permission

    own, _ = agencies
    officer = identity_factories.Staff()
    form = {"user": officer.pk, "role": Role.SPECIALIST, "agency": own.pk, "admin_unit": ""}
    clerk = identity_factories.Staff(is_staff=True)  # the admin site with the model's permissions, but no role
    clerk.user_permissions.set(Permission.objects.filter(codename__endswith="roleassignment"))
    assert _admin_client(client, clerk).get("/admin/identity/roleassignment/").status_code == 200  # may look
    assert client.post("/admin/identity/roleassignment/add/", form).status_code == 403
    assert not holds(officer, Role.SPECIALIST, agency=own)
    superuser = identity_factories.Staff(is_staff=True, is_superuser=True)
    assert _admin_client(client, superuser).post("/admin/identity/roleassignment/add/", form).status_code == 302
    assert holds(officer, Role.SPECIALIST, agency=own)
    grant = AuditEntry.objects.get(action="identity.role.grant", changes__role=[None, Role.SPECIALIST])
    assert grant.actor_id == superuser.pk
