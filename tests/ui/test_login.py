from PySide6.QtCore import Qt
from sqlalchemy import select

from db.models import Station
from tests.ui.conftest import login


def test_badge_login_shows_the_screens_of_the_role(window, qtbot, ctx):
    assert window.stack.currentWidget() is window.login
    window.handle_scan("BADGE-PACKER-1")
    assert window.env.username == "packer1"
    assert {"queue", "settings"} <= set(window.screens)
    assert not {"review", "supervisor"} & set(window.screens)
    assert window.screens["queue"].packer
    with ctx.sessions() as s:
        station = s.scalar(select(Station).where(Station.name == "STATION-1"))
        assert station.user_id == window.env.user_id
    window.logout()
    assert window.env is None and window.stack.currentWidget() is window.login


def test_supervisor_and_service_see_their_desks(window, qtbot):
    login(window, qtbot, "BADGE-SUPER-1")
    assert {"queue", "review", "supervisor", "settings"} <= set(window.screens)
    window.logout()
    login(window, qtbot, "BADGE-SERVICE-1")
    assert {"queue", "review", "settings"} <= set(window.screens)
    assert "supervisor" not in window.screens


def test_pin_login_and_wrong_credentials(window, qtbot):
    screen = window.login
    screen.username.setText("super1")
    screen.pin.setText("1111")
    qtbot.mouseClick(screen.login_button, Qt.LeftButton)
    assert window.env is None
    assert "Not recognised" in screen.message.text()
    assert window.feedback.history[-1][0] == "bad"
    window.handle_scan("BADGE-NOBODY")
    assert window.env is None
    screen.username.setText("super1")
    screen.pin.setText("2222")
    screen.pin.returnPressed.emit()
    assert window.env is not None and window.env.role == "supervisor"
    assert window.feedback.history[-1][0] == "good"


def test_command_barcodes_log_out_and_claim(window, qtbot):
    window.handle_scan("CMD:NEXT-ORDER")
    assert window.feedback.history[-1][0] == "bad"  # log in first
    login(window, qtbot, "BADGE-PACKER-1")
    window.handle_scan("CMD:NEXT-ORDER")
    queue = window.screens["queue"]
    assert queue.current_number is not None
    assert queue.current_number in queue.current_label.text()
    window.handle_scan("CMD:BOGUS")
    assert window.feedback.history[-1][0] == "bad"
    window.handle_scan("CMD:LOG-OUT")
    assert window.env is None


def test_the_screens_speak_the_language_of_whoever_logs_in(window, qtbot, ctx, station_app):
    """A shared station: a packer who reads Chinese gets Chinese screens at an English station, and the station
    is English again for the next one to log in; a user with no language of their own keeps the station's."""
    from sqlalchemy import update

    from app.ui.app import install_language
    from db.models import User

    with ctx.sessions() as s, s.begin():
        s.execute(update(User).where(User.username == "packer2").values(language="zh_CN"))
    try:
        window.handle_scan("BADGE-PACKER-2")
        assert window.env.username == "packer2" and window.language == "zh_CN"
        assert window.tabs.tabText(0) == "订单队列"
        assert window.screens["queue"].packer  # the work area is whole after the switch
        window.logout()
        assert window.language == "en" and window.stack.currentWidget() is window.login
        assert window.login.badge.placeholderText() == "Badge"
        window.handle_scan("BADGE-PACKER-1")  # no language of their own
        assert window.language == "en" and window.tabs.tabText(0) == "Order queue"
        window.logout()
        # Settings saved during a session make the language on screen the station's own.
        window.handle_scan("BADGE-PACKER-2")
        window.open_screen("settings")
        window.screens["settings"].save_button.click()
        window.logout()
        assert window.language == "zh_CN" and ctx.settings.language == "zh_CN"
    finally:
        install_language(station_app, "en")
