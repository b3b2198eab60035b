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


#: The settings that came from an app's ``configure(settings)``, by the settings module they went into.
_CONFIGURED: dict[str, set[str]] = {}


def app_settings_apply(namespace: dict[str, Any]) -> None:
    """Merge the apps' declared settings and scheduled jobs into the settings module's ``namespace``."""
    schedule: dict[str, Any] = namespace.setdefault("CELERY_BEAT_SCHEDULE", {})
    configured = _CONFIGURED.setdefault(namespace["__name__"], set())
    for module in _conf_modules(namespace["INSTALLED_APPS"]):
        declared = {name: value for name, value in vars(module).items() if name.isupper()}
        configure = getattr(module, "configure", None)
        if callable(configure):
            derived = configure(namespace)
            configured.update(name for name in derived if name not in namespace)
            declared.update(derived)
        for name, value in declared.items():
            if name == "SCHEDULE":
                clash = schedule.keys() & value.keys()
                if clash:
                    raise ValueError(f"{module.__name__} schedules jobs already scheduled: {sorted(clash)}")
                schedule.update(value)
            else:
                namespace.setdefault(name, value)


def app_settings_reconfigure(namespace: dict[str, Any], *, base: str) -> None:
    """Derive again, from the central settings now in ``namespace``, the settings that the apps' ``configure``
    gave the settings module ``base``: a module that imports the base settings and changes ``DEBUG``, ``VAR_DIR`` or
    ``SECRET_KEY`` (production) calls it, so that what depends on them follows (an app's default for ``DEBUG``
    would otherwise be the embedded mode's)."""
    names = _CONFIGURED.get(base, set())
    for module in _conf_modules(namespace["INSTALLED_APPS"]):
        configure = getattr(module, "configure", None)
        if callable(configure):
            namespace.update({name: value for name, value in configure(namespace).items() if name in names})
