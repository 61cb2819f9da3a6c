"""One counter at one station, in plain Python: what the next scan means. The Counting screen and
``station stock count`` both drive this, so a scan means the same whichever way it comes.

With no count open, a scan of a bin label opens the count of that bin. Then every item or case scan counts units
(blind: the counter hears what was counted, never what the books say); ``qty N`` makes the next scan count N (``qty
-1`` takes back a unit counted by mistake), ``lot TEXT`` and ``expiry YYYY-MM-DD`` give what the next scan's barcode
lacks. The bin's label scanned again, or ``close``, closes the count; ``cancel`` abandons it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from app.counting import service
from app.counting.messages import say
from app.errors import InvalidInput
from app.packing.classify import Classified, classify
from app.uow import Actor

WORDS = ("qty", "lot", "expiry", "close", "cancel")


@dataclass(frozen=True)
class Answer:
    """What the station says after a scan: ``verdict`` (the service's, or ``opened``, ``closed``), the message,
    the count as its counter sees it, and the closed count's result."""

    verdict: str
    message: str
    state: service.CountState | None = None
    result: service.CountResult | None = None


class CountingSession:
    def __init__(self, sessions: sessionmaker[Session], actor: Actor, warehouse: str = "") -> None:
        self.sessions = sessions
        self.actor = actor
        self.warehouse = warehouse
        self.number: str | None = None
        self.bin: str | None = None
        self.quantity: int | None = None
        self.lot: str | None = None
        self.expiry: date | None = None

    def _state(self) -> service.CountState | None:
        return service.count_state(self.sessions, self.number) if self.number else None

    def open(self, bin_code: str) -> Answer:
        state = service.open_count(self.sessions, self.actor, bin_code, self.warehouse)
        self.number, self.bin = state.number, state.bin
        self.quantity = self.lot = self.expiry = None
        key = "resumed" if state.lines else "opened"
        return Answer("opened", say(key, bin=state.bin, number=state.number, units=state.units), state)

    def resume(self) -> Answer | None:
        """Go on with the count left open at this station (after a restart); None when there is none."""
        state = service.count_at(self.sessions, self.actor.station or "")
        if state is None:
            return None
        self.number, self.bin = state.number, state.bin
        return Answer("opened", say("resumed", bin=state.bin, number=state.number, units=state.units), state)

    def word(self, line: str) -> Answer | None:
        """A typed word of the counting station (``qty 3``, ``lot L1``, ``close``...); None when ``line`` is none."""
        word, _, rest = line.strip().partition(" ")
        word, rest = word.lower(), rest.strip()
        if word not in WORDS:
            return None
        if word == "qty":
            try:
                self.quantity = int(rest)
            except ValueError:
                raise InvalidInput(f"'{line.strip()[:40]}': qty needs a whole number") from None
            return Answer("noted", line.strip(), None)
        if word == "lot":
            if not rest:
                raise InvalidInput("lot: give the lot number")
            self.lot = rest[:64]
            return Answer("noted", line.strip(), None)
        if word == "expiry":
            try:
                self.expiry = date.fromisoformat(rest)
            except ValueError:
                raise InvalidInput(f"expiry: {rest[:20]!r} is not a date (YYYY-MM-DD)") from None
            return Answer("noted", line.strip(), None)
        if self.number is None:
            raise InvalidInput("no count is open here: scan a bin label first")
        return self.close() if word == "close" else self.cancel()

    def scan(self, scan: str | Classified, scan_id: str | None = None) -> Answer:
        parsed = scan if isinstance(scan, Classified) else classify(scan)
        if parsed.kind == "text" and parsed.text:
            worded = self.word(parsed.text)
            if worded is not None:
                return worded
        if self.number is None:
            return self.open(parsed.text or parsed.raw)
        if parsed.kind == "text" and self.bin and parsed.text.strip().upper() == self.bin:
            return self.close()  # the bin's label again: counted
        answer = service.count_scan(self.sessions, self.actor, self.number, parsed, quantity=self.quantity,
                                    lot=self.lot, expiry=self.expiry, scan_id=scan_id)
        if answer.verdict != "ask_lot":
            self.quantity, self.lot, self.expiry = None, None, None
        return Answer(answer.verdict, answer.message, self._state())

    def close(self) -> Answer:
        assert self.number is not None
        result = service.close_count(self.sessions, self.actor, self.number)
        self.number = self.bin = None
        return Answer("closed", result.message, None, result)

    def cancel(self) -> Answer:
        assert self.number is not None
        result = service.cancel_count(self.sessions, self.actor, self.number)
        self.number = self.bin = None
        return Answer("cancelled", result.message, None, result)
