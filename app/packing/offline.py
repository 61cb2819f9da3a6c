"""The station's offline scan journal: scans taken while the shared database cannot be reached.

When the pack service cannot reach the shared database it hands the scan to :class:`OfflineScans`, which
appends it, with its client key (a uuid), to a small SQLite file on the station's own disk (WAL,
``synchronous=FULL``: the row is on disk before the packer sees any feedback, so a kill -9 or a power cut
keeps it), then answers in amber: "stored at this station, will be checked when the database is back".
Where the station knows the open order's expected lines (:meth:`OfflineScans.remember`, fed from the
:class:`~app.packing.service.PackView` the screen already reads) the answer is a provisional verdict: a
right item is counted provisionally, a wrong or extra item is still refused at once.

:class:`Replayer` is the reconnect loop, a thread of its own: it sleeps until something is stored, then
tries the database with an exponential back-off (no busy loop) and, once it answers, sends the stored
scans IN ORDER through the normal :meth:`PackService.scan <app.packing.service.PackService.scan>` path with
each scan's client key, and marks each one replayed after the server committed it. A crash between that
commit and the mark is harmless: the server's unique ``client_key`` makes the second send answer
"already recorded" without counting anything. Every outcome goes to the caller (the screen shows it); one
that the database refuses is reported as such.

While anything waits in the journal, new scans join the back of it rather than overtake it (the service
asks :meth:`OfflineScans.waiting` first), so the shared database sees the scans in the order they were made.

No Qt here: the pack screen wraps the callbacks in signals.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError, OperationalError

from app.config import Settings, data_dir
from app.packing.classify import Classified
from app.packing.messages import Message, message

if TYPE_CHECKING:
    from app.packing.answers import Answer, PackView
    from app.packing.service import PackService

log = logging.getLogger(__name__)

STORED = "stored_offline"  # the reason of every answer given from the journal
# Answers that show the stored scan was a badge: a credential, not kept on the station's disk once checked.
BADGE_REASONS = frozenset({"badge_unknown", "not_supervisor", "partial_shipped", "nothing_packed"})
BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 10.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS stored_scans (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    client_key TEXT NOT NULL UNIQUE,
    station TEXT NOT NULL,
    raw TEXT NOT NULL,
    order_number TEXT,
    provisional TEXT NOT NULL,
    stored_at TEXT NOT NULL,
    database TEXT NOT NULL DEFAULT '',
    replayed_at TEXT,
    verdict TEXT,
    reason TEXT
);
CREATE INDEX IF NOT EXISTS stored_scans_waiting ON stored_scans (station, database, seq) WHERE replayed_at IS NULL;
"""


def journal_path(settings: Settings, station: str) -> Path:
    """The station's journal file: the ``scan_journal`` setting, else one file a station in the data folder."""
    if settings.scan_journal:
        return Path(settings.scan_journal).expanduser()
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in station)
    return data_dir() / "offline" / f"scans-{safe}.sqlite"


def database_name(url: str) -> str:
    """The database a journal row belongs to, without any password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@dataclass(frozen=True)
class StoredScan:
    seq: int
    key: str
    raw: str
    order_number: str | None
    provisional: str  # the verdict the packer saw when it was stored
    stored_at: str


class ScanJournal:
    """The durable journal of one station on one database (scans stored for another database stay where they
    are). Thread-safe: the GUI thread appends, the replayer marks. The file is made by the first scan stored."""

    def __init__(self, path: Path, station: str, database: str = "") -> None:
        self.path = Path(path)
        self.station = station
        self.database = database
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._waiting = 0
        if self.path.exists():  # scans left by the last run (a crash, a database that never came back)
            self._waiting = int(self._connection().execute(
                "SELECT count(*) FROM stored_scans WHERE station = ? AND database = ? AND replayed_at IS NULL",
                (self.station, self.database)).fetchone()[0])

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: each statement commits by itself (no implicit transaction left open).
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")  # fsync at every commit: the scan survives a power cut
            db.execute("PRAGMA secure_delete=ON")  # a badge blanked after its check leaves no trace in the file
            db.executescript(_SCHEMA)
            self._db = db
        return self._db

    def append(self, raw: str, key: str, order_number: str | None, provisional: str) -> StoredScan:
        stored_at = datetime.now(UTC).isoformat()
        with self._lock:
            cursor = self._connection().execute(
                "INSERT INTO stored_scans (client_key, station, database, raw, order_number, provisional, stored_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", (key, self.station, self.database, raw, order_number, provisional, stored_at))
            self._waiting += 1
            seq = int(cursor.lastrowid or 0)
        return StoredScan(seq, key, raw, order_number, provisional, stored_at)

    def _select(self, where: str, *params: object, waiting: bool = False) -> list[StoredScan]:
        if self._db is None and not self.path.exists():
            return []
        with self._lock:
            rows = self._connection().execute(
                "SELECT seq, client_key, raw, order_number, provisional, stored_at FROM stored_scans "
                f"WHERE station = ? AND database = ? {where}", (self.station, self.database, *params)).fetchall()
            if waiting and not rows:
                self._waiting = 0  # the file is the truth: a wrong count must never keep the replayer spinning
        return [StoredScan(*row) for row in rows]

    def pending(self, limit: int = 500) -> list[StoredScan]:
        return self._select("AND replayed_at IS NULL ORDER BY seq LIMIT ?", limit, waiting=True)

    def all(self) -> list[StoredScan]:
        """Every scan this station stored, replayed or not, in order (the station's own record)."""
        return self._select("ORDER BY seq")

    def mark_replayed(self, seq: int, verdict: str, reason: str) -> None:
        with self._lock:
            changed = self._connection().execute(
                "UPDATE stored_scans SET replayed_at = ?, verdict = ?, reason = ?, "
                "raw = CASE WHEN ? THEN 'badge:***' ELSE raw END WHERE seq = ? AND replayed_at IS NULL",
                (datetime.now(UTC).isoformat(), verdict, reason, reason in BADGE_REASONS, seq)).rowcount
            self._waiting -= changed

    def waiting(self) -> int:
        """How many stored scans wait to be replayed (kept in memory: asked before every scan)."""
        return self._waiting

    def outcome(self, key: str) -> tuple[str | None, str | None] | None:
        """(verdict, reason) the database gave the stored scan with this key; None for an unknown key."""
        with self._lock:
            row = self._connection().execute("SELECT verdict, reason FROM stored_scans WHERE client_key = ?", (key,)).fetchone()
        return (row[0], row[1]) if row else None

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


@dataclass
class _ExpectedLine:
    line_id: int
    name: str
    sku: str
    gtins: tuple[str, ...]
    quantity: int
    packed: int


@dataclass
class _Expected:
    """The open order as the station last saw it, counted on provisionally while offline."""

    number: str
    lines: list[_ExpectedLine] = field(default_factory=list)

    def line_for(self, c: Classified) -> tuple[list[_ExpectedLine], str]:
        if c.kind == "item" and c.gtin:
            return [l for l in self.lines if c.gtin in l.gtins], c.gtin
        return [l for l in self.lines if l.sku == c.text], c.text


class OfflineScans:
    """What the pack service does with a scan when the shared database cannot be reached."""

    def __init__(self, journal: ScanJournal) -> None:
        self.journal = journal
        self._expected: _Expected | None = None
        self._lock = threading.Lock()
        self.on_stored: Callable[[StoredScan], None] | None = None  # e.g. to wake the replayer

    @staticmethod
    def new_key() -> str:
        return uuid.uuid4().hex

    @staticmethod
    def takes(exc: BaseException) -> bool:
        """Whether a scan that failed with ``exc`` is stored here: a failure that means "the database cannot be
        reached now" (worth trying again), not a statement the database refuses (which would fail on every replay)."""
        return isinstance(exc, OperationalError) or bool(getattr(exc, "connection_invalidated", False))

    def waiting(self) -> int:
        return self.journal.waiting()

    def remember(self, view: PackView | None) -> None:
        """The open order's expected lines, as the screen last read them (provisional verdicts use them).
        Ignored while scans wait: the provisional counts then know better than the database."""
        if self.journal.waiting():
            return
        with self._lock:
            if view is None:
                self._expected = None
                return
            self._expected = _Expected(view.number, [
                _ExpectedLine(line.line_id, line.name, line.sku, tuple(line.gtins), line.quantity, line.packed) for line in view.lines])

    def forget(self) -> None:
        with self._lock:
            self._expected = None

    def store(self, c: Classified, key: str) -> Answer:
        """Journal the scan (on disk before anything is answered) and give the provisional answer."""
        from app.packing.answers import NEXT_ORDER, SCAN_ITEM, Answer

        with self._lock:
            verdict, msg, line = self._judge(c)
            expected = self._expected
            number = expected.number if expected else None
            stored = self.journal.append(c.raw, key, number, verdict)
            done = expected is not None and line is not None and all(l.packed >= l.quantity for l in expected.lines)
        if self.on_stored is not None:
            self.on_stored(stored)
        answer = Answer(verdict, msg, STORED, NEXT_ORDER if done else SCAN_ITEM, number)
        if line is not None:
            answer.line_id, answer.packed, answer.quantity = line.line_id, line.packed, line.quantity
        return answer

    def _judge(self, c: Classified) -> tuple[str, Message, _ExpectedLine | None]:
        """The provisional verdict against the expected lines, counting a right item on its line. Only what the
        station can tell alone: a count, a lot, a command... is just stored."""
        from app.packing.answers import NOT_UNDERSTOOD, OK, REFUSED

        expected = self._expected
        if c.kind == "bad":
            return NOT_UNDERSTOOD, message("not_understood", reason=c.reason), None
        if expected is None or c.kind not in ("item", "text") or c.text.isdigit():
            return OK, message("stored_offline"), None
        lines, code = expected.line_for(c)
        if not lines:
            if c.kind == "item":
                return REFUSED, message("stored_offline_wrong_item", code=code, number=expected.number), None
            return OK, message("stored_offline"), None  # a text the database may know (an order number, a lot)
        units = c.quantity or 1
        line = next((l for l in lines if l.packed + units <= l.quantity), None)
        if line is None:
            return REFUSED, message("stored_offline_extra_item", name=lines[0].name, quantity=sum(l.quantity for l in lines)), None
        line.packed += units  # provisional: the database decides when it is back
        return OK, message("stored_offline_ticked", name=line.name, packed=line.packed, quantity=line.quantity), line


@dataclass(frozen=True)
class ReplayOutcome:
    """One stored scan and what the database made of it."""

    stored: StoredScan
    answer: Answer

    @property
    def refused(self) -> bool:
        return not self.answer.good and self.answer.reason != "already_recorded"

    @property
    def message(self) -> Message:
        code = "replayed_refused" if self.refused else "replayed_ok"
        return message(code, answer=self.answer.message)

    def shown(self) -> Answer:
        """The answer to show the packer: the database's, introduced as the check of a stored scan."""
        return replace(self.answer, message=self.message)


class DatabaseAway(Exception):
    """The shared database still does not answer."""


class Replayer:
    """The reconnect loop. ``make_service`` builds the :class:`PackService` the replay goes through (one of
    its own: the station's service belongs to the GUI thread). Callbacks run on the replayer's thread."""

    def __init__(
        self,
        journal: ScanJournal,
        make_service: Callable[[], PackService],
        *,
        on_outcome: Callable[[ReplayOutcome], None] | None = None,
        on_state: Callable[[bool, int], None] | None = None,
        on_done: Callable[[Message], None] | None = None,
        backoff_first_s: float = BACKOFF_FIRST_S,
        backoff_max_s: float = BACKOFF_MAX_S,
    ) -> None:
        self.journal = journal
        self.make_service = make_service
        self.on_outcome = on_outcome
        self.on_state = on_state  # (database answering, scans waiting)
        self.on_done = on_done  # the round's summary for the packer, once every stored scan is in
        self.backoff_first_s = backoff_first_s
        self.backoff_max_s = backoff_max_s
        self.attempts = 0
        self._service: PackService | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Replayer:
        self._thread = threading.Thread(target=self._run, name="scan-replayer", daemon=True)
        self._thread.start()
        return self

    def wake(self, *_: object) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        delay = self.backoff_first_s
        while not self._stop.is_set():
            self._wake.clear()
            if not self.journal.waiting():
                self._wake.wait()  # nothing stored: sleep until a scan is
                continue
            try:
                self.replay_all()
            except DatabaseAway:
                self._state(False)
                self._stop.wait(delay)
                delay = min(delay * 2, self.backoff_max_s)
                continue
            except Exception:  # noqa: BLE001 - a bug must not end the loop: the scans stay stored, tried again
                log.exception("replaying stored scans failed")
                self._stop.wait(delay)
                delay = min(delay * 2, self.backoff_max_s)
                continue
            delay = self.backoff_first_s

    def _send(self, service: PackService, stored: StoredScan) -> Answer:
        """One stored scan through the normal scan path. A scan the database keeps failing while it answers
        (checked by reading the station's order) is given up as refused, so it cannot hold the others back."""
        from app.packing.answers import REFUSED, Answer

        for _ in range(2):
            answer = service.scan(stored.raw, key=stored.key)
            if answer.reason != "db_unavailable":
                return answer
            try:
                service.resume()
            except (OperationalError, DBAPIError) as exc:
                raise DatabaseAway() from exc
        log.error("stored scan %s cannot be recorded although the database answers", stored.key)
        return Answer(REFUSED, message("replay_failed"), "replay_failed", number=stored.order_number)

    def _state(self, online: bool) -> None:
        if self.on_state is not None:
            self.on_state(online, self.journal.waiting())

    def replay_all(self) -> list[ReplayOutcome]:
        """Send every stored scan, in order, until none waits. Raises DatabaseAway when the database does
        not answer (what was sent before stays sent and marked)."""
        self.attempts += 1
        outcomes: list[ReplayOutcome] = []
        service = self._service or self.make_service()
        self._service = service
        try:
            service.resume()  # the order this station is packing, as the database knows it
        except (OperationalError, DBAPIError) as exc:
            raise DatabaseAway() from exc
        self._state(True)
        while batch := self.journal.pending():
            for stored in batch:
                answer = self._send(service, stored)
                self.journal.mark_replayed(stored.seq, answer.verdict, answer.reason)  # after the server's commit
                outcome = ReplayOutcome(stored, answer)
                outcomes.append(outcome)
                if self.on_outcome is not None:
                    self.on_outcome(outcome)
                if self._stop.is_set():
                    return outcomes
        self._state(True)
        if self.on_done is not None and outcomes:
            self.on_done(message("replay_done", count=len(outcomes), refused=sum(1 for o in outcomes if o.refused)))
        return outcomes
