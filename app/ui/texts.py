"""Names the screens show for statuses, priorities, roles, flags, channels and timeline events, translatable.

The database holds stable codes (contracts.md); what a person reads comes from here, through Qt's
translation files, so English and Simplified Chinese say the same thing. The names that code outside the
screens needs too (statuses, payments, channels, categories, actors) live in :mod:`app.domain.names`.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale

from app.domain import names
from app.domain.names import ACTOR_WORDS, CATEGORY_NAMES, CHANNEL_NAMES, PAYMENT_NAMES, ROLE_NAMES, STATUS_NAMES

PRIORITY_NAMES = {
    0: QT_TRANSLATE_NOOP("Priority", "normal"),
    1: QT_TRANSLATE_NOOP("Priority", "high"),
    2: QT_TRANSLATE_NOOP("Priority", "urgent"),
}

# What each review rule means, for the reviewer; the stored message adds the particulars.
FLAG_TITLES = {
    "unknown_sku": QT_TRANSLATE_NOOP("Flag", "Unknown product: a line's SKU or GTIN is not in the catalogue"),
    "large_amount": QT_TRANSLATE_NOOP("Flag", "Large order: the amount is above the review threshold"),
    "large_quantity": QT_TRANSLATE_NOOP("Flag", "Large quantity: unusually many units"),
    "restricted_category": QT_TRANSLATE_NOOP("Flag", "Restricted goods: the law or sales policy needs a check"),
    "unpaid": QT_TRANSLATE_NOOP("Flag", "Not paid: the payment is not confirmed"),
    "payment_mismatch": QT_TRANSLATE_NOOP("Flag", "Payment mismatch: coupons, points or the amount paid do not add up"),
    "customer_blocked": QT_TRANSLATE_NOOP("Flag", "Blocked customer"),
    "customer_poor_credit": QT_TRANSLATE_NOOP("Flag", "Poor credit: check the customer's history"),
    "address_incomplete": QT_TRANSLATE_NOOP("Flag", "Incomplete address: something the carrier needs is missing"),
    "address_invalid": QT_TRANSLATE_NOOP("Flag", "Unclear address: the postcode or region does not fit the country"),
    "channel_cancelled": QT_TRANSLATE_NOOP("Flag", "Cancelled by the sales channel"),
    "cancelled_after_label": QT_TRANSLATE_NOOP("Flag", "Cancelled by the shop after the label: void or intercept it"),
    "shop_change_late": QT_TRANSLATE_NOOP("Flag", "Changed by the shop after picking started: not applied"),
    "decimal_quantity": QT_TRANSLATE_NOOP("Flag", "Decimal quantity: a line's quantity is not a whole number of units"),
    "shop_fulfilled": QT_TRANSLATE_NOOP("Flag", "Shipped by the shop: the sales channel says the goods already left"),
}

STANDING_NAMES = {
    "good": QT_TRANSLATE_NOOP("Standing", "good"),
    "watch": QT_TRANSLATE_NOOP("Standing", "watch"),
    "poor": QT_TRANSLATE_NOOP("Standing", "poor"),
    "blocked": QT_TRANSLATE_NOOP("Standing", "blocked"),
}

EVENT_NAMES = {
    "received": QT_TRANSLATE_NOOP("Event", "received"),
    "review": QT_TRANSLATE_NOOP("Event", "sent to review"),
    "approved": QT_TRANSLATE_NOOP("Event", "approved"),
    "held": QT_TRANSLATE_NOOP("Event", "held"),
    "released": QT_TRANSLATE_NOOP("Event", "released"),
    "rejected": QT_TRANSLATE_NOOP("Event", "rejected"),
    "cancelled": QT_TRANSLATE_NOOP("Event", "cancelled"),
    "cancelled_by_shop": QT_TRANSLATE_NOOP("Event", "cancelled by the shop"),
    "shop_cancelled_late": QT_TRANSLATE_NOOP("Event", "cancelled by the shop after it left"),
    "address_changed": QT_TRANSLATE_NOOP("Event", "address changed by the shop"),
    "lines_changed": QT_TRANSLATE_NOOP("Event", "lines changed by the shop"),
    "shop_change_not_applied": QT_TRANSLATE_NOOP("Event", "change from the shop not applied"),
    "claimed": QT_TRANSLATE_NOOP("Event", "claimed by a station"),
    "picking": QT_TRANSLATE_NOOP("Event", "picking"),
    "reassigned": QT_TRANSLATE_NOOP("Event", "reassigned"),
    "priority_changed": QT_TRANSLATE_NOOP("Event", "priority changed"),
    "warehouse_changed": QT_TRANSLATE_NOOP("Event", "warehouse changed"),
    "address_fixed": QT_TRANSLATE_NOOP("Event", "address fixed"),
    "confirmed": QT_TRANSLATE_NOOP("Event", "confirmed"),
    "allocated": QT_TRANSLATE_NOOP("Event", "allocated"),
    "backordered": QT_TRANSLATE_NOOP("Event", "backordered"),
    "backorder_released": QT_TRANSLATE_NOOP("Event", "back in stock: released by a delivery"),
    "lot_allowed": QT_TRANSLATE_NOOP("Event", "another lot allowed by a supervisor"),
    "stock_counted_short": QT_TRANSLATE_NOOP("Event", "sent back to confirmation: the count found less in its bin"),
    "carrier_event_held": QT_TRANSLATE_NOOP("Event", "carrier event held for a person"),
    "carrier_event_released": QT_TRANSLATE_NOOP("Event", "held carrier event applied"),
    "carrier_event_set_aside": QT_TRANSLATE_NOOP("Event", "held carrier event set aside"),
    "packing": QT_TRANSLATE_NOOP("Event", "packing"),
    "packed": QT_TRANSLATE_NOOP("Event", "packed"),
    "box_closed": QT_TRANSLATE_NOOP("Event", "box closed"),
    "scan_refused": QT_TRANSLATE_NOOP("Event", "scan refused"),
    "weight_mismatch": QT_TRANSLATE_NOOP("Event", "weight did not match"),
    "weight_accepted": QT_TRANSLATE_NOOP("Event", "weight accepted by a supervisor"),
    "labelled": QT_TRANSLATE_NOOP("Event", "labelled"),
    "shipped": QT_TRANSLATE_NOOP("Event", "shipped"),
    "delivered": QT_TRANSLATE_NOOP("Event", "delivered"),
}


def status_name(code: str) -> str:
    return QCoreApplication.translate("Status", STATUS_NAMES[code]) if code in STATUS_NAMES else code


def priority_name(value: int) -> str:
    return QCoreApplication.translate("Priority", PRIORITY_NAMES[value]) if value in PRIORITY_NAMES else str(value)


def role_name(code: str) -> str:
    return QCoreApplication.translate("Role", ROLE_NAMES[code]) if code in ROLE_NAMES else code


def flag_title(code: str) -> str:
    return QCoreApplication.translate("Flag", FLAG_TITLES[code]) if code in FLAG_TITLES else code


def standing_name(code: str) -> str:
    return QCoreApplication.translate("Standing", STANDING_NAMES[code]) if code in STANDING_NAMES else code


def payment_name(code: str) -> str:
    return QCoreApplication.translate("Payment", PAYMENT_NAMES[code]) if code in PAYMENT_NAMES else code


def channel_name(code: str | None) -> str:
    """``jd`` -> 京东 on a Chinese screen; brands (Shopify, WooCommerce) as they are."""
    if (code or "").lower() in CHANNEL_NAMES:
        return QCoreApplication.translate("Channel", CHANNEL_NAMES[(code or "").lower()])
    return names.channel_name(code)


def category_name(code: str | None) -> str:
    return QCoreApplication.translate("Category", CATEGORY_NAMES[code]) if code in CATEGORY_NAMES else (code or "")


def actor_word(word: str | None) -> str:
    """A timeline's station or user: "customer", "carrier", "system" translated; names as they are."""
    kind, colon, rest = (word or "").partition(":")
    if kind in ACTOR_WORDS:
        name = QCoreApplication.translate("Actor", ACTOR_WORDS[kind])
        return f"{name} {rest}" if colon and rest else name
    return word or ""


def actor_name(station: str | None, user: str | None) -> str:
    return " · ".join(actor_word(x) for x in (station, user) if x)


def normalise_language(language: str) -> str:
    """``en`` or ``zh_CN`` for any spelling of a language a user or a config may give (zh, zh-CN, zh_TW ...)."""
    language = (language or "en").replace("-", "_")
    return "zh_CN" if language.lower().startswith("zh") else "en"


def ui_language() -> str:
    """The screens' language now ("zh_CN" or "en"), for the texts that come from outside Qt."""
    return "zh_CN" if QLocale().name().startswith("zh") else "en"


def event_name(kind: str) -> str:
    if kind in EVENT_NAMES:
        return QCoreApplication.translate("Event", EVENT_NAMES[kind])
    if kind in STATUS_NAMES:
        return status_name(kind)
    return kind.replace("_", " ")


def money(cents: int, currency: str = "CNY") -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    symbol = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£"}.get(currency, currency + " ")
    return f"{sign}{symbol}{cents // 100:,}.{cents % 100:02d}"


def event_detail(kind: str, data: dict, language: str = "en") -> str:
    """What a pack-bench event says beyond its name, in the reader's language: the scan refused and why, the
    weights of a box checked. Empty for the other events (their names say it)."""
    from app.packing.messages import Message

    data = data or {}
    if kind == "scan_refused":
        code = data.get("message")
        try:
            why = Message(code, dict(data.get("params") or {})).text(language) if code else data.get("reason", "")
        except KeyError:  # a message code this version no longer has: its reason code
            why = str(data.get("reason", ""))
        return f"{data.get('scan', '')}: {why}"
    if kind in ("weight_mismatch", "weight_accepted", "box_closed") and data.get("expected_g") is not None:
        measured = data.get("measured_g")
        text = QCoreApplication.translate("Event", "box %1: %2 g weighed, %3 g expected").replace(
            "%1", str(data.get("box", ""))).replace("%2", "—" if measured is None else str(measured)).replace(
            "%3", str(data["expected_g"]))
        return text
    return ""
