"""The abstract model of everything the delivery engine delivers (``Deliverable``) and its three states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DONE = "done", _("Done")
    DEAD = "dead", _("Dead letter")


class Deliverable(models.Model):
    """A row the engine (``smartgov.platform.delivery``) delivers: pending until its handler succeeds (done) or
    fails ``max_attempts`` times (a dead letter, until someone sends it again).

    ``next_at`` is when it is due. A sender that works outside a transaction claims a row by moving both
    ``next_at`` and ``lease_until`` to the end of its lease: other senders and the sweep see it as not due, and
    when the lease runs out (the sender died) it is due again. ``attempts`` counts failed attempts."""

    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_at = models.DateTimeField(_("next attempt"))
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["state", "next_at"], name="%(app_label)s_%(class)s_due")]
