"""``package_search``: free text that matches Vietnamese typed with or without diacritics, CKAN's ``fq`` filters,
sorting and facets, in bounded time.

The text goes through ``platform.text.search_text`` (at most 200 characters and 8 words) and is folded as the
datasets' search fields are folded (``fold``: lower case, no diacritics, đ → d); every word must be found, a word
in the title ranks the dataset higher. ``fq`` takes CKAN's ``field:value`` clauses (quoted values, ``-`` to
exclude, ``(a OR b)`` for any of several) on the fields below, at most ``MAX_CLAUSES`` of them."""

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from smartgov.opendata.domain import searching
from smartgov.opendata.domain.names import agency_name
from smartgov.opendata.domain.validation import Invalid
from smartgov.opendata.models import Dataset
from smartgov.opendata.selectors.datasets import visible_filter, with_details
from smartgov.platform.errors import DomainError
from smartgov.platform.text import SEARCH_MAX_TERMS, search_text

#: The fields ``fq`` (and ``q``'s ``field:value`` words) and the facets know, with the lookup each filters on.
FILTER_FIELDS = {
    "organization": "owner__code__iexact",
    "owner_org": "owner__code__iexact",
    "groups": "groups__name",
    "tags": "tags__name",
    "res_format": "resources__format__iexact",
    "license_id": "license_id",
    "name": "name",
    "frequency": "frequency",
    "capacity": "private",
}
FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id", "frequency")
#: The sort keys ``sort`` accepts (CKAN's names) and the model's ordering of each.
SORT_FIELDS = {
    "score": "score",
    "metadata_modified": "modified_at",
    "metadata_created": "created_at",
    "title_string": "title",
    "name": "name",
    "num_resources": "num_resources",
}
MAX_CLAUSES = 20
MAX_VALUES = 20
_CLAUSE = re.compile(r'([+-]?)([a-z_]+):("(?:[^"\\]|\\.)*"|\((?:[^()"]|"[^"]*")*\)|[^\s()"]+)')


@dataclass
class SearchQuery:
    q: str = ""
    fq: str = ""
    rows: int = 10
    start: int = 0
    sort: str = ""
    facet_fields: list[str] = field(default_factory=list)
    facet_limit: int = 50
    facet_mincount: int = 1
    include_private: bool = False
    include_drafts: bool = False


@dataclass
class SearchResult:
    count: int
    results: list[Dataset]
    facets: dict[str, list[tuple[str, str, int]]]  #: field → (name, display name, count)
    sort: str


def _values(raw: str) -> list[str]:
    if raw.startswith("("):
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"|([^\s()"]+)', raw[1:-1])
        values = [quoted or bare for quoted, bare in parts if (quoted or bare).upper() not in ("OR", "AND")]
    elif raw.startswith('"'):
        values = [raw[1:-1]]
    else:
        values = [raw]
    return [value.replace('\\"', '"') for value in values]


def _clause_filter(name: str, values: list[str]) -> Q:
    lookup = FILTER_FIELDS[name]
    query = Q()
    for value in values:
        if name == "capacity":
            query |= Q(private=value == "private")
        elif name in ("organization", "owner_org"):
            query |= Q(owner__code__iexact=value) | Q(owner__code__iexact=value.replace("-", "."))
        else:
            query |= Q(**{lookup: value})
    return query


def filters_parse(text: str, *, field_name: str) -> tuple[list[tuple[bool, Q]], str]:
    """CKAN's ``field:value`` clauses in ``text`` as (exclude, filter) pairs, and what is left (free text). An
    unknown field is refused."""
    clauses: list[tuple[bool, Q]] = []
    for sign, name, raw in _CLAUSE.findall(text):
        if name not in FILTER_FIELDS:
            raise Invalid({field_name: [_("Unknown search field: %(field)s.") % {"field": name[:40]}]})
        values = _values(raw)
        if not values or len(values) > MAX_VALUES:
            raise Invalid({field_name: [_("Give 1 to %(n)d values in a clause.") % {"n": MAX_VALUES}]})
        clauses.append((sign == "-", _clause_filter(name, values)))
    if len(clauses) > MAX_CLAUSES:
        raise Invalid({field_name: [_("At most %(n)d search clauses.") % {"n": MAX_CLAUSES}]})
    rest = _CLAUSE.sub(" ", text)
    return clauses, " ".join(rest.replace("AND", " ").split())


def _ordering(sort: str, has_text: bool) -> tuple[list[str], str]:
    if not sort:
        sort = "score desc, metadata_modified desc"
    parts = [part.split() for part in sort.split(",") if part.strip()]
    if not parts or len(parts) > 3:
        raise Invalid({"sort": [_("Sort by 1 to 3 fields.")]})
    ordering: list[str] = []
    for part in parts:
        if len(part) > 2 or part[0] not in SORT_FIELDS or (len(part) == 2 and part[1] not in ("asc", "desc")):
            raise Invalid({"sort": [_("Sort by %(fields)s, each asc or desc.") % {"fields": ", ".join(SORT_FIELDS)}]})
        if part[0] == "score" and not has_text:
            continue
        descending = len(part) == 2 and part[1] == "desc"
        ordering.append(("-" if descending else "") + SORT_FIELDS[part[0]])
    return [*ordering, "name"], ", ".join(" ".join(part) for part in parts)


def _facet(queryset: QuerySet[Dataset], name: str, limit: int, mincount: int) -> list[tuple[str, str, int]]:
    ids = queryset.values("pk")
    base = Dataset.objects.filter(pk__in=ids)
    keys = {
        "organization": ("owner__code", "owner__name"),
        "groups": ("groups__name", "groups__title"),
        "tags": ("tags__name", "tags__name"),
        "res_format": ("resources__format", "resources__format"),
        "license_id": ("license_id", "license_id"),
        "frequency": ("frequency", "frequency"),
    }[name]
    rows = (
        base.exclude(**{f"{keys[0]}__isnull": True})
        .exclude(**{keys[0]: ""})
        .values(*keys)
        .annotate(count=Count("pk", distinct=True))
        .filter(count__gte=mincount)
        .order_by("-count", keys[0])[:limit]
    )
    found = []
    for row in rows:
        key, label, count = row[keys[0]], row[keys[1]], row["count"]
        found.append((agency_name(key) if name == "organization" else key, label, count))
    return found


def dataset_search(subject: Any, query: SearchQuery) -> SearchResult:
    """The datasets ``subject`` may see that match ``query``: the page asked for, the total, the facets."""
    clauses, text = filters_parse(query.q, field_name="q") if ":" in query.q else ([], query.q)
    if text.strip() in ("*:*", "*"):
        text = ""
    fq_clauses, fq_rest = filters_parse(query.fq, field_name="fq")
    if fq_rest.strip():
        raise Invalid({"fq": [_("Give filters as field:value.")]})
    try:
        words = searching.words(search_text(text))[: 2 * SEARCH_MAX_TERMS]
    except DomainError as exc:  # the bounds every search keeps
        raise Invalid({"q": [exc.message]}) from None
    queryset = Dataset.objects.filter(
        visible_filter(subject, include_private=query.include_private, include_drafts=query.include_drafts)
    )
    for exclude, clause in [*clauses, *fq_clauses]:
        matching = Dataset.objects.filter(clause).values("pk")
        queryset = queryset.exclude(pk__in=matching) if exclude else queryset.filter(pk__in=matching)
    score: Any = Value(0, output_field=IntegerField())
    for word in words:
        queryset = queryset.filter(search_document__contains=searching.needle(word))
        score = score + Case(When(search_title__contains=searching.needle(word), then=Value(2)), default=Value(1))
    ordering, sort = _ordering(query.sort, bool(words))
    queryset = queryset.annotate(score=score)
    if any(key.lstrip("-") == "num_resources" for key in ordering):
        queryset = queryset.annotate(num_resources=Count("resources"))
    count = queryset.count()
    page = (
        list(with_details(queryset.order_by(*ordering))[query.start : query.start + query.rows]) if query.rows else []
    )
    facets = {name: _facet(queryset, name, query.facet_limit, query.facet_mincount) for name in query.facet_fields}
    return SearchResult(count=count, results=page, facets=facets, sort=sort)
