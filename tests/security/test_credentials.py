"""PINs hashed with Argon2id, and no credential in a log.

Each secret goes through the real code with every logger at DEBUG (and SQLAlchemy's statement log on, as an
operator chasing a problem would turn it on): log-in by badge and by user + PIN, an order webhook signed with
its secret, mail sent through an SMTP server that wants a password, and a database URL with a password in it
(through ``station`` itself, with ``STATION_DEBUG=1`` tracebacks). None of the secrets may appear in what was
logged, printed or stored as an error.

The timeline's append-only trigger is tested in tests/db/test_schema.py::test_timeline_is_append_only.
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import Type, extract_parameters
from sqlalchemy import select

from app.admin.auth import hash_pin, login_by_badge, login_by_pin, verify_pin
from app.demo import seed as demo
from app.errors import InvalidInput, PermissionDenied
from app.intake.webhook import SHOPIFY_PATH, signature
from app.notify import outbox
from app.notify.worker import Notifier
from db.models import User
from db.models.web import OutboxMessage
from tests.intake.conftest import FIXTURES
from tests.web.conftest import free_port, live  # noqa: F401 - the served app over each test database

ROOT = Path(__file__).resolve().parents[2]
DEMO_BADGE, DEMO_USER, DEMO_PIN = "BADGE-SUPER-1", "super1", "2222"


@pytest.fixture
def logs(caplog):
    """Everything logged at any level, SQLAlchemy's statements included."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    return caplog


def test_a_pin_is_stored_as_a_salted_argon2id_hash():
    first, second = hash_pin("482913"), hash_pin("482913")
    assert first.startswith("$argon2id$v=19$") and first != second  # a salt of its own each time
    parameters = extract_parameters(first)
    # OWASP's floor for Argon2id: 19 MiB of memory and two passes.
    assert parameters.type is Type.ID and parameters.memory_cost >= 19 * 1024 and parameters.time_cost >= 2
    assert "482913" not in first
    assert verify_pin(first, "482913") and not verify_pin(first, "482914") and not verify_pin(first, "")
    assert not verify_pin("482913", "482913")  # a PIN stored in clear is never taken as a hash
    with pytest.raises(InvalidInput, match="4 to 12 digits"):
        hash_pin("12a4")


def test_log_in_by_badge_and_pin_leaves_no_credential_in_the_log(ctx, logs):
    demo.seed_reference(ctx, seed=1)
    with ctx.sessions() as s:
        stored = s.scalar(select(User.pin_hash).where(User.username == DEMO_USER))
        assert stored.startswith("$argon2id$") and DEMO_PIN not in stored
        assert all(h.startswith("$argon2id$") for h in s.scalars(select(User.pin_hash)))
        assert login_by_badge(s, DEMO_BADGE).username == DEMO_USER
        assert login_by_pin(s, DEMO_USER, DEMO_PIN).username == DEMO_USER
        with pytest.raises(PermissionDenied, match="unknown user or wrong PIN"):
            login_by_pin(s, DEMO_USER, "2223")
        with pytest.raises(PermissionDenied, match="unknown user or wrong PIN"):
            login_by_pin(s, "nobody", DEMO_PIN)
        with pytest.raises(PermissionDenied, match="badge not recognised"):
            login_by_badge(s, "BADGE-FORGED-9")
    assert any(r.name.startswith("sqlalchemy.engine") for r in logs.records), "the statement log was not on"
    # SQLAlchemy's own timings ("[cached since 0.2222s ago]") are digits that may spell a PIN by chance: left out.
    text = re.sub(r"\[(?:cached since|generated in) [0-9.e-]+s(?: ago)?\]", "", logs.text)
    for secret in (DEMO_BADGE, DEMO_PIN, "BADGE-FORGED-9", stored):
        assert secret not in text


def test_a_signed_webhook_leaves_its_secret_out_of_the_log(live, logs):  # noqa: F811 - the fixture imported above
    secret = live.ctx.settings.webhook_secret
    body = (FIXTURES / "shopify_webhook_order.json").read_bytes()
    with live.client() as client:
        good = client.post(SHOPIFY_PATH, content=body, headers={"X-Shopify-Hmac-Sha256": signature(secret, body),
                                                                 "X-Shopify-Topic": "orders/create"})
        forged = client.post(SHOPIFY_PATH, content=body, headers={"X-Shopify-Hmac-Sha256": signature("guess", body)})
    assert good.status_code == 201 and forged.status_code == 401
    assert any("wrong signature" in r.getMessage() for r in logs.records)
    assert secret not in logs.text and secret not in forged.text


class PasswordMailbox:
    """A real SMTP server on loopback that takes mail only after AUTH with one user and password."""

    def __init__(self, user: str, password: str) -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.received: list[bytes] = []

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login == user.encode() and auth_data.password == password.encode()
            return AuthResult(success=ok)

        mailbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                mailbox.received.append(envelope.content)
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, authenticator=authenticator,
                                     auth_require_tls=False, auth_required=True)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # loopback only: no TLS to set up
@pytest.mark.parametrize("sent_password", ["s3cret-SMTP-pw", "wrong-SMTP-pw"])
def test_smtp_password_is_in_no_log_and_no_stored_error(ctx, logs, sent_password):
    server = PasswordMailbox("mailer", "s3cret-SMTP-pw")
    server.controller.start()
    try:
        ctx.settings.smtp = {"host": "127.0.0.1", "port": server.port, "tls": "none", "sender": "shop@example.com",
                             "user": "mailer", "password": sent_password, "timeout": 3}
        with ctx.sessions() as s:
            outbox.enqueue(s, "security-test-1", "shipped", "customer@example.com", "Your order", "On its way")
            s.commit()
        result = Notifier(ctx).run_once()
    finally:
        server.controller.stop()
    with ctx.sessions() as s:
        message = s.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == "security-test-1"))
    if sent_password == "s3cret-SMTP-pw":
        assert result.sent == 1 and len(server.received) == 1
    else:
        assert result.failed == 1 and not server.received and message.last_error
    assert sent_password not in logs.text and sent_password not in (message.last_error or "")


@pytest.mark.parametrize("where", ["127.0.0.1:1", "127.0.0.1:notaport", "127.0.0.1:5432"])
def test_a_database_password_is_in_no_message_even_with_tracebacks_on(where):
    password = "pg-Secret-91"
    url = f"postgresql://no_such_role:{password}@{where}/test"
    result = subprocess.run([sys.executable, "-m", "app.cli.main", "--db", url, "orders", "--limit", "1"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120,
                            env={"STATION_DEBUG": "1", "PATH": "/usr/bin:/bin", "HOME": str(ROOT)})
    assert result.returncode != 0 and result.stderr.strip()
    assert password not in result.stderr and password not in result.stdout


@pytest.mark.postgres
def test_a_database_password_is_not_logged_when_it_connects(database_factory, logs):
    from sqlalchemy.engine import make_url

    from app.context import open_context
    from tests.conftest import require_backend

    require_backend("postgresql")
    url = database_factory.create("postgresql")
    with_password = make_url(url).set(password="pg-Secret-92").render_as_string(hide_password=False)
    ctx = open_context(with_password, migrate_schema=False)  # the test server trusts loopback: sent, unused
    try:
        with ctx.sessions() as s:
            s.execute(select(1))
        assert "pg-Secret-92" not in repr(ctx.engine) and "pg-Secret-92" not in str(ctx.engine.url)
    finally:
        ctx.dispose()
        database_factory.drop(url)
    assert "pg-Secret-92" not in logs.text
