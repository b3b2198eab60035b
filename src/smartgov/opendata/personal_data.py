"""The open data portal's section of the person's own copy of their data: the datasets they created. Erasing an
account keeps the datasets (the agency's publications) without the person (the audit log keeps who made them)."""

from typing import Any

from smartgov.identity.selectors import User
from smartgov.opendata.models import Dataset
from smartgov.platform.personal_data import personal_data_eraser, personal_data_exporter


@personal_data_exporter("opendata_datasets_created")
def _export(user: User) -> list[dict[str, Any]]:
    return [
        {"name": d.name, "title": d.title, "agency": d.owner.code, "created_at": d.created_at.isoformat()}
        for d in Dataset.objects.filter(created_by=user).select_related("owner").order_by("created_at")
    ]


@personal_data_eraser("opendata")
def _erase(user: User) -> None:
    Dataset.objects.filter(created_by=user).update(created_by=None)
