"""The catalog's search, API and page, keeps its query within the platform's bounds (issue 13, finding 7): the
phrase repeated 500 times that held a worker for 28.7 s is refused at once."""

import pytest

from smartgov.platform.testing import OVERSIZED_QUERIES, search_refuses_quickly

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/procedures/procedures", "/dich-vu-cong/"])
@pytest.mark.parametrize("query", OVERSIZED_QUERIES.values(), ids=OVERSIZED_QUERIES.keys())
def test_the_catalog_refuses_an_oversized_query_quickly(client, hp, path, query):
    search_refuses_quickly(client, path, query)


def test_the_catalog_still_finds_by_words_without_diacritics(client, hp):
    found = client.get("/api/v1/procedures/procedures", {"q": "dang ky khai sinh"}).json()
    assert "1.001193" in [p["code"] for p in found]
