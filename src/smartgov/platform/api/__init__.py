"""JSON API of the shared kernel: one router, with one sub-router per area."""

from ninja import Router

from smartgov.platform.api import agencies, calendar, units

router = Router(tags=["platform"])
router.add_router("/units", units.router)
router.add_router("/agencies", agencies.router)
router.add_router("/calendar", calendar.router)
