"""Brute force: 20 wrong passwords lock the account and the address; the events are written, without secrets."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model

from smartgov.identity.models import SecurityEvent

pytestmark = pytest.mark.django_db
PASSWORD = "Mat-khau-dai-2026"
PERSONAL_ID = "031195001234"


@pytest.fixture
def citizen():
    return get_user_model().objects.create_user(username=PERSONAL_ID, password=PASSWORD, kind="citizen")


def _sign_in(client, password: str, username: str = PERSONAL_ID, ip: str = "203.0.113.7"):
    return client.post("/dang-nhap/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_twenty_wrong_passwords_lock_account_and_address(client, citizen):
    for attempt in range(20):
        response = _sign_in(client, f"wrong-{attempt}")
    assert response.status_code == 429
    right = _sign_in(client, PASSWORD)
    assert right.status_code == 429, "the right password still fails while locked"
    assert "_auth_user_id" not in client.session
    assert "15" in right.content.decode()

    other_account_same_ip = _sign_in(client, "x", username="someone-else")
    assert other_account_same_ip.status_code == 429, "the address is locked too"
    same_account_other_ip = _sign_in(client, PASSWORD, ip="198.51.100.9")
    assert same_account_other_ip.status_code == 429, "the account is locked too"

    lockouts = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT)
    assert lockouts.exists()
    assert lockouts.first().severity == SecurityEvent.Severity.HIGH
    failed = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED)
    assert failed.count() >= 19
    for event in SecurityEvent.objects.all():
        text = f"{event.username} {event.details} {event.user_agent}"
        assert "wrong-" not in text and PASSWORD not in text
        assert PERSONAL_ID not in text, "personal IDs are masked in security events"
    first_failure = failed.order_by("occurred_at").first()
    assert (first_failure.username, first_failure.ip_address) == ("031*******34", "203.0.113.7")


def test_lock_expires(client, citizen):
    for attempt in range(20):
        _sign_in(client, f"wrong-{attempt}")
    assert _sign_in(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=16))
    signed_in = _sign_in(client, PASSWORD)
    assert signed_in.status_code == 302
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN, user=citizen).exists()


def test_few_failures_do_not_lock(client, citizen):
    for attempt in range(5):
        assert _sign_in(client, f"wrong-{attempt}").status_code == 200
    assert _sign_in(client, PASSWORD).status_code == 302


def test_signing_in_to_ones_own_account_does_not_clear_anothers_failures(citizen):
    """Issue 13, 1: four rounds of 18 wrong passwords on a victim, each followed by a sign-in to the attacker's own
    account from the same address, once cleared the whole address's failures (72 guesses, no lock-out)."""
    from django.test import Client

    attacker = get_user_model().objects.create_user(username="031195009999", password=PASSWORD, kind="citizen")
    answers = []
    for _round in range(4):
        for attempt in range(18):
            answers.append(_sign_in(Client(), f"wrong-{_round}-{attempt}").status_code)
        _sign_in(Client(), PASSWORD, username=attacker.username)
    assert answers.index(429) == 19, "the twentieth wrong password locks the account"
    assert set(answers[19:]) == {429}, "and every later guess is refused"
    assert _sign_in(Client(), PASSWORD, ip="198.51.100.9").status_code == 429, "the victim's account is locked"
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT).exists()


def test_a_success_clears_its_own_failures_only(client, citizen):
    other = get_user_model().objects.create_user(username="031195009999", password=PASSWORD, kind="citizen")
    for attempt in range(15):
        assert _sign_in(client, f"wrong-{attempt}").status_code == 200
    for attempt in range(3):
        _sign_in(client, f"wrong-{attempt}", username=other.username)
    assert _sign_in(client, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username=PERSONAL_ID).exists(), "the user's own failures are cleared"
    assert AccessAttempt.objects.get(username=other.username).failures_since_start == 3, "another's are kept"


def test_behind_a_trusted_proxy_each_client_is_locked_out_alone(client, citizen, settings):
    """Issue 13, 2: behind nginx every request came from 127.0.0.1, so one client's wrong passwords locked every
    sign-in. The address is X-Forwarded-For's, through the trusted proxy only (the test through a real nginx is
    smartgov/tests/test_reverse_proxy.py)."""
    from django.test import Client

    settings.SMARTGOV_TRUSTED_PROXIES = ["127.0.0.1"]
    other = get_user_model().objects.create_user(username="031195005678", password=PASSWORD, kind="citizen")

    def via_proxy(browser, username: str, password: str, forwarded: str):
        form = {"username": username, "password": password}
        return browser.post("/dang-nhap/", form, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    answers = [via_proxy(client, PERSONAL_ID, f"wrong-{n}", "203.0.113.7").status_code for n in range(20)]
    assert answers[-1] == 429
    assert via_proxy(Client(), other.username, PASSWORD, "203.0.113.7").status_code == 429, "the client is locked"
    forged = via_proxy(Client(), other.username, PASSWORD, "198.51.100.1, 203.0.113.7")
    assert forged.status_code == 429, "what the client writes into the header does not free it"
    assert via_proxy(Client(), other.username, PASSWORD, "198.51.100.9").status_code == 302, "another is not"
    addresses = set(SecurityEvent.objects.values_list("ip_address", flat=True))
    assert addresses == {"203.0.113.7", "198.51.100.9"}
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
