"""What a scan at the pick cart is: a bin label, an item (GTIN from any GS1 barcode, or an SGTIN RFID tag
sent as ``epc:HEX``), or other text such as a SKU. The station's one parser reads it
(:func:`app.devices.scanner.parse_scan`, :func:`app.devices.rfid.decode_epc`); this only says what it is here."""

from __future__ import annotations

from dataclasses import dataclass

from app.devices.events import RejectedFrame, ScanEvent
from app.devices.rfid import decode_epc
from app.devices.scanner import parse_scan
from app.routing.layout import BIN_CODE


@dataclass(frozen=True)
class PickScan:
    kind: str  # bin, item, text, empty
    text: str
    gtin: str | None = None  # 14 digits, zero-padded, as in product_gtins.gtin


def classify(raw: str) -> PickScan:
    """A scan given as text (typed, or ``epc:HEX`` for a tag): parsed by the station's one scan parser."""
    text = raw.strip().strip("\r\n")
    if not text:
        return PickScan("empty", "")
    if text.lower().startswith("epc:"):
        info = decode_epc(text[4:].strip().upper())
        return PickScan("item", text, info.gtin) if info.gtin else PickScan("text", text)
    return from_event(parse_scan(text, source="typed"))


def from_event(event: ScanEvent | RejectedFrame) -> PickScan:
    """What a parsed scan is at the pick cart: a bin label, an item (its GTIN), or other text."""
    if isinstance(event, RejectedFrame):
        return PickScan("text", event.raw.decode("utf-8", "replace").strip())
    if event.kind == "item" and event.gtin:
        return PickScan("item", event.raw, event.gtin)
    text = (event.text if event.text is not None else event.raw).strip()
    if event.kind == "text" and BIN_CODE.match(text):
        return PickScan("bin", text.upper())
    return PickScan("text", text)
