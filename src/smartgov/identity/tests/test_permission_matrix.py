"""The permission matrix: every role (and the anonymous visitor, a citizen, a business, a civil servant without
roles, an administrator of the admin site) against every page and API of the platform.

Every URL pattern must be declared in ``POLICIES`` below; a new page or API that is not fails this test until
its access rule is written down here, so nothing is published by accident.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from smartgov.identity.models import DataRequest, RoleAssignment
from smartgov.identity.roles import AGENCY_ROLES, role_grant
from smartgov.platform.services.org import AgencyData, agency_upsert
from smartgov.procedures.models import Dossier, Procedure, Sector

pytestmark = pytest.mark.django_db
Role = RoleAssignment.Role

OPEN = "open"  # anyone, signed in or not
SIGNED_IN = "signed_in"  # any signed-in account; visitors are sent to the sign-in page
ADMIN_SITE = "admin_site"  # the Django admin: accounts with is_staff only
BEARER = "bearer"  # an OAuth access token; a browser session is not enough
CLIENT = "client"  # an OAuth client's credentials (POST)
METRICS = "metrics"  # the metrics token
SIGNED = "signed"  # a payment gateway's signed message: refused to everyone who cannot sign (visitors: sign in)
API_SIGNED_IN = "api_signed_in"  # JSON API for any account (session or access token); visitors get 401
API_STAFF = "api_staff:"  # JSON API behind a dossier's checkpoint: these roles in the dossier's agency


def api_staff(*roles: str) -> str:
    return API_STAFF + ",".join(roles)


OSS, SPEC, LEAD = "one_stop_officer", "specialist", "leader"


def role(*names: str) -> str:
    return "role:" + ",".join(names)


@dataclass(frozen=True)
class Probe:
    policy: str
    kwargs: dict[str, Any] | None = None
    method: str = "get"
    body: str = "{}"  # JSON sent by API probes that are not GET
    #: The page calls another system (through the data-exchange gateway): 502/503 say it is not reachable here.
    upstream: bool = False


#: Every URL name of the platform, with its access rule and, where it needs them, sample URL arguments.
POLICIES: dict[str, Probe] = {
    # the shell and the shared registers: public
    "platform:home": Probe(OPEN),
    "platform:healthz": Probe(OPEN),
    "platform:healthz-live": Probe(OPEN),
    "platform:metrics": Probe(METRICS),
    "platform:units": Probe(OPEN),
    "platform:units-lookup": Probe(OPEN),
    "platform:unit": Probe(OPEN, {"generation": "2025", "code": "11311"}),
    "platform:agencies": Probe(OPEN),
    "platform:agency": Probe(OPEN, {"code": "000.00.10.H31"}),
    "platform:calendar": Probe(OPEN),
    "set_language": Probe(OPEN, method="post"),
    # the public JSON API
    "api:api-root": Probe(OPEN),
    "api:openapi-json": Probe(OPEN),
    "api:openapi-view": Probe(OPEN),
    "api:search_units": Probe(OPEN),
    "api:successors": Probe(OPEN, {"code": "10507"}),
    "api:predecessors": Probe(OPEN, {"code": "10507"}),
    "api:get_unit": Probe(OPEN, {"generation": "2025", "code": "11311"}),
    "api:list_agencies": Probe(OPEN),
    "api:get_agency": Probe(OPEN, {"code": "000.00.10.H31"}),
    "api:year_days": Probe(OPEN),
    "api:deadline": Probe(OPEN),
    # signing in, registering, recovering an account
    "identity:login": Probe(OPEN),
    "identity:logout": Probe(OPEN, method="post"),
    "identity:register": Probe(OPEN),
    "identity:password-forgotten": Probe(OPEN),
    "identity:password-reset-sent": Probe(OPEN),
    "identity:password-reset-confirm": Probe(OPEN, {"uidb64": "MQ", "token": "abc-def"}),
    "identity:email-verify": Probe(OPEN, {"token": "not-a-token"}),
    "identity:upstream-start": Probe(OPEN, {"provider": "vneid"}),
    "identity:upstream-callback": Probe(OPEN, {"provider": "vneid"}),
    "identity:mfa-verify": Probe(SIGNED_IN),
    "identity:mfa-setup": Probe(SIGNED_IN),
    # the person's own account
    "identity:profile": Probe(SIGNED_IN),
    "identity:email-verify-start": Probe(SIGNED_IN, method="post"),
    "identity:phone-verify": Probe(SIGNED_IN),
    "identity:security": Probe(SIGNED_IN),
    "identity:password-change": Probe(SIGNED_IN),
    "identity:recovery-codes": Probe(SIGNED_IN),
    "identity:mfa-disable": Probe(SIGNED_IN),
    "identity:sessions": Probe(SIGNED_IN),
    "identity:consents": Probe(SIGNED_IN),
    "identity:my-data": Probe(SIGNED_IN),
    "identity:my-data-download": Probe(SIGNED_IN),
    "identity:data-request-cancel": Probe(SIGNED_IN, {"pk": 999999}, method="post"),
    # the data stewards' queue
    "identity:data-requests": Probe(role(Role.DATA_STEWARD)),
    "identity:data-request": Probe(role(Role.DATA_STEWARD), {"pk": "REQUEST"}),
    # public services: pages and the catalog are public; dossiers belong to their applicant or their agencies
    "procedures:catalog": Probe(OPEN),
    "procedures:lookup": Probe(OPEN),
    "procedures:procedure": Probe(OPEN, {"code": "1.001193"}),
    "procedures:apply": Probe(SIGNED_IN, {"code": "1.001193"}),
    "procedures:my-dossiers": Probe(SIGNED_IN),
    "procedures:my-dossier": Probe(SIGNED_IN, {"pk": "DOSSIER"}),
    "procedures:my-receipt": Probe(SIGNED_IN, {"pk": "DOSSIER"}),
    "procedures:my-notice": Probe(SIGNED_IN, {"pk": "DOSSIER", "event_id": 999}),
    "procedures:officer-notice": Probe(role(OSS, SPEC, LEAD), {"pk": "DOSSIER", "event_id": 999}),
    "procedures:withdraw": Probe(SIGNED_IN, {"pk": "DOSSIER"}, method="post"),
    "procedures:supplement": Probe(SIGNED_IN, {"pk": "DOSSIER"}, method="post"),
    "procedures:rate": Probe(SIGNED_IN, {"pk": "DOSSIER"}, method="post"),
    "procedures:queue": Probe(role(OSS, SPEC, LEAD)),
    "procedures:dashboard": Probe(role(LEAD)),
    "procedures:tracking-book": Probe(role(OSS, SPEC, LEAD)),
    "procedures:officer-dossier": Probe(role(OSS, SPEC, LEAD), {"pk": "DOSSIER"}),
    "procedures:officer-attachment": Probe(role(OSS, SPEC, LEAD), {"pk": "DOSSIER", "attachment_id": 999}),
    "procedures:officer-move": Probe(role(OSS, SPEC, LEAD), {"pk": "DOSSIER", "action": "accept"}, method="post"),
    "procedures:pay": Probe(SIGNED_IN, {"pk": "DOSSIER"}),
    "procedures:pay-transfer": Probe(SIGNED_IN, {"pk": "DOSSIER"}, method="post"),
    "procedures:payment-receipt": Probe(SIGNED_IN, {"pk": "DOSSIER", "payment_id": 999}),
    "procedures:payment-return": Probe(SIGNED, {"gateway": "sandbox"}),
    "procedures:payment-notice": Probe(SIGNED, {"gateway": "sandbox"}, method="post"),
    "procedures:payment-sandbox": Probe(SIGNED),
    "procedures:reconciliation": Probe(role(LEAD)),
    "procedures:portal-sync": Probe(role(LEAD)),
    "procedures:portal-sync-retry": Probe(role(LEAD), method="post"),
    "procedures:officer-receipt": Probe(role(OSS, SPEC, LEAD), {"pk": "DOSSIER", "payment_id": 999}),
    "procedures:officer-result": Probe(role(OSS, SPEC, LEAD), {"pk": "DOSSIER"}),
    "procedures:citizen-check": Probe(role(OSS, SPEC, LEAD), {"pk": "DOSSIER"}, method="post", upstream=True),
    "procedures:my-result": Probe(SIGNED_IN, {"pk": "DOSSIER"}),
    "procedures:verify": Probe(OPEN),
    "procedures:document-store": Probe(SIGNED_IN),
    "procedures:document-download": Probe(SIGNED_IN, {"pk": 999}),
    "procedures:document-share": Probe(SIGNED_IN, {"pk": 999}, method="post"),
    "procedures:document-remove": Probe(SIGNED_IN, {"pk": 999}, method="post"),
    "procedures:document-unshare": Probe(SIGNED_IN, {"share_id": 999}, method="post"),
    "procedures:shared-documents": Probe(role(OSS, SPEC, LEAD)),
    "procedures:shared-document": Probe(role(OSS, SPEC, LEAD), {"share_id": 999}),
    "exchange:dashboard": Probe(role()),  # platform administrators only
    "exchange:dead-letters-retry": Probe(role(), {"topic_id": 999}, method="post"),
    "notifications:inbox": Probe(SIGNED_IN),
    "notifications:read-all": Probe(SIGNED_IN, method="post"),
    "api:attach_reused": Probe(
        API_SIGNED_IN, {"dossier_id": "DOSSIER"}, "post", '{"component": "tk", "document": 999}'
    ),
    "api:payment_methods": Probe(OPEN),
    "api:list_payments": Probe(API_SIGNED_IN, {"dossier_id": "DOSSIER"}),
    "api:start_payment": Probe(API_SIGNED_IN, {"dossier_id": "DOSSIER"}, "post", '{"gateway": "sandbox"}'),
    "api:result_file": Probe(API_SIGNED_IN, {"dossier_id": "DOSSIER"}),
    "api:my_documents": Probe(API_SIGNED_IN),
    "api:verify_result": Probe(OPEN, method="post"),
    "api:request_payment": Probe(
        api_staff(OSS, SPEC, LEAD), {"dossier_id": "DOSSIER"}, "post", '{"amount_vnd": 50000}'
    ),
    "api:list_procedures": Probe(OPEN),
    "api:get_procedure": Probe(OPEN, {"code": "1.001193"}),
    "api:lookup": Probe(OPEN),
    "api:my_dossiers": Probe(API_SIGNED_IN),
    "api:create_draft": Probe(API_SIGNED_IN, method="post"),
    "api:get_dossier": Probe(API_SIGNED_IN, {"dossier_id": "DOSSIER"}),
    "api:save_draft": Probe(API_SIGNED_IN, {"dossier_id": "DOSSIER"}, method="put"),
    "api:attach": Probe(API_SIGNED_IN, {"dossier_id": "DOSSIER"}, method="post"),
    "api:submit": Probe(API_SIGNED_IN, {"dossier_id": "DOSSIER"}, method="post"),
    "api:receipt": Probe(API_SIGNED_IN, {"dossier_id": "DOSSIER"}),
    "api:staff_receipt": Probe(api_staff(OSS, SPEC, LEAD), {"dossier_id": "DOSSIER"}),
    "api:withdraw": Probe(API_SIGNED_IN, {"dossier_id": "DOSSIER"}, method="post"),
    "api:supplement": Probe(API_SIGNED_IN, {"dossier_id": "DOSSIER"}, method="post"),
    "api:rate": Probe(API_SIGNED_IN, {"dossier_id": "DOSSIER"}, method="post"),
    "api:queue": Probe(API_SIGNED_IN),
    "api:staff_dossier": Probe(api_staff(OSS, SPEC, LEAD), {"dossier_id": "DOSSIER"}),
    "api:staff_payments": Probe(api_staff(OSS, SPEC, LEAD), {"dossier_id": "DOSSIER"}),
    "api:citizen_check": Probe(api_staff(OSS, SPEC, LEAD), {"dossier_id": "DOSSIER"}, method="post", upstream=True),
    "api:portal_sync": Probe(api_staff(LEAD)),
    "api:portal_sync_retry_now": Probe(api_staff(LEAD), method="post"),
    "api:accept": Probe(api_staff(OSS), {"dossier_id": "DOSSIER"}, method="post"),
    "api:request_supplement": Probe(
        api_staff(OSS, SPEC, LEAD), {"dossier_id": "DOSSIER"}, "post", '{"reason": "Thiếu"}'
    ),
    "api:refuse": Probe(api_staff(OSS), {"dossier_id": "DOSSIER"}, "post", '{"reason": "Sai thẩm quyền"}'),
    "api:transfer": Probe(
        api_staff(OSS, SPEC, LEAD), {"dossier_id": "DOSSIER"}, "post", '{"to_agency": "000.00.10.H31"}'
    ),
    "api:assign": Probe(api_staff(LEAD, OSS), {"dossier_id": "DOSSIER"}, "post", '{"specialist": "canbo.specialist"}'),
    "api:approve": Probe(api_staff(LEAD), {"dossier_id": "DOSSIER"}, method="post"),
    "api:stop": Probe(api_staff(LEAD), {"dossier_id": "DOSSIER"}, "post", '{"reason": "Theo yêu cầu"}'),
    "api:apologise": Probe(
        api_staff(OSS, LEAD), {"dossier_id": "DOSSIER"}, "post", '{"reason": "Chờ", "new_due_at": "2030-01-01T10:00"}'
    ),
    "api:pause": Probe(api_staff(SPEC, LEAD), {"dossier_id": "DOSSIER"}, "post", '{"reason": "Chờ xác minh"}'),
    "api:resume": Probe(api_staff(SPEC, LEAD), {"dossier_id": "DOSSIER"}, "post"),
    "api:return_result": Probe(api_staff(OSS), {"dossier_id": "DOSSIER"}, method="post"),
    # the OpenID Connect provider
    "oauth2_provider:authorize": Probe(SIGNED_IN),
    "oauth2_provider:token": Probe(CLIENT, method="post"),
    "oauth2_provider:revoke-token": Probe(CLIENT, method="post"),
    "oauth2_provider:introspect": Probe(BEARER),
    "oauth2_provider:user-info": Probe(BEARER),
    "oauth2_provider:oidc-connect-discovery-info": Probe(OPEN),
    "oauth2_provider:jwks-info": Probe(OPEN),
    "oauth2_provider:rp-initiated-logout": Probe(OPEN),
}

PERSONAS = ["anonymous", "citizen", "business", "staff_without_role", *Role.values, "admin_site"]


def _url_names(resolver: URLResolver, namespace: str = "") -> list[str]:
    names: list[str] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names += _url_names(entry, inner)
        elif isinstance(entry, URLPattern):
            names.append(f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {entry.pattern}>")
    return names


def test_every_url_has_a_declared_access_rule():
    names = {n for n in _url_names(get_resolver()) if not n.startswith("admin:")}
    assert names - POLICIES.keys() == set(), "declare the access rule of these new URLs in POLICIES"
    assert POLICIES.keys() - names == set(), "these declared URLs no longer exist"


@pytest.fixture
def world(small_units):
    agency, _ = agency_upsert(
        actor=None, data=AgencyData(code="000.00.10.H31", name="Sở Khoa học và Công nghệ", kind="department")
    )
    users = get_user_model().objects
    accounts: dict[str, Any] = {
        "citizen": users.create_user(username="031195001234", kind="citizen", personal_id="031195001234"),
        "business": users.create_user(username="0100109106", kind="business", tax_code="0100109106"),
        "staff_without_role": users.create_user(username="canbo.khongvaitro", kind="staff"),
        "admin_site": users.create_superuser(username="quantri", password=None, kind="staff"),
    }
    for name in Role.values:
        accounts[name] = users.create_user(username=f"canbo.{name}", kind="staff")
        role_grant(actor=None, user=accounts[name], role=name, agency=agency if name in AGENCY_ROLES else None)
    request = DataRequest.objects.create(user=accounts["citizen"], kind="deletion", submitted_at=timezone.now())
    sector = Sector.objects.create(code="ho-tich", name="Hộ tịch")
    procedure = Procedure.objects.create(
        code="1.001193",
        name="Đăng ký khai sinh",
        sector=sector,
        level="province",
        agency=agency,
        online_level="full",
        processing_time=3,
        processing_unit="working_days",
    )
    dossier = Dossier.objects.create(
        procedure=procedure,
        applicant=accounts["citizen"],
        applicant_name="Mai",
        receiving_agency=agency,
        current_agency=agency,
        status=1,
        code="000.00.10.H31-261124-0001",
        created_at=timezone.now(),
    )
    return {"accounts": accounts, "request": request, "dossier": dossier}


def _client(world: dict[str, Any], persona: str) -> Client:
    client = Client()
    if persona == "anonymous":
        return client
    user = world["accounts"][persona]
    client.force_login(user)
    if user.kind == "staff":  # civil servants pass the second factor first
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def _allowed(policy: str, persona: str) -> bool:
    if policy == OPEN:
        return True
    if persona == "anonymous":
        return False
    if policy == SIGNED_IN:
        return True
    if policy.startswith("role:"):
        return persona in (*policy.removeprefix("role:").split(","), Role.PLATFORM_ADMIN)
    raise AssertionError(policy)


def _path(name: str, probe: Probe, world: dict[str, Any]) -> str:
    special = {"REQUEST": world["request"].pk, "DOSSIER": world["dossier"].pk}
    kwargs = {k: special.get(v, v) if isinstance(v, str) else v for k, v in (probe.kwargs or {}).items()}
    return reverse(name, kwargs=kwargs or None)


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_and_apis(world, persona, settings):
    settings.SMARTGOV_METRICS_TOKEN = "metrics-token-of-the-test"  # as in production
    client = _client(world, persona)
    failures = []
    for name, probe in POLICIES.items():
        path = _path(name, probe, world)
        is_api = probe.policy == API_SIGNED_IN or probe.policy.startswith(API_STAFF)
        if is_api and probe.method != "get":
            response = getattr(client, probe.method)(path, data=probe.body, content_type="application/json")
        else:
            response = getattr(client, probe.method)(path)
        status, location = response.status_code, response.get("Location", "")
        to_sign_in = status == 302 and location.startswith("/dang-nhap/")
        if status >= 500 and not (probe.upstream and status in (502, 503, 504)):
            failures.append(f"{name} {path}: {status}")
        elif is_api and persona == "anonymous":
            if status != 401:
                failures.append(f"{name} {path}: {status} for a visitor, expected 401")
        elif probe.policy == API_SIGNED_IN:
            if status in (401, 403):
                failures.append(f"{name} {path}: refused ({status}) but any account may call it")
        elif probe.policy.startswith(API_STAFF):
            agency_staff = persona in (*probe.policy.removeprefix(API_STAFF).split(","), Role.PLATFORM_ADMIN)
            if agency_staff and status in (401, 403):
                failures.append(f"{name} {path}: refused ({status}) for the agency's {persona}")
            if not agency_staff and status != 403:
                failures.append(f"{name} {path}: {status} for {persona}, expected 403")
        elif probe.policy == SIGNED:
            if not (to_sign_in or status in (400, 403, 405)):
                failures.append(f"{name} {path}: {status} without a valid signature")
        elif probe.policy in (BEARER, CLIENT, METRICS):
            if status not in (400, 401, 403, 405):  # a session, or nothing, is never a token
                failures.append(f"{name} {path}: {status} without a token")
        elif _allowed(probe.policy, persona):
            if to_sign_in or status == 403:
                failures.append(f"{name} {path}: refused ({status}) but should be allowed")
        elif persona == "anonymous":
            if not to_sign_in:
                failures.append(f"{name} {path}: {status} for a visitor, expected the sign-in page")
        elif status != 403:
            failures.append(f"{name} {path}: {status}, expected 403")
        # POST-only probes may change state (sign-out): start each probe from a fresh session
        if probe.method == "post" and persona != "anonymous":
            client = _client(world, persona)
    assert failures == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_site(world, persona):
    client = _client(world, persona)
    paths = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in admin.site._registry
    ]
    for path in paths:
        response = client.get(path)
        if persona == "admin_site":
            assert response.status_code == 200, path
        else:
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), path
