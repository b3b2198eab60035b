"""Import a merge archive: every row matched by its link or natural key, or created here, in one transaction.

For each model in the installation's order, rows are read in batches. A row already linked (``MergeLink``: source
locality, model, key there) is skipped, so a second import of the same archive adds nothing. Otherwise its foreign
keys are remapped through the links of the rows they point at (or the natural key of a reference row), then it is
matched by its natural keys to a row here — the same data: *matched*; different data in a compared field:
*conflict*, the row here kept as it is — or created with a new primary key. Every outcome is linked.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from smartgov.platform.merge.archive import Archive, ArchiveError, json_default
from smartgov.platform.merge.parts import MergeModel, MergePlan, merge_plan
from smartgov.platform.models import Locality, MergeLink
from smartgov.platform.services.audit import audit_record

BATCH = 500
_OR_CHUNK = 200
#: Conflicts kept in the report (all of them are in MergeLink).
REPORT_CONFLICTS = 100


@dataclass(frozen=True)
class Conflict:
    model: str
    source_key: str
    target_key: str
    differences: dict[str, list[Any]]


@dataclass
class Tally:
    created: int = 0
    matched: int = 0
    conflicts: int = 0
    already: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "matched": self.matched, "conflicts": self.conflicts, "already": self.already}


@dataclass
class ImportReport:
    source: str
    archive: str
    dry_run: bool
    models: dict[str, Tally] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    #: Parts installed here that the archive does not hold (the source had no such app).
    absent: list[str] = field(default_factory=list)

    def total(self) -> Tally:
        total = Tally()
        for tally in self.models.values():
            total.created += tally.created
            total.matched += tally.matched
            total.conflicts += tally.conflicts
            total.already += tally.already
        return total


class ConflictsRefused(Exception):
    """The archive holds conflicts and the operator did not accept them: nothing was imported."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{report.total().conflicts} conflicts")
        self.report = report


class _DryRun(Exception):
    pass


@dataclass
class _Row:
    """A row on its way in: its key in the source, its attributes here, the foreign keys to its own model set once
    the model is done (attname, source key), and the foreign keys that point at rows this import created."""

    source_key: str
    attrs: dict[str, Any]
    pending: list[tuple[str, str]] = field(default_factory=list)
    fresh: set[str] = field(default_factory=set)


def _batches(rows: Iterator[tuple[Any, list[Any]]]) -> Iterator[list[tuple[Any, list[Any]]]]:
    while batch := list(islice(rows, BATCH)):
        yield batch


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=json_default))


def _attname(spec: MergeModel, name: str) -> str:
    return str(spec.model._meta.get_field(name).attname)  # type: ignore[union-attr]


class _ModelImport:
    """One model's rows of one archive."""

    def __init__(self, plan: MergePlan, spec: MergeModel, archive: Archive, now: Any, report: ImportReport) -> None:
        self.plan, self.spec, self.archive, self.now, self.report = plan, spec, archive, now, report
        self.fields = spec.fields()
        self.tally = report.models.setdefault(spec.label, Tally())
        self.references: dict[str, dict[tuple[Any, ...], Any]] = {}
        self.deferred: list[tuple[Any, str, str]] = []  # (new pk, attname, source key of the row it points at)
        meta = spec.model._meta
        self.keys: list[tuple[str, ...]] = [(meta.pk.attname,)] if spec.keep_pk and meta.pk is not None else []
        for key in spec.keys:
            self.keys.append(tuple(_attname(spec, name) for name in key))
        self.compare = [_attname(spec, name) for name in spec.compare]

    def link(self, source_key: str, target_key: Any, outcome: str, differences: dict[str, list[Any]]) -> MergeLink:
        return MergeLink(
            source=self.archive.locality,
            model=self.spec.label,
            source_key=source_key,
            target_key=str(target_key),
            outcome=outcome,
            differences=differences,
            archive=self.archive.sha256,
            imported_at=self.now,
        )

    def reference(self, label: str, value: list[Any] | None) -> Any:
        if value is None:
            return None
        ref = self.plan.references[label]
        if label not in self.references:
            self.references[label] = {
                tuple(values): pk for pk, *values in ref.model._default_manager.values_list("pk", *ref.key).iterator()
            }
        try:
            return self.references[label][tuple(value)]
        except KeyError:
            raise ArchiveError(f"{label} {value} is not known here: load the reference data first") from None

    def run(self) -> None:
        for batch in _batches(self.archive.rows(self.spec.label)):
            self.batch(batch)
        self.resolve_deferred()

    def batch(self, batch: list[tuple[Any, list[Any]]]) -> None:
        source = self.archive.locality
        keys = [str(pk) for pk, _values in batch]
        linked = set(
            MergeLink.objects.filter(source=source, model=self.spec.label, source_key__in=keys).values_list(
                "source_key", flat=True
            )
        )
        self.tally.already += len(linked)
        todo = [(str(pk), values) for pk, values in batch if str(pk) not in linked]
        if not todo:
            return
        rows = self.remap(todo)
        found = self.match(rows)
        links: list[MergeLink] = []
        new: list[_Row] = []
        for row in rows:
            source_key, attrs = row.source_key, row.attrs
            target = found.get(source_key)
            if target is None:
                new.append(row)
                continue
            unset = {attname for attname, _ref in row.pending}  # set after the model is done: not compared
            differences = {
                name: _jsonable([target[name], attrs[name]])
                for name in self.compare
                if name not in unset and target[name] != attrs[name]
            }
            if differences:
                self.tally.conflicts += 1
                if len(self.report.conflicts) < REPORT_CONFLICTS:
                    self.report.conflicts.append(Conflict(self.spec.label, source_key, str(target["pk"]), differences))
                links.append(self.link(source_key, target["pk"], MergeLink.Outcome.CONFLICT, differences))
            else:
                self.tally.matched += 1
                links.append(self.link(source_key, target["pk"], MergeLink.Outcome.MATCHED, {}))
        if new:
            prepare = self.spec.prepare
            objects = [self.spec.model(**(prepare(row.attrs) if prepare else row.attrs)) for row in new]
            self.spec.model._default_manager.bulk_create(objects)
            for row, obj in zip(new, objects, strict=True):
                links.append(self.link(row.source_key, obj.pk, MergeLink.Outcome.CREATED, {}))
                self.deferred.extend((obj.pk, attname, ref) for attname, ref in row.pending)
            self.tally.created += len(new)
        MergeLink.objects.bulk_create(links)

    def remap(self, todo: list[tuple[str, list[Any]]]) -> list[_Row]:
        """Each row's attributes here: plain values parsed by their field, foreign keys pointed at the rows here.
        A nullable foreign key to a row of the same model not imported yet is set once the model is done."""
        targets: dict[int, dict[str, tuple[str, bool]]] = {}
        for index, f in enumerate(self.fields):
            if not f.is_relation or f.related_model._meta.label_lower in self.plan.references:  # type: ignore[union-attr]
                continue
            related = f.related_model._meta.label_lower  # type: ignore[union-attr]
            wanted = {str(values[index]) for _key, values in todo if values[index] is not None}
            links = MergeLink.objects.filter(source=self.archive.locality, model=related, source_key__in=wanted)
            targets[index] = {
                source_key: (target_key, outcome == MergeLink.Outcome.CREATED and archive == self.archive.sha256)
                for source_key, target_key, outcome, archive in links.values_list(
                    "source_key", "target_key", "outcome", "archive"
                )
            }
        rows = []
        for source_key, values in todo:
            row = _Row(source_key, {})
            attrs = row.attrs
            for index, (f, value) in enumerate(zip(self.fields, values, strict=True)):
                if value is None:
                    attrs[f.attname] = None
                elif not f.is_relation:
                    try:
                        attrs[f.attname] = f.to_python(value)
                    except ValidationError as exc:
                        raise ArchiveError(f"{self.spec.label} {source_key}: {f.name}: {exc.messages[0]}") from None
                elif index not in targets:
                    attrs[f.attname] = self.reference(f.related_model._meta.label_lower, value)  # type: ignore[union-attr]
                else:
                    related_pk = f.target_field  # type: ignore[attr-defined]
                    target = targets[index].get(str(value))
                    if target is not None:
                        attrs[f.attname] = related_pk.to_python(target[0])
                        if target[1]:
                            row.fresh.add(f.attname)
                    elif f.related_model is self.spec.model and f.null:
                        attrs[f.attname] = None
                        row.pending.append((f.attname, str(value)))
                    else:
                        raise ArchiveError(
                            f"{self.spec.label} {source_key}: {f.name} points at "
                            f"{f.related_model._meta.label_lower} {value}, which the archive does not hold"  # type: ignore[union-attr]
                        )
            rows.append(row)
        return rows

    def match(self, rows: list[_Row]) -> dict[str, dict[str, Any]]:
        """The row here each row matches by its first natural key that finds one: source key → the row's values.

        A key is not looked up for a row when it points at a row this import created (nothing here can hold it yet),
        nor when it holds every field of an earlier key the row had in full (that key found nothing already)."""
        manager = self.spec.model._default_manager
        wanted = ["pk", *{name for key in self.keys for name in key}, *self.compare]
        found: dict[str, dict[str, Any]] = {}
        for number, key in enumerate(self.keys):
            earlier = [k for k in self.keys[:number] if set(k) <= set(key)]
            candidates = [
                (row.source_key, tuple(row.attrs[name] for name in key))
                for row in rows
                if row.source_key not in found
                and any(row.attrs[name] is not None for name in key)
                and not row.fresh.intersection(key)
                and not any(all(row.attrs[name] is not None for name in k) for k in earlier)
            ]
            if len(key) == 1 and all(values[0] is not None for _key, values in candidates):
                (name,) = key
                chunks = [candidates[i : i + BATCH] for i in range(0, len(candidates), BATCH)]
                for chunk in chunks:
                    values_in = {values[0] for _key, values in chunk}
                    here = {(row[name],): row for row in manager.filter(**{f"{name}__in": values_in}).values(*wanted)}
                    found.update({source_key: here[values] for source_key, values in chunk if values in here})
                continue
            for start in range(0, len(candidates), _OR_CHUNK):
                chunk = candidates[start : start + _OR_CHUNK]
                condition = Q()
                for _source_key, values in chunk:
                    condition |= Q(
                        **{(name if v is not None else f"{name}__isnull"): (v if v is not None else True)
                           for name, v in zip(key, values, strict=True)}
                    )  # fmt: skip
                here = {tuple(row[name] for name in key): row for row in manager.filter(condition).values(*wanted)}
                for source_key, values in chunk:
                    if values in here:
                        found[source_key] = here[values]
        return found

    def resolve_deferred(self) -> None:
        if not self.deferred:
            return
        wanted = {ref for _pk, _attname, ref in self.deferred}
        targets = dict(
            MergeLink.objects.filter(
                source=self.archive.locality, model=self.spec.label, source_key__in=wanted
            ).values_list("source_key", "target_key")
        )
        pk_field = self.spec.model._meta.pk
        for pk, attname, ref in self.deferred:
            if ref not in targets or pk_field is None:
                raise ArchiveError(f"{self.spec.label} {pk}: {attname} points at {ref}, not in the archive")
            self.spec.model._default_manager.filter(pk=pk).update(**{attname: pk_field.to_python(targets[ref])})


def merge_import(
    *,
    archive: Archive,
    dry_run: bool = False,
    accept_conflicts: bool = False,
    progress: Callable[[str, Tally], None] | None = None,
) -> ImportReport:
    """Import a checked archive (:func:`smartgov.platform.merge.archive.archive_open`) in one transaction. With
    conflicts, nothing is kept unless ``accept_conflicts`` (the rows here win; each conflict stays in MergeLink).
    ``dry_run`` does everything, reports, and keeps nothing."""
    own = Locality.objects.select_related("province").first()
    if own is not None and own.province.code == archive.locality:
        raise ArchiveError(f"the archive comes from this installation's own locality ({archive.locality})")
    plan = merge_plan()
    files = archive.files()
    report = ImportReport(source=archive.locality, archive=archive.sha256, dry_run=dry_run)
    report.absent = [app for app in plan.parts if app not in archive.manifest["parts"]]
    now = timezone.now()
    try:
        with transaction.atomic():
            for planned in plan.order:
                if planned.spec.label not in files:
                    continue
                step = _ModelImport(plan, planned.spec, archive, now, report)
                step.run()
                if progress is not None:
                    progress(planned.spec.label, step.tally)
            for app in plan.parts:
                if app in report.absent:
                    continue
                tallies = {s.label: report.models[s.label].as_dict() for s in plan.parts[app].models}
                audit_record(
                    actor=None,
                    actor_label="smartgov merge import",
                    action="platform.merge.import",
                    object_type="platform.mergelink",
                    object_id=archive.sha256,
                    object_repr=f"{archive.locality}: {app}",
                    changes={"source": archive.locality, "part": app, "models": tallies},
                )
            if dry_run:
                raise _DryRun
            if report.total().conflicts and not accept_conflicts:
                raise ConflictsRefused(report)
    except _DryRun:
        pass
    return report
