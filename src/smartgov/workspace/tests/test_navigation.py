"""Every person finds every tool their roles open in at most two clicks from the home they land on.

"Every tool" is derived, not listed: the menu entries every app registers that the person may open, and every staff
page (an ``Access.staff`` rule) their roles let in that is a page of its own (its URL takes no argument and answers
GET; a dossier's page is reached from a list, an action is a form's POST). A new app's entry or staff page is walked
without touching this test."""

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from smartgov.identity import authz
from smartgov.identity.services import role_grant
from smartgov.platform import navigation
from smartgov.workspace.tests.clients import signed_in

pytestmark = pytest.mark.django_db
Role = authz.Role
LINK = re.compile(r'<a [^>]*href="(/[^"#]*)"')


def _tools(user: Any, client: Any) -> dict[str, str]:
    """The tools ``user`` may use: path → URL name."""
    request = RequestFactory().get("/")
    request.user = user
    names = {entry.url_name for entry in navigation.entries_for(request)}
    names |= {name for name, rule in authz.url_rules().items() if rule.kind == "staff" and authz.allows(rule, user)}
    tools = {}
    for name in sorted(names):
        try:
            path = reverse(name)
        except NoReverseMatch:  # about one thing (a dossier, a request): reached from its list
            continue
        answer = client.get(path)
        if answer.status_code == 405:  # an action, posted by a page's form
            continue
        assert answer.status_code == 200, (user, name, answer.status_code)
        tools[path] = name
    return tools


def _links(client: Any, href: str) -> set[str]:
    answer = client.get(href)
    if answer.status_code != 200 or not answer.get("Content-Type", "").startswith("text/html"):
        return set()
    return {link.replace("&amp;", "&") for link in LINK.findall(answer.content.decode())} - {href}


def _walk(client: Any) -> tuple[str, dict[str, int]]:
    """The home the person lands on after signing in, and every page path reached from it with the fewest clicks."""
    landing = client.get(reverse("platform:landing"))
    assert landing.status_code == 302
    home = landing["Location"]
    clicks = {urlsplit(home).path: 0}
    first = _links(client, home)
    for href in first:
        clicks.setdefault(urlsplit(href).path, 1)
    for href in sorted(first):
        if href.startswith("/static/"):
            continue
        for deeper in _links(client, href):
            clicks.setdefault(urlsplit(deeper).path, 2)
    return home, clicks


def _people(hp: Any, identity_factories: Any) -> dict[str, Any]:
    people = {"citizen": hp.mai, "business": identity_factories.Business()}
    for role in Role.values:
        user = identity_factories.Staff(username=f"nav.{role}")
        role_grant(actor=None, user=user, role=role, agency=hp.ward if role in authz.AGENCY_ROLES else None)
        people[role] = user
    return people


def test_every_role_reaches_each_of_its_tools_in_two_clicks(hp, identity_factories):
    people = _people(hp, identity_factories)
    assert set(people) >= {"citizen", "business", *Role.values}
    homes, found = {}, {}
    for who, user in people.items():
        client = signed_in(user)
        tools = _tools(user, client)
        home, clicks = _walk(client)
        homes[who], found[who] = home, tools
        far = {name: clicks.get(path) for path, name in tools.items() if clicks.get(path, 3) > 2}
        assert not far, f"{who}: tools more than two clicks from {home}: {far}"
    # the walk is not vacuous: staff land on their workspace, citizens and businesses on the site's home, and the
    # officers' tools the issue names are among a leader's and an administrator's
    assert {homes[role] for role in Role.values} == {reverse("workspace:home")}
    assert homes["citizen"] == homes["business"] == reverse("platform:home")
    for name in ("procedures:queue", "procedures:dashboard", "procedures:reconciliation", "procedures:portal-sync"):
        assert name in found[Role.LEADER].values() and name in found[Role.PLATFORM_ADMIN].values()
    assert "exchange:dashboard" in found[Role.PLATFORM_ADMIN].values()
    assert "identity:data-requests" in found[Role.DATA_STEWARD].values()
    assert "procedures:queue" not in found["citizen"].values()


def test_the_staff_menu_holds_only_what_the_person_may_open(hp, identity_factories):
    people = _people(hp, identity_factories)
    officer = signed_in(people[Role.ONE_STOP_OFFICER]).get("/can-bo/").content.decode()
    menu = officer[officer.index('class="ws-nav"') : officer.index("</nav>", officer.index('class="ws-nav"'))]
    assert reverse("procedures:queue") in menu and reverse("workspace:search") in menu
    assert reverse("procedures:dashboard") not in menu and reverse("exchange:dashboard") not in menu
    citizen = signed_in(people["citizen"]).get("/").content.decode()
    assert 'class="ws-nav"' not in citizen and reverse("workspace:home") not in citizen
