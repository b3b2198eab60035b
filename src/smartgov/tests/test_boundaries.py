"""The kernel's import contract (``boundaries.py``) breaks on each kind of crossing and keeps the allowed ones."""

import grimp
import pytest

from smartgov.tests.boundaries import KernelContract

APPS = ["platform", "identity", "procedures"]


def _graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    graph.add_module("smartgov")
    for app in APPS:
        for room in ("apps", "models", "services", "selectors", "views", "tests", "tests.test_x", "tests.fixtures"):
            graph.add_module(f"smartgov.{app}.{room}")
    graph.add_module("smartgov.identity.authz")
    graph.add_module("smartgov.procedures.migrations.0001_initial")
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="import")
    return graph


def _check(*imports: tuple[str, str]) -> list[str]:
    contract = KernelContract(name="kernel", session_options={"root_packages": ["smartgov"]}, contract_options={})
    check = contract.check(_graph(*imports), verbose=False)
    return [breach.rule for breach in check.metadata["breaches"]]


@pytest.mark.parametrize(
    ("importer", "imported", "rule"),
    [
        ("smartgov.platform.services", "smartgov.identity.services", "the platform imports no app"),
        ("smartgov.procedures.views", "smartgov.identity.models", "another app is reached through"),
        ("smartgov.procedures.tests.test_x", "smartgov.identity.tests.fixtures", "tests do not import"),
    ],
)
def test_a_crossing_breaks_the_contract(importer, imported, rule):
    assert [r for r in _check((importer, imported)) if r.startswith(rule)]


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("smartgov.procedures.views", "smartgov.identity.services"),
        ("smartgov.procedures.views", "smartgov.identity.selectors"),
        ("smartgov.procedures.services", "smartgov.identity.authz"),
        ("smartgov.procedures.views", "smartgov.platform.models"),
        ("smartgov.procedures.tests.test_x", "smartgov.identity.services"),
        ("smartgov.procedures.views", "smartgov.procedures.models"),
        ("smartgov.procedures.migrations.0001_initial", "smartgov.identity.models"),
    ],
)
def test_allowed_imports_keep_it(importer, imported):
    assert _check((importer, imported)) == []
