"""E-mail notices: from the order timeline into the durable outbox, over SMTP to a real server on loopback
(aiosmtpd), retried when the server is away, kept across a restart."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from app.aftersales import carrier_events
from app.aftersales import customer_page as customer
from app.aftersales import returns as rt
from app.context import open_context
from app.domain import lifecycle as lc
from app.notify import hooks, outbox, templates
from app.notify.worker import Notifier
from app.orders.timeline import add_event
from app.uow import Actor
from db.models.web import OutboxMessage
from tests.aftersales import factories as f
from tests.web.conftest import free_port

pytestmark = pytest.mark.slow


def _smtp(ctx, box_or_port) -> None:
    port = box_or_port if isinstance(box_or_port, int) else box_or_port.port
    ctx.settings.smtp = {"host": "127.0.0.1", "port": port, "tls": "none", "sender": "shop@example.com"}
    ctx.settings.tracking_base_url = "https://track.example.com"


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _one_shipped_notice(db_url: str) -> None:
    """A database whose notifier has started and one order shipped since: one notice to send."""
    ctx = open_context(db_url, migrate_schema=False)
    try:
        with ctx.sessions() as s:
            hooks.start(s)
            s.commit()
            f.shipped_order(s)
            s.commit()
    finally:
        ctx.dispose()


def test_every_kind_of_notice_reaches_a_real_smtp_server_in_the_customers_language(ctx, mailbox):
    _smtp(ctx, mailbox)
    notifier = Notifier(ctx)
    with ctx.sessions() as s:
        early = f.shipped_order(s)  # before the notifier first ran: history is not mailed
        s.commit()
    notifier.prepare()
    with ctx.sessions() as s:
        shipped = f.shipped_order(s)
        waiting = f.order(s, status=lc.BACKORDERED)
        add_event(s, waiting, "backordered", Actor.system("INTAKE"), reason="short", expected_restock="2026-12-03",
                  short=[{"sku": "SKU-TEE-BLK", "needed": 2, "available": 0, "expected_restock": "2026-12-03",
                          "substitutes": ["SKU-TEE-WHT"]}])
        s.commit()
        carrier_events.ingest(s, {"events": [{"tracking_number": shipped.tracking_number, "event": "delivered",
                                              "at": datetime.now(UTC).isoformat()}]})
        s.commit()
        ret = customer.request_return(s, shipped, {"SKU-TEE-BLK": 1}, "wrong_size", ctx.settings)
        s.commit()
        rt.receive(s, ret.number, f.ACTOR)
        rt.inspect(s, ret, "SKU-TEE-BLK", "resellable", f.ACTOR)
        rt.complete(s, ret, f.ACTOR)
        s.commit()
        numbers = (early.number, shipped.number, waiting.number, ret.number)
    first = notifier.run_once()
    assert (first.queued, first.sent, first.failed) == (5, 5, 0)
    messages = mailbox.wait_for(5)
    assert len(messages) == 5
    by_subject = {m["Subject"]: (rcpt, m) for rcpt, m in messages}
    assert all(rcpt == ["amy@example.com"] for rcpt, _ in by_subject.values())
    assert all(m["From"] == "shop@example.com" and m["Message-ID"] for _, m in by_subject.values())
    early_number, number, waiting_number, return_number = numbers
    assert not any(early_number in s for s in by_subject)

    shipped_mail = _body(by_subject[f"您的订单 {number} 已发货"][1])
    assert "https://track.example.com/t/" in shipped_mail and "运单号" in shipped_mail
    backorder = _body(by_subject[f"订单 {waiting_number}：部分商品正在补货"][1])
    assert "2026-12-03" in backorder and "SKU-TEE-WHT" in backorder
    accepted = _body(by_subject[f"退货 {return_number} 已受理"][1])
    assert f"/returns/{return_number}/label.pdf" in accepted
    refunded = _body(by_subject[f"订单 {number} 已退款"][1])
    assert "¥" in refunded or "CNY" in refunded
    survey = _body(by_subject[f"订单 {number} 满意度调查"][1])
    assert "#survey" in survey
    # Reading the timeline again queues nothing twice.
    again = notifier.run_once()
    assert (again.queued, again.sent) == (0, 0)
    with ctx.sessions() as s:
        assert {m.state for m in s.scalars(select(OutboxMessage))} == {"sent"}


def test_english_templates_and_both_languages_have_every_kind():
    for kind in templates.KINDS:
        for lang in ("en", "zh_CN"):
            subject, body = templates.render(kind, lang, {"number": "WS1", "url": "http://x/t/abc"})
            assert "WS1" in subject + body and "{" not in subject + body
    subject, body = templates.render("shipped", "en", {"number": "WS1", "url": "u", "tracking_number": "SF1",
                                                       "carrier": "SF Express", "expected": "2026-12-01"})
    assert subject == "Your order WS1 is on its way" and "SF1" in body and "2026-12-01" in body


def test_a_notice_waits_while_the_mail_server_is_away_and_goes_when_it_is_back(ctx):
    port = free_port()
    _smtp(ctx, port)
    ctx.settings.notify.language = "en"
    notifier = Notifier(ctx)
    notifier.prepare()
    with ctx.sessions() as s:
        order = f.shipped_order(s)
        s.commit()
    away = notifier.run_once()
    assert (away.queued, away.sent, away.failed) == (1, 0, 1)
    with ctx.sessions() as s:
        row = s.scalar(select(OutboxMessage))
        assert row.state == "queued" and row.attempts == 1 and "cannot reach the mail server" in row.last_error
        assert row.next_attempt_at > datetime.now(UTC)
    assert notifier.run_once().sent == 0  # not due yet

    from aiosmtpd.controller import Controller

    from tests.web.conftest import Mailbox

    box = Mailbox("127.0.0.1", port)
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with ctx.sessions() as s:  # time passes: the retry is due
            s.execute(update(OutboxMessage).values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))
            s.commit()
        back = notifier.run_once()
        assert back.sent == 1
        (rcpt, message), = box.wait_for(1)
        assert message["Subject"] == f"Your order {order.number} is on its way"
    finally:
        controller.stop()
    with ctx.sessions() as s:
        row = s.scalar(select(OutboxMessage))
        assert row.state == "sent" and row.attempts == 2 and row.sent_at is not None


def test_the_queue_survives_a_restart(db_url, mailbox):
    first = open_context(db_url, migrate_schema=False)
    _smtp(first, mailbox)
    with first.sessions() as s:
        hooks.start(s)
        s.commit()
        order = f.shipped_order(s)
        s.commit()
        assert hooks.poll(s, first.settings) == 1  # queued, then the process "dies" before sending
        s.commit()
        # And one notice a dead sender had claimed a while ago.
        outbox.enqueue(s, "manual:1", "survey", "bob@example.com", "Subject", "Body")
        s.flush()
        s.execute(update(OutboxMessage).where(OutboxMessage.idempotency_key == "manual:1").values(
            state="sending", attempts=1, claimed_at=datetime.now(UTC) - timedelta(minutes=5)))
        s.commit()
    first.dispose()

    second = open_context(db_url, migrate_schema=False)
    try:
        _smtp(second, mailbox)
        notifier = Notifier(second)
        result = notifier.run_once()
        assert result.sent == 2
        received = mailbox.wait_for(2)
        assert sorted(r[0][0] for r in received) == ["amy@example.com", "bob@example.com"]
        assert any(order.number in m["Subject"] for _, m in received)
    finally:
        second.dispose()


def test_notify_run_once_from_the_command_line(db_url, mailbox, tmp_path, monkeypatch, capsys):
    from app.cli.main import main

    config = tmp_path / "station.json"
    config.write_text(json.dumps({"smtp": {"host": "127.0.0.1", "port": mailbox.port, "sender": "shop@example.com"}}))
    monkeypatch.setenv("STATION_CONFIG", str(config))
    _one_shipped_notice(db_url)
    assert main(["notify", "run", "--once", "--json", "--db", db_url]) == 0
    assert json.loads(capsys.readouterr().out) == {"queued": 1, "sent": 1, "failed": 0}
    assert main(["notify", "status", "--json", "--db", db_url]) == 0
    assert json.loads(capsys.readouterr().out) == {"sent": 1}
    assert len(mailbox.wait_for(1)) == 1


def test_notices_held_while_the_server_was_away_go_as_soon_as_it_answers(ctx, mailbox):
    """Also those that ran out of attempts while it was away; a notice refused for itself stays failed."""
    _smtp(ctx, mailbox)
    now = datetime.now(UTC)
    with ctx.sessions() as s:
        held = outbox.enqueue(s, "held", "reply", "amy@example.com", "held", "waited for the server")
        gave_up = outbox.enqueue(s, "gave-up", "reply", "bo@example.com", "gave up", "ran out of attempts")
        refused = outbox.enqueue(s, "refused", "reply", "nobody@example.com", "refused", "the address is wrong")
        s.flush()
        later = now + timedelta(hours=1)
        for row, state, error in ((held, "queued", f"{outbox.UNREACHABLE} 127.0.0.1:25: ConnectionRefusedError"),
                                  (gave_up, "failed", f"{outbox.UNREACHABLE} 127.0.0.1:25: TimeoutError"),
                                  (refused, "failed", "recipient refused (550)")):
            row.state, row.last_error, row.attempts, row.next_attempt_at, row.claimed_at = state, error, 10, later, now
        s.commit()
        trouble = outbox.mail_trouble(s)
    assert trouble is not None and trouble.waiting == 2 and trouble.error.startswith(outbox.UNREACHABLE)
    with ctx.sessions() as s:  # something new is due: the notifier connects, and the server answers
        outbox.enqueue(s, "new", "reply", "cy@example.com", "new", "written just now")
        s.commit()
    notifier = Notifier(ctx)
    assert notifier.run_once().sent == 3
    assert sorted(rcpt[0] for rcpt, _ in mailbox.wait_for(3)) == ["amy@example.com", "bo@example.com", "cy@example.com"]
    with ctx.sessions() as s:
        assert outbox.mail_trouble(s) is None
        states = dict(s.execute(select(OutboxMessage.idempotency_key, OutboxMessage.state)).all())
        assert states == {"held": "sent", "gave-up": "sent", "refused": "failed", "new": "sent"}
        got = outbox.delivery(s, ["held", "refused", "missing"])
        assert got["held"].state == "sent" and not got["held"].unreachable
        assert got["refused"].state == "failed" and not got["refused"].unreachable and "missing" not in got


def test_the_command_line_says_a_notice_waits_while_the_mail_server_is_unreachable(db_url, tmp_path, monkeypatch, capsys):
    from app.cli.main import main

    config = tmp_path / "station.json"
    config.write_text(json.dumps({"smtp": {"host": "127.0.0.1", "port": free_port(), "sender": "shop@example.com"}}))
    monkeypatch.setenv("STATION_CONFIG", str(config))
    _one_shipped_notice(db_url)
    assert main(["notify", "run", "--once", "--db", db_url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "queued 1, sent 0, not sent 1"
    assert out[1].startswith("mail server unreachable since ") and "1 notice(s) wait in the outbox" in out[1]
    assert main(["notify", "status", "--db", db_url]) == 0
    status = capsys.readouterr().out
    assert "queued   1" in status and "mail server unreachable since " in status
