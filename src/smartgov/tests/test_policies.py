"""The permission matrix: every role (and the anonymous visitor, a citizen, a business, a civil servant without
roles, an administrator of the admin site) against every page and API operation of every installed app.

The rules come from each app's ``policies.URLS`` (docs/kernel.md §3); how to reach a URL (sample arguments, a
method, a body) from each app's ``tests/probes.py``. A URL registered without a rule, a rule for a URL that no longer
exists, or a URL the matrix cannot reach fails here, so nothing is published by accident.
"""

import importlib
import importlib.util
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from smartgov.identity.authz import AGENCY_ROLES, Role, url_rules
from smartgov.identity.services import role_grant
from smartgov.platform.access import Access
from smartgov.platform.contract import contract_apps
from smartgov.platform.services.org import AgencyData, agency_upsert
from smartgov.platform.testing import Probe

pytestmark = pytest.mark.django_db


def _probes_modules() -> list[Any]:
    found = []
    for config in contract_apps():
        dotted = f"{config.name}.tests.probes"
        if importlib.util.find_spec(f"{config.name}.tests") is not None and importlib.util.find_spec(dotted):
            found.append(importlib.import_module(dotted))
    return found


PROBES: dict[str, Probe] = {name: probe for module in _probes_modules() for name, probe in module.PROBES.items()}


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
    rules = url_rules()
    assert names - rules.keys() == set(), "declare the access rule of these URLs in their app's policies.URLS"
    assert rules.keys() - names == set(), "these URLs have a rule but no longer exist"
    assert PROBES.keys() - names == set(), "these probes reach URLs that no longer exist"


@pytest.fixture
def world(small_units):
    """The agency ``000.00.10.H31``, one account per persona (each role held there), and what each app's
    ``probes.world()`` adds: the objects its URLs' placeholders name."""
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
    base: dict[str, Any] = {"agency": agency, "accounts": accounts, "placeholders": {}}
    for module in _probes_modules():
        if hasattr(module, "world"):
            base["placeholders"].update(module.world(base))
    return base


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


def _allowed(rule: Access, persona: str) -> bool:
    if rule.kind == "open":
        return True
    if persona == "anonymous":
        return False
    if rule.kind in ("signed_in", "signs_in"):
        return True
    if rule.kind == "staff":
        return persona in (*rule.roles, Role.PLATFORM_ADMIN)
    raise AssertionError(rule)


def _path(name: str, probe: Probe, world: dict[str, Any]) -> str:
    special = world["placeholders"]
    kwargs = {k: special.get(v, v) if isinstance(v, str) else v for k, v in (probe.kwargs or {}).items()}
    return reverse(name, kwargs=kwargs or None)


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_and_apis(world, persona, settings):
    settings.SMARTGOV_METRICS_TOKEN = "metrics-token-of-the-test"  # as in production
    client = _client(world, persona)
    failures = []
    for name, rule in url_rules().items():
        probe = PROBES.get(name, Probe())
        path = _path(name, probe, world)
        is_api = rule.is_api
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
        elif rule.kind == "api":
            if status in (401, 403):
                failures.append(f"{name} {path}: refused ({status}) but any account may call it")
        elif rule.kind == "api_staff":
            agency_staff = persona in (*rule.roles, Role.PLATFORM_ADMIN)
            if agency_staff and status in (401, 403):
                failures.append(f"{name} {path}: refused ({status}) for the agency's {persona}")
            if not agency_staff and status != 403:
                failures.append(f"{name} {path}: {status} for {persona}, expected 403")
        elif rule.kind == "signed":
            if not (to_sign_in or status in (400, 403, 405)):
                failures.append(f"{name} {path}: {status} without a valid signature")
        elif rule.kind in ("bearer", "client", "metrics"):
            if status not in (400, 401, 403, 405):  # a session, or nothing, is never a token
                failures.append(f"{name} {path}: {status} without a token")
        elif _allowed(rule, persona):
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
