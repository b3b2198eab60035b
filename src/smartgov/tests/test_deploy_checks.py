"""Django's deployment checks (`smartgov check --deploy`) pass without a warning under the production settings, with
the environment a production site sets (deploy/smartgov.env.example); and the base settings and the apps'
``configure(settings)`` see production's DEBUG, not the embedded mode's (issue 13, finding 17)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

#: What the shipped example environment sets, with real-looking secrets (the refusals are test_settings.py's).
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "smartgov.settings.production",
    "ALLOWED_HOSTS": "dichvucong.haiphong.gov.vn",
    "CSRF_TRUSTED_ORIGINS": "https://dichvucong.haiphong.gov.vn",
    "BEHIND_TLS_PROXY": "true",
    "SMARTGOV_TRUSTED_PROXIES": "127.0.0.1,::1",
    "DATABASE_URL": "postgres://smartgov_app:password@db.internal:5432/smartgov",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "SMARTGOV_AUDIT_KEY": "a2V5IG9mIHRoZSBhdWRpdCBjaGFpbnMgZm9yIHRlc3RzIQ==",
    "SMARTGOV_AUDIT_SIGNING_KEY": "c2lnbmluZyBrZXkgb2YgY2hlY2twb2ludHMgKHRlc3Qp",
    "SMARTGOV_AUDIT_CHECKPOINT_DIR": "/srv/smartgov-checkpoints",
}
#: Variables of the test run that a production host would not have.
DROPPED = {
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DATABASE_URL",
    "REDIS_URL",
    "MQTT_URL",
    "CELERY_BROKER_URL",
    "SECURE_HSTS_SECONDS",
}


def _production(tmp_path: Path, code: list[str], **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED and not k.startswith(("SMARTGOV_", "OIDC_"))}
    env.update(PRODUCTION_ENV)
    env.update(
        SECRET_KEY=secrets.token_urlsafe(64),
        SMARTGOV_METRICS_TOKEN=secrets.token_hex(32),
        SMARTGOV_SIGNING_PASSPHRASE=secrets.token_urlsafe(24),
        OIDC_RSA_PRIVATE_KEY_FILE=str(tmp_path / "oidc.pem"),
        SMARTGOV_VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    env.update(extra)
    return subprocess.run([sys.executable, *code], env=env, capture_output=True, text=True, timeout=120)


def test_deploy_checks_pass_without_a_warning(tmp_path):
    checked = _production(tmp_path, ["-m", "smartgov", "check", "--deploy", "--fail-level", "WARNING"])
    assert checked.returncode == 0, checked.stderr + checked.stdout
    assert "no issues" in checked.stdout


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("SMARTGOV_OUTBOUND_ALLOW", "[]"),
        ("SMARTGOV_EXCHANGE_DEMO_PROVIDER", "False"),
        ("SECURE_SSL_REDIRECT", "True"),
    ],
)
def test_production_settings_are_computed_with_debug_off(tmp_path, setting, expected):
    """DEBUG is off in production when unset: the apps' defaults that depend on it follow (they were computed with
    the embedded mode's DEBUG on, so outbound calls could reach loopback addresses)."""
    shown = _production(tmp_path, ["-c", f"import smartgov.settings.production as s; print(s.{setting})"])
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == expected


def test_the_health_check_and_metrics_answer_over_plain_http(tmp_path):
    """The host's probes call them over HTTP; everything else is redirected to HTTPS."""
    code = (
        "import django; django.setup();"
        "from django.test import Client; c = Client(HTTP_HOST='dichvucong.haiphong.gov.vn');"
        "print(c.get('/').status_code, c.get('/healthz/live').status_code,"
        " c.get('/metrics').status_code)"
    )
    shown = _production(tmp_path, ["-c", code], DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", REDIS_URL="")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split() == ["301", "200", "401"]
