"""Data of the shared kernel. One module per area; import models from here."""

from smartgov.platform.models.audit import AuditChain, AuditEntry, AuditLegacyHead
from smartgov.platform.models.calendar import CalendarDay
from smartgov.platform.models.forms import FormClaim
from smartgov.platform.models.merge import MergeLink
from smartgov.platform.models.org import Agency, Locality, Position
from smartgov.platform.models.outbox import ConsumerReceipt, OutboxEvent
from smartgov.platform.models.units import AdminUnit, AdminUnitSuccession

__all__ = [
    "AdminUnit",
    "AdminUnitSuccession",
    "Agency",
    "AuditChain",
    "AuditEntry",
    "AuditLegacyHead",
    "CalendarDay",
    "ConsumerReceipt",
    "FormClaim",
    "Locality",
    "MergeLink",
    "OutboxEvent",
    "Position",
]
