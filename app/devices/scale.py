"""Packing scales: Mettler Toledo MT-SICS (polled) and the common continuous ASCII output.

MT-SICS level 0 (:class:`MtSicsProtocol`): the station sends ``SI`` ("send immediately", answered with
the current value, stable or dynamic) or ``S`` ("send stable": answered once the value is stable) as a
line ended by CR LF, at ``poll_interval``. Answers::

    S S      100.00 g     stable weight          S D      99.98 g     dynamic (still moving)
    S I                   cannot weigh now        S + / S -           over / under the range
    ES / ET / EL          syntax, transmission, logical error

Continuous output (:class:`ContinuousProtocol`), sent by many indicators (A&D, and the many XK3190-style
indicators) without being asked, several times a second::

    ST,GS,+0001.234kg     header ST stable, US unstable, OL overload; GS gross, NT net (optional field)
"""

from __future__ import annotations

import re
from dataclasses import replace

from app.devices.events import UNITS_IN_GRAMS, DeviceEvent, RejectedFrame, ScaleReply, WeightEvent, clip, to_grams

DEFAULT_POLL_INTERVAL = 0.2
ANSWER_TIMEOUT = 1.0  # an SI not answered by then is sent again
STABLE_ANSWER_TIMEOUT = 5.0  # S may wait for stability
MAX_LINE = 128
# No packing or pallet scale reads 100 t: a bigger number is a garbled line, and would overflow the weight columns.
MAX_GRAMS = 100_000_000.0

_SICS_WEIGHT = re.compile(r"^S\s+([SD])\s+([+-]?\s*\d+(?:\.\d+)?)\s+([A-Za-z]+)\s*$")
_SICS_ERRORS = {
    "ES": "the scale did not understand the command (ES)",
    "ET": "the scale reports a transmission error (ET)",
    "EL": "the scale reports a logical error (EL)",
}
# The answers to zero (Z) and tare (T): done, or refused and why (MT-SICS level 0).
_SICS_ZERO = {"Z A": (True, ""), "Z I": (False, "busy"), "Z +": (False, "over"), "Z -": (False, "under")}
_SICS_TARE = re.compile(r"^T\s+([SI+-])(?:\s+([+-]?\s*\d+(?:\.\d+)?)\s+([A-Za-z]+))?\s*$")
_TARE_REFUSED = {"I": "busy", "+": "over", "-": "under"}
# Answers to other commands (identification, reset...): understood, nothing to report.
_SICS_QUIET = re.compile(r"^(ZI|TI|TA|TAC|I\d+|@|SIR|SR|D|DW|K|PWR)(\s.*)?$")

# The command a station sends to tare or zero an MT-SICS scale.
SICS_COMMANDS = {"tare": b"T\r\n", "zero": b"Z\r\n"}

_CONTINUOUS = re.compile(r"^(ST|US|OL)\s*,\s*(?:(GS|NT|TR|G|N|T)\s*,\s*)?([+-]?)\s*(\d+(?:\.\d*)?|\.\d+)\s*([A-Za-z]*)\s*$")


def _out_of_range(weight: float, unit: str, line: str) -> RejectedFrame:
    return RejectedFrame(kind="scale", reason=f"weight {weight:g} {unit} is beyond any scale (garbled line?)",
                         raw=clip(line.encode("latin-1", "replace")))


def parse_sics_line(line: str) -> WeightEvent | ScaleReply | RejectedFrame | None:
    """One MT-SICS answer line (without CR LF). None for answers that carry nothing to report."""
    text = line.strip()
    match = _SICS_WEIGHT.match(text)
    if match:
        status, value, unit = match.groups()
        weight = float(value.replace(" ", ""))
        if unit.lower() not in UNITS_IN_GRAMS:
            return RejectedFrame(kind="scale", reason=f"unknown weight unit {unit!r}", raw=clip(line.encode("latin-1", "replace")))
        if abs(to_grams(weight, unit)) > MAX_GRAMS:
            return _out_of_range(weight, unit, line)
        return WeightEvent(weight=weight, unit=unit, stable=status == "S", raw=text)
    if text in ("S +", "S -"):
        return WeightEvent(weight=None, stable=False, condition="overload" if text == "S +" else "underload", raw=text)
    if text == "S I":
        return RejectedFrame(kind="scale", reason="the scale cannot weigh now (S I: busy or not settled in time)", raw=text.encode())
    if text in _SICS_ERRORS:
        return RejectedFrame(kind="scale", reason=_SICS_ERRORS[text], raw=text.encode())
    if text in _SICS_ZERO:
        done, detail = _SICS_ZERO[text]
        return ScaleReply(command="zero", done=done, detail=detail, raw=text)
    tare = _SICS_TARE.match(text)
    if tare:
        status, value, unit = tare.groups()
        if status == "S":
            return ScaleReply(command="tare", done=True, tare=float(value.replace(" ", "")) if value else None,
                              unit=unit or "", raw=text)
        return ScaleReply(command="tare", done=False, detail=_TARE_REFUSED[status], raw=text)
    if text and _SICS_QUIET.match(text):
        return None
    return RejectedFrame(kind="scale", reason="not an MT-SICS answer", raw=clip(line.encode("latin-1", "replace")))


def parse_continuous_line(line: str) -> WeightEvent | RejectedFrame:
    text = line.strip()
    match = _CONTINUOUS.match(text)
    if not match:
        return RejectedFrame(kind="scale", reason="not a continuous-output weight line", raw=clip(line.encode("latin-1", "replace")))
    header, kind, sign, value, unit = match.groups()
    if header == "OL":
        return WeightEvent(weight=None, unit=unit, stable=False, condition="overload", raw=text)
    unit = unit or "kg"
    if unit.lower() not in UNITS_IN_GRAMS:
        return RejectedFrame(kind="scale", reason=f"unknown weight unit {unit!r}", raw=clip(line.encode("latin-1", "replace")))
    weight = float(value) * (-1 if sign == "-" else 1)
    if abs(to_grams(weight, unit)) > MAX_GRAMS:
        return _out_of_range(weight, unit, line)
    return WeightEvent(weight=weight, unit=unit, stable=header == "ST", net=kind in ("NT", "N"), raw=text)


class _LineProtocol:
    """Shared line framing (CR, LF or CR LF) for the ASCII scale protocols."""

    kind = "scale"
    tick_interval = 0.05

    def __init__(self, device: str = "") -> None:
        self.device = device
        self._buf = bytearray()
        self._last_ns = 0

    def _lines(self, data: bytes, now_ns: int) -> list[DeviceEvent]:
        self._buf += data
        self._last_ns = now_ns
        events: list[DeviceEvent] = []
        while True:
            cut = min((i for i in (self._buf.find(b"\r"), self._buf.find(b"\n")) if i >= 0), default=-1)
            if cut < 0:
                break
            raw = bytes(self._buf[:cut])
            del self._buf[: cut + 1]
            if not raw.strip():
                continue
            events.extend(self._line(raw, now_ns))
        if len(self._buf) > MAX_LINE:
            events.append(self._rejected(bytes(self._buf), f"over {MAX_LINE} bytes without a line end", now_ns))
            self._buf.clear()
        return events

    def _line(self, raw: bytes, now_ns: int) -> list[DeviceEvent]:
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError:
            return [self._rejected(raw, "garbled: bytes that are not ASCII", now_ns)]
        if any(not c.isprintable() for c in text):
            return [self._rejected(raw, "garbled: control bytes in the line", now_ns)]
        event = self.parse(text)
        if event is None:
            return []
        return [_stamp(event, self.device, now_ns)]

    def parse(self, text: str) -> WeightEvent | RejectedFrame | None:
        raise NotImplementedError

    def _stale(self, now_ns: int) -> list[DeviceEvent]:
        if self._buf and now_ns - self._last_ns >= int(ANSWER_TIMEOUT * 1e9):
            raw = bytes(self._buf)
            self._buf.clear()
            return [self._rejected(raw, "incomplete line: the line end never came", now_ns)]
        return []

    def stop(self, now_ns: int) -> list[DeviceEvent]:
        raw = bytes(self._buf).strip(b"\r\n")
        self._buf.clear()
        return [self._rejected(raw, "incomplete line: the scale went away mid-line", now_ns)] if raw else []

    def _rejected(self, raw: bytes, reason: str, now_ns: int) -> RejectedFrame:
        return RejectedFrame(kind="scale", reason=reason, raw=clip(raw), device=self.device, received_ns=now_ns)


def _stamp(event, device: str, now_ns: int):
    return replace(event, device=device, received_ns=now_ns)


class MtSicsProtocol(_LineProtocol):
    """Polls an MT-SICS scale with ``SI`` (or ``S``) and reports every answer."""

    def __init__(self, *, command: str = "SI", poll_interval: float = DEFAULT_POLL_INTERVAL, device: str = "") -> None:
        super().__init__(device)
        command = command.strip().upper()
        if command not in ("S", "SI"):
            raise ValueError(f"MT-SICS weigh command must be S or SI, not {command!r}")
        self.command = command
        self.poll_ns = int(poll_interval * 1e9)
        self.answer_timeout_ns = int((STABLE_ANSWER_TIMEOUT if command == "S" else ANSWER_TIMEOUT) * 1e9)
        self._asked_ns: int | None = None
        self._answered_ns = 0

    def start(self, now_ns: int) -> bytes:
        self._buf.clear()
        self._asked_ns = None
        self._answered_ns = 0
        return self._ask(now_ns)

    def _ask(self, now_ns: int) -> bytes:
        self._asked_ns = now_ns
        return self.command.encode() + b"\r\n"

    def parse(self, text: str) -> WeightEvent | ScaleReply | RejectedFrame | None:
        return parse_sics_line(text)

    def command_bytes(self, name: str) -> bytes:
        """The bytes that ask the scale to ``tare`` or ``zero``; its answer comes back as a ScaleReply."""
        try:
            return SICS_COMMANDS[name]
        except KeyError:
            raise ValueError(f"an MT-SICS scale takes no {name!r} command (tare, zero)") from None

    def feed(self, data: bytes, now_ns: int) -> list[DeviceEvent]:
        events = self._lines(data, now_ns)
        if any(isinstance(e, (WeightEvent, RejectedFrame)) for e in events):
            self._asked_ns = None
            self._answered_ns = now_ns
        return events

    def tick(self, now_ns: int) -> tuple[list[DeviceEvent], bytes]:
        events = self._stale(now_ns)
        if self._asked_ns is None:
            if now_ns - self._answered_ns >= self.poll_ns:
                return events, self._ask(now_ns)
        elif now_ns - self._asked_ns >= self.answer_timeout_ns:
            return events, self._ask(now_ns)
        return events, b""


class ContinuousProtocol(_LineProtocol):
    """Reads a scale that sends ``ST,GS,+0001.234kg`` lines by itself. It listens to no commands: tare and
    zero are keys on the indicator itself."""

    def command_bytes(self, name: str) -> bytes:
        raise ValueError("this scale sends its weight by itself and takes no commands: use the keys on its indicator")

    def start(self, now_ns: int) -> bytes:
        self._buf.clear()
        return b""

    def parse(self, text: str) -> WeightEvent | RejectedFrame | None:
        return parse_continuous_line(text)

    def feed(self, data: bytes, now_ns: int) -> list[DeviceEvent]:
        return self._lines(data, now_ns)

    def tick(self, now_ns: int) -> tuple[list[DeviceEvent], bytes]:
        return self._stale(now_ns), b""
