"""The one definition of every fixed set of statuses, and the order's life: which status may follow which.

Statuses as in contracts.md. The database's CHECK constraints are built from these tuples
(db/models, migration 0019_status_checks); a status added here needs a migration that widens the CHECK."""

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

ORDER_STATUSES = STATUSES

# A parcel from its label on (db/models/shipping.py Parcel.status).
PARCEL_STATUSES = ("labelled", "shipped", "delivered", "returned", "voided")
# A return from the customer's request to its refund or exchange (db/models/aftersales.py Return.status).
RETURN_STATUSES = ("approved", "label_issued", "received", "inspected", "refunded", "exchanged", "cancelled")
# A print job in the station's queue (db/models/shipping.py PrintJob.state).
PRINT_JOB_STATES = ("queued", "sending", "done", "failed", "uncertain", "cancelled")
# A request for stock: asked for, ordered from the supplier, received (db/models/core.py Replenishment.status).
REPLENISHMENT_STATUSES = ("requested", "ordered", "received")
# A supplier's delivery from its announcement to its close (db/models/goodsin.py Delivery.status).
DELIVERY_STATUSES = ("expected", "receiving", "closed", "cancelled")
# What became of units received (db/models/goodsin.py ReceiptEntry.state): waiting at the dock for put-away, in
# a bin (stock), or set apart in quarantine (damaged, refused).
RECEIPT_STATES = ("received", "put_away", "quarantined")

# A cycle count of one bin (issue 18): counting at a station (blind), waiting for a supervisor (a variance above the
# threshold), posted to the stock ledger, or cancelled (abandoned, or refused: the bin is counted again).
COUNT_STATUSES = ("counting", "review", "posted", "cancelled")
COUNT_OPEN = ("counting", "review")


def sql_in(column: str, values: tuple[str, ...]) -> str:
    """The CHECK expression that keeps ``column`` to ``values``: ``status IN ('a', 'b')``."""
    for value in values:
        if not value.replace("_", "").isalnum():
            raise ValueError(f"status {value!r} is not a plain word")
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


# Before the parcel leaves, an order can be held or cancelled from any working state.
_CANCELLABLE = {RECEIVED, REVIEW, ON_HOLD, BACKORDERED, CONFIRMED, ALLOCATED, PICKING, PICKED, PACKING, PACKED, LABELLED}

TRANSITIONS: dict[str, frozenset[str]] = {
    RECEIVED: frozenset({REVIEW, CONFIRMED, BACKORDERED, ALLOCATED, ON_HOLD, CANCELLED}),
    REVIEW: frozenset({CONFIRMED, BACKORDERED, ALLOCATED, ON_HOLD, CANCELLED}),
    # Released: back where it was held; goods already picked, packed or labelled are not undone.
    ON_HOLD: frozenset({REVIEW, CONFIRMED, BACKORDERED, ALLOCATED, PICKED, PACKED, LABELLED, CANCELLED}),
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
