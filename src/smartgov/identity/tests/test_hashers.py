"""Passwords get Argon2id at the chosen cost; OAuth client secrets a fast salted hash; old hashes upgrade."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher
from oauth2_provider.models import get_application_model

pytestmark = pytest.mark.django_db


def test_passwords_use_argon2id_at_the_chosen_cost():
    user = get_user_model().objects.create_user(username="031195001234", password="Mat-khau-dai-2026")
    assert user.password.startswith("argon2$argon2id$v=19$m=47104,t=2,p=1$")


def test_a_hash_with_the_old_cost_is_upgraded_at_sign_in(client):
    old = Argon2PasswordHasher()  # Django's default: 100 MiB, 8 lanes
    user = get_user_model().objects.create_user(username="031195001234")
    user.password = old.encode("Mat-khau-dai-2026", old.salt())
    user.save()
    assert "m=102400,t=2,p=8" in user.password
    assert client.post("/dang-nhap/", {"username": "031195001234", "password": "Mat-khau-dai-2026"}).status_code == 302
    user.refresh_from_db()
    assert "m=47104,t=2,p=1" in user.password


def test_client_secrets_are_hashed_fast_and_still_never_kept_in_clear():
    app = get_application_model().objects.create(
        name="Cổng dịch vụ công",
        client_secret="s" * 64,
        client_type="confidential",
        authorization_grant_type="authorization-code",
    )
    assert app.client_secret.startswith("pbkdf2_sha256_client$1000$")
    assert "s" * 64 not in app.client_secret
