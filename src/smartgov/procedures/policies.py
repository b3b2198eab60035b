"""The public services' access rules: public catalog, the applicant's own dossiers, the officers' work."""

from smartgov.identity import authz
from smartgov.identity.authz import Role
from smartgov.platform.access import Access
from smartgov.procedures.domain.moves import SCOPE

OSS, SPEC, LEAD = Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER
#: The access-token scopes of the API (described on the consent screen: identity/conf.py).
READ, WRITE, DOCUMENTS, QUEUE, PORTAL = "dossiers.read", "dossiers.write", "documents.read", "queue.read", "portal.sync"

#: The catalog's stewards keep procedures, fees, forms and workflows (platform administrators hold every role).
STEWARD = Role.CATALOG_STEWARD
#: The token scope of managing the catalog. No client is given it: only a browser session manages the catalog.
CATALOG_SCOPE = "catalog.manage"


@authz.policy("procedures.catalog.manage", scope=CATALOG_SCOPE)
def _may_manage_catalog(principal: authz.Principal, resource: object = None, /) -> bool:
    """The catalog is the locality's: a steward holds the role without an agency, and keeps all of it."""
    return authz.holds(principal.user, STEWARD)


#: The access rule of every URL name this app registers.
URLS: dict[str, Access] = {
    "procedures:catalog": Access.open(),
    "procedures:lookup": Access.open(personal=True),
    "procedures:procedure": Access.open(),
    "procedures:apply": Access.signed_in(),
    "procedures:my-dossiers": Access.signed_in(),
    "procedures:my-payments": Access.signed_in(),
    "procedures:my-dossier": Access.signed_in(),
    "procedures:my-receipt": Access.signed_in(),
    "procedures:my-notice": Access.signed_in(),
    "procedures:officer-notice": Access.staff(OSS, SPEC, LEAD),
    "procedures:withdraw": Access.signed_in(),
    "procedures:draft-delete": Access.signed_in(),
    "procedures:supplement": Access.signed_in(),
    "procedures:rate": Access.signed_in(),
    "procedures:queue": Access.staff(OSS, SPEC, LEAD),
    "procedures:dashboard": Access.staff(LEAD),
    "procedures:tracking-book": Access.staff(OSS, SPEC, LEAD),
    "procedures:officer-dossier": Access.staff(OSS, SPEC, LEAD),
    "procedures:officer-attachment": Access.staff(OSS, SPEC, LEAD),
    "procedures:officer-move": Access.staff(OSS, SPEC, LEAD),
    "procedures:pay": Access.signed_in(),
    "procedures:pay-transfer": Access.signed_in(),
    "procedures:payment-receipt": Access.signed_in(),
    "procedures:payment-return": Access.signed(),
    "procedures:payment-notice": Access.signed(),
    "procedures:payment-sandbox": Access.signed(),
    "procedures:reconciliation": Access.staff(LEAD),
    "procedures:portal-sync": Access.staff(LEAD),
    "procedures:portal-sync-retry": Access.staff(LEAD),
    "procedures:portal-intake": Access.staff(OSS, SPEC, LEAD),
    "procedures:portal-intake-fetch": Access.staff(OSS, SPEC, LEAD),
    # the national portal's stand-in (demo and tests only: 404 unless SMARTGOV_PORTAL_STANDIN)
    "procedures:portal-standin": Access.open(personal=True),
    "procedures:portal-standin-feed": Access.open(personal=True),
    "procedures:portal-standin-status": Access.signed(),
    "procedures:officer-receipt": Access.staff(OSS, SPEC, LEAD),
    "procedures:officer-result": Access.staff(OSS, SPEC, LEAD),
    "procedures:citizen-check": Access.staff(OSS, SPEC, LEAD),
    "procedures:my-result": Access.signed_in(),
    "procedures:verify": Access.open(personal=True),
    "procedures:document-store": Access.signed_in(),
    "procedures:document-download": Access.signed_in(),
    "procedures:document-share": Access.signed_in(),
    "procedures:document-remove": Access.signed_in(),
    "procedures:document-unshare": Access.signed_in(),
    "procedures:shared-documents": Access.staff(OSS, SPEC, LEAD),
    "procedures:shared-document": Access.staff(OSS, SPEC, LEAD),
    "procedures:catalog-manage": Access.staff(STEWARD),
    "procedures:catalog-edit": Access.staff(STEWARD),
    "procedures:catalog-export": Access.staff(STEWARD),
    "procedures:catalog-import": Access.staff(STEWARD),
    "api:attach_reused": Access.api(f"{WRITE} {DOCUMENTS}"),
    "api:payment_methods": Access.open(),
    "api:list_payments": Access.api(READ),
    "api:start_payment": Access.api(WRITE),
    "api:result_file": Access.api(READ),
    "api:my_documents": Access.api(DOCUMENTS),
    "api:verify_result": Access.open(personal=True),
    "api:list_procedures": Access.open(),
    "api:get_procedure": Access.open(),
    "api:lookup": Access.open(personal=True),
    "api:my_dossiers": Access.api(READ),
    "api:create_draft": Access.api(WRITE),
    "api:get_dossier": Access.api(READ),
    "api:save_draft": Access.api(WRITE),
    "api:check_form": Access.api(WRITE),
    "api:delete_draft": Access.api(WRITE),
    "api:attach": Access.api(WRITE),
    "api:submit": Access.api(WRITE),
    "api:receipt": Access.api(READ),
    "api:staff_receipt": Access.api_staff(OSS, SPEC, LEAD, scope=QUEUE),
    "api:withdraw": Access.api(WRITE),
    "api:supplement": Access.api(WRITE),
    "api:rate": Access.api(WRITE),
    "api:queue": Access.api(QUEUE),
    "api:staff_dossier": Access.api_staff(OSS, SPEC, LEAD, scope=QUEUE),
    "api:staff_payments": Access.api_staff(OSS, SPEC, LEAD, scope=QUEUE),
    "api:citizen_check": Access.api_staff(OSS, SPEC, LEAD, scope=SCOPE),
    "api:portal_sync": Access.api_staff(LEAD, scope=PORTAL),
    "api:portal_sync_retry_now": Access.api_staff(LEAD, scope=PORTAL),
    # the officers' moves: the roles of each move are in domain/moves.py MOVES, checked per dossier
    "api:dossier_moves": Access.api_staff(OSS, SPEC, LEAD, scope=QUEUE),
    "api:dossier_move": Access.api_staff(OSS, SPEC, LEAD, scope=SCOPE),
}
