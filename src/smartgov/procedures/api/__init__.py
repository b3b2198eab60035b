"""JSON API of the public services: the catalog, the applicant's dossiers and the officers' work.

Signed-in browsers use their session (with the CSRF token); other systems send an OpenID Connect access token
issued by SmartGov (``Authorization: Bearer …``). Every action goes through the same services as the pages. One
module of routes per area: ``catalog`` (public), ``applicant``, ``officers`` (the queue and the moves),
``portal`` (the national portal's backlog); the schemas are in ``schemas``.
"""

from ninja import Router

from smartgov.procedures.api import applicant, catalog, officers, portal

#: The operation ids stay those of the single module this API was (``smartgov_procedures_api_<function>``).
OPERATION_ID_PREFIX = "smartgov_procedures_api"

router = Router()
for area in (catalog, applicant, officers, portal):
    router.add_router("", area.router)

__all__ = ["router"]
