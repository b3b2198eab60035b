"""Public services' part of the merge archive: the catalogue, the dossiers with everything recorded about them,
the payments and the applicants' document store.

The catalogue is matched by code: a procedure both localities offer stays the target's (a different name, sector
or level is a conflict; fees and receiving agencies are each locality's own and differ freely). A dossier keeps
its code, which names the agency that received it, so codes never collide; a draft (without a code yet) is known
by its applicant, procedure and creation time (a key's empty field matches only an empty field).
What is recorded about a dossier has a natural key of its own (an event: its dossier, time and action), so the
records of a dossier both installations hold are matched, not doubled.
Only the files' metadata travels: the operator copies the media directory (``dossiers/``, stored under each file's
SHA-256, and ``results/``, named by dossier and verification code) without overwriting (docs/merge.md).
"""

from smartgov.platform.merge import MergeModel, MergePart
from smartgov.procedures.models import (
    Attachment,
    DocumentShare,
    Dossier,
    DossierEvent,
    DossierResult,
    DossierSequence,
    Payment,
    PaymentCallback,
    Procedure,
    Reconciliation,
    Sector,
    StoredDocument,
)

PART = MergePart(
    models=[
        MergeModel(Sector, keys=[("code",)], compare=("name",)),
        MergeModel(Procedure, keys=[("code",)], compare=("name", "sector", "level")),
        MergeModel(DossierSequence, keys=[("agency", "day")], compare=("last",)),
        MergeModel(
            Dossier,
            keys=[("code",), ("code", "applicant", "procedure", "created_at")],
            compare=("code", "procedure", "applicant", "receiving_agency", "created_at"),
            personal=("applicant_name", "applicant_phone", "form_data", "rating_comment"),
        ),
        MergeModel(DossierEvent, keys=[("dossier", "at", "action")], personal=("note",)),
        MergeModel(StoredDocument, keys=[("owner", "sha256", "kind")], personal=("title", "file")),
        MergeModel(Attachment, keys=[("dossier", "component", "sha256")], personal=("original_name", "file")),
        MergeModel(Payment, keys=[("reference",)], compare=("dossier", "amount_vnd")),
        MergeModel(PaymentCallback, keys=[("gateway", "received_at", "reference")], personal=("payload",)),
        MergeModel(Reconciliation, keys=[("day", "gateway", "made_at")]),
        MergeModel(DossierResult, keys=[("code",)], compare=("dossier", "sha256")),
        MergeModel(DocumentShare, keys=[("document", "agency", "created_at")]),
    ],
)
