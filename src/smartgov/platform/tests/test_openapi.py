"""The committed OpenAPI snapshot (docs/api/openapi.json) matches the API; the docs page needs no CDN."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = pytest.mark.django_db
SNAPSHOT = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"


def test_openapi_snapshot_is_current():
    out = StringIO()
    call_command("export_openapi", stdout=out)
    current = json.loads(out.getvalue())
    assert SNAPSHOT.exists(), "docs/api/openapi.json is missing: run `make openapi`"
    committed = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert current == committed, "the API changed: run `make openapi` and commit docs/api/openapi.json"


def test_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "SmartGov API"


def test_api_docs_page_uses_no_outside_host(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    external = re.findall(r"(?:src|href)=[\"'](https?:)?//[^\"']+", response.text)
    assert external == [], f"the docs page loads assets from outside: {external}"
