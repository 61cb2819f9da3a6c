"""The device set-up screen is a tab of supervisors and administrators: it saves the station's devices to its
config file and the running station reads with them at once; a device being tested has its port to itself."""

from __future__ import annotations

import json

import pytest

from app.config import DeviceConfig, load_settings
from app.ui.devices.bridge import DeviceBridge
from tests.ui.conftest import login


@pytest.mark.parametrize("badge, sees", [("BADGE-ADMIN", True), ("BADGE-SUPER-1", True), ("BADGE-PACKER-1", False),
                                         ("BADGE-SERVICE-1", False)])
def test_devices_are_set_up_by_supervisors_and_administrators(window, qtbot, badge, sees):
    login(window, qtbot, badge)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert ("Devices" in titles) == sees
    assert window.open_screen("devices") == sees


def test_saved_devices_are_in_the_config_file_and_in_use_at_once(window, qtbot, ctx, station_config):
    bridge = DeviceBridge(window)  # the station's own bridge, as attach_to_window leaves it on the window
    window.device_bridge = bridge
    try:
        login(window, qtbot, "BADGE-SUPER-1")
        assert window.open_screen("devices")
        screen = window.screens["devices"]
        assert screen.device_list.count() == 0
        screen.kind.setCurrentIndex(screen.kind.findData("scanner"))
        screen.port.setEditText("/dev/ttyUSB-station-test")
        screen.terminator.setText(r"\r")

        screen.test_button.click()  # the station's readers let go of the port while it is tested
        assert screen.test_reader is not None and bridge.readers == []
        screen.save()  # the test stops; the station reads with what was saved
        assert screen.test_bridge is None
        assert [r.config.port for r in bridge.readers] == ["/dev/ttyUSB-station-test"]
        assert bridge.state("scanner") in ("searching", "disconnected")

        saved = load_settings(path=station_config)
        assert [(d.kind, d.port, d.terminator) for d in saved.devices] == [("scanner", "/dev/ttyUSB-station-test", "\r")]
        assert json.loads(station_config.read_text(encoding="utf-8"))["db_url"] == ""  # --db is not written
        assert ctx.settings.devices == saved.devices

        screen.remove_device()
        screen.test_button.click()
        assert bridge.readers == []
        window.logout()  # the test running at log-out stops; the station's reader comes back
        assert [r.config.port for r in bridge.readers] == ["/dev/ttyUSB-station-test"]
    finally:
        bridge.stop()


def test_the_screen_alone_still_saves_without_a_station(qtbot, station_config):
    from app.config import Settings
    from app.ui.devices.setup import DeviceSetupScreen

    screen = DeviceSetupScreen(Settings(devices=[DeviceConfig(kind="scale", port="/dev/ttyS9", protocol="mt-sics")]),
                               config_path=station_config, lister=lambda: [])
    qtbot.addWidget(screen)
    screen.save()
    assert [d.port for d in load_settings(path=station_config).devices] == ["/dev/ttyS9"]
