"""Money: amounts are whole đồng (VND has no minor unit), stored as integers, shown the Vietnamese way."""

from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import translation
from num2words import num2words


class MoneyField(models.BigIntegerField):
    """An amount in đồng. Not negative unless ``allow_negative=True`` (refunds, corrections)."""

    def __init__(self, *args: object, allow_negative: bool = False, **kwargs: object) -> None:
        self.allow_negative = allow_negative
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not allow_negative:
            self.validators.append(MinValueValidator(0))

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.allow_negative:
            kwargs["allow_negative"] = True
        return name, path, args, kwargs


def _check(amount: object) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"an amount in VND is a whole number of đồng, not {type(amount).__name__}")
    return amount


def format_vnd(amount: int, language: str | None = None) -> str:
    """``1234567`` → ``"1.234.567 ₫"`` (Vietnamese) or ``"1,234,567 VND"`` (English)."""
    amount = _check(amount)
    language = (language or translation.get_language() or "vi")[:2]
    digits = f"{abs(amount):,}"
    sign = "-" if amount < 0 else ""
    if language == "en":
        return f"{sign}{digits} VND"
    return f"{sign}{digits.replace(',', '.')}\u00a0₫"


def vnd_in_words(amount: int) -> str:
    """The amount in Vietnamese words, as receipts write it: ``"Một triệu hai trăm nghìn đồng"``."""
    amount = _check(amount)
    words = num2words(abs(amount), lang="vi")
    text = ("âm " if amount < 0 else "") + words + " đồng"
    return text[0].upper() + text[1:]
