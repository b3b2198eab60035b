from smartgov.identity.authz import Role
from smartgov.platform.access import Access

URLS = {
    "noticeboard:board": Access.open(),
    "noticeboard:post": Access.staff(Role.LEADER),
    "api:noticeboard_list": Access.open(),
}
