"""``station pick``: the pick session fed from a file, on both databases."""

from __future__ import annotations

import json

from app.cli.main import main
from app.context import open_context
from app.uow import UnitOfWork
from tests.picking.helpers import make_order, make_warehouse


def test_pick_from_a_scans_file(db_url, tmp_path, capsys):
    ctx = open_context(db_url, migrate_schema=False)
    try:
        with UnitOfWork(ctx.sessions) as uow:
            wh = make_warehouse(uow.session)
            make_order(uow.session, wh, "SO-1", [("MUG-1", 2, "A03-12-2"), ("TEA-2", 1, "A07-25-1")])
            uow.commit()
    finally:
        ctx.dispose()
    scans = tmp_path / "scans.txt"
    scans.write_text("A01-01-1\nA03-12-2\n]E05901234123457\nqty 2\nA07-25-1\n09506000134352\n", encoding="utf-8")
    assert main(["--db", db_url, "pick", "SO-1", "--scans", str(scans), "--station", "PICK-1", "--json"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [s["bin"] for s in out[0]["stops"]] == ["A03-12-2", "A07-25-1"]
    assert out[0]["route"]["sequence"] and out[0]["totes"] == {"SO-1": 1}
    assert [o["verdict"] for o in out[1:-1]] == ["refused", "ok", "ok", "ok", "ok", "done"]
    assert out[-1] == {"orders": {"SO-1": "picked"}, "stops_done": 2, "stops": 2}
    # Nothing left to pick: the order is no longer allocated, one line, exit 1.
    assert main(["--db", db_url, "pick", "SO-1", "--station", "PICK-1"]) == 1
    assert "picked" in capsys.readouterr().err
