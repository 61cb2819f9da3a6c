"""The Administration screen as an admin uses it: real widgets offscreen on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess

from PySide6.QtCore import Qt

from app.admin import queries
from app.ui.admin.sections import SECTIONS
from tests.ui.conftest import login


def _admin_screen(window, qtbot):
    login(window, qtbot, "BADGE-ADMIN")
    window.open_screen("admin")
    return window.screens["admin"]


def test_only_an_admin_sees_it_and_its_sections_come_from_the_list(window, qtbot):
    login(window, qtbot, "BADGE-SUPER-1")
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "Administration" not in titles
    window.logout()
    screen = _admin_screen(window, qtbot)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "Administration" in titles
    assert [screen.tabs.tabText(i) for i in range(screen.tabs.count())][:2] == ["Staff", "Stations"]
    assert screen.tabs.count() == len(SECTIONS)


def test_add_a_user_with_roles_badge_and_a_card_that_scans(window, qtbot, ctx, tmp_path):
    staff = _admin_screen(window, qtbot).section("Staff")
    staff.new_button.click()
    staff.username.setText("lin")
    staff.name.setText("<b>林</b> Lin")
    staff.role_boxes["packer"].setChecked(True)
    staff.role_boxes["shipping"].setChecked(True)
    staff.badge.setText("BADGE-LIN-7")
    staff.pin.setText("4826")
    assert staff.save(), window.feedback.history
    lin = queries.user(ctx.sessions, "lin")
    assert lin.roles == ("packer", "shipping") and lin.has_badge and lin.name == "<b>林</b> Lin"
    row = [staff.table.item(r, 0).text() for r in range(staff.table.rowCount())].index("lin")
    assert staff.table.item(row, 1).text() == "<b>林</b> Lin"  # a table item is plain text
    pdf = staff.save_card(str(tmp_path / "lin.pdf"))
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(pdf), str(tmp_path / "card")], check=True)
    png = next(tmp_path.glob("card*.png"))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True)
    assert decoded.returncode == 0 and decoded.stdout.strip() == "BADGE-LIN-7"


def test_bad_input_is_one_line_and_changes_nothing(window, qtbot, ctx):
    staff = _admin_screen(window, qtbot).section("Staff")
    staff.new_button.click()
    staff.username.setText("kim")
    staff.name.setText("Kim")
    staff.role_boxes["packer"].setChecked(True)
    staff.pin.setText("1111")
    assert not staff.save()
    assert "pin" in window.feedback.history[-1][1] or "PIN" in window.feedback.history[-1][1]
    staff.pin.setText("4826")
    staff.badge.setText("BADGE-PACKER-1")  # packer1's
    assert not staff.save()
    assert "packer1" in window.feedback.history[-1][1]
    assert queries.user(ctx.sessions, "kim") is None


def test_deactivating_a_user_logs_them_out_at_their_station(window, qtbot, ctx, station_app):
    from app.admin import staff as staff_service
    from app.orders.supervision import sign_in
    from app.uow import Actor

    sign_in(ctx.sessions, "STATION-2", queries.user_id(ctx.sessions, "packer2"))
    staff = _admin_screen(window, qtbot).section("Staff")
    staff.select("packer2")
    staff.active.setChecked(False)
    assert staff.save(), window.feedback.history
    stations = {r.name: r for r in queries.stations(ctx.sessions)}
    assert stations["STATION-2"].user is None
    # The station where the admin sits sees its own user deactivated (by another admin) and logs out.
    staff_service.add_user(ctx.sessions, "admin2", "Second admin", "admin", "4826", Actor.system())
    staff_service.set_user(ctx.sessions, "admin", Actor(user="admin2", role="admin"), active=False)
    window._on_change("user", "admin")
    assert window.env is None


def test_stations_register_list_and_printers_of_another_station(window, qtbot, ctx, tmp_path):
    from app.shipping import printqueue
    from app.uow import UnitOfWork

    section = _admin_screen(window, qtbot).section("Stations")
    names = [section.table.item(r, 0).text() for r in range(section.table.rowCount())]
    assert names == ["STATION-1", "STATION-2"]
    section.new_name.setText("BENCH-7")
    section.new_warehouse.setCurrentIndex(section.new_warehouse.findData("SH1"))
    assert section.add_station(), window.feedback.history
    section.choose("BENCH-7")
    assert "BENCH-7" in section.printer_box.title()
    section.printer_rows["label"].uri.setText(f"file://{tmp_path}")
    job = section.test_print("label")
    assert job is not None, window.feedback.history
    with UnitOfWork(ctx.sessions) as uow:
        assert [j.id for j in printqueue.pending(uow.session, "BENCH-7")] == [job]
        assert printqueue.pending(uow.session, "STATION-1") == []
    row = [section.table.item(r, 0).text() for r in range(section.table.rowCount())].index("BENCH-7")
    assert section.table.item(row, 1).text() == "SH1"
    assert section.table.item(row, 4).text() == "Labels"
    section.choose("STATION-1")
    section.choose("BENCH-7")
    assert section.printer_rows["label"].uri.text() == f"file://{tmp_path}"
    me = [section.table.item(r, 0).text() for r in range(section.table.rowCount())].index("STATION-1")
    assert "Administrator" in section.table.item(me, 3).text()
    assert section.table.item(row, 5).text() == "not reported yet"  # never started
    # Another station reports its devices when it starts: every station's show here
    from types import SimpleNamespace

    from app.admin.sites import report_devices

    report_devices(ctx.sessions, "BENCH-7", [SimpleNamespace(kind="scanner", port="/dev/ttyUSB0"),
                                             SimpleNamespace(kind="scale", port="/dev/ttyS1")])
    section.reload()
    assert section.table.item(row, 5).text() == "scanner /dev/ttyUSB0, scale /dev/ttyS1"
    section.new_name.setText("BENCH-7")
    assert not section.add_station()
    assert "already a station BENCH-7" in window.feedback.history[-1][1]


def test_the_screen_reads_in_chinese(window, qtbot, ctx, station_app):
    from app.ui.app import install_language

    install_language(station_app, "zh_CN")
    window.rebuild("zh_CN")
    screen = _admin_screen(window, qtbot)
    titles = [screen.tabs.tabText(i) for i in range(screen.tabs.count())]
    assert titles[:2] == ["员工", "工位"]
    staff = screen.section("Staff")
    assert staff.role_boxes["packer"].text() == "打包员"
