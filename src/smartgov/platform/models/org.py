"""The installation's locality and its agencies, with staff positions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartgov.platform.models.units import AdminUnit


class Locality(models.Model):
    """The province or centrally-run city this installation serves. There is one row."""

    province = models.OneToOneField(AdminUnit, on_delete=models.PROTECT, verbose_name=_("province"))
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120)
    #: Suffix of the electronic agency IDs (Decision 20/2020/QĐ-TTg), e.g. H31. Editable data.
    agency_id_suffix = models.CharField(_("agency ID suffix"), max_length=8)
    portal_name = models.CharField(_("portal name"), max_length=200)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("locality")
        verbose_name_plural = _("localities")

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    class Kind(models.TextChoices):
        PEOPLES_COMMITTEE = "peoples_committee", _("Provincial People's Committee")
        OFFICE = "office", _("Office")
        DEPARTMENT = "department", _("Department")
        DEPARTMENT_EQUIVALENT = "department_equivalent", _("Agency equivalent to a department")
        SERVICE_CENTRE = "service_centre", _("Public administrative service centre")
        COMMUNE_COMMITTEE = "commune_committee", _("Commune-level People's Committee")
        UNIT = "unit", _("Unit")

    code = models.CharField(
        _("electronic agency ID"),
        max_length=20,
        unique=True,
        help_text=_("Decision 20/2020/QĐ-TTg, e.g. 000.00.01.H31"),
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    search_name = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    admin_unit = models.ForeignKey(
        AdminUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("administrative unit"),
        help_text=_("The unit whose territory the agency serves"),
    )
    address = models.CharField(_("address"), max_length=250, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A staff member's post in an agency (a person may hold several)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="positions", verbose_name=_("agency"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="positions", verbose_name=_("user")
    )
    title = models.CharField(_("title"), max_length=120, help_text=_("e.g. Chuyên viên, Phó Giám đốc"))
    is_leader = models.BooleanField(_("leader"), default=False)
    is_primary = models.BooleanField(_("primary post"), default=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.UniqueConstraint(fields=["agency", "user", "title"], name="position_unique_post"),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {self.agency}"
