"""Every sentence goods in answers a receiver with (context "GoodsIn"): the service and the receiving session
write the English (:func:`say`), a screen shows :func:`text` in its language (the Chinese from the glossary).
Plain Python; the refusals the service raises are in :mod:`app.domain.error_texts`."""

from __future__ import annotations

from app import i18n
from app.domain.wording import Wording

MESSAGES = Wording("GoodsIn", {
    "misread": "the scan was not understood: scan it again",
    "duplicate": "this scan was counted before ({quantity} x {sku})",
    "unknown": "{code}: no product with this code in the catalogue: put it aside and call a supervisor",
    "quantity": "{sku}: the quantity must be 1 or more",
    "ask_lot": "{sku}: scan or type the lot (batch) number",
    "ask_expiry": "{sku}: scan or type the expiry date",
    "expired": "{sku} lot {lot} expired on {date}: set it apart as damaged (quarantine) with a reason",
    "quarantined": "{quantity} x {sku} set apart in quarantine ({bin}): {reason}",
    "unexpected": "{quantity} x {sku} counted: not on this delivery, put it away or set it aside",
    "over": "{quantity} x {sku} counted: {over} more than announced",
    "counted": "{quantity} x {sku} counted ({received} of {expected})",
    "go_to": "put it away to {bin}",
    "no_bin": "no free bin: scan the bin you put it in",
    "opened": "{number} ({reference}) from {supplier}: scan the items",
    "put_away": "{quantity} x {sku} put away to {bin}",
    "released": "released {orders}",
    "nothing_waits": "nothing waits for put-away: scan an item first",
    "closed": "{number} closed: as announced",
    "closed_differences": "{number} closed with differences: {lines}",
    "difference": "{sku} short {short}, over {over}, damaged {damaged}",
    "tag_not_item": "RFID tag {epc}: not an item tag, not counted",
    "carton_lot": "{sku}: {count} tag(s) not counted: RFID tags carry no lot, type the lot and read the carton again",
    "carton_expiry": "{sku}: {count} tag(s) not counted: type the expiry date and read the carton again",
    "carton_counted": "carton read: {units} unit(s) counted ({skus})",
    "carton_repeated": "{count} tag(s) read before, not counted again",
    "carton_empty": "carton read: no tag",
    "carton_no_delivery": "a carton was read: scan the delivery first, then read the carton again",
    "next_put_away": "next: {quantity} x {sku}",
})


SEPARATOR = " · "  # between the differences a closed delivery lists (each has commas of its own)
MESSAGES.fields["lines"] = lambda value: i18n.translation("; ", "zh_CN", "Separator").join(
    MESSAGES.say(part, "zh_CN") for part in value.split(SEPARATOR))


def say(key: str, **values: object) -> str:
    return MESSAGES.en(key, **values)


def text(message: str, language: str | None) -> str:
    """A goods-in message (sentences joined by "; ") in ``language``."""
    return MESSAGES.say(message, language)
