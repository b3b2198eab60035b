"""The topics identity publishes, with their payloads (docs/kernel.md §5, docs/events.md)."""

from smartgov.platform.events import Payload, Topic


class AccountRegistered(Payload):
    user: int
    kind: str


class ConsentDecided(Payload):
    user: int
    purpose: str


class DataRequestSubmitted(Payload):
    id: int


class DataRequestHandled(Payload):
    id: int
    status: str


class FederationLinked(Payload):
    user: int
    provider: str


TOPICS = [
    Topic("identity.account.registered", AccountRegistered, description="A citizen or a business registered."),
    Topic("identity.consent.*", ConsentDecided, description="A person gave (.given) or withdrew (.withdrawn) consent."),
    Topic("identity.data_request.submitted", DataRequestSubmitted, description="A person asked to correct or erase."),
    Topic("identity.data_request.handled", DataRequestHandled, description="A data steward answered a request."),
    Topic("identity.federation.linked", FederationLinked, description="An account was linked to a national eID."),
]
