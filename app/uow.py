"""One use case, one transaction (Cosmic Python's unit of work)."""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker


@dataclass(frozen=True)
class Actor:
    """Who acts, for the timeline and for role checks."""

    station: str | None = None
    user: str | None = None
    role: str = "admin"

    @classmethod
    def system(cls, station: str | None = None) -> Actor:
        return cls(station=station, user="system", role="admin")


class UnitOfWork:
    """``with UnitOfWork(sessions) as uow: ...; uow.commit()``: rolled back unless committed."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._sessions()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
