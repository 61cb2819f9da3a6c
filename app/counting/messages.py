"""Every sentence a count answers a counter with (context "Counting"): the service and the counting session write
the English (:func:`say`), a screen shows :func:`text` in its language (the Chinese from the glossary). Plain Python;
the refusals the service raises are in :mod:`app.domain.error_texts`."""

from __future__ import annotations

from app.domain.wording import Wording

MESSAGES = Wording("Counting", {
    "opened": "counting bin {bin} ({number}): scan everything in it, then close the count",
    "resumed": "counting bin {bin} again ({number}): {units} unit(s) counted so far",
    "misread": "the scan was not understood: scan it again",
    "duplicate": "this scan was counted before",
    "unknown": "{code}: no product with this code in the catalogue: set it aside and call a supervisor",
    "ask_lot": "{sku}: scan or type its lot (batch) number, then scan it again",
    "counted": "{sku}: {units} counted, {total} so far",
    "counted_lot": "{sku} lot {lot}: {units} counted, {total} so far",
    "below_zero": "{sku}: only {total} counted, cannot take away {units}",
    "posted": "{number} posted: {bin} counted, {changes} change(s) on the stock ledger",
    "exact": "{number} posted: {bin} is as the books say",
    "review": "{number} closed: {count} difference(s) wait for a supervisor's approval",
    "refused": "{number} refused by {user}: count bin {bin} again",
    "cancelled": "{number} cancelled: bin {bin} was not counted",
    "released": "released {orders}",
})


def say(key: str, **values: object) -> str:
    return MESSAGES.en(key, **values)


def text(message: str, language: str | None) -> str:
    """A count's message (sentences joined by "; ") in ``language``."""
    return MESSAGES.say(message, language)
