"""The procedure catalog and the dossiers submitted under it (Decree 118/2025 one-stop-shop handling)."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartgov.platform.money import MoneyField
from smartgov.platform.text import fold
from smartgov.procedures.domain.status import Status


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
    #: The result document: its title and text, ``{field}`` replaced by the form's values (procedures/results.py).
    result_title = models.CharField(_("result title"), max_length=300, blank=True)
    result_body = models.TextField(_("result text"), blank=True)
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
    #: When the fee was paid online (the indicators' online payment rate counts these).
    paid_at = models.DateTimeField(_("fee paid at"), null=True, blank=True)
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

    @property
    def label(self) -> str:
        """What the applicant calls it: its code, or for a draft the procedure and the day it was started."""
        if self.code:
            return self.code
        started = timezone.localtime(self.created_at).strftime("%d/%m/%Y") if self.created_at else ""
        return _("Draft: %(procedure)s, %(date)s") % {"procedure": self.procedure.name, "date": started}


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
    #: Taken from the applicant's document store instead of uploaded again (the once-only principle).
    reused_from = models.ForeignKey(
        "StoredDocument", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

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


# --- Fees and payment (Decree 42/2022: a full-online service is paid online) ------------------------------
class Payment(models.Model):
    """One attempt to pay a dossier's fee through one gateway. A dossier is paid at most once: the database
    refuses a second paid row, and a callback for a second charge is kept for a refund instead."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        MISMATCH = "mismatch", _("Amount does not match")
        CANCELLED = "cancelled", _("Cancelled")

    #: Ours, sent to the gateway and written in the bank transfer's description.
    reference = models.CharField(_("payment reference"), max_length=24, unique=True)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="payments")
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    gateway = models.CharField(_("gateway"), max_length=20)
    amount_vnd = MoneyField(_("amount (VND)"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("created at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    #: What the gateway said was paid, and its transaction number.
    paid_amount_vnd = MoneyField(_("amount paid (VND)"), null=True, blank=True)
    transaction_no = models.CharField(_("gateway transaction"), max_length=64, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=models.Q(state="paid"), name="payment_one_paid_per_dossier"
            ),
            models.UniqueConstraint(
                fields=["gateway", "transaction_no"],
                condition=~models.Q(transaction_no=""),
                name="payment_unique_gateway_transaction",
            ),
        ]
        indexes = [models.Index(fields=["paid_at"], name="payment_paid_idx")]

    def __str__(self) -> str:
        return self.reference


class PaymentCallback(models.Model):
    """Every notice a gateway sent, kept whatever became of it: the evidence reconciliation works from."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Payment recorded")
        DUPLICATE = "duplicate", _("Repeat of a notice already recorded")
        FORGED = "forged", _("Signature invalid")
        UNKNOWN = "unknown", _("Unknown payment reference")
        MISMATCH = "mismatch", _("Amount does not match")
        FAILED = "failed", _("Payment failed at the gateway")
        SECOND_CHARGE = "second_charge", _("Second charge: refund due")
        LATE = "late", _("Notice for a closed payment")

    gateway = models.CharField(_("gateway"), max_length=20)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="callbacks")
    reference = models.CharField(_("payment reference"), max_length=64, blank=True)
    transaction_no = models.CharField(_("gateway transaction"), max_length=64, blank=True)
    amount_vnd = MoneyField(_("amount (VND)"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices)
    payload = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("payment notice")
        verbose_name_plural = _("payment notices")
        ordering = ["-received_at"]
        # every notice looks up the earlier ones of its transaction (a repeat is answered, not applied again)
        indexes = [models.Index(fields=["gateway", "transaction_no"], name="paymentcallback_txn_idx")]

    def __str__(self) -> str:
        return f"{self.gateway} {self.transaction_no} {self.outcome}"


class Reconciliation(models.Model):
    """A day's reconciliation of payments against the gateways' notices (and their statements, when given)."""

    day = models.DateField(_("day"))
    gateway = models.CharField(_("gateway"), max_length=20, blank=True)
    made_at = models.DateTimeField(_("made at"))
    payments = models.PositiveIntegerField(_("payments"))
    total_vnd = MoneyField(_("total (VND)"))
    #: [{"kind": ..., "reference": ..., "transaction_no": ..., "expected_vnd": ..., "received_vnd": ..., "note": ...}]
    mismatches = models.JSONField(_("mismatches"), default=list)

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        ordering = ["-day", "-made_at"]

    def __str__(self) -> str:
        return f"{self.day} {self.gateway}"


# --- Signed results and the citizen's document store ------------------------------------------------------
class DossierResult(models.Model):
    """The result document: a PDF from the procedure's template, signed (PAdES) by the agency's certificate."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="result")
    #: Printed on the document: anyone can find the result by it on the verification page.
    code = models.CharField(_("verification code"), max_length=16, unique=True)
    file = models.FileField(_("file"), upload_to="results/%Y/%m/", max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size"))
    signed_at = models.DateTimeField(_("signed at"))
    signer = models.CharField(_("signed by"), max_length=300)
    certificate_serial = models.CharField(_("certificate serial"), max_length=64)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self) -> str:
        return self.code


class StoredDocument(models.Model):
    """A document in a citizen's electronic data store ("kho dữ liệu điện tử"): each result they received and
    each document they uploaded, reusable in a new dossier (once-only) and shareable with consent."""

    class Kind(models.TextChoices):
        RESULT = "result", _("Result of a procedure")
        UPLOAD = "upload", _("Uploaded document")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    #: The same stored file as the attachment or result it came from (no copy).
    file = models.FileField(_("file"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    #: The component code it was uploaded as (suggested for the same component of another procedure).
    component = models.CharField(_("component"), max_length=40, blank=True)
    source_dossier = models.ForeignKey(Dossier, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("added at"))
    #: Kept until then by the retention rules (docs/procedures.md); empty: kept while the account exists.
    retain_until = models.DateField(_("kept until"), null=True, blank=True)

    class Meta:
        verbose_name = _("stored document")
        verbose_name_plural = _("stored documents")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "sha256", "kind"], name="storeddocument_unique_content"),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentShare(models.Model):
    """The owner lets an agency see a stored document, for a purpose, until a date (revocable)."""

    document = models.ForeignKey(StoredDocument, on_delete=models.CASCADE, related_name="shares")
    agency = models.ForeignKey("platform.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency"))
    purpose = models.CharField(_("purpose"), max_length=300)
    created_at = models.DateTimeField(_("shared at"))
    expires_at = models.DateTimeField(_("until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("document share")
        verbose_name_plural = _("document shares")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.agency_id}"


# --- Dossiers received from the National Public Service Portal (services/intake.py) -------------------------
class PortalDossier(models.Model):
    """A dossier the citizen submitted on the National Public Service Portal and the one-stop shop received: the
    portal's code kept beside the local one (the unique national code is what makes receiving it twice create
    one dossier), and the fee the portal collected."""

    national_code = models.CharField(_("national dossier code"), max_length=60, unique=True)
    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="portal", verbose_name=_("dossier"))
    submitted_at = models.DateTimeField(_("submitted on the portal at"))
    received_at = models.DateTimeField(_("received at"))
    #: The portal's payment reference (the national payment platform's transaction), when it collected the fee.
    payment_reference = models.CharField(_("portal payment reference"), max_length=64, blank=True)
    paid_vnd = MoneyField(_("paid on the portal (VND)"), null=True, blank=True)
    payload_sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("dossier from the national portal")
        verbose_name_plural = _("dossiers from the national portal")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.national_code


class PortalIntakeRefusal(models.Model):
    """A dossier from the portal the intake could not take (unknown procedure, a hostile document, a malformed
    record…): kept with the reason — the payload itself only as its SHA-256 (it holds personal data)."""

    national_code = models.CharField(_("national dossier code"), max_length=60, blank=True, db_index=True)
    refused_at = models.DateTimeField(_("refused at"), db_index=True)
    reason = models.CharField(_("reason"), max_length=40)
    detail = models.CharField(_("details"), max_length=500, blank=True)
    payload_sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("refused portal dossier")
        verbose_name_plural = _("refused portal dossiers")
        ordering = ["-refused_at"]
        constraints = [
            models.UniqueConstraint(fields=["payload_sha256"], name="portalintakerefusal_unique_payload"),
        ]

    def __str__(self) -> str:
        return f"{self.national_code} {self.reason}"


class PortalIntakeCursor(models.Model):
    """How far the intake has read the portal's feed (one row per feed): moved in the same transaction as each
    dossier received or refused, so a crash never skips one nor takes one twice."""

    feed = models.CharField(max_length=40, unique=True)
    cursor = models.CharField(max_length=200, blank=True)
    pulled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.feed} @ {self.cursor}"


class PortalStandinDossier(models.Model):
    """The demo's and the tests' stand-in for the National Public Service Portal (``procedures/standin.py``):
    a dossier a citizen submitted there, as its feed hands it over. Empty in production (the stand-in is off)."""

    national_code = models.CharField(max_length=60, unique=True)
    submitted_at = models.DateTimeField()
    record = models.JSONField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.national_code


class PortalStandinStatus(models.Model):
    """A status change the stand-in portal received from the status synchronisation (its webhook id: once)."""

    event_id = models.CharField(max_length=64, unique=True)
    national_code = models.CharField(max_length=60, blank=True, db_index=True)
    dossier_code = models.CharField(max_length=40, blank=True)
    status = models.PositiveSmallIntegerField()
    received_at = models.DateTimeField()
    message = models.JSONField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.dossier_code} {self.status}"
