"""Reads of the administrative units: search without diacritics, old→new and new→old lookups."""

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from smartgov.platform.models import AdminUnit, AdminUnitSuccession
from smartgov.platform.text import fold, search_text

_KIND_WORDS = ("phuong ", "xa ", "thi tran ", "dac khu ", "quan ", "huyen ", "thi xa ", "thanh pho ", "tinh ")


def _strip_kind(folded: str) -> str:
    for word in _KIND_WORDS:
        if folded.startswith(word):
            return folded[len(word) :]
    return folded


def unit_search(
    *,
    query: str = "",
    generation: str | None = None,
    level: int | None = None,
    kind: str | None = None,
    parent_code: str | None = None,
    limit: int | None = 50,
) -> QuerySet[AdminUnit]:
    """Units whose name contains ``query`` (with or without diacritics) or whose code is ``query``.

    Exact names come first, then names starting with the query, then the rest; "thanh dong", "Thành Đông" and
    "Phường Thành Đông" all find Phường Thành Đông. The query is bounded by ``search_text`` (a DomainError when it
    is too long or has too many words).
    """
    text = search_text(query)
    units = AdminUnit.objects.select_related("parent", "parent__parent")
    if generation:
        units = units.filter(generation=generation)
    if level:
        units = units.filter(level=level)
    if kind:
        units = units.filter(kind=kind)
    if parent_code:
        units = units.filter(parent__code=parent_code, parent__level__lt=AdminUnit.Level.COMMUNE)
    if text:
        folded = fold(text)
        bare = _strip_kind(folded)
        units = units.filter(Q(search_name__contains=bare) | Q(code=text))
        units = units.annotate(
            rank=Case(
                When(code=text, then=Value(0)),
                When(name=text, then=Value(0)),
                When(search_name=folded, then=Value(1)),
                When(name__endswith=" " + text, then=Value(2)),
                When(name__contains=text, then=Value(3)),
                When(search_name__endswith=" " + bare, then=Value(4)),
                When(search_name__contains=" " + bare, then=Value(5)),
                default=Value(6),
                output_field=IntegerField(),
            )
        ).order_by("rank", "level", "name")
    else:
        units = units.order_by("level", "code")
    return units[:limit] if limit else units


def unit_get(*, generation: str, code: str, level: int | None = None) -> AdminUnit | None:
    units = AdminUnit.objects.select_related("parent", "parent__parent").filter(generation=generation, code=code)
    if level:
        units = units.filter(level=level)
    return units.order_by("level").first()


def unit_children(unit: AdminUnit) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(parent=unit).order_by("kind", "name")


def unit_successors(*, code: str, level: int = AdminUnit.Level.COMMUNE) -> list[AdminUnitSuccession] | None:
    """What the legacy unit ``code`` became: one edge per successor (several when it was split).

    None when no legacy unit has that code; an empty list when it has no successor in the data.
    """
    unit = unit_get(generation=AdminUnit.Generation.LEGACY, code=code, level=level)
    if unit is None:
        return None
    return list(
        AdminUnitSuccession.objects.filter(predecessor=unit)
        .select_related("predecessor", "successor", "successor__parent")
        .order_by("successor__name")
    )


def unit_predecessors(*, code: str, level: int = AdminUnit.Level.COMMUNE) -> list[AdminUnitSuccession] | None:
    """Which legacy units the current unit ``code`` was formed from (None when it does not exist)."""
    unit = unit_get(generation=AdminUnit.Generation.CURRENT, code=code, level=level)
    if unit is None:
        return None
    return list(
        AdminUnitSuccession.objects.filter(successor=unit)
        .select_related("predecessor", "predecessor__parent", "predecessor__parent__parent")
        .order_by("predecessor__name")
    )


def legacy_units_without_successor(*, level: int = AdminUnit.Level.COMMUNE) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(
        generation=AdminUnit.Generation.LEGACY, level=level, successions__isnull=True
    ).order_by("code")


def unit_counts(*, province_code: str | None = None) -> dict[str, int]:
    """Current units by kind, in one province or nationwide."""
    units = AdminUnit.objects.filter(generation=AdminUnit.Generation.CURRENT, level=AdminUnit.Level.COMMUNE)
    if province_code:
        units = units.filter(parent__code=province_code)
    return {row["kind"]: row["n"] for row in units.values("kind").annotate(n=Count("id")).order_by("kind")}


def successions_needing_review() -> QuerySet[AdminUnitSuccession]:
    return AdminUnitSuccession.objects.filter(needs_review=True).select_related("predecessor", "successor")
