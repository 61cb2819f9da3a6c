"""The notices' words. Plain text mails (no HTML): nothing in them can run.

Each template is a subject and a body with ``{named}`` fields, in English; their Chinese is the glossary's
(:mod:`app.i18n`, context "Notice"). :func:`render` fills them and returns ``(subject, body)``. Fields: ``number``
(order), ``url`` (the order's tracking page), and per kind ``tracking_number``, ``carrier``, ``expected``;
``restock``, ``substitutes``; ``return_number``, ``label_url``; ``amount``.
"""

from __future__ import annotations

from typing import Any

from app import i18n

KINDS = ("shipped", "backordered", "back_in_stock", "return_accepted", "refunded", "survey", "reply")

# kind: (subject, body), in English.
TEMPLATES: dict[str, tuple[str, str]] = {
    "shipped": ("Your order {number} is on its way",
        "Hello,\n\nyour order {number} has left our warehouse with {carrier}.\n"
        "Tracking number: {tracking_number}\nExpected delivery: {expected}\n\nFollow it here: {url}\n\n"
        "Thank you for your order."),
    "backordered": ("Order {number}: some items are on their way to us",
        "Hello,\n\n"
        "some items of your order {number} are out of stock. We expect them back on {restock}, "
        "and your order will leave as soon as they arrive.\n"
        "{substitutes_line}\nSee your order: {url}\n"
        "Write to us from that page if you would rather change it."),
    "back_in_stock": ("Order {number}: everything is here",
        "Hello,\n\n"
        "the items of your order {number} we were waiting for have arrived. Your order is being prepared and "
        "leaves soon.\n\nSee your order: {url}"),
    "return_accepted": ("Return {return_number} accepted",
        "Hello,\n\nwe accepted return {return_number} for order {number}.\n"
        "Print the return label and stick it on the parcel: {label_url}\n\nFollow your return: {url}"),
    "refunded": ("Refund for order {number}",
        "Hello,\n\n"
        "we received and checked return {return_number} and refunded {amount} for order {number}. "
        "It reaches your account in a few days.\n"
        "\n{url}"),
    "survey": ("How was your order {number}?",
        "Hello,\n\n"
        "your order {number} was delivered. Would you tell us how we did? Three scores and a comment, one minute:\n"
        "{url}#survey\n\nThank you."),
    "reply": ("Re: your message about order {number} ({case})",
        "Hello,\n\n{text}\n\nCustomer service\n\nYour order: {url}"),
}
SUBSTITUTES = "Available instead right now: {skus}."
i18n.register("Notice", (*(text for pair in TEMPLATES.values() for text in pair), SUBSTITUTES))
i18n.register("Separator", (", ",))


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "-"


def render(kind: str, language: str, fields: dict[str, Any]) -> tuple[str, str]:
    lang = language if language in i18n.LANGUAGES else "en"
    subject, body = (i18n.translation(text, lang, "Notice") for text in TEMPLATES[kind])
    values = _Blank({k: ("-" if v in (None, "") else v) for k, v in fields.items()})
    if kind == "backordered":
        subs = fields.get("substitutes") or []
        joined = i18n.translation(", ", lang, "Separator").join(subs)
        line = i18n.translation(SUBSTITUTES, lang, "Notice").format(skus=joined)
        values["substitutes_line"] = line + "\n" if subs else ""
    return subject.format_map(values), body.format_map(values)
