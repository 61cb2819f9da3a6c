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


class ConfigError(StationError):
    """The config file or the environment holds values the station cannot run with: one line for each
    (``config: pack.bulk_threshold = 'six' is not a whole number (1-999)``), all of them at once."""

    exit_code = 2

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


# What a database library's failure means to the operator; adapters ask here instead of importing the library.
DB_UNAVAILABLE = "unavailable"  # cannot be reached, or refused the request (locked, connection lost)
DB_SCHEMA = "schema"  # a table or column the code expects is missing: the schema is behind
DB_REFUSED = "refused"  # a constraint refused a change
DB_OTHER = "other"  # any other failure of the database library


def database_failure(exc: BaseException) -> str | None:
    """``DB_UNAVAILABLE``, ``DB_SCHEMA``, ``DB_REFUSED`` or ``DB_OTHER`` when ``exc`` is the database library's
    failure, else None (not the database's: the caller's to handle)."""
    from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError

    if isinstance(exc, OperationalError):
        return DB_UNAVAILABLE
    if isinstance(exc, ProgrammingError):
        return DB_SCHEMA
    if isinstance(exc, IntegrityError):
        return DB_REFUSED
    if isinstance(exc, SQLAlchemyError):
        return DB_OTHER
    return None


def database_detail(exc: BaseException) -> object:
    """What the database itself said (the driver's error behind the library's), for a one-line message."""
    return getattr(exc, "orig", None) or exc
