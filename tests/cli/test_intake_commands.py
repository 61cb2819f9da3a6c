"""Continuous intake from the command line: a watched folder and signed webhooks, for real."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import socket
import subprocess
import time

import httpx

from tests.cli.test_order_commands import ROOT, STATION, station

FIXTURES = ROOT / "tests" / "intake" / "fixtures"


def test_watch_once_moves_files_aside(db_url, tmp_path):
    station(db_url, "demo", "seed", "--orders", "0")
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "good.json").write_bytes((FIXTURES / "native_orders.json").read_bytes())
    (drop / "bad.json").write_text('{"orders": [', encoding="utf-8")
    (drop / "still-writing.json.part").write_text("{", encoding="utf-8")
    result = station(db_url, "intake", "--watch", str(drop), "--once")
    assert "good.json: 3 imported" in result.stdout
    assert (drop / "processed" / "good.json").exists()
    assert (drop / "failed" / "bad.json").exists()
    assert "not valid JSON" in (drop / "failed" / "bad.json.reason.txt").read_text(encoding="utf-8")
    assert (drop / "still-writing.json.part").exists()
    orders = json.loads(station(db_url, "orders", "--json").stdout)
    assert len(orders) == 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_listen_accepts_signed_webhooks_only(db_url):
    station(db_url, "demo", "seed", "--orders", "0")
    port = _free_port()
    env = {**os.environ, "STATION_WEBHOOK_SECRET": "s3cret"}
    server = subprocess.Popen([*STATION, "--db", db_url, "intake", "--listen", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline
                time.sleep(0.2)
        body = (FIXTURES / "shopify_webhook_order.json").read_bytes()
        good = base64.b64encode(hmac.new(b"s3cret", body, hashlib.sha256).digest()).decode()
        headers = {"Content-Type": "application/json", "X-Shopify-Topic": "orders/create"}
        forged = httpx.post(url + "/webhooks/shopify/orders", content=body, headers={**headers, "X-Shopify-Hmac-Sha256": "AAAA"})
        unsigned = httpx.post(url + "/webhooks/shopify/orders", content=body, headers=headers)
        assert forged.status_code == 401 and unsigned.status_code == 401
        assert json.loads(station(db_url, "orders", "--json").stdout) == []
        accepted = httpx.post(url + "/webhooks/shopify/orders", content=body, headers={**headers, "X-Shopify-Hmac-Sha256": good})
        assert accepted.status_code == 201, accepted.text
        again = httpx.post(url + "/webhooks/shopify/orders", content=body, headers={**headers, "X-Shopify-Hmac-Sha256": good})
        assert again.status_code == 200 and again.json()["duplicates"] == 1
        assert len(json.loads(station(db_url, "orders", "--json").stdout)) == 1
    finally:
        server.terminate()
        server.wait(10)
