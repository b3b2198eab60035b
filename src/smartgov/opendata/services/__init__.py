"""The open data portal's writes (docs/opendata.md): datasets, their resources, themes."""

from smartgov.opendata.services.datasets import dataset_create, dataset_delete, dataset_update
from smartgov.opendata.services.groups import group_create
from smartgov.opendata.services.resources import resource_create, resource_delete, resource_update

__all__ = [
    "dataset_create",
    "dataset_delete",
    "dataset_update",
    "group_create",
    "resource_create",
    "resource_delete",
    "resource_update",
]
