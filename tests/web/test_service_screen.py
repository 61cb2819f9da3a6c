"""The station app's service cases screen over real messages sent through the customer page's service:
read, answered (queued as an e-mail, on the timeline) and closed; markup a customer typed stays text."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.aftersales import customer_page as customer
from db.models import OrderEvent
from db.models.web import OutboxMessage, ServiceCase
from tests.aftersales import factories as f

# The README's pictures: ``STATION_SCREENSHOTS=docs/screenshots scripts/test tests/web`` refreshes them; otherwise
# the screenshots go to the test's own temporary folder, so a test run leaves the work tree as it was.


def screenshots_dir(tmp_path: Path) -> Path:
    import os

    chosen = os.environ.get("STATION_SCREENSHOTS")
    folder = Path(chosen).resolve() if chosen else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def env(ctx, qapp):
    from app.ui.app import create_application
    from app.ui.feedback import Feedback
    from app.ui.screens import ScreenEnv

    create_application(language="en")
    return ScreenEnv(ctx=ctx, station="STATION-1", user_id=1, username="service1", display_name="Service",
                     role="service", feedback=Feedback(sound=False))


def test_the_screen_is_registered_for_service():
    import app.ui.service.registry  # noqa: F401
    from app.ui import screens

    assert "service_cases" in {s.name for s in screens.screens_for("service")}
    assert "service_cases" not in {s.name for s in screens.screens_for("packer")}


def test_read_answer_and_close_a_case(env, ctx, qtbot, tmp_path):
    from app.ui.service.cases_view import ServiceCasesScreen

    with ctx.sessions() as s:
        order = f.shipped_order(s)
        customer.post_message(s, order, "Where is my parcel?\n<b>It was due</b> <script>x()</script>", "amy@example.com")
        other = f.shipped_order(s)
        customer.post_message(s, other, "请问什么时候到？", "", "zh_CN")
        s.commit()
        number = order.number
    screen = ServiceCasesScreen(env)
    qtbot.addWidget(screen)
    screen.resize(900, 600)
    screen.show()
    assert screen.table.rowCount() == 2
    row = next(i for i in range(2) if screen.table.item(i, 1).text() == number)
    screen.table.selectRow(row)
    assert number in screen.title.text()
    assert "<b>It was due</b> <script>x()</script>" in screen.thread.toPlainText()
    assert screen.grab().save(str(screenshots_dir(tmp_path) / "service-cases.png"))

    screen.answer.setPlainText("It leaves today; sorry for the wait.")
    screen.send_answer()
    # Queued, not "sent": the notifier sends it from the outbox (no mail server is set up in this test).
    assert env.feedback.history[-1] == ("good", "Reply queued: it goes to the customer by e-mail.")
    with ctx.sessions() as s:
        case = s.scalar(select(ServiceCase).where(ServiceCase.order_id == order.id))
        assert case.status == "answered"
        mail = s.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reply"))
        assert mail.recipient == "amy@example.com" and "It leaves today" in mail.body and case.number in mail.subject
        kinds = [e.kind for e in s.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id))]
        assert "customer_message" in kinds and "service_reply" in kinds
    assert "Service (service1) · reply queued\n" in screen.thread.toPlainText()

    screen.close_case()
    assert screen.table.rowCount() == 1  # closed cases are hidden unless asked for
    screen.show_closed.setChecked(True)
    assert screen.table.rowCount() == 2
    screen.answer.setPlainText("")
    with ctx.sessions() as s:
        case = s.scalar(select(ServiceCase).where(ServiceCase.order_id == order.id))
        assert case.status == "closed" and case.closed_by == "service1"


def test_a_reply_says_queued_and_mail_server_unreachable_until_it_is_mended(env, ctx, qtbot):
    """A real SMTP server (aiosmtpd) down, then up: what the screen says at each step is what happened."""
    from aiosmtpd.controller import Controller

    from app.notify.worker import Notifier
    from app.ui.service.cases_view import ServiceCasesScreen
    from tests.web.conftest import Mailbox, free_port

    port = free_port()  # nothing listens here yet: the mail server is away
    ctx.settings.smtp = {"host": "127.0.0.1", "port": port, "tls": "none", "sender": "shop@example.com"}
    ctx.settings.tracking_base_url = "https://track.example.com"
    with ctx.sessions() as s:
        order = f.shipped_order(s)
        customer.post_message(s, order, "Where is my parcel?", "amy@example.com")
        s.commit()
    notifier = Notifier(ctx)
    notifier.prepare()
    screen = ServiceCasesScreen(env)
    qtbot.addWidget(screen)
    screen.resize(1000, 650)
    screen.show()
    screen.table.selectRow(0)
    assert screen.mail_banner.isHidden()

    screen.answer.setPlainText("It leaves today.")
    screen.send_answer()
    assert env.feedback.history[-1] == ("good", "Reply queued: it goes to the customer by e-mail.")
    assert "Service (service1) · reply queued\n" in screen.thread.toPlainText()
    away = notifier.run_once()  # the notifier tries: the server cannot be reached
    assert away.sent == 0 and away.failed >= 1
    screen.check_mail()
    assert screen.mail_banner.isVisible()
    assert screen.mail_banner.text().startswith("Mail server unreachable since ")
    assert "1 e-mail(s) wait in the outbox" in screen.mail_banner.text()
    assert "Service (service1) · reply queued, mail server unreachable\n" in screen.thread.toPlainText()
    assert "sent" not in screen.thread.toPlainText()

    screen.answer.setPlainText("And a second thought.")
    screen.send_answer()  # the last attempt failed: the person who answers is told so at once
    assert env.feedback.history[-1] == ("bad", "Reply queued, mail server unreachable: it goes by e-mail when the "
                                               "server answers again.")
    screen.check_mail()
    assert screen.mail_banner.isVisible()  # shown until mended, whatever else happens on the screen
    screen.refresh()
    assert screen.mail_banner.isVisible()

    box = Mailbox("127.0.0.1", port)
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        back = notifier.run_once()  # the new reply is due; the server answers, so the held one goes too
        assert back.sent >= 2
        replies = [m.get_body(preferencelist=("plain",)).get_content() for rcpt, m in box.wait_for(2)
                   if rcpt == ["amy@example.com"]]
        assert len(replies) == 2
        assert any("It leaves today." in b for b in replies) and any("And a second thought." in b for b in replies)
    finally:
        controller.stop()
    screen.check_mail()
    assert screen.mail_banner.isHidden()
    thread = screen.thread.toPlainText()
    assert thread.count("Service (service1) · e-mailed ") == 2 and "queued" not in thread


def test_a_reply_to_a_customer_without_an_address_says_no_e_mail_goes(env, ctx, qtbot):
    from app.ui.service.cases_view import ServiceCasesScreen

    with ctx.sessions() as s:
        order = f.shipped_order(s)
        order.customer_id, order.ship_email = None, ""  # a guest order that left no address
        customer.post_message(s, order, "请问什么时候到？", "", "zh_CN")
        s.commit()
    screen = ServiceCasesScreen(env)
    qtbot.addWidget(screen)
    screen.show()
    screen.table.selectRow(0)
    screen.answer.setPlainText("明天发货。")
    screen.send_answer()
    with ctx.sessions() as s:
        assert s.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reply")) is None
    assert env.feedback.history[-1] == ("info", "Reply saved on the case: the customer left no e-mail address, so "
                                                "no e-mail goes.")
    assert "Service (service1) · no e-mail address: not e-mailed\n" in screen.thread.toPlainText()
