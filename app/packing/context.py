"""What one transaction of the pack service works on (a scan's order, lines, pack session, journal row)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.packing.answers import Answer
from app.packing.classify import Classified
from db.models import Order, OrderLine, Product
from db.models.packing import PackScan, PackSession


class Refusal(Exception):
    def __init__(self, answer: Answer) -> None:
        self.answer = answer


@dataclass
class Scan:
    """What a handler works on: one transaction's order, its lines and its pack session."""

    session: Session
    order: Order
    pack: PackSession
    lines: list[OrderLine]
    journal: PackScan
    c: Classified
    # For an item scan: the product and units of the scanned GTIN when it is one of the order's lines
    # (read with the lines, one round trip), else None and the handler looks it up.
    item: tuple[Product, int] | None = None
    # The lines' products, read with the lines: held here so that the session's identity map (weak references)
    # keeps them for the rest of the transaction.
    products: dict[int, Product] = field(default_factory=dict)
    # When the scale's weighing is what this transaction checks: its grams (None: no weighing to check).
    weighed: int | None = None
