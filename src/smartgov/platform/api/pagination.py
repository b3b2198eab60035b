"""The query of every paged API list: ``limit`` and ``offset``, both bounded by the schema, so a client's number
never reaches the database unchecked (an offset of 34355533169809391616 overflowed a 64-bit integer and answered
500; issue 13, finding 8). A list's filter schema inherits ``PageQuery``."""

from ninja import Field, Schema

#: The furthest a client may page into a list; beyond it a search narrows the list instead.
MAX_OFFSET = 100_000
MAX_LIMIT = 200


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"Items per page, at most {MAX_LIMIT}")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"Items to skip, at most {MAX_OFFSET}")
