import queue
import time

import pytest

from app.sync import notify_change
from app.sync.listener import ChangeListener


def test_a_committed_change_is_heard_and_a_rolled_back_one_is_not(ctx):
    heard: queue.Queue = queue.Queue()
    states: queue.Queue = queue.Queue()
    url = ctx.engine.url.render_as_string(hide_password=False)
    listener = ChangeListener(url, lambda t, k: heard.put((t, k, time.monotonic())), states.put).start()
    try:
        assert states.get(timeout=5) is True
        with ctx.sessions() as s:
            notify_change(s, "order", "WS-LOST")
            s.rollback()
        with ctx.sessions() as s:
            notify_change(s, "order", "WS-1")
            sent = time.monotonic()
            s.commit()
        topic, key, at = heard.get(timeout=3)
        assert (topic, key) == ("order", "WS-1")
        assert at - sent < 1.0
        assert heard.empty()
    finally:
        listener.stop()


def test_lost_connection_is_reported_and_heals(ctx):
    if ctx.backend != "postgresql":
        pytest.skip("killing the server side of the connection is a PostgreSQL thing")
    from sqlalchemy import text

    heard: queue.Queue = queue.Queue()
    states: queue.Queue = queue.Queue()
    url = ctx.engine.url.render_as_string(hide_password=False)
    listener = ChangeListener(url, lambda t, k: heard.put((t, k)), states.put, retry_interval=0.2).start()
    try:
        assert states.get(timeout=5) is True
        with ctx.engine.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE query LIKE 'LISTEN%' OR (datname = current_database() AND pid <> pg_backend_pid() AND application_name = '')"))
            conn.commit()
        assert states.get(timeout=5) is False
        assert states.get(timeout=5) is True
        assert heard.get(timeout=3) == ("*", "")
    finally:
        listener.stop()
