"""The notifications' access rules: a person's own messages."""

from smartgov.platform.access import Access

#: The access rule of every URL name this app registers.
URLS: dict[str, Access] = {
    "notifications:inbox": Access.signed_in(),
    "notifications:read-all": Access.signed_in(),
    "notifications:push-device": Access.signed_in(
        repeatable="turning push on twice keeps one subscription per device; off twice leaves it off"
    ),
}
