"""What the API's route modules share: the authentication, the account of a request, the timeline's prefetch."""

from django.db.models import Prefetch
from django.http import HttpRequest

from smartgov.identity import authz
from smartgov.identity.selectors import User
from smartgov.procedures.models import DossierEvent

#: An access token or the browser session (sets ``request.principal``).
AUTH = authz.API_AUTH
#: The dossiers' timelines, with their agencies, in one query per list.
EVENTS = Prefetch("events", queryset=DossierEvent.objects.select_related("agency"))


def me(request: HttpRequest) -> User:
    """The account the request authenticated as."""
    return request.user  # type: ignore[return-value]
