"""The open data portal's access rules (docs/opendata.md, "Who may do what"). The read actions are open to everyone
(a token lets its agency's staff see private datasets: the selectors decide); a POST to them repeats nothing. The
write actions need an access token (``Access.bearer``: a browser session is not enough, so no page of another site
can make a signed-in person's browser publish); the services check that its account may publish for the dataset's
agency."""

from smartgov.opendata.ckan.actions import ACTIONS
from smartgov.platform.access import Access

_READ = Access.open(repeatable="a read action of the CKAN API changes nothing")

#: The access rule of every URL name this app registers.
URLS: dict[str, Access] = {
    **{f"opendata:{name}": _READ if action.read else Access.bearer() for name, action in ACTIONS.items()},
    "opendata:action-unknown": _READ,
    "opendata:resource-download": Access.open(),
    # the DCAT-AP catalogue and records: public datasets only, whoever asks; GET and HEAD only
    "opendata:dcat-catalog": Access.open(),
    "opendata:dcat-dataset": Access.open(),
}
