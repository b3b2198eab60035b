"""Vietnamese text helpers: folding for search that matches text typed without diacritics."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case, strip diacritics and map đ to d: ``"Phường Thành Đông"`` → ``"phuong thanh dong"``."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())
