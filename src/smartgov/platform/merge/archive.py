"""The merge archive: a directory with ``manifest.json`` and one JSON Lines file per model (docs/merge.md).

``manifest.json`` names the source locality, the format version, each app part's version and whether it holds
personal data, and per file its model, fields, personal fields, row count and SHA-256. Each line of a model's file
is ``{"pk": <key in the source>, "f": [<values in the manifest's field order>]}``; a foreign key holds the source's
key of the row it points at, or the natural key of a reference row (an administrative unit). The directory is
readable by its owner only, and so is every file in it.
"""

import datetime
import decimal
import hashlib
import json
import os
import tarfile
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone

from smartgov.platform.merge.parts import MergePlan, PlannedModel, merge_plan
from smartgov.platform.services.audit import audit_record

FORMAT = "smartgov-merge"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
_CHUNK = 2000


class ArchiveError(Exception):
    """The archive cannot be read here: missing, corrupt, tampered with, or of another version."""


def json_default(value: Any) -> Any:
    """JSON for the values a model field holds (datetimes keep their microseconds and offset)."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | datetime.timedelta):
        return str(value)
    raise TypeError(f"{type(value).__name__} does not travel in a merge archive")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=json_default)


def _private_file(path: Path) -> IO[bytes]:
    """A new file readable and writable by its owner only, from the first byte (no window with wider rights)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def _file_sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    lines = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            lines += block.count(b"\n")
    return digest.hexdigest(), lines


@dataclass(frozen=True)
class Archive:
    """A verified archive: its directory, manifest and the manifest's SHA-256 (the archive's identity)."""

    path: Path
    manifest: dict[str, Any]
    sha256: str

    @property
    def locality(self) -> str:
        return str(self.manifest["locality"])

    def files(self) -> dict[str, dict[str, Any]]:
        return {entry["model"]: entry for entry in self.manifest["files"]}

    def rows(self, model: str) -> Iterator[tuple[Any, list[Any]]]:
        """The rows of ``model``, streamed: (key in the source, values in the manifest's field order)."""
        entry = self.files()[model]
        width = len(entry["fields"])
        with (self.path / entry["path"]).open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    row = json.loads(line)
                    pk, values = row["pk"], row["f"]
                except (ValueError, KeyError, TypeError) as exc:
                    raise ArchiveError(f"{model}, line {number}: not a row ({exc})") from None
                if not isinstance(values, list) or len(values) != width:
                    raise ArchiveError(f"{model}, line {number}: not {width} values")
                yield pk, values


def _natural_key(keys: dict[Any, list[Any]], value: Any) -> list[Any] | None:
    return None if value is None else keys[value]


def _reference_keys(plan: MergePlan, label: str) -> dict[Any, list[Any]]:
    ref = plan.references[label]
    return {pk: list(values) for pk, *values in ref.model._default_manager.values_list("pk", *ref.key).iterator(_CHUNK)}


def _export_model(plan: MergePlan, planned: PlannedModel, out: Path, refs: dict[str, dict[Any, list[Any]]]) -> dict:
    spec = planned.spec
    fields = spec.fields()
    encoders: list[Callable[[Any], Any] | None] = []
    for f in fields:
        target = f.related_model._meta.label_lower if f.is_relation else None  # type: ignore[union-attr]
        if target in plan.references:
            if target not in refs:
                refs[target] = _reference_keys(plan, target)
            keys = refs[target]
            encoders.append(partial(_natural_key, keys))
        else:
            encoders.append(None)
    relative = f"{planned.app}/{spec.label}.jsonl"
    digest = hashlib.sha256()
    rows = 0
    queryset = spec.model._default_manager.order_by("pk").values_list("pk", *[f.attname for f in fields])
    with _private_file(out / relative) as handle:
        for pk, *values in queryset.iterator(_CHUNK):
            encoded = [
                value if encode is None else encode(value) for encode, value in zip(encoders, values, strict=True)
            ]
            line = (dumps({"pk": pk, "f": encoded}) + "\n").encode()
            digest.update(line)
            handle.write(line)
            rows += 1
    return {
        "model": spec.label,
        "app": planned.app,
        "path": relative,
        "fields": [f.name for f in fields],
        "personal": list(spec.personal),
        "rows": rows,
        "sha256": digest.hexdigest(),
    }


def merge_export(*, out: Path, locality: str, progress: Callable[[str], None] | None = None) -> Archive:
    """Write this installation's rows of every merge part to the new directory ``out`` (or, when ``out`` ends in
    ``.tar``, to a new tar file of that directory), marked as coming from ``locality``. On PostgreSQL every file is
    read in one repeatable-read snapshot."""
    if not locality:
        raise ArchiveError("the source locality's code is missing")
    if out.suffix == ".tar":
        if out.exists():
            raise ArchiveError(f"{out} exists")
        with tempfile.TemporaryDirectory(prefix=".smartgov-merge-", dir=out.parent) as work:  # 0700
            archive = merge_export(out=Path(work) / "archive", locality=locality, progress=progress)
            with _private_file(out) as handle, tarfile.open(fileobj=handle, mode="w") as bundle:
                for file in sorted(archive.path.rglob("*")):
                    if file.is_file():
                        bundle.add(file, arcname=str(file.relative_to(archive.path)))
        return Archive(path=out, manifest=archive.manifest, sha256=archive.sha256)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ArchiveError(f"{out} exists and is not an empty directory")
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    out.chmod(0o700)
    plan = merge_plan()
    files = []
    refs: dict[str, dict[Any, list[Any]]] = {}
    with transaction.atomic():
        if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for planned in plan.order:
            entry = _export_model(plan, planned, out, refs)
            files.append(entry)
            if progress is not None:
                progress(f"{planned.app}: {entry['model']} {entry['rows']} rows")
    parts = {
        app: {
            "version": part.version,
            "models": [spec.label for spec in part.models],
            "personal_data": any(spec.personal for spec in part.models),
        }
        for app, part in plan.parts.items()
    }
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "locality": locality,
        "exported_at": timezone.now().isoformat(),
        "parts": parts,
        "files": files,
    }
    body = (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode()
    with _private_file(out / MANIFEST) as handle:
        handle.write(body)
    archive = Archive(path=out, manifest=manifest, sha256=hashlib.sha256(body).hexdigest())
    with transaction.atomic():
        audit_record(
            actor=None,
            actor_label="smartgov merge export",
            action="platform.merge.export",
            object_type="platform.mergelink",
            object_id=archive.sha256,
            object_repr=f"merge archive of {locality}",
            changes={"locality": locality, "rows": {f["model"]: f["rows"] for f in files}},
        )
    return archive


@contextmanager
def archive_unpacked(path: Path) -> Iterator[Path]:
    """The archive's directory: ``path`` itself, or a tar file's content in a private temporary directory (removed
    afterwards; links and paths leaving it are refused)."""
    if not path.is_file():
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="smartgov-merge-") as work:  # 0700
        try:
            with tarfile.open(path) as bundle:
                bundle.extractall(work, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise ArchiveError(f"{path} is not a readable tar file ({exc})") from None
        yield Path(work)


def archive_open(path: Path, *, expect_sha256: str = "") -> Archive:
    """The archive at ``path``, checked before anything is imported: the manifest (its SHA-256 when the operator
    gives the one printed at export), the format, each part's version against this installation's, each file's
    fields, row count and SHA-256. Raises :class:`ArchiveError` naming the first fault."""
    if not path.is_dir():
        raise ArchiveError(f"{path} is not a merge archive directory")
    try:
        body = (path / MANIFEST).read_bytes()
    except OSError:
        raise ArchiveError(f"{path} has no {MANIFEST}") from None
    sha256 = hashlib.sha256(body).hexdigest()
    if expect_sha256 and sha256 != expect_sha256.lower():
        raise ArchiveError(f"the manifest's SHA-256 is {sha256}, not the {expect_sha256} given: it was changed")
    try:
        manifest = json.loads(body)
        if manifest["format"] != FORMAT:
            raise ArchiveError(f"{MANIFEST} is not a SmartGov merge manifest")
        if manifest["format_version"] != FORMAT_VERSION:
            raise ArchiveError(
                f"the archive's format is version {manifest['format_version']}; this SmartGov reads {FORMAT_VERSION}"
            )
        parts: dict[str, Any] = manifest["parts"]
        files: list[dict[str, Any]] = manifest["files"]
        locality = manifest["locality"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ArchiveError(f"{MANIFEST} is corrupt ({exc})") from None
    if not isinstance(locality, str) or not locality:
        raise ArchiveError(f"{MANIFEST} names no source locality")
    plan = merge_plan()
    for app, described in parts.items():
        installed = plan.parts.get(app)
        if installed is None:
            raise ArchiveError(f"the archive holds the part {app!r}, which no app installed here declares")
        if described.get("version") != installed.version:
            raise ArchiveError(
                f"the part {app!r} is version {described.get('version')} in the archive; "
                f"this installation reads version {installed.version}"
            )
    exported = plan.exported()
    root = path.resolve()
    for entry in files:
        model = entry.get("model")
        if model not in exported or entry.get("app") not in parts:
            raise ArchiveError(f"the archive holds {model!r}, which no merge part here exports")
        expected = [f.name for f in plan.model(model).fields()]
        if entry.get("fields") != expected:
            raise ArchiveError(f"{model} has the fields {entry.get('fields')} in the archive; here {expected}")
        file = (path / str(entry.get("path", ""))).resolve()
        if not file.is_relative_to(root) or not file.is_file():
            raise ArchiveError(f"the file of {model} ({entry.get('path')}) is missing")
        digest, lines = _file_sha256(file)
        if digest != entry.get("sha256"):
            raise ArchiveError(f"the file of {model} does not match its SHA-256 in the manifest: it was changed")
        if lines != entry.get("rows"):
            raise ArchiveError(f"the file of {model} has {lines} rows, the manifest says {entry.get('rows')}")
    return Archive(path=path, manifest=manifest, sha256=sha256)
