"""``smartgov merge …``: hand one locality's records over to another's installation (docs/merge.md).

smartgov merge export --out DIR|FILE.tar [--locality CODE]   every app's part, readable by its owner only
smartgov merge import DIR|FILE.tar [--dry-run] [--accept-conflicts] [--sha256 HEX]
                                                      check the archive, then import it in one transaction
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from smartgov.platform.merge import (
    ArchiveError,
    ConflictsRefused,
    ImportReport,
    Tally,
    archive_open,
    archive_unpacked,
    merge_export,
    merge_import,
)
from smartgov.platform.selectors.org import locality_get


class Command(BaseCommand):
    help = "Export this installation's records for a merge of localities, or import another locality's archive."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Write every app's merge part to a new directory.")
        export.add_argument("--out", required=True, type=Path, help="a new (or empty) directory, or a new .tar file")
        export.add_argument(
            "--locality", default="", help="the code of the locality the records come from (default: this one's)"
        )
        imp = sub.add_parser("import", help="Check an archive and import it in one transaction.")
        imp.add_argument("archive", type=Path, help="the archive's directory or .tar file")
        imp.add_argument("--dry-run", action="store_true", help="do everything, report, keep nothing")
        imp.add_argument(
            "--accept-conflicts", action="store_true", help="import although rows conflict (the rows here are kept)"
        )
        imp.add_argument("--sha256", default="", help="the manifest's SHA-256 printed by the export")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self._export(options["out"], options["locality"])
        else:
            self._import(options["archive"], options["dry_run"], options["accept_conflicts"], options["sha256"])

    def _export(self, out: Path, locality: str) -> None:
        if not locality:
            own = locality_get()
            if own is None:
                raise CommandError("This installation has no locality: give --locality CODE.")
            locality = own.province.code
        try:
            archive = merge_export(out=out, locality=locality, progress=self.stdout.write)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from None
        personal = [app for app, part in archive.manifest["parts"].items() if part["personal_data"]]
        self.stdout.write(f"Archive of {locality} written to {out} (readable by its owner only).")
        self.stdout.write(f"Parts holding personal data: {', '.join(personal) or 'none'}.")
        self.stdout.write(f"Manifest SHA-256: {archive.sha256}  (give it to the importer: --sha256)")

    def _import(self, path: Path, dry_run: bool, accept: bool, sha256: str) -> None:
        def progress(model: str, tally: Tally) -> None:
            self.stdout.write(f"{model}: {self._counts(tally)}")

        try:
            with archive_unpacked(path) as directory:
                archive = archive_open(directory, expect_sha256=sha256)
                self.stdout.write(f"Archive of {archive.locality}, manifest SHA-256 {archive.sha256}: checked.")
                report = merge_import(archive=archive, dry_run=dry_run, accept_conflicts=accept, progress=progress)
        except ArchiveError as exc:
            raise CommandError(f"Nothing imported: {exc}") from None
        except DatabaseError as exc:
            raise CommandError(f"Nothing imported: a row breaks a rule of this database ({exc}).") from None
        except ConflictsRefused as refused:
            self._summary(refused.report)
            raise CommandError(
                "Nothing imported: the archive conflicts with rows here (above). Correct them in the source and "
                "export again, or import with --accept-conflicts to keep the rows here."
            ) from None
        self._summary(report)

    def _summary(self, report: ImportReport) -> None:
        for conflict in report.conflicts:
            differences = "; ".join(
                f"{name}: here {a!r}, source {b!r}" for name, (a, b) in conflict.differences.items()
            )
            self.stdout.write(f"conflict {conflict.model} {conflict.source_key} → {conflict.target_key}: {differences}")
        if report.absent:
            self.stdout.write(f"Not in the archive: {', '.join(report.absent)}.")
        total = report.total()
        verb = "Dry run, nothing kept" if report.dry_run else "Imported"
        self.stdout.write(f"{verb} from {report.source}: {self._counts(total)}.")

    @staticmethod
    def _counts(tally: Tally) -> str:
        return (
            f"{tally.created} created, {tally.matched} matched, {tally.conflicts} conflicts, "
            f"{tally.already} already imported"
        )
