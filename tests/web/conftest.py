"""The real HTTP server on loopback over each test database, a real SMTP server (aiosmtpd) on loopback, and
orders made with the real shipping and after-sales services."""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy

import httpx
import pytest
from sqlalchemy import select

from app.intake.webhook import WebhookServer
from app.web.server import create_app
from db.models.shipping import Parcel


@dataclass
class Live:
    ctx: object
    server: WebhookServer
    app: object

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=10, **kwargs)


@pytest.fixture
def live(ctx):
    """``station serve``'s app over ``ctx``, listening on a free loopback port; the label's base address
    is this server's."""
    ctx.settings.service_phone = "400-800-1234"
    ctx.settings.service_email = "service@example.com"
    ctx.settings.webhook_secret = "hook-secret"
    app = create_app(ctx)
    server = WebhookServer(app, "127.0.0.1", 0).start()
    ctx.settings.tracking_base_url = server.url
    yield Live(ctx, server, app)
    server.stop()
    app.app.site.close()  # the site's own PostgreSQL connections for the page stamps


def token_of(session, order) -> str:
    return session.scalar(select(Parcel.tracking_token).where(Parcel.order_id == order.id).order_by(Parcel.seq))


CSRF_RE = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def csrf_of(html: str) -> str:
    found = CSRF_RE.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        with self.lock:
            self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"

    def wait_for(self, n: int, timeout: float = 10.0) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= n:
                    return list(self.messages)
            time.sleep(0.02)
        with self.lock:
            return list(self.messages)


@pytest.fixture
def mailbox():
    """A real SMTP server on loopback; what it receives is kept in ``mailbox.messages``."""
    from aiosmtpd.controller import Controller

    box = Mailbox("127.0.0.1", free_port())
    controller = Controller(box, hostname=box.host, port=box.port)
    controller.start()
    yield box
    controller.stop()


def decode_qr(pdf: bytes, tmp_path) -> list[str]:
    """Every barcode of a label PDF, rendered with pdftoppm and read with zbarimg."""
    source = tmp_path / "label.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "203", "-png", "-singlefile", str(source), str(tmp_path / "label")], check=True)
    done = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "label.png")], capture_output=True)
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.decode("utf-8").split("\n") if line]
