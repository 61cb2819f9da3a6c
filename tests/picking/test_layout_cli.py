"""``station layout load|show`` on both databases."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from app.cli.main import main
from app.context import open_context
from db.models import Bin, Warehouse

LAYOUTS = Path(__file__).resolve().parents[2] / "resources" / "layouts"


def test_layout_load_creates_bins_and_reload_moves_them(db_url, capsys, tmp_path):
    two = LAYOUTS / "two_blocks.json"
    assert main(["--db", db_url, "layout", "load", str(two), "--warehouse", "WH9", "--json"]) == 1
    assert "no warehouse with code WH9" in capsys.readouterr().err
    assert main(["--db", db_url, "layout", "load", str(two), "--warehouse", "WH9", "--create", "Test", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"warehouse": "WH9", "bins_added": 840, "bins_moved": 0, "bins": 840, "blocks": 2, "aisles": 10}
    # Same file again: nothing new. A layout with the middle cross aisle moved: bins at 15 m come back,
    # bins now on the cross aisle (20 m) leave service.
    assert main(["--db", db_url, "layout", "load", str(two), "--warehouse", "WH9", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["bins_added"] == 0
    moved = json.loads(two.read_text())
    moved["cross_aisles"] = [0.0, 20.0, 30.0]
    (tmp_path / "moved.json").write_text(json.dumps(moved))
    assert main(["--db", db_url, "layout", "load", str(tmp_path / "moved.json"), "--warehouse", "WH9", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["bins_added"] == 30
    ctx = open_context(db_url, migrate_schema=False)
    try:
        with ctx.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Bin).where(Bin.quarantine.is_(True))) == 30
            assert s.scalar(select(Warehouse.layout).where(Warehouse.code == "WH9"))["cross_aisles"] == [0.0, 20.0, 30.0]
    finally:
        ctx.dispose()
    assert main(["--db", db_url, "layout", "show", "--warehouse", "WH9", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cross_aisles"] == [0.0, 20.0, 30.0]


def test_a_bad_layout_file_changes_nothing(db_url, capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"aisles": 4, "aisle_width": 3, "aisle_length": 30, "depot": {"x": 1, "y": 4}}))
    assert main(["--db", db_url, "layout", "load", str(bad), "--warehouse", "WH9", "--create", "Test"]) == 1
    assert "off the cross aisles" in capsys.readouterr().err
    ctx = open_context(db_url, migrate_schema=False)
    try:
        with ctx.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Warehouse)) == 0
    finally:
        ctx.dispose()


def test_layout_load_acts_as_a_proved_admin(db_url, capsys, monkeypatch):
    """contracts.md "Who acts": a packer proved by PIN may not load a layout; an admin may."""
    from app.admin import staff
    from app.uow import Actor

    ctx = open_context(db_url)
    try:
        staff.add_user(ctx.sessions, "pat", "Pat", "packer", "5937", Actor.system())
        staff.add_user(ctx.sessions, "lena", "Lena", "admin", "4826", Actor.system())
    finally:
        ctx.dispose()
    two = str(LAYOUTS / "two_blocks.json")
    monkeypatch.setenv("STATION_PIN", "5937")
    assert main(["--db", db_url, "layout", "load", two, "--warehouse", "WH9", "--create", "Test", "--user", "pat"]) == 2
    assert "may not do this" in capsys.readouterr().err
    monkeypatch.setenv("STATION_PIN", "4826")
    assert main(["--db", db_url, "layout", "load", two, "--warehouse", "WH9", "--create", "Test", "--user", "lena"]) == 0
