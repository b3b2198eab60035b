"""``smartgov units load`` loads the administrative units; ``smartgov units lookup`` finds what an old unit became."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console

from smartgov.platform.models import AdminUnit
from smartgov.platform.selectors.units import unit_search, unit_successors
from smartgov.platform.services.units import units_load


class Command(BaseCommand):
    help = "Administrative units: load them from the vietnam-provinces data, or look an old unit up."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="Load or refresh both generations and the old→new relation (idempotent).")
        lookup = sub.add_parser(
            "lookup", help="What did an old ward/commune become? Name (diacritics optional) or code."
        )
        lookup.add_argument("text")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console()
        if options["action"] == "load":
            started = time.monotonic()
            report = units_load(progress=options["verbosity"] > 0)
            console.print(
                f"{report.counts['units']} units ({report.created} new, {report.updated} updated), "
                f"{report.successions_created} new successions, in {time.monotonic() - started:.1f} s."
            )
            return
        matches = unit_search(
            query=options["text"], generation=AdminUnit.Generation.LEGACY, level=AdminUnit.Level.COMMUNE, limit=10
        )
        if not matches:
            console.print("No old ward or commune matches.")
            return
        for unit in matches:
            district = unit.parent
            province = district.parent if district else None
            console.print(f"[bold]{unit.name}[/bold] ({unit.code}), {district}, {province}")
            edges = unit_successors(code=unit.code) or []
            if not edges:
                console.print("   → no successor in the data")
            for edge in edges:
                flag = "  [yellow](split: depends on the address, needs review)[/yellow]" if edge.is_partial else ""
                console.print(f"   → {edge.successor.name} ({edge.successor.code}), {edge.successor.parent}{flag}")
