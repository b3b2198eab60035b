"""``smartgov dossiers_generate --count N``: realistic past dossiers for benchmarks and dashboards.

Spread over the last twelve months (never today, so real submissions keep their own numbering), over the
catalog's procedures and the agencies that receive them; most are returned, some late, some rated; fees come from
each procedure's schedule and most online dossiers with a fee were paid online. Written in
batches with ``bulk_create`` behind a progress bar. Refuses to run with DEBUG off unless ``--force``.
"""

import random
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone
from rich.progress import Progress

from smartgov.platform.errors import DomainError
from smartgov.platform.models import Agency
from smartgov.procedures.domain.fees import fee_for
from smartgov.procedures.domain.status import Status
from smartgov.procedures.models import Dossier, Procedure

BATCH = 5000


class Command(BaseCommand):
    help = "Generate past dossiers (benchmarks, dashboards)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args: Any, count: int, seed: int, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like a production installation (use --force to insist)")
        rng = random.Random(seed)  # noqa: S311 - test data, not secrets
        procedures = list(Procedure.objects.filter(active=True).select_related("agency"))
        communes = list(Agency.objects.filter(kind=Agency.Kind.COMMUNE_COMMITTEE))
        if not procedures or not communes:
            raise CommandError("load the catalog and the agencies first (smartgov load_demo)")
        applicant, _ = get_user_model().objects.get_or_create(
            username="079200000001",
            defaults={"kind": "citizen", "personal_id": "079200000001", "full_name": "Công dân thử nghiệm"},
        )
        today = timezone.localdate()
        start = today - timedelta(days=365)
        sequence: dict[tuple[int, str], int] = {}
        made = 0
        with Progress(disable=options.get("verbosity", 1) == 0) as progress:
            task = progress.add_task("dossiers", total=count)
            while made < count:
                batch = []
                for _ in range(min(BATCH, count - made)):
                    procedure = rng.choice(procedures)
                    agency = procedure.agency or rng.choice(communes)
                    day = start + timedelta(days=rng.randrange(365))
                    submitted = timezone.make_aware(
                        datetime.combine(day, datetime.min.time()) + timedelta(minutes=rng.randrange(450, 1020))
                    )
                    key = (agency.pk, day.strftime("%y%m%d"))
                    sequence[key] = sequence.get(key, 0) + 1
                    code = f"{agency.code}-{key[1]}-{sequence[key]:04d}"
                    batch.append(self._dossier(rng, procedure, agency, applicant, code, submitted))
                Dossier.objects.bulk_create(batch, batch_size=1000, ignore_conflicts=True)
                made += len(batch)
                progress.update(task, advance=len(batch))
        if connection.vendor == "postgresql":  # fresh statistics, as autovacuum would give them later
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE procedures_dossier")
        if options.get("verbosity", 1) > 0:
            self.stdout.write(f"{made} dossiers generated")

    @staticmethod
    def _dossier(
        rng: random.Random, procedure: Procedure, agency: Agency, applicant: Any, code: str, submitted: datetime
    ) -> Dossier:
        days = max(int(procedure.processing_time), 1)
        due = submitted + timedelta(days=days * 1.4)
        fate = rng.random()
        status, finished, returned, rating = Status.PROCESSING, None, None, None
        if fate < 0.8:
            finished = submitted + timedelta(days=days * rng.uniform(0.3, 1.6))
            status, returned = Status.RETURNED, finished
            rating = rng.choice([5, 5, 5, 4, 4, 3, 2]) if rng.random() < 0.4 else None
        elif fate < 0.85:
            status = Status.NOT_ACCEPTED
            finished = submitted + timedelta(hours=4)
        now = timezone.now()
        if finished and finished > now:
            status, finished, returned, rating = Status.PROCESSING, None, None, None
        online = rng.random() < 0.7
        try:
            fee = fee_for(
                fee_vnd=procedure.fee_vnd, schedule=procedure.fee_schedule, form_data={"so_ban": rng.randrange(3)}
            )
        except DomainError:
            fee = procedure.fee_vnd
        accepted = submitted + timedelta(hours=1)
        paid = None
        if fee and online and status != Status.NOT_ACCEPTED and rng.random() < 0.75:
            paid = min(accepted + timedelta(minutes=rng.randrange(5, 600)), now)
        return Dossier(
            code=code,
            procedure=procedure,
            applicant=applicant,
            applicant_name=applicant.full_name,
            applicant_phone=f"09{rng.randrange(10**8):08d}",
            receiving_agency=agency,
            current_agency=agency,
            status=status,
            channel=Dossier.Channel.ONLINE if online else Dossier.Channel.COUNTER,
            created_at=submitted,
            submitted_at=submitted,
            accepted_at=accepted,
            fee_vnd=fee,
            paid_at=paid,
            due_at=due,
            finished_at=finished,
            returned_at=returned,
            rating=rating,
        )
