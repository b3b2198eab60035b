"""The person's space (``/tai-khoan/``, "Smart Hải Phòng" for citizens): one home linking what each app keeps for
them, and the counts the header shows.

An app declares in its ``space.py`` (docs/kernel.md §1):

- ``SECTIONS: list[SpaceSection]``: a card on the space's home, with the page it opens and a line of counts
  ("2 in progress · 1 to pay"), computed for the person when the page is shown;
- ``BADGES: list[HeaderBadge]``: a count beside the person's name in every page's header (the unread
  notifications). It runs on every page a signed-in person opens, so it must cost one indexed query or a cache
  read.

A section or badge shows to the people its URL's access rule lets in (the navigation's gate), so a visitor or a
citizen never sees an officer's tool."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise

from smartgov.platform import navigation
from smartgov.platform.contract import contract_exports


@dataclass(frozen=True)
class SpaceSection:
    label: str | Promise
    url_name: str
    #: One line about what the person has there, e.g. "18 unread" (``user`` is the signed-in account).
    summary: Callable[[Any], str]
    #: What the section is for, in one sentence.
    description: str | Promise = ""
    order: int = 100


@dataclass(frozen=True)
class HeaderBadge:
    url_name: str
    #: The count, cheap: one indexed query or a cache read.
    count: Callable[[Any], int]
    #: The words a screen reader says and the link's title, e.g. ``3 unread notifications``.
    label: Callable[[int], str]
    #: The static file of its icon (white, on the header's red), shown with the count.
    icon: str = "smartgov/img/bell.svg"


@dataclass(frozen=True)
class ShownSection:
    label: str
    url: str
    summary: str
    description: str


@dataclass(frozen=True)
class ShownBadge:
    url: str
    count: int
    label: str
    icon: str


@cache
def sections() -> tuple[SpaceSection, ...]:
    found = [section for _config, declared in contract_exports("space", "SECTIONS") for section in declared]
    return tuple(sorted(found, key=lambda section: section.order))


@cache
def badges() -> tuple[HeaderBadge, ...]:
    return tuple(badge for _config, declared in contract_exports("space", "BADGES") for badge in declared)


def _allowed(request: HttpRequest, url_name: str) -> bool:
    return navigation.allowed(request, url_name)


def sections_for(request: HttpRequest) -> list[ShownSection]:
    """The sections ``request``'s person may open, each with its line of counts."""
    return [
        ShownSection(str(s.label), reverse(s.url_name), s.summary(request.user), str(s.description))
        for s in sections()
        if _allowed(request, s.url_name)
    ]


def badges_for(request: HttpRequest) -> list[ShownBadge]:
    """The header's counts for a signed-in person (none for a visitor)."""
    if not request.user.is_authenticated:
        return []
    shown = []
    for badge in badges():
        if not _allowed(request, badge.url_name):
            continue
        count = badge.count(request.user)
        shown.append(ShownBadge(reverse(badge.url_name), count, badge.label(count), badge.icon))
    return shown
