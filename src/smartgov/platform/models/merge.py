"""Where each row that came from another locality's installation landed (docs/merge.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MergeLink(models.Model):
    """One row of a merged archive: the locality it came from, its model and key there, and the row it is here.

    The import looks a row up here first, so importing the same archive twice adds nothing, and a foreign key
    that pointed at the source's row is pointed at the target's. A row matched by its natural key to a row that
    holds different data is a conflict: the target's row is kept as it was and ``differences`` says how the two
    disagree."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("Created")
        MATCHED = "matched", _("Matched")
        CONFLICT = "conflict", _("Conflict")

    source = models.CharField(_("source locality"), max_length=20)
    model = models.CharField(_("model"), max_length=100)
    source_key = models.CharField(_("key in the source"), max_length=64)
    target_key = models.CharField(_("key here"), max_length=64)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    #: ``{field: [value here, value in the source]}`` of a conflict.
    differences = models.JSONField(_("differences"), default=dict, blank=True)
    #: The SHA-256 of the archive's manifest.
    archive = models.CharField(_("archive"), max_length=64)
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        verbose_name = _("merged row")
        verbose_name_plural = _("merged rows")
        constraints = [
            models.UniqueConstraint(fields=["source", "model", "source_key"], name="mergelink_unique_source_row"),
        ]
        indexes = [models.Index(fields=["model", "target_key"], name="mergelink_target_idx")]

    def __str__(self) -> str:
        return f"{self.source} {self.model} {self.source_key} → {self.target_key}"
