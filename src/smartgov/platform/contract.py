"""The app contract: what the platform needs from an app, found in the app's own package.

An app's ``apps.py`` declares a config that subclasses :class:`AppContract`. The rest of what the platform needs
sits in modules with fixed names inside the app's package, each optional (docs/kernel.md §1):

========================  =====================================================================================
module                    what it exports
========================  =====================================================================================
``conf``                  UPPERCASE settings with defaults; ``SCHEDULE`` (Celery beat entries) — read by settings
``urls``                  ``app_name`` and ``urlpatterns`` (namespaced); optional ``site_urlpatterns`` (not)
``api``                   ``router``: a django-ninja Router mounted at ``/api/v1<api_prefix>``
``navigation``            ``ENTRIES``: :class:`smartgov.platform.navigation.NavEntry` list
``policies``              ``URLS``: the access rule of every URL name the app registers
``handlers``              event subscribers (``@subscriber``)
``events``                ``TOPICS``: the topics the app publishes, with versioned payload schemas
``demo``                  ``STEPS``: :class:`smartgov.platform.demo.DemoStep` list
``personal_data``         exporters and erasers registered with ``smartgov.platform.personal_data``
``merge``                 ``PART``: :class:`smartgov.platform.merge.MergePart`
``frontdoor``             ``MOUNTS``: path prefix → dotted path of a WSGI application factory
========================  =====================================================================================

The platform imports no app: it finds the modules through the installed apps and loads them by name. Adding an
app is its package and one line in ``INSTALLED_APPS``.
"""

import importlib
import importlib.util
from types import ModuleType
from typing import Any

from django.apps import AppConfig, apps

#: The contract modules an app may have, in the order the platform loads them at start-up.
MODULES = (
    "conf",
    "urls",
    "api",
    "navigation",
    "policies",
    "handlers",
    "events",
    "demo",
    "personal_data",
    "merge",
    "frontdoor",
)
#: Loaded when the apps are ready, so that what they register (subscribers, topics, exporters) is known from the
#: start; the others are loaded when first needed (URLs and the API by the URL configuration).
LOADED_AT_START = ("navigation", "policies", "handlers", "events", "personal_data", "merge")


class AppContract(AppConfig):
    """Base of every SmartGov app's config. ``api_prefix`` is where its router is mounted under /api/v1.

    Import the module, not the class, in ``apps.py`` (``from smartgov.platform import contract``): Django picks the
    one config class an ``apps.py`` holds, and an imported base class would count as a second one."""

    api_prefix: str = ""

    @property
    def api_mount(self) -> str:
        return self.api_prefix or f"/{self.label}"

    def part(self, name: str) -> ModuleType | None:
        """The app's contract module ``name``, or None when the app has none. An error inside the module is not
        hidden: only a module that does not exist counts as absent."""
        return contract_module(self.name, name)

    def ready(self) -> None:
        for name in LOADED_AT_START:
            self.part(name)


def contract_module(package: str, name: str) -> ModuleType | None:
    dotted = f"{package}.{name}"
    try:
        found = importlib.util.find_spec(dotted)
    except ModuleNotFoundError:  # the package itself is not importable
        return None
    return importlib.import_module(dotted) if found is not None else None


def contract_apps() -> list[AppContract]:
    """The installed SmartGov apps, in ``INSTALLED_APPS`` order."""
    return [config for config in apps.get_app_configs() if isinstance(config, AppContract)]


def contract_exports(name: str, attribute: str) -> list[tuple[AppContract, Any]]:
    """``attribute`` of every app's contract module ``name`` that has it, in app order."""
    found: list[tuple[AppContract, Any]] = []
    for config in contract_apps():
        module = config.part(name)
        if module is not None and hasattr(module, attribute):
            found.append((config, getattr(module, attribute)))
    return found
