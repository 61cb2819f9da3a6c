"""The station app's service cases screen over real messages sent through the customer page's service:
read, answered (queued as an e-mail, on the timeline) and closed; markup a customer typed stays text."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.web import customer
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
    from app.ui import screens

    import app.ui.service.registry  # noqa: F401

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
    assert env.feedback.history[-1] == ("good", "Answer sent to the customer")
    with ctx.sessions() as s:
        case = s.scalar(select(ServiceCase).where(ServiceCase.order_id == order.id))
        assert case.status == "answered"
        mail = s.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reply"))
        assert mail.recipient == "amy@example.com" and "It leaves today" in mail.body and case.number in mail.subject
        kinds = [e.kind for e in s.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id))]
        assert "customer_message" in kinds and "service_reply" in kinds
    assert "Service (service1)" in screen.thread.toPlainText()

    screen.close_case()
    assert screen.table.rowCount() == 1  # closed cases are hidden unless asked for
    screen.show_closed.setChecked(True)
    assert screen.table.rowCount() == 2
    screen.answer.setPlainText("")
    with ctx.sessions() as s:
        case = s.scalar(select(ServiceCase).where(ServiceCase.order_id == order.id))
        assert case.status == "closed" and case.closed_by == "service1"
