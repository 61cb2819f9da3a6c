"""A TCP forwarder the test controls, standing where the network between a station and its database is.

``cut()`` aborts every forwarded connection (both sides see a reset) and stops listening, so new connections
are refused, as when a cable is pulled or a switch dies; ``restore()`` listens again on the same port.
asyncio on a thread of its own.
"""

from __future__ import annotations

import asyncio
import threading


class Forwarder:
    def __init__(self, target_host: str, target_port: int, host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.host = host
        self.port = 0
        self.accepted = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="forwarder", daemon=True)
        self._server: asyncio.base_events.Server | None = None
        self._transports: set[asyncio.BaseTransport] = set()

    def _call(self, coroutine, timeout: float = 10.0):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def start(self) -> Forwarder:
        self._thread.start()
        self._call(self._listen())
        return self

    @property
    def cut_off(self) -> bool:
        return self._server is None

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._server is None:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.accepted += 1
        self._transports.update((writer.transport, up_writer.transport))
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        self._transports.difference_update((writer.transport, up_writer.transport))

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            sink.transport.abort()

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for transport in list(self._transports):
            transport.abort()
        self._transports.clear()

    def cut(self) -> None:
        """The network is gone: live connections reset, new ones refused."""
        self._call(self._cut())

    def restore(self) -> None:
        if self._server is None:
            self._call(self._listen())

    def close(self) -> None:
        self._call(self._cut())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
