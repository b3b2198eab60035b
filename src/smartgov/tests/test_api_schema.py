"""Schemathesis over every operation of /api/v1/openapi.json, in-process, as a visitor, a citizen and an officer:
no server error, every status code documented and every answer matching its documented schema (issue 13,
finding 17). Bounded and derandomised, so CI is stable; the city of the exchange's desk gives the operations real
objects to reach (a submitted dossier, its agency, the gateway to the population database), put in every other
example's path.

Each identity is one test that walks every operation (the city is built once per identity) and reports every
operation that broke, with the request that broke it."""

import itertools
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from oauth2_provider.models import get_access_token_model, get_application_model
from schemathesis import checks

#: The gateway answers the officer's citizen check from its own threads: they must see the committed data.
pytestmark = pytest.mark.django_db(transaction=True)

#: No server error; every status documented, with the documented content type, headers and body. (Not "a valid
#: request is accepted": a schema cannot say every rule of the domain, which answers 400 or 409 with a message.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]

#: Examples per operation and identity: ~40 operations × 3 identities stay well under a minute on two cores.
EXAMPLES = 15


#: An answer each identity must have had at least once, by operation.
REACHED = {
    "visitor": {
        "GET /api/v1/procedures/procedures/{code}": 200,
        "GET /api/v1/platform/agencies/{code}": 200,
        "GET /api/v1/procedures/dossiers": 401,
    },
    "citizen": {"GET /api/v1/procedures/dossiers/{dossier_id}": 200, "GET /api/v1/procedures/dossiers": 200},
    "officer": {
        "GET /api/v1/procedures/queue/{dossier_id}": 200,
        "POST /api/v1/procedures/queue/{dossier_id}/citizen-check": 200,
        "GET /api/v1/procedures/dossiers/{dossier_id}": 404,
    },
}


def _bearer(user: Any) -> dict[str, str]:
    """An access token of ``user`` with every scope the provider offers (new scopes are covered as they come)."""
    app = get_application_model().objects.create(
        name="Schemathesis", client_type="confidential", authorization_grant_type="authorization-code",
        redirect_uris="https://client.example/cb", user=user,
    )  # fmt: skip
    token = f"schemathesis-{user.pk}"
    get_access_token_model().objects.create(
        user=user, application=app, token=token, scope=" ".join(settings.OAUTH2_PROVIDER["SCOPES"]),
        expires=timezone.now() + timedelta(hours=1),
    )  # fmt: skip
    return {"Authorization": f"Bearer {token}"}


def _headers(identity: str, hp: Any) -> dict[str, str]:
    if identity == "citizen":
        return _bearer(hp.mai)
    if identity == "officer":  # with an authenticator (exchange_desk), as every officer who gets a token
        return _bearer(hp.officer)
    return {}


def _exercise(operation: Any, headers: dict[str, str], known: dict[str, Any], seen: set[int]) -> None:
    turns = itertools.count()

    @hypothesis_settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        if case.path_parameters and next(turns) % 2 == 0:  # every other example reaches a real object
            case.path_parameters.update({k: v for k, v in known.items() if k in case.path_parameters})
        seen.add(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

    run()


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The site's WSGI application, keeping the test's database connection between requests (as Django's test
    client does: the application closes it when a request finishes, which would end the test's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("identity", ["visitor", "citizen", "officer"])
def test_every_operation_answers_as_documented(identity, hp, exchange_desk, wsgi_app):
    known = {  # real objects, by the path their parameters belong to
        "/api/v1/procedures/": {"dossier_id": exchange_desk.dossier.pk, "code": exchange_desk.dossier.procedure.code},
        "/api/v1/platform/agencies/": {"code": hp.ward.code},
        "/api/v1/platform/units/": {"generation": "2025", "code": hp.ward.admin_unit.code},
    }
    headers = _headers(identity, hp)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    schema.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE])
    failures = []
    statuses: dict[str, set[int]] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30
    for operation in operations:
        try:
            reachable = next((v for prefix, v in known.items() if operation.path.startswith(prefix)), {})
            _exercise(operation, headers, reachable, statuses.setdefault(operation.label, set()))
        except (Exception, BaseExceptionGroup) as exc:  # every operation's failures are reported together
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
    # The identities reached what they may reach (a token refused everywhere would pass the checks above).
    for label, status in REACHED[identity].items():
        assert status in statuses[label], f"{identity}: {label} answered only {sorted(statuses[label])}"
