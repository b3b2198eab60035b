"""Every search, API and page alike, keeps its query within bounds (issue 13, finding 7): a query of more than
SEARCH_MAX_CHARS characters or SEARCH_MAX_TERMS words is refused with a 4xx and a message, quickly."""

import pytest

from smartgov.platform.errors import DomainError
from smartgov.platform.testing import OVERSIZED_QUERIES, search_refuses_quickly
from smartgov.platform.text import SEARCH_MAX_CHARS, SEARCH_MAX_TERMS, search_text

pytestmark = pytest.mark.django_db


def test_search_text_refuses_long_queries_and_too_many_terms():
    assert search_text("  Phường  Thành Đông ") == "Phường  Thành Đông"
    assert search_text("x" * SEARCH_MAX_CHARS) == "x" * SEARCH_MAX_CHARS
    assert search_text(" ".join(["a"] * SEARCH_MAX_TERMS)) == " ".join(["a"] * SEARCH_MAX_TERMS)
    with pytest.raises(DomainError) as too_long:
        search_text("x" * (SEARCH_MAX_CHARS + 1))
    assert too_long.value.code == "query_too_long" and str(SEARCH_MAX_CHARS) in too_long.value.message
    with pytest.raises(DomainError) as too_many:
        search_text(" ".join(["a"] * (SEARCH_MAX_TERMS + 1)))
    assert too_many.value.code == "query_too_long" and str(SEARCH_MAX_TERMS) in too_many.value.message


#: The platform's searches; each app tests its own with ``search_refuses_quickly`` (procedures: the catalog).
SEARCHES = [
    "/api/v1/platform/agencies",
    "/api/v1/platform/units",
    "/co-quan/",
    "/don-vi-hanh-chinh/",
    "/don-vi-hanh-chinh/tra-cuu/",
]


@pytest.mark.parametrize("path", SEARCHES)
@pytest.mark.parametrize("query", OVERSIZED_QUERIES.values(), ids=OVERSIZED_QUERIES.keys())
def test_every_search_refuses_an_oversized_query_quickly(client, small_units, path, query):
    search_refuses_quickly(client, path, query)
