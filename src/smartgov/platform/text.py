"""Vietnamese text helpers: folding for search that matches text typed without diacritics, and the bounds every
search keeps on its query."""

import unicodedata
from typing import Any

from django.db.backends.signals import connection_created
from django.db.models import CharField, Func
from django.dispatch import receiver
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


def _folding_table() -> tuple[str, str]:
    """Every precomposed Latin letter with diacritics (Vietnamese's among them) and the bare lower-case letter it
    folds to, for the database's ``TRANSLATE``."""
    source, target = [], []
    for point in range(0xC0, 0x1F00):
        letter = chr(point)
        bare = fold(letter)
        if bare != letter and len(bare) == 1 and bare.isascii() and bare.isalpha():
            source.append(letter)
            target.append(bare)
    combining = "".join(chr(point) for point in range(0x300, 0x370))  # TRANSLATE drops what has no partner
    return "".join(source) + combining, "".join(target)


_FOLD_FROM, _FOLD_TO = _folding_table()


class Folded(Func):
    """A text column folded by the database as :func:`fold` folds a query (lower case, no diacritics, đ → d), so
    a name typed without diacritics matches the stored one without a folded copy of every column. PostgreSQL
    translates the letters; SQLite calls :func:`fold` itself (registered on each connection)."""

    function = "LOWER"
    output_field = CharField()

    def __init__(self, expression: Any) -> None:
        super().__init__(expression)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"LOWER(TRANSLATE({sql}, %s, %s))", (*params, _FOLD_FROM, _FOLD_TO)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="SMARTGOV_FOLD", **extra)


@receiver(connection_created)
def _fold_on_sqlite(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "SMARTGOV_FOLD", 1, lambda text: None if text is None else fold(text), deterministic=True
        )


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
