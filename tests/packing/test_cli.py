"""``station pack`` as contracts.md describes it, and a station killed with SIGKILL mid-pack."""

from __future__ import annotations

import json
import os
import select as select_mod
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from app.cli.main import main
from app.devices.rfid import sgtin96
from db.models import Order, OrderEvent, OrderLine
from db.models.packing import PackBoxItem, PackScan
from tests.packing.factories import gs1

ROOT = Path(__file__).resolve().parents[2]


def _write_scans(path: Path, scans: list[str]) -> Path:
    path.write_bytes(b"".join(s.encode("utf-8") + b"\n" for s in scans))
    return path


def _run(capsys, *argv) -> tuple[int, list[dict]]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, [json.loads(line) for line in out.splitlines() if line.strip()]


def test_pack_from_a_file_prints_one_object_a_scan_then_the_status(ctx, bench, order_factory, tmp_path, capsys):
    number = order_factory([("P-MUG", 1), ("P-CABLE", 2), ("P-SHIRT", 1)])
    scans = _write_scans(tmp_path / "scans.txt", [
        "]E0" + bench.gtins["P-MUG"][1:],
        gs1(bench.gtins["P-CABLE"]),           # GS1-128 with its AIM prefix
        bench.gtins["P-BOOK"],                 # not in the order
        "not a barcode \x07",                  # garbled
        "epc:" + sgtin96(bench.gtins["P-CABLE"], 77, 7),
        "epc:FFFF",                            # not a GS1 EPC
    ])
    code, objects = _run(capsys, "pack", number, "--scans", str(scans), "--station", bench.station, "--db", ctx.settings.db_url, "--json")
    assert code == 0
    assert [o["verdict"] for o in objects[:-1]] == ["ok", "ok", "refused", "not_understood", "ok", "not_understood"]
    for o in objects[:-1]:
        assert {"scan", "verdict", "reason"} <= set(o)
    assert objects[1]["scan"].startswith("]C1") and objects[2]["reason"] == "wrong_item"
    assert objects[-1]["status"] == "packing"
    # A second call goes on where the first stopped.
    rest = _write_scans(tmp_path / "rest.txt", [bench.gtins["P-SHIRT"]])
    code, objects = _run(capsys, "pack", number, "--scans", str(rest), "--station", bench.station, "--db", ctx.settings.db_url, "--json")
    assert code == 0
    assert objects[0]["verdict"] == "complete"
    assert objects[-1]["status"] == "labelled"


def test_gs_separators_arrive_as_bytes(ctx, bench, order_factory, tmp_path, capsys):
    number = order_factory([("P-CREAM", 1)])
    scans = tmp_path / "gs.txt"
    expiry = time.strftime("%y%m%d", time.gmtime(time.time() + 400 * 86400))
    scans.write_bytes(b"]C101" + bench.gtins["P-CREAM"].encode() + b"10LOT-9\x1d17" + expiry.encode() + b"\r\n")
    code, objects = _run(capsys, "pack", number, "--scans", str(scans), "--station", bench.station, "--db", ctx.settings.db_url, "--json")
    assert code == 0 and objects[0]["verdict"] == "complete", objects


def test_errors_are_one_line_and_a_non_zero_exit(ctx, bench, order_factory, tmp_path, capsys):
    scans = _write_scans(tmp_path / "s.txt", [bench.gtins["P-MUG"]])
    code = main(["pack", "NO-SUCH", "--scans", str(scans), "--station", bench.station, "--db", ctx.settings.db_url])
    err = capsys.readouterr().err
    assert code != 0 and err.startswith("station: ") and len(err.strip().splitlines()) == 1
    held = order_factory([("P-MUG", 1)], station=bench.other_station, status="packing")
    code = main(["pack", held, "--scans", str(scans), "--station", bench.station, "--db", ctx.settings.db_url])
    assert code != 0 and "PACK-2" in capsys.readouterr().err
    number = order_factory([("P-MUG", 1)])
    code = main(["pack", number, "--scans", str(tmp_path / "missing.txt"), "--station", bench.station, "--db", ctx.settings.db_url])
    assert code != 0 and "missing.txt" in capsys.readouterr().err


def _consistent(ctx, number) -> tuple[int, int, int, int]:
    """(ticks on the lines, units in boxes, units the journal says were ticked, journal rows)."""
    with ctx.sessions() as s:
        order_id = s.scalar(select(Order.id).where(Order.number == number))
        ticks = s.scalar(select(func.sum(OrderLine.packed_quantity)).where(OrderLine.order_id == order_id)) or 0
        boxed = s.scalar(select(func.coalesce(func.sum(PackBoxItem.quantity), 0)).where(PackBoxItem.order_id == order_id))
        journal_units = s.scalar(select(func.coalesce(func.sum(PackScan.quantity), 0)).where(PackScan.order_id == order_id,
                                                                                            PackScan.verdict.in_(("ok", "complete"))))
        rows = s.scalar(select(func.count()).select_from(PackScan).where(PackScan.order_id == order_id))
    return int(ticks), int(boxed), int(journal_units), int(rows)


def test_kill_9_mid_pack_loses_nothing_and_a_second_run_goes_on(ctx, bench, order_factory, tmp_path):
    number = order_factory([("P-CABLE", 6), ("P-BOOK", 1)])
    fifo = tmp_path / "scanner"
    os.mkfifo(fifo)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli.main", "pack", number, "--scans", str(fifo), "--station", bench.station,
         "--db", ctx.settings.db_url, "--json"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    writer = open(fifo, "wb", buffering=0)
    acknowledged = 0
    try:
        for _ in range(3):
            writer.write(bench.gtins["P-CABLE"].encode() + b"\n")
            ready, _, _ = select_mod.select([proc.stdout], [], [], 60)
            assert ready, proc.stderr.read1(4096) if proc.poll() is not None else "no answer in 60 s"
            answer = json.loads(proc.stdout.readline())
            assert answer["verdict"] == "ok"
            acknowledged += 1
        # A fourth scan goes in, and the station dies at once: in the middle of handling it, or before.
        writer.write(bench.gtins["P-CABLE"].encode() + b"\n")
        time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        writer.close()
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    ticks, boxed, journal_units, rows = _consistent(ctx, number)
    # Nothing acknowledged is lost; whatever was stored is whole (tick, box item and journal row together).
    assert acknowledged <= ticks <= acknowledged + 1
    assert ticks == boxed == journal_units == rows
    # The second run gets the rest of the scanner's input.
    rest = _write_scans(tmp_path / "rest.txt", [bench.gtins["P-CABLE"]] * (6 - ticks) + [bench.gtins["P-BOOK"]])
    result = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "pack", number, "--scans", str(rest), "--station", bench.station,
         "--db", ctx.settings.db_url, "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["verdict"] for o in objects[:-1]] == ["ok"] * (6 - ticks) + ["complete"]
    assert objects[-1]["status"] == "labelled"
    ticks, boxed, journal_units, rows = _consistent(ctx, number)
    assert ticks == boxed == journal_units == 7


def test_a_scale_reading_line_checks_the_weight(ctx, bench, order_factory, tmp_path, capsys):
    number = order_factory([("P-BOOK", 1)])
    # A reading from before the last item went in is old: the box waits for a weighing of its own.
    scans = _write_scans(tmp_path / "w.txt", ["weight:50g", bench.gtins["P-BOOK"]])
    code, objects = _run(capsys, "pack", number, "--scans", str(scans), "--station", bench.station, "--db", ctx.settings.db_url, "--json")
    assert code == 0
    assert (objects[-2]["verdict"], objects[-2]["reason"], objects[-2]["next"]) == ("ok", "weigh", "weigh")
    expected = objects[-2]["expected_g"]
    assert expected > 400
    assert objects[-1]["status"] == "packing"
    # The box on the scale, weighing 50 g: refused once, the order stays packing.
    scans = _write_scans(tmp_path / "w2.txt", ["weight:50g"])
    code, objects = _run(capsys, "pack", number, "--scans", str(scans), "--station", bench.station, "--db", ctx.settings.db_url, "--json")
    assert code == 0
    assert (objects[-2]["verdict"], objects[-2]["reason"], objects[-2]["next"]) == ("refused", "weight_mismatch", "weigh")
    assert objects[-1]["status"] == "packing"
    # Put right, on the scale again: packed and labelled.
    scans = _write_scans(tmp_path / "w3.txt", [f"weight:{expected + 7}g"])
    code, objects = _run(capsys, "pack", number, "--scans", str(scans), "--station", bench.station, "--db", ctx.settings.db_url, "--json")
    assert code == 0
    assert objects[-2]["verdict"] == "complete" and objects[-1]["status"] == "labelled"
    with ctx.sessions() as s:
        order_id = s.scalar(select(Order.id).where(Order.number == number))
        kinds = [k for k in s.scalars(select(OrderEvent.kind).where(OrderEvent.order_id == order_id))]
        journal = list(s.scalars(select(PackScan.kind).where(PackScan.order_id == order_id)))
    assert kinds.count("weight_mismatch") == 1  # told once, for its one weighing
    assert "weight" not in journal  # weighings are not scans


def test_the_command_barcode_sheet_reads_back_every_command_and_count(tmp_path, capsys):
    from app.devices.commands import Command, command_barcode

    code, objects = _run(capsys, "commands", "-o", str(tmp_path / "sheet.pdf"), "--json")
    assert code == 0 and objects[0]["file"].endswith("sheet.pdf")
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "sheet.pdf"), str(tmp_path / "sheet")],
                   check=True, timeout=60)
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "sheet.png")], capture_output=True, text=True,
                             timeout=60).stdout.split()
    assert sorted(decoded) == sorted([command_barcode(c) for c in Command] + [str(n) for n in range(1, 11)])
    text = subprocess.run(["pdftotext", str(tmp_path / "sheet.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Next order" in text and "下一单" in text and "去皮" in text
