"""How the permission matrix (smartgov/tests/test_policies.py) reaches procedures's URLs: sample arguments."""

from typing import Any

from smartgov.platform.testing import Probe
from smartgov.procedures.tests.factories import DossierFactory, ProcedureFactory

#: URLs that need arguments, a method other than GET, a body, or call another system.
PROBES: dict[str, Probe] = {
    "procedures:procedure": Probe(kwargs={"code": "1.001193"}),
    "procedures:apply": Probe(kwargs={"code": "1.001193"}),
    "procedures:my-dossier": Probe(kwargs={"pk": "DOSSIER"}),
    "procedures:my-receipt": Probe(kwargs={"pk": "DOSSIER"}),
    "procedures:my-notice": Probe(kwargs={"pk": "DOSSIER", "event_id": 999}),
    "procedures:officer-notice": Probe(kwargs={"pk": "DOSSIER", "event_id": 999}),
    "procedures:withdraw": Probe(kwargs={"pk": "DOSSIER"}, method="post"),
    "procedures:draft-delete": Probe(kwargs={"pk": "DOSSIER"}, method="post"),
    "procedures:supplement": Probe(kwargs={"pk": "DOSSIER"}, method="post"),
    "procedures:rate": Probe(kwargs={"pk": "DOSSIER"}, method="post"),
    "procedures:officer-dossier": Probe(kwargs={"pk": "DOSSIER"}),
    "procedures:officer-attachment": Probe(kwargs={"pk": "DOSSIER", "attachment_id": 999}),
    "procedures:officer-move": Probe(kwargs={"pk": "DOSSIER", "action": "accept"}, method="post"),
    "procedures:pay": Probe(kwargs={"pk": "DOSSIER"}),
    "procedures:pay-transfer": Probe(kwargs={"pk": "DOSSIER"}, method="post"),
    "procedures:payment-receipt": Probe(kwargs={"pk": "DOSSIER", "payment_id": 999}),
    "procedures:payment-return": Probe(kwargs={"gateway": "sandbox"}),
    "procedures:payment-notice": Probe(kwargs={"gateway": "sandbox"}, method="post"),
    "procedures:portal-sync-retry": Probe(method="post"),
    "procedures:officer-receipt": Probe(kwargs={"pk": "DOSSIER", "payment_id": 999}),
    "procedures:officer-result": Probe(kwargs={"pk": "DOSSIER"}),
    "procedures:citizen-check": Probe(kwargs={"pk": "DOSSIER"}, method="post", upstream=True),
    "procedures:my-result": Probe(kwargs={"pk": "DOSSIER"}),
    "procedures:document-download": Probe(kwargs={"pk": 999}),
    "procedures:document-share": Probe(kwargs={"pk": 999}, method="post"),
    "procedures:document-remove": Probe(kwargs={"pk": 999}, method="post"),
    "procedures:document-unshare": Probe(kwargs={"share_id": 999}, method="post"),
    "procedures:shared-document": Probe(kwargs={"share_id": 999}),
    "procedures:catalog-edit": Probe(kwargs={"code": "1.001193"}),
    "api:attach_reused": Probe(
        kwargs={"dossier_id": "DOSSIER"}, method="post", body='{"component": "tk", "document": 999}'
    ),
    "api:list_payments": Probe(kwargs={"dossier_id": "DOSSIER"}),
    "api:start_payment": Probe(kwargs={"dossier_id": "DOSSIER"}, method="post", body='{"gateway": "sandbox"}'),
    "api:result_file": Probe(kwargs={"dossier_id": "DOSSIER"}),
    "api:verify_result": Probe(method="post"),
    "api:get_procedure": Probe(kwargs={"code": "1.001193"}),
    "api:create_draft": Probe(method="post"),
    "api:get_dossier": Probe(kwargs={"dossier_id": "DOSSIER"}),
    "api:save_draft": Probe(kwargs={"dossier_id": "DOSSIER"}, method="put"),
    "api:check_form": Probe(method="post"),
    "api:delete_draft": Probe(kwargs={"dossier_id": "DOSSIER"}, method="delete"),
    "api:attach": Probe(kwargs={"dossier_id": "DOSSIER"}, method="post"),
    "api:submit": Probe(kwargs={"dossier_id": "DOSSIER"}, method="post"),
    "api:receipt": Probe(kwargs={"dossier_id": "DOSSIER"}),
    "api:staff_receipt": Probe(kwargs={"dossier_id": "DOSSIER"}),
    "api:withdraw": Probe(kwargs={"dossier_id": "DOSSIER"}, method="post"),
    "api:supplement": Probe(kwargs={"dossier_id": "DOSSIER"}, method="post"),
    "api:rate": Probe(kwargs={"dossier_id": "DOSSIER"}, method="post"),
    "api:staff_dossier": Probe(kwargs={"dossier_id": "DOSSIER"}),
    "api:staff_payments": Probe(kwargs={"dossier_id": "DOSSIER"}),
    "api:citizen_check": Probe(kwargs={"dossier_id": "DOSSIER"}, method="post", upstream=True),
    "api:portal_sync_retry_now": Probe(method="post"),
    "api:dossier_moves": Probe(kwargs={"dossier_id": "DOSSIER"}),
    # a move every officer's role may make on a newly submitted dossier
    "api:dossier_move": Probe(
        kwargs={"dossier_id": "DOSSIER", "move": "request_supplement"}, method="post", body='{"reason": "Thiếu"}'
    ),
}


def world(base: dict[str, Any]) -> dict[str, Any]:
    """A birth-registration procedure of the test agency and a citizen's dossier received there."""
    agency = base["agency"]
    procedure = ProcedureFactory.create(code="1.001193", agency=agency)
    dossier = DossierFactory.create(
        procedure=procedure,
        applicant=base["accounts"]["citizen"],
        receiving_agency=agency,
        code="000.00.10.H31-261124-0001",
    )
    return {"DOSSIER": dossier.pk}
