"""The application page sent more than once (a double click, a reload, twenty parallel posts of one filled form) makes
one dossier: its form key is claimed by the first post, every repeat is sent to the dossier it made (issue 13,
finding 12; platform.formkeys)."""

import threading
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from smartgov.platform.models import FormClaim
from smartgov.platform.testing import form_keys_in
from smartgov.procedures.domain.status import Status
from smartgov.procedures.models import Dossier
from smartgov.procedures.tests.factories import BIRTH, pdf

APPLY = "/dich-vu-cong/1.001193/nop-ho-so/"


def _filled(hp: Any, key: str) -> dict[str, Any]:
    """The birth-registration form filled in, its two documents chosen, sent with the page's key."""
    return {
        **BIRTH,
        "agency": hp.ward.code,
        "action": "submit",
        "file_to_khai": pdf("to-khai.pdf"),
        "file_giay_chung_sinh": pdf(),
        "form_key": key,
    }


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _dossier_url(dossier: Dossier) -> str:
    return f"/ho-so-cua-toi/{dossier.pk}/"


@pytest.mark.django_db
def test_the_same_application_sent_twice_makes_one_dossier(hp):
    browser = _signed_in(hp.mai)
    [key] = form_keys_in(browser.get(APPLY))
    first = browser.post(APPLY, _filled(hp, key))
    again = browser.post(APPLY, _filled(hp, key))  # the back button and "send" again, or a reload
    dossier = Dossier.objects.get(applicant=hp.mai)
    assert dossier.status == Status.SUBMITTED
    assert (first.status_code, first["Location"]) == (302, _dossier_url(dossier))
    assert (again.status_code, again["Location"]) == (303, _dossier_url(dossier))
    landed = browser.get(again["Location"])
    assert "Biểu mẫu này đã được gửi" in landed.content.decode()


@pytest.mark.django_db
def test_an_application_refused_for_its_content_can_be_corrected_and_sent_again(hp):
    browser = _signed_in(hp.mai)
    [key] = form_keys_in(browser.get(APPLY))
    incomplete = browser.post(APPLY, {**_filled(hp, key), "ho_ten_tre": ""})
    assert incomplete.status_code == 400
    assert not FormClaim.objects.exists()  # the key is released
    corrected = browser.post(APPLY, _filled(hp, key))
    submitted = Dossier.objects.get(applicant=hp.mai, status=Status.SUBMITTED)
    assert (corrected.status_code, corrected["Location"]) == (302, _dossier_url(submitted))


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_posts_of_one_application_make_one_dossier(hp, settings):
    """Twenty threads, each with its own database connection, post the same filled form with the same key at once,
    as a browser resending it (the finding: twenty dossiers)."""
    settings.SMARTGOV_FORM_KEY_WAIT = 30.0  # the repeats wait for the first answer (a slow shared test machine)
    browser = _signed_in(hp.mai)
    [key] = form_keys_in(browser.get(APPLY))
    barrier = threading.Barrier(20)
    answers: list[Any] = [None] * 20

    def send(index: int) -> None:
        tab = Client()
        for name, cookie in browser.cookies.items():  # the same browser: the same session
            tab.cookies[name] = cookie.value
        try:
            barrier.wait()
            answers[index] = tab.post(APPLY, _filled(hp, key))
        except Exception as exc:  # the assertion below shows what each one met
            answers[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    dossiers = list(Dossier.objects.filter(applicant=hp.mai))
    assert len(dossiers) == 1, [getattr(a, "status_code", a) for a in answers]
    assert dossiers[0].status == Status.SUBMITTED
    where = _dossier_url(dossiers[0])
    statuses = sorted(a.status_code for a in answers)
    # the one that made it, and nineteen repeats that waited for its answer and were sent to the same dossier (a
    # repeat still waiting after SMARTGOV_FORM_KEY_WAIT would get a clean 409 instead)
    assert statuses == [302] + [303] * 19, statuses
    assert {answer["Location"] for answer in answers} == {where}
