"""Errors a user can cause. Each carries a message meant for the operator."""


class StationError(Exception):
    """A failure the operator can understand and act on; never shown as a traceback."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(StationError):
    pass


class InvalidInput(StationError):
    pass


class ConcurrencyConflict(StationError):
    """Someone else changed the record since it was read."""


class PermissionDenied(StationError):
    exit_code = 4


class DatabaseUnavailable(StationError):
    exit_code = 5
