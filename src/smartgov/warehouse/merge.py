"""The warehouse's part of the merge archive (docs/merge.md): the catalog — shared databases, their tables, the
declared columns and the grants — matched by code, so a database or table both localities keep stays the target's
(another owner or classification is a conflict, reported). The rows live on the warehouse's storage: the operator
copies its ``tables/`` folder (docs/warehouse.md, "Layout"), and a table's current version travels with it.
Ingestion runs and saved queries stay behind: they are each installation's own work."""

from smartgov.platform.merge import MergeModel, MergePart
from smartgov.warehouse.models import Column, SharedDatabase, Table, TableGrant

PART = MergePart(
    models=[
        MergeModel(SharedDatabase, keys=[("code",)], compare=("owner",)),
        MergeModel(Table, keys=[("database", "code")], compare=("owner", "classification")),
        MergeModel(Column, keys=[("table", "name")], compare=("type",)),
        MergeModel(TableGrant, keys=[("table", "agency")]),
    ],
    version=1,
)
