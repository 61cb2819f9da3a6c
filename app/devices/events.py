"""What devices tell the station: one frozen dataclass per kind of event.

Every event carries where it came from (``device``: the configured port or a name such as
``wedge`` or ``virtual``), a per-reader sequence number ``seq`` (1, 2, 3, ... for every event a
reader thread delivers; 0 for events made outside a reader) and ``received_ns``, the
``time.perf_counter_ns()`` at which the byte that completed it was read, so latency can be measured
anywhere downstream.

The events:

* :class:`ScanEvent` - one barcode, parsed (GTIN, SSCC, lot, expiry, serial, quantity, plain text or a
  station command). This is what the pack service consumes.
* :class:`TagEvent` - one RFID tag seen for the first time in the current read window.
* :class:`ToteReadEvent` - the settled set of tags of a tote (all tags that were in the field); compare it
  with an order with :func:`app.devices.rfid.compare_tote`.
* :class:`WeightEvent` - one scale reading: weight, unit, stable or not.
* :class:`RejectedFrame` - input that was not understood (garbled bytes, bad checksum, bad check digit,
  partial frame...). Never an item; shown to the operator as "not understood" with ``reason``.
* :class:`DeviceStatus` - a device connected, disconnected or is being looked for.

``to_json()`` gives the dict that ``station devices listen --json`` prints: it always has ``event``
(``scan``, ``tag``, ``tote``, ``weight``, ``rejected`` or ``status``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from app.devices.commands import Command

# The units a scale may report a weight in, in grams (app/devices/scale.py reads them off the frames).
UNITS_IN_GRAMS = {"g": 1.0, "kg": 1000.0, "mg": 0.001, "t": 1_000_000.0, "lb": 453.59237, "oz": 28.349523125, "ct": 0.2}


def to_grams(weight: float, unit: str) -> float:
    try:
        return weight * UNITS_IN_GRAMS[unit.lower()]
    except KeyError:
        raise ValueError(f"unknown weight unit {unit!r}") from None


@dataclass(frozen=True, kw_only=True)
class DeviceEvent:
    device: str = ""
    seq: int = 0
    received_ns: int = 0

    event_name = "event"

    def to_json(self) -> dict[str, Any]:
        return {"event": self.event_name, "device": self.device, "seq": self.seq}


@dataclass(frozen=True, kw_only=True)
class ScanEvent(DeviceEvent):
    """One barcode as the pack service sees it.

    ``kind`` tells which fields matter:

    * ``item``: ``gtin`` (always 14 digits, zero-padded, as in ``product_gtins.gtin``) and, from GS1
      element strings, ``lot``, ``expiry``, ``best_before``, ``serial``, ``quantity``;
    * ``sscc``: a logistic unit (``sscc``, 18 digits);
    * ``command``: one of the station's command barcodes (``command``);
    * ``text``: anything else readable, such as an internal SKU, a bin, a badge or an order number
      (``text``).

    ``raw`` is the scan exactly as received (symbology identifier included, prefix/suffix/terminator
    removed); ``aim`` the AIM symbology identifier (``]C1``) or ``""``; ``symbology`` a readable name
    (``GS1-128``, ``EAN-13``...) or ``""`` when the scanner sent no identifier. ``elements`` maps every
    GS1 application identifier read to its value.
    """

    raw: str
    kind: str
    symbology: str = ""
    aim: str = ""
    gtin: str | None = None
    sscc: str | None = None
    lot: str | None = None
    expiry: dt.date | None = None
    best_before: dt.date | None = None
    serial: str | None = None
    quantity: int | None = None
    text: str | None = None
    command: Command | None = None
    elements: dict[str, str] = field(default_factory=dict)
    source: str = "serial"  # serial | wedge | virtual | file

    event_name = "scan"

    @property
    def is_item(self) -> bool:
        return self.kind == "item"

    def to_json(self) -> dict[str, Any]:
        return {
            **super().to_json(),
            "source": self.source,
            "raw": self.raw,
            "kind": self.kind,
            "symbology": self.symbology,
            "aim": self.aim,
            "gtin": self.gtin,
            "sscc": self.sscc,
            "lot": self.lot,
            "expiry": self.expiry.isoformat() if self.expiry else None,
            "best_before": self.best_before.isoformat() if self.best_before else None,
            "serial": self.serial,
            "quantity": self.quantity,
            "text": self.text,
            "command": self.command.value if self.command else None,
            "elements": dict(self.elements),
        }


@dataclass(frozen=True, kw_only=True)
class TagEvent(DeviceEvent):
    """An RFID tag read. ``gtin`` and ``serial`` are set for SGTIN tags, ``sscc`` for SSCC tags; ``scheme``
    names the EPC scheme (``sgtin-96``, ``sgtin-198``, ``sscc-96``) or is ``""`` when the EPC is not a GS1
    one (then ``decode_error`` says why). ``rssi`` is in dBm; ``reads`` counts how often the tag answered in
    the window so far."""

    epc: str
    rssi: int | None = None
    antenna: int | None = None
    scheme: str = ""
    gtin: str | None = None
    serial: str | None = None
    sscc: str | None = None
    decode_error: str | None = None
    reads: int = 1

    event_name = "tag"

    def to_json(self) -> dict[str, Any]:
        return {
            **super().to_json(),
            "epc": self.epc,
            "gtin": self.gtin,
            "serial": self.serial,
            "sscc": self.sscc,
            "scheme": self.scheme,
            "rssi": self.rssi,
            "antenna": self.antenna,
            "reads": self.reads,
            "decode_error": self.decode_error,
        }


@dataclass(frozen=True, kw_only=True)
class ToteReadEvent(DeviceEvent):
    """All tags of one tote, once no new tag has turned up for the settle time. A tag that turns up later
    gives a new ``ToteReadEvent`` holding every tag still in the field: the latest one is the truth."""

    tags: tuple[TagEvent, ...]
    first_ns: int = 0
    last_new_ns: int = 0

    event_name = "tote"

    @property
    def epcs(self) -> tuple[str, ...]:
        return tuple(t.epc for t in self.tags)

    def gtin_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for tag in self.tags:
            if tag.gtin:
                counts[tag.gtin] = counts.get(tag.gtin, 0) + 1
        return counts

    def to_json(self) -> dict[str, Any]:
        return {
            **super().to_json(),
            "count": len(self.tags),
            "gtins": self.gtin_counts(),
            "unknown": [t.epc for t in self.tags if not t.gtin],
            "epcs": list(self.epcs),
        }


@dataclass(frozen=True, kw_only=True)
class WeightEvent(DeviceEvent):
    """A scale reading. ``condition`` is ``ok``, ``overload`` or ``underload``; ``weight`` is None unless
    ``ok``. ``stable`` is the scale's own verdict (MT-SICS ``S S`` versus ``S D``)."""

    weight: float | None
    unit: str = ""
    stable: bool = False
    condition: str = "ok"
    net: bool = False
    raw: str = ""

    event_name = "weight"

    @property
    def grams(self) -> float | None:
        return None if self.weight is None else to_grams(self.weight, self.unit)

    def to_json(self) -> dict[str, Any]:
        return {
            **super().to_json(),
            "weight": self.weight,
            "unit": self.unit,
            "stable": self.stable,
            "condition": self.condition,
            "net": self.net,
            "raw": self.raw,
        }


@dataclass(frozen=True, kw_only=True)
class ScaleReply(DeviceEvent):
    """The scale's answer to a command the station sent it: ``command`` is ``tare`` or ``zero``; ``done`` is
    True when the scale did it (MT-SICS ``T S``, ``Z A``), False when it refused (``I``: busy or not stable,
    ``+``/``-``: out of its range); ``tare`` the tare weight it now holds."""

    command: str
    done: bool
    detail: str = ""  # why not: busy, over, under
    tare: float | None = None
    unit: str = ""
    raw: str = ""

    event_name = "scale_reply"

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "command": self.command, "done": self.done, "detail": self.detail,
                "tare": self.tare, "unit": self.unit, "raw": self.raw}


@dataclass(frozen=True, kw_only=True)
class RejectedFrame(DeviceEvent):
    """Input that was not understood. ``kind`` is the device kind (scanner, rfid, scale) that read it;
    ``raw`` the bytes concerned (at most a few hundred)."""

    kind: str
    reason: str
    raw: bytes = b""

    event_name = "rejected"

    @property
    def message(self) -> str:
        """The line shown to the operator."""
        return f"Not understood: {self.reason}"

    def to_json(self) -> dict[str, Any]:
        return {
            **super().to_json(),
            "kind": self.kind,
            "reason": self.reason,
            "raw": self.raw.decode("latin-1"),
            "raw_hex": self.raw.hex(" "),
        }


@dataclass(frozen=True, kw_only=True)
class DeviceStatus(DeviceEvent):
    """``state`` is ``connected``, ``disconnected`` or ``searching`` (configured but not there yet)."""

    kind: str
    state: str
    port: str = ""
    detail: str = ""

    event_name = "status"

    @property
    def connected(self) -> bool:
        return self.state == "connected"

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "kind": self.kind, "state": self.state, "port": self.port, "detail": self.detail}


def describe_event(event: DeviceEvent) -> str:
    """One line a person reads: for ``station devices listen`` and the set-up screen's live test."""
    if isinstance(event, ScanEvent):
        if event.kind == "command":
            return f"command {event.command.value if event.command else ''}"
        parts = {
            "GTIN": event.gtin, "SSCC": event.sscc, "lot": event.lot, "expiry": event.expiry,
            "best before": event.best_before, "serial": event.serial, "quantity": event.quantity, "text": event.text,
        }
        shown = ", ".join(f"{k} {v}" for k, v in parts.items() if v not in (None, ""))
        return f"scan ({event.symbology or 'no symbology id'}): {shown}"
    if isinstance(event, TagEvent):
        what = f"GTIN {event.gtin} serial {event.serial}" if event.gtin else (f"SSCC {event.sscc}" if event.sscc else event.decode_error)
        return f"tag {event.epc} ({what}), RSSI {event.rssi} dBm"
    if isinstance(event, ToteReadEvent):
        counts = ", ".join(f"{g} x{n}" for g, n in event.gtin_counts().items())
        unknown = sum(1 for t in event.tags if not t.gtin)
        return f"tote: {len(event.tags)} tag(s)" + (f": {counts}" if counts else "") + (f"; {unknown} not GS1" if unknown else "")
    if isinstance(event, WeightEvent):
        if event.condition != "ok":
            return f"scale: {event.condition}"
        return f"weight {event.weight:g} {event.unit} ({'stable' if event.stable else 'moving'})"
    if isinstance(event, ScaleReply):
        return f"scale {event.command}: {'done' if event.done else 'refused (' + event.detail + ')'}"
    if isinstance(event, RejectedFrame):
        return event.message
    if isinstance(event, DeviceStatus):
        return f"{event.kind} {event.state} {event.port} {event.detail}".rstrip()
    return repr(event)


MAX_RAW_KEPT = 256


def clip(raw: bytes) -> bytes:
    """What a RejectedFrame keeps of a long run of bad bytes."""
    return raw if len(raw) <= MAX_RAW_KEPT else raw[:MAX_RAW_KEPT]
