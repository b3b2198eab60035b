"""How a dataset's text is kept for search and how a query is matched against it: folded (``platform.text.fold``:
lower case, no diacritics, đ → d), cut into words, and stored as `` word word … `` with a space at each end, so a
query's word matches whole words only (``ho`` finds "hồ sơ", not "phòng" or "học")."""

import re

from smartgov.platform.text import fold

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The folded words of ``text``."""
    return _WORD.findall(fold(text))


def document(*parts: str) -> str:
    """The searchable form of ``parts``: their folded words, with a space before and after each."""
    found = words(" ".join(parts))
    return f" {' '.join(found)} " if found else ""


def needle(word: str) -> str:
    """What a query's word is looked for as in a :func:`document`."""
    return f" {word} "
