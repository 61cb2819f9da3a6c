"""Demo mode's devices: a simulated scanner, RFID reader and scale, read through the real reader threads, and
a virtual label printer (a folder).

``DemoDevices(bridge)`` opens the three simulators (:mod:`app.devices.simulators`) on pseudo-terminals and
starts a :class:`DeviceReader` for each into ``bridge``: everything downstream - parsers, hot-plug, the
bridge's signals - is the code that runs with hardware. :meth:`DemoDevices.virtual_scanner` gives the
on-screen row of virtual devices; :meth:`DemoDevices.place_tote` puts tagged items in the reader's field;
``scale.set_weight(grams)`` puts a parcel on the scale.

The demo's "hand": a newcomer has no parcel to put on a scale, so when the pack screen asks for a box to be
weighed (:meth:`on_pack_answer`), the demo puts the box on the simulated scale - its expected weight with a
few grams of noise, or, as the row of virtual devices chooses, a wrong weight (to see the check) or nothing -
and takes it off again once it is closed. The scale answers through MT-SICS like a real one.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QTimer

from app.config import DeviceConfig
from app.devices.reader import DeviceReader
from app.devices.rfid import sgtin96
from app.devices.simulators import RfidReaderSimulator, ScaleSimulator, ScannerSimulator

BOX_MODES = ("right", "wrong", "none")
TAKE_OFF_AFTER_MS = 1500  # a closed box is lifted off the scale
WRONG_SHARE = 0.6  # a "wrong weight": the box as if an item were missing


class DemoDevices:
    def __init__(self, bridge, *, company_prefix: str = "0614141", printer_folder: Path | None = None,
                 seed: int | None = None) -> None:
        self.bridge = bridge
        self.company_prefix = company_prefix
        self.printer_folder = printer_folder
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
        self.box_mode = "right"
        self.last_expected: int | None = None
        self._noise = random.Random(seed)
        self._box_on = False
        self._waiting = False  # a box waits to be weighed (asked for, not closed yet)
        self._boxes = 0  # boxes put on so far: a box is lifted off only if no other went on since

    def virtual_scanner(self, samples=(), parent=None):
        from app.ui.devices.virtual_scanner import VirtualScanner

        return VirtualScanner(self.bridge, simulator=self.scanner, samples=samples, demo=self, parent=parent)

    def place_tote(self, items: Mapping[str, int]) -> list[str]:
        """Tag ``quantity`` units of each GTIN (of the demo's company prefix) and put them in the field."""
        epcs = []
        for gtin, quantity in items.items():
            for _ in range(quantity):
                self._serial += 1
                epcs.append(sgtin96(gtin, self._serial, len(self.company_prefix)))
        self.rfid.place(epcs)
        return epcs

    # --- the demo's hand at the scale -----------------------------------------------------------------------
    def set_box_mode(self, mode: str) -> None:
        if mode not in BOX_MODES:
            raise ValueError(f"box mode is one of {BOX_MODES}")
        self.box_mode = mode
        if self._waiting and mode != "none":  # the box that waits, put on again as now chosen
            self.put_box(mode)

    def on_pack_answer(self, answer) -> None:
        """The pack screen's answers: a box to weigh goes on the scale; a closed box comes off."""
        if answer.next_step == "weigh" and answer.reason == "weigh" and answer.expected_g:
            self.last_expected = int(answer.expected_g)
            self._waiting = True
            self.put_box(self.box_mode)
        elif answer.reason == "box_closed" or answer.verdict == "complete":
            self._waiting = False
            if self._box_on:
                box = self._boxes
                QTimer.singleShot(TAKE_OFF_AFTER_MS, lambda: self._boxes == box and self.take_box_off())

    def put_box(self, mode: str = "right") -> None:
        """Put the box that waits on the scale: its weight (give or take a few grams), a wrong one, or nothing."""
        if self.last_expected is None or mode == "none":
            return
        if mode == "wrong":
            grams = round(self.last_expected * WRONG_SHARE)
        else:
            grams = self.last_expected + self._noise.randint(-3, 3)
        self._box_on = True
        self._boxes += 1
        self.scale.set_weight(float(grams))

    def take_box_off(self) -> None:
        self._box_on = False
        self.scale.set_weight(0.0)

    def close(self) -> None:
        for reader in self.readers:
            reader.stop()
        for sim in (self.scanner, self.rfid, self.scale):
            sim.close()
