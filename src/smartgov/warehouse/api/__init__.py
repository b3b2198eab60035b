"""JSON API of the shared data warehouse (docs/warehouse.md): one module of routes per area, each adding its router
here. Signed-in browsers use their session; other systems an access token with the scope ``warehouse.read`` (the
catalog, queries) or ``warehouse.write`` (loads)."""

from ninja import Router

from smartgov.warehouse.api import catalog, ingestion, query

router = Router()
router.add_router("", catalog.router)
router.add_router("", ingestion.router)
router.add_router("", query.router)

__all__ = ["router"]
