"""The third-party apps and their models under names in the visitor's language, so the Django admin reads as the
rest of the platform ("Khóa đăng nhập" instead of "AXES", "Ứng dụng xác thực" instead of "OTP_TOTP").

Only the names shown change, when the platform's app is ready (``PlatformConfig.ready``): the labels, tables and
migrations stay the packages' own. A model's ``_meta.verbose_name`` is set, not its ``original_attrs``, which is what
migrations read, so ``makemigrations --check`` sees no change in the packages.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

#: App label → its heading.
APP_NAMES = {
    "axes": _("Sign-in lockouts"),
    "oauth2_provider": _("Connected applications (OAuth 2 and OpenID Connect)"),
    "otp_totp": _("Authenticator apps (two-step sign-in)"),
    "otp_static": _("Backup codes (two-step sign-in)"),
    "django_otp": _("Two-step sign-in"),
}
#: ``(app label, model name)`` → (singular, plural).
MODEL_NAMES = {
    ("axes", "accessattempt"): (_("failed sign-in attempt"), _("failed sign-in attempts")),
    ("axes", "accesslog"): (_("sign-in record"), _("sign-in records")),
    ("axes", "accessfailurelog"): (_("sign-in failure"), _("sign-in failures")),
    ("oauth2_provider", "application"): (_("client application"), _("client applications")),
    ("oauth2_provider", "accesstoken"): (_("access token"), _("access tokens")),
    ("oauth2_provider", "grant"): (_("authorization code"), _("authorization codes")),
    ("oauth2_provider", "idtoken"): (_("ID token"), _("ID tokens")),
    ("oauth2_provider", "refreshtoken"): (_("refresh token"), _("refresh tokens")),
    ("otp_totp", "totpdevice"): (_("authenticator app"), _("authenticator apps")),
    ("otp_static", "staticdevice"): (_("backup code list"), _("backup code lists")),
    ("otp_static", "statictoken"): (_("backup code"), _("backup codes")),
}


def third_party_names_apply() -> None:
    """Give the installed third-party apps and models their translated names (an app not installed is skipped)."""
    for label, name in APP_NAMES.items():
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        config.verbose_name = name
    for (label, model_name), (singular, plural) in MODEL_NAMES.items():
        try:
            model = apps.get_model(label, model_name)
        except LookupError:
            continue
        model._meta.verbose_name = singular
        model._meta.verbose_name_plural = plural
