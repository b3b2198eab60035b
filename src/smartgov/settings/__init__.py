"""SmartGov settings, read from environment variables.

Every integration is switched on by its URL being set; without them the platform runs embedded
(SQLite file, local media folder, in-process tasks, local-memory cache). Production deployments use
``smartgov.settings.production``, which refuses unsafe configurations. See docs/deploy.md.
"""

import hashlib
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent.parent

env = environ.Env()

#: Where the embedded mode keeps its files (database, media, collected static).
VAR_DIR = Path(env.str("SMARTGOV_VAR_DIR", default=str(BASE_DIR / "var")))

INSECURE_DEFAULT_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105 - refused in production
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_DEFAULT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_prometheus",
    "ninja",
    "oauth2_provider",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "smartgov.platform",
    "smartgov.identity",
    "smartgov.procedures",
    "smartgov.notifications",
    "smartgov.exchange",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "smartgov.platform.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "smartgov.platform.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "smartgov.identity.middleware.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "smartgov.platform.middleware.DomainErrorPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "smartgov.urls"
WSGI_APPLICATION = "smartgov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "smartgov.platform.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'smartgov.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers run beside one writer; IMMEDIATE makes write transactions take the lock up front,
    # so concurrent writers queue instead of failing with "database is locked" half-way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file too, not Django's shared in-memory database: its table locks fail at once instead of
    # waiting, so concurrent tests would not behave as the real embedded database does.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-smartgov.sqlite3")}
else:
    # PostgreSQL's JIT compiles big aggregate queries for up to a second before running them in a tenth of
    # that (the service-quality indicators, docs/benchmarks.md): a web application is better off without it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite cannot enforce "NULLS NOT DISTINCT" unique constraints; there the services check under the write lock
# (SQLite serialises writers), and PostgreSQL enforces the constraint itself.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

# --- Cache, broker, telemetry ---------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
MQTT_URL = env.str("MQTT_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == "memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "smartgov.platform.tasks.outbox_sweep", "schedule": 30.0},
    "dossiers-due-soon": {"task": "smartgov.procedures.tasks.flag_due_soon", "schedule": 900.0},
    "notifications-sweep": {"task": "smartgov.notifications.tasks.sweep", "schedule": 120.0},
    "payments-reconcile": {
        "task": "smartgov.procedures.tasks.reconcile_yesterday",
        "schedule": crontab(hour=1, minute=30),
    },
    "documents-retention": {
        "task": "smartgov.procedures.tasks.purge_documents",
        "schedule": crontab(hour=2, minute=0),
    },
    "exchange-events-sweep": {"task": "exchange.sweep_events", "schedule": 30.0},
    # a safety net for gateways served inside the web workers (smartgov exchange serve ships its own journals)
    "exchange-message-log": {"task": "exchange.ship_message_log", "schedule": 60.0},
}

# --- Identity -------------------------------------------------------------------------------
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
# password fails meanwhile). Attempts live in the database, so every web host sees them.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "identity/locked.html"
AXES_VERBOSE = False
# The client address: REMOTE_ADDR, or the proxy's X-Forwarded-For only when a trusted proxy sets it.
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if env.bool("BEHIND_TLS_PROXY", False) else ["REMOTE_ADDR"]
)
AXES_IPWARE_PROXY_COUNT = 1 if env.bool("BEHIND_TLS_PROXY", False) else None
# Two-factor authentication (TOTP, with one-time recovery codes) is mandatory for staff.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="SmartGov")
OTP_TOTP_THROTTLE_FACTOR = 1
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "platform:home"
LOGOUT_REDIRECT_URL = "platform:home"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)


# --- Single sign-on: SmartGov is the OpenID Connect provider of every system (docs/identity.md) ----------
def _oidc_private_key() -> str:
    """The RSA key signing ID tokens: OIDC_RSA_PRIVATE_KEY (PEM) or a file; the embedded mode makes its own."""
    if pem := env.str("OIDC_RSA_PRIVATE_KEY", default=""):
        return pem.replace("\\n", "\n")
    path = Path(env.str("OIDC_RSA_PRIVATE_KEY_FILE", default=str(VAR_DIR / "oidc-signing-key.pem")))
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


OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _oidc_private_key(),
    # Keys retired by a rotation stay in the JWKS until the tokens they signed have expired.
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [
        k for k in env.str("OIDC_RSA_PRIVATE_KEYS_INACTIVE", default="").split("|||") if k
    ],
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "PKCE_REQUIRED": True,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OIDC_ACCESS_TOKEN_SECONDS", default=600),
    "ID_TOKEN_EXPIRE_SECONDS": 600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 8 * 3600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"] if DEBUG else ["https"],
    "OAUTH2_VALIDATOR_CLASS": "smartgov.identity.oidc.SmartGovOAuth2Validator",
    # Client secrets are long random strings: a fast salted hash is enough (smartgov/identity/hashers.py).
    "CLIENT_SECRET_HASHER": "pbkdf2_sha256_client",
    "SCOPES": {
        "openid": _("Your account identifier"),
        "profile": _("Your full name and account type"),
        "email": _("Your e-mail address"),
        "phone": _("Your phone number"),
        "vn_personal_id": _("Your personal identification number or tax code"),
    },
    "DEFAULT_SCOPES": ["openid"],
}

# --- National identity federation: upstream OpenID Connect providers (docs/identity.md) ---------------
# SMARTGOV_UPSTREAM_OIDC is a JSON list; each provider: {"name": "vneid", "label": "VNeID",
# "issuer": "https://...", "client_id": "...", "client_secret": "...", "scope": "openid profile vn_personal_id",
# "personal_id_claim": "vn_personal_id", "name_claim": "name"}. Empty: no "sign in with ..." buttons.
SMARTGOV_UPSTREAM_OIDC: list[dict[str, str]] = env.json("SMARTGOV_UPSTREAM_OIDC", default=[])

# --- Messages to people: e-mail (SMTP in production) and SMS (an adapter; the default only logs) ------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SmartGov <no-reply@smartgov.local>")
SMARTGOV_SMS_BACKEND = env.str("SMARTGOV_SMS_BACKEND", default="smartgov.platform.sms.LoggingSmsBackend")
#: A phone verification code: how long it lives, how many wrong tries it allows, how often one may be sent.
SMARTGOV_PHONE_CODE_SECONDS = 600
SMARTGOV_PHONE_CODE_ATTEMPTS = 5
SMARTGOV_PHONE_CODE_INTERVAL_SECONDS = 60
PASSWORD_RESET_TIMEOUT = 3600

# --- Public services ----------------------------------------------------------------------------
#: Largest document a dossier accepts (PDF, JPEG or PNG).
SMARTGOV_UPLOAD_MAX_BYTES = env.int("SMARTGOV_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
#: National Public Service Portal synchronisation of status changes (empty: off). See procedures/handlers.py.
SMARTGOV_PORTAL_SYNC_URL = env.str("SMARTGOV_PORTAL_SYNC_URL", default="")
SMARTGOV_PORTAL_SYNC_SECRET = env.str("SMARTGOV_PORTAL_SYNC_SECRET", default="")

# --- Data-exchange gateway (LGSP, docs/exchange.md) ---
#: The X-Road instance this gateway belongs to (the first part of every identifier).
SMARTGOV_EXCHANGE_INSTANCE = env.str("SMARTGOV_EXCHANGE_INSTANCE", default="VN-HP")
#: Where the gateway writes its message journal before answering (taken into the database right after).
SMARTGOV_EXCHANGE_JOURNAL_DIR = env.str("SMARTGOV_EXCHANGE_JOURNAL_DIR", default=str(VAR_DIR / "exchange-journal"))
#: Keep the request and response bodies in the message log (digests are always kept).
SMARTGOV_EXCHANGE_LOG_BODIES = env.bool("SMARTGOV_EXCHANGE_LOG_BODIES", default=False)
#: 32-byte key, base64, to encrypt logged bodies with AES-GCM; empty: bodies kept as they are.
SMARTGOV_EXCHANGE_LOG_KEY = env.str("SMARTGOV_EXCHANGE_LOG_KEY", default="")
#: fsync the journal after every record ("always") or leave it to the OS ("never": survives a killed process,
#: not a power cut).
SMARTGOV_EXCHANGE_JOURNAL_FSYNC = env.str("SMARTGOV_EXCHANGE_JOURNAL_FSYNC", default="never")
#: The gateway's own TLS certificate and key (PEM), and the CA its clients' certificates must chain to; empty:
#: issued by / taken from the local CA.
SMARTGOV_EXCHANGE_TLS_CERT = env.str("SMARTGOV_EXCHANGE_TLS_CERT", default="")
SMARTGOV_EXCHANGE_TLS_KEY = env.str("SMARTGOV_EXCHANGE_TLS_KEY", default="")
SMARTGOV_EXCHANGE_TLS_CA = env.str("SMARTGOV_EXCHANGE_TLS_CA", default="")
#: The gateway the platform's own modules call through; empty: the gateway in this process (same checks, same
#: message log, no extra HTTP hop). The one-stop shop calls as SMARTGOV_EXCHANGE_CLIENT with its API key
#: (SMARTGOV_EXCHANGE_API_KEY, or the file VAR_DIR/exchange-client.key that the demo writes).
SMARTGOV_EXCHANGE_URL = env.str("SMARTGOV_EXCHANGE_URL", default="").rstrip("/")
SMARTGOV_EXCHANGE_CLIENT = env.str("SMARTGOV_EXCHANGE_CLIENT", default="VN-HP/GOV/000.00.00.H31/MOTCUA")
SMARTGOV_EXCHANGE_API_KEY = env.str("SMARTGOV_EXCHANGE_API_KEY", default="")
SMARTGOV_EXCHANGE_KEY_FILE = env.str("SMARTGOV_EXCHANGE_KEY_FILE", default=str(VAR_DIR / "exchange-client.key"))
#: The national population database's service, as the one-stop shop calls it.
SMARTGOV_EXCHANGE_POPULATION_SERVICE = env.str(
    "SMARTGOV_EXCHANGE_POPULATION_SERVICE", default="VN-HP/GOV/000.00.00.G01/CSDLQGDC/citizens"
)
#: Serve the demo's stand-in for the national population database at /mo-phong/csdl-dan-cu/ (never in production).
SMARTGOV_EXCHANGE_DEMO_PROVIDER = env.bool("SMARTGOV_EXCHANGE_DEMO_PROVIDER", default=DEBUG)
#: Ship the in-process gateway's journal from a background thread (off in the tests, which ship explicitly).
SMARTGOV_EXCHANGE_SHIP = env.bool("SMARTGOV_EXCHANGE_SHIP", default=True)
SMARTGOV_EXCHANGE_MAX_BODY = env.int("SMARTGOV_EXCHANGE_MAX_BODY", default=10 * 1024 * 1024)
#: Requests per client subsystem per minute (0: no limit); counted in the cache (Redis in production).
SMARTGOV_EXCHANGE_RATE_LIMIT = env.int("SMARTGOV_EXCHANGE_RATE_LIMIT", default=6000)
#: Records per signed batch of the message log.
SMARTGOV_EXCHANGE_BATCH = env.int("SMARTGOV_EXCHANGE_BATCH", default=1000)
#: An RFC 3161 time-stamping authority for the message log's signed batches (empty: none), and the root
#: certificates (PEM files) its tokens must chain to for `smartgov exchange verify` to check their signatures.
SMARTGOV_EXCHANGE_TSA_URL = env.str("SMARTGOV_EXCHANGE_TSA_URL", default="")
SMARTGOV_EXCHANGE_TSA_ROOTS = env.list("SMARTGOV_EXCHANGE_TSA_ROOTS", default=[])
#: Message-log records older than this many days may be archived and removed (smartgov exchange archive).
SMARTGOV_EXCHANGE_RETENTION_DAYS = env.int("SMARTGOV_EXCHANGE_RETENTION_DAYS", default=180)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
#: Signing certificates (platform/pki.py): agencies' PKCS#12 files, their passphrase, the trusted roots; the
#: local CA issues demo certificates (production.py turns it off unless set on purpose).
SMARTGOV_PKI_DIR = env.str("SMARTGOV_PKI_DIR", default=str(VAR_DIR / "pki"))
SMARTGOV_SIGNING_PASSPHRASE = env.str("SMARTGOV_SIGNING_PASSPHRASE", default="smartgov-demo-only")
SMARTGOV_SIGNING_TRUST_ROOTS: list[str] = env.list("SMARTGOV_SIGNING_TRUST_ROOTS", default=[])
SMARTGOV_PKI_LOCAL_CA = env.bool("SMARTGOV_PKI_LOCAL_CA", default=True)
#: The address citizens reach this installation at (links in documents and notifications).
SMARTGOV_SITE_URL = env.str("SMARTGOV_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
#: How long the citizen's document store keeps each kind of document, in days (None: while the account exists).
SMARTGOV_DOCUMENT_RETENTION_DAYS: dict[str, int | None] = {"upload": 5 * 365, "result": None}
#: Payment gateways (procedures/gateways.py). The sandbox ("bank" = a page of this platform) is for the demo
#: and the tests; production.py turns it off unless SMARTGOV_PAYMENT_SANDBOX=true is set on purpose.
SMARTGOV_PAYMENT_SANDBOX = env.bool("SMARTGOV_PAYMENT_SANDBOX", default=True)
SMARTGOV_PAYMENT_SANDBOX_SECRET = env.str(
    "SMARTGOV_PAYMENT_SANDBOX_SECRET", default=hashlib.sha256(f"sandbox:{SECRET_KEY}".encode()).hexdigest()
)
#: JSON list: {"kind": "redirect", "code", "label", "url", "merchant", "secret"} for a redirect gateway (e.g. the
#: national payment platform), {"kind": "vietqr", "bank_bin", "bank_name", "account_number", "account_name",
#: "secret"} for bank transfers to the agency's account. Empty with the sandbox on: a demo VietQR account.
SMARTGOV_PAYMENT_GATEWAYS: list[dict[str, str]] = env.json("SMARTGOV_PAYMENT_GATEWAYS", default=[])
if SMARTGOV_PAYMENT_SANDBOX and not SMARTGOV_PAYMENT_GATEWAYS:
    SMARTGOV_PAYMENT_GATEWAYS = [
        {
            "kind": "vietqr",
            "bank_bin": "970415",
            "bank_name": "VietinBank",
            "account_number": "3711000000001",
            "account_name": "KHO BAC NHA NUOC HAI PHONG (DEMO)",
            "secret": SMARTGOV_PAYMENT_SANDBOX_SECRET,
        }
    ]

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "smartgov_language"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static and media files (served by the platform itself: no CDN) -------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [PACKAGE_DIR / "static"]
NODE_MODULES = BASE_DIR / "node_modules"
if NODE_MODULES.is_dir():
    STATICFILES_DIRS += [
        ("vendor/be-vietnam-pro", NODE_MODULES / "@fontsource" / "be-vietnam-pro"),
    ]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", False) else None

# --- Logging: structured JSON with the request id -------------------------------------------
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "smartgov.platform.logging.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- SmartGov -------------------------------------------------------------------------------
#: GSO/NSO code of the province or centrally-run city this installation serves (Hai Phong: 31).
SMARTGOV_LOCALITY_CODE = env.str("SMARTGOV_LOCALITY_CODE", default="31")
#: Office hours used for deadlines counted in working hours (8 hours a day).
SMARTGOV_WORKING_HOURS = [("07:30", "11:30"), ("13:00", "17:00")]
#: Dossiers received after this time of day count as received on the next working day.
SMARTGOV_AFTERNOON_CUTOFF = env.str("SMARTGOV_AFTERNOON_CUTOFF", default="15:00")
#: Optional bearer token for /metrics (leave empty when the endpoint is network-restricted).
SMARTGOV_METRICS_TOKEN = env.str("SMARTGOV_METRICS_TOKEN", default="")

# --- Outbound HTTP, webhooks (issue 12, part 4: platform/outbound, platform/webhooks; docs/delivery.md) ---------
# New in this block; to move into the platform's and the exchange's conf.py.
#: Networks a non-public address may be in for the platform's outbound calls (addresses or CIDR, e.g.
#: "10.20.0.0/16"); everything else that is loopback, private, link-local, multicast or reserved is refused.
#: The development defaults allow loopback (the demo's stand-ins are served by the platform itself).
SMARTGOV_OUTBOUND_ALLOW: list[str] = env.list(
    "SMARTGOV_OUTBOUND_ALLOW", default=["127.0.0.0/8", "::1/128"] if DEBUG else []
)
#: An HTTP(S) or SOCKS proxy for outbound calls (e.g. "http://proxy.internal:3128"; empty: direct), and the hosts
#: (and their subdomains) reached without it.
SMARTGOV_OUTBOUND_PROXY = env.str("SMARTGOV_OUTBOUND_PROXY", default="")
SMARTGOV_OUTBOUND_NO_PROXY: list[str] = env.list("SMARTGOV_OUTBOUND_NO_PROXY", default=[])
#: Seconds to open a connection, and for the whole call (callers may ask for less or more).
SMARTGOV_OUTBOUND_CONNECT_TIMEOUT = env.float("SMARTGOV_OUTBOUND_CONNECT_TIMEOUT", default=5.0)
SMARTGOV_OUTBOUND_TIMEOUT = env.float("SMARTGOV_OUTBOUND_TIMEOUT", default=30.0)
#: The largest answer read (after decompression), in bytes.
SMARTGOV_OUTBOUND_MAX_BYTES = env.int("SMARTGOV_OUTBOUND_MAX_BYTES", default=10 * 1024 * 1024)
#: Retries of idempotent calls (GET, HEAD, OPTIONS, PUT, DELETE) after a connection failure or a 5xx answer.
SMARTGOV_OUTBOUND_RETRIES = env.int("SMARTGOV_OUTBOUND_RETRIES", default=2)
#: A CA bundle (PEM) for https calls instead of the system's (e.g. a government CA); empty: the system's.
SMARTGOV_OUTBOUND_CA_BUNDLE = env.str("SMARTGOV_OUTBOUND_CA_BUNDLE", default="")
#: Networks the gateway's providers may be at besides public addresses (their addresses come from the registry):
#: private networks by default, loopback too in development; never link-local (cloud metadata) unless listed.
SMARTGOV_EXCHANGE_PROVIDER_ALLOW: list[str] = env.list(
    "SMARTGOV_EXCHANGE_PROVIDER_ALLOW",
    default=["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]
    + (["127.0.0.0/8", "::1/128"] if DEBUG else []),
)
