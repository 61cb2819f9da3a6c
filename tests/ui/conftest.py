"""Real widgets, offscreen, on a real database (SQLite and PostgreSQL) filled by tests/ui/factories.py."""

from __future__ import annotations

import pytest

from tests.ui.factories import make_world


@pytest.fixture(autouse=True)
def station_config(tmp_path, monkeypatch):
    """Each test's own config file, so saving settings never touches the user's."""
    path = tmp_path / "station.json"
    monkeypatch.setenv("STATION_CONFIG", str(path))
    return path


@pytest.fixture
def station_app(qapp):
    from app.ui.app import create_application, install_language

    app = create_application(language="en")
    yield app
    install_language(app, "en")


@pytest.fixture
def world(ctx):
    with ctx.sessions() as s:
        w = make_world(s, orders=30)
        s.commit()
    return w


@pytest.fixture
def window(ctx, world, station_app, qtbot):
    from app.ui.app import build_window

    w = build_window(ctx, "STATION-1", "en", devices=False)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def login(window, qtbot, badge: str) -> None:
    window.handle_scan(badge)
    assert window.env is not None, window.feedback.history
