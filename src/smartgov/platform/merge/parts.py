"""What each app hands over when two localities merge, and the order the whole installation's rows travel in.

An app declares in its ``merge.py`` (docs/kernel.md §1)::

    PART = MergePart(
        models=[MergeModel(Agency, keys=[("code",)], compare=("name", "kind", "parent"))],
        references=[MergeRef(AdminUnit, key=("generation", "level", "code"))],
    )

:func:`merge_plan` collects every installed app's part and orders all their models so that a row comes after the
rows its foreign keys point at.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from smartgov.platform.contract import contract_exports


@dataclass(frozen=True)
class MergeModel:
    """One model an app exports.

    ``keys``: natural keys, tried in order; a row with at least one key field set is matched on import to the row
    here with the same values (foreign keys compared after they are remapped; an empty field matches an empty one).
    A row matched by none is created with a new primary key. ``compare``: the fields that must agree with a matched
    row, or the row is a conflict (reported, never overwritten); none by default, so a match is never a conflict.
    ``personal``: the fields holding personal data (the manifest lists them; the file is readable by its owner
    only). ``exclude``: fields that do not travel (the target sets them). ``prepare``: a hook ``fields -> fields``
    called on a row about to be created here (after its foreign keys are remapped)."""

    model: type[models.Model]
    keys: Sequence[tuple[str, ...]] = ()
    compare: tuple[str, ...] = ()
    personal: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    @property
    def label(self) -> str:
        return str(self.model._meta.label_lower)

    @property
    def keep_pk(self) -> bool:
        """A primary key that is not a database counter (a UUID) travels and stays; a counter is given anew."""
        return not isinstance(self.model._meta.pk, models.AutoField | models.BigAutoField | models.SmallAutoField)

    def fields(self) -> list["models.Field[Any, Any]"]:
        """The concrete fields that travel, in model order (the primary key only when it is kept)."""
        meta = self.model._meta
        return [
            f
            for f in meta.concrete_fields
            if f.name not in self.exclude and (not f.primary_key or self.keep_pk) and not f.auto_created
        ]


@dataclass(frozen=True)
class MergeRef:
    """Reference data both installations hold alike (the national administrative units): never exported; a foreign
    key to it travels as its natural ``key`` (plain fields), and the import finds the same row here."""

    model: type[models.Model]
    key: tuple[str, ...]

    @property
    def label(self) -> str:
        return str(self.model._meta.label_lower)


@dataclass(frozen=True)
class MergePart:
    """An app's part of the merge archive: its ``models`` (in dependency order), the reference data its foreign keys
    point at, and the ``version`` of its layout (raise it when the exported fields change; an archive of another
    version is refused)."""

    models: Sequence[MergeModel]
    references: Sequence[MergeRef] = ()
    version: int = 1


@dataclass(frozen=True)
class PlannedModel:
    """A model in the installation's order, with the app whose part declares it."""

    app: str
    spec: MergeModel


@dataclass(frozen=True)
class MergePlan:
    parts: dict[str, MergePart]
    order: list[PlannedModel]
    references: dict[str, MergeRef] = field(default_factory=dict)

    def model(self, label: str) -> MergeModel:
        return next(p.spec for p in self.order if p.spec.label == label)

    def exported(self) -> set[str]:
        return {p.spec.label for p in self.order}


def merge_parts() -> dict[str, MergePart]:
    """Every installed app's part, by app label, in ``INSTALLED_APPS`` order."""
    found: dict[str, MergePart] = {}
    for config, part in contract_exports("merge", "PART"):
        if not isinstance(part, MergePart):
            raise ImproperlyConfigured(f"{config.name}.merge.PART is not a MergePart")
        found[config.label] = part
    return found


def merge_plan() -> MergePlan:
    """The installation's merge plan: every part's models ordered after what their foreign keys point at. Refuses a
    foreign key to a model that neither travels nor is declared reference data, and a cycle."""
    parts = merge_parts()
    declared = [PlannedModel(app, spec) for app, part in parts.items() for spec in part.models]
    references = {ref.label: ref for part in parts.values() for ref in part.references}
    labels = [p.spec.label for p in declared]
    if len(set(labels)) != len(labels):
        raise ImproperlyConfigured(f"a model is declared by two merge parts: {sorted(labels)}")
    exported = set(labels)
    needs: dict[str, set[str]] = {}
    for planned in declared:
        spec = planned.spec
        needs[spec.label] = set()
        for name in (*[k for key in spec.keys for k in key], *spec.compare, *spec.personal, *spec.exclude):
            spec.model._meta.get_field(name)  # a misspelt field fails here, at start-up of the command
        for f in spec.fields():
            if not f.is_relation:
                continue
            target = f.related_model._meta.label_lower  # type: ignore[union-attr]
            if target in references:
                continue
            if target not in exported:
                raise ImproperlyConfigured(
                    f"{spec.label}.{f.name} points at {target}, which no merge part exports or declares as reference"
                )
            if target != spec.label:
                needs[spec.label].add(target)
    order: list[PlannedModel] = []
    waiting = list(declared)
    while waiting:
        placed = {p.spec.label for p in order}
        ready = next((p for p in waiting if needs[p.spec.label] <= placed), None)
        if ready is None:
            raise ImproperlyConfigured(f"the merge parts' foreign keys form a cycle: {[p.spec.label for p in waiting]}")
        order.append(ready)
        waiting.remove(ready)
    return MergePlan(parts=parts, order=order, references=references)
