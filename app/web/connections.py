"""Slow and idle clients (``station serve``): uvicorn's HTTP protocol with two guards.

* A request's head must arrive whole within ``web.request_timeout_s`` of the connection being opened, or of its
  first byte on a kept-alive connection; otherwise the connection is closed (a client that connects and sends
  nothing, or a header a byte at a time, holds nothing for long). The body has the same time from the start of
  the request (:class:`app.web.server.Guard`). An idle kept-alive connection between requests stays open
  ``KEEP_ALIVE_SECONDS`` (browsers reuse it), within the cap below.
* Each client address may hold ``web.max_connections_per_client`` open connections in a worker process (a
  trusted proxy is not capped: its connections carry many customers); one more is answered 429 and closed.

Used by name (``http="app.web.connections:GuardedHttp"``) so every worker process loads it; the app factory sets
the limits from the settings with :func:`configure` before the first connection.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from uvicorn.protocols.http.auto import AutoHTTPProtocol

from app.web.limits import ClientAddress

PROTOCOL = "app.web.connections:GuardedHttp"
TOO_MANY = (b"HTTP/1.1 429 Too Many Requests\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 24\r\n"
            b"connection: close\r\ncache-control: no-store\r\nx-content-type-options: nosniff\r\n"
            b"content-security-policy: default-src 'none'; frame-ancestors 'none'\r\nx-frame-options: DENY\r\n"
            b"referrer-policy: no-referrer\r\n\r\ntoo many open connections")


class _Limits:
    request_timeout = 5.0
    per_client = 32
    proxies = ClientAddress()
    open: Counter[str] = Counter()


def configure(request_timeout: float, per_client: int, trusted_proxies=()) -> None:
    _Limits.request_timeout = request_timeout
    _Limits.per_client = per_client
    _Limits.proxies = ClientAddress(trusted_proxies)


def open_connections() -> int:
    return sum(_Limits.open.values())


class GuardedHttp(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
    """uvicorn's protocol (httptools when installed, else h11) with a deadline on each request head and a cap on
    the connections of one address."""

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._peer = self.client[0] if self.client else "?"
        self._counted = False
        self._deadline: asyncio.TimerHandle | None = None
        if _Limits.per_client and not _Limits.proxies.trusted(self._peer):
            if _Limits.open[self._peer] >= _Limits.per_client:
                transport.write(TOO_MANY)
                transport.close()
                return
            self._counted = True
            _Limits.open[self._peer] += 1
        self._arm()

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(_Limits.request_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.cycle is None or self.cycle.response_complete:  # still no whole request head: let go
            if not self.transport.is_closing():
                self.transport.close()

    def data_received(self, data: bytes) -> None:
        waiting = self.cycle is None or self.cycle.response_complete
        if waiting:
            self._arm()  # a new request begins (on a kept-alive connection, its first byte starts the clock)
        super().data_received(data)
        if self.cycle is not None and not self.cycle.response_complete:
            self._disarm()  # the head is in: the app has the request (Guard times its body)

    def on_response_complete(self) -> None:
        self._disarm()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if getattr(self, "_counted", False):
            self._counted = False
            _Limits.open[self._peer] -= 1
            if _Limits.open[self._peer] <= 0:
                del _Limits.open[self._peer]
        super().connection_lost(exc)
