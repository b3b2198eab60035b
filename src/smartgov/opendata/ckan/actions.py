"""The CKAN Action API's actions (docs/opendata.md, "Actions"): each parses its parameters, reads through the
selectors or writes through one service, and returns CKAN's ``result``. A read action answers GET and POST, a write
action POST only. The docstring of each is what ``help_show`` returns."""

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from smartgov.opendata import selectors, services
from smartgov.opendata.ckan import params
from smartgov.opendata.ckan.dicts import dataset_dict, group_dict, organization_dict, resource_dict
from smartgov.opendata.domain import licences
from smartgov.opendata.domain.validation import Invalid
from smartgov.opendata.models import Dataset
from smartgov.opendata.selectors.search import FACET_FIELDS, SearchQuery
from smartgov.platform.errors import NotFound

#: The most names ``package_list``, ``organization_list``, ``group_list`` and ``tag_list`` return in one answer.
LIST_MAX = 1000
#: The most datasets ``organization_show``/``group_show`` include.
SHOW_DATASETS_MAX = 1000


@dataclass
class Context:
    """Who calls (``principal`` None: a visitor), the site's address for links, uploaded files."""

    principal: Any
    base: str
    files: dict[str, UploadedFile] = field(default_factory=dict)


Action = Callable[[Context, dict[str, Any]], Any]


@dataclass(frozen=True)
class Registered:
    name: str
    function: Action
    read: bool


ACTIONS: dict[str, Registered] = {}


def action(name: str, *, read: bool) -> Callable[[Action], Action]:
    def register(function: Action) -> Action:
        ACTIONS[name] = Registered(name, function, read)
        return function

    return register


def help_text(name: str) -> str:
    return inspect.cleandoc(ACTIONS[name].function.__doc__ or "")


def _written(dataset: Dataset, ctx: Context) -> dict[str, Any]:
    """A dataset as its publisher just wrote it (they may see it whatever its visibility)."""
    return dataset_dict(selectors.with_details(Dataset.objects.filter(pk=dataset.pk)).get(), ctx.base)


def _for_write(ctx: Context, data: dict[str, Any], key: str = "id") -> Dataset:
    """The dataset a write is about (Not Found when the caller may neither see it nor publish for its agency)."""
    return selectors.dataset_for_write(ctx.principal, params.reference(data, key))


def _order(data: dict[str, Any], allowed: dict[str, str], default: str) -> str:
    sort = params.text(data, "sort", limit=40, default=default).strip() or default
    if sort not in allowed:
        raise Invalid({"sort": [_("Sort by one of: %(values)s.") % {"values": ", ".join(allowed)}]})
    return allowed[sort]


# reads


@action("package_list", read=True)
def package_list(ctx: Context, data: dict[str, Any]) -> list[str]:
    """Return the names of the site's public datasets, in name order.

    :param limit: how many names to return (at most 1000, the default)
    :param offset: where to start
    """
    limit = params.integer(data, "limit", default=LIST_MAX, minimum=0, maximum=LIST_MAX)
    offset = params.integer(data, "offset", default=0, minimum=0, maximum=10**9)
    return selectors.dataset_names(limit=limit, offset=offset)


@action("package_show", read=True)
def package_show(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Return a dataset with its resources, tags, themes and extras.

    :param id: the id or name of the dataset
    """
    return dataset_dict(selectors.dataset_for_read(ctx.principal, params.reference(data)), ctx.base)


@action("package_search", read=True)
def package_search(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Search the datasets.

    :param q: words to find, with or without Vietnamese diacritics (at most 200 characters and 8 words), and
        ``field:value`` filters
    :param fq: filters as ``field:value`` (organization, groups, tags, res_format, license_id, name, frequency,
        capacity), ``-field:value`` to exclude, ``field:(a OR b)`` for any of several
    :param rows: how many datasets to return (0 to 1000, default 10)
    :param start: the offset of the first one
    :param sort: e.g. ``metadata_modified desc`` or ``title_string asc`` (score, metadata_modified,
        metadata_created, title_string, name, num_resources)
    :param facet.field: a JSON list of the fields to count (organization, groups, tags, res_format, license_id,
        frequency)
    :param facet.limit: how many values per facet (default 50, -1 for up to 1000)
    :param facet.mincount: the smallest count shown (default 1)
    :param include_private: include the private datasets of the caller's agencies (default false)
    :param include_drafts: include the drafts of the caller's agencies (default false)
    """
    rows_max = settings.OPENDATA_SEARCH_ROWS_MAX
    facet_limit = params.integer(data, "facet.limit", default=50, minimum=-1, maximum=1000)
    query = SearchQuery(
        q=params.text(data, "q", limit=1000),
        fq=params.text(data, "fq", limit=2000),
        rows=params.integer(data, "rows", default=10, minimum=0, maximum=rows_max),
        start=params.integer(data, "start", default=0, minimum=0, maximum=100_000),
        sort=params.text(data, "sort", limit=200),
        facet_fields=params.names(data, "facet.field", allowed=FACET_FIELDS),
        facet_limit=1000 if facet_limit < 0 else facet_limit,
        facet_mincount=params.integer(data, "facet.mincount", default=1, minimum=0, maximum=10**9),
        include_private=params.boolean(data, "include_private"),
        include_drafts=params.boolean(data, "include_drafts"),
    )
    found = selectors.dataset_search(ctx.principal, query)
    return {
        "count": found.count,
        "sort": found.sort,
        "results": [dataset_dict(dataset, ctx.base) for dataset in found.results],
        "facets": {name: {key: count for key, _label, count in items} for name, items in found.facets.items()},
        "search_facets": {
            name: {
                "title": name,
                "items": [{"name": key, "display_name": label, "count": count} for key, label, count in items],
            }
            for name, items in found.facets.items()
        },
    }


_ORG_SORTS = {"name asc": "code", "name desc": "-code", "title asc": "name", "title desc": "-name",
              "package_count desc": "-package_count", "package_count asc": "package_count"}  # fmt: skip


@action("organization_list", read=True)
def organization_list(ctx: Context, data: dict[str, Any]) -> list[Any]:
    """Return the organizations: the platform's agencies, by their names (``000-00-10-h31``).

    :param all_fields: return each organization's dict with its count of public datasets (default false)
    :param sort: name asc (default), title asc, package_count desc, …
    :param limit: at most 1000 (the default)
    :param offset: where to start
    """
    order = _order(data, _ORG_SORTS, "name asc")
    found = selectors.agencies(
        limit=params.integer(data, "limit", default=LIST_MAX, minimum=0, maximum=LIST_MAX),
        offset=params.integer(data, "offset", default=0, minimum=0, maximum=10**9),
        order=order,
    )
    if params.boolean(data, "all_fields"):
        return [organization_dict(agency, package_count=agency.package_count) for agency in found]  # type: ignore[attr-defined]
    return [organization_dict(agency)["name"] for agency in found]


@action("organization_show", read=True)
def organization_show(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Return an organization (an agency).

    :param id: its id (the agency's electronic ID, ``000.00.10.H31``) or name (``000-00-10-h31``)
    :param include_datasets: include its datasets the caller may see (default false, at most 1000)
    """
    agency = selectors.agency_for_read(params.reference(data))
    datasets = selectors.datasets_of(ctx.principal, owner=agency)
    found = organization_dict(agency, package_count=datasets.count())
    if params.boolean(data, "include_datasets"):
        found["packages"] = [dataset_dict(dataset, ctx.base) for dataset in datasets[:SHOW_DATASETS_MAX]]
    return found


_GROUP_SORTS = {"name asc": "name", "name desc": "-name", "title asc": "title", "title desc": "-title",
                "package_count desc": "-package_count", "package_count asc": "package_count"}  # fmt: skip


@action("group_list", read=True)
def group_list(ctx: Context, data: dict[str, Any]) -> list[Any]:
    """Return the themes (CKAN's groups).

    :param all_fields: return each theme's dict with its count of public datasets (default false)
    :param sort: name asc (default), title asc, package_count desc, …
    :param limit: at most 1000 (the default)
    :param offset: where to start
    """
    order = _order(data, _GROUP_SORTS, "name asc")
    found = selectors.groups(
        limit=params.integer(data, "limit", default=LIST_MAX, minimum=0, maximum=LIST_MAX),
        offset=params.integer(data, "offset", default=0, minimum=0, maximum=10**9),
        order=order,
    )
    if params.boolean(data, "all_fields"):
        return [group_dict(group, package_count=group.package_count) for group in found]  # type: ignore[attr-defined]
    return [group.name for group in found]


@action("group_show", read=True)
def group_show(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Return a theme.

    :param id: its id or name
    :param include_datasets: include its datasets the caller may see (default false, at most 1000)
    """
    group = selectors.group_for_read(params.reference(data))
    datasets = selectors.datasets_of(ctx.principal, group=group)
    found = group_dict(group, package_count=datasets.count())
    if params.boolean(data, "include_datasets"):
        found["packages"] = [dataset_dict(dataset, ctx.base) for dataset in datasets[:SHOW_DATASETS_MAX]]
    return found


@action("tag_list", read=True)
def tag_list(ctx: Context, data: dict[str, Any]) -> list[Any]:
    """Return the tags of the public datasets, in name order.

    :param query: keep the tags containing it (with or without diacritics)
    :param all_fields: return ``{"name", "display_name"}`` dicts (default false)
    :param limit: at most 1000 (the default)
    :param offset: where to start
    """
    names = selectors.tag_names(
        query=params.text(data, "query", limit=100).strip(),
        limit=params.integer(data, "limit", default=LIST_MAX, minimum=0, maximum=LIST_MAX),
        offset=params.integer(data, "offset", default=0, minimum=0, maximum=10**9),
    )
    if params.boolean(data, "all_fields"):
        return [{"name": name, "display_name": name, "vocabulary_id": None} for name in names]
    return names


@action("license_list", read=True)
def license_list(ctx: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the licences a dataset may carry."""
    return [licence.as_ckan() for licence in licences.LICENCES]


@action("resource_show", read=True)
def resource_show(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Return a resource.

    :param id: the resource's id
    """
    resource = selectors.resource_for_read(ctx.principal, params.reference(data))
    return resource_dict(resource, resource.dataset, ctx.base)


@action("status_show", read=True)
def status_show(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Return the site's name and address, the CKAN version whose Action API it speaks, and its extensions."""
    return {
        "site_title": str(_("Open data portal")),
        "site_description": "",
        "site_url": ctx.base,
        "ckan_version": "2.10.0",
        "error_emails_to": None,
        "locale_default": settings.LANGUAGE_CODE,
        "extensions": [],
    }


@action("help_show", read=True)
def help_show(ctx: Context, data: dict[str, Any]) -> str:
    """Return the help text of an action.

    :param name: the action's name
    """
    name = params.reference(data, "name")
    if name not in ACTIONS:
        raise NotFound(_("Action name not known: %(name)s") % {"name": name[:100]})
    return help_text(name)


# writes (a token whose account may publish for the dataset's agency)


@action("package_create", read=False)
def package_create(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Create a dataset and return it.

    :param name: its address (2 to 100 lower-case letters without accents, digits, - and _), required
    :param owner_org: the organization (the agency's electronic ID or name), required
    :param title, notes, url, version, author, author_email, maintainer, maintainer_email: text
    :param license_id: one of license_list (default CC-BY-4.0)
    :param private: seen only by the agency's staff (default false)
    :param state: draft or active (default)
    :param frequency: realtime, daily, weekly, monthly, quarterly, yearly or irregular
    :param warehouse_table: the warehouse table it is published from (database.table)
    :param tags: a list of ``{"name": ...}`` (or tag_string, comma-separated)
    :param groups: a list of ``{"name": ...}`` of existing themes
    :param extras: a list of ``{"key": ..., "value": ...}``
    :param resources: a list of resources (see resource_create)
    :param id: a UUID to keep (a dump loaded into this portal)
    """
    return _written(services.dataset_create(actor=ctx.principal, values=data), ctx)


@action("package_update", read=False)
def package_update(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Replace a dataset's fields (those missing take their defaults) and return it. Its resources are replaced
    when ``resources`` is given and kept otherwise.

    :param id: the dataset's id or name
    """
    dataset = _for_write(ctx, data)
    values = {key: value for key, value in data.items() if key != "id"}
    if data.get("name") is None:
        values["name"] = dataset.name
    return _written(services.dataset_update(actor=ctx.principal, dataset=dataset, values=values, partial=False), ctx)


@action("package_patch", read=False)
def package_patch(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Change the fields given of a dataset and return it.

    :param id: the dataset's id or name
    """
    dataset = _for_write(ctx, data)
    values = {key: value for key, value in data.items() if key != "id"}
    return _written(services.dataset_update(actor=ctx.principal, dataset=dataset, values=values, partial=True), ctx)


@action("package_delete", read=False)
def package_delete(ctx: Context, data: dict[str, Any]) -> None:
    """Withdraw a dataset (its state becomes deleted; its name stays taken).

    :param id: the dataset's id or name
    """
    services.dataset_delete(actor=ctx.principal, dataset=_for_write(ctx, data))
    return None


def _resource_for_write(ctx: Context, data: dict[str, Any]) -> Any:
    return selectors.resource_for_write(ctx.principal, params.reference(data))


@action("resource_create", read=False)
def resource_create(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Add a resource at the end of a dataset's list and return it.

    :param package_id: the dataset's id or name, required
    :param url: an http or https address, or
    :param upload: a file (multipart/form-data)
    :param name, description, format, mimetype: text
    """
    dataset = _for_write(ctx, data, "package_id")
    resource = services.resource_create(
        actor=ctx.principal, dataset=dataset, values=data, upload=ctx.files.get("upload")
    )
    return resource_dict(resource, dataset, ctx.base)


@action("resource_update", read=False)
def resource_update(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Replace a resource's fields and return it.

    :param id: the resource's id
    """
    resource = _resource_for_write(ctx, data)
    values = {key: value for key, value in data.items() if key not in ("id", "package_id")}
    changed = services.resource_update(
        actor=ctx.principal, resource=resource, values=values, partial=False, upload=ctx.files.get("upload")
    )
    return resource_dict(changed, resource.dataset, ctx.base)


@action("resource_patch", read=False)
def resource_patch(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Change the fields given of a resource and return it.

    :param id: the resource's id
    """
    resource = _resource_for_write(ctx, data)
    values = {key: value for key, value in data.items() if key not in ("id", "package_id")}
    changed = services.resource_update(
        actor=ctx.principal, resource=resource, values=values, partial=True, upload=ctx.files.get("upload")
    )
    return resource_dict(changed, resource.dataset, ctx.base)


@action("resource_delete", read=False)
def resource_delete(ctx: Context, data: dict[str, Any]) -> None:
    """Remove a resource from its dataset.

    :param id: the resource's id
    """
    services.resource_delete(actor=ctx.principal, resource=_resource_for_write(ctx, data))
    return None
