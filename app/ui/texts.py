"""Names the screens show for statuses, priorities, roles, flags and timeline events, translatable.

The database holds stable codes (contracts.md); what a person reads comes from here, through Qt's
translation files, so English and Simplified Chinese say the same thing.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

STATUS_NAMES = {
    "received": QT_TRANSLATE_NOOP("Status", "received"),
    "review": QT_TRANSLATE_NOOP("Status", "in review"),
    "on_hold": QT_TRANSLATE_NOOP("Status", "on hold"),
    "backordered": QT_TRANSLATE_NOOP("Status", "backordered"),
    "confirmed": QT_TRANSLATE_NOOP("Status", "confirmed"),
    "allocated": QT_TRANSLATE_NOOP("Status", "allocated"),
    "picking": QT_TRANSLATE_NOOP("Status", "picking"),
    "picked": QT_TRANSLATE_NOOP("Status", "picked"),
    "packing": QT_TRANSLATE_NOOP("Status", "packing"),
    "packed": QT_TRANSLATE_NOOP("Status", "packed"),
    "labelled": QT_TRANSLATE_NOOP("Status", "labelled"),
    "shipped": QT_TRANSLATE_NOOP("Status", "shipped"),
    "delivered": QT_TRANSLATE_NOOP("Status", "delivered"),
    "cancelled": QT_TRANSLATE_NOOP("Status", "cancelled"),
    "returned": QT_TRANSLATE_NOOP("Status", "returned"),
}

PRIORITY_NAMES = {
    0: QT_TRANSLATE_NOOP("Priority", "normal"),
    1: QT_TRANSLATE_NOOP("Priority", "high"),
    2: QT_TRANSLATE_NOOP("Priority", "urgent"),
}

ROLE_NAMES = {
    "packer": QT_TRANSLATE_NOOP("Role", "packer"),
    "supervisor": QT_TRANSLATE_NOOP("Role", "supervisor"),
    "shipping": QT_TRANSLATE_NOOP("Role", "shipping"),
    "service": QT_TRANSLATE_NOOP("Role", "customer service"),
    "admin": QT_TRANSLATE_NOOP("Role", "administrator"),
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
}

STANDING_NAMES = {
    "good": QT_TRANSLATE_NOOP("Standing", "good"),
    "watch": QT_TRANSLATE_NOOP("Standing", "watch"),
    "poor": QT_TRANSLATE_NOOP("Standing", "poor"),
    "blocked": QT_TRANSLATE_NOOP("Standing", "blocked"),
}

PAYMENT_NAMES = {
    "paid": QT_TRANSLATE_NOOP("Payment", "paid"),
    "pending": QT_TRANSLATE_NOOP("Payment", "pending"),
    "failed": QT_TRANSLATE_NOOP("Payment", "failed"),
    "refunded": QT_TRANSLATE_NOOP("Payment", "refunded"),
    "partially_refunded": QT_TRANSLATE_NOOP("Payment", "partially refunded"),
}

EVENT_NAMES = {
    "received": QT_TRANSLATE_NOOP("Event", "received"),
    "review": QT_TRANSLATE_NOOP("Event", "sent to review"),
    "approved": QT_TRANSLATE_NOOP("Event", "approved"),
    "held": QT_TRANSLATE_NOOP("Event", "held"),
    "released": QT_TRANSLATE_NOOP("Event", "released"),
    "rejected": QT_TRANSLATE_NOOP("Event", "rejected"),
    "cancelled": QT_TRANSLATE_NOOP("Event", "cancelled"),
    "claimed": QT_TRANSLATE_NOOP("Event", "claimed by a station"),
    "reassigned": QT_TRANSLATE_NOOP("Event", "reassigned"),
    "priority_changed": QT_TRANSLATE_NOOP("Event", "priority changed"),
    "warehouse_changed": QT_TRANSLATE_NOOP("Event", "warehouse changed"),
    "address_fixed": QT_TRANSLATE_NOOP("Event", "address fixed"),
    "confirmed": QT_TRANSLATE_NOOP("Event", "confirmed"),
    "allocated": QT_TRANSLATE_NOOP("Event", "allocated"),
    "backordered": QT_TRANSLATE_NOOP("Event", "backordered"),
    "packing": QT_TRANSLATE_NOOP("Event", "packing"),
    "packed": QT_TRANSLATE_NOOP("Event", "packed"),
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
