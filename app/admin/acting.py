"""Who acts when a command changes data (contracts.md "Who acts"): ``--user NAME`` proved by that user's PIN, or
``cli@HOST`` with the rights of the database login the command runs under."""

from __future__ import annotations

import socket

from sqlalchemy.orm import Session, sessionmaker

from app.admin.auth import LockedOut, login_by_pin
from app.errors import PermissionDenied
from app.uow import Actor


class NotProved(PermissionDenied):
    """``--user`` not proved: exit 2 and one line, nothing changed."""

    exit_code = 2


def command_actor(sessions: sessionmaker[Session], user: str | None, pin: str | None,
                  station: str | None = None) -> Actor:
    """The actor of a data-changing command. Without ``user``: ``cli@HOST``, whom the database login lets do
    what it grants (an admin's rights here; PostgreSQL itself refuses what the login may not). With ``user``: that
    active user, proved by ``pin``, with their roles. A wrong PIN here counts towards the user's lock as one at a
    log-in screen does, and the proof or its failure is on the user's trail."""
    if not user:
        return Actor(station=station, user=f"cli@{socket.gethostname()}", role="admin")
    if not pin:
        raise NotProved(f"--user {user}: give the PIN in STATION_PIN or type it on a terminal")
    with sessions() as s:
        try:
            found = login_by_pin(s, user, pin, station=station, method="cli")
        except LockedOut as exc:
            raise NotProved(f"--user {exc.message}") from exc
        except PermissionDenied as exc:
            raise NotProved(f"--user {user}: unknown user or wrong PIN") from exc
        return Actor(station=station, user=found.username, role=found.role)
