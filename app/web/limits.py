"""Rate limits that hold across the worker processes of ``station serve --workers N``, and the client address
they are kept by.

:class:`SharedBuckets` is a table of token buckets in shared memory: a file under ``/dev/shm`` (a tmpfs, so no
disk) mapped by every worker, made by ``station serve`` before it starts them (:func:`make_table_file`, named by
the serving process's id, readable by its user alone) and found by each worker from its parent's id
(:func:`parent_table_file`). Without a file (one process, the tests) the same table lives in anonymous memory.
A bucket is found by an 8-byte keyed hash of ``kind|address`` in a window of :data:`PROBES` slots (open
addressing); a full window gives up its least recently used bucket, so a flood of new addresses can only make
the oldest ones start afresh. One update is a few microseconds under a lock: a
``threading.Lock`` within the process and ``fcntl.flock`` on the file between processes (each worker opens the
file itself, so the locks exclude one another). Times are ``CLOCK_MONOTONIC``, one clock for every process.

:class:`ClientAddress` says who a request comes from: the TCP peer, or, when the peer is one of the trusted
proxies (``web.trusted_proxies``, addresses or CIDR networks), the right-most address of ``X-Forwarded-For`` that
is not itself a trusted proxy. A header sent by anybody else is ignored: it cannot buy a fresh bucket.
"""

from __future__ import annotations

import fcntl
import hashlib
import ipaddress
import mmap
import os
import secrets
import stat
import struct
import tempfile
import threading
import time
from collections.abc import Iterable

from app.errors import InvalidInput

MAGIC = b"STRATE01"
HEADER = struct.Struct("<8s16sI")  # magic, hash key, slots
SLOT = struct.Struct("<Qdd")  # key hash (0: empty), tokens, last update (monotonic seconds)
SLOTS = 1 << 16  # 65,536 buckets: 1.5 MB
PROBES = 8


def table_path(pid: int) -> str:
    """Where the table of the serving process ``pid`` lives: ``/dev/shm`` when there is one (memory, not disk)."""
    folder = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else tempfile.gettempdir()
    return os.path.join(folder, f"station-rate-{os.getuid()}-{pid}")


def make_table_file(slots: int = SLOTS, pid: int | None = None) -> str:
    """A new, empty table for one ``station serve`` start (this process's, unless ``pid``), readable by this
    user alone. The caller removes it when the server stops."""
    path = table_path(os.getpid() if pid is None else pid)
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:  # left by a process that died with this id: ours to replace, nobody else's
        if _ours(path):
            os.unlink(path)
        fd = os.open(path, flags, 0o600)
    try:
        os.ftruncate(fd, HEADER.size + slots * SLOT.size)
        os.pwrite(fd, HEADER.pack(MAGIC, secrets.token_bytes(16), slots), 0)
    finally:
        os.close(fd)
    return path


def _ours(path: str) -> bool:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def parent_table_file() -> str | None:
    """A worker process's way to the table its ``station serve`` made (None: there is none, or it is not a plain
    file of this user's that nobody else may write)."""
    path = table_path(os.getppid())
    return path if _ours(path) else None


class SharedBuckets:
    """Token buckets by key, in a file mapped by every worker (``path``) or in this process's memory (None)."""

    def __init__(self, path: str | None = None, slots: int = SLOTS) -> None:
        self._lock = threading.Lock()
        self._fd: int | None = None
        if path:
            self._fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW)
            size = os.fstat(self._fd).st_size
            self._map = mmap.mmap(self._fd, size)
            magic, key, slots = HEADER.unpack_from(self._map, 0)
            if magic != MAGIC or size < HEADER.size + slots * SLOT.size:
                raise InvalidInput(f"{path}: not a rate-limit table")
        else:
            key = secrets.token_bytes(16)
            self._map = mmap.mmap(-1, HEADER.size + slots * SLOT.size)
        self._key = key
        self.slots = slots

    def close(self) -> None:
        self._map.close()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _hash(self, key: str) -> int:
        h = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8, key=self._key).digest(), "little")
        return h or 1

    def take(self, key: str, burst: int, every: float, now: float | None = None) -> bool:
        """One token from ``key``'s bucket (``burst`` at most, one more every ``every`` seconds); False when empty."""
        h = self._hash(key)
        now = time.monotonic() if now is None else now
        first = h % self.slots
        with self._lock:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                return self._take(h, first, float(burst), every, now)
            finally:
                if self._fd is not None:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _take(self, h: int, first: int, burst: float, every: float, now: float) -> bool:
        table, unpack = self._map, SLOT.unpack_from
        chosen, oldest_at, oldest = -1, float("inf"), -1
        tokens, last = burst, now
        for i in range(PROBES):
            offset = HEADER.size + ((first + i) % self.slots) * SLOT.size
            slot_key, slot_tokens, slot_last = unpack(table, offset)
            if slot_key == h:
                chosen, tokens, last = offset, slot_tokens, slot_last
                break
            if slot_key == 0:
                if chosen < 0:
                    chosen = offset
                break  # nothing was ever put beyond an empty slot of this window
            if slot_last < oldest_at:
                oldest_at, oldest = slot_last, offset
        if chosen < 0:
            chosen = oldest
        tokens = min(burst, tokens + max(0.0, now - last) / every)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        SLOT.pack_into(table, chosen, h, tokens, now)
        return allowed


class Limit:
    """One kind of request's limit (look-up, form, page) over the shared table."""

    def __init__(self, table: SharedBuckets, kind: str, burst: int, every: float) -> None:
        self.table = table
        self.kind = kind
        self.burst = burst
        self.per_seconds = every

    def allow(self, client: str, now: float | None = None) -> bool:
        return self.table.take(f"{self.kind}|{client}", self.burst, self.per_seconds, now)

    def retry_after(self) -> int:
        return max(1, int(self.per_seconds + 0.999))


def proxy_networks(entries: Iterable[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            raise InvalidInput(f"web.trusted_proxies: {entry!r} is not an address or a network (CIDR)") from None
    return tuple(networks)


class ClientAddress:
    """Who sent a request: the peer, or what a trusted proxy says in ``X-Forwarded-For``."""

    def __init__(self, trusted_proxies: Iterable[str] = ()) -> None:
        self.networks = proxy_networks(trusted_proxies)

    def trusted(self, address: str) -> bool:
        if not self.networks:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self.networks)

    def of(self, peer: str, forwarded_for: str | None) -> str:
        if not forwarded_for or not self.trusted(peer):
            return peer
        hops = [hop.strip() for hop in forwarded_for.split(",")]
        for hop in reversed(hops):
            try:
                ipaddress.ip_address(hop)
            except ValueError:
                return peer  # the proxy passed on something that is no address: keep to what we know
            if not self.trusted(hop):
                return hop
        return hops[0] if hops and hops[0] else peer

    def of_scope(self, scope) -> str:
        client = scope.get("client")
        peer = client[0] if client else "?"
        if not self.networks:
            return peer
        forwarded = [v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"x-forwarded-for"]
        return self.of(peer, ", ".join(forwarded) if forwarded else None)
