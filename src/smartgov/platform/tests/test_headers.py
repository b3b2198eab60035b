"""Every page and API answer carries a strict Content-Security-Policy (no inline script or style, nothing from
another host, no framing) and a Permissions-Policy switching off the browser features no page uses. The browser
tests fail on any refusal Chromium reports, so the pages work under it."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/don-vi-hanh-chinh/", "/api/v1/docs", "/api/v1/platform/agencies", "/khong-co/"])
def test_strict_content_security_policy_everywhere(client, url):
    answer = client.get(url)
    policy = answer["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "*" not in policy
    assert "camera=()" in answer["Permissions-Policy"] and "geolocation=()" in answer["Permissions-Policy"]
