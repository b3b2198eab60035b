"""Vietnamese identifiers: the 12-digit personal identification number and the tax code.

Personal ID (CCCD / số định danh cá nhân, Circular 59/2021/TT-BCA): 3 digits province of registration (``0`` +
the legacy two-digit NSO code of one of the 63 pre-2025 provinces), 1 digit century and sex (0/1 = 1900s
male/female, 2/3 = 2000s, 4/5 = 2100s, …), 2 digits year of birth, 6 random digits; no check digit. Since
1 July 2025 individuals use it as their tax code too. Enterprise tax codes have 10 digits with a check digit,
branches add ``-NNN`` (validated by python-stdnum).
"""

from dataclasses import dataclass
from datetime import date
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.vn import mst


@cache
def _registration_codes() -> frozenset[str]:
    from vietnam_provinces.legacy import Province

    return frozenset(f"0{int(p.code):02d}" for p in Province.iter_all())


@dataclass(frozen=True)
class PersonalId:
    number: str
    province_code: str
    birth_year: int
    female: bool


def parse_personal_id(value: str, *, birth_date: date | None = None) -> PersonalId:
    """Check a 12-digit personal identification number; raise ValidationError with the reason."""
    number = "".join(value.split())
    if len(number) != 12 or not number.isdigit():
        raise ValidationError(_("A personal identification number has exactly 12 digits."), code="format")
    province = number[:3]
    if province not in _registration_codes():
        raise ValidationError(
            _("%(code)s is not a province code of a personal identification number.") % {"code": province},
            code="province",
        )
    century_sex = int(number[3])
    year = 1900 + (century_sex // 2) * 100 + int(number[4:6])
    if year > date.today().year:  # noqa: DTZ011 - a calendar year, no time of day involved
        raise ValidationError(_("The birth year encoded in the number is in the future."), code="year")
    if birth_date is not None and birth_date.year != year:
        raise ValidationError(
            _("The number encodes the birth year %(year)s, not %(given)s.") % {"year": year, "given": birth_date.year},
            code="birth_year",
        )
    return PersonalId(number=number, province_code=province, birth_year=year, female=century_sex % 2 == 1)


def validate_personal_id(value: str) -> None:
    parse_personal_id(value)


def normalize_tax_code(value: str) -> str:
    """An enterprise tax code (10 digits, or 13 with a branch ``-NNN``) or an individual's 12-digit personal ID.

    Returns the compact form; raises ValidationError when it is neither.
    """
    compact = "".join(value.split())
    digits = compact.replace("-", "")
    if len(digits) == 12 and digits.isdigit() and "-" not in compact:
        parse_personal_id(digits)
        return digits
    try:
        return str(mst.validate(compact))
    except StdnumError as exc:
        raise ValidationError(_("This is not a valid tax code."), code="tax_code") from exc


def validate_tax_code(value: str) -> None:
    normalize_tax_code(value)


def mask_personal_id(number: str) -> str:
    """For lists and logs: ``031195001234`` → ``031*******34``."""
    if len(number) < 6:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 5) + number[-2:]


def mask_person_name(name: str) -> str:
    """For lists: the family name and the initials of the other names, ``Nguyễn Thị Mai`` → ``Nguyễn T. M.`` (an
    officer recognises the person from the dossier; a list seen over a shoulder does not name them)."""
    words = name.split()
    if len(words) < 2:
        return (words[0][:1] + "***") if words else ""
    return " ".join([words[0], *(word[:1] + "." for word in words[1:])])


def mask_account_name(name: str) -> str:
    """An account name for lists and logs: a personal ID or tax code (however spaced) masked, others as typed."""
    joined = "".join(name.split())
    if joined.replace("-", "").isdigit() and len(joined) >= 9:
        return mask_personal_id(joined)
    return name.strip()[:150]
