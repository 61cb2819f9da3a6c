"""Barcode scanners: framing the byte stream into scans, and parsing a scan into a :class:`ScanEvent`.

Framing (:class:`ScannerProtocol`): a serial scanner (USB-CDC or RS-232) sends each scan as
``prefix + data + suffix + terminator``, all configurable (``DeviceConfig.prefix``, ``suffix``,
``terminator``). With an empty terminator, a pause of ``idle_timeout`` seconds ends a scan. A scan that
lacks its configured prefix or suffix, is not text, holds control characters, overflows, or is left
half-sent when the device goes away is a :class:`RejectedFrame`.

Parsing (:func:`parse_scan`) understands:

* AIM symbology identifiers (ISO/IEC 15424) such as ``]C1`` GS1-128, ``]d2`` GS1 DataMatrix, ``]Q3`` GS1
  QR, ``]e0`` GS1 DataBar, ``]E0`` EAN-13/UPC-A, ``]E4`` EAN-8, ``]I1`` ITF-14, ``]C0`` Code 128;
* GS1 element strings with FNC1 sent as GS (0x1D), in brackets (``(01)...(10)...``) or as GS1 Digital Link
  URIs: GTIN (01/02), SSCC (00), lot (10), expiry (17), best before (15), serial (21) and quantity (30/37)
  become fields, everything else stays in ``elements``;
* plain GTINs and SSCCs, whose check digits are verified (by biip: no check digit is computed here);
* the station's command barcodes (:mod:`app.devices.commands`);
* any other printable text, e.g. an internal SKU, as ``kind="text"``.
"""

from __future__ import annotations

from biip import ParseConfig, ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_messages import GS1Message
from biip.gtin import Gtin
from biip.sscc import Sscc
from biip.symbology import GS1Symbology, SymbologyIdentifier

from app.devices.commands import UnknownCommand, parse_command
from app.devices.events import DeviceEvent, RejectedFrame, ScanEvent, clip

GS = "\x1d"
DEFAULT_IDLE_TIMEOUT = 1.0  # a scan left without its terminator this long is reported as incomplete
SILENCE_FRAMING_TIMEOUT = 0.05  # with no terminator configured, this pause ends a scan
MAX_SCAN_LENGTH = 4096

_BIIP = ParseConfig(separator_chars=(GS,))

SYMBOLOGY_NAMES = {
    "]A0": "Code 39",
    "]C0": "Code 128",
    "]C1": "GS1-128",
    "]d0": "Data Matrix",
    "]d1": "Data Matrix",
    "]d2": "GS1 DataMatrix",
    "]E0": "EAN-13",
    "]E1": "EAN-13 add-on",
    "]E2": "EAN-13 add-on",
    "]E3": "EAN-13 with add-on",
    "]E4": "EAN-8",
    "]e0": "GS1 DataBar",
    "]G0": "Code 93",
    "]I0": "Interleaved 2 of 5",
    "]I1": "ITF-14",
    "]J1": "GS1 DotCode",
    "]L0": "PDF417",
    "]Q0": "QR Code",
    "]Q1": "QR Code",
    "]Q3": "GS1 QR Code",
}

_ALLOWED_CONTROL = {GS, "\x1e", "\x04"}  # GS separators and the ISO/IEC 15434 envelope


def parse_scan(raw: str, *, source: str = "serial", device: str = "", received_ns: int = 0) -> ScanEvent | RejectedFrame:
    """Parse one scan (the text between framing characters). Never raises."""
    meta = {"device": device, "received_ns": received_ns}
    try:
        return _parse(raw, source, meta)
    except Exception as exc:  # noqa: BLE001 - a parser bug must not take the reader down; report it instead
        return _reject(raw, f"could not be read ({type(exc).__name__}: {exc})", meta)


def _reject(raw: str, reason: str, meta: dict) -> RejectedFrame:
    return RejectedFrame(kind="scanner", reason=reason, raw=clip(raw.encode("utf-8", "replace")), **meta)


def _parse(raw: str, source: str, meta: dict) -> ScanEvent | RejectedFrame:
    if not raw or not raw.strip():
        return _reject(raw, "empty scan", meta)
    bad = [c for c in raw if not c.isprintable() and c not in _ALLOWED_CONTROL]
    if bad:
        return _reject(raw, f"garbled: {len(bad)} control byte(s) in the scan", meta)

    aim = ""
    symbology = ""
    gs1_symbology: GS1Symbology | None = None
    payload = raw
    if raw.startswith("]"):
        try:
            identifier = SymbologyIdentifier.extract(raw)
        except (ParseError, IndexError, ValueError):
            return _reject(raw, f"unknown symbology identifier {raw[:3]!r}", meta)
        aim = identifier.value
        gs1_symbology = identifier.gs1_symbology
        symbology = SYMBOLOGY_NAMES.get(aim) or identifier.iso_symbology.name.replace("_", " ").title()
        payload = raw[len(aim):]
    leading_fnc1 = payload.startswith(GS)
    payload = payload.lstrip(GS)
    if not payload:
        return _reject(raw, "no data after the symbology identifier", meta)

    base = {"raw": raw, "aim": aim, "symbology": symbology, "source": source, **meta}

    try:
        command = parse_command(payload)
    except UnknownCommand as exc:
        return _reject(raw, str(exc), meta)
    if command is not None:
        return ScanEvent(kind="command", command=command, text=payload, **base)

    if gs1_symbology in GS1Symbology.with_gs1_messages() or leading_fnc1:
        if payload.startswith("http") and gs1_symbology in GS1Symbology.with_gs1_digital_link_uri():
            return _from_digital_link(payload, base, meta)
        return _from_gs1(payload, base, meta, hri=payload.startswith("("))
    if gs1_symbology in GS1Symbology.with_gtin():
        digits = payload[:13] if gs1_symbology is GS1Symbology.EAN_13_WITH_ADD_ON else payload
        return _from_gtin(digits, base, meta)

    # No GS1 symbology identifier: decide by the data itself.
    if payload.isdigit():
        if len(payload) in (8, 12, 13, 14):
            return _from_gtin(payload, base, meta)
        if len(payload) == 18:
            return _from_sscc(payload, base, meta)
        if len(payload) >= 16 and payload[:2] in ("00", "01", "02"):
            gs1 = _from_gs1(payload, base, meta, hri=False)
            if isinstance(gs1, ScanEvent) or "check digit" in gs1.reason:
                return gs1
        return ScanEvent(kind="text", text=payload, **base)
    if GS in payload:
        return _from_gs1(payload, base, meta, hri=False)
    if payload.startswith("(") and payload[1:3].isdigit():
        return _from_gs1(payload, base, meta, hri=True)
    if payload.startswith("http") and "/01/" in payload:
        return _from_digital_link(payload, base, meta)
    return ScanEvent(kind="text", text=payload.strip(), **base)


def _from_gtin(digits: str, base: dict, meta: dict) -> ScanEvent | RejectedFrame:
    try:
        gtin = Gtin.parse(digits, config=_BIIP)
    except ParseError as exc:
        return _reject(base["raw"], _reason(exc, "not a valid GTIN"), meta)
    return ScanEvent(kind="item", gtin=gtin.as_gtin_14(), **base)


def _from_sscc(digits: str, base: dict, meta: dict) -> ScanEvent | RejectedFrame:
    try:
        sscc = Sscc.parse(digits, config=_BIIP)
    except ParseError as exc:
        return _reject(base["raw"], _reason(exc, "not a valid SSCC"), meta)
    return ScanEvent(kind="sscc", sscc=sscc.value, **base)


def _from_gs1(payload: str, base: dict, meta: dict, *, hri: bool) -> ScanEvent | RejectedFrame:
    try:
        message = GS1Message.parse_hri(payload, config=_BIIP) if hri else GS1Message.parse(payload, config=_BIIP)
    except (ParseError, ValueError) as exc:
        return _reject(base["raw"], _reason(exc, "GS1 data not understood"), meta)
    return _from_elements(message.element_strings, base, meta)


def _from_digital_link(payload: str, base: dict, meta: dict) -> ScanEvent | RejectedFrame:
    try:
        uri = GS1DigitalLinkURI.parse(payload, config=_BIIP)
    except (ParseError, ValueError) as exc:
        return _reject(base["raw"], _reason(exc, "GS1 Digital Link not understood"), meta)
    return _from_elements(uri.element_strings, base, meta)


def _from_elements(element_strings, base: dict, meta: dict) -> ScanEvent | RejectedFrame:
    fields: dict = {"elements": {}}
    for es in element_strings:
        ai = es.ai.ai
        for error in (es.gtin_error, es.sscc_error, getattr(es, "gln_error", None)):
            if error:
                return _reject(base["raw"], _reason(error, "bad check digit"), meta)
        fields["elements"][ai] = es.value
        if ai == "00" and es.sscc is not None:
            fields["sscc"] = es.sscc.value
        elif ai in ("01", "02") and es.gtin is not None:
            if ai == "01" or "gtin" not in fields:
                fields["gtin"] = es.gtin.as_gtin_14()
        elif ai == "10":
            fields["lot"] = es.value
        elif ai == "17":
            fields["expiry"] = es.date
        elif ai == "15":
            fields["best_before"] = es.date
        elif ai == "21":
            fields["serial"] = es.value
        elif ai in ("30", "37"):
            fields["quantity"] = int(es.value)
    if fields.get("gtin"):
        kind = "item"
    elif fields.get("sscc"):
        kind = "sscc"
    else:
        kind = "text"
        fields["text"] = base["raw"][len(base["aim"]):].lstrip(GS)
    return ScanEvent(kind=kind, **fields, **base)


def _reason(error: object, fallback: str) -> str:
    text = str(error).strip()
    if "check digit" in text:
        return f"bad check digit: {text}"
    return f"{fallback}: {text}" if text else fallback


# ---------------------------------------------------------------------------------------------------
# Framing


def decode_escapes(text: str) -> str:
    r"""``\r``, ``\n``, ``\t``, ``\xNN`` as typed in a settings field -> the characters."""
    return text.encode("latin-1", "backslashreplace").decode("unicode_escape") if "\\" in text else text


def encode_escapes(text: str) -> str:
    r"""The characters -> ``\r``, ``\n``, ``\t``, ``\xNN`` for showing in a settings field."""
    return text.encode("unicode_escape").decode("ascii")


class ScannerProtocol:
    """Bytes from a serial scanner -> :class:`ScanEvent` / :class:`RejectedFrame`."""

    kind = "scanner"

    def __init__(
        self,
        *,
        prefix: str = "",
        suffix: str = "",
        terminator: str = "\r",
        idle_timeout: float | None = None,
        max_length: int = MAX_SCAN_LENGTH,
        source: str = "serial",
        device: str = "",
        encoding: str = "utf-8",
    ) -> None:
        self.prefix = prefix.encode(encoding)
        self.suffix = suffix.encode(encoding)
        self.terminator = terminator.encode(encoding)
        if idle_timeout is None or idle_timeout <= 0:
            idle_timeout = DEFAULT_IDLE_TIMEOUT if self.terminator else SILENCE_FRAMING_TIMEOUT
        self.idle_ns = int(idle_timeout * 1e9)
        self.max_length = max_length
        self.source = source
        self.device = device
        self.encoding = encoding
        self._line_ends = self.terminator in (b"\r", b"\n", b"\r\n")
        self._buf = bytearray()
        self._last_ns = 0

    @property
    def tick_interval(self) -> float:
        return min(0.25, self.idle_ns / 1e9 / 2)

    def start(self, now_ns: int) -> bytes:
        self._buf.clear()
        return b""

    def feed(self, data: bytes, now_ns: int) -> list[DeviceEvent]:
        self._buf += data
        self._last_ns = now_ns
        events: list[DeviceEvent] = []
        if self.terminator:
            term = self.terminator
            while True:
                index = self._buf.find(term)
                if index < 0:
                    break
                frame = bytes(self._buf[:index])
                del self._buf[: index + len(term)]
                if self._line_ends:
                    frame = frame.lstrip(b"\r\n")
                    if not frame:
                        continue  # the LF of a CR LF pair, or a blank line
                events.append(self._frame(frame, now_ns))
        if len(self._buf) > self.max_length:
            events.append(self._rejected(bytes(self._buf), f"over {self.max_length} bytes without a terminator", now_ns))
            self._buf.clear()
        return events

    def tick(self, now_ns: int) -> tuple[list[DeviceEvent], bytes]:
        if self._buf and now_ns - self._last_ns >= self.idle_ns:
            frame = bytes(self._buf)
            self._buf.clear()
            if not self.terminator:
                return [self._frame(frame, self._last_ns)], b""
            if self._line_ends:
                frame = frame.lstrip(b"\r\n")
                if not frame:
                    return [], b""
            return [self._rejected(frame, "incomplete scan: the terminator never came", now_ns)], b""
        return [], b""

    def stop(self, now_ns: int) -> list[DeviceEvent]:
        frame = bytes(self._buf)
        self._buf.clear()
        if self._line_ends:
            frame = frame.lstrip(b"\r\n")
        if not frame:
            return []
        return [self._rejected(frame, "incomplete scan: the device went away mid-scan", now_ns)]

    def _frame(self, frame: bytes, now_ns: int) -> DeviceEvent:
        if self.prefix:
            if not frame.startswith(self.prefix):
                return self._rejected(frame, "the configured prefix is missing (partial or foreign data)", now_ns)
            frame = frame[len(self.prefix):]
        if self.suffix:
            if not frame.endswith(self.suffix):
                return self._rejected(frame, "the configured suffix is missing (partial or foreign data)", now_ns)
            frame = frame[: len(frame) - len(self.suffix)]
        try:
            text = frame.decode(self.encoding)
        except UnicodeDecodeError:
            return self._rejected(frame, "garbled: bytes that are not text", now_ns)
        return parse_scan(text, source=self.source, device=self.device, received_ns=now_ns)

    def _rejected(self, raw: bytes, reason: str, now_ns: int) -> RejectedFrame:
        return RejectedFrame(kind="scanner", reason=reason, raw=clip(raw), device=self.device, received_ns=now_ns)


def scan_text(event: ScanEvent) -> str:
    """The text a text-taking scan handler should get: the scan as sent for items and SSCCs (AIM identifier
    and GS separators kept, so GS1 data can be read again), the bare text for everything else (a badge,
    an order number, a command)."""
    if event.kind in ("item", "sscc"):
        return event.raw
    return event.text if event.text is not None else event.raw
