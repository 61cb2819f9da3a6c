"""The UI tests' world and window (tests/ui/conftest.py) for the Administration screen's tests."""

from tests.ui.conftest import station_app, station_config, window, world  # noqa: F401
