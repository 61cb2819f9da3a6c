"""Runnable device simulators (scanner, RFID reader, scale) on pseudo-terminals; see app.devices.simulators."""
