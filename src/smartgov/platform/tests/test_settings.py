"""Settings: production refuses unsafe configuration; integrations switch on by their URL."""

import json
import os
import subprocess
import sys
import tempfile

import pytest

SAFE_KEY = "k" * 30 + "-random-production-secret-value"


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
        | {"OIDC_RSA_PRIVATE_KEY", "OIDC_RSA_PRIVATE_KEY_FILE"}
        | {"SMARTGOV_AUDIT_KEY", "SMARTGOV_AUDIT_SIGNING_KEY", "SMARTGOV_AUDIT_CHECKPOINT_DIR"}
        | {"SMARTGOV_METRICS_TOKEN", "SECURE_HSTS_SECONDS", "BEHIND_TLS_PROXY", "SMARTGOV_TRUSTED_PROXIES"}
    }
    clean.update({k: v for k, v in env.items() if v})
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60)


AUDIT_KEYS = {
    "SMARTGOV_AUDIT_KEY": "a2V5IG9mIHRoZSBhdWRpdCBjaGFpbnMgZm9yIHRlc3RzIQ==",
    "SMARTGOV_AUDIT_SIGNING_KEY": "c2lnbmluZyBrZXkgb2YgY2hlY2twb2ludHMgKHRlc3Qp",
    "SMARTGOV_AUDIT_CHECKPOINT_DIR": "/srv/smartgov-checkpoints",
    "SMARTGOV_METRICS_TOKEN": "m" * 40,
}


def _import_production(**env: str) -> subprocess.CompletedProcess[str]:
    env.setdefault("OIDC_RSA_PRIVATE_KEY_FILE", os.path.join(tempfile.mkdtemp(), "oidc.pem"))
    for name, value in AUDIT_KEYS.items():
        env.setdefault(name, value)
    return _run("import smartgov.settings.production as s; print(s.DEBUG)", **env)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "true", "SECRET_KEY": SAFE_KEY, "ALLOWED_HOSTS": "dichvucong.haiphong.gov.vn"}, "DEBUG must be off"),
        ({"ALLOWED_HOSTS": "dichvucong.haiphong.gov.vn"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "dichvucong.haiphong.gov.vn"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": SAFE_KEY}, "ALLOWED_HOSTS must list"),
        ({"SECRET_KEY": SAFE_KEY, "ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS must list"),
        (
            {"SECRET_KEY": SAFE_KEY, "ALLOWED_HOSTS": "lgsp.haiphong.gov.vn", "SMARTGOV_EXCHANGE_DEMO_PROVIDER": "1"},
            "SMARTGOV_EXCHANGE_DEMO_PROVIDER must be off",
        ),
        (
            {"SECRET_KEY": SAFE_KEY, "ALLOWED_HOSTS": "x.gov.vn", "SMARTGOV_AUDIT_KEY": ""},
            "SMARTGOV_AUDIT_KEY must be set",
        ),
        (
            {"SECRET_KEY": SAFE_KEY, "ALLOWED_HOSTS": "x.gov.vn", "SMARTGOV_AUDIT_SIGNING_KEY": ""},
            "SMARTGOV_AUDIT_SIGNING_KEY must be set",
        ),
        (
            {"SECRET_KEY": SAFE_KEY, "ALLOWED_HOSTS": "x.gov.vn", "SMARTGOV_AUDIT_CHECKPOINT_DIR": ""},
            "SMARTGOV_AUDIT_CHECKPOINT_DIR must name",
        ),
        (
            {"SECRET_KEY": SAFE_KEY, "ALLOWED_HOSTS": "x.gov.vn", "SMARTGOV_METRICS_TOKEN": ""},
            "SMARTGOV_METRICS_TOKEN must be set",
        ),
        (
            {"SECRET_KEY": SAFE_KEY, "ALLOWED_HOSTS": "x.gov.vn", "SMARTGOV_METRICS_TOKEN": "change-me"},
            "SMARTGOV_METRICS_TOKEN must be set",
        ),
        (
            {"SECRET_KEY": SAFE_KEY, "ALLOWED_HOSTS": "x.gov.vn", "BEHIND_TLS_PROXY": "true"},
            "SMARTGOV_TRUSTED_PROXIES must list the reverse proxy",
        ),
        (
            {"SECRET_KEY": SAFE_KEY, "ALLOWED_HOSTS": "x.gov.vn", "SMARTGOV_TRUSTED_PROXIES": "127.0.0.1,nginx"},
            "SMARTGOV_TRUSTED_PROXIES: 'nginx' is not an address",
        ),
    ],
)
def test_production_refuses_unsafe_configuration(env, message):
    result = _import_production(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_needs_a_shared_signing_key():
    result = _import_production(
        SECRET_KEY=SAFE_KEY, ALLOWED_HOSTS="dichvucong.haiphong.gov.vn", OIDC_RSA_PRIVATE_KEY_FILE=""
    )
    assert result.returncode != 0
    assert "OIDC_RSA_PRIVATE_KEY" in result.stderr


def test_production_lists_every_problem_at_once():
    result = _import_production(DEBUG="1")
    assert "DEBUG must be off" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr
    assert "ALLOWED_HOSTS must list" in result.stderr
    assert "SMARTGOV_SIGNING_PASSPHRASE must be set" in result.stderr


def test_production_accepts_a_safe_configuration():
    result = _import_production(
        SECRET_KEY=SAFE_KEY, ALLOWED_HOSTS="dichvucong.haiphong.gov.vn", SMARTGOV_SIGNING_PASSPHRASE="x" * 24
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
    demo = _run(
        "import smartgov.settings.production as s; print(s.SMARTGOV_EXCHANGE_DEMO_PROVIDER)",
        SECRET_KEY=SAFE_KEY, ALLOWED_HOSTS="x.gov.vn", SMARTGOV_SIGNING_PASSPHRASE="x" * 24,
        OIDC_RSA_PRIVATE_KEY_FILE=os.path.join(tempfile.mkdtemp(), "oidc.pem"), **AUDIT_KEYS,
    )  # fmt: skip
    assert demo.stdout.strip() == "False"  # the stand-in population database is off in production


def test_production_turns_strict_transport_security_on_by_default():
    shown = _run(
        "import smartgov.settings.production as s; print(s.SECURE_HSTS_SECONDS)",
        SECRET_KEY=SAFE_KEY, ALLOWED_HOSTS="x.gov.vn", SMARTGOV_SIGNING_PASSPHRASE="x" * 24,
        OIDC_RSA_PRIVATE_KEY_FILE=os.path.join(tempfile.mkdtemp(), "oidc.pem"), **AUDIT_KEYS,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert int(shown.stdout.strip()) >= 31_536_000


def test_embedded_defaults_and_urls_switch_on_integrations():
    code = (
        "import json, smartgov.settings as s; print(json.dumps({'db': s.DATABASES['default']['ENGINE'],"
        " 'name': str(s.DATABASES['default']['NAME']), 'cache': s.CACHES['default']['BACKEND'],"
        " 'broker': s.CELERY_BROKER_URL, 'eager': s.CELERY_TASK_ALWAYS_EAGER, 'tz': s.TIME_ZONE,"
        " 'utc': s.USE_TZ, 'lang': s.LANGUAGE_CODE}))"
    )
    embedded = json.loads(_run(code).stdout)
    assert embedded["db"] == "django.db.backends.sqlite3"
    assert embedded["cache"].endswith("LocMemCache")
    assert embedded["eager"] is True
    assert (embedded["tz"], embedded["utc"], embedded["lang"]) == ("Asia/Ho_Chi_Minh", True, "vi")

    real = json.loads(
        _run(
            code, DATABASE_URL="postgres://postgres@db.internal:5432/smartgov", REDIS_URL="redis://cache:6379/1"
        ).stdout
    )
    assert real["db"] == "django.db.backends.postgresql"
    assert real["name"] == "smartgov"
    assert real["cache"].endswith("RedisCache")
    assert real["broker"] == "redis://cache:6379/1"
    assert real["eager"] is False
