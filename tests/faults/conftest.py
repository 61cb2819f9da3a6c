"""The fault suite's parts: a PRIVATE PostgreSQL cluster this suite may restart (the shared server on 5432
is never touched), a TCP forwarder between a station and that cluster that the test can cut, and the pack
fixtures of tests/packing (reused, not copied).

Everything here is marked ``faults`` (``pytest tests/faults`` or ``pytest -m faults`` runs the suite alone).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select

from app.context import open_context
from app.packing.messages import Message
from app.packing.offline import OfflineScans, Replayer, ReplayOutcome, ScanJournal, database_name
from app.packing.service import Answer, PackService
from app.uow import Actor
from db import migrate
from db.models import Order, OrderLine
from db.models.packing import PackBoxItem, PackScan
from db.session import make_engine
from tests.faults.forwarder import Forwarder
from tests.packing.conftest import bench, order_factory, printed  # noqa: F401 - fixtures reused


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "faults: the fault suite (tests/faults): kill -9, database away, devices away")


def pytest_collection_modifyitems(config, items) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.faults)


# --- a private PostgreSQL cluster ------------------------------------------------------------------------------

def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateCluster:
    """initdb + pg_ctl on a port of its own, in a temporary folder; restartable at will."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="station-faults-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._as_postgres = os.geteuid() == 0  # initdb refuses root: the cluster runs as the postgres user
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root} "
                   "-c fsync=off -c shared_buffers=16MB -c max_connections=60")
        self.options = options

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bindir / tool), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=check)

    def pg_ctl(self, action: str, *extra: str) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-o", self.options, "-l", str(self.root / "log"), "-w", action, *extra)

    def start(self) -> None:
        self.pg_ctl("start")

    def restart(self, mode: str) -> None:
        """``pg_ctl restart -m fast|immediate``: every connection is cut; immediate skips the checkpoint (a crash)."""
        self.pg_ctl("restart", "-m", mode)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str, port: int | None = None) -> str:
        return f"postgresql://postgres@127.0.0.1:{port or self.port}/{database}"

    def admin(self, *statements: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)


@pytest.fixture(scope="session")
def private_cluster():
    bindir = _pg_bin()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("the fault suite needs PostgreSQL's server programs (initdb, pg_ctl) in CI")
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    cluster = PrivateCluster(bindir)
    try:
        cluster.start()
        cluster.admin("CREATE DATABASE station_tpl")
        engine = make_engine(cluster.url("station_tpl"))
        migrate.upgrade(engine)
        engine.dispose()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def private_db(private_cluster) -> str:
    """A fresh migrated database on the private cluster; its name."""
    name = f"station_{uuid.uuid4().hex[:12]}"
    private_cluster.admin(f'CREATE DATABASE "{name}" TEMPLATE station_tpl')
    yield name
    private_cluster.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def forwarder(private_cluster):
    proxy = Forwarder("127.0.0.1", private_cluster.port).start()
    yield proxy
    proxy.close()


@pytest.fixture
def direct(private_cluster, private_db):
    """The test's own view of the database: straight to the cluster, never through the forwarder."""
    context = open_context(private_cluster.url(private_db), migrate_schema=False)
    yield context
    context.dispose()


# --- pack fixtures on the private database ---------------------------------------------------------------------

@pytest.fixture
def private_ctx(direct):
    """A module that works on the private cluster overrides ``ctx`` with this one (tests/packing's bench and
    order_factory take ``ctx``); elsewhere ``ctx`` is the usual one, on SQLite and PostgreSQL."""
    return direct


@dataclass
class Station:
    """A packing station as the pack screen builds it: the service with its offline journal and the replayer,
    with every answer the packer was shown (in order) kept for the test to read."""

    service: PackService
    offline: OfflineScans
    replayer: Replayer
    shown: list[Answer]
    outcomes: list[ReplayOutcome]
    done: list[Message]
    states: list[tuple[bool, int]]

    def scan(self, raw: str) -> Answer:
        answer = self.service.scan(raw)
        self.shown.append(answer)
        return answer

    def wait_replayed(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while self.offline.waiting() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not self.offline.waiting(), f"{self.offline.waiting()} stored scans still wait after {timeout} s"

    def stored_keys(self) -> list[str]:
        """The client keys of every scan the station stored, in order."""
        return [stored.key for stored in self.offline.journal.all()]

    def close(self) -> None:
        self.replayer.stop()
        self.offline.journal.close()


@pytest.fixture
def station_factory(bench, printed, tmp_path):
    """Build a station on any database URL (e.g. through the forwarder), journal in the test's folder."""
    stations: list[tuple[Station, object]] = []

    def make(url: str, *, journal: Path | None = None, backoff_max_s: float = 1.0) -> Station:
        context = open_context(url, migrate_schema=False)
        actor = Actor(station=bench.station, user=bench.packer, role="packer")
        offline = OfflineScans(ScanJournal(journal or tmp_path / "journal.sqlite", bench.station, database_name(url)))
        service = PackService(context.sessions, context.settings, bench.station, actor, print_dispatch=printed, offline=offline)
        shown: list[Answer] = []
        outcomes: list[ReplayOutcome] = []
        done: list[Message] = []
        states: list[tuple[bool, int]] = []

        def on_outcome(outcome: ReplayOutcome) -> None:
            outcomes.append(outcome)
            shown.append(outcome.shown())

        replayer = Replayer(
            offline.journal,
            lambda: PackService(context.sessions, context.settings, bench.station, actor, print_dispatch=printed),
            on_outcome=on_outcome, on_state=lambda online, waiting: states.append((online, waiting)),
            on_done=done.append, backoff_max_s=backoff_max_s,
        )
        offline.on_stored = replayer.wake
        station = Station(service, offline, replayer.start(), shown, outcomes, done, states)
        stations.append((station, context))
        return station

    yield make
    for station, context in stations:
        station.close()
        context.dispose()


def pack_state(ctx, number: str) -> dict:
    """What the database holds for an order: ticks, boxed units, journal rows and their keys."""
    with ctx.sessions() as s:
        order = s.scalar(select(Order).where(Order.number == number))
        ticks = s.scalar(select(func.sum(OrderLine.packed_quantity)).where(OrderLine.order_id == order.id)) or 0
        boxed = s.scalar(select(func.coalesce(func.sum(PackBoxItem.quantity), 0)).where(PackBoxItem.order_id == order.id))
        ticked = s.scalar(select(func.coalesce(func.sum(PackScan.quantity), 0)).where(
            PackScan.order_id == order.id, PackScan.verdict.in_(("ok", "complete"))))
        keys = list(s.scalars(select(PackScan.client_key).where(PackScan.client_key.is_not(None)).order_by(PackScan.id)))
        return {"status": order.status, "ticks": int(ticks), "boxed": int(boxed), "ticked": int(ticked), "keys": keys}

