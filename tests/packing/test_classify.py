"""Scan classification at the pack bench: the devices parser reads, the pack service dispatches on the kind."""

from __future__ import annotations

from datetime import date

from app.devices.commands import Command
from app.devices.rfid import sgtin96
from app.packing.classify import classify
from app.packing.messages import MESSAGES, Message, message

GTIN = "06901234900019"


def test_item_scans_in_every_shape_give_the_same_gtin():
    for raw in (GTIN, GTIN[1:], "]E0" + GTIN[1:], "]C1" + "01" + GTIN, "(01)" + GTIN,
                "https://id.gs1.org/01/" + GTIN):
        c = classify(raw)
        assert (c.kind, c.gtin) == ("item", GTIN), raw


def test_gs1_element_strings_carry_lot_expiry_serial_and_quantity():
    c = classify("]C101" + GTIN + "17301231" + "10LOT-7\x1d" + "21SER9\x1d" + "3012")
    assert (c.lot, c.expiry, c.serial, c.quantity) == ("LOT-7", date(2030, 12, 31), "SER9", 12)


def test_rfid_epc_gives_gtin_and_serial():
    c = classify("epc:" + sgtin96(GTIN, 4711, 7))
    assert (c.kind, c.source, c.gtin, c.serial) == ("item", "rfid", GTIN, "4711")
    assert classify("epc:E200").kind == "bad"
    assert classify("epc:").kind == "bad"


def test_commands_text_and_bad_scans():
    assert classify("CMD:CLOSE-BOX").command == Command.CLOSE_BOX
    assert classify("]C0cmd:close_box").command == Command.CLOSE_BOX
    assert classify("CMD:DANCE").kind == "bad"
    assert (classify("SKU-00001").kind, classify("SKU-00001").text) == ("text", "SKU-00001")
    assert classify("12").kind == "text"
    assert classify("06901234900010").kind == "bad"  # wrong check digit
    assert classify("\x07\x08").kind == "bad"
    assert classify("").kind == "bad"


def test_every_message_has_both_languages_and_its_values():
    for code, (severity, english, chinese) in MESSAGES.items():
        assert severity in ("good", "bad", "info", "warn") and english and chinese, code
    text = message("wrong_item", name="Mug", number="WS-1")
    assert text.text("en") == "Mug is not in order WS-1. Put it aside."
    assert "WS-1" in text.text("zh_CN")
    assert Message("wrong_item", {}).text() == MESSAGES["wrong_item"][1]  # a missing value never hides the message
