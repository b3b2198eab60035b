"""A person sees where they are signed in and can sign out of every other browser."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from smartgov.identity.models import SecurityEvent, UserSession

pytestmark = pytest.mark.django_db
PASSWORD = "Mat-khau-dai-2026"


def _signed_in(agent: str) -> Client:
    browser = Client(HTTP_USER_AGENT=agent)
    assert browser.post("/dang-nhap/", {"username": "031195001234", "password": PASSWORD}).status_code == 302
    return browser


def test_sign_out_everywhere_else(db):
    get_user_model().objects.create_user(username="031195001234", password=PASSWORD, kind="citizen")
    phone = _signed_in("Điện thoại Android")
    laptop = _signed_in("Máy tính xách tay")
    assert UserSession.objects.count() == 2
    page = laptop.get("/tai-khoan/phien-dang-nhap/")
    assert "Điện thoại Android" in page.content.decode() and "Máy tính xách tay" in page.content.decode()

    assert laptop.post("/tai-khoan/phien-dang-nhap/").status_code == 302
    assert laptop.get("/tai-khoan/phien-dang-nhap/").status_code == 200, "this browser stays signed in"
    assert phone.get("/tai-khoan/phien-dang-nhap/").status_code == 302, "the other one is signed out"
    assert UserSession.objects.count() == 1
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SESSIONS_ENDED).get().details == {"ended": 1}


def test_the_page_needs_a_signed_in_person(client):
    answer = client.get("/tai-khoan/phien-dang-nhap/")
    assert answer.status_code == 302 and answer["Location"].startswith("/dang-nhap/")
