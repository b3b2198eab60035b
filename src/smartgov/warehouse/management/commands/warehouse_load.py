"""``smartgov warehouse_load <database.table> <file> [--append] [--as <username>]``: load a file into a table now,
with a progress bar, and print the run's report (docs/warehouse.md, "Command line"). The file is checked and kept
as the run's original like an upload; without ``--as`` the run is the system's (the operator's shell)."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from smartgov.platform.errors import DomainError
from smartgov.warehouse.management.commands._report import run_print
from smartgov.warehouse.models import IngestionRun, Table
from smartgov.warehouse.services.ingestion import _may_load, file_accept, file_name, run_execute, run_start


def table_named(name: str) -> Table:
    database, _dot, code = name.partition(".")
    table = Table.objects.select_related("database", "owner").filter(database__code=database, code=code).first()
    if table is None:
        raise CommandError(f"No table {name} in the catalog (database.table).")
    return table


class Command(BaseCommand):
    help = "Load a CSV, XLSX, JSON or Parquet file into a warehouse table, with a progress bar; print the report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("table", help="database.table")
        parser.add_argument("file", type=Path)
        parser.add_argument("--append", action="store_true", help="add the rows (default: replace them)")
        parser.add_argument("--as", dest="username", default="", help="act as this account (its rights are checked)")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console()
        table = table_named(options["table"])
        actor = None
        if options["username"]:
            actor = get_user_model().objects.filter(username=options["username"]).first()
            if actor is None:
                raise CommandError(f"No account {options['username']}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        mode = IngestionRun.Mode.APPEND if options["append"] else IngestionRun.Mode.REPLACE
        try:
            if actor is not None:
                _may_load(actor, table)
            with path.open("rb") as source:
                kind = file_accept(source)
                run = run_start(
                    actor=actor,
                    table=table,
                    source=source,
                    name=file_name(path.name, kind),
                    kind="upload",
                    format=kind,
                    mode=mode,
                    dispatch=False,
                )
        except DomainError as refused:
            raise CommandError(refused.message) from refused
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TextColumn("{task.fields[rows]} rows"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console, disable=options["verbosity"] == 0) as bar:
            task = bar.add_task(table.qualified_name, total=run.original_bytes, rows=0)

            def progress(done: int, total: int, rows: int) -> None:
                bar.update(task, completed=done, total=total or run.original_bytes, rows=rows)

            executed = run_execute(run.pk, progress=progress)
        run = executed or IngestionRun.objects.get(pk=run.pk)
        run_print(console, run)
        if run.status == IngestionRun.Status.FAILED:
            raise CommandError("The load failed; nothing was written.")
