"""``smartgov audit verify`` proves the audit log untouched; ``smartgov audit tail`` shows the newest rows."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from smartgov.platform.models import AuditEntry
from smartgov.platform.selectors.audit import audit_tail, audit_verify


class Command(BaseCommand):
    help = "The hash-chained audit log: verify it, or show its newest rows."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Recompute the chain; exit 1 at the first edited or missing row.")
        tail = sub.add_parser("tail", help="Show the newest rows.")
        tail.add_argument("-n", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console()
        if options["action"] == "tail":
            table = Table("id", "time", "actor", "action", "object")
            for entry in audit_tail(limit=options["n"]):
                table.add_row(
                    str(entry.id),
                    entry.occurred_at.isoformat(timespec="seconds"),
                    entry.actor_label,
                    entry.action,
                    f"{entry.object_type}:{entry.object_id}",
                )
            console.print(table)
            return
        total = AuditEntry.objects.count()
        with Progress(console=console, disable=options["verbosity"] == 0) as progress:
            bar = progress.add_task("Verifying the audit chain", total=total)
            result = audit_verify(progress=lambda n: progress.advance(bar, n))
        if not result.ok:
            raise CommandError(
                f"Audit log BROKEN at entry #{result.broken_id}: {result.reason} "
                f"({result.checked} rows verified before it)"
            )
        console.print(f"[green]Audit log intact[/green]: {result.checked} rows verified.")
