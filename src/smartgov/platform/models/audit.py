"""Append-only audit log, in keyed hash chains.

Rows belong to one of ``SMARTGOV_AUDIT_CHAINS`` chains; within a chain ``seq`` counts 1, 2, 3… without gaps.
Each row's ``hash`` is HMAC-SHA256, under a key kept outside the database, of the previous row's hash and this
row's canonical content, so editing or deleting a row breaks its chain, and nobody without the key can
recompute it. ``AuditChain`` (one row per chain) holds the chain's last ``seq`` and hash and where it starts;
an append locks only its own chain's row. Signed checkpoints outside the database (``smartgov audit seal``)
pin the heads and the starts. Database triggers refuse UPDATE, DELETE and TRUNCATE on the table.

Rows written before the chains were partitioned (``chain`` empty) form the legacy chain: SHA-256, ordered by
id, ending at ``AuditLegacyHead``; they are verified as they were written, and the first checkpoint seals them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    #: Who acted, as text kept even if the account is later removed ("user:42 canbo.motcua", "system:demo").
    actor_label = models.CharField(_("actor"), max_length=200)
    action = models.CharField(_("action"), max_length=100, db_index=True, help_text=_("e.g. platform.agency.create"))
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=250, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    #: The chain this row was appended to and its place there; empty on legacy rows.
    chain = models.PositiveSmallIntegerField(_("chain"), null=True, blank=True)
    seq = models.BigIntegerField(_("sequence number"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="auditentry_chain_seq")]

    def __str__(self) -> str:
        return f"#{self.id} {self.action} {self.object_type}:{self.object_id}"


class AuditChain(models.Model):
    """The head of one chain: its last ``seq`` and hash, and the ``seq`` and hash its first row links to."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    anchor_seq = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain")

    def __str__(self) -> str:
        return f"audit chain {self.id} at {self.seq}"


class AuditLegacyHead(models.Model):
    """Where the legacy chain (rows written before the partitioned chains) ends. Frozen since."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_entry_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("legacy audit chain head")

    def __str__(self) -> str:
        return f"legacy audit chain ending at #{self.last_entry_id}"
