"""Accounts. Citizens are identified by the 12-digit personal ID, businesses by tax code, staff by posts."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartgov.identity.validators import mask_account_name, validate_personal_id, validate_tax_code


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
    #: When the current e-mail address / phone number was proven to belong to the person (None: not yet).
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    phone_verified_at = models.DateTimeField(_("phone verified at"), null=True, blank=True)

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.full_name or self.masked_username

    @property
    def masked_username(self) -> str:
        """The account name for lists and logs: a personal ID shows only its first and last digits."""
        return mask_account_name(self.username)


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
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset requested")
        MFA_CHANGED = "mfa_changed", _("Second factor changed")
        VERIFICATION_FAILED = "verify_failed", _("Failed contact verification")
        FEDERATED_LOGIN = "federated_login", _("Sign-in through a national identity provider")
        PAYMENT_FORGED = "payment_forged", _("Forged payment notice")

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
        #: Keeps the procedure catalog (procedures, fees, forms, workflows) for the whole locality.
        CATALOG_STEWARD = "catalog_steward", _("Procedure catalog steward")
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


class VerificationCode(models.Model):
    """A short code sent by SMS to prove a phone number belongs to the person (only its hash is kept)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", verbose_name=_("account"))
    target = models.CharField(_("phone"), max_length=20)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class ConsentRecord(models.Model):
    """One decision of a person about one purpose: given or withdrawn. Append-only, so every consent can be
    proven later with the exact notice shown (its version and SHA-256 digest); the latest row is the state."""

    class Action(models.TextChoices):
        GIVEN = "given", _("Given")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents", verbose_name=_("account"))
    purpose = models.CharField(_("purpose"), max_length=40, db_index=True)
    action = models.CharField(_("decision"), max_length=10, choices=Action.choices)
    decided_at = models.DateTimeField(_("time"))
    notice_version = models.CharField(_("notice version"), max_length=20)
    notice_digest = models.CharField(_("notice SHA-256"), max_length=64)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.purpose} {self.action} {self.decided_at:%Y-%m-%d %H:%M}"


class DataRequest(models.Model):
    """A person's request to correct or delete their personal data, handled by a data steward."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        DELETION = "deletion", _("Deletion")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")

    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="data_requests", verbose_name=_("account")
    )
    kind = models.CharField(_("request"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    #: For corrections: the profile fields to change and their new values.
    proposed = models.JSONField(_("proposed values"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("handled by")
    )
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class PersonalDataAccess(models.Model):
    """A member of staff looked at a person's personal data: who, whose, where and when."""

    viewer = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("viewer"))
    subject = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="data_accesses", verbose_name=_("whose data")
    )
    accessed_at = models.DateTimeField(_("time"), db_index=True)
    place = models.CharField(_("where"), max_length=120)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-accessed_at"]

    def __str__(self) -> str:
        return f"{self.viewer_id} → {self.subject_id} {self.accessed_at:%Y-%m-%d %H:%M} {self.place}"


class FederatedIdentity(models.Model):
    """An account linked to its identity at an upstream provider (VNeID, the National Public Service Portal)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="federated", verbose_name=_("account"))
    provider = models.CharField(_("provider"), max_length=40)
    subject = models.CharField(_("subject at the provider"), max_length=255)
    linked_at = models.DateTimeField(_("linked at"))
    last_login_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("linked national identity")
        verbose_name_plural = _("linked national identities")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="federatedidentity_unique_subject"),
            models.UniqueConstraint(fields=["provider", "user"], name="federatedidentity_one_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject}"
