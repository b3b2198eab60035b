"""Reads of the locality and its agencies."""

from django.core.cache import cache
from django.db.models import Q, QuerySet

from smartgov.platform.models import Agency, Locality
from smartgov.platform.text import fold, search_text

_LOCALITY_CACHE_KEY = "platform:locality"


def locality_get() -> Locality | None:
    """The installation's locality (cached; ``locality_set`` clears the cache)."""
    locality: Locality | None = cache.get(_LOCALITY_CACHE_KEY)
    if locality is None:
        locality = Locality.objects.select_related("province").first()
        if locality is not None:
            cache.set(_LOCALITY_CACHE_KEY, locality, 300)
    return locality


_ADMIN_PREFIXES = ("Thành phố ", "Tỉnh ")
_ADMIN_SUFFIXES = (" City", " Province")


def app_names() -> tuple[str, str]:
    """("Smart Hải Phòng", "Smart Hai Phong"): the app's name from the locality's name without its kind."""
    locality = locality_get()
    if locality is None:
        return "SmartGov", "SmartGov"
    name, name_en = locality.name, locality.name_en
    for prefix in _ADMIN_PREFIXES:
        name = name.removeprefix(prefix)
    for suffix in _ADMIN_SUFFIXES:
        name_en = name_en.removesuffix(suffix)
    return f"Smart {name}", f"Smart {name_en}"


def locality_cache_clear() -> None:
    cache.delete(_LOCALITY_CACHE_KEY)


def agency_list(*, query: str = "", kind: str = "", active_only: bool = True) -> QuerySet[Agency]:
    """Agencies whose name (with or without diacritics) or ID contains ``query``, bounded by ``search_text``."""
    query = search_text(query)
    agencies = Agency.objects.select_related("parent", "admin_unit")
    if active_only:
        agencies = agencies.filter(is_active=True)
    if kind:
        agencies = agencies.filter(kind=kind)
    if query:
        folded = fold(query)
        agencies = agencies.filter(Q(search_name__contains=folded) | Q(code__icontains=query))
    return agencies.order_by("code")


def agency_get(*, code: str) -> Agency | None:
    return Agency.objects.select_related("parent", "admin_unit").filter(code=code).first()
