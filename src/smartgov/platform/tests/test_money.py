"""Money in VND: integers, formatted the Vietnamese way, in words for receipts."""

import pytest
from django.template import Context, Template
from django.utils import translation

from smartgov.platform.money import format_vnd, vnd_in_words


@pytest.mark.parametrize(
    ("amount", "vi", "en"),
    [
        (0, "0\u00a0₫", "0 VND"),
        (1_234_567, "1.234.567\u00a0₫", "1,234,567 VND"),
        (-50_000, "-50.000\u00a0₫", "-50,000 VND"),
        (2_500_000_000, "2.500.000.000\u00a0₫", "2,500,000,000 VND"),
    ],
)
def test_format(amount, vi, en):
    assert format_vnd(amount, "vi") == vi
    assert format_vnd(amount, "en") == en


@pytest.mark.parametrize("bad", [1.5, "1000", True, None])
def test_only_whole_dong(bad):
    with pytest.raises(TypeError):
        format_vnd(bad)
    with pytest.raises(TypeError):
        vnd_in_words(bad)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (1_000_000, "Một triệu đồng"),
        (1_234_567, "Một triệu hai trăm ba mươi bốn nghìn năm trăm sáu mươi bảy đồng"),
        (2_500_000_000, "Hai tỷ năm trăm triệu đồng"),
        (21, "Hai mươi mốt đồng"),
    ],
)
def test_words(amount, words):
    assert vnd_in_words(amount) == words


def test_template_filters_follow_the_language():
    template = Template("{% load money %}{{ fee|vnd }} / {{ fee|vnd_words }}")
    with translation.override("vi"):
        assert template.render(Context({"fee": 150000})) == "150.000\u00a0₫ / Một trăm năm mươi nghìn đồng"
    with translation.override("en"):
        assert template.render(Context({"fee": 150000})).startswith("150,000 VND")
