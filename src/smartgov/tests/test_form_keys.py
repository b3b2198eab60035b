"""Form keys: every form that changes something carries one, and one filled form acts once (issue 13, finding 12;
``smartgov.platform.formkeys``). The application page's twenty parallel posts are in
``procedures/tests/test_views_double_post.py``."""

import re
from datetime import timedelta
from pathlib import Path
from typing import cast

import pytest
from django.conf import settings
from django.core import signing
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.test import Client
from django.utils import timezone

from smartgov.identity.authz import url_rules
from smartgov.identity.selectors import data_requests_of
from smartgov.platform.formkeys import FIELD, form_key_new
from smartgov.platform.models import FormClaim
from smartgov.platform.services.forms import form_claim_take
from smartgov.platform.tasks import form_claims_purge_task
from smartgov.platform.testing import form_keys_in

MY_DATA = "/tai-khoan/du-lieu-cua-toi/"
CORRECTION = {"kind": "correction", "full_name": "Nguyễn Thị Mai Anh", "reason": "Sai chính tả"}
_FORM = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
_POSTS = re.compile(r"""method\s*=\s*["']?post\b""", re.IGNORECASE)
_ACTION_URL = re.compile(r"""action\s*=\s*["']\{%\s*url\s+['"]([^'"]+)['"]""")
#: Forms without a key that post to the page they are on (no ``action``): the template and that page's URL name,
#: whose rule must say why repeating it does no harm, or be no page at all: the payment sandbox plays an outside
#: gateway's page (its rule: a signed request), whose notice is applied once per payment reference.
POSTS_TO_ITSELF = {
    "identity/login.html": "identity:login",
    "procedures/payment_sandbox.html": "procedures:payment-sandbox",
}


def _site_templates() -> list[tuple[Path, Path]]:
    """Every template of SmartGov's own (the project's and every installed app's), as the loaders find them: the
    folder and the file."""
    found: list[tuple[Path, Path]] = []
    for loader in cast(DjangoTemplates, engines["django"]).engine.template_loaders:
        for folder in map(Path, loader.get_dirs()):  # type: ignore[attr-defined]  # the filesystem and app loaders
            if folder.is_relative_to(settings.PACKAGE_DIR) and folder.is_dir():
                found += [(folder, file) for file in sorted(folder.rglob("*.html"))]
    return found


def test_every_form_that_posts_carries_a_form_key():
    """A ``<form method="post">`` of any template carries ``{% form_key %}``, unless it posts to a URL whose rule says
    why repeating it does no harm (``Access.open(repeatable=...)``: signing in and out, switching the language), or
    to a URL that is not a page (the middleware does not check those). Django's admin and third-party templates are
    outside: the admin's URLs are not pages, and a third-party form posting to a page without a key is refused by the
    middleware (fail closed)."""
    rules = url_rules()
    checked, missing = 0, []
    for folder, template in _site_templates():
        text = template.read_text(encoding="utf-8")
        name = template.relative_to(folder).as_posix()
        for form in _FORM.finditer(text):
            if not _POSTS.search(form.group(0)):
                continue
            checked += 1
            body = text[form.end() : text.find("</form>", form.end())]
            if "{% form_key %}" in body:
                continue
            action = _ACTION_URL.search(form.group(0))
            rule = rules.get(action.group(1) if action else POSTS_TO_ITSELF.get(name, ""))
            if rule is None or (rule.is_page and not rule.repeatable):
                missing.append(f"{template}: {form.group(0)[:120]}")
    assert missing == []
    assert checked >= 35  # the walk found the site's forms (it cannot pass by finding none)


def test_the_pages_that_need_no_key_are_few_and_say_why():
    """Signing in and out, switching the language, answering a client's authorization request, and turning push
    notifications on or off for a device (a script's JSON post, the same subscription whatever the repeats); the
    sign-in form posts to itself without a key (a stored answer could not carry the new session's cookie to a
    browser repeating it). Besides these, the open data portal's CKAN read actions: a machine API that answers a
    POST as it answers a GET (CKAN's clients post their queries), never reads the session and changes nothing."""
    rules = url_rules()
    ckan_reads = sorted(name for name, rule in rules.items() if name.startswith("opendata:") and rule.repeatable)
    assert ckan_reads and all(
        rules[name].repeatable == "a read action of the CKAN API changes nothing" for name in ckan_reads
    )
    from smartgov.opendata.ckan.actions import ACTIONS

    assert ckan_reads == sorted(
        [f"opendata:{name}" for name, action in ACTIONS.items() if action.read] + ["opendata:action-unknown"]
    )
    repeatable = sorted(name for name, rule in rules.items() if rule.repeatable and name not in ckan_reads)
    assert repeatable == [
        "identity:login",
        "identity:logout",
        "notifications:push-device",
        "oauth2_provider:authorize",
        "oauth2_provider:rp-initiated-logout",
        "set_language",
    ]


@pytest.fixture
def mai(citizen_account):
    browser = Client()
    browser.force_login(citizen_account)
    browser.account = citizen_account
    return browser


@pytest.mark.django_db
def test_a_repeat_gets_the_first_answer_and_acts_not(mai):
    [key] = form_keys_in(mai.get(MY_DATA))
    first = mai.post(MY_DATA, {**CORRECTION, FIELD: key})
    again = mai.post(MY_DATA, {**CORRECTION, FIELD: key})
    assert (first.status_code, first["Location"]) == (302, MY_DATA)
    assert (again.status_code, again["Location"]) == (303, MY_DATA)
    assert len(data_requests_of(user=mai.account)) == 1
    claim = FormClaim.objects.get()
    assert (claim.scope, claim.status, claim.location) == (f"account:{mai.account.pk}", 302, MY_DATA)


@pytest.mark.django_db
def test_a_repeat_of_a_form_answered_with_a_page_goes_back_to_the_form(mai):
    """A page as answer is not kept (it may hold personal data): the repeat is sent back where the form was."""
    form = "/tai-khoan/bao-mat/mat-khau/"
    [key] = form_keys_in(mai.get(form))
    sent = {"old_password": "not-the-password", "new_password1": "x", "new_password2": "x", FIELD: key}
    first = mai.post(form, sent, headers={"Referer": f"http://testserver{form}"})
    again = mai.post(form, sent, headers={"Referer": f"http://testserver{form}"})
    assert first.status_code == 200  # Django's password form answers its errors with 200
    assert (again.status_code, again["Location"]) == (303, f"http://testserver{form}")
    assert FormClaim.objects.get().status == 200


@pytest.mark.django_db
def test_a_failed_post_releases_its_key_and_a_fresh_key_acts(mai):
    [key] = form_keys_in(mai.get(MY_DATA))
    refused = mai.post(MY_DATA, {**CORRECTION, "full_name": "", FIELD: key})  # nothing to correct: 400
    assert refused.status_code == 400 and not FormClaim.objects.exists()
    assert mai.post(MY_DATA, {**CORRECTION, FIELD: key}).status_code == 302
    assert mai.post(MY_DATA, {**CORRECTION, FIELD: form_key_new()}).status_code == 400  # a second request: refused
    assert len(data_requests_of(user=mai.account)) == 1


@pytest.mark.django_db
def test_a_post_that_crashed_releases_its_key(citizen_account, monkeypatch):
    from smartgov.identity.views import privacy

    browser = Client(raise_request_exception=False)
    browser.force_login(citizen_account)
    [key] = form_keys_in(browser.get(MY_DATA))

    def crash(**kwargs):
        raise RuntimeError("the database went away")

    with monkeypatch.context() as patched:
        patched.setattr(privacy, "data_request_submit", crash)
        assert browser.post(MY_DATA, {**CORRECTION, FIELD: key}).status_code == 500
    assert not FormClaim.objects.exists()
    assert browser.post(MY_DATA, {**CORRECTION, FIELD: key}).status_code == 302  # sent again, it acts


@pytest.mark.django_db
def test_a_page_post_without_a_valid_key_is_refused(mai, settings):
    made_up = "x" * 40
    forged = form_key_new()[:-3] + "abc"
    for key in ("", made_up, forged):
        refused = mai.post(MY_DATA, {**CORRECTION, FIELD: key}, headers={"Referer": f"http://testserver{MY_DATA}"})
        assert refused.status_code == 400, key
        assert "Biểu mẫu đã cũ, hãy tải lại trang" in refused.content.decode()
        assert f'href="http://testserver{MY_DATA}"' in refused.content.decode()
    no_field = mai.generic("POST", MY_DATA, "kind=correction&full_name=A", "application/x-www-form-urlencoded")
    assert no_field.status_code == 400
    settings.SMARTGOV_FORM_KEY_TTL = -1  # every key is older than that
    assert mai.post(MY_DATA, {**CORRECTION, FIELD: form_key_new()}).status_code == 400
    assert not list(data_requests_of(user=mai.account))
    assert not FormClaim.objects.exists()


@pytest.mark.django_db
def test_a_repeat_while_the_first_runs_waits_then_answers_409(mai, settings):
    settings.SMARTGOV_FORM_KEY_WAIT = 0.3
    key = form_key_new()
    form_claim_take(scope=f"account:{mai.account.pk}", key=key, path=MY_DATA, stale_after=timedelta(minutes=2))
    pending = mai.post(MY_DATA, {**CORRECTION, FIELD: key})
    assert pending.status_code == 409
    assert "Biểu mẫu này đang được gửi…" in pending.content.decode()
    assert not list(data_requests_of(user=mai.account))


@pytest.mark.django_db
def test_an_abandoned_claim_is_taken_over(mai):
    key = form_key_new()
    form_claim_take(scope=f"account:{mai.account.pk}", key=key, path=MY_DATA, stale_after=timedelta(minutes=2))
    FormClaim.objects.update(claimed_at=timezone.now() - timedelta(seconds=settings.SMARTGOV_FORM_KEY_STALE + 1))
    assert mai.post(MY_DATA, {**CORRECTION, FIELD: key}).status_code == 302  # its worker died: the repeat acts
    assert FormClaim.objects.get().status == 302


@pytest.mark.django_db
def test_keys_are_per_account_or_browser(mai, identity_factories):
    other = Client()
    other.force_login(identity_factories.Citizen())
    key = form_key_new()
    assert mai.post(MY_DATA, {**CORRECTION, FIELD: key}).status_code == 302
    assert other.post(MY_DATA, {**CORRECTION, FIELD: key}).status_code == 302  # not the first one's answer
    visitors = [Client(), Client()]
    for n, visitor in enumerate(visitors):
        visitor.cookies[settings.CSRF_COOKIE_NAME] = f"{n}" * 32
    forgotten = {"identifier": "031195009999", FIELD: form_key_new()}
    answers = [visitor.post("/quen-mat-khau/", forgotten) for visitor in visitors]
    assert [a.status_code for a in answers] == [302, 302]
    assert FormClaim.objects.filter(scope__startswith="browser:").values("scope").distinct().count() == 2


@pytest.mark.django_db
def test_repeatable_pages_the_api_and_the_admin_need_no_key(mai, citizen_account):
    assert mai.post("/i18n/setlang/", {"language": "en", "next": "/", FIELD: ""}).status_code == 302
    assert mai.post("/dang-xuat/", {FIELD: ""}).status_code == 302
    visitor = Client()
    assert visitor.post("/dang-nhap/", {"username": "x", "password": "y", FIELD: ""}).status_code == 200
    api = visitor.post("/api/v1/procedures/dossiers", "{}", content_type="application/json")
    assert api.status_code == 401  # the API's own answer, not a form refusal
    assert visitor.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 200


@pytest.mark.django_db
def test_a_page_with_a_key_is_never_stored_by_a_cache():
    page = Client().get("/dang-ky/")  # an open page for visitors, otherwise cacheable
    assert form_keys_in(page) and "no-store" in page["Cache-Control"]


@pytest.mark.django_db
def test_claims_are_purged_after_the_keys_lifetime(mai):
    assert settings.CELERY_BEAT_SCHEDULE["form-claims-purge"]["task"] == "smartgov.platform.tasks.form_claims_purge"
    mai.post(MY_DATA, {**CORRECTION, FIELD: form_key_new()})
    old = form_claim_take(scope="browser:old", key=form_key_new(), path="/", stale_after=timedelta(minutes=2))
    assert old is not None
    FormClaim.objects.filter(pk=old.pk).update(claimed_at=timezone.now() - timedelta(hours=24, minutes=1))
    assert form_claims_purge_task() == 1
    assert list(FormClaim.objects.values_list("scope", flat=True)) == [f"account:{mai.account.pk}"]


def test_a_key_is_signed_and_time_stamped():
    key = form_key_new()
    value = signing.TimestampSigner(salt="smartgov.platform.formkeys").unsign(key, max_age=60)
    assert len(value) >= 22 and value != form_key_new()
