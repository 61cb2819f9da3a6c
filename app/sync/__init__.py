"""Change notification between stations.

A service that changes something other stations show calls :func:`notify_change` inside its
transaction: a ``change_log`` row is written and, on PostgreSQL, ``pg_notify`` is sent; both take
effect on commit and vanish on rollback. Listeners (:mod:`app.sync.listener`) wake every station:
PostgreSQL LISTEN on an autocommit connection, SQLite a cheap poll of ``max(change_log.id)``.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.models import ChangeLog

CHANNEL = "station_changes"
# Every topic a listener may hear; "*" means "reload everything" (sent after a reconnect).
TOPICS = ("order", "station", "stock", "*")


def notify_change(session: Session, topic: str, key: str | int = "") -> None:
    """Record that ``topic``/``key`` changed; other stations hear of it when the transaction commits."""
    key = str(key)[:64]
    session.add(ChangeLog(topic=topic[:40], key=key))
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": f"{topic}:{key}"})


def parse_payload(payload: str) -> tuple[str, str]:
    topic, _, key = payload.partition(":")
    return topic, key
