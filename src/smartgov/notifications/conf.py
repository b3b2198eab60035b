"""Scheduled jobs of the notifications (docs/notifications.md, docs/kernel.md §1)."""

SCHEDULE = {
    "notifications-sweep": {"task": "smartgov.notifications.tasks.sweep", "schedule": 120.0},
}
