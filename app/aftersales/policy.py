"""The returns policy (seed 4.2.1): a plain value, configurable in the station's settings.

``settings.extra["return_policy"]`` may override any field, e.g.::

    {"window_days": 7, "exchange_window_days": 15, "non_returnable_categories": ["food", "pharmacy"],
     "merchant_fault_reasons": ["damaged", "defective", "wrong_item"], "restocking_fee_percent": 0}

The window counts whole days from delivery (from shipping while the carrier has not reported delivery).
Categories that may not come back for a change of mind (food, medicine) may still come back when the
merchant is at fault (damaged, defective, wrong item). Pure domain code: no database, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Mapping

REASONS = ("changed_mind", "wrong_size", "damaged", "defective", "wrong_item", "not_as_described", "late")


@dataclass(frozen=True)
class ReturnPolicy:
    window_days: int = 7
    exchange_window_days: int = 15
    non_returnable_categories: tuple[str, ...] = ("food", "pharmacy")
    merchant_fault_reasons: tuple[str, ...] = ("damaged", "defective", "wrong_item", "not_as_described")
    # The original shipping is refunded when the merchant is at fault and the whole order comes back.
    refund_shipping_on_fault: bool = True
    # Kept back from a change-of-mind refund, in whole percent of the goods value returned.
    restocking_fee_percent: int = 0
    # An exchange must be for the same product or one of its listed substitutes (another size or colour).
    exchange_same_item_only: bool = True
    reasons: tuple[str, ...] = field(default=REASONS)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any] | None) -> "ReturnPolicy":
        raw = dict(raw or {})
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in known:
                continue
            values[key] = tuple(value) if isinstance(value, list) else value
        return cls(**values)

    @classmethod
    def from_settings(cls, settings) -> "ReturnPolicy":
        extra = getattr(settings, "extra", None) or {}
        return cls.from_mapping(extra.get("return_policy"))

    def merchant_at_fault(self, reason: str) -> bool:
        return reason in self.merchant_fault_reasons

    def window_for(self, kind: str) -> int:
        return self.exchange_window_days if kind == "exchange" else self.window_days


@dataclass(frozen=True)
class LineFacts:
    """What the policy needs to know about one order line asked back."""

    sku: str
    category: str
    shipped: int  # units that left the warehouse
    already_returned: int  # units on earlier returns (not cancelled)
    asked: int
    exchange_sku: str = ""
    exchange_allowed: bool = True  # the exchange SKU is the same product or a listed substitute


@dataclass(frozen=True)
class OrderFacts:
    number: str
    status: str
    # When the window starts: delivery, else shipping; None when the parcel never left.
    since: datetime | None


def check(policy: ReturnPolicy, order: OrderFacts, lines: list[LineFacts], kind: str, reason: str,
          now: datetime) -> list[str]:
    """Every reason the request falls outside the policy (empty: it is within the policy)."""
    problems: list[str] = []
    if kind not in ("refund", "exchange"):
        problems.append(f"unknown return kind {kind!r}: use refund or exchange")
    if reason not in policy.reasons:
        problems.append(f"unknown reason {reason!r}: use one of {', '.join(policy.reasons)}")
    if order.status not in ("shipped", "delivered") or order.since is None:
        if order.status == "returned":
            problems.append(f"order {order.number} has already been returned in full")
        else:
            problems.append(f"order {order.number} was never shipped (it is {order.status}): nothing can come back")
        return problems
    window = policy.window_for(kind)
    age_days = (now - order.since).total_seconds() / 86400
    if age_days > window:
        what = "delivered" if order.status == "delivered" else "shipped"
        problems.append(
            f"order {order.number} was {what} {int(age_days)} days ago: the {kind} window is {window} days"
        )
    if not lines:
        problems.append("choose at least one item to return")
    at_fault = policy.merchant_at_fault(reason)
    for line in lines:
        if line.asked <= 0:
            problems.append(f"{line.sku}: the quantity must be at least 1")
            continue
        left = line.shipped - line.already_returned
        if line.shipped <= 0:
            problems.append(f"{line.sku} was never shipped on order {order.number}")
        elif line.asked > left:
            problems.append(
                f"{line.sku}: {line.asked} asked back but only {max(left, 0)} of {line.shipped} shipped can still come back"
            )
        if line.category in policy.non_returnable_categories and not at_fault:
            problems.append(f"{line.sku} ({line.category}) can only come back when damaged, defective or wrong")
        if kind == "exchange":
            if not line.exchange_sku:
                problems.append(f"{line.sku}: name the SKU to send in exchange")
            elif policy.exchange_same_item_only and not line.exchange_allowed:
                problems.append(f"{line.sku} can only be exchanged for another size or colour of the same item, not {line.exchange_sku}")
    return problems
