"""The warehouse's JSON API: loading tables (runs, versions) and governed query (saved queries too)."""

from ninja import Router

from smartgov.warehouse.api import ingestion, query

router = Router()
for area in (ingestion, query):
    router.add_router("", area.router)

__all__ = ["router"]
