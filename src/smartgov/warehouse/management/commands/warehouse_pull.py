"""``smartgov warehouse_pull [<database.table>]``: pull tables fed through the data-exchange gateway now (one, or
every table with a ``pull_service``) and load what the providers answer; print each run's report. The hourly
schedule (``warehouse.pull_due``) pulls only the tables whose ``pull_every_hours`` have elapsed."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from smartgov.platform.errors import DomainError
from smartgov.warehouse.management.commands._report import run_print
from smartgov.warehouse.management.commands.warehouse_load import table_named
from smartgov.warehouse.models import IngestionRun, Table
from smartgov.warehouse.services.ingestion import run_execute
from smartgov.warehouse.services.pull import pull_run


class Command(BaseCommand):
    help = "Pull warehouse tables through the data-exchange gateway now and load the answers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("table", nargs="?", default="", help="database.table (default: every pulled table)")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console()
        if options["table"]:
            tables = [table_named(options["table"])]
        else:
            tables = list(Table.objects.select_related("database", "owner").exclude(pull_service=""))
        if not tables:
            console.print("No table is fed through the data-exchange gateway.")
            return
        failed = 0
        for table in tables:
            try:
                run = pull_run(actor=None, table=table, dispatch=False)
            except DomainError as refused:
                console.print(f"[red]{table.qualified_name}[/red]: {refused.message}")
                failed += 1
                continue
            run = run_execute(run.pk) or IngestionRun.objects.get(pk=run.pk)
            run_print(console, run)
            failed += run.status == IngestionRun.Status.FAILED
        if failed:
            raise CommandError(f"{failed} of {len(tables)} pulls failed.")
