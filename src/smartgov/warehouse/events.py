"""The topics the warehouse publishes, with their payloads (docs/kernel.md §5, docs/events.md)."""

from smartgov.platform.events import Payload, Topic


class VersionPublished(Payload):
    """A table has a new version: ``table`` is its name in SQL (``database.table``), ``run`` the run's UUID."""

    table: str
    version: int
    rows: int
    run: str


TOPICS = [Topic("warehouse.version.published", schema=VersionPublished, version=1)]
