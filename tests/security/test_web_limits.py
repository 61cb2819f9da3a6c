"""Issue 19, items 5 and 11: rate limits that hold and slow or idle clients, against real servers on loopback.

* The client address comes from ``X-Forwarded-For`` only when the TCP peer is a trusted proxy.
* The limits are shared by every worker process of ``station serve --workers N`` (shared memory).
* The look-up, every form and the page by token are limited; a look-up takes the same time found or not.
* ``station serve`` closes a connection that sends no whole request in time and caps one address's connections.
* Every answer carries the security headers: pages, JSON and errors (404, 405, 408, 413, 429, 500).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from app.intake.webhook import WebhookServer
from app.web.limits import ClientAddress, SharedBuckets, make_table_file
from app.web.server import create_app
from tests.aftersales import factories as f
from tests.web.conftest import csrf_of, free_port, token_of

pytestmark = pytest.mark.slow

SECURITY = ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options",
            "cache-control")


def _secure(response: httpx.Response) -> None:
    missing = [h for h in SECURITY if h not in response.headers]
    assert not missing, f"{response.request.method} {response.request.url.path} {response.status_code}: {missing}"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


class Live:
    def __init__(self, ctx, **options) -> None:
        ctx.settings.webhook_secret = "hook-secret"
        self.app = create_app(ctx, **options)
        self.server = WebhookServer(self.app, "127.0.0.1", 0)
        # As station serve: uvicorn's own X-Forwarded-For handling (which trusts 127.0.0.1) off; the app decides.
        self.server.config.proxy_headers = False
        self.server.start()
        self.url = self.server.url

    def close(self) -> None:
        self.server.stop()
        self.app.app.site.close()


@pytest.fixture
def serve(ctx, db_url, tmp_path):
    """``station serve`` as an operator runs it, with the web settings given; stopped at the end."""
    procs = []

    def start(web: dict, workers: int = 1) -> str:
        port = free_port()
        config = tmp_path / f"station-{port}.json"
        config.write_text(json.dumps({"tracking_base_url": f"http://127.0.0.1:{port}", "web": web}))
        env = {**os.environ, "STATION_CONFIG": str(config)}
        proc = subprocess.Popen([sys.executable, "-m", "app.cli.main", "serve", "--listen", f"127.0.0.1:{port}",
                                 "--db", db_url, "--no-notify", "--no-access-log", "--workers", str(workers)],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.communicate()[1].decode()
            assert time.monotonic() < deadline, "station serve did not start"
            time.sleep(0.1)
        if workers > 1:  # every worker up: each answers healthz only once it has loaded
            time.sleep(3.0)
        return base

    yield start
    for proc in procs:
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        assert "Traceback" not in err.decode(), err.decode()[-2000:]


def _shipped_token(ctx) -> tuple[str, str]:
    with ctx.sessions() as s:
        order = f.shipped_order(s)
        s.commit()
        return order.number, token_of(s, order)


# --- the client address -------------------------------------------------------------------------------------


def test_x_forwarded_for_counts_only_from_a_trusted_proxy():
    nobody = ClientAddress()
    assert nobody.of("203.0.113.9", "1.2.3.4") == "203.0.113.9"
    proxies = ClientAddress(["10.0.0.0/8", "127.0.0.1"])
    assert proxies.of("203.0.113.9", "1.2.3.4") == "203.0.113.9"  # not a proxy: its header is ignored
    assert proxies.of("10.1.2.3", "1.2.3.4") == "1.2.3.4"
    # The right-most address no trusted proxy added: what a client writes in front cannot choose its bucket.
    assert proxies.of("10.1.2.3", "6.6.6.6, 1.2.3.4, 10.9.9.9") == "1.2.3.4"
    assert proxies.of("127.0.0.1", "garbage, 1.2.3.4") == "1.2.3.4"
    assert proxies.of("127.0.0.1", "1.2.3.4, garbage") == "127.0.0.1"


def test_a_spoofed_forwarded_header_buys_no_new_look_ups_but_a_trusted_proxys_does(ctx):
    number, _ = _shipped_token(ctx)
    live = Live(ctx, rate_burst=3, rate_per_seconds=600, lookup_min_seconds=0)
    try:
        with httpx.Client(base_url=live.url, timeout=10) as http:
            csrf = csrf_of(http.get("/").text)
            codes = [http.post("/find", data={"csrf": csrf, "number": number, "proof": "x"},
                               headers={"x-forwarded-for": f"198.51.100.{i}"}).status_code for i in range(6)]
    finally:
        live.close()
    assert codes == [404] * 3 + [429] * 3
    ctx.settings.web.trusted_proxies = ("127.0.0.1",)
    live = Live(ctx, rate_burst=3, rate_per_seconds=600, lookup_min_seconds=0)
    try:
        with httpx.Client(base_url=live.url, timeout=10) as http:
            csrf = csrf_of(http.get("/").text)

            def look(client: str) -> int:
                return http.post("/find", data={"csrf": csrf, "number": number, "proof": "x"},
                                 headers={"x-forwarded-for": client}).status_code

            spread = [look(f"198.51.100.{i}") for i in range(6)]
            one = [look("192.0.2.7") for _ in range(5)]
    finally:
        live.close()
    assert spread == [404] * 6  # six customers behind the proxy, one look-up each
    assert one == [404] * 3 + [429] * 2


# --- the shared table ---------------------------------------------------------------------------------------


def _hammer(path: str, key: str, n: int, out) -> None:
    table = SharedBuckets(path)
    out.put(sum(table.take(key, 50, 3600.0) for _ in range(n)))
    table.close()


def test_the_table_is_one_for_every_process():
    import multiprocessing

    path = make_table_file()
    try:
        ctx_mp = multiprocessing.get_context("spawn")
        out = ctx_mp.Queue()
        procs = [ctx_mp.Process(target=_hammer, args=(path, "find|203.0.113.1", 40, out)) for _ in range(4)]
        for p in procs:
            p.start()
        granted = sum(out.get(timeout=60) for _ in procs)
        for p in procs:
            p.join(30)
        assert granted == 50  # 160 asked in four processes at once, the burst of 50 granted, not 4 x 40
        table = SharedBuckets(path)
        assert not table.take("find|203.0.113.1", 50, 3600.0) and table.take("find|203.0.113.2", 50, 3600.0)
        table.close()
    finally:
        os.unlink(path)


def test_a_flood_of_new_addresses_evicts_only_the_oldest_buckets():
    table = SharedBuckets(None, slots=64)
    assert all(table.take("page|victim", 2, 3600.0, now=0.0) for _ in range(2))
    for i in range(5000):
        table.take(f"page|flood{i}", 2, 3600.0, now=1.0 + i)
    # The victim's bucket was given up for newer ones: it starts afresh, which only ever grants a burst.
    assert sum(table.take("page|victim", 2, 3600.0, now=6000.0) for _ in range(5)) == 2


def test_limits_hold_across_the_worker_processes_of_station_serve(ctx, serve):
    number, token = _shipped_token(ctx)
    base = serve({"lookup_burst": 4, "lookup_every_s": 600, "form_burst": 4, "form_every_s": 600,
                  "page_burst": 6, "page_every_s": 600}, workers=2)

    def fresh_connection(method: str, path: str, **kwargs) -> int:
        with httpx.Client(base_url=base, timeout=20) as http:  # a connection of its own: any worker takes it
            return http.request(method, path, **kwargs).status_code

    with ThreadPoolExecutor(8) as pool:
        pages = list(pool.map(lambda _: fresh_connection("GET", f"/t/{token}"), range(24)))
        looks = list(pool.map(lambda _: fresh_connection("POST", "/find", data={"number": number}), range(16)))
        forms = list(pool.map(lambda _: fresh_connection("POST", f"/t/{token}/contact", data={"message": "x"}),
                              range(16)))
    assert pages.count(200) == 6 and pages.count(429) == 18
    assert looks.count(429) == 12 and set(looks) == {403, 429}  # no CSRF field: refused, but counted
    assert forms.count(429) == 12
    assert {pages.count(200), 16 - looks.count(429), 16 - forms.count(429)} <= {4, 6}


# --- the look-up's time -------------------------------------------------------------------------------------


def test_a_look_up_takes_the_same_time_whether_the_order_exists_or_not(ctx):
    number, _ = _shipped_token(ctx)
    live = Live(ctx, rate_burst=1000, rate_per_seconds=0.01)
    times: dict[str, list[float]] = {"found": [], "wrong proof": [], "no such order": []}
    try:
        with httpx.Client(base_url=live.url, timeout=10) as http:
            csrf = csrf_of(http.get("/").text)
            tries = {"found": (number, "200120"), "wrong proof": (number, "999999"),
                     "no such order": ("WS-NOPE-1", "200120")}
            for _ in range(6):
                for name, (n, proof) in tries.items():
                    started = time.perf_counter()
                    answer = http.post("/find", data={"csrf": csrf, "number": n, "proof": proof})
                    times[name].append(time.perf_counter() - started)
                    assert answer.status_code == (303 if name == "found" else 404)
    finally:
        live.close()
    medians = {name: statistics.median(t) for name, t in times.items()}
    assert all(min(t) >= 0.25 for t in times.values()), medians
    assert max(medians.values()) - min(medians.values()) < 0.03, medians


# --- slow and idle clients ----------------------------------------------------------------------------------


def _closed_within(sock: socket.socket, seconds: float) -> tuple[bool, bytes]:
    """Whether the server closed ``sock`` within ``seconds``, and what it said before."""
    sock.settimeout(0.2)
    deadline = time.monotonic() + seconds
    got = b""
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except OSError:
            return True, got
        if not chunk:
            return True, got
        got += chunk
    return False, got


def test_station_serve_lets_go_of_slow_and_idle_clients_and_caps_their_connections(ctx, serve):
    _, token = _shipped_token(ctx)
    base = serve({"request_timeout_s": 1.0, "max_connections_per_client": 4})
    port = int(base.rsplit(":", 1)[1])

    def connect() -> socket.socket:
        return socket.create_connection(("127.0.0.1", port), timeout=5)

    # Connects and says nothing.
    silent = connect()
    started = time.monotonic()
    closed, _ = _closed_within(silent, 4.0)
    assert closed and time.monotonic() - started < 3.0
    silent.close()

    # A header a byte at a time (slowloris).
    slow = connect()
    stop = threading.Event()

    def drip() -> None:
        try:
            slow.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            while not stop.is_set():
                slow.sendall(b"X")
                time.sleep(0.2)
        except OSError:
            pass

    dripping = threading.Thread(target=drip, daemon=True)
    started = time.monotonic()
    dripping.start()
    closed, _ = _closed_within(slow, 5.0)
    stop.set()
    assert closed and time.monotonic() - started < 3.0
    slow.close()

    # A whole head, then a body that never finishes: 408, and the connection closed.
    body = connect()
    body.sendall(b"POST /find HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 b"Content-Length: 100\r\n\r\nnumber=1")
    closed, said = _closed_within(body, 5.0)
    assert closed and said.startswith(b"HTTP/1.1 408"), said[:200]
    assert b"x-content-type-options: nosniff" in said.lower()
    body.close()

    # A kept-alive connection between requests is not a slow request: it answers again after the timeout.
    kept = connect()
    kept.sendall(f"GET /t/{token} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    time.sleep(0.5)
    assert kept.recv(65536).startswith(b"HTTP/1.1 200")
    time.sleep(1.5)
    kept.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.5)
    assert kept.recv(65536).startswith(b"HTTP/1.1 200")
    kept.close()
    time.sleep(0.2)

    # Four connections at once from one address; the fifth is refused (429) and closed; one closes, one opens.
    held = [connect() for _ in range(4)]
    time.sleep(0.2)
    fifth = connect()
    closed, said = _closed_within(fifth, 2.0)
    assert closed and said.startswith(b"HTTP/1.1 429"), said[:200]
    held.pop().close()
    time.sleep(0.3)
    again = connect()
    again.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.5)
    assert again.recv(65536).startswith(b"HTTP/1.1 200")
    for sock in (*held, again, fifth):
        sock.close()


# --- security headers ---------------------------------------------------------------------------------------


def test_every_answer_carries_the_security_headers_errors_and_json_included(ctx, monkeypatch):
    _, token = _shipped_token(ctx)
    ctx.settings.web.page_burst = 3
    ctx.settings.web.page_every_s = 600
    live = Live(ctx, rate_burst=1, rate_per_seconds=600, lookup_min_seconds=0)
    seen: dict[int, str] = {}
    try:
        with httpx.Client(base_url=live.url, timeout=10) as http:
            answers = [
                http.get("/"), http.get(f"/t/{token}"), http.get("/healthz"),  # page, page (fast path), JSON
                http.get(f"/t/{'A' * 32}"), http.get("/nowhere"),  # 404
                http.get("/find"),  # 405
                http.post("/find", data={"number": "1"}), http.post("/find", data={"number": "1"}),  # 403, 429
                http.post("/carrier-events", content=b"{}"),  # JSON 401
                http.post("/find", content=b"x" * 3_000_000),  # 413 from the guard
                http.get(f"/t/{token}/returns/RT00000000/label.pdf"),
                http.get(f"/t/{token}"),  # 429 from the fast path
            ]
            monkeypatch.setattr(live.app.app.site.service, "database_answers",
                                lambda: (_ for _ in ()).throw(RuntimeError("boom")))
            answers.append(http.get("/healthz"))  # 500
    finally:
        live.close()
    for answer in answers:
        _secure(answer)
        seen.setdefault(answer.status_code, answer.request.url.path)
    assert {200, 401, 403, 404, 405, 413, 429, 500} <= set(seen), seen
    json_answer = answers[2]
    assert json_answer.headers["content-type"].startswith("application/json")
    assert json_answer.headers["cache-control"] == "no-store"
    assert answers[1].headers["cache-control"] == "private, no-cache"  # the page keeps its own
