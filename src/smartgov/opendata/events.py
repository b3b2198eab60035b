"""The topics the open data portal publishes (docs/kernel.md §5, docs/events.md): a dataset created, changed (its
fields, tags, themes or resources) or withdrawn, so that consumers (a national catalogue's harvester, the search
index of a later increment, notifications) never read the portal's tables."""

from smartgov.platform.events import Payload, Topic


class DatasetChanged(Payload):
    """A dataset by its ``id`` (UUID) and ``name``; ``owner`` the owner agency's electronic ID; ``fields`` what
    changed (empty for a creation or a withdrawal)."""

    id: str
    name: str
    title: str
    owner: str
    private: bool
    state: str
    fields: list[str]


TOPICS = [
    Topic("opendata.dataset.created", DatasetChanged, description="A dataset was added to the open data portal."),
    Topic("opendata.dataset.updated", DatasetChanged, description="A dataset of the open data portal changed."),
    Topic("opendata.dataset.deleted", DatasetChanged, description="A dataset was withdrawn from the open data portal."),
]
