"""What a raw scan at the pack bench is, decided once (the devices parser does the reading: AIM identifiers,
GS1 element strings, check digits, command barcodes; pyepc via :func:`app.devices.rfid.decode_epc` for
RFID tags). The pack service then dispatches on :attr:`Classified.kind`.

Kinds: ``item`` (a GTIN, with lot/expiry/serial/quantity when the barcode carries them), ``command``,
``sscc``, ``text`` (a SKU, an order number, a badge, a count, a lot typed on a label...) and ``bad``
(not understood, with the reason).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.devices.commands import Command
from app.devices.events import RejectedFrame, ScanEvent
from app.devices.rfid import decode_epc
from app.devices.scanner import parse_scan

EPC_PREFIX = "epc:"


@dataclass(frozen=True)
class Classified:
    kind: str  # item, command, sscc, text, bad
    raw: str
    source: str = "scanner"  # scanner or rfid
    gtin: str | None = None
    lot: str | None = None
    expiry: date | None = None
    serial: str | None = None
    quantity: int | None = None
    sscc: str | None = None
    text: str = ""
    command: Command | None = None
    reason: str = ""

    @property
    def code(self) -> str:
        """What to show the packer as "the code scanned"."""
        return self.gtin or self.sscc or self.text or self.raw

    @property
    def misread(self) -> str:
        """For a scan that was not understood: what kind of misread, as a code the messages translate
        (:func:`misread_kind`)."""
        return misread_kind(self.reason, self.source)


def misread_kind(reason: str, source: str = "scanner") -> str:
    """A reader's technical reason (the parser's or a library's words) as one of a few kinds a packer
    understands: ``check_digit``, ``noise``, ``cut_off``, ``empty``, ``not_a_product_tag`` (RFID) or
    ``unreadable``. The technical reason itself stays in the journal for whoever looks into it."""
    text = (reason or "").lower()
    if source == "rfid":
        return "not_a_product_tag"
    if "check digit" in text:
        return "check_digit"
    if text.startswith("garbled") or "control byte" in text or "not ascii" in text or "not text" in text:
        return "noise"
    if any(w in text for w in ("incomplete", "cut off", "mid-scan", "mid-line", "went away", "never came",
                                "no data after", "too short", "partial")):
        return "cut_off"
    if text.startswith("empty"):
        return "empty"
    return "unreadable"


def printable(raw: str, limit: int = 80) -> str:
    """A scan as a person can read it on a timeline: GS as <GS>, other control bytes as <NN>, cut to ``limit``."""
    shown = "".join(ch if ch.isprintable() else ("<GS>" if ch == "\x1d" else f"<{ord(ch):02X}>") for ch in raw)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def classify(raw: str) -> Classified:
    """Classify one scan exactly as the scanner sent it (or ``epc:HEX`` for an RFID tag). Never raises."""
    text = raw.rstrip("\r\n")
    if text[: len(EPC_PREFIX)].lower() == EPC_PREFIX:
        return classify_epc(text[len(EPC_PREFIX):].strip(), raw=text)
    return from_event(parse_scan(text, source="pack"))


def classify_epc(epc_hex: str, raw: str | None = None) -> Classified:
    raw = raw if raw is not None else f"{EPC_PREFIX}{epc_hex}"
    if not epc_hex:
        return Classified("bad", raw, source="rfid", reason="empty EPC")
    info = decode_epc(epc_hex.upper())
    if info.error:
        return Classified("bad", raw, source="rfid", reason=info.error)
    if info.gtin:
        return Classified("item", raw, source="rfid", gtin=info.gtin, serial=info.serial)
    return Classified("sscc", raw, source="rfid", sscc=info.sscc)


def from_event(event: ScanEvent | RejectedFrame) -> Classified:
    """A devices-layer event (from a serial scanner, the keyboard wedge or the virtual scanner)."""
    if isinstance(event, RejectedFrame):
        raw = event.raw.decode("utf-8", "replace") if isinstance(event.raw, (bytes, bytearray)) else str(event.raw)
        return Classified("bad", raw, reason=event.reason)
    expiry = event.expiry or event.best_before
    if event.kind == "item":
        return Classified("item", event.raw, gtin=event.gtin, lot=event.lot, expiry=expiry, serial=event.serial,
                          quantity=event.quantity)
    if event.kind == "command":
        return Classified("command", event.raw, command=event.command, text=event.text or "")
    if event.kind == "sscc":
        return Classified("sscc", event.raw, sscc=event.sscc)
    return Classified("text", event.raw, text=(event.text or event.raw).strip(), lot=event.lot, expiry=expiry,
                      serial=event.serial, quantity=event.quantity)
