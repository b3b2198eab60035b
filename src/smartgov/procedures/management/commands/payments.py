"""``smartgov payments reconcile [--day YYYY-MM-DD] [--gateway NAME] [--statement FILE.csv]``: one day's payments
against the gateways' notices and, when given, a gateway's settlement statement. The report is kept (the leaders'
reconciliation page shows it) and printed; the exit status is 1 when something does not match, for scripts."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from smartgov.platform.errors import DomainError
from smartgov.platform.money import format_vnd
from smartgov.procedures.services.payments import payments_reconcile, statement_read


class Command(BaseCommand):
    help = "Reconcile one day's online payments (by default yesterday's) and list the mismatches."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reconcile = sub.add_parser("reconcile", help="Reconcile a day's payments.")
        reconcile.add_argument("--day", type=date.fromisoformat, help="YYYY-MM-DD (default: yesterday)")
        reconcile.add_argument("--gateway", default="", help="only this gateway (needed with --statement)")
        reconcile.add_argument(
            "--statement",
            type=Path,
            help="the gateway's statement: CSV with a header row transaction_no,reference,amount_vnd",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["day"] or timezone.localdate() - timedelta(days=1)
        statement = None
        if options["statement"] is not None:
            if not options["gateway"]:
                raise CommandError("--statement needs --gateway: a statement comes from one gateway")
            try:
                statement = statement_read(options["statement"].read_text(encoding="utf-8-sig"))
            except OSError as exc:
                raise CommandError(f"cannot read {options['statement']}: {exc.strerror}") from exc
            except DomainError as exc:
                raise CommandError(exc.message) from exc
        report = payments_reconcile(day=day, gateway=options["gateway"], statement=statement)
        console = Console()
        console.print(
            f"{day.isoformat()} {report.gateway or 'all gateways'}: {report.payments} payments, "
            f"{format_vnd(report.total_vnd)}, {len(report.mismatches)} mismatches"
        )
        if report.mismatches:
            table = Table("kind", "gateway", "reference", "transaction", "expected", "received")
            for m in report.mismatches:
                table.add_row(
                    m["kind"],
                    m.get("gateway", ""),
                    m.get("reference") or "-",
                    m.get("transaction_no") or "-",
                    format_vnd(m["expected_vnd"]) if m.get("expected_vnd") is not None else "-",
                    format_vnd(m["received_vnd"]) if m.get("received_vnd") is not None else "-",
                )
            console.print(table)
            raise SystemExit(1)
