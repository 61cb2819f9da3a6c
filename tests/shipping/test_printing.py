"""Printing through real parts: a raw port-9100 server on loopback, a serial printer on a pseudo-terminal,
CUPS when it is there. The durable queue retries an offline printer and never prints twice unasked."""

import os
import shutil
import socket
import threading
import time
import tty
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.shipping import printers, printqueue, service
from app.shipping.printers import PrinterOffline, PrinterSetupError
from app.uow import UnitOfWork
from db.base import utcnow
from db.models.shipping import PrintJob
from tests.shipping.factories import packed_order


class RawPrinter:
    """A port-9100 printer: accepts connections and keeps every job it receives (one per connection that
    sent bytes; a connection opened and closed with nothing sent is the station's reachability probe, which
    a real printer does not print either)."""

    def __init__(self, port: int = 0) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self.jobs: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while chunk := conn.recv(65536):
                    data += chunk
                if data:
                    self.jobs.append(data)

    def close(self) -> None:
        self.sock.close()

    def wait_for(self, n: int, timeout: float = 5.0) -> None:
        end = time.monotonic() + timeout
        while len(self.jobs) < n and time.monotonic() < end:
            time.sleep(0.02)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_raw_tcp_printer_receives_zpl():
    printer = RawPrinter()
    try:
        printers.send(f"tcp://127.0.0.1:{printer.port}", b"^XA^FDhello^FS^XZ", "zpl", "t")
        printer.wait_for(1)
        assert printer.jobs == [b"^XA^FDhello^FS^XZ"]
    finally:
        printer.close()


def test_offline_tcp_printer_is_reported_as_offline():
    with pytest.raises(PrinterOffline, match="offline"):
        printers.send(f"tcp://127.0.0.1:{free_port()}", b"^XA^XZ", "zpl")


def test_serial_printer_on_a_pty():
    master, slave = os.openpty()
    tty.setraw(master)
    try:
        name = os.ttyname(slave)
        payload = b"^XA^FO50,50^A0N,40,40^FDserial^FS^XZ"
        printers.send(f"serial://{name}?baudrate=9600", payload, "zpl")
        got = b""
        end = time.monotonic() + 3
        while len(got) < len(payload) and time.monotonic() < end:
            got += os.read(master, 4096)
        assert got == payload
    finally:
        os.close(master)
        os.close(slave)


def test_missing_serial_port_is_offline():
    with pytest.raises(PrinterOffline, match="cannot be opened"):
        printers.send("serial:///dev/ttyNOPE99", b"x", "zpl")


def test_cups_is_detected():
    if shutil.which("lp"):
        assert printers.cups_available()
    else:
        assert printers.cups_available() is None
        with pytest.raises(PrinterSetupError, match="CUPS is not installed"):
            printers.send("cups://Zebra", b"^XA^XZ", "zpl")


def test_unknown_printer_address_is_refused():
    with pytest.raises(PrinterSetupError, match="not understood"):
        printers.send("lpt://1", b"", "pdf")


def test_offline_printer_job_waits_is_retried_and_prints_once(shipping_ctx, actor):
    port = free_port()
    with UnitOfWork(shipping_ctx.sessions) as uow:
        s = uow.session
        service.set_printer(s, "SHIP-1", "label", f"tcp://127.0.0.1:{port}", "zpl", 203)
        service.set_printer(s, "SHIP-1", "packing_slip", f"tcp://127.0.0.1:{port}", "pdf")
        order = packed_order(s)
        service.label_order(s, order, actor, settings=shipping_ctx.settings)
        service.enqueue_documents(s, order, "SHIP-1", settings=shipping_ctx.settings)
        uow.commit()

    outcomes = printqueue.run_once(shipping_ctx.sessions, "SHIP-1")
    assert [o.state for o in outcomes] == ["queued", "queued"]
    assert "offline" in outcomes[0].message and "retried" in outcomes[0].message
    with UnitOfWork(shipping_ctx.sessions) as uow:
        jobs = list(uow.session.scalars(select(PrintJob).order_by(PrintJob.id)))
        assert all(j.state == "queued" and j.attempts == 1 and j.next_attempt_at > utcnow() for j in jobs)
    # Not due yet: nothing is tried.
    assert printqueue.run_once(shipping_ctx.sessions, "SHIP-1") == []

    printer = RawPrinter(port)
    try:
        later = utcnow() + timedelta(seconds=printqueue.BACKOFF_MAX_S + 1)
        outcomes = printqueue.run_once(shipping_ctx.sessions, "SHIP-1", now=later)
        assert [o.state for o in outcomes] == ["done", "done"]
        printer.wait_for(2)
        assert len(printer.jobs) == 2
        assert printer.jobs[0].startswith(b"^XA") and printer.jobs[1].startswith(b"%PDF")
        # Done jobs are never sent again.
        assert printqueue.run_once(shipping_ctx.sessions, "SHIP-1", now=later + timedelta(hours=1)) == []
        time.sleep(0.2)
        assert len(printer.jobs) == 2
    finally:
        printer.close()


def test_a_job_claimed_once_is_not_claimed_again(shipping_ctx, actor):
    with UnitOfWork(shipping_ctx.sessions) as uow:
        job = service.queue_job(uow.session, "k1", "SHIP-1", "test", b"x", "zpl", "tcp://127.0.0.1:9")
        uow.commit()
    first = printqueue.claim(shipping_ctx.sessions, "SHIP-1")
    second = printqueue.claim(shipping_ctx.sessions, "SHIP-1")
    assert first == [job.id] and second == []


def test_interrupted_send_becomes_uncertain_until_the_operator_resends(shipping_ctx, actor):
    printer = RawPrinter()
    try:
        with UnitOfWork(shipping_ctx.sessions) as uow:
            job = service.queue_job(uow.session, "k2", "SHIP-1", "test", b"^XA^XZ", "zpl", f"tcp://127.0.0.1:{printer.port}")
            uow.commit()
        # A worker claims the job and dies before finishing.
        assert printqueue.claim(shipping_ctx.sessions, "SHIP-1") == [job.id]
        assert printqueue.recover_stale(shipping_ctx.sessions, now=utcnow() + timedelta(minutes=5)) == 1
        assert printqueue.run_once(shipping_ctx.sessions, "SHIP-1") == []
        with UnitOfWork(shipping_ctx.sessions) as uow:
            assert uow.session.get(PrintJob, job.id).state == "uncertain"
            printqueue.resend(uow.session, job.id)
            uow.commit()
        assert [o.state for o in printqueue.run_once(shipping_ctx.sessions, "SHIP-1")] == ["done"]
        printer.wait_for(1)
        assert printer.jobs == [b"^XA^XZ"]
    finally:
        printer.close()


def test_test_print_goes_to_the_station_printer(shipping_ctx, tmp_path):
    with UnitOfWork(shipping_ctx.sessions) as uow:
        service.set_printer(uow.session, "SHIP-1", "label", f"file://{tmp_path}", "pdf")
        service.test_print(uow.session, "SHIP-1", "label", settings=shipping_ctx.settings)
        uow.commit()
    assert [o.state for o in printqueue.run_once(shipping_ctx.sessions, "SHIP-1")] == ["done"]
    (printed,) = list(tmp_path.glob("*.pdf"))
    assert printed.read_bytes().startswith(b"%PDF")


def test_job_without_printer_waits_for_one(shipping_ctx, actor):
    with UnitOfWork(shipping_ctx.sessions) as uow:
        order = packed_order(uow.session)
        service.label_order(uow.session, order, actor, settings=shipping_ctx.settings)
        jobs = service.enqueue_documents(uow.session, order, "SHIP-2", include_slip=False, settings=shipping_ctx.settings)
        uow.commit()
    (outcome,) = printqueue.run_once(shipping_ctx.sessions, "SHIP-2")
    assert outcome.state == "queued" and "no printer is set up" in outcome.message


def test_connection_reset_while_sending_is_uncertain_and_never_resent_alone(shipping_ctx):
    import struct

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def reset_after_accept():
        conn, _ = server.accept()
        conn.recv(1024)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()  # RST while the client is still sending

    threading.Thread(target=reset_after_accept, daemon=True).start()
    try:
        with UnitOfWork(shipping_ctx.sessions) as uow:
            job = service.queue_job(uow.session, "big", "SHIP-1", "label", b"^XA" + b"x" * 20_000_000 + b"^XZ", "zpl",
                                    f"tcp://127.0.0.1:{port}")
            uow.commit()
        (outcome,) = printqueue.run_once(shipping_ctx.sessions, "SHIP-1")
        assert outcome.state == "uncertain" and "check what came out" in outcome.message
        later = utcnow() + timedelta(hours=1)
        assert printqueue.run_once(shipping_ctx.sessions, "SHIP-1", now=later) == []
        with UnitOfWork(shipping_ctx.sessions) as uow:
            assert uow.session.get(PrintJob, job.id).state == "uncertain"
    finally:
        server.close()
