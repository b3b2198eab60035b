"""The portal's part of the merge archive: datasets travel with their tags, themes, extras and resources, and land on
the same agencies; a second import doubles nothing."""

import pytest

from smartgov.opendata.models import Dataset, Group, Resource, Tag
from smartgov.platform.merge import archive_open, merge_export, merge_import

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple[object, ...]]:
    return [
        (
            d.name,
            d.title,
            d.owner.code,
            d.private,
            d.state,
            sorted(d.tags.values_list("name", flat=True)),
            sorted(d.groups.values_list("name", flat=True)),
            sorted(d.extras.values_list("key", "value")),
            list(d.resources.order_by("position").values_list("uuid", "name", "url")),
        )
        for d in Dataset.objects.order_by("name")
    ]


def test_datasets_travel_with_everything_they_hold(od, tmp_path):
    before = _snapshot()
    merge_export(out=tmp_path / "archive", locality="30")
    Dataset.objects.all().delete()
    Group.objects.all().delete()
    Tag.objects.all().delete()
    report = merge_import(archive=archive_open(tmp_path / "archive"), accept_conflicts=True)
    assert report.models["opendata.dataset"].created == 5
    assert _snapshot() == before
    assert Resource.objects.count() == 2
    again = merge_import(archive=archive_open(tmp_path / "archive"), accept_conflicts=True)
    assert again.total().created == 0
    assert _snapshot() == before
