"""Tables fed through the data-exchange gateway (``Table.pull_service``): the platform calls the provider's service
as its own client (``exchange.services.client.exchange_call``: the gateway's authentication, access rights, rate
limit and message log), keeps the answer as the run's original and loads it like an upload (JSON or CSV, from the
answer's content type, else from its content). ``pulls_due`` runs every hour (conf.SCHEDULE) and pulls each table
whose ``pull_every_hours`` have elapsed since its last pull."""

import io
import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.exchange.services.client import ExchangeUnavailable, exchange_call
from smartgov.platform.errors import DomainError, Unavailable
from smartgov.platform.services.audit import audit_record
from smartgov.warehouse.models import IngestionRun, Table
from smartgov.warehouse.services.ingestion import _may_load, format_detect, run_start

logger = logging.getLogger(__name__)
#: The parts of a gateway service identifier (INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE); the rest is the path.
SERVICE_PARTS = 5
#: The account name the gateway's message log records for scheduled pulls.
USER_ID = "warehouse"


def pull_target(pull_service: str) -> tuple[str, str]:
    """``"VN-HP/GOV/000.00.00.G01/CSDLQGDC/citizens/statistics"`` → the service and the path (``/statistics``)."""
    parts = [p for p in pull_service.strip().strip("/").split("/") if p]
    if len(parts) < SERVICE_PARTS or any(p in (".", "..") for p in parts):
        raise DomainError(
            _("The gateway service to pull is not valid: %(service)s") % {"service": pull_service}, code="pull_service"
        )
    return "/".join(parts[:SERVICE_PARTS]), "/" + "/".join(parts[SERVICE_PARTS:])


def _format_of(content_type: str, body: bytes) -> str:
    media = content_type.split(";")[0].strip().lower()
    if media in ("application/json", "application/x-ndjson") or media.endswith("+json"):
        return "json"
    if media in ("text/csv", "application/csv"):
        return "csv"
    return format_detect(body[: 64 * 1024])


def _failed(table: Table, actor: Any, message: str) -> IngestionRun:
    """A pull that got nothing to load is still a run, failed, so the table's page says why."""
    with transaction.atomic():
        run = IngestionRun.objects.create(
            table=table,
            started_by=actor,
            kind="pull",
            status=IngestionRun.Status.FAILED,
            error=message,
            finished_at=timezone.now(),
        )
        audit_record(actor=actor, action="warehouse.run.fail", obj=run, changes={"error": message})
    return run


def pull_run(*, actor: Any, table: Table, dispatch: bool = True) -> IngestionRun:
    """Pull ``table``'s rows through the gateway now and load them (replacing the rows). ``actor`` None: the
    schedule; otherwise the table's data steward or a platform administrator. Raises ``Unavailable`` (502) when
    the gateway or the provider did not answer with rows; the run is then recorded as failed."""
    if actor is not None:
        _may_load(actor, table)
    if not table.pull_service:
        raise DomainError(
            _("The table %(table)s is not fed through the data-exchange gateway.") % {"table": table.qualified_name},
            code="no_pull",
        )
    service, path = pull_target(table.pull_service)
    try:
        answer = exchange_call(service=service, path=path, user_id=getattr(actor, "username", "") or USER_ID)
    except ExchangeUnavailable as exc:
        logger.warning("warehouse pull of %s: %s", table.qualified_name, exc)
        message = _("The data-exchange gateway cannot be reached; the table was not updated.")
        _failed(table, actor, message)
        raise Unavailable(message) from exc
    if answer.status != 200 or not answer.body:
        message = _("The provider answered %(status)s %(error)s; the table was not updated.") % {
            "status": answer.status,
            "error": answer.error,
        }
        _failed(table, actor, message)
        raise Unavailable(message)
    try:
        kind = _format_of(answer.headers.get("Content-Type", answer.headers.get("content-type", "")), answer.body)
        if kind not in ("json", "csv"):
            raise DomainError(_("The provider's answer is neither JSON nor CSV."), code="unsupported_type")
    except DomainError as refused:
        _failed(table, actor, refused.message)
        raise
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    return run_start(
        actor=actor,
        table=table,
        source=io.BytesIO(answer.body),
        name=f"{table.code}-{stamp}.{kind}",
        kind="pull",
        format=kind,
        mode=IngestionRun.Mode.REPLACE,
        dispatch=dispatch,
    )


def pulls_due(*, now: Any = None) -> list[IngestionRun]:
    """Pull every table with a ``pull_service`` and ``pull_every_hours`` whose last pull is that old (or that was
    never pulled). A failure is recorded on its run and does not stop the others."""
    now = now or timezone.now()
    started = []
    tables = Table.objects.select_related("database", "owner").exclude(pull_service="").exclude(pull_every_hours=None)
    for table in tables:
        last = table.runs.filter(kind="pull").order_by("-created_at").values_list("created_at", flat=True).first()
        if last is not None and now - last < timedelta(hours=table.pull_every_hours or 0):
            continue
        try:
            started.append(pull_run(actor=None, table=table))
        except DomainError as exc:
            logger.warning("warehouse pull of %s failed: %s", table.qualified_name, exc.message)
    return started
