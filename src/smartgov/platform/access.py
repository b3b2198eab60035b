"""What an access rule looks like (docs/kernel.md §3). Every app's ``policies.URLS`` maps each URL name it registers
to one :class:`Access`; the authorisation API in ``identity.authz`` applies them to every request."""

from dataclasses import dataclass

#: The request attribute naming the API operation being run (``api:<URL name>``): the API site sets it before the
#: operation's authentication runs, which checks an access token against the scopes of that operation's rule.
API_OPERATION = "api_operation"


@dataclass(frozen=True)
class Access:
    """Who may open a URL. ``kind`` is one of the constructors below; ``roles`` for staff rules; ``scope`` is the
    access-token scope an API operation needs; ``personal``: an open URL whose answer still holds personal data
    (a dossier's public tracking), so it is never stored by a browser or a proxy. ``repeatable``: why a repeated POST
    to this page does no harm (signing out twice ends one session); such a page's forms need no form key, every other
    page's POST is refused without one (``smartgov.platform.formkeys``).

    Every answer to a signed-in person, to a request with an access token and to a non-open URL is ``no-store``;
    only open, impersonal pages served to visitors may be cached."""

    kind: str
    roles: tuple[str, ...] = ()
    scope: str = ""
    personal: bool = False
    repeatable: str = ""

    # pages
    @classmethod
    def open(cls, *, personal: bool = False, repeatable: str = "") -> "Access":
        """Anyone, signed in or not (``personal``: the answer holds personal data, never cached)."""
        return cls("open", personal=personal, repeatable=repeatable)

    @classmethod
    def signed_in(cls, *, repeatable: str = "") -> "Access":
        """Any signed-in account; visitors are sent to the sign-in page."""
        return cls("signed_in", repeatable=repeatable)

    @classmethod
    def signs_in(cls, *, repeatable: str = "") -> "Access":
        """Any signed-in account, but the view itself sends visitors to sign in: the OpenID Connect authorization
        endpoint answers a relying party's silent request (``prompt=none``) with an error instead of a page."""
        return cls("signs_in", repeatable=repeatable)

    @classmethod
    def staff(cls, *roles: str) -> "Access":
        """Civil servants holding one of ``roles`` somewhere (platform administrators always); the page's
        checkpoint decides about the agency. No roles: platform administrators only."""
        return cls("staff", tuple(roles))

    @classmethod
    def admin_site(cls) -> "Access":
        """The Django admin: accounts with ``is_staff`` only (the admin checks it itself)."""
        return cls("admin_site")

    # machines
    @classmethod
    def bearer(cls) -> "Access":
        """An OAuth access token; a browser session is not enough (the endpoint checks it)."""
        return cls("bearer")

    @classmethod
    def client(cls) -> "Access":
        """An OAuth client's credentials (the endpoint checks them)."""
        return cls("client")

    @classmethod
    def metrics(cls) -> "Access":
        """The metrics token (the endpoint checks it)."""
        return cls("metrics")

    @classmethod
    def signed(cls) -> "Access":
        """A signed message from a payment gateway (the endpoint checks the signature)."""
        return cls("signed")

    # the JSON API: its authentication answers 401 to a visitor
    @classmethod
    def api(cls, scope: str = "") -> "Access":
        """Any account, by its session or an access token holding ``scope`` (space-separated: all of them). An
        operation without a scope is refused to every access token (fail closed)."""
        return cls("api", (), scope)

    @classmethod
    def api_staff(cls, *roles: str, scope: str = "") -> "Access":
        """Civil servants holding one of ``roles`` in the resource's agency (the API's checkpoint decides), by
        their session or an access token holding ``scope``."""
        return cls("api_staff", tuple(roles), scope)

    @property
    def scopes(self) -> frozenset[str]:
        """The access-token scopes the rule needs (all of them)."""
        return frozenset(self.scope.split())

    @property
    def is_page(self) -> bool:
        """A page people open in a browser (its POSTs come from the site's own forms)."""
        return self.kind in ("open", "signed_in", "signs_in", "staff")

    @property
    def is_api(self) -> bool:
        return self.kind in ("api", "api_staff")
