"""Vietnamese identifiers: personal identification numbers and tax codes."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from smartgov.identity.validators import mask_personal_id, normalize_tax_code, parse_personal_id


def test_personal_id_parts():
    parsed = parse_personal_id("031195001234")
    assert (parsed.province_code, parsed.birth_year, parsed.female) == ("031", 1995, True)
    hai_duong = parse_personal_id("030 088 004 321")
    assert (hai_duong.province_code, hai_duong.birth_year, hai_duong.female) == ("030", 1988, False)
    assert parse_personal_id("001205000001").birth_year == 2005


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("03119500123", "format"),  # 11 digits
        ("03119500123X", "format"),
        ("003195001234", "province"),  # 003 is no province code
        ("031299001234", "year"),  # born in 2099
        ("097195001234", "province"),
    ],
)
def test_bad_personal_ids(value, code):
    with pytest.raises(ValidationError) as error:
        parse_personal_id(value)
    assert error.value.code == code


def test_birth_date_must_match():
    parse_personal_id("031195001234", birth_date=date(1995, 3, 2))
    with pytest.raises(ValidationError) as error:
        parse_personal_id("031195001234", birth_date=date(1996, 3, 2))
    assert error.value.code == "birth_year"


@pytest.mark.parametrize(
    ("value", "compact"),
    [
        ("0200123457", "0200123457"),
        ("0200123457-001", "0200123457001"),
        ("031195001234", "031195001234"),  # an individual's personal ID is their tax code
    ],
)
def test_tax_codes(value, compact):
    assert normalize_tax_code(value) == compact


@pytest.mark.parametrize("value", ["0200123458", "123", "0200123457-01"])
def test_bad_tax_codes(value):
    with pytest.raises(ValidationError):
        normalize_tax_code(value)


def test_mask():
    assert mask_personal_id("031195001234") == "031*******34"
