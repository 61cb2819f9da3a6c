"""What the pack service answers and what the screen shows: verdicts, next steps, the answer to a scan, and
the view of an order being packed. Plain data, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.packing import fit
from app.packing.messages import Message

OK, REFUSED, NOT_UNDERSTOOD, COMPLETE = "ok", "refused", "not_understood", "complete"
VERDICTS = (OK, REFUSED, NOT_UNDERSTOOD, COMPLETE)

# Next steps the screen shows (and the CLI prints).
SCAN_ITEM, CAPTURE_LOT, CAPTURE_EXPIRY, CAPTURE_SERIAL = "scan_item", "capture_lot", "capture_expiry", "capture_serial"
QUANTITY, WEIGH, SUPERVISOR, NEXT_ORDER, OPEN_ORDER = "quantity", "weigh", "supervisor_badge", "next_order", "open_order"

@dataclass
class Answer:
    verdict: str
    message: Message
    reason: str = ""
    next_step: str = SCAN_ITEM
    number: str | None = None
    status: str | None = None
    line_id: int | None = None
    packed: int | None = None
    quantity: int | None = None
    box_seq: int | None = None
    label_error: str | None = None
    print_jobs: list[int] = field(default_factory=list)
    handoff_s: float | None = None  # from the scan's arrival to the label job handed to the printer
    scan_id: int | None = None
    expected_g: int | None = None  # when the next step is to weigh: what the box should weigh
    printed: list[Any] = field(default_factory=list)  # after the hand-off: what became of each document (Printed)

    @property
    def good(self) -> bool:
        return self.verdict in (OK, COMPLETE)

    def text(self, language: str = "en") -> str:
        return self.message.text(language)

    def to_json(self, scan: str, language: str = "en") -> dict[str, Any]:
        data: dict[str, Any] = {
            "scan": scan, "verdict": self.verdict, "reason": self.reason or self.message.code,
            "message": self.text(language), "next": self.next_step, "order": self.number, "status": self.status,
        }
        if self.line_id is not None:
            data.update(line_id=self.line_id, packed=self.packed, quantity=self.quantity)
        if self.box_seq is not None:
            data["box"] = self.box_seq
        if self.print_jobs:
            data["print_jobs"] = self.print_jobs
        if self.expected_g is not None:
            data["expected_g"] = self.expected_g
        if self.label_error:
            data["label_error"] = self.label_error
        if self.printed:
            data["printed"] = [{"job": p.job_id, "document": p.document, "state": p.state} for p in self.printed]
        return data


@dataclass(frozen=True)
class LineView:
    line_id: int
    line_no: int
    sku: str
    name: str
    quantity: int
    packed: int
    gtins: tuple[str, ...]
    needs: tuple[str, ...]  # lot, expiry, serial
    flags: tuple[str, ...]  # fragile, liquid, hazmat, high_value
    captured: tuple[tuple[str, str], ...] = ()  # what was captured for its units: ("lot", "L1"), ("serial", "S9")...
    picture: str = ""  # the catalogue's picture of the product (a local file), if it has one
    reserved_lots: tuple[str, ...] = ()  # the lots confirmation reserved (FEFO): the ones to take

    @property
    def left(self) -> int:
        return max(self.quantity - self.packed, 0)


@dataclass(frozen=True)
class BoxView:
    seq: int
    state: str
    carton: str
    units: int
    expected_weight_g: int | None
    measured_weight_g: int | None
    weight_ok: bool | None
    materials: tuple[str, ...]


@dataclass
class PackView:
    number: str
    status: str
    station: str | None
    lines: list[LineView]
    boxes: list[BoxView]
    pending: dict[str, Any] | None
    recommendation: fit.Recommendation
    expected_weight_g: int  # the open box's contents (items + carton + materials)
    weight_g: int | None  # the weighing last checked
    next_step: str
    ship_to: str = ""  # the addressee and where: "Ann Lee, Berlin (DE)"
    note: str = ""  # what the customer or the shop wrote on the order (plain text)
    channel: str = ""
    last_line_id: int | None = None  # the line the last scan ticked

    @property
    def packed_units(self) -> int:
        return sum(min(line.packed, line.quantity) for line in self.lines)

    @property
    def total_units(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def left(self) -> int:
        return sum(line.left for line in self.lines)

    @property
    def open_box(self) -> int:
        open_boxes = [b.seq for b in self.boxes if b.state == "open"]
        return open_boxes[-1] if open_boxes else (max((b.seq for b in self.boxes), default=0) + 1)
