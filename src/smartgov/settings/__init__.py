"""SmartGov settings, read from environment variables.

Every integration is switched on by its URL being set; without them the platform runs embedded
(SQLite file, local media folder, in-process tasks, local-memory cache). Production deployments use
``smartgov.settings.production``, which refuses unsafe configurations. See docs/deploy.md.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from smartgov.settings.discovery import app_settings_apply

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
    "smartgov.warehouse",
    "smartgov.opendata",
    "smartgov.workspace",
]
#: Apps an installation adds without editing this file (comma-separated dotted paths), e.g. a province's own app.
INSTALLED_APPS += env.list("SMARTGOV_EXTRA_APPS", default=[])

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
    "smartgov.platform.middleware.NulByteMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "smartgov.identity.middleware.StaffSecondFactorMiddleware",
    "smartgov.identity.authz.PolicyMiddleware",
    "smartgov.platform.formkeys.FormKeyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "smartgov.platform.middleware.DomainErrorPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "smartgov.platform.middleware.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    "smartgov.platform.middleware.ProductNotFoundMiddleware",  # the demo's own 404 page under DEBUG
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
            # {% form_key %} in every form that changes something (smartgov.platform.formkeys)
            "builtins": ["smartgov.platform.templatetags.formkey"],
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
# django-oauth-toolkit's E003 refuses http redirect URIs outright; RFC 9700 allows them on loopback addresses for
# native apps, which is SmartGov's rule, held by identity.checks (identity.E001) in its place.
SILENCED_SYSTEM_CHECKS = ["models.W047", "oauth2_provider.E003"]

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
#: Each app adds its periodic jobs (``SCHEDULE`` in its conf module, docs/kernel.md §1).
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}

# --- Sessions, e-mail, uploads ---------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SmartGov <no-reply@smartgov.local>")
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

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
# A strict Content-Security-Policy (django-csp): scripts, styles, fonts and images from the site only; no inline
# script or style anywhere (pages, errors, the API's Swagger UI); no plugins; no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
#: Browser features no page of the platform uses are switched off (``smartgov.platform.middleware``).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
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
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # fpdf2 subsets the embedded font through fontTools, which logs every table it touches at INFO
        "fontTools": {"level": "WARNING"},
    },
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

# --- What the installed apps declare in their conf modules (settings and scheduled jobs) ---------------
app_settings_apply(globals())
