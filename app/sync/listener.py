"""Listen for changes made at other stations, in a thread of its own, and heal lost connections.

``ChangeListener(url, on_change, on_state)`` calls ``on_change(topic, key)`` for every change and
``on_state(connected)`` whenever the connection is lost or back. After a reconnect it sends
``("*", "")``: whatever happened meanwhile, reload. Plain Python: the Qt bridge lives in
:mod:`app.sync.qt`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.sync import CHANNEL, parse_payload
from db.session import is_sqlite, normalise_url

log = logging.getLogger(__name__)

OnChange = Callable[[str, str], None]
OnState = Callable[[bool], None]


class ChangeListener:
    def __init__(
        self,
        url: str,
        on_change: OnChange,
        on_state: OnState | None = None,
        poll_interval: float = 0.25,
        retry_interval: float = 1.0,
    ) -> None:
        self.url = normalise_url(url)
        self.on_change = on_change
        self.on_state = on_state or (lambda _connected: None)
        self.poll_interval = poll_interval
        self.retry_interval = retry_interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected: bool | None = None

    def start(self) -> ChangeListener:
        self._thread = threading.Thread(target=self._run, name="change-listener", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _set_state(self, connected: bool) -> None:
        if connected != self.connected:
            was = self.connected
            self.connected = connected
            self.on_state(connected)
            if connected and was is False:
                self.on_change("*", "")

    def _run(self) -> None:
        run = self._poll_sqlite if is_sqlite(self.url) else self._listen_postgres
        while not self._stop.is_set():
            try:
                run()
            except Exception as exc:  # noqa: BLE001 - any failure means "disconnected, try again"
                log.info("change listener lost its connection: %s", exc)
                self._set_state(False)
                self._stop.wait(self.retry_interval)

    # PostgreSQL: LISTEN on an autocommit connection; notifications arrive as they are committed.
    def _listen_postgres(self) -> None:
        dsn = make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self._set_state(True)
            while not self._stop.is_set():
                for note in conn.notifies(timeout=0.5):
                    self.on_change(*parse_payload(note.payload))
                # A cheap round trip proves the connection is alive even when nothing happens.
                conn.execute("SELECT 1")

    # SQLite: poll the newest change_log id; a few microseconds a time on the local file.
    def _poll_sqlite(self) -> None:
        engine = create_engine(self.url, connect_args={"timeout": 5})
        try:
            with engine.connect() as conn:
                last = conn.execute(text("SELECT coalesce(max(id), 0) FROM change_log")).scalar_one()
                conn.rollback()
                self._set_state(True)
                while not self._stop.wait(self.poll_interval):
                    newest = conn.execute(text("SELECT coalesce(max(id), 0) FROM change_log")).scalar_one()
                    if newest > last:
                        rows = conn.execute(
                            text("SELECT id, topic, key FROM change_log WHERE id > :last ORDER BY id LIMIT 500"),
                            {"last": last},
                        ).all()
                        for row in rows:
                            self.on_change(row.topic, row.key)
                        last = rows[-1].id if rows else newest
                    conn.rollback()  # end the read transaction so the next poll sees new commits
        finally:
            engine.dispose()
