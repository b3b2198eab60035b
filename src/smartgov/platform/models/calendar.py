"""The working-day calendar: exceptions to the Monday–Friday rule.

A date without a row is a working day when it falls Monday to Friday. A row overrides that rule: a public
holiday or an extra day off (``is_working=False``), or a compensating work day on a weekend
(``is_working=True``). Rows filled from the ``holidays`` package have ``source=holidays`` and are refreshed
by the fill command; rows entered by people (``source=manual``) are never overwritten.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    class Source(models.TextChoices):
        HOLIDAYS = "holidays", _("Holidays package")
        MANUAL = "manual", _("Entered by staff")

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"), default=False)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(_("note"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"

    @property
    def local_name(self) -> str:
        """The name in the page's language: the English name in English when there is one, else the Vietnamese."""
        from django.utils import translation

        return self.name_en if translation.get_language() == "en" and self.name_en else self.name
