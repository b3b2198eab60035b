"""The warehouse's storage: local folders and S3-compatible object storage (moto's server), without Django."""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow.fs as pafs
import pytest

from smartgov.warehouse.engine.errors import IngestError
from smartgov.warehouse.engine.storage import Storage, s3_options, storage_from_settings


def test_uris_follow_the_layout(tmp_path: Path) -> None:
    storage = Storage(tmp_path.as_uri() + "/")
    assert storage.table_uri("ho_tich/khai_sinh") == f"{tmp_path.as_uri()}/tables/ho_tich/khai_sinh"
    assert storage.run_uri("3f2a-9c", "rejected.parquet") == f"{tmp_path.as_uri()}/runs/3f2a-9c/rejected.parquet"
    assert storage.original_uri("3f2a-9c", "Dân cư.csv") == f"{tmp_path.as_uri()}/originals/3f2a-9c/Dân cư.csv"
    assert isinstance(storage.filesystem(), pafs.LocalFileSystem)


@pytest.mark.parametrize("key", ["../etc", "a/b/c", "A/b", "a", "a/", "a/b;drop", "a/" + "b" * 64])
def test_a_key_that_could_escape_or_is_malformed_is_refused(tmp_path: Path, key: str) -> None:
    with pytest.raises(IngestError) as refused:
        Storage(tmp_path.as_uri()).table_uri(key)
    assert refused.value.code == "key"


@pytest.mark.parametrize(("run", "name"), [("..", "x"), ("r", "../x"), ("r", "a/b"), ("r", ".."), ("r/..", "x")])
def test_run_and_file_names_cannot_climb_out(tmp_path: Path, run: str, name: str) -> None:
    with pytest.raises(IngestError):
        Storage(tmp_path.as_uri()).run_uri(run, name)


@pytest.mark.parametrize("url", ["/srv/x", "file://relative/x", "http://host/x", "s3://", "ftp://a/b"])
def test_only_absolute_file_urls_and_s3_buckets(url: str) -> None:
    with pytest.raises(IngestError) as refused:
        Storage(url)
    assert refused.value.code == "storage"


def test_put_streams_and_open_reads_back(tmp_path: Path) -> None:
    storage = Storage(tmp_path.as_uri())
    body = b"x" * (3 * 1024 * 1024 + 17)
    uri = storage.original_uri("run1", "data.csv")
    assert storage.put(uri, io.BytesIO(body)) == len(body)
    with storage.open(uri) as stream:
        assert stream.read() == body
    assert storage.exists(uri)
    assert not storage.exists(storage.original_uri("run1", "other.csv"))
    with pytest.raises(IngestError):
        storage.path_of("file:///etc/passwd")


def test_s3_options_for_delta_rs() -> None:
    options = s3_options(endpoint="http://127.0.0.1:9000", region="", access_key="k", secret_key="s")
    assert options == {
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9000",
        "AWS_ALLOW_HTTP": "true",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "k",
        "AWS_SECRET_ACCESS_KEY": "s",
        "AWS_S3_ALLOW_UNSAFE_RENAME": "true",
    }
    assert "AWS_ALLOW_HTTP" not in s3_options(
        endpoint="https://s3.example.vn", region="r", access_key="", secret_key=""
    )


def test_storage_from_settings(settings: object) -> None:
    settings.WAREHOUSE_STORAGE_URL = "s3://kho/du-lieu"  # type: ignore[attr-defined]
    settings.WAREHOUSE_S3_ENDPOINT = "http://127.0.0.1:9000"  # type: ignore[attr-defined]
    settings.WAREHOUSE_S3_ACCESS_KEY = "key"  # type: ignore[attr-defined]
    settings.WAREHOUSE_S3_SECRET_KEY = "secret"  # type: ignore[attr-defined]
    storage = storage_from_settings()
    assert storage.url == "s3://kho/du-lieu"
    assert storage.options["AWS_ENDPOINT_URL"] == "http://127.0.0.1:9000"
    assert storage.table_uri("a/b") == "s3://kho/du-lieu/tables/a/b"
    settings.WAREHOUSE_STORAGE_URL = "file:///srv/warehouse"  # type: ignore[attr-defined]
    assert storage_from_settings() == Storage("file:///srv/warehouse")


def test_s3_put_and_open(s3_storage: Storage) -> None:
    uri = s3_storage.original_uri("run1", "data.csv")
    assert s3_storage.put(uri, io.BytesIO(b"a,b\n1,2\n")) == 8
    with s3_storage.open(uri) as stream:
        assert stream.read() == b"a,b\n1,2\n"
    assert s3_storage.path_of(uri) == "warehouse/prefix/originals/run1/data.csv"
