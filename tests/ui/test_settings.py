import json

from tests.ui.conftest import login


def test_switching_to_chinese_translates_every_screen_and_is_saved(window, qtbot, ctx, station_config):
    login(window, qtbot, "BADGE-SUPER-1")
    window.open_screen("settings")
    settings = window.screens["settings"]
    settings.language.setCurrentIndex(settings.language.findData("zh_CN"))
    settings.save_button.click()
    assert json.loads(station_config.read_text(encoding="utf-8"))["language"] == "zh_CN"
    assert json.loads(station_config.read_text(encoding="utf-8"))["db_url"] == ""  # --db is not persisted
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert {"订单队列", "审核台", "主管看板", "设置"} <= set(titles)
    assert window.current_screen_name() == "settings"
    queue = window.screens["queue"]
    assert queue.view.model.headerData(0, __import__("PySide6.QtCore").QtCore.Qt.Horizontal) == "订单"
    assert "个订单" in queue.view.count_label.text()
    window.logout()
    assert window.login.login_button.text() == "登录(&L)"
    # And back, from the log-in screen's own switch.
    window.login.language.setCurrentIndex(window.login.language.findData("en"))
    window.login.language.activated.emit(window.login.language.currentIndex())
    assert window.login.login_button.text() == "&Log in"


def test_a_packer_may_not_rename_the_station(window, qtbot):
    login(window, qtbot, "BADGE-PACKER-1")
    settings = window.screens["settings"]
    assert not settings.station.isEnabled() and settings.language.isEnabled()
