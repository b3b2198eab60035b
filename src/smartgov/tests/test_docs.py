"""The documentation says what the code declares."""

from pathlib import Path

from smartgov.platform.management.commands.apps import topics_markdown

DOCS = Path(__file__).resolve().parents[3] / "docs"


def test_the_topics_in_the_docs_are_the_declared_ones():
    text = (DOCS / "events.md").read_text(encoding="utf-8")
    listed = text.split("<!-- topics:start -->")[1].split("<!-- topics:end -->")[0].strip()
    assert listed == topics_markdown(), "run `smartgov apps --topics` and paste its table into docs/events.md"
