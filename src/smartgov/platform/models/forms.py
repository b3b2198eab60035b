"""Form keys claimed by page POSTs, so one filled form acts once however often it is sent (docs/kernel.md §3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FormClaim(models.Model):
    """The first POST of one form key, within one browser or account (``scope``).

    The row is written, in its own committed transaction, before the view runs: a concurrent POST of the same key
    fails the unique constraint and waits for the first one's answer instead of acting again. ``status`` is empty
    while the first POST runs; then its answer's status and, for a redirect, its ``Location``. A failed first POST
    (a 4xx or 5xx answer) deletes the row, so the form can be corrected and sent again. Rows older than the key's
    lifetime are deleted by the ``form-claims-purge`` job."""

    scope = models.CharField(_("scope"), max_length=80)
    key = models.CharField(_("form key"), max_length=120)
    path = models.CharField(_("path"), max_length=500)
    claimed_at = models.DateTimeField(_("claimed at"), db_index=True)
    status = models.PositiveSmallIntegerField(_("answer status"), null=True, blank=True)
    location = models.CharField(_("answer location"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("form claim")
        verbose_name_plural = _("form claims")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="formclaim_unique_scope_key")]

    def __str__(self) -> str:
        return f"{self.path} {self.status or '…'}"
