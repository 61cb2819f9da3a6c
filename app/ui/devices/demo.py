"""Demo mode's devices: a simulated scanner, RFID reader and scale, read through the real reader threads.

``DemoDevices(bridge)`` opens the three simulators (:mod:`app.devices.simulators`) on pseudo-terminals and
starts a :class:`DeviceReader` for each into ``bridge``: everything downstream - parsers, hot-plug, the
bridge's signals - is the code that runs with hardware. :meth:`DemoDevices.virtual_scanner` gives the
on-screen scanner wired to the simulated one; :meth:`DemoDevices.place_tote` puts tagged items in the
reader's field; ``scale.set_weight(grams)`` puts a parcel on the scale.
"""

from __future__ import annotations

from typing import Mapping

from app.config import DeviceConfig
from app.devices.reader import DeviceReader
from app.devices.rfid import sgtin96
from app.devices.simulators import RfidReaderSimulator, ScaleSimulator, ScannerSimulator


class DemoDevices:
    def __init__(self, bridge, *, company_prefix: str = "0614141") -> None:
        self.bridge = bridge
        self.company_prefix = company_prefix
        self.scanner = ScannerSimulator()
        self.rfid = RfidReaderSimulator()
        self.scale = ScaleSimulator(mode="mt-sics", unit="g")
        self.configs = [
            DeviceConfig(kind="scanner", port=self.scanner.path),
            DeviceConfig(kind="rfid", port=self.rfid.path, baudrate=115200, protocol="r2000"),
            DeviceConfig(kind="scale", port=self.scale.path, protocol="mt-sics"),
        ]
        self.readers = [
            bridge.add_reader(DeviceReader(config, bridge.post, name=f"demo-{config.kind}")) for config in self.configs
        ]
        self._serial = 0

    def virtual_scanner(self, samples=(), parent=None):
        from app.ui.devices.virtual_scanner import VirtualScanner

        return VirtualScanner(self.bridge, simulator=self.scanner, samples=samples, parent=parent)

    def place_tote(self, items: Mapping[str, int]) -> list[str]:
        """Tag ``quantity`` units of each GTIN (of the demo's company prefix) and put them in the field."""
        epcs = []
        for gtin, quantity in items.items():
            for _ in range(quantity):
                self._serial += 1
                epcs.append(sgtin96(gtin, self._serial, len(self.company_prefix)))
        self.rfid.place(epcs)
        return epcs

    def close(self) -> None:
        for reader in self.readers:
            reader.stop()
        for sim in (self.scanner, self.rfid, self.scale):
            sim.close()
