"""Settings of identity: accounts, sign-in, lock-out, the second factor and single sign-on (docs/identity.md)."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.utils.translation import gettext_lazy as _

env = environ.Env()

AUTH_USER_MODEL = "identity.User"
PASSWORD_HASHERS = [
    "smartgov.identity.hashers.PasswordHasher",  # Argon2id, cost chosen in docs/benchmarks.md
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "smartgov.identity.hashers.ClientSecretHasher",  # OAuth client secrets only (CLIENT_SECRET_HASHER)
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while the account or the address is locked
    "django.contrib.auth.backends.ModelBackend",
]
# Brute force: 20 wrong passwords for one account, or from one address, lock it for 15 minutes (even the right
# password fails meanwhile). Attempts live in the database, so every web host sees them: one row per account and
# address, summed per account and per address. A success clears only its own (account, address) rows
# (services.security.sign_in_failures_clear): axes' AXES_RESET_ON_SUCCESS would also clear every other account's
# failures from that address, so signing in to one's own account would reset the guessing of another's.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "identity/locked.html"
AXES_VERBOSE = False
# The client's address, the same everywhere: X-Forwarded-For only through SMARTGOV_TRUSTED_PROXIES (platform/net.py).
AXES_CLIENT_IP_CALLABLE = "smartgov.platform.net.client_address"
# Two-factor authentication (TOTP, with one-time recovery codes) is mandatory for staff.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="SmartGov")
OTP_TOTP_THROTTLE_FACTOR = 1
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "platform:landing"  # each person's own home (platform.navigation.landing_for)
LOGOUT_REDIRECT_URL = "platform:home"
#: A phone verification code: how long it lives, how many wrong tries it allows, how often one may be sent.
SMARTGOV_PHONE_CODE_SECONDS = 600
SMARTGOV_PHONE_CODE_ATTEMPTS = 5
SMARTGOV_PHONE_CODE_INTERVAL_SECONDS = 60
PASSWORD_RESET_TIMEOUT = 3600

# --- National identity federation: upstream OpenID Connect providers (docs/identity.md) ---------------
# SMARTGOV_UPSTREAM_OIDC is a JSON list; each provider: {"name": "vneid", "label": "VNeID",
# "issuer": "https://...", "client_id": "...", "client_secret": "...", "scope": "openid profile vn_personal_id",
# "personal_id_claim": "vn_personal_id", "name_claim": "name"}. Empty: no "sign in with ..." buttons.
SMARTGOV_UPSTREAM_OIDC: list[dict[str, str]] = env.json("SMARTGOV_UPSTREAM_OIDC", default=[])


# --- Single sign-on: SmartGov is the OpenID Connect provider of every system (docs/identity.md) ----------
#: django-oauth-toolkit's RFC 9700 switches, every one on (the toolkit's defaults keep the legacy behaviour until 4.0).
_RFC9700_GATES = (
    "IMPLICIT_GRANT",
    "PASSWORD_GRANT",
    "PKCE_METHOD",
    "ACCESS_TOKEN_TRANSPORT",
    "AUTHZ_RESPONSE_ISS",
    "TOKEN_STORAGE",
    "REFRESH_TOKEN",
    "REDIRECT_URI_SCHEME",
    "REDIRECT_URI_MATCHING",
    "PKCE_REQUIRED",
)


def _oidc_private_key(var_dir: Path) -> str:
    """The RSA key signing ID tokens: OIDC_RSA_PRIVATE_KEY (PEM) or a file; the embedded mode makes its own."""
    if pem := env.str("OIDC_RSA_PRIVATE_KEY", default=""):
        return pem.replace("\\n", "\n")
    path = Path(env.str("OIDC_RSA_PRIVATE_KEY_FILE", default=str(var_dir / "oidc-signing-key.pem")))
    if not path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        path.chmod(0o600)
    return path.read_text()


#: The scopes SmartGov's clients may ask for, with what the consent screen tells the person. The OpenID Connect
#: scopes release claims (identity/oidc.py); the API's scopes open API operations: every operation declares the
#: scopes it needs in its app's ``policies.URLS`` (``Access.api(scope)``), and a token without them is refused
#: there (``identity.authz.AccessTokenAuth``). A browser session is not limited by scopes.
_SCOPES: dict[str, Any] = {
    "openid": _("Your account identifier"),
    "profile": _("Your full name and account type"),
    "email": _("Your e-mail address"),
    "phone": _("Your phone number"),
    "vn_personal_id": _("Your personal identification number or tax code"),
    "dossiers.read": _("Read your dossiers: their status, receipts, payments and signed results"),
    "dossiers.write": _("Start, fill in, submit, pay, supplement, withdraw and rate your dossiers"),
    "documents.read": _("Read your document store and reuse its documents in your dossiers"),
    "queue.read": _("Read the dossiers your agencies hold (officers)"),
    "dossiers.process": _("Process the dossiers your roles allow (the officers' moves)"),
    "portal.sync": _("See and push again what the national public service portal has not accepted (leaders)"),
    "warehouse.read": _("Read the shared data warehouse's catalog and query the tables your roles allow (officers)"),
    "warehouse.write": _("Load data into the warehouse's tables your agency keeps (data stewards)"),
    "opendata.read": _("See the private and draft open datasets of your agencies (their staff)"),
    "opendata.write": _("Publish, change and withdraw the open datasets of your agencies (data stewards)"),
}


def configure(settings: dict[str, Any]) -> dict[str, Any]:
    """The OpenID Connect provider: its signing key lives under VAR_DIR. Nothing here depends on DEBUG (the
    production settings turn DEBUG off after the apps' settings are applied): redirect URIs are https, or http
    on a loopback address for native apps, everywhere (``identity.oidc.redirect_uri_refusal``). DOT's coarser RFC 9700
    check of http redirect URIs (silenced in the settings) gives way to ``identity.checks``, which holds that rule."""
    return {
        "OAUTH2_PROVIDER": {
            "OIDC_ENABLED": True,
            "OIDC_RSA_PRIVATE_KEY": _oidc_private_key(Path(settings["VAR_DIR"])),
            # Keys retired by a rotation stay in the JWKS until the tokens they signed have expired.
            "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [
                k for k in env.str("OIDC_RSA_PRIVATE_KEYS_INACTIVE", default="").split("|||") if k
            ],
            "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
            "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
            # The authorization code with PKCE (S256 only) is the one way a person's token is issued: no password
            # grant, no implicit or hybrid response (RFC 9700 §2.1.1, §2.1.2, §2.4).
            "PKCE_REQUIRED": True,
            # RFC 9700 (the OAuth 2.0 security best current practice) in full: no implicit or password grant, PKCE
            # with S256 only, access tokens never in a URL, `iss` in authorisation responses, tokens kept only as
            # their SHA-256 at rest; the configuration gates make an unsafe setting an error of `check --deploy`.
            **{f"COMPLIANT_BCP_RFC9700_{gate}": True for gate in _RFC9700_GATES},
            "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
            "ROTATE_REFRESH_TOKEN": True,
            "REFRESH_TOKEN_REUSE_PROTECTION": True,
            "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OIDC_ACCESS_TOKEN_SECONDS", default=600),
            "ID_TOKEN_EXPIRE_SECONDS": 600,
            "REFRESH_TOKEN_EXPIRE_SECONDS": 8 * 3600,
            "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
            # http is listed for the loopback addresses of native apps only (RFC 8252 §7.3): the client form and the
            # validator refuse any other http redirect URI (identity.oidc.redirect_uri_refusal).
            "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
            "ALLOW_LOCALHOST_LOOPBACK": True,
            "OAUTH2_VALIDATOR_CLASS": "smartgov.identity.oidc.SmartGovOAuth2Validator",
            "APPLICATION_ADMIN_CLASS": "smartgov.identity.admin.ApplicationAdmin",
            # Client secrets are long random strings: a fast salted hash is enough (smartgov/identity/hashers.py).
            "CLIENT_SECRET_HASHER": "pbkdf2_sha256_client",
            "SCOPES": _SCOPES,
            "DEFAULT_SCOPES": ["openid"],
        },
    }
