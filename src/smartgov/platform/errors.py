"""Errors services raise. Views and the API turn them into a message and a status code (RFC 7807)."""


class DomainError(Exception):
    """A rule of the domain refused the operation. ``message`` is translated, for the user."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Unavailable(DomainError):
    """Another system the operation needs (through the data-exchange gateway) did not answer."""

    status = 502
    code = "unavailable"
