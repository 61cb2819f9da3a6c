"""One receiver at one goods-in station, in plain Python: what the next scan means. The Goods in screen and
``station receive`` both drive this, so a scan means the same whichever way it comes.

With no delivery open, a scan opens one (our number, the supplier's reference, a pallet's SSCC). Then an item or
case scan counts units; while counted units wait at the dock, a scan of a bin of the warehouse puts them away there
(the proposed one, or another with a reason given before). ``quantity``, ``lot``, ``expiry`` and ``damaged`` set
what the next counted scan lacks or means, and are spent by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from app.goodsin import service
from app.goodsin.messages import SEPARATOR, say
from app.packing.classify import Classified, classify
from app.uow import Actor


@dataclass(frozen=True)
class Answer:
    """What the station says after a scan: ``verdict`` (the service's, or ``opened``, ``put_away``, ``closed``),
    the message, and the delivery as it stands now."""

    verdict: str
    message: str
    state: service.DeliveryState | None = None
    released: tuple[str, ...] = ()


class ReceivingSession:
    def __init__(self, sessions: sessionmaker[Session], actor: Actor) -> None:
        self.sessions = sessions
        self.actor = actor
        self.number: str | None = None
        self.waiting: service.Received | None = None  # the last units counted, not yet put away
        self.queue: list[service.Received] = []  # a carton's other products, put away after ``waiting``
        self.quantity: int | None = None
        self.lot: str | None = None
        self.expiry: date | None = None
        self.damaged = ""
        self.bin_reason = ""

    def _state(self) -> service.DeliveryState | None:
        return service.delivery_state(self.sessions, self.number) if self.number else None

    def open(self, reference: str) -> Answer:
        state = service.open_delivery(self.sessions, self.actor, reference)
        self.number, self.waiting, self.queue = state.number, None, []
        return Answer("opened", say("opened", number=state.number, reference=state.reference,
                                    supplier=state.supplier or "-"), state)

    def scan(self, scan: str | Classified, scan_id: str | None = None) -> Answer:
        parsed = scan if isinstance(scan, Classified) else classify(scan)
        if self.number is None:
            return self.open(parsed.sscc or parsed.text or parsed.raw)
        if self.waiting is not None and parsed.kind == "text" and service.is_bin(self.sessions, self.number, parsed.text):
            return self.put_away(parsed.text)
        answer = service.receive(self.sessions, self.actor, self.number, parsed, quantity=self.quantity, lot=self.lot,
                                 expiry=self.expiry, damaged=self.damaged, scan_id=scan_id)
        if answer.verdict not in ("ask_lot", "ask_expiry", "refused"):
            self.quantity, self.lot, self.expiry, self.damaged = None, None, None, ""
        if answer.entry_id is not None and answer.verdict in ("ok", "over", "unexpected"):
            self.waiting = answer
        return Answer(answer.verdict, answer.message, self._state())

    def carton(self, epcs) -> Answer:
        """A carton read by RFID at once: each product's units counted, then put away one product after another."""
        if self.number is None:
            return Answer("refused", say("carton_no_delivery"), None)
        read = service.receive_carton(self.sessions, self.actor, self.number, epcs, lot=self.lot, expiry=self.expiry)
        if read.received:
            self.quantity, self.lot, self.expiry = None, None, None
            self.waiting, self.queue = read.received[0], list(read.received[1:])
        return Answer(read.verdict, read.message, self._state())

    def put_away(self, bin_code: str) -> Answer:
        if self.waiting is None or self.waiting.entry_id is None:
            return Answer("refused", say("nothing_waits"), self._state())
        done = service.put_away(self.sessions, self.actor, self.waiting.entry_id, bin_code, self.bin_reason)
        self.waiting, self.bin_reason = (self.queue.pop(0) if self.queue else None), ""
        text = say("put_away", quantity=done.quantity, sku=done.sku, bin=done.bin)
        if done.released:
            text += "; " + say("released", orders=", ".join(done.released))
        if self.waiting is not None:  # the carton's next product
            text += "; " + say("next_put_away", quantity=self.waiting.quantity, sku=self.waiting.sku) + (
                "; " + say("go_to", bin=self.waiting.proposed_bin) if self.waiting.proposed_bin else "")
        return Answer("put_away", text, self._state(), tuple(done.released))

    def close(self) -> tuple[Answer, service.ClosedDelivery]:
        if self.number is None:
            raise service.InvalidInput("no delivery is open: scan one first")
        closed = service.close_delivery(self.sessions, self.actor, self.number)
        state = self._state()
        self.number, self.waiting, self.queue = None, None, []
        if closed.exact:
            text = say("closed", number=closed.number)
        else:
            text = say("closed_differences", number=closed.number, lines=SEPARATOR.join(
                say("difference", sku=d.sku, short=d.short, over=d.over, damaged=d.damaged) for d in closed.lines
                if d.short or d.over or d.damaged))
        return Answer("closed", text, state), closed
