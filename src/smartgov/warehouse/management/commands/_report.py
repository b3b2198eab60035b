"""What the warehouse's commands print about a run: its outcome, counts, reasons and first rejected rows."""

from rich.console import Console
from rich.table import Table as RichTable

from smartgov.warehouse.models import IngestionRun
from smartgov.warehouse.services.ingestion import reason_label

#: Rejected rows printed (all of them are in the run's rejected.parquet and on its page).
SHOWN = 20


def run_print(console: Console, run: IngestionRun) -> None:
    if run.status == IngestionRun.Status.FAILED:
        console.print(f"[red]Failed[/red] ({run.table.qualified_name}, run {run.uuid}): {run.error}")
        return
    report = run.report or {}
    version = "none (no row accepted)" if run.version is None else str(run.version)
    console.print(
        f"[green]Loaded[/green] {run.table.qualified_name}: {run.rows_read} rows read, {run.rows_accepted} accepted, "
        f"{run.rows_rejected} rejected; version {version}; encoding {run.encoding or '-'}; "
        f"{report.get('lines_redecoded', 0)} lines re-decoded; run {run.uuid}"
    )
    reasons = report.get("reasons") or {}
    if reasons:
        table = RichTable("reason", "rows", title="Rejected rows by reason")
        for code, count in sorted(reasons.items(), key=lambda item: -item[1]):
            table.add_row(f"{reason_label(code)} ({code})", str(count))
        console.print(table)
    rejections = (report.get("rejections") or [])[:SHOWN]
    if rejections:
        table = RichTable("row", "column", "reason", "value", title=f"First {len(rejections)} rejected rows")
        for r in rejections:
            table.add_row(
                str(r.get("row")), str(r.get("column")), reason_label(str(r.get("reason"))), str(r.get("value"))[:60]
            )
        console.print(table)
