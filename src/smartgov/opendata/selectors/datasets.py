"""Reading datasets with their visibility (docs/opendata.md, "Who may do what"): the one checkpoint every read and
write of a dataset goes through.

Everyone sees active public datasets. A private dataset, a draft or a withdrawn one is seen only by the staff of
its agency (``opendata.dataset.read_private``; a token needs ``opendata.read``), and answers Not Found to anyone
else, so its name cannot be probed."""

import contextlib
import uuid
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from smartgov.identity import authz
from smartgov.opendata.models import Dataset, Group, Resource
from smartgov.opendata.services.access import PUBLISH, private_agencies
from smartgov.platform.errors import NotFound
from smartgov.platform.models import Agency

PUBLIC = Q(state=Dataset.State.ACTIVE, private=False)


def _by_reference(reference: Any, *, uuid_field: str = "uuid", name_field: str = "name") -> Q | None:
    """A dataset's or group's ``id`` (UUID) or ``name``; None for a value that can be neither."""
    if not isinstance(reference, str) or not reference or len(reference) > 100:
        return None
    query = Q(**{name_field: reference})
    with contextlib.suppress(ValueError):
        query |= Q(**{uuid_field: uuid.UUID(reference)})
    return query


def visible_filter(subject: Any, *, include_private: bool = True, include_drafts: bool = True) -> Q:
    """The datasets ``subject`` may see: active public ones, and (when asked) the private ones and drafts of the
    agencies whose staff they are; withdrawn datasets only by reference (:func:`dataset_for_read`)."""
    agencies = private_agencies(subject) if include_private or include_drafts else set()
    if not agencies:
        return PUBLIC
    states = [Dataset.State.ACTIVE, *([Dataset.State.DRAFT] if include_drafts else [])]
    own = Q(state__in=states)
    if not include_private:
        own &= Q(private=False)
    if agencies != authz.ALL:
        own &= Q(owner_id__in=agencies)
    return PUBLIC | own


def with_details(queryset: QuerySet[Dataset]) -> QuerySet[Dataset]:
    """What a dataset's answer shows, in a fixed number of queries."""
    return queryset.select_related("owner").prefetch_related(
        "tags",
        "groups",
        "extras",
        Prefetch("resources", queryset=Resource.objects.order_by("position", "pk")),
    )


def dataset_for_read(subject: Any, reference: Any) -> Dataset:
    """The dataset ``reference`` (its id or name) names, if ``subject`` may see it; otherwise NotFound. Withdrawn
    datasets are shown to their agency's staff only."""
    query = _by_reference(reference)
    found = with_details(Dataset.objects.filter(query)).first() if query is not None else None
    if found is None or not dataset_visible(subject, found):
        raise NotFound(_("Not found"))
    return found


def dataset_visible(subject: Any, dataset: Dataset) -> bool:
    if dataset.state == Dataset.State.ACTIVE and not dataset.private:
        return True
    agencies = private_agencies(subject)
    return agencies == authz.ALL or (isinstance(agencies, set) and dataset.owner_id in agencies)


def resource_for_read(subject: Any, reference: Any) -> Resource:
    """The resource ``reference`` (its id) names, if ``subject`` may see its dataset; otherwise NotFound."""
    try:
        key = uuid.UUID(reference) if isinstance(reference, str) and len(reference) <= 36 else None
    except ValueError:
        key = None
    found = Resource.objects.select_related("dataset__owner").filter(uuid=key).first() if key else None
    if found is None or not dataset_visible(subject, found.dataset):
        raise NotFound(_("Not found"))
    return found


def dataset_names(*, limit: int, offset: int) -> list[str]:
    """The names of the active public datasets (``package_list``), in name order."""
    return list(Dataset.objects.filter(PUBLIC).order_by("name").values_list("name", flat=True)[offset : offset + limit])


def datasets_of(subject: Any, *, owner: Agency | None = None, group: Group | None = None) -> QuerySet[Dataset]:
    """The datasets of an organization or a theme that ``subject`` may see, newest first (not yet read: count it, or
    slice it for the details)."""
    queryset = Dataset.objects.filter(visible_filter(subject, include_drafts=False))
    if owner is not None:
        queryset = queryset.filter(owner=owner)
    if group is not None:
        queryset = queryset.filter(groups=group)
    return with_details(queryset.order_by("-modified_at", "name"))


def agency_by_reference(reference: Any) -> Agency | None:
    """The active agency an organization's ``id`` (electronic ID, ``000.00.10.H31``) or ``name``
    (``000-00-10-h31``) names, or None."""
    if not isinstance(reference, str) or not 0 < len(reference) <= 40:
        return None
    return (
        Agency.objects.filter(is_active=True)
        .filter(Q(code__iexact=reference) | Q(code__iexact=reference.replace("-", ".")))
        .first()
    )


def agency_for_read(reference: Any) -> Agency:
    """The organization ``reference`` names; otherwise NotFound."""
    found = agency_by_reference(reference)
    if found is None:
        raise NotFound(_("Not found"))
    return found


def agencies(*, limit: int, offset: int, order: str) -> list[Agency]:
    """The active agencies (CKAN's organizations) with the count of their public datasets."""
    queryset = Agency.objects.filter(is_active=True).annotate(
        package_count=Count("open_datasets", filter=Q(open_datasets__state="active", open_datasets__private=False))
    )
    return list(queryset.order_by(*order.split(","), "code")[offset : offset + limit])


def group_for_read(reference: Any) -> Group:
    query = _by_reference(reference)
    found = _groups().filter(query).first() if query is not None else None
    if found is None:
        raise NotFound(_("Not found"))
    return found


def _groups() -> QuerySet[Group]:
    return Group.objects.annotate(
        package_count=Count("datasets", filter=Q(datasets__state="active", datasets__private=False))
    )


def groups(*, limit: int, offset: int, order: str) -> list[Group]:
    return list(_groups().order_by(*order.split(","), "name")[offset : offset + limit])


def tag_names(*, query: str, limit: int, offset: int) -> list[str]:
    """The tags of active public datasets, in name order; ``query`` (folded) keeps those containing it."""
    from smartgov.platform.text import Folded, fold

    queryset = Dataset.objects.filter(PUBLIC).values_list("tags__name", flat=True).exclude(tags__name=None)
    if query:
        queryset = queryset.annotate(folded=Folded("tags__name")).filter(folded__contains=fold(query))
    return list(queryset.distinct().order_by("tags__name")[offset : offset + limit])


def _may_see_for_write(subject: Any, dataset: Dataset) -> bool:
    return dataset_visible(subject, dataset) or authz.permitted(subject, PUBLISH, dataset.owner)


def dataset_for_write(subject: Any, reference: Any) -> Dataset:
    """The dataset a write is about, if ``subject`` may see it or publish for its agency (a publishing token
    without ``opendata.read`` still reaches its own private datasets); otherwise NotFound, so a private dataset's
    name cannot be probed. Whether the write is allowed is the service's check."""
    query = _by_reference(reference)
    found = Dataset.objects.select_related("owner").filter(query).first() if query is not None else None
    if found is None or not _may_see_for_write(subject, found):
        raise NotFound(_("Not found"))
    return found


def resource_for_write(subject: Any, reference: Any) -> Resource:
    """The resource a write is about (as :func:`dataset_for_write`)."""
    try:
        key = uuid.UUID(reference) if isinstance(reference, str) and len(reference) <= 36 else None
    except ValueError:
        key = None
    found = Resource.objects.select_related("dataset__owner").filter(uuid=key).first() if key else None
    if found is None or not _may_see_for_write(subject, found.dataset):
        raise NotFound(_("Not found"))
    return found
