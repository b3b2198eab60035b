"""How the gateway refuses: an X-Road error code with its HTTP status, answered as JSON with ``X-Road-Error``."""


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
