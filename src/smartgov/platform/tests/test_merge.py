"""Merging two localities (docs/merge.md): Hai Duong's records exported, the database wiped, Hai Phong's own
records made, Hai Duong's archive imported — nothing lost, nothing doubled, foreign keys pointed at the rows here,
conflicts reported, a changed or foreign archive refused, personal data readable by its owner only."""

import hashlib
import json
import stat

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from smartgov.platform.merge import (
    ArchiveError,
    ConflictsRefused,
    archive_open,
    merge_export,
    merge_import,
    merge_plan,
)
from smartgov.platform.models import AdminUnit, Agency, AuditEntry, MergeLink, Position
from smartgov.platform.services.org import AgencyData, agency_upsert

User = get_user_model()
MAI = "030195001234"


def _hai_duong(small_units):
    """Hai Duong before the merge: its People's Committee, a ward under it, two officers with posts, a citizen."""
    committee, _ = agency_upsert(
        actor=None, data=AgencyData(code="000.00.01.H30", name="UBND tỉnh Hải Dương", kind="peoples_committee")
    )
    ward, _ = agency_upsert(
        actor=None,
        data=AgencyData(
            code="000.21.07.H30",
            name="UBND phường Cẩm Thượng",
            kind="commune_committee",
            parent_code="000.00.01.H30",
            admin_unit=small_units["cam_thuong"],
        ),
    )
    officer = User.objects.create_user(username="motcua.camthuong", kind="staff", full_name="Phạm Văn An")
    lan = User.objects.create_user(username="lan.nt", kind="staff", full_name="Nguyễn Thị Lan (Hải Dương)")
    mai = User.objects.create_user(username=MAI, kind="citizen", personal_id=MAI, full_name="Nguyễn Thị Mai")
    Position.objects.create(agency=ward, user=officer, title="Chuyên viên")
    Position.objects.create(agency=committee, user=lan, title="Phó Chánh Văn phòng", is_leader=True)
    Position.objects.create(agency=ward, user=mai, title="Cộng tác viên")
    return committee, ward


def _wipe():
    """The other installation: none of Hai Duong's rows."""
    Position.objects.all().delete()
    Agency.objects.filter(code__endswith=".H30").exclude(parent=None).delete()
    Agency.objects.filter(code__endswith=".H30").delete()
    User.objects.all().delete()


def _hai_phong():
    """Hai Phong's own records: its committee, Mai (who moved there, the same person), and another Lan."""
    committee, _ = agency_upsert(
        actor=None, data=AgencyData(code="000.00.01.H31", name="UBND thành phố Hải Phòng", kind="peoples_committee")
    )
    User.objects.create_user(username=MAI, kind="citizen", personal_id=MAI, full_name="Nguyễn Thị Mai")
    lan = User.objects.create_user(username="lan.nt", kind="staff", full_name="Nguyễn Thị Lan (Hải Phòng)")
    Position.objects.create(agency=committee, user=lan, title="Chuyên viên")


@pytest.fixture
def archive(small_units, tmp_path):
    _hai_duong(small_units)
    merge_export(out=tmp_path / "hai-duong", locality="30")
    _wipe()
    _hai_phong()
    return tmp_path / "hai-duong"


def _counts():
    return Agency.objects.count(), User.objects.count(), Position.objects.count(), MergeLink.objects.count()


def test_the_plan_puts_every_row_after_what_it_points_at():
    order = [p.spec.label for p in merge_plan().order]
    assert order.index("identity.user") < order.index("platform.position")
    assert order.index("platform.agency") < order.index("platform.position")
    assert "platform.adminunit" in merge_plan().references


@pytest.mark.django_db
def test_conflicts_are_reported_and_nothing_is_kept_unless_accepted(archive):
    before = _counts()
    with pytest.raises(ConflictsRefused) as refused:
        merge_import(archive=archive_open(archive))
    assert _counts() == before
    (conflict,) = refused.value.report.conflicts
    assert conflict.model == "identity.user"
    assert conflict.differences == {"full_name": ["Nguyễn Thị Lan (Hải Phòng)", "Nguyễn Thị Lan (Hải Dương)"]}

    dry = merge_import(archive=archive_open(archive), dry_run=True)
    assert dry.total().created == 6 and dry.total().conflicts == 1
    assert _counts() == before


@pytest.mark.django_db
def test_import_loses_nothing_doubles_nothing_and_remaps_foreign_keys(archive, small_units):
    hp_lan = User.objects.get(username="lan.nt")
    report = merge_import(archive=archive_open(archive), accept_conflicts=True)
    assert report.models["platform.agency"].created == 2
    assert report.models["identity.user"].created == 1  # the officer; Mai matched, Lan conflicts
    assert report.models["identity.user"].matched == 1
    assert report.models["identity.user"].conflicts == 1
    assert report.models["platform.position"].created == 3

    # Nothing doubled: one Mai, one Lan (Hai Phong's, kept as it was).
    assert User.objects.filter(personal_id=MAI).count() == 1
    hp_lan.refresh_from_db()
    assert hp_lan.full_name == "Nguyễn Thị Lan (Hải Phòng)"
    # Foreign keys point at the rows here: the ward under the committee, the unit by its code, the posts.
    committee = Agency.objects.get(code="000.00.01.H30")
    ward = Agency.objects.get(code="000.21.07.H30")
    assert ward.parent == committee
    assert ward.admin_unit == small_units["cam_thuong"]
    assert Position.objects.get(user__username="motcua.camthuong").agency == ward
    assert Position.objects.get(user__username=MAI).agency == ward
    assert set(Position.objects.filter(user=hp_lan).values_list("agency__code", flat=True)) == {
        "000.00.01.H30",
        "000.00.01.H31",
    }
    # Every row's origin is traceable.
    link = MergeLink.objects.get(model="platform.agency", target_key=str(ward.pk))
    assert link.source == "30" and link.outcome == "created"
    conflict = MergeLink.objects.get(model="identity.user", outcome="conflict")
    assert conflict.target_key == str(hp_lan.pk)
    # one audit row per installed app's part that the archive holds
    parts = len(merge_plan().parts) - len(report.absent)
    assert parts >= 3
    assert AuditEntry.objects.filter(action="platform.merge.import", object_id=report.archive).count() == parts

    again = merge_import(archive=archive_open(archive), accept_conflicts=True)
    total = again.total()
    assert (total.created, total.matched, total.conflicts) == (0, 0, 0)
    assert total.already == report.total().created + report.total().matched + report.total().conflicts
    assert Agency.objects.filter(code__endswith=".H30").count() == 2


@pytest.mark.django_db
def test_the_archive_is_private_and_says_which_parts_hold_personal_data(small_units, tmp_path):
    _hai_duong(small_units)
    out = tmp_path / "hai-duong"
    archive = merge_export(out=out, locality="30")
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for file in out.rglob("*"):
        if file.is_file():
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    assert archive.manifest["parts"]["identity"]["personal_data"] is True
    assert archive.manifest["parts"]["platform"]["personal_data"] is False
    user_file = next(f for f in archive.manifest["files"] if f["model"] == "identity.user")
    assert "personal_id" in user_file["personal"] and user_file["rows"] == 3
    with pytest.raises(ArchiveError, match="not an empty directory"):
        merge_export(out=out, locality="30")
    assert AuditEntry.objects.filter(action="platform.merge.export", object_id=archive.sha256).exists()


@pytest.mark.django_db
def test_a_changed_archive_is_refused(archive):
    agencies = archive / "platform" / "platform.agency.jsonl"
    agencies.write_text(agencies.read_text(encoding="utf-8").replace("Cẩm Thượng", "Cẩm Thuong"), encoding="utf-8")
    with pytest.raises(ArchiveError, match="does not match its SHA-256"):
        archive_open(archive)


@pytest.mark.django_db
def test_a_changed_manifest_is_refused_against_the_printed_hash(archive):
    good = archive_open(archive).sha256
    manifest = archive / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["locality"] = "31"
    manifest.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ArchiveError, match="was changed"):
        archive_open(archive, expect_sha256=good)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m["parts"]["platform"].update(version=2), "version 2 in the archive"),
        (lambda m: m.update(format_version=9), "format is version 9"),
        (lambda m: m["parts"].update(reports={"version": 1}), "no app installed here"),
        (lambda m: m["files"][0].update(fields=["code"]), "has the fields"),
        (lambda m: m["files"][0].update(path="../../etc/passwd"), "is missing"),
        (lambda m: m.pop("files"), "corrupt"),
    ],
)
def test_a_foreign_or_corrupt_manifest_is_refused(archive, change, message):
    manifest = archive / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    change(data)
    manifest.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ArchiveError, match=message):
        archive_open(archive)


@pytest.mark.django_db
def test_the_command_exports_imports_and_fails_cleanly(small_units, tmp_path, capsys):
    _hai_duong(small_units)
    out = tmp_path / "hd"
    call_command("merge", "export", "--out", str(out), "--locality", "30")
    printed = capsys.readouterr().out
    assert "identity.user 3 rows" in printed and "Parts holding personal data: identity" in printed
    _wipe()
    call_command("merge", "import", str(out), "--dry-run")
    printed = capsys.readouterr().out
    assert "platform.agency: 2 created" in printed and "Dry run, nothing kept" in printed
    assert not Agency.objects.filter(code__endswith=".H30").exists()
    call_command("merge", "import", str(out))
    assert "Imported from 30: 8 created, 0 matched, 0 conflicts" in capsys.readouterr().out
    assert Agency.objects.filter(code__endswith=".H30").count() == 2

    (out / "identity" / "identity.user.jsonl").write_text("{}\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"Nothing imported: the file of identity\.user does not match"):
        call_command("merge", "import", str(out))
    with pytest.raises(CommandError, match=r"has no manifest\.json"):
        call_command("merge", "import", str(tmp_path))
    with pytest.raises(CommandError, match="no locality"):
        call_command("merge", "export", "--out", str(tmp_path / "again"))


@pytest.mark.django_db
def test_a_row_that_does_not_fit_stops_the_import(small_units, tmp_path):
    """Rows are checked as they are read, after the hashes: a file rewritten with its hash recomputed in the manifest
    still cannot bring in a malformed row."""
    _hai_duong(small_units)
    merge_export(out=tmp_path / "hd", locality="30")
    _wipe()
    agencies = tmp_path / "hd" / "platform" / "platform.agency.jsonl"
    for bad, message in [('{"pk": 1, "f": [1, 2]}\n', "not 14 values"), ("{]\n", "not a row")]:
        agencies.write_text(bad, encoding="utf-8")
        manifest = json.loads((tmp_path / "hd" / "manifest.json").read_text(encoding="utf-8"))
        manifest["files"][0].update(sha256=hashlib.sha256(bad.encode()).hexdigest(), rows=1)
        (tmp_path / "hd" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        with pytest.raises(ArchiveError, match=message):
            merge_import(archive=archive_open(tmp_path / "hd"))
    assert not Agency.objects.filter(code__endswith=".H30").exists()


def test_the_command_line_exits_non_zero_without_a_traceback(tmp_path, capsys):
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["smartgov", "merge", "import", str(tmp_path / "nowhere")]).execute()
    assert exited.value.code != 0
    err = capsys.readouterr().err
    assert "is not a merge archive directory" in err and "Traceback" not in err


@pytest.mark.django_db
def test_a_unit_unknown_here_stops_the_import(archive):
    AdminUnit.objects.filter(code="10507", generation="legacy").update(code="99999")
    with pytest.raises(ArchiveError, match="load the reference data first"):
        merge_import(archive=archive_open(archive), accept_conflicts=True)
    assert not Agency.objects.filter(code__endswith=".H30").exists()


def test_smartgov_apps_lists_each_apps_merge_models(capsys):
    call_command("apps", "--json")
    declared = json.loads(capsys.readouterr().out)
    assert declared["platform"]["merge"] == ["platform.agency", "platform.position"]
    assert "identity.user" in declared["identity"]["merge"]
    assert "procedures.dossier" in declared["procedures"]["merge"]
    assert declared["notifications"]["merge"] == []


@pytest.mark.django_db
def test_an_archive_of_this_installations_own_locality_is_refused(small_units, tmp_path):
    from smartgov.platform.models import Locality

    Locality.objects.create(
        province=small_units["hai_phong"], name="Hải Phòng", name_en="Hai Phong", agency_id_suffix="H31", portal_name=""
    )
    _hai_duong(small_units)
    call_command("merge", "export", "--out", str(tmp_path / "own"))  # the locality's own code by default
    assert archive_open(tmp_path / "own").locality == "31"
    with pytest.raises(ArchiveError, match="own locality"):
        merge_import(archive=archive_open(tmp_path / "own"))


@pytest.mark.django_db
def test_the_archive_may_be_one_tar_file(small_units, tmp_path, capsys):
    _hai_duong(small_units)
    bundle = tmp_path / "hai-duong.tar"
    call_command("merge", "export", "--out", str(bundle), "--locality", "30")
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["hai-duong.tar"]  # the work directory is gone
    _wipe()
    call_command("merge", "import", str(bundle))
    assert "Imported from 30: 8 created" in capsys.readouterr().out
    assert Agency.objects.filter(code__endswith=".H30").count() == 2
    bundle.write_bytes(b"not a tar")
    with pytest.raises(CommandError, match="not a readable tar file"):
        call_command("merge", "import", str(bundle))
