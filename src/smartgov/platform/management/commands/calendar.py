"""``smartgov calendar fill`` fills the working calendar from the holidays package; ``show`` prints a year."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from smartgov.platform.selectors.calendar import days_of_year
from smartgov.platform.services.calendar import calendar_fill


class Command(BaseCommand):
    help = "The working-day calendar: fill it from the holidays package, or show a year."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        fill = sub.add_parser("fill", help="Public holidays and announced swaps; days staff entered are kept.")
        fill.add_argument("--years", type=int, nargs="+")
        show = sub.add_parser("show", help="Days off and compensating working days of a year.")
        show.add_argument("--year", type=int, default=timezone.localdate().year)

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console()
        if options["action"] == "fill":
            this_year = timezone.localdate().year
            years = options["years"] or list(range(this_year - 1, this_year + 3))
            report = calendar_fill(years=years)
            console.print(
                f"Years {', '.join(map(str, years))}: {report.created} days added, {report.updated} updated, "
                f"{report.kept_manual} entered by staff kept."
            )
            return
        table = Table("date", "day", "name", "status", title=f"Working calendar {options['year']}")
        for day in days_of_year(options["year"]):
            table.add_row(
                day.date.strftime("%d/%m/%Y"),
                day.date.strftime("%a"),
                day.name,
                "working day" if day.is_working else "day off",
            )
        console.print(table)
