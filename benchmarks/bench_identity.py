"""OpenID Connect provider: token endpoint and userinfo requests/s on the production server setup.

Baseline: the bare stack (``/healthz/live``). Then:

- ``GET /o/userinfo/`` with a bearer access token (token lookup, user, claims per scope);
- ``POST /o/token/`` (client credentials grant, HTTP Basic client authentication, a new access token
  written each time), for a client whose secret is stored with SmartGov's client-secret hasher (PBKDF2,
  1,000 iterations), and for one stored with Argon2id, the password hasher django-oauth-toolkit would use by
  default: the difference is the price of hashing a random 128-character secret slowly.
"""

from __future__ import annotations

import base64
import json
import secrets
import subprocess
import urllib.request

from _harness import BIN, ROOT, Context, Result, drive, prepare_site, production_server

SETUP = """
import json, sys
from datetime import timedelta
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model
from smartgov.identity.models import User

spec = json.loads(sys.stdin.read())
user = User.objects.create_user(username="031195001234", personal_id="031195001234", kind="citizen",
                                full_name="Nguyễn Thị Mai", email="mai@example.vn", phone="0912345678")
Application = get_application_model()
for client_id, hasher in (("bench-fast", None), ("bench-argon2", "argon2")):
    app = Application(name=client_id, client_id=client_id, client_type="confidential",
                      authorization_grant_type="client-credentials", algorithm="RS256")
    app.client_secret = make_password(spec["secret"], hasher=hasher) if hasher else spec["secret"]
    app.save()
get_access_token_model().objects.create(user=user, application=Application.objects.get(client_id="bench-fast"),
    token=spec["token"], expires=timezone.now() + timedelta(days=1), scope="openid profile email phone vn_personal_id")
"""


def _setup(env: dict[str, str], secret: str, token: str) -> None:
    subprocess.run(
        [str(BIN / "smartgov"), "shell", "-c", SETUP],
        input=json.dumps({"secret": secret, "token": token}),
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
    )


def _check(request: urllib.request.Request) -> dict[str, object]:
    """One request by hand first: the load must be made of successful requests."""
    with urllib.request.urlopen(request, timeout=60) as response:  # workers may be restarting (max_requests)
        if response.status != 200:
            raise RuntimeError(f"{request.full_url}: {response.status}")
        answer: dict[str, object] = json.loads(response.read())
        return answer


def run(ctx: Context) -> list[Result]:
    env = prepare_site(ctx.workdir, demo=False)
    secret, token = secrets.token_urlsafe(96), secrets.token_urlsafe(30)
    _setup(env, secret, token)
    results: list[Result] = []
    with production_server(env) as base:
        bare = drive(base + "/healthz/live", ctx)
        results.append(
            Result(
                "bare stack /healthz/live",
                bare.requests_per_second,
                "req/s",
                extra={"p50 ms": bare.p50_ms, "p99 ms": bare.p99_ms, "errors": bare.errors},
            )
        )

        bearer = {"Authorization": f"Bearer {token}"}
        claims = _check(urllib.request.Request(base + "/o/userinfo/", headers=bearer))
        if claims.get("vn_personal_id") != "031195001234":
            raise RuntimeError(f"unexpected userinfo: {claims}")
        info = drive(base + "/o/userinfo/", ctx, headers=bearer)
        results.append(
            Result(
                "userinfo GET /o/userinfo/",
                info.requests_per_second,
                "req/s",
                baseline="bare stack",
                ratio=info.requests_per_second / bare.requests_per_second,
                extra={"p50 ms": info.p50_ms, "p99 ms": info.p99_ms, "errors": info.errors},
            )
        )

        body = "grant_type=client_credentials&scope=openid"
        for client_id, label in (
            ("bench-fast", "client secret PBKDF2×1000"),
            ("bench-argon2", "client secret Argon2id"),
        ):
            basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
            headers = {"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"}
            issued = _check(urllib.request.Request(base + "/o/token/", data=body.encode(), headers=headers))
            if "access_token" not in issued:
                raise RuntimeError(f"no token issued: {issued}")
            load = drive(base + "/o/token/", ctx, method="POST", body=body, headers=headers)
            results.append(
                Result(
                    f"token POST /o/token/ ({label})",
                    load.requests_per_second,
                    "req/s",
                    baseline="bare stack",
                    ratio=load.requests_per_second / bare.requests_per_second,
                    extra={"p50 ms": load.p50_ms, "p99 ms": load.p99_ms, "errors": load.errors},
                )
            )
    return results
