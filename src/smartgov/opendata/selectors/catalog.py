"""What the DCAT-AP catalogue publishes (docs/opendata.md, "DCAT-AP"): the active public datasets only, never a
private, draft or withdrawn one, whoever asks (a harvester's copy is public), one page at a time, with what the
catalogue says about itself (its publisher, its locality, when it last changed)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Max
from django.utils.translation import gettext as _

from smartgov.opendata.models import Dataset
from smartgov.opendata.selectors.datasets import PUBLIC, dataset_for_read, with_details
from smartgov.platform.errors import NotFound
from smartgov.platform.models import Agency, Locality
from smartgov.platform.selectors.org import locality_get


@dataclass(frozen=True)
class CatalogPage:
    datasets: list[Dataset]
    number: int  #: from 1
    size: int
    total: int  #: active public datasets in the whole catalogue
    modified: datetime | None  #: the newest change of any of them
    locality: Locality | None
    publisher: Agency | None  #: the provincial People's Committee, when the platform knows it

    @property
    def last(self) -> int:
        """The last page's number (1 for an empty catalogue, which still describes itself)."""
        return max(1, -(-self.total // self.size))


def catalog_page(*, number: int, size: int) -> CatalogPage:
    """Page ``number`` of the public datasets in name order, with their details in a fixed number of queries;
    NotFound past the last page."""
    public = Dataset.objects.filter(PUBLIC)
    summary: dict[str, Any] = public.aggregate(total=Count("pk"), modified=Max("modified_at"))
    total: int = summary["total"]
    last = max(1, -(-total // size))
    if number > last:
        raise NotFound(_("This page of the catalogue does not exist: the last one is page %(last)d.") % {"last": last})
    start = (number - 1) * size
    return CatalogPage(
        datasets=list(with_details(public.order_by("name"))[start : start + size]),
        number=number,
        size=size,
        total=total,
        modified=summary["modified"],
        locality=locality_get(),
        publisher=Agency.objects.filter(is_active=True, kind=Agency.Kind.PEOPLES_COMMITTEE).order_by("code").first(),
    )


def catalog_dataset(name: str) -> Dataset:
    """The active public dataset ``name`` names (with its details), whoever asks; otherwise NotFound."""
    return dataset_for_read(None, name)
