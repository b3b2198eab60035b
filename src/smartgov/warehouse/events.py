"""The topics the warehouse publishes, with their payloads (docs/kernel.md §5, docs/events.md): the catalog's
changes and every new version of a table, so that consumers (the open data portal, dashboards) never read the
catalog's tables."""

from smartgov.platform.events import Payload, Topic


class TableCreated(Payload):
    """A table was added to the catalog. ``name`` is its name in SQL (``database.table``); ``owner`` the owner
    agency's electronic ID."""

    table: int
    name: str
    owner: str
    classification: str
    open_dataset: bool


class TableUpdated(Payload):
    """A table's description, classification, columns or grants changed; ``fields`` names what changed."""

    table: int
    name: str
    owner: str
    classification: str
    open_dataset: bool
    fields: list[str]


class VersionPublished(Payload):
    """A load produced a new version of a table. ``table`` is its name in SQL (``database.table``), ``run`` the
    ingestion run's UUID (empty for a version written without a run)."""

    table: str
    version: int
    rows: int
    run: str


TOPICS = [
    Topic("warehouse.table.created", TableCreated, description="A table was added to the warehouse's catalog."),
    Topic("warehouse.table.updated", TableUpdated, description="A table of the warehouse's catalog changed."),
    Topic("warehouse.version.published", VersionPublished, description="A new version of a table was loaded."),
]
