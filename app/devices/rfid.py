"""UHF RFID readers built on the Impinj R2000 module (the widely sold "0xA0" serial protocol), and totes.

Frame (both directions)::

    Head 0xA0 | Len | Address | Cmd | Data ... | Check

``Len`` counts the bytes after itself (address, command, data and check); ``Check`` is the two's
complement of the sum of every byte before it, so all bytes of a good frame add up to 0 (mod 256).

Continuous real-time inventory: the host sends ``cmd_real_time_inventory`` (0x89, data: repeat count);
the reader answers one frame per tag read::

    A0 Len Addr 89 | FreqAnt | PC (2) | EPC (PC's length field, in words) | RSSI

(antenna = ``FreqAnt & 3`` + 1, RSSI in dBm = byte - 129), then closes the round with
``A0 0A Addr 89 | Ant | ReadRate (2) | TotalRead (4)``, or an error ``A0 04 Addr 89 | ErrorCode``.
:class:`R2000Protocol` starts the next round as soon as one ends, so the reader inventories without pause.

Tags: the EPC is decoded with pyepc (SGTIN-96/198 -> GTIN + serial, SSCC-96 -> SSCC); the GTIN is checked
with biip. Inside a read window every tag is reported once (:class:`TagEvent`, with RSSI); when no new tag
has turned up for ``settle`` seconds the whole set goes out as one :class:`ToteReadEvent`.
:func:`compare_tote` compares it with an order's lines.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import IntEnum
from functools import lru_cache

import pyepc
from biip import ParseError
from biip.gtin import Gtin

from app.devices.events import DeviceEvent, RejectedFrame, TagEvent, ToteReadEvent, clip

HEAD = 0xA0
BROADCAST = 0xFF
DEFAULT_SETTLE = 0.3  # seconds without a new tag before a tote counts as read
DEFAULT_FORGET = 2.0  # a tag not seen this long has left the field
ROUND_TIMEOUT = 1.0  # re-issue the inventory command when a round has not closed by then
STALE_FRAME = 0.5  # a frame begun but not finished for this long is given up
# No R2000 frame is longer: the longest, a tag with a 496-bit EPC, is 0x46. A length byte above this is a
# garbled one, told at once (waiting for that many bytes would swallow the good frames behind it, silently).
MAX_FRAME_LENGTH = 0x80


class Cmd(IntEnum):
    RESET = 0x70
    SET_UART_BAUDRATE = 0x71
    GET_FIRMWARE_VERSION = 0x72
    SET_READER_ADDRESS = 0x73
    SET_WORK_ANTENNA = 0x74
    GET_WORK_ANTENNA = 0x75
    SET_OUTPUT_POWER = 0x76
    GET_OUTPUT_POWER = 0x77
    SET_BEEPER_MODE = 0x7A
    INVENTORY = 0x80
    REAL_TIME_INVENTORY = 0x89
    FAST_SWITCH_ANT_INVENTORY = 0x8A
    CUSTOMIZED_SESSION_TARGET_INVENTORY = 0x8B


TAG_COMMANDS = {Cmd.REAL_TIME_INVENTORY, Cmd.CUSTOMIZED_SESSION_TARGET_INVENTORY, Cmd.FAST_SWITCH_ANT_INVENTORY}

ERRORS = {
    0x10: "success",
    0x11: "command failed",
    0x20: "MCU reset error",
    0x21: "CW on error",
    0x22: "antenna missing",
    0x23: "write flash error",
    0x24: "read flash error",
    0x25: "set output power error",
    0x31: "tag inventory error",
    0x32: "tag read error",
    0x33: "tag write error",
    0x34: "tag lock error",
    0x35: "tag kill error",
    0x36: "no tag",
    0x37: "inventory ok but access failed",
    0x38: "buffer is empty",
    0x41: "invalid parameter",
    0x47: "antenna id out of range",
    0x48: "output power out of range",
    0x52: "PLL lock fail",
    0x53: "RF chip does not respond",
    0x54: "output power not achieved",
    0x56: "spectrum regulation error",
    0x57: "output power too low",
}
NO_TAG = 0x36


def checksum(data: bytes | bytearray) -> int:
    return (-sum(data)) & 0xFF


def build_frame(command: int, data: bytes | bytearray = b"", address: int = BROADCAST) -> bytes:
    body = bytes([HEAD, len(data) + 3, address, command]) + bytes(data)
    return body + bytes([checksum(body)])


def inventory_command(repeat: int = 1, address: int = BROADCAST) -> bytes:
    return build_frame(Cmd.REAL_TIME_INVENTORY, bytes([repeat & 0xFF]), address)


def tag_frame(epc: bytes, *, rssi_dbm: int = -50, antenna: int = 1, freq: int = 0, address: int = BROADCAST,
              command: int = Cmd.REAL_TIME_INVENTORY) -> bytes:
    """The frame a reader sends for one tag (the simulator and the tests use it)."""
    if len(epc) % 2:
        raise ValueError("an EPC is a whole number of 16-bit words")
    pc = (len(epc) // 2) << 11
    data = bytes([((freq & 0x3F) << 2) | ((antenna - 1) & 3)]) + struct.pack(">H", pc) + epc + bytes([(rssi_dbm + 129) & 0xFF])
    return build_frame(command, data, address)


def round_end_frame(*, antenna: int = 1, read_rate: int = 0, total_read: int = 0, address: int = BROADCAST) -> bytes:
    data = bytes([(antenna - 1) & 3]) + struct.pack(">HI", read_rate & 0xFFFF, total_read & 0xFFFFFFFF)
    return build_frame(Cmd.REAL_TIME_INVENTORY, data, address)


def error_frame(code: int, command: int = Cmd.REAL_TIME_INVENTORY, address: int = BROADCAST) -> bytes:
    return build_frame(command, bytes([code]), address)


@dataclass(frozen=True)
class R2000Frame:
    address: int
    command: int
    data: bytes


@dataclass(frozen=True)
class FrameError:
    reason: str
    raw: bytes


class R2000Framer:
    """Bytes -> frames, resynchronising on the head byte after noise, a bad length or a wrong checksum."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def reset(self) -> bytes:
        left = bytes(self._buf)
        self._buf.clear()
        return left

    @property
    def pending(self) -> int:
        return len(self._buf)

    def feed(self, data: bytes) -> list[R2000Frame | FrameError]:
        self._buf += data
        return self._drain()

    def give_up_partial(self) -> list[R2000Frame | FrameError]:
        """A frame was begun but never finished: report it, then look for frames in what followed."""
        if not self._buf:
            return []
        nxt = self._buf.find(HEAD, 1)
        cut = nxt if nxt > 0 else len(self._buf)
        out: list[R2000Frame | FrameError] = [FrameError("incomplete frame (the rest never came)", bytes(self._buf[:cut]))]
        del self._buf[:cut]
        return out + self._drain()

    def _drain(self) -> list[R2000Frame | FrameError]:
        buf = self._buf
        out: list[R2000Frame | FrameError] = []
        while buf:
            if buf[0] != HEAD:
                nxt = buf.find(HEAD)
                cut = nxt if nxt > 0 else len(buf)
                out.append(FrameError(f"noise: {cut} byte(s) outside any frame", bytes(buf[:cut])))
                del buf[:cut]
                continue
            if len(buf) < 2:
                break
            length = buf[1]
            if length < 3 or length > MAX_FRAME_LENGTH:
                nxt = buf.find(HEAD, 1)
                cut = nxt if nxt > 0 else len(buf)
                out.append(FrameError(f"bad frame length {length}", bytes(buf[:cut])))
                del buf[:cut]
                continue
            total = length + 2
            if len(buf) < total:
                # Not all here yet, or a garbled length: when a whole good frame already stands behind this
                # frame's head, this one was garbled. Tell it now and go on with the good one.
                cut = _good_frame_after(buf)
                if cut is None:
                    break
                out.append(FrameError("wrong frame length", bytes(buf[:cut])))
                del buf[:cut]
                continue
            if sum(buf[:total]) & 0xFF:
                nxt = buf.find(HEAD, 1)
                cut = nxt if 0 < nxt < total else total
                out.append(FrameError("wrong checksum", bytes(buf[:total])))
                del buf[:cut]
                continue
            out.append(R2000Frame(address=buf[2], command=buf[3], data=bytes(buf[4 : total - 1])))
            del buf[:total]
        return out


def _good_frame_after(buf: bytearray) -> int | None:
    """Where the first whole frame with a right checksum starts after ``buf``'s first byte, if any."""
    start = buf.find(HEAD, 1)
    while start > 0:
        if start + 1 < len(buf):
            length = buf[start + 1]
            end = start + length + 2
            if 3 <= length <= MAX_FRAME_LENGTH and end <= len(buf) and not sum(buf[start:end]) & 0xFF:
                return start
        start = buf.find(HEAD, start + 1)
    return None


@dataclass(frozen=True)
class TagReading:
    epc: str
    rssi: int
    antenna: int
    pc: int


@dataclass(frozen=True)
class RoundEnd:
    antenna: int
    read_rate: int
    total_read: int


@dataclass(frozen=True)
class ReaderError:
    code: int

    @property
    def reason(self) -> str:
        return ERRORS.get(self.code, f"error 0x{self.code:02X}")


def parse_inventory(frame: R2000Frame) -> TagReading | RoundEnd | ReaderError:
    """One inventory frame. Raises ValueError when its layout does not add up."""
    data = frame.data
    if len(data) == 1:
        return ReaderError(data[0])
    if len(data) == 7:
        read_rate, total = struct.unpack(">HI", data[1:7])
        return RoundEnd(antenna=(data[0] & 3) + 1, read_rate=read_rate, total_read=total)
    if len(data) < 4:
        raise ValueError(f"inventory frame too short ({len(data)} data bytes)")
    pc = struct.unpack(">H", data[1:3])[0]
    epc_len = ((pc >> 11) & 0x1F) * 2
    if epc_len == 0:
        raise ValueError("tag frame with an empty EPC")
    # Some firmwares append two phase bytes after the RSSI; anything else means the frame is not a tag.
    if len(data) not in (3 + epc_len + 1, 3 + epc_len + 3):
        raise ValueError(f"tag frame length {len(data)} does not match its PC word (EPC of {epc_len} bytes)")
    epc = data[3 : 3 + epc_len].hex().upper()
    return TagReading(epc=epc, rssi=data[3 + epc_len] - 129, antenna=(data[0] & 3) + 1, pc=pc)


@dataclass(frozen=True)
class EpcInfo:
    scheme: str = ""
    gtin: str | None = None
    serial: str | None = None
    sscc: str | None = None
    error: str | None = None


@lru_cache(maxsize=8192)
def decode_epc(epc_hex: str) -> EpcInfo:
    """GS1 meaning of an EPC (hex): SGTIN -> GTIN-14 + serial, SSCC -> SSCC. Never raises."""
    header = epc_hex[:2].upper()
    scheme = {"30": "sgtin-96", "36": "sgtin-198", "31": "sscc-96"}.get(header, "")
    if not scheme:
        return EpcInfo(error=f"not a GS1 EPC (header {header or 'missing'})")
    try:
        decoded = pyepc.decode(epc_hex.upper())
    except Exception as exc:  # noqa: BLE001 - pyepc raises several kinds on malformed input
        return EpcInfo(scheme=scheme, error=f"{scheme} EPC not understood: {exc}")
    if isinstance(decoded, pyepc.SGTIN):
        gtin = decoded.gtin
        try:
            Gtin.parse(gtin)
        except ParseError as exc:
            return EpcInfo(scheme=scheme, error=f"EPC decodes to no valid GTIN: {exc}")
        if len(gtin) != 14 or set(gtin) == {"0"}:
            return EpcInfo(scheme=scheme, error=f"EPC decodes to no valid GTIN ({gtin})")
        return EpcInfo(scheme=scheme, gtin=gtin, serial=str(decoded.serial_number))
    sscc = getattr(decoded, "sscc", None)
    if not sscc or len(sscc) != 18:
        return EpcInfo(scheme=scheme, error=f"EPC decodes to no valid SSCC ({sscc})")
    return EpcInfo(scheme=scheme, sscc=sscc)


def sgtin96(gtin: str, serial: int | str, company_prefix_len: int) -> str:
    """The SGTIN-96 EPC (hex) of a GTIN-14 and a numeric serial: for the simulator, demo data and tests."""
    return pyepc.SGTIN.from_sgtin(gtin.zfill(14), str(serial), company_prefix_len).encode(pyepc.SGTIN.BinarySchemes.SGTIN_96)


# ---------------------------------------------------------------------------------------------------
# Read window -> tote


@dataclass
class _Seen:
    event: TagEvent
    reads: int
    best_rssi: int | None
    last_ns: int


class ToteAssembler:
    """De-duplicates tag reads inside a read window and tells when the tote has settled."""

    def __init__(self, *, settle: float = DEFAULT_SETTLE, forget: float = DEFAULT_FORGET, device: str = "") -> None:
        self.settle_ns = int(settle * 1e9)
        self.forget_ns = int(forget * 1e9)
        self.device = device
        self._seen: dict[str, _Seen] = {}
        self._dirty = False
        self._reported = False
        self._first_ns = 0
        self._last_new_ns = 0

    def __len__(self) -> int:
        return len(self._seen)

    def reset(self) -> None:
        self._seen.clear()
        self._dirty = self._reported = False

    def add(self, reading: TagReading, now_ns: int) -> TagEvent | None:
        seen = self._seen.get(reading.epc)
        if seen is not None:
            seen.reads += 1
            seen.last_ns = now_ns
            if seen.best_rssi is None or reading.rssi > seen.best_rssi:
                seen.best_rssi = reading.rssi
            return None
        info = decode_epc(reading.epc)
        event = TagEvent(
            epc=reading.epc,
            rssi=reading.rssi,
            antenna=reading.antenna,
            scheme=info.scheme,
            gtin=info.gtin,
            serial=info.serial,
            sscc=info.sscc,
            decode_error=info.error,
            device=self.device,
            received_ns=now_ns,
        )
        if not self._seen:
            self._first_ns = now_ns
        self._seen[reading.epc] = _Seen(event, 1, reading.rssi, now_ns)
        self._dirty = True
        self._last_new_ns = now_ns
        return event

    def tick(self, now_ns: int) -> ToteReadEvent | None:
        if self._seen and not self._dirty:
            gone = [epc for epc, s in self._seen.items() if now_ns - s.last_ns >= self.forget_ns]
            for epc in gone:
                del self._seen[epc]
            if gone:
                # Tags left the field: the tote was taken away (all gone) or changed.
                self._dirty = bool(self._seen)
                if not self._seen and self._reported:
                    self._reported = False
                    return self._tote(now_ns)
        if self._dirty and now_ns - self._last_new_ns >= self.settle_ns:
            return self.flush(now_ns)
        return None

    def flush(self, now_ns: int) -> ToteReadEvent | None:
        if not self._dirty:
            return None
        self._dirty = False
        self._reported = True
        return self._tote(now_ns)

    def _tote(self, now_ns: int) -> ToteReadEvent:
        tags = tuple(replace(s.event, reads=s.reads, rssi=s.best_rssi) for s in self._seen.values())
        return ToteReadEvent(
            tags=tags, first_ns=self._first_ns, last_new_ns=self._last_new_ns, device=self.device, received_ns=now_ns
        )


@dataclass(frozen=True)
class ToteComparison:
    """A tote set against an order: ``matched``, ``missing`` and ``extra`` map GTIN-14 -> quantity;
    ``unknown`` lists EPCs that name no GTIN (not GS1, or not decodable). ``complete`` when nothing is
    missing, extra or unknown."""

    matched: dict[str, int] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)
    extra: dict[str, int] = field(default_factory=dict)
    unknown: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not (self.missing or self.extra or self.unknown)


def compare_tote(tote: ToteReadEvent, expected: Mapping[str, int]) -> ToteComparison:
    """Compare the tags of a tote with what an order expects (GTIN, 8 to 14 digits -> quantity)."""
    want = {g.zfill(14): q for g, q in expected.items() if q > 0}
    have = tote.gtin_counts()
    matched: dict[str, int] = {}
    missing: dict[str, int] = {}
    extra: dict[str, int] = {}
    for gtin in want.keys() | have.keys():
        w, h = want.get(gtin, 0), have.get(gtin, 0)
        if min(w, h):
            matched[gtin] = min(w, h)
        if w > h:
            missing[gtin] = w - h
        elif h > w:
            extra[gtin] = h - w
    unknown = tuple(t.epc for t in tote.tags if not t.gtin)
    return ToteComparison(matched=matched, missing=missing, extra=extra, unknown=unknown)


# ---------------------------------------------------------------------------------------------------
# The protocol the reader thread drives


class R2000Protocol:
    """Keeps an R2000 reader inventorying and turns its frames into tag and tote events."""

    kind = "rfid"
    tick_interval = 0.05

    def __init__(self, *, address: int = BROADCAST, settle: float = DEFAULT_SETTLE, forget: float = DEFAULT_FORGET,
                 repeat: int = 1, device: str = "") -> None:
        self.address = address
        self.repeat = repeat
        self.device = device
        self.framer = R2000Framer()
        self.tote = ToteAssembler(settle=settle, forget=forget, device=device)
        self._command_ns = 0
        self._round_open = False
        self._last_data_ns = 0

    def start(self, now_ns: int) -> bytes:
        self.framer.reset()
        self.tote.reset()
        return self._inventory(now_ns)

    def _inventory(self, now_ns: int) -> bytes:
        self._command_ns = now_ns
        self._round_open = True
        return inventory_command(self.repeat, self.address)

    def feed(self, data: bytes, now_ns: int) -> list[DeviceEvent]:
        events: list[DeviceEvent] = []
        for item in self.framer.feed(data):
            self._handle(item, now_ns, events)
        self._last_data_ns = now_ns
        return events

    def _handle(self, item: R2000Frame | FrameError, now_ns: int, events: list[DeviceEvent]) -> None:
        if isinstance(item, FrameError):
            events.append(self._rejected(item.raw, item.reason, now_ns))
            return
        if self.address != BROADCAST and item.address not in (self.address, BROADCAST):
            return  # another reader on the same RS-485 bus
        if item.command not in TAG_COMMANDS:
            return  # answers to set-up commands: nothing to report
        try:
            parsed = parse_inventory(item)
        except ValueError as exc:
            events.append(self._rejected(build_frame(item.command, item.data, item.address), str(exc), now_ns))
            return
        if isinstance(parsed, TagReading):
            event = self.tote.add(parsed, now_ns)
            if event is not None:
                events.append(event)
        elif isinstance(parsed, RoundEnd):
            self._round_open = False
        else:
            self._round_open = False
            if parsed.code != NO_TAG:
                events.append(self._rejected(b"", f"the reader reports: {parsed.reason}", now_ns))

    def tick(self, now_ns: int) -> tuple[list[DeviceEvent], bytes]:
        events: list[DeviceEvent] = []
        if self.framer.pending and now_ns - self._last_data_ns >= int(STALE_FRAME * 1e9):
            for item in self.framer.give_up_partial():
                self._handle(item, now_ns, events)
        tote = self.tote.tick(now_ns)
        if tote is not None:
            events.append(tote)
        out = b""
        if not self._round_open or now_ns - self._command_ns >= int(ROUND_TIMEOUT * 1e9):
            out = self._inventory(now_ns)
        return events, out

    def stop(self, now_ns: int) -> list[DeviceEvent]:
        events: list[DeviceEvent] = []
        left = self.framer.reset()
        if left:
            events.append(self._rejected(left, "incomplete frame: the reader went away mid-frame", now_ns))
        tote = self.tote.flush(now_ns)
        if tote is not None:
            events.append(tote)
        self.tote.reset()
        return events

    def _rejected(self, raw: bytes, reason: str, now_ns: int) -> RejectedFrame:
        return RejectedFrame(kind="rfid", reason=reason, raw=clip(raw), device=self.device, received_ns=now_ns)
