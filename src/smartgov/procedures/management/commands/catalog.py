"""``smartgov catalog import FILE`` / ``smartgov catalog export FILE``: the procedure catalog as JSON or Excel."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartgov.platform.errors import DomainError
from smartgov.procedures.services.catalog import catalog_export, catalog_from_xlsx, catalog_import, catalog_to_xlsx


class Command(BaseCommand):
    help = "Import or export the procedure catalog (.json or .xlsx)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import", "export"])
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, action: str, path: Path, **options: Any) -> None:
        excel = path.suffix.lower() == ".xlsx"
        if action == "export":
            data = catalog_export()
            if excel:
                path.write_bytes(catalog_to_xlsx(data))
            else:
                path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            self.stdout.write(f"{len(data['procedures'])} procedures written to {path}")
            return
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        try:
            data = catalog_from_xlsx(path.read_bytes()) if excel else json.loads(path.read_text(encoding="utf-8"))
            report = catalog_import(data=data, actor=None)
        except (DomainError, json.JSONDecodeError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        self.stdout.write(
            f"created {len(report.created)}, updated {len(report.updated)}, unchanged {len(report.unchanged)}"
        )
