"""The demo's main path as a newcomer walks it, end to end: ``station gui --demo`` on a fresh home, in a real
window on a virtual screen (Xvfb, 1366 x 768, no window manager), the badge typed as a keyboard-wedge scanner
types it (xdotool), F2, every unit of the order typed the same way, and the label at the (virtual) printer:
a PDF whose barcode decodes to the order's tracking number. In English, and in Chinese for a packer whose
account reads Chinese. Screenshots of each step are kept in the test's folder.

Nothing here calls the services directly: the station is its own process, driven only by keys. The database
is read to know which items to scan and to check what happened.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("Xvfb", "xdotool", "import", "pdftoppm", "zbarimg")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(any(shutil.which(t) is None for t in TOOLS) and not os.environ.get("CI"),
                       reason=f"needs {', '.join(TOOLS)} (scripts/setup-env --test installs them)"),
]


class Screen:
    """A virtual 1366 x 768 screen with no window manager, as a kiosk pack bench may have."""

    def __init__(self, folder: Path) -> None:
        read, write = os.pipe()
        self.process = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                                        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as stream:
            self.display = ":" + stream.readline().strip()
        self.folder = folder
        self.shots = 0

    def run(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(args, env={**os.environ, "DISPLAY": self.display}, capture_output=True, text=True, timeout=30)
        if check and done.returncode != 0:
            raise AssertionError(f"{args[0]} failed: {done.stderr}")
        return done.stdout

    def type(self, text: str) -> None:
        """What a keyboard-wedge scanner does: the characters a few milliseconds apart, then Enter."""
        self.run("xdotool", "type", "--delay", "5", text)
        self.run("xdotool", "key", "Return")

    def key(self, name: str) -> None:
        self.run("xdotool", "key", name)

    def shot(self, name: str) -> Path:
        self.shots += 1
        path = self.folder / f"{self.shots:02d}-{name}.png"
        self.run("import", "-window", "root", str(path))
        return path

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def _wait(condition, timeout: float, what: str, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"waited {timeout:.0f} s for {what}")


def _query(db: Path, sql: str, *args):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
        return conn.execute(sql, args).fetchall()


@pytest.fixture
def station(tmp_path):
    screen = Screen(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "STATION_", "QT_"))}
    env.update(HOME=str(home), DISPLAY=screen.display, PYTHONUNBUFFERED="1")
    log = open(tmp_path / "station.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "app.cli.main", "gui", "--demo", "--demo-orders", "400"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    data = home / ".local" / "share" / "warehouse-station"
    try:
        yield screen, process, data, tmp_path / "station.log"
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        screen.close()


@pytest.mark.parametrize("badge,language", [("BADGE-PACKER-1", "en"), ("BADGE-PACKER-2", "zh_CN")])
def test_a_newcomer_packs_the_demo_order_to_a_label_by_scanning_alone(station, badge, language):
    screen, process, data, log = station
    db = data / "demo.db"
    _wait(lambda: process.poll() is not None or screen.run("xdotool", "search", "--name", "Warehouse Station", check=False),
          180, "the station's window")
    assert process.poll() is None, log.read_text()
    time.sleep(2)  # the devices (the demo's simulated scanner, scale, RFID reader) come up after the window
    screen.shot("log-in")

    screen.type(badge)
    user = badge.replace("BADGE-PACKER-", "packer")
    _wait(lambda: _query(db, "SELECT 1 FROM stations s JOIN users u ON u.id = s.user_id WHERE s.name = 'STATION-1' "
                             "AND u.username = ?", user), 20, "the log-in")
    time.sleep(1)
    screen.key("F2")
    rows = _wait(lambda: _query(db, "SELECT o.id, o.number FROM orders o JOIN stations s ON s.id = o.station_id "
                                    "WHERE s.name = 'STATION-1' AND o.status = 'packing'"), 20, "an order at the station")
    assert len(rows) == 1, rows  # one order at a time at a pack bench
    order_id, number = rows[0]
    time.sleep(1)
    screen.shot("order-open")

    lines = _query(db, "SELECT l.quantity - l.packed_quantity, l.product_id, p.tracks_lot, p.tracks_serial, p.tracks_expiry "
                       "FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = ? ORDER BY l.line_no",
                   order_id)
    units = []
    for left, product_id, lot, serial, expiry in lines:
        gtin = _query(db, "SELECT gtin FROM product_gtins WHERE product_id = ? AND units = 1 ORDER BY gtin", product_id)[0][0]
        units += [(gtin, bool(lot), bool(serial), bool(expiry))] * left
    assert units, "the order has units to pack"
    for i, (gtin, lot, serial, expiry) in enumerate(units):
        screen.type(gtin)
        time.sleep(0.3)  # a person's pace between items
        for needed, value in ((lot, f"LOT{i:04d}"), (expiry, "301231"), (serial, f"SN{order_id}{i:04d}")):
            if needed:
                screen.type(value)
                time.sleep(0.3)
    last_scan = time.monotonic()
    screen.shot("last-scan")

    # The demo's scale takes the closed box; the label goes to the virtual printer with no click.
    printer = data / "demo-printer"
    labels = _wait(lambda: [p for p in printer.glob("*label*.pdf")] if printer.is_dir() else [], 15, "the label at the printer",
                   step=0.02)
    to_label = time.monotonic() - last_scan
    status, tracking = _query(db, "SELECT status, tracking_number FROM orders WHERE id = ?", order_id)[0]
    assert status == "labelled" and tracking, (status, log.read_text()[-3000:])
    assert to_label < 3.0, f"last scan to label at the printer took {to_label:.2f} s"
    time.sleep(0.5)
    screen.shot("labelled")

    # The label is a real one: its barcode reads back as the parcel's tracking number.
    png = labels[0].with_suffix("")
    subprocess.run(["pdftoppm", "-r", "203", "-png", "-singlefile", str(labels[0]), str(png)], check=True, timeout=60)
    decoded = subprocess.run(["zbarimg", "--raw", "-q", f"{png}.png"], capture_output=True, text=True, timeout=60)
    assert tracking in decoded.stdout.split(), decoded.stdout

    # The scan journal holds the scans and only them; the timeline has no event of the scale's own.
    kinds = [k for (k,) in _query(db, "SELECT kind FROM pack_scans WHERE order_id = ?", order_id)]
    assert "weight" not in kinds and len(kinds) == len(units) + sum(a + b + c for _, a, b, c in units)
    events = [k for (k,) in _query(db, "SELECT kind FROM order_events WHERE order_id = ? ORDER BY id", order_id)]
    assert events[-3:] == ["box_closed", "packed", "labelled"], events
    assert "weight_mismatch" not in events and "scan_refused" not in events
    measured, expected = _query(db, "SELECT measured_weight_g, expected_weight_g FROM pack_boxes WHERE order_id = ?",
                                order_id)[0]
    assert measured is not None and abs(measured - expected) <= 5  # weighed on the demo's scale, and it matched
    if language == "zh_CN":
        assert _query(db, "SELECT language FROM users WHERE username = ?", user)[0][0].startswith("zh")
