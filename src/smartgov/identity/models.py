"""Accounts. Citizens are identified by the 12-digit personal ID, businesses by tax code, staff by posts."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartgov.identity.validators import validate_personal_id, validate_tax_code


class User(AbstractUser):
    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        BUSINESS = "business", _("Business")
        STAFF = "staff", _("Civil servant")

    kind = models.CharField(_("account type"), max_length=10, choices=Kind.choices, default=Kind.CITIZEN)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    personal_id = models.CharField(
        _("personal identification number"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_personal_id],
    )
    tax_code = models.CharField(
        _("tax code"), max_length=14, null=True, blank=True, unique=True, validators=[validate_tax_code]
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.full_name or self.username


class SecurityEvent(models.Model):
    """A security-relevant event, for the SOC: never a password, a token or an unmasked personal ID."""

    class Kind(models.TextChoices):
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        LOCKOUT = "lockout", _("Account or address locked")
        LOGIN = "login", _("Sign-in")
        MFA_FAILED = "mfa_failed", _("Failed second factor")
        PRIVILEGE_CHANGE = "privilege_change", _("Privilege change")
        TOKEN_MISUSE = "token_misuse", _("Token misuse")
        SESSIONS_ENDED = "sessions_ended", _("Signed out of other sessions")

    class Severity(models.TextChoices):
        INFO = "info", _("Information")
        WARNING = "warning", _("Warning")
        HIGH = "high", _("High")

    occurred_at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("account")
    )
    #: What was typed as the account name, masked when it looks like a personal ID.
    username = models.CharField(_("account name"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=250, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"


class RoleAssignment(models.Model):
    """A role held in a scope: an agency, an administrative unit, both, or (for platform roles) everywhere."""

    class Role(models.TextChoices):
        ONE_STOP_OFFICER = "one_stop_officer", _("One-stop-shop officer")
        SPECIALIST = "specialist", _("Specialist")
        LEADER = "leader", _("Leader")
        IOC_OPERATOR = "ioc_operator", _("Operations centre operator")
        SOC_ANALYST = "soc_analyst", _("Security analyst")
        DATA_STEWARD = "data_steward", _("Data steward")
        PLATFORM_ADMIN = "platform_admin", _("Platform administrator")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("account"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        "platform.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("agency")
    )
    admin_unit = models.ForeignKey(
        "platform.AdminUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("administrative unit"),
    )
    granted_at = models.DateTimeField(_("granted at"))
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("granted by")
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "agency", "admin_unit"],
                name="roleassignment_unique_scope",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        scope = self.agency or self.admin_unit or _("everywhere")
        return f"{self.get_role_display()} ({scope})"


class UserSession(models.Model):
    """A signed-in browser, so a person can see where they are signed in and end those sessions."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("account"))
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField(_("signed in at"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-signed_in_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.signed_in_at:%Y-%m-%d %H:%M}"
