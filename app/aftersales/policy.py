"""The returns policy (seed 4.2.1): a plain value, configurable in the station's settings.

The settings' ``returns`` section (:class:`app.config.ReturnsSection`, checked when the settings load) may
override any field, e.g.::

    "returns": {"window_days": 7, "exchange_window_days": 15, "non_returnable_categories": ["food", "pharmacy"],
                "merchant_fault_reasons": ["damaged", "defective", "wrong_item"], "restocking_fee_percent": 0}

The window counts whole days from delivery (from shipping while the carrier has not reported delivery).
Categories that may not come back for a change of mind (food, medicine) may still come back when the
merchant is at fault (damaged, defective, wrong item). Pure domain code: no database, no Qt.

Every answer is an English sentence of :data:`PROBLEMS`, which holds its Chinese too:
``problem_text(problem, language)`` gives it in the customer's or the clerk's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from app import i18n
from app.domain.names import category_name, status_name
from app.domain.wording import Wording, quoted

REASONS = ("changed_mind", "wrong_size", "damaged", "defective", "wrong_item", "not_as_described", "late")

# A return's kind and what happened to the order, inside a sentence (their Chinese: the glossary's).
_KINDS = ("refund", "exchange")
_WHATS = ("delivered", "shipped")
i18n.register("ReturnKind", _KINDS)
i18n.register("ReturnWhat", _WHATS)
i18n.register("Format", ("{sku} ({category})",))


def _kind_zh(value: str) -> str:
    kind = value.strip("'")
    return i18n.translation(kind, "zh_CN", "ReturnKind") if kind in _KINDS else quoted(value)


def _what_zh(value: str) -> str:
    return i18n.translation(value, "zh_CN", "ReturnWhat") if value in _WHATS else value


def _line_zh(value: str) -> str:
    """``SKU-1 (food)`` -> ``SKU-1（食品）``."""
    sku, _, rest = value.partition(" (")
    if not rest.endswith(")"):
        return value
    return i18n.text("{sku} ({category})", "zh_CN", "Format", sku=sku, category=category_name(rest[:-1], "zh_CN"))


# Every answer of the policy (and of the return request's own checks, app.aftersales.returns), in English and
# Chinese. The English is what the functions return and what the tests read.
PROBLEMS = Wording(
    "ReturnProblems",
    {
        "unknown_kind": "unknown return kind {kind}: use refund or exchange",
        "unknown_reason": "unknown reason {reason}: use one of {reasons}",
        "returned_in_full": "order {number} has already been returned in full",
        "never_shipped": "order {number} was never shipped (it is {status}): nothing can come back",
        "window": "order {number} was {what} {days} days ago: the {kind} window is {window} days",
        "no_item": "choose at least one item to return",
        "quantity": "{sku}: the quantity must be at least 1",
        "line_never_shipped": "{sku} was never shipped on order {number}",
        "too_many": "{sku}: {asked} asked back but only {left} of {shipped} shipped can still come back",
        "category": "{line} can only come back when damaged, defective or wrong",
        "exchange_sku": "{sku}: name the SKU to send in exchange",
        "same_item_only": "{sku} can only be exchanged for another size or colour of the same item, not {other}",
        "not_on_order": "{sku} is not on order {number}",
        "listed_twice": "{sku} is listed twice",
        "not_active": "{sku} is not an active product: it cannot be sent in exchange",
        "refused": "return refused for order {number}: {problems}",
    },
    fields={
        "kind": _kind_zh,
        "reason": quoted,
        "status": lambda value: status_name(value, "zh_CN"),
        "what": _what_zh,
        "line": _line_zh,
        "problems": lambda value: i18n.translation("; ", "zh_CN", "Separator").join(
            problem_text(part, "zh_CN") for part in value.split("; ")),
    },
    shapes={"line": r"\S+ \([^()]*\)"},
)


def problem_text(problem: str, language: str | None) -> str:
    """One of the policy's answers (or a refused request's message) in ``language``."""
    return PROBLEMS.say(problem, language)


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
    def from_mapping(cls, raw: Mapping[str, Any] | None) -> ReturnPolicy:
        raw = dict(raw or {})
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in known:
                continue
            values[key] = tuple(value) if isinstance(value, list) else value
        return cls(**values)

    @classmethod
    def from_settings(cls, settings) -> ReturnPolicy:
        """The station's policy: its settings' ``returns`` section (same fields)."""
        section = settings.returns
        return cls(**{f.name: getattr(section, f.name) for f in fields(cls)})

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
        problems.append(PROBLEMS.en("unknown_kind", kind=repr(kind)))
    if reason not in policy.reasons:
        problems.append(PROBLEMS.en("unknown_reason", reason=repr(reason), reasons=", ".join(policy.reasons)))
    if order.status not in ("shipped", "delivered") or order.since is None:
        if order.status == "returned":
            problems.append(PROBLEMS.en("returned_in_full", number=order.number))
        else:
            problems.append(PROBLEMS.en("never_shipped", number=order.number, status=order.status))
        return problems
    window = policy.window_for(kind)
    age_days = (now - order.since).total_seconds() / 86400
    if age_days > window:
        what = "delivered" if order.status == "delivered" else "shipped"
        problems.append(PROBLEMS.en("window", number=order.number, what=what, days=int(age_days), kind=kind,
                                    window=window))
    if not lines:
        problems.append(PROBLEMS.en("no_item"))
    at_fault = policy.merchant_at_fault(reason)
    for line in lines:
        if line.asked <= 0:
            problems.append(PROBLEMS.en("quantity", sku=line.sku))
            continue
        left = line.shipped - line.already_returned
        if line.shipped <= 0:
            problems.append(PROBLEMS.en("line_never_shipped", sku=line.sku, number=order.number))
        elif line.asked > left:
            problems.append(PROBLEMS.en("too_many", sku=line.sku, asked=line.asked, left=max(left, 0),
                                        shipped=line.shipped))
        if line.category in policy.non_returnable_categories and not at_fault:
            problems.append(PROBLEMS.en("category", line=f"{line.sku} ({line.category})"))
        if kind == "exchange":
            if not line.exchange_sku:
                problems.append(PROBLEMS.en("exchange_sku", sku=line.sku))
            elif policy.exchange_same_item_only and not line.exchange_allowed:
                problems.append(PROBLEMS.en("same_item_only", sku=line.sku, other=line.exchange_sku))
    return problems
