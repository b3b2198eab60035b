"""Administrative units as versioned data, with the old-to-new relation.

Two generations live side by side: the legacy three-tier tree (province, district, commune; valid until
30 June 2025) and the two-tier tree from 1 July 2025 (province, commune/ward/special zone). Codes are the
NSO (GSO) codes: 2 digits for a province, 3 for a district, 5 for a commune. A legacy unit may have several
successors (it was split); those rows are flagged for review and never resolved silently.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AdminUnit(models.Model):
    class Generation(models.TextChoices):
        LEGACY = "legacy", _("Before 1 July 2025")
        CURRENT = "2025", _("From 1 July 2025")

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province level")
        DISTRICT = 2, _("District level")
        COMMUNE = 3, _("Commune level")

    class Kind(models.TextChoices):
        CENTRAL_CITY = "central_city", _("Centrally-run city")
        PROVINCE = "province", _("Province")
        URBAN_DISTRICT = "urban_district", _("Urban district")
        DISTRICT = "district", _("District")
        TOWN = "town", _("Town")
        PROVINCIAL_CITY = "provincial_city", _("Provincial city")
        CITY_IN_CITY = "city_in_city", _("City within a centrally-run city")
        WARD = "ward", _("Ward")
        COMMUNE = "commune", _("Commune")
        TOWNSHIP = "township", _("Township")
        SPECIAL_ZONE = "special_zone", _("Special zone")

    generation = models.CharField(_("generation"), max_length=8, choices=Generation.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("NSO code"), max_length=5)
    name = models.CharField(_("name"), max_length=120, help_text=_("Official name, e.g. Phường Thành Đông"))
    #: Lower-case name without diacritics, for search typed without them ("thanh dong").
    search_name = models.CharField(max_length=120, db_index=True, editable=False)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["generation", "level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["generation", "level", "code"], name="adminunit_unique_code"),
        ]
        indexes = [models.Index(fields=["generation", "parent"])]

    def __str__(self) -> str:
        return self.name


class AdminUnitSuccession(models.Model):
    """One edge of the old-to-new relation: ``predecessor`` became (part of) ``successor``.

    ``is_partial`` is true when only part of the predecessor went into this successor (the predecessor was
    split between several new units). Such edges start with ``needs_review`` set: a person must decide, for
    each record, which successor it belongs to.
    """

    predecessor = models.ForeignKey(
        AdminUnit, on_delete=models.CASCADE, related_name="successions", verbose_name=_("predecessor")
    )
    successor = models.ForeignKey(
        AdminUnit, on_delete=models.CASCADE, related_name="predecessions", verbose_name=_("successor")
    )
    is_partial = models.BooleanField(_("partial"), default=False)
    needs_review = models.BooleanField(_("needs review"), default=False)
    effective_on = models.DateField(_("effective on"))
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("succession of administrative units")
        verbose_name_plural = _("successions of administrative units")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="adminunitsuccession_unique_edge"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
