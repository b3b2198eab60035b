"""``smartgov outbox deliver`` runs one sweep; ``smartgov outbox status`` shows the backlog of every delivery kind;
``smartgov outbox retry`` sends the waiting and dead events again now."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone
from rich.console import Console

from smartgov.platform import delivery
from smartgov.platform.delivery import State
from smartgov.platform.models import OutboxEvent
from smartgov.platform.services.audit import audit_record
from smartgov.platform.services.outbox import outbox_retry, outbox_sweep


class Command(BaseCommand):
    help = "The domain-event outbox: deliver pending events now, show the backlog, or send dead letters again."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        deliver = sub.add_parser("deliver", help="Deliver every pending event whose time has come.")
        deliver.add_argument("--batch", type=int, default=500)
        sub.add_parser("status", help="Waiting, failing and dead deliveries of every kind; the failing events.")
        sub.add_parser("retry", help="Make every waiting and dead event due now (dead letters get fresh attempts).")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(soft_wrap=True)  # long lines stay whole (they are read and grepped)
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
        if options["action"] == "retry":
            with transaction.atomic():
                count = outbox_retry(events=OutboxEvent.objects.filter(state__in=[State.PENDING, State.DEAD]))
                audit_record(
                    actor=None,
                    action="platform.outbox.retry",
                    object_type="platform.outboxevent",
                    object_repr="outbox",
                    changes={"events": count},
                )
            console.print(f"{count} events are due now; the next sweep delivers them.")
            return
        now = timezone.now()
        for name, kind in sorted(delivery.KINDS.items()):
            state = delivery.backlog(kind)
            age = f"{(now - state.oldest_due).total_seconds():.0f} s" if state.oldest_due else "-"
            console.print(
                f"{name}: pending {state.pending}  failing {state.failing}  dead {state.dead}  oldest due {age}"
            )
        stuck = OutboxEvent.objects.filter(state__in=[State.PENDING, State.DEAD], attempts__gt=0)
        for event in stuck.order_by("occurred_at")[:20]:
            first_line = (event.last_error.splitlines() or [""])[0][:120]
            console.print(f"  {event.id} {event.topic} {event.state} attempts={event.attempts}: {first_line}")
