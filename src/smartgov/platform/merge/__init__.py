"""Merging two localities' installations into one (docs/merge.md): each app's part, the archive, the import.

This package is also the platform's own contract module ``merge`` (``PART``: its agencies and staff posts).
"""

from smartgov.platform.merge.archive import Archive, ArchiveError, archive_open, archive_unpacked, merge_export
from smartgov.platform.merge.importer import ConflictsRefused, ImportReport, Tally, merge_import
from smartgov.platform.merge.org import PART
from smartgov.platform.merge.parts import MergeModel, MergePart, MergePlan, MergeRef, merge_parts, merge_plan

__all__ = [
    "PART",
    "Archive",
    "ArchiveError",
    "ConflictsRefused",
    "ImportReport",
    "MergeModel",
    "MergePart",
    "MergePlan",
    "MergeRef",
    "Tally",
    "archive_open",
    "archive_unpacked",
    "merge_export",
    "merge_import",
    "merge_parts",
    "merge_plan",
]
