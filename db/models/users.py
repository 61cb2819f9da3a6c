"""Log-in security (issue 19, item 3): PIN lock-outs and the users' trail (migration 0031).

A PIN lock is kept per name as typed at a log-in (a user's name, or a name no user has: an unknown name locks the
same way, so the answers never tell which names exist). The trail is append-only, like the order timeline: the
migration installs triggers that refuse UPDATE and DELETE. Neither table ever holds a PIN or a badge code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, UtcDateTime, utcnow


class LoginLock(Base):
    """Wrong PINs given for one name: how many in the current run, when the last was, and until when the name is
    locked (app.admin.auth: 5 in a run lock for 15 minutes; a run ends 15 minutes after its last failure)."""

    __tablename__ = "login_locks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)


class UserEvent(Base):
    """One event on a user's trail: login, login_failed, login_refused (while locked), locked, unlocked."""

    __tablename__ = "user_events"
    __table_args__ = (Index("ix_user_events_username", "username", "id"), Index("ix_user_events_at", "at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(24))
    # The name as typed (None: a badge nobody has); user_id when it is a user's.
    username: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    station: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str | None] = mapped_column(String(64))  # who unlocked
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
