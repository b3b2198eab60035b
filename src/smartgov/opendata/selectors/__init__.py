"""The open data portal's reads (docs/opendata.md): datasets with their visibility, organizations, themes, tags,
and the search."""

from smartgov.opendata.selectors.datasets import (
    agencies,
    agency_by_reference,
    agency_for_read,
    dataset_for_read,
    dataset_for_write,
    dataset_names,
    dataset_visible,
    datasets_of,
    group_for_read,
    groups,
    resource_for_read,
    resource_for_write,
    tag_names,
    visible_filter,
    with_details,
)
from smartgov.opendata.selectors.search import SearchQuery, SearchResult, dataset_search

__all__ = [
    "SearchQuery",
    "SearchResult",
    "agencies",
    "agency_by_reference",
    "agency_for_read",
    "dataset_for_read",
    "dataset_for_write",
    "dataset_names",
    "dataset_search",
    "dataset_visible",
    "datasets_of",
    "group_for_read",
    "groups",
    "resource_for_read",
    "resource_for_write",
    "tag_names",
    "visible_filter",
    "with_details",
]
