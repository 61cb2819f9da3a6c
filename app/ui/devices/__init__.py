"""Devices in the GUI: :class:`DeviceBridge` (device events as Qt signals on the GUI thread),
:class:`KeyboardWedgeFilter` (keyboard-wedge scans, whatever has focus), :class:`DeviceSetupScreen`,
:class:`VirtualScanner` and :class:`DemoDevices` (demo mode without hardware). See each module."""

from app.ui.devices.bridge import DeviceBridge
from app.ui.devices.wedge import KeyboardWedgeFilter

__all__ = ["DeviceBridge", "KeyboardWedgeFilter"]
