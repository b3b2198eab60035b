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
