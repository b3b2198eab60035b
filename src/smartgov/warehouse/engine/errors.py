"""The engine's one error type: a code the app translates, and a plain English message (docs/warehouse.md)."""

from __future__ import annotations


class IngestError(Exception):
    """A file, a table or a request the engine refuses, said clearly: never a crash.

    ``code`` is stable (the app maps it to a translated message); ``message`` is plain English for logs and for
    callers without translations; ``row`` names the source's data row when one row is the cause."""

    def __init__(self, code: str, message: str, *, row: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.row = row

    def __repr__(self) -> str:
        return f"IngestError({self.code!r}, {self.message!r})"
