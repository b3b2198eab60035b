"""Settings that the installed apps declare in their own ``conf`` module (docs/kernel.md §1).

``app_settings_apply(globals())`` at the end of the base settings reads ``<app>.conf`` of every SmartGov app in
``INSTALLED_APPS`` (those under the ``smartgov`` package; importing a third-party package here could reach for
settings that are not configured yet). Every UPPERCASE name becomes a setting unless the central settings set it
already, and ``SCHEDULE`` entries join ``CELERY_BEAT_SCHEDULE``. A setting that depends on the central ones
(``DEBUG``, ``VAR_DIR``, ``SECRET_KEY``) comes from ``configure(settings) -> dict``, which gets the settings so far.
A conf module is plain Python: it reads the environment (``environ.Env``) and imports nothing from Django beyond
translation helpers.
"""

import importlib
import importlib.util
from typing import Any


def _conf_modules(installed: list[str]) -> list[Any]:
    found = []
    for app in installed:
        package = app.split(".apps.")[0] if ".apps." in app else app
        if not package.startswith("smartgov."):
            continue
        dotted = f"{package}.conf"
        if importlib.util.find_spec(dotted) is not None:
            found.append(importlib.import_module(dotted))
    return found


def app_settings_apply(namespace: dict[str, Any]) -> None:
    """Merge the apps' declared settings and scheduled jobs into the settings module's ``namespace``."""
    schedule: dict[str, Any] = namespace.setdefault("CELERY_BEAT_SCHEDULE", {})
    for module in _conf_modules(namespace["INSTALLED_APPS"]):
        declared = {name: value for name, value in vars(module).items() if name.isupper()}
        configure = getattr(module, "configure", None)
        if callable(configure):
            declared.update(configure(namespace))
        for name, value in declared.items():
            if name == "SCHEDULE":
                clash = schedule.keys() & value.keys()
                if clash:
                    raise ValueError(f"{module.__name__} schedules jobs already scheduled: {sorted(clash)}")
                schedule.update(value)
            else:
                namespace.setdefault(name, value)
