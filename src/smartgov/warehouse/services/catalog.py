"""The catalog's writes (docs/warehouse.md): shared databases, tables with their declared columns, and the grants
that let other agencies read a restricted table.

Who may: a data steward of the owner agency, or a platform administrator (``identity.authz``); the system (the demo,
a command) acts with ``actor`` None. Every write is one transaction with its audit row; a table's creation and
changes are published as ``warehouse.table.created`` / ``warehouse.table.updated`` (events.py)."""

import math
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.identity import authz
from smartgov.platform.errors import Conflict, DomainError, Forbidden
from smartgov.platform.models import Agency
from smartgov.platform.services.audit import audit_record
from smartgov.platform.services.common import model_snapshot, model_update
from smartgov.platform.services.outbox import event_publish
from smartgov.warehouse.models import Column, IngestionRun, SharedDatabase, Table, TableGrant

Role = authz.Role

#: What a steward sets on a shared database and on a table (the code is the key; rows and versions come from loads).
DATABASE_FIELDS = ("name", "description", "owner", "status")
TABLE_FIELDS = (
    "name",
    "description",
    "owner",
    "steward",
    "classification",
    "importance",
    "frequency",
    "status",
    "source",
    "origin",
    "pull_service",
    "pull_every_hours",
    "open_dataset",
)
#: The keys of a declared column (the engine's ``ColumnSpec``).
COLUMN_KEYS = frozenset(
    {"name", "type", "description", "personal", "required", "unique", "minimum", "maximum", "pattern", "reference"}
)
MAX_COLUMNS = 1000
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def _steward_check(actor: Any, agency: Agency | None) -> None:
    """The system (None), a data steward of ``agency`` or a platform administrator; anyone else is refused."""
    if actor is None:
        return
    if agency is None or not authz.holds(actor, Role.DATA_STEWARD, agency=agency):
        raise Forbidden(_("Only a data steward of the owner agency or a platform administrator may do this."))


def _clean(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """The model's own validation (codes, choices, lengths) as a DomainError with the fields' messages."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise DomainError(
            "; ".join(f"{name}: {' '.join(str(m) for m in messages)}" for name, messages in exc.message_dict.items())
        ) from exc


def _fields_check(given: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise DomainError(_("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)})


def _number(value: Any, label: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise DomainError(_("The %(rule)s of a column must be a number.") % {"rule": label})
    try:
        number = float(value)
    except ValueError:
        raise DomainError(_("The %(rule)s of a column must be a number.") % {"rule": label}) from None
    if not math.isfinite(number):
        raise DomainError(_("The %(rule)s of a column must be a finite number.") % {"rule": label})
    return number


def columns_check(columns: list[dict[str, Any]]) -> list[Column]:
    """The declared columns as unsaved :class:`Column` rows, in order, once each is valid: a name usable in SQL and
    unique, a known type, minimum ≤ maximum, a pattern that compiles, a master-data reference given as a code.
    Otherwise a DomainError naming the column."""
    if not isinstance(columns, list):
        raise DomainError(_("The columns must be a list."))
    if len(columns) > MAX_COLUMNS:
        raise DomainError(_("A table has at most %(n)d columns.") % {"n": MAX_COLUMNS})
    found: list[Column] = []
    seen: set[str] = set()
    for position, spec in enumerate(columns, start=1):
        if not isinstance(spec, dict):
            raise DomainError(_("Column %(n)d is not an object.") % {"n": position})
        unknown = sorted(set(spec) - COLUMN_KEYS)
        if unknown:
            raise DomainError(
                _("Column %(n)d has unknown keys: %(keys)s.") % {"n": position, "keys": ", ".join(unknown)}
            )
        name = spec.get("name")
        if not isinstance(name, str) or not _CODE.match(name):
            raise DomainError(
                _("Column %(n)d: the name must be lower-case letters without accents, digits and _.") % {"n": position}
            )
        if name in seen:
            raise DomainError(_("The column %(name)s is declared twice.") % {"name": name})
        seen.add(name)
        kind = spec.get("type", Column.Type.TEXT)
        if kind not in Column.Type.values:
            raise DomainError(_("Column %(name)s: unknown type %(type)s.") % {"name": name, "type": str(kind)[:40]})
        flags = {key: spec.get(key, False) for key in ("personal", "required", "unique")}
        if any(not isinstance(value, bool) for value in flags.values()):
            raise DomainError(_("Column %(name)s: personal, required and unique are true or false.") % {"name": name})
        minimum, maximum = _number(spec.get("minimum"), _("minimum")), _number(spec.get("maximum"), _("maximum"))
        if minimum is not None and maximum is not None and minimum > maximum:
            raise DomainError(_("Column %(name)s: the minimum is above the maximum.") % {"name": name})
        pattern = spec.get("pattern") or ""
        description = spec.get("description") or ""
        reference = spec.get("reference") or ""
        if not all(isinstance(text, str) for text in (pattern, description, reference)):
            raise DomainError(_("Column %(name)s: pattern, description and reference are text.") % {"name": name})
        if len(pattern) > 300 or len(description) > 500:
            raise DomainError(_("Column %(name)s: the pattern or the description is too long.") % {"name": name})
        if pattern:
            try:
                re.compile(pattern)
            except re.error:
                raise DomainError(
                    _("Column %(name)s: the pattern is not a valid regular expression.") % {"name": name}
                ) from None
        if reference and not _CODE.match(reference):
            raise DomainError(_("Column %(name)s: the master-data reference must be a code.") % {"name": name})
        found.append(
            Column(
                position=position,
                name=name,
                type=kind,
                description=description,
                minimum=minimum,
                maximum=maximum,
                pattern=pattern,
                reference=reference,
                **flags,
            )
        )
    return found


def _columns_plain(table: Table) -> list[dict[str, Any]]:
    keys = sorted(COLUMN_KEYS)
    return [dict(zip(keys, row, strict=True)) for row in table.columns.order_by("position").values_list(*keys)]


def _columns_replace(table: Table, columns: list[Column]) -> None:
    table.columns.all().delete()
    for column in columns:
        column.table = table
    Column.objects.bulk_create(columns)


def _table_payload(table: Table) -> dict[str, Any]:
    return {
        "table": table.pk,
        "name": table.qualified_name,
        "owner": table.owner.code,
        "classification": table.classification,
        "open_dataset": table.open_dataset,
    }


def database_create(
    *, actor: Any, code: str, name: str, owner: Agency, description: str = "", status: str = "building"
) -> SharedDatabase:
    """A new shared database owned by ``owner``; a code already used is a Conflict."""
    _steward_check(actor, owner)
    database = SharedDatabase(code=code, name=name.strip(), owner=owner, description=description, status=status)
    _clean(database, exclude=["code"] if not isinstance(code, str) else None)
    with transaction.atomic():
        if SharedDatabase.objects.filter(code=code).exists():
            raise Conflict(_("A shared database with the code %(code)s exists.") % {"code": code})
        try:
            with transaction.atomic():
                database.save()
        except IntegrityError:
            raise Conflict(_("A shared database with the code %(code)s exists.") % {"code": code}) from None
        audit_record(
            actor=actor,
            action="warehouse.database.create",
            obj=database,
            changes=model_snapshot(database, ["code", "name", "owner", "status"]),
        )
    return database


def database_update(*, actor: Any, database: SharedDatabase, **fields: Any) -> dict[str, list[Any]]:
    """Change a shared database's name, description, owner or status; returns the changes (empty: nothing)."""
    _fields_check(fields, DATABASE_FIELDS)
    _steward_check(actor, database.owner)
    if "owner" in fields:
        _steward_check(actor, fields["owner"])
    with transaction.atomic():
        locked = SharedDatabase.objects.select_for_update().get(pk=database.pk)
        try:
            changes = model_update(locked, fields)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages)) from exc
        if changes:
            audit_record(actor=actor, action="warehouse.database.update", obj=locked, changes=changes)
    for name in changes:
        setattr(database, name, getattr(locked, name))
    return changes


def table_create(
    *,
    actor: Any,
    database: SharedDatabase,
    code: str,
    name: str,
    owner: Agency | None = None,
    columns: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Table:
    """A new table of ``database`` (owned by the database's owner unless ``owner`` is given), with its declared
    columns (dicts with the keys of :data:`COLUMN_KEYS`)."""
    _fields_check(fields, TABLE_FIELDS)
    owner = owner or database.owner
    _steward_check(actor, owner)
    declared = columns_check(columns or [])
    table = Table(database=database, code=code, name=name.strip(), owner=owner, **fields)
    _clean(table, exclude=["database", "owner", "steward"])
    with transaction.atomic():
        if Table.objects.filter(database=database, code=code).exists():
            raise Conflict(_("The table %(name)s exists.") % {"name": f"{database.code}.{code}"})
        try:
            with transaction.atomic():
                table.save()
        except IntegrityError:
            raise Conflict(_("The table %(name)s exists.") % {"name": f"{database.code}.{code}"}) from None
        _columns_replace(table, declared)
        changes = model_snapshot(table, ["database", "code", "name", "owner", "classification", "importance", "status"])
        changes["columns"] = [None, [c.name for c in declared]]
        audit_record(actor=actor, action="warehouse.table.create", obj=table, changes=changes)
        event_publish(topic="warehouse.table.created", payload=_table_payload(table), obj=table)
    return table


def table_update(
    *, actor: Any, table: Table, columns: list[dict[str, Any]] | None = None, **fields: Any
) -> dict[str, list[Any]]:
    """Change a table's description and policy fields and, when ``columns`` is given, replace its declared columns.
    Returns the changes (empty: nothing changed, nothing audited or published)."""
    _fields_check(fields, TABLE_FIELDS)
    _steward_check(actor, table.owner)
    if "owner" in fields:
        _steward_check(actor, fields["owner"])
    declared = columns_check(columns) if columns is not None else None
    with transaction.atomic():
        locked = Table.objects.select_for_update().select_related("database", "owner").get(pk=table.pk)
        try:
            changes = model_update(locked, fields)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages)) from exc
        if declared is not None:
            before = _columns_plain(locked)
            _columns_replace(locked, declared)
            after = _columns_plain(locked)
            if before != after:
                changes["columns"] = [before, after]
        if changes:
            audit_record(actor=actor, action="warehouse.table.update", obj=locked, changes=changes)
            event_publish(
                topic="warehouse.table.updated",
                payload={**_table_payload(locked), "fields": sorted(changes)},
                obj=locked,
            )
    for name in changes:
        if name != "columns":
            setattr(table, name, getattr(locked, name))
    return changes


def grant_add(*, actor: Any, table: Table, agency: Agency, purpose: str, personal: bool = False) -> TableGrant:
    """Let ``agency`` read ``table`` (and its personal data when ``personal``), for ``purpose``. Granting the
    owner, or an agency already granted, is refused."""
    _steward_check(actor, table.owner)
    purpose = purpose.strip()
    if not purpose:
        raise DomainError(_("Say for what purpose the agency may read the table."))
    if len(purpose) > 500:
        raise DomainError(_("The purpose is too long: at most %(n)d characters.") % {"n": 500})
    if agency.pk == table.owner_id:
        raise DomainError(_("The owner agency reads its own tables without a grant."))
    with transaction.atomic():
        if TableGrant.objects.filter(table=table, agency=agency).exists():
            raise Conflict(_("%(agency)s may already read this table.") % {"agency": agency.name})
        try:
            with transaction.atomic():
                grant = TableGrant.objects.create(table=table, agency=agency, purpose=purpose, personal=personal)
        except IntegrityError:
            raise Conflict(_("%(agency)s may already read this table.") % {"agency": agency.name}) from None
        audit_record(
            actor=actor,
            action="warehouse.grant.add",
            obj=table,
            changes={"grant": [None, {"agency": agency.code, "personal": personal, "purpose": purpose}]},
        )
        event_publish(
            topic="warehouse.table.updated", payload={**_table_payload(table), "fields": ["grants"]}, obj=table
        )
    return grant


def grant_remove(*, actor: Any, grant: TableGrant) -> None:
    """``grant``'s agency may no longer read its table."""
    table = grant.table
    _steward_check(actor, table.owner)
    with transaction.atomic():
        deleted, _rows = TableGrant.objects.filter(pk=grant.pk).delete()
        if not deleted:
            return
        audit_record(
            actor=actor,
            action="warehouse.grant.remove",
            obj=table,
            changes={"grant": [{"agency": grant.agency.code, "personal": grant.personal}, None]},
        )
        event_publish(
            topic="warehouse.table.updated", payload={**_table_payload(table), "fields": ["grants"]}, obj=table
        )


def version_current(table: Table, *, version: int, rows: int, run: IngestionRun) -> tuple[Table, dict[str, list[Any]]]:
    """Inside the caller's transaction: ``version`` (``rows`` rows, written by ``run``) becomes ``table``'s current
    one — never moving back, so of two writers at once the later version wins —, a planned or collected table becomes
    published (a retired one stays retired), and ``warehouse.version.published`` is published. Returns the table as
    locked and saved, with its changes for the caller's audit row. Every way a version is made (an upload, a pull, a
    restore, a publisher, the demo) ends here."""
    locked = Table.objects.select_for_update().select_related("database", "owner").get(pk=table.pk)
    changes: dict[str, list[Any]] = {}
    if locked.current_version is None or locked.current_version < version:
        status = locked.status if locked.status == Table.Status.RETIRED else Table.Status.PUBLISHED
        changes = model_update(
            locked, {"current_version": version, "rows": rows, "updated_at": timezone.now(), "status": status}
        )
    event_publish(
        topic="warehouse.version.published",
        payload={"table": locked.qualified_name, "version": version, "rows": rows, "run": str(run.uuid)},
        obj=locked,
    )
    return locked, changes


def table_version_record(
    *, actor: Any, table: Table, version: int, rows: int, kind: str = "upload", original_name: str = ""
) -> IngestionRun:
    """Record that ``table``'s rows are now ``version`` on the storage (written outside the upload pages: the demo,
    a publisher), with a succeeded run as its lineage (``version_current``)."""
    _steward_check(actor, table.owner)
    with transaction.atomic():
        run = IngestionRun.objects.create(
            table=table,
            started_by=actor,
            kind=kind,
            original_name=original_name,
            status=IngestionRun.Status.SUCCEEDED,
            rows_read=rows,
            rows_accepted=rows,
            version=version,
            finished_at=timezone.now(),
        )
        locked, changes = version_current(table, version=version, rows=rows, run=run)
        audit_record(actor=actor, action="warehouse.table.version", obj=locked, changes=changes)
    for name in ("current_version", "rows", "updated_at", "status"):
        setattr(table, name, getattr(locked, name))
    return run
