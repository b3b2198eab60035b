"""``smartgov apps``: what each installed app declares to the platform (docs/kernel.md §1).

``smartgov apps`` prints, per app, its URLs, API operations, menu entries, access rules, topics, scheduled jobs,
demo steps, personal-data sections, merge models and front-door addresses. ``smartgov apps --topics`` prints the
table of event topics kept in docs/events.md (a test checks the two agree).
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.table import Table

from smartgov.platform.contract import contract_apps, contract_exports
from smartgov.platform.demo import demo_steps
from smartgov.platform.events import topics
from smartgov.platform.merge import merge_parts
from smartgov.platform.personal_data import personal_data_exporters


def topics_markdown() -> str:
    """The event topics as a Markdown table: name, version, publisher, payload fields."""
    publisher = {
        topic.name: config.label for config, declared in contract_exports("events", "TOPICS") for topic in declared
    }
    lines = ["| topic | version | published by | payload |", "| --- | --- | --- | --- |"]
    for topic in sorted(topics(), key=lambda t: t.name):
        fields = ", ".join(f"`{name}`" for name in topic.schema.model_fields)
        lines.append(f"| `{topic.name}` | {topic.version} | {publisher.get(topic.name, '—')} | {fields} |")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Show what each installed app declares to the platform (URLs, API, menu, rules, topics, jobs, demo…)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--topics", action="store_true", help="Print the event topics as a Markdown table.")
        parser.add_argument("--json", action="store_true", help="Print the declarations as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["topics"]:
            self.stdout.write(topics_markdown())
            return
        declared = self.declarations()
        if options["json"]:
            self.stdout.write(json.dumps(declared, indent=2, ensure_ascii=False))
            return
        table = Table(title="SmartGov apps")
        for column in ("app", "part", "declares"):
            table.add_column(column)
        for label, parts in declared.items():
            for part, items in parts.items():
                table.add_row(label, part, ", ".join(map(str, items)) if items else "—")
        Console().print(table)

    @staticmethod
    def declarations() -> dict[str, dict[str, list[str]]]:
        rules: dict[str, list[str]] = {}
        for config, urls in contract_exports("policies", "URLS"):
            rules[config.label] = [f"{name}={rule.kind}" for name, rule in urls.items()]
        steps: dict[str, list[str]] = {}
        for name, _step in demo_steps():
            steps.setdefault(name.split(".")[0], []).append(name)
        jobs = {config.label: list(schedule) for config, schedule in contract_exports("conf", "SCHEDULE")}
        parts = merge_parts()
        result: dict[str, dict[str, list[str]]] = {}
        for config in contract_apps():
            label = config.label
            router = config.part("api")
            menu = [
                e.url_name for _c, found in contract_exports("navigation", "ENTRIES") if _c is config for e in found
            ]
            result[label] = {
                "api": [f"/api/v1{config.api_mount}"] if router is not None and hasattr(router, "router") else [],
                "menu": menu,
                "space": [
                    s.url_name for c, found in contract_exports("space", "SECTIONS") if c is config for s in found
                ]
                + [
                    f"badge:{b.url_name}"
                    for c, found in contract_exports("space", "BADGES")
                    if c is config
                    for b in found
                ],
                "access rules": rules.get(label, []),
                "topics": [t.name for c, found in contract_exports("events", "TOPICS") if c is config for t in found],
                "jobs": jobs.get(label, []),
                "demo": steps.get(label, []),
                "personal data": [
                    s for s, f in personal_data_exporters().items() if f.__module__.startswith(config.name + ".")
                ],
                "merge": [s.label for s in parts[label].models] if label in parts else [],
                "front door": [a for c, m in contract_exports("frontdoor", "MOUNTS") if c is config for a in m],
            }
        return result
