"""CKAN's naming rules, which clients rely on: a dataset's or group's ``name`` is its address (lower-case ASCII
letters, digits, ``-`` and ``_``, 2 to 100 characters); a tag holds letters of any script (Vietnamese too), digits,
spaces and ``-_.``, 2 to 100 characters."""

import re

NAME_PATTERN = r"^[a-z0-9_-]{2,100}$"
NAME = re.compile(NAME_PATTERN)
TAG_PATTERN = r"^[\w .-]{2,100}$"
TAG = re.compile(TAG_PATTERN)
#: A warehouse table by its name in SQL (``database.table``), as the warehouse names it.
TABLE_PATTERN = r"^[a-z][a-z0-9_]{0,62}\.[a-z][a-z0-9_]{0,62}$"


def agency_name(code: str) -> str:
    """The CKAN ``name`` of an agency (an organization): its electronic ID in lower case with ``-`` for ``.``:
    ``000.00.10.H31`` → ``000-00-10-h31``."""
    return code.lower().replace(".", "-")
