"""Printer back-ends, chosen by the printer's URI. Each sends one document's bytes, or says why not.

``tcp://HOST:PORT``
    Raw socket printing (JetDirect / port 9100): ZPL straight to a Zebra, or PDF to a printer that takes it.
``serial:///dev/ttyUSB0?baudrate=9600``
    A printer on a serial port (pyserial), e.g. a Zebra with a serial interface.
``cups://QUEUE``
    A CUPS queue through the ``lp`` command (``-o raw`` for ZPL). Missing ``lp`` is reported clearly.
``qt://PRINTER NAME``
    A system printer through Qt's print support; the desktop app registers this back-end
    (``app.ui.shipping.qtprint``), the CLI cannot use it.
``file:///DIRECTORY``
    Writes each document as a file (print-to-folder; useful without a printer).

The difference that matters for the queue: :class:`PrinterOffline` means nothing was sent (safe to retry),
:class:`PrintUncertain` means the printer may have received part of it (never resent without the operator),
:class:`PrinterSetupError` means the printer's configuration is wrong (the operator must fix it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from app.errors import InvalidInput, StationError


class PrinterError(StationError):
    pass


class PrinterOffline(PrinterError):
    """Nothing was sent; the job may be retried."""


class PrintUncertain(PrinterError):
    """The connection broke while sending: the printer may have printed part or all of it."""


class PrinterSetupError(PrinterError):
    """The printer's address or its system is wrong; retrying will not help until someone fixes it."""


class PrinterNotSetUp(PrinterOffline):
    """No printer is chosen for this document at this station: the job waits until one is."""


Backend = Callable[[str, bytes, str, str], None]  # (uri, payload, format, title)
_BACKENDS: dict[str, Backend] = {}


def register_backend(scheme: str, backend: Backend) -> None:
    _BACKENDS[scheme] = backend


def check_uri(uri: str) -> None:
    parsed = urlparse(uri)
    if parsed.scheme not in ("tcp", "serial", "cups", "qt", "file"):
        raise InvalidInput(
            f"printer address {uri!r} is not understood: use tcp://HOST:9100, serial:///dev/ttyUSB0, cups://QUEUE, "
            "qt://PRINTER or file:///FOLDER"
        )
    if parsed.scheme == "tcp" and (not parsed.hostname or not parsed.port):
        raise InvalidInput(f"printer address {uri!r} needs a host and a port, e.g. tcp://192.168.1.50:9100")


def send(uri: str, payload: bytes, fmt: str, title: str = "") -> None:
    """Send a document; raises one of the ``PrinterError`` kinds."""
    if not uri:
        raise PrinterNotSetUp("no printer is set up for this document yet (choose one in the printer settings)")
    try:
        check_uri(uri)
    except InvalidInput as exc:
        raise PrinterSetupError(exc.message) from exc
    scheme = urlparse(uri).scheme
    backend = _BACKENDS.get(scheme)
    if backend is None:
        raise PrinterSetupError(f"{scheme}:// printers can only be used from the desktop app")
    backend(uri, payload, fmt, title)


def describe(uri: str) -> str:
    parsed = urlparse(uri)
    if parsed.scheme == "tcp":
        return f"{parsed.hostname}:{parsed.port}"
    if parsed.scheme in ("serial", "file"):
        return unquote(parsed.path)
    return unquote(parsed.netloc + parsed.path) or uri


def reason_of(exc: PrinterError) -> str:
    """The kind of a printer failure as a code the screens translate: ``not_set_up``, ``unreachable``
    (nothing was sent; it is retried), ``setup`` (a wrong address or system) or ``uncertain`` (it broke
    while sending)."""
    if isinstance(exc, PrinterNotSetUp):
        return "not_set_up"
    if isinstance(exc, PrintUncertain):
        return "uncertain"
    if isinstance(exc, PrinterSetupError):
        return "setup"
    return "unreachable"


def probe(uri: str, timeout: float = 1.0) -> tuple[str, str]:
    """Is the printer there, without printing anything? ``(state, detail)``: state ``ready``, ``not_set_up``,
    ``unreachable``, ``setup`` (the address cannot work) or ``unknown`` (cannot be told without printing, e.g.
    a system printer). Quick: at most ``timeout`` seconds for a network printer. Run it off the GUI thread."""
    if not uri:
        return "not_set_up", ""
    try:
        check_uri(uri)
    except InvalidInput as exc:
        return "setup", exc.message
    parsed = urlparse(uri)
    if parsed.scheme == "tcp":
        try:
            socket.create_connection((parsed.hostname, parsed.port), timeout=timeout).close()
        except OSError as exc:
            return "unreachable", str(exc.strerror or exc)
        return "ready", ""
    if parsed.scheme == "file":
        folder = Path(unquote(parsed.path))
        if not folder.is_dir():
            return "unreachable", f"{folder} does not exist"
        return ("ready", "") if os.access(folder, os.W_OK) else ("unreachable", f"{folder} is not writable")
    if parsed.scheme == "serial":
        port = unquote(parsed.path)
        return ("ready", "") if Path(port).exists() else ("unreachable", f"{port} is not there")
    if parsed.scheme == "cups":
        if cups_available() is None:
            return "setup", "CUPS is not installed here (no 'lp' command)"
        return "unknown", ""
    return "unknown", ""


def short_name(uri: str) -> str:
    """A printer as a packer names it in one word or two: a network printer's host, a folder's name, a queue."""
    parsed = urlparse(uri)
    if parsed.scheme in ("file", "serial"):
        return Path(unquote(parsed.path)).name or unquote(parsed.path)
    return describe(uri)


# --- raw TCP (port 9100) ---------------------------------------------------------------------------------

def _send_tcp(uri: str, payload: bytes, fmt: str, title: str) -> None:
    parsed = urlparse(uri)
    options = parse_qs(parsed.query)
    timeout = float(options.get("timeout", ["3"])[0])
    try:
        sock = socket.create_connection((parsed.hostname, parsed.port), timeout=timeout)
    except OSError as exc:
        raise PrinterOffline(f"printer {parsed.hostname}:{parsed.port} is offline ({exc.strerror or exc})") from exc
    try:
        sock.settimeout(max(timeout, 10.0))
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)
        # Give the printer a moment to take the bytes and close its side (many keep it open: that is fine).
        sock.settimeout(float(options.get("linger", ["0.5"])[0]))
        try:
            while sock.recv(4096):
                pass
        except ConnectionResetError:
            raise  # the printer dropped the connection before taking it all: below, uncertain
        except OSError:
            pass  # still open after the linger: many printers keep it so, having taken everything
    except OSError as exc:
        raise PrintUncertain(
            f"the connection to printer {parsed.hostname}:{parsed.port} broke while sending ({exc}): "
            "check what came out before printing again"
        ) from exc
    finally:
        sock.close()


# --- serial ---------------------------------------------------------------------------------------------

def _send_serial(uri: str, payload: bytes, fmt: str, title: str) -> None:
    import serial

    parsed = urlparse(uri)
    options = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    port = unquote(parsed.path)
    try:
        link = serial.Serial(
            port, baudrate=int(options.get("baudrate", 9600)), timeout=2,
            write_timeout=float(options.get("write_timeout", 10)),
            rtscts=options.get("rtscts", "0") == "1", xonxoff=options.get("xonxoff", "0") == "1",
        )
    except (serial.SerialException, OSError, ValueError) as exc:
        raise PrinterOffline(f"serial printer {port} cannot be opened ({exc})") from exc
    try:
        link.write(payload)
        link.flush()
    except (serial.SerialException, OSError) as exc:
        raise PrintUncertain(f"serial printer {port} stopped while sending ({exc}): check what came out") from exc
    finally:
        link.close()


# --- CUPS -------------------------------------------------------------------------------------------------

def cups_available() -> str | None:
    """The path of ``lp``, or None when CUPS' client is not installed."""
    return shutil.which("lp")


def _send_cups(uri: str, payload: bytes, fmt: str, title: str) -> None:
    lp = cups_available()
    if lp is None:
        raise PrinterSetupError(
            "CUPS is not installed here (no 'lp' command): install cups-client, or choose a tcp:// or qt:// printer"
        )
    parsed = urlparse(uri)
    queue = unquote(parsed.netloc + parsed.path).strip("/")
    args = [lp, "-d", queue, "-t", title or "Warehouse Station"]
    if fmt == "zpl":
        args += ["-o", "raw"]
    try:
        done = subprocess.run(args, input=payload, capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PrintUncertain(f"CUPS did not answer ({exc})") from exc
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip() or f"lp exit {done.returncode}"
        if "does not exist" in message or "Unknown destination" in message:
            raise PrinterSetupError(f"CUPS has no printer {queue!r}: {message}")
        raise PrinterOffline(f"CUPS refused the job for {queue}: {message}")


# --- print to folder ----------------------------------------------------------------------------------------

def _send_file(uri: str, payload: bytes, fmt: str, title: str) -> None:
    folder = Path(unquote(urlparse(uri).path))
    if not folder.is_dir():
        raise PrinterOffline(f"print folder {folder} does not exist")
    stem = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in (title or "document"))[:80]
    target = folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{stem}.{fmt}"
    n = 1
    while target.exists():
        target = folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{stem}-{n}.{fmt}"
        n += 1
    tmp = target.with_suffix(".part")
    tmp.write_bytes(payload)
    tmp.replace(target)


register_backend("tcp", _send_tcp)
register_backend("serial", _send_serial)
register_backend("cups", _send_cups)
register_backend("file", _send_file)
