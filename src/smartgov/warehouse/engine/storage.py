"""Where the warehouse keeps its files: a local folder (``file:///abs``) or S3-compatible storage (``s3://bucket/prefix``).

Layout (docs/warehouse.md): ``tables/<database>/<table>/`` (Delta tables), ``originals/<run>/<name>`` (files as
received), ``runs/<run>/<name>`` (a run's rejected rows). Django-free except :func:`storage_from_settings`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import BinaryIO, cast
from urllib.parse import unquote, urlsplit

import pyarrow.fs as pafs

from smartgov.warehouse.engine.errors import IngestError

_KEY = re.compile(r"[a-z0-9_]{1,63}/[a-z0-9_]{1,63}")
_RUN = re.compile(r"[A-Za-z0-9_-]{1,64}")
_NAME = re.compile(r"[^/\\\x00]{1,200}")
_COPY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Storage:
    """A warehouse's storage. ``options`` are deltalake's ``storage_options`` (empty for a local folder)."""

    url: str
    options: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme == "file":
            if not parts.path.startswith("/") or parts.netloc not in ("", "localhost"):
                raise IngestError("storage", f"A file storage URL must be absolute (file:///path): {self.url}")
        elif parts.scheme == "s3":
            if not parts.netloc:
                raise IngestError("storage", f"An S3 storage URL names its bucket (s3://bucket/prefix): {self.url}")
        else:
            raise IngestError("storage", f"The storage URL must start with file:/// or s3://: {self.url}")

    @property
    def base(self) -> str:
        return self.url.rstrip("/")

    def table_uri(self, key: str) -> str:
        """``"database/table"`` → ``<url>/tables/database/table`` (both parts lower-case ASCII snake_case)."""
        if not _KEY.fullmatch(key):
            raise IngestError("key", f"A table key is database/table in lower-case letters, digits and _: {key!r}")
        return f"{self.base}/tables/{key}"

    def run_uri(self, run: str, name: str) -> str:
        return f"{self.base}/runs/{_checked_run(run)}/{_checked_name(name)}"

    def original_uri(self, run: str, name: str) -> str:
        return f"{self.base}/originals/{_checked_run(run)}/{_checked_name(name)}"

    def filesystem(self) -> pafs.FileSystem:
        """The pyarrow filesystem of this storage (use :meth:`path_of` for a URI's path inside it)."""
        if self.url.startswith("file:"):
            return pafs.LocalFileSystem()
        endpoint = self.options.get("AWS_ENDPOINT_URL", "")
        parts = urlsplit(endpoint) if endpoint else None
        return pafs.S3FileSystem(
            access_key=self.options.get("AWS_ACCESS_KEY_ID") or None,
            secret_key=self.options.get("AWS_SECRET_ACCESS_KEY") or None,
            region=self.options.get("AWS_REGION") or "us-east-1",
            endpoint_override=parts.netloc if parts else None,
            scheme=parts.scheme if parts else "https",
        )

    def path_of(self, uri: str) -> str:
        """The path of ``uri`` inside :meth:`filesystem` (``/abs/path`` locally, ``bucket/key`` on S3)."""
        if not uri.startswith(self.base + "/"):
            raise IngestError("storage", f"{uri} is not inside the storage {self.url}")
        parts = urlsplit(uri)
        if parts.scheme == "file":
            return unquote(parts.path)
        return f"{parts.netloc}/{parts.path.lstrip('/')}"

    def put(self, uri: str, source: BinaryIO) -> int:
        """Copy ``source`` to ``uri`` in 1 MiB pieces (never the whole file in memory); the bytes written."""
        fs, path = self.filesystem(), self.path_of(uri)
        fs.create_dir(path.rsplit("/", 1)[0], recursive=True)
        written = 0
        with fs.open_output_stream(path) as target:
            while piece := source.read(_COPY_BYTES):
                target.write(piece)
                written += len(piece)
        return written

    def open(self, uri: str) -> BinaryIO:
        """``uri`` for reading (a pyarrow stream: ``read``, ``close``, a context manager)."""
        return cast(BinaryIO, self.filesystem().open_input_stream(self.path_of(uri)))

    def exists(self, uri: str) -> bool:
        info = self.filesystem().get_file_info(self.path_of(uri))
        return bool(info.type != pafs.FileType.NotFound)


def _checked_run(run: str) -> str:
    if not _RUN.fullmatch(run):
        raise IngestError("storage", f"A run id is letters, digits, - and _: {run!r}")
    return run


def _checked_name(name: str) -> str:
    if not _NAME.fullmatch(name) or name in (".", "..") or name.strip() != name:
        raise IngestError("storage", f"A file name without / or \\: {name!r}")
    return name


def s3_options(*, endpoint: str, region: str, access_key: str, secret_key: str) -> dict[str, str]:
    """deltalake's ``storage_options`` for S3-compatible storage.

    Delta's commit is "write ``_delta_log/<n>.json`` only if it does not exist". S3 had no such operation when
    delta-rs was written, so delta-rs refuses to write to S3 unless it is given a locking provider (DynamoDB) or
    ``AWS_S3_ALLOW_UNSAFE_RENAME=true``. We choose the latter: the warehouse app runs at most one load or restore of a
    table at a time (its run row is locked), so two writers never race for the same version, and a province's
    MinIO or moto need no DynamoDB beside them. An installation with several independent writers to one table would
    need the DynamoDB lock (``AWS_S3_LOCKING_PROVIDER=dynamodb``) instead."""
    options = {"AWS_REGION": region or "us-east-1", "AWS_S3_ALLOW_UNSAFE_RENAME": "true"}
    if endpoint:
        options["AWS_ENDPOINT_URL"] = endpoint
        if endpoint.startswith("http://"):
            options["AWS_ALLOW_HTTP"] = "true"
    if access_key:
        options["AWS_ACCESS_KEY_ID"] = access_key
    if secret_key:
        options["AWS_SECRET_ACCESS_KEY"] = secret_key
    return options


def storage_from_settings() -> Storage:
    """The storage named by ``settings.WAREHOUSE_STORAGE_URL`` (and ``WAREHOUSE_S3_*`` for ``s3://``)."""
    from django.conf import settings  # here only: the rest of the engine runs without Django

    url: str = settings.WAREHOUSE_STORAGE_URL
    if not url.startswith("s3://"):
        return Storage(url)
    return Storage(
        url,
        s3_options(
            endpoint=settings.WAREHOUSE_S3_ENDPOINT,
            region=settings.WAREHOUSE_S3_REGION,
            access_key=settings.WAREHOUSE_S3_ACCESS_KEY,
            secret_key=settings.WAREHOUSE_S3_SECRET_KEY,
        ),
    )
