"""A cart being picked: which stop is next, what the last scan meant. Plain Python; the pick screen
shows it and feeds it scans, the service records every confirmed pick.

At each stop the picker scans the bin label, then each item (barcode or RFID tag); the stop is
confirmed when its quantity is reached, or at once for the quantity typed. A wrong bin or item is
refused with a message and changes nothing. Skip puts the stop at the end of the walk; short tells
the service the item is not there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.errors import StationError
from app.picking.scans import PickScan, classify
from app.picking.service import PickList, PickService, Stop

OK, REFUSED, INFO, DONE = "ok", "refused", "info", "done"


@dataclass
class Feedback:
    """The answer to a scan or an action. ``template`` is an English sentence with ``{name}`` fields
    (the screen translates it, :mod:`app.ui.pick.messages` lists them all); ``message`` is it filled in."""

    verdict: str
    template: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template.format(**self.params)


class PickSession:
    def __init__(self, service: PickService, pick_list: PickList) -> None:
        self.service = service
        self.pick_list = pick_list
        self.queue: list[Stop] = list(pick_list.stops)
        self.finished: list[Stop] = []
        self.bin_confirmed = False
        self.counted = 0  # units scanned at the current stop, not yet recorded
        self.statuses: dict[str, str] = {}
        self.returned: list[Stop] = []  # stops that were skipped and come back at the end

    # -- where we are ------------------------------------------------------------------------------
    @property
    def current(self) -> Stop | None:
        return self.queue[0] if self.queue else None

    @property
    def complete(self) -> bool:
        return not self.queue

    @property
    def progress(self) -> tuple[int, int]:
        return len(self.finished), len(self.finished) + len(self.queue)

    # -- scans -------------------------------------------------------------------------------------
    def handle_scan(self, raw: str) -> Feedback:
        """A scan given as text: parsed once, as a scanner's would be."""
        return self.handle(classify(raw))

    def handle(self, scan: PickScan) -> Feedback:
        """A scan at the pick cart, already parsed (:func:`app.picking.scans.from_event`)."""
        stop = self.current
        if stop is None:
            return Feedback(DONE, "Every stop is done.")
        if scan.kind == "empty":
            return Feedback(REFUSED, "Empty scan: nothing read.")
        if scan.kind == "bin":
            if scan.text != stop.bin:
                if scan.text not in self.pick_list.bin_codes:
                    return Feedback(REFUSED, "Bin {bin} does not exist in this warehouse.", {"bin": scan.text})
                return Feedback(REFUSED, "Wrong bin {scanned}: go to {bin}.", {"scanned": scan.text, "bin": stop.bin})
            self.bin_confirmed = True
            return Feedback(OK, "Bin {bin} OK: take {quantity} x {item} into tote {tote}.",
                            {"bin": stop.bin, "quantity": stop.remaining, "item": stop.name, "item_zh": stop.name_zh,
                             "tote": stop.tote})
        if not self.bin_confirmed:
            return Feedback(REFUSED, "Scan the label of bin {bin} first.", {"bin": stop.bin})
        matches = (scan.kind == "item" and scan.gtin in stop.gtins) or (scan.kind == "text" and scan.text == stop.sku)
        if not matches:
            what = scan.gtin if scan.kind == "item" else scan.text
            return Feedback(REFUSED, "Wrong item {scanned}: this stop wants {sku} ({item}).",
                            {"scanned": what, "sku": stop.sku, "item": stop.name, "item_zh": stop.name_zh})
        self.counted += 1
        if self.counted < stop.remaining:
            return Feedback(OK, "{sku}: {count} of {quantity}, into tote {tote}.",
                            {"sku": stop.sku, "count": self.counted, "quantity": stop.remaining, "tote": stop.tote})
        return self._record(stop, self.counted)

    def confirm_quantity(self, quantity: int) -> Feedback:
        """Confirm ``quantity`` units at the current stop at once (typed instead of scanned)."""
        stop = self.current
        if stop is None:
            return Feedback(DONE, "Every stop is done.")
        if not self.bin_confirmed:
            return Feedback(REFUSED, "Scan the label of bin {bin} first.", {"bin": stop.bin})
        if quantity < 1 or quantity > stop.remaining:
            return Feedback(REFUSED, "Quantity must be between 1 and {quantity}.", {"quantity": stop.remaining})
        return self._record(stop, quantity)

    def _record(self, stop: Stop, quantity: int) -> Feedback:
        try:
            status = self.service.confirm(stop, quantity)
        except StationError as exc:
            self.counted = 0
            return Feedback(REFUSED, "{error}", {"error": exc.message})
        self.statuses[stop.order] = status
        self.counted = 0
        if stop.remaining > 0:
            return Feedback(OK, "{sku}: {done} of {quantity} picked.",
                            {"sku": stop.sku, "done": stop.done, "quantity": stop.quantity})
        self._advance()
        template = ("{quantity} x {sku} into tote {tote}. Order {order} is picked." if status == "picked"
                    else "{quantity} x {sku} into tote {tote}.")
        return Feedback(DONE if self.complete else OK, template,
                        {"quantity": stop.quantity, "sku": stop.sku, "tote": stop.tote, "order": stop.order})

    def _advance(self) -> None:
        self.finished.append(self.queue.pop(0))
        self.bin_confirmed = False
        self.counted = 0

    # -- exceptions ----------------------------------------------------------------------------------
    def skip(self) -> Feedback:
        stop = self.current
        if stop is None:
            return Feedback(DONE, "Every stop is done.")
        if len(self.queue) == 1:
            return Feedback(REFUSED, "This is the last stop: pick it or report it short.")
        self.queue.append(self.queue.pop(0))
        self.returned.append(stop)
        self.bin_confirmed = False
        self.counted = 0
        return Feedback(INFO, "Skipped {bin}: it comes back at the end. Next: {next}.",
                        {"bin": stop.bin, "next": self.current.bin})

    def short(self) -> Feedback:
        """The item is not (all) there: the units scanned so far are what was found."""
        stop = self.current
        if stop is None:
            return Feedback(DONE, "Every stop is done.")
        found = self.counted
        try:
            status = self.service.short(stop, found)
        except StationError as exc:
            return Feedback(REFUSED, "{error}", {"error": exc.message})
        self.statuses[stop.order] = status
        # The order leaves the cart: its other stops go, and its tote goes back to stock.
        self.queue = [s for s in self.queue if s.order != stop.order]
        self.finished = [s for s in self.finished if s.order != stop.order]
        self.bin_confirmed = False
        self.counted = 0
        template = (
            "Short pick of {sku} at {bin} recorded: order {order} is re-allocated; put the contents of tote {tote} back."
            if status == "allocated" else
            "Short pick of {sku} at {bin} recorded: order {order} is backordered; put the contents of tote {tote} back.")
        return Feedback(DONE if self.complete else INFO, template,
                        {"sku": stop.sku, "bin": stop.bin, "order": stop.order, "tote": stop.tote})
