"""Production settings: the base settings, refusing to start when they are unsafe.

Use with ``DJANGO_SETTINGS_MODULE=smartgov.settings.production``. Every problem is listed at once, so
an operator fixes the environment in one pass.
"""

import ipaddress

from django.core.exceptions import ImproperlyConfigured

import smartgov.settings
from smartgov.settings import *  # noqa: F403
from smartgov.settings import INSECURE_DEFAULT_SECRET_KEY, env
from smartgov.settings.discovery import app_settings_reconfigure

DEBUG = env.bool("DEBUG", default=False)
# What the apps derive from DEBUG (http redirect URIs for single sign-on, loopback outbound calls, the demo's
# stand-ins) follows production's DEBUG, not the embedded mode's the base settings were read with.
app_settings_reconfigure(globals(), base=smartgov.settings.__name__)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
LOG_FORMAT = "json"

SMARTGOV_PAYMENT_SANDBOX = env.bool("SMARTGOV_PAYMENT_SANDBOX", default=False)
if not SMARTGOV_PAYMENT_SANDBOX:
    SMARTGOV_PAYMENT_GATEWAYS = env.json("SMARTGOV_PAYMENT_GATEWAYS", default=[])

SMARTGOV_PKI_LOCAL_CA = env.bool("SMARTGOV_PKI_LOCAL_CA", default=False)
#: No loopback address for outbound calls in production unless listed (the base settings allow it under DEBUG).
SMARTGOV_OUTBOUND_ALLOW = env.list("SMARTGOV_OUTBOUND_ALLOW", default=[])
SMARTGOV_EXCHANGE_PROVIDER_ALLOW = env.list(
    "SMARTGOV_EXCHANGE_PROVIDER_ALLOW", default=["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]
)
#: The demo's stand-in for the national population database is never served in production.
SMARTGOV_EXCHANGE_DEMO_PROVIDER = env.bool("SMARTGOV_EXCHANGE_DEMO_PROVIDER", default=False)
#: Nor the stand-in for the National Public Service Portal.
SMARTGOV_PORTAL_STANDIN = False

_problems = []
if DEBUG:
    _problems.append("DEBUG must be off in production (unset DEBUG or set DEBUG=false)")
if SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50:  # noqa: F405
    _problems.append("SECRET_KEY must be set to a random value of at least 50 characters")
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    _problems.append("ALLOWED_HOSTS must list the host names this installation answers to")
if not (env.str("OIDC_RSA_PRIVATE_KEY", default="") or env.str("OIDC_RSA_PRIVATE_KEY_FILE", default="")):
    _problems.append(
        "OIDC_RSA_PRIVATE_KEY or OIDC_RSA_PRIVATE_KEY_FILE must give the ID-token signing key shared by every web host"
    )
if globals()["SMARTGOV_SIGNING_PASSPHRASE"] == "smartgov-demo-only":  # noqa: S105 - declared in platform/conf.py
    _problems.append("SMARTGOV_SIGNING_PASSPHRASE must be set (it protects the agencies' signing keys)")
if not globals()["SMARTGOV_AUDIT_KEY"]:  # declared in platform/conf.py
    _problems.append(
        "SMARTGOV_AUDIT_KEY must be set, the same on every host (base64 of 32 random bytes: openssl rand -base64 32):"
        " it keys the audit log's chains"
    )
if not globals()["SMARTGOV_AUDIT_SIGNING_KEY"]:
    _problems.append(
        "SMARTGOV_AUDIT_SIGNING_KEY must be set (base64 of 32 random bytes): it signs the audit log's checkpoints"
    )
if not env.str("SMARTGOV_AUDIT_CHECKPOINT_DIR", default=""):
    _problems.append(
        "SMARTGOV_AUDIT_CHECKPOINT_DIR must name the one folder, outside the database, where the audit checkpoints"
        " are appended (a volume of its own, append-only or copied to an object store with a retention lock)"
    )
if len(globals()["SMARTGOV_METRICS_TOKEN"]) < 32:  # declared in the base settings
    _problems.append(
        "SMARTGOV_METRICS_TOKEN must be set to a random value of at least 32 characters (openssl rand -hex 32):"
        " /metrics and the gateway's metrics answer only to it"
    )
if SMARTGOV_EXCHANGE_DEMO_PROVIDER:
    _problems.append("SMARTGOV_EXCHANGE_DEMO_PROVIDER must be off: it serves made-up citizens' records")
if env.bool("BEHIND_TLS_PROXY", False) and not globals()["SMARTGOV_TRUSTED_PROXIES"]:  # platform/conf.py
    _problems.append(
        "SMARTGOV_TRUSTED_PROXIES must list the reverse proxy's address (e.g. 127.0.0.1 for a local nginx) when"
        " BEHIND_TLS_PROXY is set: otherwise every client has the proxy's address, and one client's wrong passwords"
        " lock every sign-in"
    )
for _proxy in globals()["SMARTGOV_TRUSTED_PROXIES"]:
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError:
        _problems.append(f"SMARTGOV_TRUSTED_PROXIES: {_proxy!r} is not an address or a network (e.g. 10.0.0.0/8)")
if _problems:
    raise ImproperlyConfigured("Unsafe production configuration: " + "; ".join(_problems))

STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"  # noqa: F405
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
#: Browsers keep to HTTPS for a year once they have seen the site (0 turns it off, e.g. while TLS is being set up).
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
#: The portal's own subdomains are HTTPS-only too, and browsers may ship the host in their preload list.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
#: A request that reaches Django over plain HTTP is redirected to HTTPS (nginx redirects port 80 already); the
#: health check and the metrics, which the host's own probes call over HTTP, are not.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz", r"^metrics$"]
