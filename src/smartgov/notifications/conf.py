"""Settings and scheduled jobs of the notifications (docs/notifications.md, docs/kernel.md §1)."""

from pathlib import Path
from typing import Any

import environ

SCHEDULE = {
    "notifications-sweep": {"task": "smartgov.notifications.tasks.sweep", "schedule": 120.0},
}

env = environ.Env()

#: Web Push: who the push services may contact about our messages (VAPID ``sub``), and how long a push service
#: keeps a message for a device that is off (seconds).
SMARTGOV_PUSH_CONTACT = env.str("SMARTGOV_PUSH_CONTACT", default="mailto:no-reply@smartgov.local")
SMARTGOV_PUSH_TTL = env.int("SMARTGOV_PUSH_TTL", default=24 * 3600)


def configure(settings: dict[str, Any]) -> dict[str, Any]:
    """The VAPID key pair that signs our pushes: a PEM file, made under VAR_DIR on first use unless
    ``SMARTGOV_VAPID_KEY_FILE`` names one (keep it: browsers' subscriptions are bound to its public key)."""
    return {
        "SMARTGOV_VAPID_KEY_FILE": env.str(
            "SMARTGOV_VAPID_KEY_FILE", default=str(Path(settings["VAR_DIR"]) / "vapid-private.pem")
        )
    }
