"""Answers that may hold personal data are never stored by a browser or a proxy (Cache-Control: no-store): every
answer to a signed-in person or to an access token, every URL whose rule is not open, and the open URLs declared
personal (a dossier's public tracking). Open, impersonal pages served to visitors stay cacheable."""

from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from django.urls import resolve
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from smartgov.identity import authz
from smartgov.procedures.tests.factories import submitted
from smartgov.procedures.tests.fixtures import staff_client

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_the_pages_and_files_of_a_dossier_are_no_store(hp):
    dossier = submitted(hp)
    mai = Client()
    mai.force_login(hp.mai)
    for url in ("/ho-so-cua-toi/", f"/ho-so-cua-toi/{dossier.pk}/", f"/ho-so-cua-toi/{dossier.pk}/giay-tiep-nhan.pdf"):
        answer = mai.get(url)
        assert answer.status_code == 200 and _no_store(answer), url
    officer = staff_client(hp.officer)
    for url in (f"/mot-cua/{dossier.pk}/", f"/api/v1/procedures/queue/{dossier.pk}"):
        answer = officer.get(url)
        assert answer.status_code == 200 and _no_store(answer), url


def test_an_access_tokens_answers_are_no_store(hp):
    dossier = submitted(hp)
    get_access_token_model().objects.create(
        user=hp.mai, token="tok-cache", scope="openid dossiers.read", expires=timezone.now() + timedelta(minutes=5)
    )
    answer = Client(HTTP_AUTHORIZATION="Bearer tok-cache").get(f"/api/v1/procedures/dossiers/{dossier.pk}")
    assert answer.status_code == 200 and _no_store(answer)


def test_the_public_tracking_is_no_store_but_the_catalog_may_be_cached(hp):
    dossier = submitted(hp)
    visitor = Client()
    tracked = visitor.get("/dich-vu-cong/tra-cuu-ho-so/", {"code": dossier.code, "secret": hp.mai.phone})
    assert tracked.status_code == 200 and dossier.code in tracked.content.decode() and _no_store(tracked)
    api = visitor.get("/api/v1/procedures/lookup", {"code": dossier.code, "secret": hp.mai.phone})
    assert api.status_code == 200 and _no_store(api)
    catalog = visitor.get("/dich-vu-cong/")
    assert catalog.status_code == 200 and not _no_store(catalog)


def test_every_url_that_is_not_open_is_private():
    factory = RequestFactory()
    from django.contrib.auth.models import AnonymousUser

    checked = 0
    for name, rule in authz.url_rules().items():
        if rule.kind == "open" and not rule.personal:
            continue
        request = factory.get("/")
        request.user = AnonymousUser()
        request.resolver_match = resolve("/")  # any match; the rule is looked up by the name below
        request.resolver_match.view_name = name
        assert authz.PolicyMiddleware.private(request), name
        checked += 1
    assert checked > 50
