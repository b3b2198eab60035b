"""Menus per role: each person sees the entries their URL's rule lets them open (staff entries only to staff with
the role, in the staff workspace's menu), and every entry they see opens."""

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from smartgov.identity import authz

pytestmark = pytest.mark.django_db
STAFF_ONLY = ("/mot-cua/", "/mot-cua/chi-so/", "/truc-lien-thong/")


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    if user.kind == "staff":  # past the second factor
        session = client.session
        session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
        session.save()
    return client


def _menu(client: Client) -> list[str]:
    """The entries of the site's main menu and, for civil servants, of the staff workspace's menu."""
    html = client.get("/").content.decode()
    navs = re.findall(r'<nav[^>]*class="[^"]*(?:site-nav|ws-nav)[^"]*"[^>]*>(.*?)</nav>', html, re.S)
    assert navs
    return [href for nav in navs for href in re.findall(r'href="([^"]+)"', nav)]


def _opens(client: Client, hrefs: list[str]) -> None:
    for href in hrefs:
        assert client.get(href).status_code == 200, href


def test_each_person_sees_the_entries_their_roles_open(hai_phong, citizen_account, staff_account, grant_role,
                                                       identity_factories):  # fmt: skip
    from smartgov.platform.services.org import AgencyData, agency_upsert

    agency, _ = agency_upsert(actor=None, data=AgencyData(code="000.00.02.H31", name="Sở Nội vụ", kind="department"))
    anonymous = _menu(Client())
    citizen = _signed_in(citizen_account)
    grant_role(staff_account, authz.Role.ONE_STOP_OFFICER, agency=agency)
    officer = _signed_in(staff_account)
    admin_account = identity_factories.Staff()
    identity_factories.TOTPDevice(user=admin_account)
    grant_role(admin_account, authz.Role.PLATFORM_ADMIN)
    admin = _signed_in(admin_account)

    for href in STAFF_ONLY:
        assert href not in anonymous and href not in _menu(citizen)
    officer_menu = _menu(officer)
    assert "/mot-cua/" in officer_menu and "/mot-cua/chi-so/" not in officer_menu  # the dashboard is the leaders'
    assert "/truc-lien-thong/" not in officer_menu
    admin_menu = _menu(admin)
    assert all(href in admin_menu for href in STAFF_ONLY)
    _opens(Client(), anonymous)
    _opens(citizen, _menu(citizen))
    _opens(officer, officer_menu)
    _opens(admin, admin_menu)
