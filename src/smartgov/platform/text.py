"""Vietnamese text helpers: folding for search that matches text typed without diacritics, and the bounds every
search keeps on its query."""

import unicodedata

from django.utils.translation import gettext as _

from smartgov.platform.errors import DomainError

#: The longest search query any search (API or page) accepts, in characters, and the most words it may hold.
#: A query is refused before it is folded or turned into SQL, so a search costs bounded time whatever is sent.
SEARCH_MAX_CHARS = 200
SEARCH_MAX_TERMS = 8


def fold(text: str) -> str:
    """Lower-case, strip diacritics and map đ to d: ``"Phường Thành Đông"`` → ``"phuong thanh dong"``."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


def search_text(query: str) -> str:
    """``query`` stripped, once it is within the bounds every search keeps: at most ``SEARCH_MAX_CHARS``
    characters and ``SEARCH_MAX_TERMS`` words. Otherwise a DomainError (400, code ``query_too_long``), which the
    API answers as problem details and the pages as the error page. Every search selector calls it first."""
    text = query.strip()
    if len(text) > SEARCH_MAX_CHARS:
        raise DomainError(
            _("The search text is too long: at most %(n)d characters.") % {"n": SEARCH_MAX_CHARS},
            code="query_too_long",
        )
    if len(text.split(maxsplit=SEARCH_MAX_TERMS)) > SEARCH_MAX_TERMS:
        raise DomainError(
            _("The search text has too many words: at most %(n)d.") % {"n": SEARCH_MAX_TERMS},
            code="query_too_long",
        )
    return text
