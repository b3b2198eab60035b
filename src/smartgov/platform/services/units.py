"""Loading the administrative units and reviewing split successions.

The data comes from the ``vietnam-provinces`` package: the current two-tier units (from 1 July 2025), the legacy
three-tier tree and the official old→new conversion table, in which an old commune split between several new
ones has several successors. Loading is idempotent: a second run changes nothing, and it never undoes a review.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _
from rich.progress import Progress

from smartgov.platform.errors import DomainError, NotFound
from smartgov.platform.models import AdminUnit, AdminUnitSuccession
from smartgov.platform.services.audit import audit_record
from smartgov.platform.text import fold

REFORM_DAY = date(2025, 7, 1)
LEGACY_LAST_DAY = date(2025, 6, 30)
PROVINCE_BASIS = "Nghị quyết 202/2025/QH15"
COMMUNE_BASIS = "Nghị quyết của Ủy ban Thường vụ Quốc hội về sắp xếp đơn vị hành chính cấp xã năm 2025"
BATCH = 1000

_KINDS = {
    "tỉnh": AdminUnit.Kind.PROVINCE,
    "thành phố trung ương": AdminUnit.Kind.CENTRAL_CITY,
    "quận": AdminUnit.Kind.URBAN_DISTRICT,
    "huyện": AdminUnit.Kind.DISTRICT,
    "thị xã": AdminUnit.Kind.TOWN,
    "phường": AdminUnit.Kind.WARD,
    "xã": AdminUnit.Kind.COMMUNE,
    "thị trấn": AdminUnit.Kind.TOWNSHIP,
    "đặc khu": AdminUnit.Kind.SPECIAL_ZONE,
}
_DIGITS = {AdminUnit.Level.PROVINCE: 2, AdminUnit.Level.DISTRICT: 3, AdminUnit.Level.COMMUNE: 5}

Key = tuple[str, int, str]  # (generation, level, code)


@dataclass
class UnitsLoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    successions_created: int = 0
    successions_updated: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.successions_created + self.successions_updated


@dataclass(frozen=True)
class _Unit:
    generation: str
    level: int
    code: str
    kind: str
    name: str
    parent: Key | None
    valid_from: date | None
    valid_to: date | None

    @property
    def key(self) -> Key:
        return (self.generation, self.level, self.code)


def _code(level: int, number: int) -> str:
    return str(int(number)).zfill(_DIGITS[AdminUnit.Level(level)])


def _kind(division_type: Any, *, level: int, in_central_city: bool) -> str:
    text = str(division_type.value if hasattr(division_type, "value") else division_type)
    if text == "thành phố":  # a city at district level
        return AdminUnit.Kind.CITY_IN_CITY if in_central_city else AdminUnit.Kind.PROVINCIAL_CITY
    return _KINDS[text]


def _source() -> Iterator[_Unit]:
    """Every unit of both generations, parents before children."""
    from vietnam_provinces import Province, Ward
    from vietnam_provinces.legacy import base as legacy

    current, old = AdminUnit.Generation.CURRENT, AdminUnit.Generation.LEGACY
    province, district, commune = AdminUnit.Level.PROVINCE, AdminUnit.Level.DISTRICT, AdminUnit.Level.COMMUNE
    for p in Province.iter_all():
        yield _Unit(
            current,
            province,
            _code(province, p.code),
            _kind(p.division_type, level=province, in_central_city=False),
            p.name,
            None,
            REFORM_DAY,
            None,
        )
    for w in Ward.iter_all():
        parent = (current, province, _code(province, w.province_code))
        yield _Unit(
            current,
            commune,
            _code(commune, w.code),
            _kind(w.division_type, level=commune, in_central_city=False),
            w.name,
            parent,
            REFORM_DAY,
            None,
        )
    central = set()
    for lp in legacy.Province.iter_all():
        kind = _kind(lp.division_type, level=province, in_central_city=False)
        if kind == AdminUnit.Kind.CENTRAL_CITY:
            central.add(int(lp.code))
        yield _Unit(old, province, _code(province, lp.code), kind, lp.name, None, None, LEGACY_LAST_DAY)
    for d in legacy.District.iter_all():
        parent = (old, province, _code(province, d.province_code))
        kind = _kind(d.division_type, level=district, in_central_city=int(d.province_code) in central)
        yield _Unit(old, district, _code(district, d.code), kind, d.name, parent, None, LEGACY_LAST_DAY)
    for lw in legacy.Ward.iter_all():
        parent = (old, district, _code(district, lw.district_code))
        kind = _kind(lw.division_type, level=commune, in_central_city=False)
        yield _Unit(old, commune, _code(commune, lw.code), kind, lw.name, parent, None, LEGACY_LAST_DAY)


def _source_successions() -> Iterator[tuple[Key, Key, bool, str]]:
    """(old unit, new unit, is_partial, legal basis) for provinces and communes."""
    from vietnam_provinces._province_conversion_2025 import OLD_TO_NEW as PROVINCES
    from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW as WARDS

    current, old = AdminUnit.Generation.CURRENT, AdminUnit.Generation.LEGACY
    province, commune = AdminUnit.Level.PROVINCE, AdminUnit.Level.COMMUNE
    for code, entry in PROVINCES.items():
        for new in entry.new_provinces:
            yield (
                (old, province, _code(province, code)),
                (current, province, _code(province, new.code)),
                len(entry.new_provinces) > 1,
                PROVINCE_BASIS,
            )
    for code, ward_entry in WARDS.items():
        partial = ward_entry.old_ward.is_partly_merged or len(ward_entry.new_wards) > 1
        for new_ward in ward_entry.new_wards:
            yield (
                (old, commune, _code(commune, code)),
                (current, commune, _code(commune, new_ward.code)),
                partial,
                COMMUNE_BASIS,
            )


def units_load(*, progress: bool = False) -> UnitsLoadReport:
    """Load or refresh every administrative unit and the old→new relation (idempotent)."""
    report = UnitsLoadReport()
    units = list(_source())
    edges = list(_source_successions())
    with Progress(disable=not progress) as bar, transaction.atomic():
        task = bar.add_task("Administrative units", total=len(units) + len(edges))
        ids: dict[Key, int] = {}
        existing = {
            (u.generation, u.level, u.code): u
            for u in AdminUnit.objects.only(
                "id",
                "generation",
                "level",
                "code",
                "kind",
                "name",
                "parent_id",
                "valid_from",
                "valid_to",
                "search_name",
            )
        }
        for level in (AdminUnit.Level.PROVINCE, AdminUnit.Level.DISTRICT, AdminUnit.Level.COMMUNE):
            to_create: list[AdminUnit] = []
            to_update: list[AdminUnit] = []
            for unit in (u for u in units if u.level == level):
                values = {
                    "kind": unit.kind,
                    "name": unit.name,
                    "search_name": fold(unit.name),
                    "parent_id": ids[unit.parent] if unit.parent else None,
                    "valid_from": unit.valid_from,
                    "valid_to": unit.valid_to,
                }
                row = existing.get(unit.key)
                if row is None:
                    to_create.append(AdminUnit(generation=unit.generation, level=unit.level, code=unit.code, **values))
                elif any(getattr(row, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(row, name, value)
                    to_update.append(row)
                else:
                    report.unchanged += 1
                    ids[unit.key] = row.pk
            AdminUnit.objects.bulk_create(to_create, batch_size=BATCH)
            AdminUnit.objects.bulk_update(to_update, list(values), batch_size=BATCH)
            report.created += len(to_create)
            report.updated += len(to_update)
            if to_create and to_create[0].pk is None:  # a backend that does not return ids
                for row in AdminUnit.objects.filter(level=level).only("id", "generation", "level", "code"):
                    ids[(row.generation, row.level, row.code)] = row.pk
            for row in (*to_create, *to_update):
                if row.pk is not None:
                    ids[(row.generation, row.level, row.code)] = row.pk
            bar.advance(task, sum(1 for u in units if u.level == level))

        known = {(s.predecessor_id, s.successor_id): s for s in AdminUnitSuccession.objects.all()}
        new_edges: list[AdminUnitSuccession] = []
        changed_edges: list[AdminUnitSuccession] = []
        for old_key, new_key, partial, basis in edges:
            if old_key not in ids or new_key not in ids:
                continue
            edge = known.get((ids[old_key], ids[new_key]))
            if edge is None:
                new_edges.append(
                    AdminUnitSuccession(
                        predecessor_id=ids[old_key],
                        successor_id=ids[new_key],
                        is_partial=partial,
                        needs_review=partial,
                        effective_on=REFORM_DAY,
                        legal_basis=basis,
                    )
                )
            elif edge.is_partial != partial or edge.legal_basis != basis:
                if partial and not edge.is_partial:
                    edge.needs_review = True  # newly known to be a split; a cleared review is otherwise kept
                edge.is_partial, edge.legal_basis = partial, basis
                changed_edges.append(edge)
        AdminUnitSuccession.objects.bulk_create(new_edges, batch_size=BATCH)
        AdminUnitSuccession.objects.bulk_update(
            changed_edges, ["is_partial", "needs_review", "legal_basis"], batch_size=BATCH
        )
        report.successions_created, report.successions_updated = len(new_edges), len(changed_edges)
        bar.advance(task, len(edges))
        report.counts = {"units": len(units), "successions": len(edges)}
        if report.changed:
            audit_record(
                actor=None,
                actor_label="system:units",
                action="platform.units.load",
                object_type="platform.adminunit",
                object_id="*",
                changes={
                    "created": report.created,
                    "updated": report.updated,
                    "successions_created": report.successions_created,
                    "successions_updated": report.successions_updated,
                },
            )
    return report


def units_succession_review(
    *, actor: AbstractBaseUser | None, succession_id: int, note: str = ""
) -> AdminUnitSuccession:
    """A person confirms a split edge: records of the old unit may be assigned to this successor by address."""
    with transaction.atomic():
        edge = (
            AdminUnitSuccession.objects.select_for_update()
            .select_related("predecessor", "successor")
            .filter(pk=succession_id)
            .first()
        )
        if edge is None:
            raise NotFound(_("No such succession of administrative units."))
        if not edge.needs_review:
            raise DomainError(_("This succession has already been reviewed."), code="already_reviewed")
        edge.needs_review = False
        edge.note = note
        edge.save(update_fields=["needs_review", "note"])
        audit_record(
            actor=actor,
            action="platform.units.review",
            obj=edge,
            changes={"needs_review": [True, False], "note": [None, note]},
        )
    return edge
