"""The order's life: which status may follow which (statuses as in contracts.md)."""

from __future__ import annotations

from app.errors import InvalidInput

RECEIVED = "received"
REVIEW = "review"
ON_HOLD = "on_hold"
BACKORDERED = "backordered"
CONFIRMED = "confirmed"
ALLOCATED = "allocated"
PICKING = "picking"
PICKED = "picked"
PACKING = "packing"
PACKED = "packed"
LABELLED = "labelled"
SHIPPED = "shipped"
DELIVERED = "delivered"
CANCELLED = "cancelled"
RETURNED = "returned"

STATUSES = (
    RECEIVED, REVIEW, ON_HOLD, BACKORDERED, CONFIRMED, ALLOCATED, PICKING, PICKED,
    PACKING, PACKED, LABELLED, SHIPPED, DELIVERED, CANCELLED, RETURNED,
)

# Before the parcel leaves, an order can be held or cancelled from any working state.
_CANCELLABLE = {RECEIVED, REVIEW, ON_HOLD, BACKORDERED, CONFIRMED, ALLOCATED, PICKING, PICKED, PACKING, PACKED, LABELLED}

TRANSITIONS: dict[str, frozenset[str]] = {
    RECEIVED: frozenset({REVIEW, CONFIRMED, BACKORDERED, ALLOCATED, ON_HOLD, CANCELLED}),
    REVIEW: frozenset({CONFIRMED, BACKORDERED, ALLOCATED, ON_HOLD, CANCELLED}),
    ON_HOLD: frozenset({REVIEW, CONFIRMED, BACKORDERED, ALLOCATED, CANCELLED}),
    BACKORDERED: frozenset({CONFIRMED, ALLOCATED, REVIEW, ON_HOLD, CANCELLED}),
    CONFIRMED: frozenset({ALLOCATED, BACKORDERED, ON_HOLD, CANCELLED}),
    ALLOCATED: frozenset({PICKING, PACKING, ALLOCATED, BACKORDERED, ON_HOLD, CANCELLED}),
    PICKING: frozenset({PICKED, ALLOCATED, BACKORDERED, ON_HOLD, CANCELLED}),
    PICKED: frozenset({PACKING, ALLOCATED, ON_HOLD, CANCELLED}),
    PACKING: frozenset({PACKED, PICKED, ALLOCATED, BACKORDERED, ON_HOLD, CANCELLED}),
    PACKED: frozenset({LABELLED, PACKING, ON_HOLD, CANCELLED}),
    LABELLED: frozenset({SHIPPED, PACKED, ON_HOLD, CANCELLED}),
    SHIPPED: frozenset({DELIVERED, RETURNED}),
    DELIVERED: frozenset({RETURNED}),
    CANCELLED: frozenset(),
    RETURNED: frozenset(),
}

# Where an order is waiting for a person or for stock, and may be released to go on.
WAITING = frozenset({REVIEW, ON_HOLD, BACKORDERED})
# Orders a packing station may claim, most urgent first.
CLAIMABLE = frozenset({ALLOCATED, PICKED})
# Still in the warehouse's hands: counts towards a warehouse's load.
IN_WAREHOUSE = frozenset({ALLOCATED, PICKING, PICKED, PACKING, PACKED, LABELLED})


def can_move(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, frozenset())


def check_move(number: str, current: str, new: str) -> None:
    if not can_move(current, new):
        raise InvalidInput(f"order {number} is {current} and cannot become {new}")
