"""The shared kernel's access rules: every URL it registers (docs/kernel.md §3)."""

from smartgov.platform.access import Access

#: The access rule of every URL name this app registers.
URLS: dict[str, Access] = {
    "platform:home": Access.open(),
    "platform:landing": Access.open(),
    "platform:healthz": Access.open(),
    "platform:healthz-live": Access.open(),
    "platform:metrics": Access.metrics(),
    "platform:units": Access.open(),
    "platform:units-lookup": Access.open(),
    "platform:unit": Access.open(),
    "platform:agencies": Access.open(),
    "platform:agency": Access.open(),
    "platform:calendar": Access.open(),
    "platform:manifest": Access.open(),
    "platform:service-worker": Access.open(),
    "platform:offline": Access.open(),
    "platform:favicon": Access.open(),
    "platform:icon": Access.open(),
    "platform:icon-maskable": Access.open(),
    "set_language": Access.open(repeatable="switching the language twice leaves the page in that language"),
    "api:api-root": Access.open(),
    "api:openapi-json": Access.open(),
    "api:openapi-view": Access.open(),
    "api:search_units": Access.open(),
    "api:successors": Access.open(),
    "api:predecessors": Access.open(),
    "api:get_unit": Access.open(),
    "api:list_agencies": Access.open(),
    "api:get_agency": Access.open(),
    "api:year_days": Access.open(),
    "api:deadline": Access.open(),
}
