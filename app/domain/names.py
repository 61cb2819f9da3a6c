"""What people read for the stable codes the database holds: order and payment statuses, sales channels,
product categories and the timeline's actors.

The English is here; the Chinese comes from the one translation source, ``resources/i18n/zh_CN_glossary.py``
(the Qt screens read the same words through the .qm built from it, ``app.ui.texts``), so a status says the
same on a screen, in a packer's message, in a review reason and in a returns policy answer. Pure Python, no
Qt: the pack service, the web pages and the CLI use it too. ``QT_TRANSLATE_NOOP`` only marks the words for
``scripts/i18n.py`` (pyside6-lupdate reads this file).
"""

from __future__ import annotations

from app import i18n
from app.i18n import GLOSSARY, chinese_wanted, glossary  # noqa: F401 - the names other modules import from here


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name pyside6-lupdate looks for
    return text


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

ROLE_NAMES = {
    "packer": QT_TRANSLATE_NOOP("Role", "packer"),
    "supervisor": QT_TRANSLATE_NOOP("Role", "supervisor"),
    "shipping": QT_TRANSLATE_NOOP("Role", "shipping"),
    "service": QT_TRANSLATE_NOOP("Role", "customer service"),
    "admin": QT_TRANSLATE_NOOP("Role", "administrator"),
}

PAYMENT_NAMES = {
    "paid": QT_TRANSLATE_NOOP("Payment", "paid"),
    "pending": QT_TRANSLATE_NOOP("Payment", "pending"),
    "failed": QT_TRANSLATE_NOOP("Payment", "failed"),
    "refunded": QT_TRANSLATE_NOOP("Payment", "refunded"),
    "partially_refunded": QT_TRANSLATE_NOOP("Payment", "partially refunded"),
    "authorized": QT_TRANSLATE_NOOP("Payment", "authorized"),
}

# Marketplaces with a Chinese name of their own; other channels (shopify, woocommerce) keep their brand.
CHANNEL_NAMES = {
    "jd": QT_TRANSLATE_NOOP("Channel", "JD.com"),
    "tmall": QT_TRANSLATE_NOOP("Channel", "Tmall"),
    "taobao": QT_TRANSLATE_NOOP("Channel", "Taobao"),
    "web": QT_TRANSLATE_NOOP("Channel", "web shop"),
}
CHANNEL_BRANDS = {"shopify": "Shopify", "woocommerce": "WooCommerce", "amazon": "Amazon", "ebay": "eBay"}

CATEGORY_NAMES = {
    "electronics": QT_TRANSLATE_NOOP("Category", "electronics"),
    "home": QT_TRANSLATE_NOOP("Category", "home"),
    "apparel": QT_TRANSLATE_NOOP("Category", "apparel"),
    "beauty": QT_TRANSLATE_NOOP("Category", "beauty"),
    "food": QT_TRANSLATE_NOOP("Category", "food"),
    "toys": QT_TRANSLATE_NOOP("Category", "toys"),
    "books": QT_TRANSLATE_NOOP("Category", "books"),
    "pharmacy": QT_TRANSLATE_NOOP("Category", "pharmacy"),
    "alcohol": QT_TRANSLATE_NOOP("Category", "alcohol"),
    "tobacco": QT_TRANSLATE_NOOP("Category", "tobacco"),
    "weapons": QT_TRANSLATE_NOOP("Category", "weapons"),
    "restricted": QT_TRANSLATE_NOOP("Category", "restricted"),
}

# Who did something on the timeline when it was not a person at a station: these words are translated;
# user names, station names and "cli@host" stay as they are.
ACTOR_WORDS = {
    "system": QT_TRANSLATE_NOOP("Actor", "system"),
    "customer": QT_TRANSLATE_NOOP("Actor", "customer"),
    "carrier": QT_TRANSLATE_NOOP("Actor", "carrier"),
    "web": QT_TRANSLATE_NOOP("Actor", "web page"),
}


def say(context: str, english: str, language: str | None) -> str:
    """``english`` in ``language``: the glossary's Chinese ("Context|source" first, then "source") or English."""
    return i18n.translation(english, language, context)


# A status as a sentence says it of the order, where that differs from its name (context "StatusIs").
STATUS_PREDICATES = ("in review", "picking", "packing")
i18n.register("StatusIs", STATUS_PREDICATES)


def status_name(code: str, language: str | None = "en") -> str:
    """``packing`` -> "packing" / "打包中"; an unknown code as it is."""
    return say("Status", STATUS_NAMES[code], language) if code in STATUS_NAMES else code


def status_predicate(code: str, language: str | None = "en") -> str:
    """A status as what a sentence says of the order: "Order WS1 is {packing}" / "订单 WS1 {正在打包}".

    Chinese says an ongoing state with 正在 (打包中 -> 正在打包: the glossary's "StatusIs" context) and the others
    as they are (已暂停, 缺货待补)."""
    if code in STATUS_NAMES and STATUS_NAMES[code] in STATUS_PREDICATES:
        return i18n.translation(STATUS_NAMES[code], language, "StatusIs")
    return status_name(code, language)


def role_name(code: str, language: str | None = "en") -> str:
    return say("Role", ROLE_NAMES[code], language) if code in ROLE_NAMES else code


def payment_name(code: str, language: str | None = "en") -> str:
    return say("Payment", PAYMENT_NAMES[code], language) if code in PAYMENT_NAMES else code


def channel_name(code: str | None, language: str | None = "en") -> str:
    """``jd`` -> "JD.com" / "京东", ``shopify`` -> "Shopify", ``edi:ACME`` -> "EDI ACME"; others as they are."""
    code = code or ""
    key = code.lower()
    if key in CHANNEL_NAMES:
        return say("Channel", CHANNEL_NAMES[key], language)
    if key in CHANNEL_BRANDS:
        return CHANNEL_BRANDS[key]
    if key.startswith("edi:"):
        return f"EDI {code[4:]}"
    return code


def category_name(code: str | None, language: str | None = "en") -> str:
    code = code or ""
    return say("Category", CATEGORY_NAMES[code], language) if code in CATEGORY_NAMES else code


def actor_word(word: str | None, language: str | None = "en") -> str:
    """One actor field (a station or a user) as people read it: ``carrier:sf`` -> "carrier sf" / "承运商 sf"."""
    word = word or ""
    kind, colon, rest = word.partition(":")
    if kind in ACTOR_WORDS:
        name = say("Actor", ACTOR_WORDS[kind], language)
        return f"{name} {rest}" if colon and rest else name
    return word


def actor_name(station: str | None, user: str | None, language: str | None = "en") -> str:
    """Who did it, for a timeline: "STATION-2 · packer1", "web page · customer" / "网页 · 客户", "system" / "系统"."""
    return " · ".join(actor_word(x, language) for x in (station, user) if x)
