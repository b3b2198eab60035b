"""Test support every app's tests may use (imported by tests only)."""

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from pydantic import BaseModel, ConfigDict

from smartgov.platform import events


@dataclass(frozen=True)
class Probe:
    """How the permission matrix reaches one URL: sample URL arguments (a string in capitals is a placeholder that
    an app's ``probes.world()`` fills in, e.g. ``"DOSSIER"``), the method, a JSON body for API calls, and whether the
    URL calls another system (502/503/504 then only say it is not reachable from the test)."""

    kwargs: dict[str, Any] | None = None
    method: str = "get"
    body: str = "{}"
    upstream: bool = False


class AnyPayload(BaseModel):
    """The payload schema of topics a test makes up: whatever JSON object it publishes."""

    model_config = ConfigDict(extra="allow")


@contextmanager
def topics_declared(*names: str) -> Iterator[None]:
    """Declare topics for the duration of a test (payloads of any shape)."""
    added = [events.Topic(name, AnyPayload) for name in names]
    events._extra.extend(added)
    events.topics.cache_clear()
    try:
        yield
    finally:
        for topic in added:
            events._extra.remove(topic)
        events.topics.cache_clear()


# Browser tests (Playwright driving Debian's Chromium; the fixtures `browser`, `page` and `phone` are in the platform's
# tests/fixtures.py). Screenshots go to build/screenshots/<name>.png: look at them.
SCREENSHOTS = Path(settings.BASE_DIR) / "build" / "screenshots"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """Run axe-core (from the npm package) on the page; return the violations of the given impacts."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Through the DevTools protocol, not a <script> tag: the pages' Content-Security-Policy refuses inline scripts.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = [v for v in result["violations"] if v.get("impact") in impacts]
    if found:
        print(json.dumps([{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in found], indent=1))
    return found


#: Search queries over the bounds every search keeps (platform.text.search_text): the phrase repeated 500 times
#: that held a worker for 28.7 s (issue 13, finding 7), and 900 distinct words.
OVERSIZED_QUERIES = {
    "long-phrase": "đăng ký khai sinh " * 500,
    "900-words": " ".join(f"tu{i}" for i in range(900)),
}


def search_refuses_quickly(client: Any, path: str, query: str) -> None:
    """The search at ``path`` answers ``q=query`` (over the bounds) with a 4xx and a message in less than a
    second; an API answers problem details. Raises AssertionError otherwise."""
    import time

    if client.get(path, {"q": "thanh dong"}).status_code != 200:  # warm: the first request loads the site
        raise AssertionError(f"{path} does not answer a plain search")
    started = time.monotonic()
    response = client.get(path, {"q": query})
    elapsed = time.monotonic() - started
    if response.status_code not in (400, 422):
        raise AssertionError(f"{path} answered {response.status_code} to an oversized query")
    if elapsed >= 1:
        raise AssertionError(f"{path} took {elapsed:.1f} s to refuse an oversized query")
    if path.startswith("/api/") and (
        response["Content-Type"] != "application/problem+json" or not response.json().get("title")
    ):
        raise AssertionError(f"{path} did not answer problem details with a title")


# Files for the inspection tests (platform.files), built byte by byte so each test shows what it is made of.
def pdf_stream(dictionary: bytes, data: bytes) -> bytes:
    """The body of a stream object: ``dictionary`` (without brackets) with its ``/Length``, then ``data``."""
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def pdf_bytes(
    *,
    pages: int = 1,
    catalog: bytes = b"",
    page: bytes = b"",
    extra: dict[int, bytes] | None = None,
    before: bytes = b"",
    after: bytes = b"",
) -> bytes:
    """A PDF with a correct cross-reference table: objects 1 (catalog, plus ``catalog``), 2 (page tree), 3 (the
    pages' content), 4… (``pages`` pages, plus ``page``), then ``extra`` under the numbers given (which must be
    past the pages); ``before`` goes in front of the header, ``after`` behind ``%%EOF``."""
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(pages))
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        2: b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        3: pdf_stream(b"", b"BT /F1 12 Tf 72 720 Td (Giay khai sinh) Tj ET"),
    }
    for i in range(pages):
        objects[4 + i] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R " + page + b" >>"
    objects.update(extra or {})
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"
    for number in sorted(offsets):
        out += b"%d 1\n%010d 00000 n \n" % (number, offsets[number])
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (max(objects) + 1, xref)
    return before + bytes(out) + after


# Form keys (platform.formkeys): every page POST needs the key its page's form carries.
_FORM_KEY_INPUT = re.compile(r'<input type="hidden" name="form_key" value="([^"]+)">')


def form_keys_in(page: Any) -> list[str]:
    """The form keys of a page (a test client's answer or its HTML), in the order of its forms."""
    html = page if isinstance(page, str) else page.content.decode()
    return _FORM_KEY_INPUT.findall(html)


def posting_with_form_keys(post: Callable[..., Any]) -> Callable[..., Any]:
    """Django's test client's ``post`` made to act like a browser on a page whose form carries ``{% form_key %}``: a
    form post to a page without the field gets a fresh key. Installed for every test by the platform's
    fixtures; tests of the mechanism send their own key (``form_keys_in(page)``), or ``form_key=""`` for none. Posts to
    what is not a page (the API, a gateway's signed notice, the admin) are left as they are."""
    from urllib.parse import urlsplit

    from django.test.client import MULTIPART_CONTENT
    from django.urls import Resolver404, resolve

    from smartgov.platform.formkeys import FIELD, form_key_new, page_rule

    def a_page(path: str) -> bool:
        try:
            return page_rule(resolve(urlsplit(path).path)) is not None
        except Resolver404:
            return False

    def post_with_key(
        self: Any, path: str, data: Any = None, content_type: str = MULTIPART_CONTENT, *args: Any, **kwargs: Any
    ) -> Any:
        if content_type == MULTIPART_CONTENT and a_page(str(path)):
            if data is None:
                data = {FIELD: form_key_new()}
            elif isinstance(data, dict) and FIELD not in data:
                data = {**data, FIELD: form_key_new()}
        return post(self, path, data, content_type, *args, **kwargs)

    return post_with_key
