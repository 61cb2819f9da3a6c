"""The tracking screen, the returns desk and the reports screen: real widgets offscreen over a real database
(SQLite and PostgreSQL), driven the way a person would (typing, scanning, buttons)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.uow import UnitOfWork
from db.models.shipping import Parcel
from tests.aftersales import factories as f


@pytest.fixture
def env(ctx, qapp):
    from app.ui.app import create_application
    from app.ui.feedback import Feedback
    from app.ui.screens import ScreenEnv

    create_application(language="en")
    return ScreenEnv(ctx=ctx, station="STATION-1", user_id=1, username="service1", display_name="Service",
                     role="service", feedback=Feedback(sound=False))


@pytest.fixture
def shipped(ctx):
    with UnitOfWork(ctx.sessions) as uow:
        order = f.shipped_order(uow.session, coupon_cents=1000, points_used=500)
        parcel = uow.session.scalar(select(Parcel).where(Parcel.order_id == order.id))
        uow.commit()
        return order.number, parcel.tracking_number, parcel.tracking_token


def test_screens_are_registered():
    import app.ui.aftersales.registry  # noqa: F401
    from app.ui import screens

    names = {s.name for s in screens.screens_for("service")}
    assert {"tracking", "returns"} <= names
    assert "reports" in {s.name for s in screens.screens_for("supervisor")}


def test_tracking_screen_by_scan(env, shipped, qtbot):
    from app.ui.aftersales.tracking_view import TrackingScreen

    number, tn, token = shipped
    screen = TrackingScreen(env)
    qtbot.addWidget(screen)
    screen.show()
    assert screen.handle_scan(f"http://127.0.0.1:8470/t/{token}")  # the label's QR code
    assert screen.view.number == number and number in screen.title.text()
    assert screen.table.rowCount() == len(screen.view.events) == 3
    assert screen.table.item(2, 1).text() == "shipped"
    assert screen.return_button.isEnabled() and not screen.delay.isVisible()
    screen.query.setText("NOPE")
    screen.search()
    assert env.feedback.history[-1] == ("bad", "no order, tracking number, SSCC or return 'NOPE'")
    assert screen.view.number == number  # the last answer stays on screen


def test_returns_desk_from_request_to_refund(env, shipped, qtbot):
    from app.ui.aftersales.returns_desk import ReturnsDesk

    number, _tn, _token = shipped
    desk = ReturnsDesk(env)
    qtbot.addWidget(desk)
    desk.show()
    assert desk.handle_scan(number)
    assert desk.pages.currentIndex() == 0 and desk.lines.rowCount() == 2
    desk.set_quantity("SKU-TEE-BLK", 2)
    desk.set_quantity("SKU-MUG", 1)
    assert desk.check_policy() == []
    assert desk.open_return()
    assert desk.pages.currentIndex() == 1 and desk.return_status == "approved"
    assert desk.issue_label()
    with env.ctx.sessions() as s:
        from app.aftersales import returns

        label = returns.find_return(s, desk.return_number).tracking_number
    desk.handle_scan(label)  # the parcel arrives: its label is scanned
    assert desk.return_status == "received"
    desk.handle_scan(f.gtin(1))
    desk.set_condition("damaged")
    desk.handle_scan("SKU-TEE-BLK")
    desk.handle_scan(f.gtin(3))
    assert desk.return_status == "inspected" and desk.complete_button.isEnabled()
    assert desk.items.item(0, 4).text() == "1→A01-01-1, 1→QUARANTINE"
    assert desk.complete()
    assert desk.return_status == "refunded" and "182.00" in desk.result.text()


def test_returns_desk_shows_policy_problems(env, ctx, qtbot):
    from app.ui.aftersales.returns_desk import ReturnsDesk

    with UnitOfWork(ctx.sessions) as uow:
        old = f.shipped_order(uow.session, shipped_at=datetime.now(UTC) - timedelta(days=30))
        uow.commit()
    desk = ReturnsDesk(env)
    qtbot.addWidget(desk)
    desk.load(old.number)
    desk.set_quantity("SKU-MUG", 1)
    problems = desk.check_policy()
    assert problems and "window is 7 days" in desk.problems.text()
    assert not desk.open_return() and "window is 7 days" in desk.problems.text()


def test_reports_screen_draws_a_chart_and_exports(env, shipped, qtbot, tmp_path):
    from app.ui.aftersales.reports_view import ReportsScreen

    screen = ReportsScreen(env)
    qtbot.addWidget(screen)
    screen.show()
    with qtbot.waitSignal(screen.report_ready, timeout=30000):
        screen.run_report("stage_times")
    assert screen.result.name == "stage_times"
    chart = screen.chart_view.chart()
    assert len(chart.series()) == 1 and chart.series()[0].count() == 1
    assert screen.table.rowCount() == 9
    with qtbot.waitSignal(screen.report_ready, timeout=30000):
        screen.run_report("orders_per_hour")
    assert chart is not screen.chart_view.chart() and screen.chart_view.chart().series()[0].count() >= 1
    csv_path = screen.export_to(tmp_path / "r.csv", "csv")
    assert csv_path.read_text().startswith("hour,orders")
    assert screen.export_to(tmp_path / "r.pdf", "pdf").read_bytes().startswith(b"%PDF")
    screen.shutdown()
