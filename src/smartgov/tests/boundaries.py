"""The kernel's boundaries between apps, as an import-linter contract (docs/kernel.md §2).

``make test`` runs ``lint-imports``, which checks this contract (``[tool.importlinter]`` in ``pyproject.toml``). The
apps are found in the import graph (every package with an ``apps`` module), so a new app is checked without a
central edit:

- ``smartgov.platform`` imports no other app;
- an app imports another app only through its public rooms: ``services``, ``selectors``, ``events`` and, for
  identity, ``authz`` — never its models, views, API, admin, tasks, handlers or domain rules;
- no app's tests import another app's tests: shared test data comes from the fixtures each app offers as a pytest
  plugin (``tests/fixtures.py``) and from ``smartgov.platform.testing``.

Project-level modules (``smartgov.settings``, ``smartgov.urls``, ``smartgov.tests``) may import anything; migrations
are generated and not checked.
"""

from dataclasses import dataclass

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils

PUBLIC_ROOMS = ("services", "selectors", "events", "authz")


@dataclass(frozen=True)
class Breach:
    rule: str
    importer: str
    imported: str
    lines: tuple[int, ...]


class KernelContract(Contract):
    type_name = "kernel"

    root = fields.StringField(required=False, default="smartgov")
    public_rooms = fields.ListField(subfield=fields.StringField(), required=False, default=list(PUBLIC_ROOMS))
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(
        contract_utils.AlertLevel, default=contract_utils.AlertLevel.ERROR
    )

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=self.unmatched_ignore_imports_alerting,  # type: ignore[arg-type]
        )
        root = str(self.root)
        apps = sorted(
            (m.removesuffix(".apps") for m in graph.modules if m.endswith(".apps") and m.startswith(root + ".")),
            key=len,
            reverse=True,
        )
        platform = f"{root}.platform"
        rooms = tuple(str(room) for room in self.public_rooms)  # type: ignore[attr-defined]

        def app_of(module: str) -> str | None:
            return next((app for app in apps if module == app or module.startswith(app + ".")), None)

        breaches: list[Breach] = []
        for importer in sorted(graph.modules):
            source = app_of(importer)
            if source is None or ".migrations" in importer:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                target = app_of(imported)
                if target is None or target == source:
                    continue
                details = graph.get_import_details(importer=importer, imported=imported)
                lines = tuple(sorted({d["line_number"] for d in details}))
                inner = imported.removeprefix(target + ".")
                if source == platform:
                    breaches.append(Breach("the platform imports no app", importer, imported, lines))
                elif target == platform:
                    continue
                elif ".tests" in importer.removeprefix(source) and inner.split(".")[0] == "tests":
                    breaches.append(Breach("tests do not import another app's tests", importer, imported, lines))
                elif imported != target and inner.split(".")[0] not in rooms:
                    rule = f"another app is reached through its {', '.join(rooms)}"
                    breaches.append(Breach(rule, importer, imported, lines))
        return ContractCheck(
            kept=not breaches,
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
            metadata={"breaches": breaches},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for breach in check.metadata["breaches"]:
            where = ", ".join(f"l.{n}" for n in breach.lines)
            output.print_error(f"{breach.importer} -> {breach.imported} ({where}): {breach.rule}", bold=False)
        output.new_line()
