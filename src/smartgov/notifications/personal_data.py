"""The notifications' part of a person's data: the messages sent to them and how they want to be told."""

from typing import Any

from smartgov.notifications import selectors
from smartgov.notifications.services import notifications_erase
from smartgov.platform.personal_data import personal_data_eraser, personal_data_exporter


@personal_data_exporter("notifications")
def _export_notifications(user: Any) -> dict[str, Any]:
    preference = selectors.preference_saved(user)
    return {
        "preferences": {"email": preference.email, "sms": preference.sms, "language": preference.language}
        if preference
        else None,
        "messages": [
            {"at": n.created_at.isoformat(), "title": n.title, "read_at": n.read_at.isoformat() if n.read_at else None}
            for n in selectors.notifications_of(user, limit=1000)
        ],
        "sent": [
            {
                "channel": d.channel,
                "kind": d.kind,
                "state": d.state,
                "sent_at": d.done_at.isoformat() if d.done_at else None,
            }
            for d in selectors.deliveries_of(user)
        ],
    }


@personal_data_eraser("notifications")
def _erase_notifications(user: Any) -> None:
    """An erased account gets no more messages and keeps none: its messages, queue and preferences go."""
    notifications_erase(user=user)
