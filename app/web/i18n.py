"""The customer pages' words: one small catalogue of English, its Chinese the glossary's (:mod:`app.i18n`, context
"Web"), where every Chinese string of the product is.

``negotiate(query_lang, cookie_lang, accept_language)`` picks ``en`` or ``zh_CN``: an explicit choice
(the switch on the page, kept in a cookie) wins over the browser's ``Accept-Language``.
"""

from __future__ import annotations

from app import i18n

LANGUAGES = i18n.LANGUAGES
# The switch to the other language names it in that language itself.
LANGUAGE_NAMES = {"en": "English", "zh_CN": "中文"}

CATALOGUE: dict[str, str] = {
    "title": "Track your order",
    "find_intro": "Type your order number (as the shop's e-mail shows it, such as #1041) and the postcode or "
                         "e-mail address on the order.",
    "order_number": "Order number",
    "postcode_or_email": "Postcode or e-mail",
    "find": "Find my order",
    "not_found": "We could not find an order with these details. Check the number and the postcode or e-mail.",
    "too_many": "Too many attempts. Please wait a minute and try again.",
    "page_missing": "This page does not exist.",
    "page_missing_hint": "Check the address, or look your order up by its number.",
    "order": "Order",
    "status": "Status",
    "tracking_number": "Tracking number",
    "where": "Where it is",
    "expected": "Expected delivery",
    "delivered_on": "Delivered on",
    "delay": "Delayed",
    "colon": ": ",
    "ship_to": "Delivery address",
    "parcels": "Parcels",
    "parcel_n": "Parcel {seq} of {count}",
    "timeline": "What has happened",
    "contact": "Contact customer service",
    "contact_intro": "Write to us about this order; we answer by e-mail.",
    "your_messages": "Your messages",
    "from_service": "Customer service",
    "from_you": "You",
    "your_message": "Your message",
    "your_email": "Your e-mail (for our answer)",
    "send": "Send",
    "message_sent": "Thank you: your message reached customer service (case {case}).",
    "message_empty": "Please write a message.",
    "message_long": "The message is too long (at most {n} characters).",
    "phone": "Phone",
    "email": "E-mail",
    "returns": "Return items",
    "returns_intro": "Choose what you send back and why. We check the return policy at once.",
    "quantity": "Quantity",
    "reason": "Reason",
    "request_return": "Request the return",
    "return_accepted": "Return {number} accepted. Print the return label and stick it on the parcel.",
    "return_refused": "This return cannot be accepted:",
    "return_label": "Return label (PDF)",
    "your_returns": "Your returns",
    "no_returns_yet": "Returns open once the order has left our warehouse.",
    "survey": "How did we do?",
    "survey_intro": "Score from 1 (poor) to 5 (excellent).",
    "score_product": "The product",
    "score_delivery": "Delivery speed",
    "score_service": "Our service",
    "comment": "Anything to add?",
    "survey_send": "Send my answers",
    "survey_thanks": "Thank you for your answers.",
    "survey_done": "You have already answered the survey for this order. Thank you.",
    "survey_bad": "Please give every score from 1 to 5.",
    "survey_after": "The survey opens once your order is delivered.",
    "forbidden": "The form has expired. Reload the page and send it again.",
    "too_large": "What you sent is too large.",
    "late_days": "{n} day(s) late",
    "restock": "Some items are out of stock; we expect them back on {date}.",
    "substitutes": "Available instead: {skus}",
    "item": "Item",
    "where.delivered": "Delivered to {place}",
    "where.handed": "With {carrier}",
    "where.labelled": "At our warehouse, waiting for the carrier",
    "where.warehouse": "At our warehouse, being prepared",
    "where.waiting": "Not yet in preparation",
    "where.cancelled": "Cancelled: nothing will be sent",
    "where.returned": "Back at our warehouse",
    "late_leave": "It has not left our warehouse yet; it was due to leave on {date}.",
    # Statuses in plain words.
    "st.received": "Order received",
    "st.review": "Being checked",
    "st.on_hold": "On hold",
    "st.backordered": "Waiting for stock",
    "st.confirmed": "Confirmed",
    "st.allocated": "Being prepared",
    "st.picking": "Being prepared",
    "st.picked": "Being prepared",
    "st.packing": "Being packed",
    "st.packed": "Packed",
    "st.labelled": "Ready to leave",
    "st.shipped": "On its way",
    "st.delivered": "Delivered",
    "st.cancelled": "Cancelled",
    "st.returned": "Returned",
    # Timeline events in plain words (kinds not listed here stay inside the warehouse).
    "ev.received": "We received your order",
    "ev.backordered": "Waiting for stock",
    "ev.allocated": "Your order is being prepared",
    "ev.backorder_released": "Back in stock",
    "ev.picking": "Items are being picked",
    "ev.packed": "Your order was packed",
    "ev.labelled": "Parcel ready for the carrier",
    "ev.shipped": "Handed to the carrier",
    "ev.parcel_shipped": "A parcel was handed to the carrier",
    "ev.in_transit": "In transit",
    "ev.out_for_delivery": "Out for delivery",
    "ev.delivered": "Delivered",
    "ev.parcel_delivered": "A parcel was delivered",
    "ev.exception": "Held up at the carrier",
    "ev.cancelled": "Order cancelled",
    "ev.customer_message": "You wrote to customer service",
    "ev.service_reply": "Customer service answered by e-mail",
    "ev.return_requested": "Return requested",
    "ev.return_label_issued": "Return label issued",
    "ev.return_in_transit": "Your return is on its way to us",
    "ev.return_delivered": "Your return reached us",
    "ev.return_received": "We received your return",
    "ev.return_refunded": "Refund paid",
    "ev.returned": "Order returned",
    # Return reasons.
    "rs.changed_mind": "Changed my mind",
    "rs.wrong_size": "Wrong size",
    "rs.damaged": "Arrived damaged",
    "rs.defective": "Does not work",
    "rs.wrong_item": "Wrong item sent",
    "rs.not_as_described": "Not as described",
    "rs.late": "Arrived too late",
    "ret.approved": "accepted",
    "ret.label_issued": "label issued",
    "ret.received": "received",
    "ret.inspected": "checked",
    "ret.refunded": "refunded",
    "ret.exchanged": "exchanged",
    "ret.cancelled": "cancelled",
}



def context_of(key: str) -> str:
    """The glossary context of a catalogue entry: the timeline's events say some words otherwise than the statuses
    ("Delivered": 已签收 as an event, 已送达 as a status)."""
    return "WebEvent" if key.startswith("ev.") else "Web"


for _key, _english in CATALOGUE.items():
    i18n.register(context_of(_key), (_english,))
i18n.register("Separator", (", ",))


def normalise(tag: str | None) -> str | None:
    """``zh``, ``zh-CN``, ``zh_cn``, ``zh-Hans`` -> ``zh_CN``; ``en-GB`` -> ``en``; anything else None."""
    if not tag:
        return None
    low = tag.strip().lower().replace("_", "-")
    if low.startswith("zh"):
        return "zh_CN"
    if low.startswith("en"):
        return "en"
    return None


def from_accept_language(header: str | None) -> str | None:
    """The preferred of our languages in an ``Accept-Language`` header (q-values honoured)."""
    best: tuple[float, str] | None = None
    for index, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        lang = normalise(tag)
        if lang is None:
            continue
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        key = (q - index * 1e-6, lang)
        if q > 0 and (best is None or key[0] > best[0]):
            best = key
    return best[1] if best else None


def negotiate(query_lang: str | None, cookie_lang: str | None, accept_language: str | None) -> str:
    return normalise(query_lang) or normalise(cookie_lang) or from_accept_language(accept_language) or "en"


class Translator:
    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else "en"

    def __call__(self, key: str, **values: object) -> str:
        if key == "language":  # the switch: the other language's own name
            return LANGUAGE_NAMES[self.other]
        english = CATALOGUE.get(key)
        if english is None:
            return key
        text = i18n.translation(english, self.lang, context_of(key))
        return text.format(**values) if values else text

    def join(self, words) -> str:
        """Words listed in this language ("A, B" / "A、B")."""
        return i18n.translation(", ", self.lang, "Separator").join(words)

    def has(self, key: str) -> bool:
        return key in CATALOGUE or key == "language"

    @property
    def html_lang(self) -> str:
        return "zh-CN" if self.lang == "zh_CN" else "en"

    @property
    def other(self) -> str:
        return "en" if self.lang == "zh_CN" else "zh_CN"
