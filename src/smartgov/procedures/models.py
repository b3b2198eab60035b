"""The procedure catalog and the dossiers submitted under it (Decree 118/2025 one-stop-shop handling)."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartgov.platform.money import MoneyField
from smartgov.platform.text import fold
from smartgov.procedures.status import Status


class Sector(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """An administrative procedure as published in the national database, with this locality's settings."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        COMMUNE = "commune", _("Commune")

    class OnlineLevel(models.TextChoices):
        FULL = "full", _("Full online")
        PARTIAL = "partial", _("Partial online")

    class TimeUnit(models.TextChoices):
        WORKING_DAYS = "working_days", _("working days")
        WORKING_HOURS = "working_hours", _("working hours")

    code = models.CharField(_("national procedure code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=400)
    name_en = models.CharField(_("English name"), max_length=400, blank=True)
    search_name = models.CharField(max_length=400, db_index=True, editable=False)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="procedures", verbose_name=_("sector"))
    level = models.CharField(_("implementing level"), max_length=10, choices=Level.choices)
    #: The agency that handles it (province level); commune-level procedures go to the applicant's commune.
    agency = models.ForeignKey(
        "platform.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procedures",
        verbose_name=_("implementing agency"),
    )
    online_level = models.CharField(_("online level"), max_length=10, choices=OnlineLevel.choices)
    processing_time = models.DecimalField(_("processing time"), max_digits=6, decimal_places=1)
    processing_unit = models.CharField(_("unit"), max_length=16, choices=TimeUnit.choices)
    fee_vnd = models.PositiveIntegerField(_("fee (VND)"), default=0)
    fee_note = models.CharField(_("fee details"), max_length=400, blank=True)
    #: How the fee grows with the form (copies, pages, cases): see procedures/fees.py. Empty: fixed fee.
    fee_schedule = models.JSONField(_("fee schedule"), default=dict, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    #: [{"code": "tk", "name": "...", "required": true}] — the documents the applicant attaches.
    components = models.JSONField(_("document components"), default=list, blank=True)
    #: JSON Schema of the electronic form (rendered as an HTML form, checked on the server).
    form_schema = models.JSONField(_("electronic form"), default=dict, blank=True)
    #: [{"name": "...", "role": "specialist", "agency": "receiving" | "<agency code>", "share": 0.5}]
    workflow = models.JSONField(_("workflow template"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["sector__name", "name"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = fold(f"{self.name} {self.name_en}")[:400]
        super().save(*args, **kwargs)


class DossierSequence(models.Model):
    """The last daily sequence number of an agency's dossier codes (locked while a code is taken: gap-free)."""

    agency = models.ForeignKey("platform.Agency", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossiersequence_unique_day")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day} {self.last}"


class Dossier(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        COUNTER = "counter", _("At the counter")

    #: ``<agency ID>-<YYMMDD>-<NNNN>``, given at submission (drafts have none).
    code = models.CharField(_("dossier code"), max_length=40, unique=True, null=True, blank=True)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="dossiers")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("applicant")
    )
    applicant_name = models.CharField(_("applicant"), max_length=150)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    receiving_agency = models.ForeignKey(
        "platform.Agency", on_delete=models.PROTECT, related_name="received_dossiers", verbose_name=_("received by")
    )
    current_agency = models.ForeignKey(
        "platform.Agency", on_delete=models.PROTECT, related_name="held_dossiers", verbose_name=_("handled by")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_dossiers",
        verbose_name=_("assigned to"),
    )
    status = models.PositiveSmallIntegerField(_("status"), choices=Status.choices, default=Status.DRAFT, db_index=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    #: The fee computed from the procedure's schedule when the dossier was submitted (whole đồng).
    fee_vnd = MoneyField(_("fee (VND)"), default=0)
    form_data = models.JSONField(_("form"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    #: A supplement may be requested once (Decree 118/2025).
    supplement_requested_at = models.DateTimeField(_("supplement requested at"), null=True, blank=True)
    #: Processing paused (waiting for another agency's answer, an on-site check…): the clock stops until resumed.
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    #: Set when the "due soon" warning went out for the current appointment (cleared when it moves).
    due_soon_flagged_at = models.DateTimeField(_("due-soon warning at"), null=True, blank=True)
    #: Set when an apology with a new appointment (form 04) was issued.
    apologised_at = models.DateTimeField(_("apology issued at"), null=True, blank=True)
    step = models.PositiveSmallIntegerField(_("workflow step"), default=0)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("comment"), blank=True)
    #: Incremented by every change: a stale page or API call is refused instead of overwriting.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["current_agency", "status"]),
            models.Index(fields=["receiving_agency", "submitted_at"]),
            # the indicators select by month on these three (docs/benchmarks.md)
            models.Index(fields=["submitted_at"], name="dossier_submitted_idx"),
            models.Index(fields=["finished_at"], name="dossier_finished_idx"),
            models.Index(fields=["returned_at"], name="dossier_returned_idx"),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"


def _attachment_path(instance: "Attachment", filename: str) -> str:
    return f"dossiers/{instance.dossier_id}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    component = models.CharField(_("component"), max_length=40)
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class DossierEvent(models.Model):
    """A line of the process-control form (05): every move and hand-over, with who, where and when."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    action = models.CharField(_("action"), max_length=30)
    from_status = models.PositiveSmallIntegerField(_("from"), choices=Status.choices)
    to_status = models.PositiveSmallIntegerField(_("to"), choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    agency = models.ForeignKey(
        "platform.Agency", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("agency")
    )
    note = models.TextField(_("note"), blank=True)
    step_due_at = models.DateTimeField(_("step due"), null=True, blank=True)

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
