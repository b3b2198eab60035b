"""The real CKAN client from PyPI (``ckanapi``) against a running SmartGov (pytest-django's ``live_server``): its
Python API, and its command line dumping every dataset and loading them again into an emptied portal."""

import json
import os
import subprocess  # nosec B404  # the tests run ckanapi's own command line, from the venv, without a shell
import sys
from pathlib import Path

import ckanapi
import pytest

from smartgov.opendata.models import Dataset

pytestmark = pytest.mark.django_db(transaction=True)

CKANAPI = Path(sys.executable).parent / "ckanapi"
#: The fields a dump and a load must carry across unchanged.
KEPT = ("id", "name", "title", "notes", "owner_org", "license_id", "private", "state", "frequency", "url", "version")


def _run(*arguments: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{CKANAPI.parent}{os.pathsep}{os.environ.get('PATH', '')}"}  # its workers
    return subprocess.run(  # nosec B603  # fixed arguments, no shell
        [str(CKANAPI), *arguments], capture_output=True, text=True, timeout=120, env=env, check=False
    )


def test_remoteckan_searches_shows_and_creates(live_server, od, od_token):
    token = od_token(od.steward, "opendata.read opendata.write")
    with ckanapi.RemoteCKAN(live_server.url, apikey=token) as portal:
        found = portal.action.package_search(q="ho so")
        assert found["count"] == 1
        assert found["results"][0]["title"] == "Thống kê hồ sơ khám chữa bệnh"
        shown = portal.action.package_show(id="co-so-y-te")
        assert shown["organization"]["title"] == "Sở Y tế"
        assert shown["resources"][0]["url"].endswith("co-so-y-te.csv")
        created = portal.action.package_create(
            name="du-an-dau-tu",
            title="Dự án đầu tư nước ngoài",
            owner_org="000-00-09-h31",
            tags=[{"name": "đầu tư"}],
        )
        assert created["name"] == "du-an-dau-tu"
        assert portal.action.package_search(q="dau tu nuoc ngoai")["results"][0]["id"] == created["id"]
        with pytest.raises(ckanapi.NotFound):
            portal.action.package_show(id="khong-co")
        with pytest.raises(ckanapi.ValidationError) as refused:
            portal.action.package_create(name="du-an-dau-tu", owner_org="000-00-09-h31")
        assert "name" in refused.value.error_dict
    with ckanapi.RemoteCKAN(live_server.url) as visitor, pytest.raises(ckanapi.NotAuthorized):
        visitor.action.package_create(name="khong-duoc", owner_org="000-00-09-h31")
    with ckanapi.RemoteCKAN(live_server.url, get_only=True) as by_get:
        assert by_get.action.package_search(q="truong hoc")["count"] == 1


def test_the_command_line_dumps_and_loads_every_dataset(live_server, od, od_token, tmp_path):
    dump = tmp_path / "datasets.jsonl"
    dumped = _run("dump", "datasets", "--all", "-r", live_server.url, "-O", str(dump))
    assert dumped.returncode == 0, dumped.stderr
    records = [json.loads(line) for line in dump.read_text().splitlines()]
    assert sorted(r["name"] for r in records) == ["co-so-y-te", "ho-so-y-te", "truong-hoc"]
    searched = _run("search", "datasets", "q=ho so", "-r", live_server.url)
    assert searched.returncode == 0, searched.stderr
    assert [json.loads(line)["name"] for line in searched.stdout.splitlines()] == ["ho-so-y-te"]

    Dataset.objects.all().delete()  # an emptied portal (the agencies and themes stay: they are the platform's)
    token = od_token(od.admin, "opendata.read opendata.write")
    loaded = _run("load", "datasets", "-I", str(dump), "-r", live_server.url, "-a", token)
    assert loaded.returncode == 0, loaded.stderr
    assert '"create"' in loaded.stderr or "create" in loaded.stdout + loaded.stderr

    with ckanapi.RemoteCKAN(live_server.url) as portal:
        for record in records:
            again = portal.action.package_show(id=record["name"])
            for key in KEPT:
                assert again[key] == record[key], key
            assert again["tags"] == record["tags"]
            assert [g["name"] for g in again["groups"]] == [g["name"] for g in record["groups"]]
            assert again["extras"] == record["extras"]
            assert [(r["id"], r["name"], r["url"], r["format"]) for r in again["resources"]] == [
                (r["id"], r["name"], r["url"], r["format"]) for r in record["resources"]
            ]
    # loading the same dump again updates the datasets in place
    reloaded = _run("load", "datasets", "-I", str(dump), "-r", live_server.url, "-a", token)
    assert reloaded.returncode == 0, reloaded.stderr
    assert Dataset.objects.count() == 3
