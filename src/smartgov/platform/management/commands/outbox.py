"""``smartgov outbox deliver`` runs one sweep; ``smartgov outbox status`` shows the backlog."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from rich.console import Console

from smartgov.platform.models import OutboxEvent
from smartgov.platform.services.outbox import outbox_sweep


class Command(BaseCommand):
    help = "The domain-event outbox: deliver pending events now, or show the backlog."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        deliver = sub.add_parser("deliver", help="Deliver every pending event whose time has come.")
        deliver.add_argument("--batch", type=int, default=500)
        sub.add_parser("status", help="Pending events, the oldest one's age, failing events.")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console()
        if options["action"] == "deliver":
            delivered = 0
            with console.status("Delivering pending events ..."):
                while True:
                    done = outbox_sweep(batch=options["batch"])
                    delivered += done
                    if done == 0:
                        break
            console.print(f"{delivered} events delivered.")
            return
        pending = OutboxEvent.objects.filter(delivered_at__isnull=True)
        oldest = pending.order_by("occurred_at").first()
        failing = pending.filter(attempts__gt=0).count()
        age = f"{(timezone.now() - oldest.occurred_at).total_seconds():.0f} s" if oldest else "-"
        console.print(f"pending: {pending.count()}  oldest: {age}  failing: {failing}")
        for event in pending.filter(attempts__gt=0).order_by("occurred_at")[:20]:
            console.print(
                f"  {event.id} {event.topic} attempts={event.attempts}: {event.last_error.splitlines()[0][:120]}"
            )
