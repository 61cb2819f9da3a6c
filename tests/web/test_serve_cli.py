"""``station serve`` as an operator runs it (contracts.md): a real process on loopback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from tests.aftersales import factories as f
from tests.web.conftest import free_port, token_of

pytestmark = pytest.mark.slow


def _station(*args: str, env: dict, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "app.cli.main", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kwargs)


def test_station_serve_answers_healthz_and_the_tracking_page(ctx, db_url, tmp_path):
    with ctx.sessions() as s:
        order = f.shipped_order(s)
        s.commit()
        token, tracking = token_of(s, order), order.tracking_number
    port = free_port()
    config = tmp_path / "station.json"
    config.write_text(json.dumps({"tracking_base_url": f"http://127.0.0.1:{port}"}))
    env = {**os.environ, "STATION_CONFIG": str(config)}
    proc = _station("serve", "--listen", f"127.0.0.1:{port}", "--db", db_url, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"{base}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "station serve did not start"
                time.sleep(0.1)
        assert health.status_code == 200
        page = httpx.get(f"{base}/t/{token}")
        assert page.status_code == 200 and tracking in page.text and 'data-status="shipped"' in page.text
        assert httpx.get(f"{base}/t/{'A' * 32}").status_code == 404
        # The same port twice: one clear line, no traceback.
        second = _station("serve", "--listen", f"127.0.0.1:{port}", "--db", db_url, "--no-notify", env=env)
        out, err = second.communicate(timeout=60)
        assert second.returncode != 0
        assert err.decode().strip().startswith("station: cannot listen on") and "Traceback" not in err.decode()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    assert "Traceback" not in err.decode()
    assert token not in err.decode()  # the access log names the route, never the token


def test_a_bad_listen_address_is_one_line(tmp_path):
    env = {**os.environ, "STATION_CONFIG": str(tmp_path / "none.json")}
    (tmp_path / "x.db").touch()  # a database that exists: only the listen address is wrong
    proc = _station("serve", "--listen", "nonsense", "--db", f"sqlite:///{tmp_path / 'x.db'}", env=env)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert err.decode().strip() == "station: --listen 'nonsense': expected HOST:PORT, e.g. 127.0.0.1:8471"
