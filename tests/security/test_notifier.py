"""Issue 19, item 4: the notifier survives a bad address. One notice that cannot be built or sent is failed with
its reason and the others of its batch go, exactly once; notices a dead sender left "sending" are queued again by
the running notifier. A real SMTP server on loopback (aiosmtpd), both databases."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from app.domain import lifecycle as lc
from app.notify import hooks, outbox, templates
from app.notify.worker import Notifier
from app.orders.timeline import add_event
from app.uow import Actor
from db.models.web import OutboxMessage
from tests.aftersales import factories as f
from tests.web.conftest import mailbox  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow

HOSTILE = {
    "crlf": "amy@example.com\r\nBcc: thief@evil.example",
    "lf": "amy@example.com\nSubject: pwned",
    "list": "amy@example.com, thief@evil.example",
    "semicolon": "amy@example.com; thief@evil.example",
    "invalid": "not-an-address",
    "display": "Amy <amy@example.com>",
    "two_at": "amy@@example.com",
}


def _smtp(ctx, box) -> None:
    ctx.settings.smtp = {"host": "127.0.0.1", "port": box.port, "tls": "none", "sender": "shop@example.com"}
    ctx.settings.tracking_base_url = "https://track.example.com"
    ctx.settings.notify.language = "en"


def _queue(ctx, recipients: dict[str, str]) -> None:
    with ctx.sessions() as s:
        for key, recipient in recipients.items():
            outbox.enqueue(s, key, "shipped", recipient, f"Notice {key}", f"Body of {key}")
        s.commit()


def _rows(ctx) -> dict[str, OutboxMessage]:
    with ctx.sessions() as s:
        rows = {m.idempotency_key: m for m in s.scalars(select(OutboxMessage))}
        s.expunge_all()
        return rows


def test_bad_addresses_fail_alone_with_their_reason_and_the_batch_goes_exactly_once(ctx, mailbox):  # noqa: F811
    _smtp(ctx, mailbox)
    good = {f"good:{i}": f"customer{i}@example.com" for i in range(4)}
    mixed = {}
    for i, (name, address) in enumerate(HOSTILE.items()):  # bad ones between good ones, in one batch
        mixed[f"bad:{name}"] = address
        if i < len(good):
            mixed[f"good:{i}"] = good[f"good:{i}"]
    _queue(ctx, mixed)
    notifier = Notifier(ctx, batch=50)
    first = notifier.run_once()
    assert (first.sent, first.failed) == (len(good), len(HOSTILE))
    messages = mailbox.wait_for(len(good))
    time.sleep(0.3)  # nothing more arrives
    assert len(mailbox.messages) == len(good)
    envelopes = sorted(rcpt for rcpt, _ in messages)
    assert envelopes == sorted([address] for address in good.values())
    assert not any("evil" in str(m) or "pwned" in str(m) for _, m in messages)
    rows = _rows(ctx)
    assert {rows[k].state for k in good} == {"sent"}
    reasons = {name: rows[f"bad:{name}"].last_error for name in HOSTILE}
    assert all(rows[f"bad:{name}"].state == "failed" and rows[f"bad:{name}"].attempts == 1 for name in HOSTILE)
    assert "line break" in reasons["crlf"] and "line break" in reasons["lf"]
    assert reasons["list"] == reasons["semicolon"] == "more than one address"
    assert reasons["invalid"].startswith("not a valid address") and reasons["display"].startswith("not a valid")
    # Exactly once: later rounds send nothing again, and never retry a failed notice.
    for _ in range(3):
        again = notifier.run_once()
        assert (again.sent, again.failed) == (0, 0)
    time.sleep(0.3)
    assert len(mailbox.messages) == len(good)


def test_a_notice_whose_template_fails_is_kept_failed_and_the_others_are_mailed(ctx, mailbox, monkeypatch):  # noqa: F811
    _smtp(ctx, mailbox)
    notifier = Notifier(ctx)
    notifier.prepare()
    subject, body = templates.TEMPLATES["backordered"]
    monkeypatch.setitem(templates.TEMPLATES, "backordered", (subject, body + " {restock[99]}"))  # an IndexError
    with ctx.sessions() as s:
        shipped = f.shipped_order(s)
        waiting = f.order(s, status=lc.BACKORDERED)
        add_event(s, waiting, "backordered", Actor.system("INTAKE"), reason="short", expected_restock="2026-12-03",
                  short=[{"sku": "SKU-TEE-BLK", "needed": 2, "available": 0}])
        later = f.shipped_order(s)
        s.commit()
        numbers = (shipped.number, waiting.number, later.number)
    result = notifier.run_once()
    assert (result.queued, result.sent) == (2, 2)
    subjects = sorted(m["Subject"] for _, m in mailbox.wait_for(2))
    assert subjects == sorted(f"Your order {n} is on its way" for n in (numbers[0], numbers[2]))
    with ctx.sessions() as s:
        broken = s.scalar(select(OutboxMessage).where(OutboxMessage.kind == "backordered"))
        assert broken.state == "failed" and broken.last_error == "cannot make the notice: IndexError"
    assert notifier.run_once().sent == 0
    time.sleep(0.3)
    assert len(mailbox.messages) == 2


def test_the_running_notifier_requeues_notices_a_dead_sender_left_sending(ctx, mailbox):  # noqa: F811
    _smtp(ctx, mailbox)
    _queue(ctx, {"dead:1": "one@example.com", "dead:2": "two@example.com", "busy:1": "busy@example.com"})
    long_ago = datetime.now(UTC) - timedelta(seconds=30)
    with ctx.sessions() as s:  # a sender claimed them and died; another claimed one just now and still works
        s.execute(update(OutboxMessage).where(OutboxMessage.idempotency_key.like("dead:%"))
                  .values(state="sending", claimed_at=long_ago, attempts=1))
        s.execute(update(OutboxMessage).where(OutboxMessage.idempotency_key == "busy:1")
                  .values(state="sending", claimed_at=datetime.now(UTC) + timedelta(hours=1), attempts=1))
        s.commit()
    notifier = Notifier(ctx, interval=0.05, stale_after=timedelta(seconds=10), sweep_every=0.2)
    notifier.prepare()  # the start's own sweep: both dead ones are queued again (the busy one is not stale)
    with ctx.sessions() as s:
        hooks.start(s)
        s.commit()
    assert {k: r.state for k, r in _rows(ctx).items()} == {"dead:1": "queued", "dead:2": "queued",
                                                            "busy:1": "sending"}
    notifier.start()
    try:
        assert len(mailbox.wait_for(2)) == 2
        # Now, while it runs, another sender (a process since killed) leaves a notice it had claimed.
        with ctx.sessions() as s:  # in one transaction: the notifier never sees it queued
            outbox.enqueue(s, "dead:3", "shipped", "three@example.com", "Notice dead:3", "Body")
            s.flush()
            s.execute(update(OutboxMessage).where(OutboxMessage.idempotency_key == "dead:3")
                      .values(state="sending", claimed_at=long_ago, attempts=1))
            s.commit()
        messages = mailbox.wait_for(3, timeout=10)
        time.sleep(0.5)
    finally:
        notifier.stop()
    assert sorted(r[0] for r, _ in messages) == ["one@example.com", "three@example.com", "two@example.com"]
    assert len(mailbox.messages) == 3
    rows = _rows(ctx)
    assert rows["dead:3"].state == "sent" and rows["dead:3"].attempts == 2
    assert rows["busy:1"].state == "sending"  # a live claim is left to its sender
