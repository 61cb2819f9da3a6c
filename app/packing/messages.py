"""Every message the pack service gives the packer, in one place.

A service answer carries a :class:`Message` (a code and its values); the screen and the CLI call
``message.text(language)``. Wording and severity live here (the shape of OCA shopfloor's ``msg_store``); the
Chinese is the glossary's (:mod:`app.i18n`, context "PackMessages"), where every Chinese string of the product is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app import i18n
from app.domain.names import STATUS_NAMES, status_name, status_predicate
from app.errors import InvalidInput

# code: (severity, English). Severity: good, bad, info, warn (amber: stored, not yet checked).
_ENGLISH: dict[str, tuple[str, str]] = {
    "ticked": ("good", "{name}: {packed} of {quantity} packed."),
    "ticked_bulk": ("good", "{name}: {packed} of {quantity} packed. Scan the rest, or scan the count of the rest."),
    "counted": ("good", "{name}: {count} more counted, {packed} of {quantity} packed."),
    "complete": ("good", "Order {number} packed: making its label…"),
    "both": ("good", "{first} {then}"),
    "labelled_printed": ("good", "Order {number} done: label printed on {printer}. Scan NEXT ORDER."),
    "labelled_queued": ("info", "Order {number} is labelled: the label waits for the printer."),
    "labelled_waiting": ("bad", "Order {number} is labelled, but printer {printer} cannot be reached: check its power, "
                         "cable and paper. The label prints by itself when the printer is back."),
    "labelled_no_printer": ("bad", "Order {number} is labelled, but no label printer is set up for this station: ask a "
                            "supervisor to choose one in the printer settings. The label prints as soon as one is."),
    "labelled_printer_setup": ("bad", "Order {number} is labelled, but printer {printer} is not set up right: ask a "
                               "supervisor to fix the printer settings, then reprint (F8)."),
    "labelled_uncertain": ("bad", "Order {number}: printer {printer} stopped in the middle of the label. Check what "
                           "came out; reprint (F8) if it is not whole."),
    "complete_label_failed": ("bad", "Order {number} is packed, but its label could not be made: {error}"),
    "wrong_item": ("bad", "{name} is not in order {number}. Put it aside."),
    "other_order": ("bad", "{name} belongs to order {other}, not to {number}. Put it back."),
    "extra_item": ("bad", "Extra item: {name} is already fully packed ({quantity}). Put it aside."),
    "too_many": ("bad", "{name}: only {left} more needed, this scan counts {count}. Put it aside."),
    "unknown_product": ("bad", "Unknown product {code}: not in the catalogue. Put it aside and call a supervisor."),
    "not_understood": ("bad", "Scan not understood ({reason}). Scan again."),
    "need_item_first": ("bad", "Lot {lot} alone: scan the item first, then its lot."),
    "sscc_not_item": ("bad", "SSCC {sscc} is a parcel or pallet label, not an item: scan the item's own barcode."),
    "misread": ("bad", "Misread: {why}. Scan it again."),
    "unknown_code": ("bad", "{code} is no product, order or command here. Scan it again; if it comes back the same, "
                     "put the item aside and call a supervisor."),
    "need_lot": ("info", "{name}: scan its lot number."),
    "need_expiry": ("info", "{name}: scan its expiry date."),
    "need_serial": ("info", "{name}: scan its serial number."),
    "capture_first": ("bad", "First scan the {what} of {name} (or scan CANCEL)."),
    "bad_expiry": ("bad", "{text} is not a date: scan the expiry as YYMMDD or YYYY-MM-DD."),
    "expired": ("bad", "{name} lot {lot} expired on {expiry}: refused. Take another one."),
    "duplicate_serial": ("bad", "Serial {serial} is already packed in this order. Scan another unit."),
    "serial_case": ("bad", "{name} is tracked by serial: scan each unit, not the case."),
    "cancelled_step": ("info", "Cancelled. Scan the next item."),
    "nothing_to_cancel": ("info", "Nothing to cancel."),
    "box_opened": ("info", "Box {seq} opened."),
    "box_closed": ("good", "Box {seq} closed ({carton}, {weight} g). The next item opens box {next}."),
    "box_empty": ("bad", "Box {seq} is empty: nothing to close."),
    "no_order": ("bad", "No order is open at this station. Scan NEXT ORDER or an order number."),
    "order_opened": ("good", "Order {number}: {left} item(s) to scan."),
    # The catalogue lacks a weight or size (issue 23): what the bench uses instead, said when the order opens.
    "no_weight_no_size_scale_weight": ("info", "{skus}: no weight or size in the catalogue. The box takes the carton's "
                                       "size and the scale's weight."),
    "no_weight_no_size_carton_weight": ("info", "{skus}: no weight or size in the catalogue. The box takes the "
                                        "carton's size; its weight counts the carton, the packing material and the "
                                        "items that have a weight."),
    "no_weight_scale_weight": ("info", "{skus}: no weight in the catalogue. The box takes the scale's weight."),
    "no_weight_carton_weight": ("info", "{skus}: no weight in the catalogue. The box's weight counts the carton, the "
                                "packing material and the items that have a weight."),
    "no_size": ("info", "{skus}: no size in the catalogue. The box takes the carton's size."),
    "this_order": ("info", "Order {number}: {left} item(s) to scan."),
    "another_order_open": ("bad", "Finish order {number} first (or ask a supervisor), then scan order {other}."),
    "taken_away": ("bad", "Order {number} was moved to station {station} by a supervisor. Stop packing it; "
                   "what you packed travels with it."),
    "taken_away_nowhere": ("bad", "Order {number} was taken away from this station ({status}). Stop packing it; "
                           "what you packed is kept."),
    "not_packable": ("bad", "Order {number} is {status}: it cannot be packed now."),
    "ambiguous_order": ("bad", "{text} names more than one order ({orders}): scan our order number instead."),
    "held_elsewhere": ("bad", "Order {number} is being packed at station {station}."),
    "already_packed": ("info", "Order {number} is already packed."),
    "db_unavailable": ("bad", "The database cannot be reached: this scan was NOT recorded. Scan it again in a moment."),
    "weight_mismatch": (
        "bad",
        "Weight check: box {seq} weighs {measured} g, expected {expected} g ± {tolerance} g. Check the contents, then "
        "put it on the scale again (or a supervisor's badge accepts it as it is).",
    ),
    "weigh_box": ("info", "Put box {seq} on the scale (expected {expected} g)."),
    "all_packed_weigh": ("good", "All items are in. Put box {seq} on the scale (expected {expected} g)."),
    "weigh_first": ("bad", "Box {seq} waits on the scale: weigh it first, or scan CANCEL to keep packing into it."),
    "no_scale": ("bad", "This station has no scale."),
    "not_supervisor_weight": ("bad", "{user} is not a supervisor: only a supervisor's badge accepts a box without a "
                              "matching weight."),
    "db_unavailable_weight": ("bad", "The database cannot be reached: the weight was not checked. Put the box on the "
                              "scale again in a moment."),
    "scale_fault": ("bad", "The scale reports a problem ({condition}): check it."),
    "scale_overload": ("bad", "The scale is overloaded: take the weight off."),
    "scale_underload": ("bad", "The scale reads below its range: zero it (scan ZERO)."),
    "scale_below_zero": ("bad", "The scale reads below zero: empty it and zero it (scan ZERO)."),
    "scale_disconnected": ("bad", "The scale is not connected: plug it in. The box waits (or a supervisor's badge "
                           "closes it without weighing)."),
    "scale_garbled": ("bad", "The scale sent something that is not a reading: check its cable and its settings."),
    "rfid_garbled": ("bad", "RFID reader: a read came in garbled. Hold the tote in the field again."),
    "scale_no_reading": ("bad", "The scale gives no reading: check it."),
    "quantity_no_line": ("bad", "Scan an item before scanning a count."),
    "carton_chosen": ("good", "Carton {carton} for box {seq}."),
    "unknown_carton": ("bad", "No carton {code} in this station's catalogue."),
    "wrong_lot": ("bad", "{name}: lot {lot} is not the lot reserved for this order ({reserved}). Take one from lot "
                  "{reserved}, or a supervisor's badge allows this one."),
    "not_supervisor_lot": ("bad", "{user} is not a supervisor: only a supervisor's badge allows another lot."),
    "lot_allowed": ("good", "Lot {lot} allowed by {user}."),
    "supervisor_needed": ("bad", "A partial shipment needs a supervisor: scan a supervisor's badge."),
    "not_supervisor": ("bad", "{user} is not a supervisor: a partial shipment needs a supervisor's badge."),
    "badge_unknown": ("bad", "Badge not recognised."),
    "badge_not_now": ("info", "A badge: nothing here needs one now. To change who packs, log out first (scan LOG OUT)."),
    "nothing_packed": ("bad", "Nothing is packed yet: there is nothing to ship."),
    "partial_shipped": ("good", "Order {number} ships what is packed; the rest is order {rest} ({status})."),
    "reprinted": ("good", "Label sent to the printer again."),
    "nothing_to_reprint": ("bad", "No label to reprint yet."),
    "tote_read": ("good", "Tote read: {count} item(s) ticked."),
    "tote_partial": ("bad", "Tote read: {count} ticked; {refused} refused ({detail}). Put refused items aside."),
    "command_elsewhere": ("info", "{command}: use it on the pack screen."),
    # Offline: the shared database cannot be reached; the scan is kept in the station's own journal.
    "stored_offline": ("warn", "Stored at this station, will be checked when the database is back."),
    "stored_offline_ticked": ("warn", "{name}: {packed} of {quantity} (provisional). Stored at this station, "
                              "will be checked when the database is back."),
    "stored_offline_wrong_item": ("bad", "{code} is not in order {number}. Put it aside. (Stored at this station, "
                                  "will be checked when the database is back.)"),
    "stored_offline_extra_item": ("bad", "Extra item: {name} is already fully packed ({quantity}). Put it aside. "
                                  "(Stored at this station, will be checked when the database is back.)"),
    "replayed_ok": ("good", "Stored scan checked: {answer}"),
    "replayed_refused": ("bad", "A scan stored at this station was refused when checked: {answer}"),
    "replay_failed": ("bad", "This scan could not be recorded although the database answers: call a supervisor."),
    "replay_done": ("good", "The database is back: {count} stored scan(s) recorded, {refused} refused."),
}

# code: (severity, English, Chinese): the Chinese from the glossary.
MESSAGES: dict[str, tuple[str, str, str]] = {
    code: (severity, english, i18n.translation(english, "zh_CN", "PackMessages"))
    for code, (severity, english) in _ENGLISH.items()}
i18n.register("PackMessages", (english for _, english in _ENGLISH.values()))

# What a packer captures for an item ({what}), said in the message's language (context "Capture").
_WHATS = ("lot", "expiry", "serial")
i18n.register("Capture", _WHATS)
# A status the sentence says as what the order is ("订单 WS1 正在打包"), not as its name.
_STATUS_AS_PREDICATE = frozenset({"not_packable"})
# The kinds of misread (app.packing.classify.misread_kind), as a packer reads them (context "Misread").
_WHY: dict[str, str] = {
    "check_digit": "the check digit does not match",
    "noise": "noise on the line",
    "cut_off": "only part of the barcode arrived",
    "empty": "nothing was read",
    "unreadable": "the barcode could not be read",
    "not_a_product_tag": "this RFID tag is not a product tag",
}
i18n.register("Misread", _WHY.values())


@dataclass(frozen=True)
class Message:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def severity(self) -> str:
        if self.code == "both":  # two messages told together: the worse of the two
            kinds = [p.severity for p in self.params.values() if isinstance(p, Message)]
            return next((k for k in ("bad", "warn", "info") if k in kinds), "good")
        return MESSAGES[self.code][0]

    def text(self, language: str = "en") -> str:
        severity, english, chinese = MESSAGES[self.code]
        template = chinese if i18n.chinese_wanted(language) else english
        # A message may quote another (a stored scan's check quotes the database's answer): same language.
        params = {k: v.text(language) if isinstance(v, Message) else v for k, v in self.params.items()}
        if params.get("what") in _WHATS:
            params["what"] = i18n.translation(params["what"], language, "Capture")
        if params.get("status") in STATUS_NAMES:  # a status inside a sentence reads as words, in the same language
            said = status_predicate if self.code in _STATUS_AS_PREDICATE else status_name
            params["status"] = said(params["status"], language)
        if "why" in params and params["why"] in _WHY:
            params["why"] = i18n.translation(_WHY[params["why"]], language, "Misread")
        try:
            return template.format(**params)
        except (KeyError, IndexError):  # a missing value must never hide the message itself
            return template

    def __str__(self) -> str:
        return self.text("en")


class Refused(InvalidInput):
    """A refusal that keeps its :class:`Message`: the scan's answer then says it in the packer's language (its
    ``message`` is the English, for the CLI and the log)."""

    def __init__(self, told: Message) -> None:
        super().__init__(told.text())
        self.told = told


def message(_code: str, **params: Any) -> Message:
    if _code not in MESSAGES:
        raise KeyError(f"no pack message {_code!r}")
    return Message(_code, params)
