"""station products import / station stock ... as a script runs them (contracts.md): --json shapes, one line on
stderr and a non-zero exit for what cannot run, --user proved by its PIN."""

from __future__ import annotations

import json
from pathlib import Path

from app.admin.auth import hash_pin
from app.cli.main import main
from db.models import Bin, User, Warehouse

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _bins(ctx):
    with ctx.sessions() as s:
        w = Warehouse(code="MAIN", name="Main", country="DE", latitude=50.0, longitude=8.0)
        s.add(w)
        s.flush()
        for code in ("A01-01-1", "A01-01-2", "A01-02-1", "A02-01-1", "A02-02-1", "A02-03-1"):
            s.add(Bin(warehouse_id=w.id, code=code, aisle=int(code[1:3]), position=1.0))
        s.add(User(username="packer9", display_name="P", role="packer", pin_hash=hash_pin("4826")))
        s.commit()


def test_products_and_stock_commands(ctx, db_url, capsys, tmp_path, monkeypatch):
    code, out, _ = _run(capsys, "--db", db_url, "products", "import", "--template")
    assert code == 0 and out.startswith("sku,name_en,name_zh,")
    code, out, _ = _run(capsys, "--db", db_url, "products", "import", str(EXAMPLES / "products.csv"), "--json")
    assert code == 0 and json.loads(out) == {"created": 6, "updated": 0, "unchanged": 0, "rejected": []}
    code, out, _ = _run(capsys, "--db", db_url, "products", "import", str(EXAMPLES / "products.csv"), "--json")
    assert json.loads(out) == {"created": 0, "updated": 0, "unchanged": 6, "rejected": []}
    code, out, _ = _run(capsys, "--db", db_url, "--json", "products")
    rows = json.loads(out)
    assert {"sku": "CARD-GIFT", "gtins": ["06901234000061"], "name": "Gift card holder", "name_zh": "礼品卡套",
            "on_hand": 0} in rows
    code, out, _ = _run(capsys, "--db", db_url, "products", "gaps", "--json")
    assert json.loads(out)["products"] == [{"sku": "CARD-GIFT", "name": "Gift card holder", "gaps": ["weight", "dimensions"]}]

    _bins(ctx)
    code, out, _ = _run(capsys, "--db", db_url, "stock", "import", str(EXAMPLES / "stock.csv"), "--json")
    assert code == 0 and json.loads(out) == {"created": 7, "updated": 0, "unchanged": 0, "rejected": []}
    code, out, err = _run(capsys, "--db", db_url, "stock", "adjust", "MUG-350-WHT", "A01-01-1", "-3", "--reason", "damaged",
                        "--note", "dropped")
    assert code == 0 and "48 -> 45" in out, err
    code, out, _ = _run(capsys, "--db", db_url, "stock", "MUG-350-WHT", "--json")
    shown = json.loads(out)
    assert shown["on_hand"] == 45 and [l["reason"] for l in shown["ledger"]] == ["adjust", "opening"]
    assert shown["ledger"][0]["user"].startswith("cli@")
    code, out, _ = _run(capsys, "--db", db_url, "--json", "stock", "ledger", "--limit", "3")
    assert len(json.loads(out)) == 3

    # Who acts: a packer may not adjust stock; a wrong PIN is refused; neither changes anything.
    monkeypatch.setenv("STATION_PIN", "4826")
    code, _, err = _run(capsys, "--db", db_url, "stock", "adjust", "MUG-350-WHT", "A01-01-1", "1", "--reason", "found",
                        "--user", "packer9")
    assert code != 0 and err.count("\n") == 1 and "needs supervisor" in err
    monkeypatch.setenv("STATION_PIN", "0000")
    code, _, err = _run(capsys, "--db", db_url, "stock", "adjust", "MUG-350-WHT", "A01-01-1", "1", "--reason", "found",
                        "--user", "packer9")
    assert code == 2 and "wrong PIN" in err
    code, out, _ = _run(capsys, "--db", db_url, "stock", "MUG-350-WHT", "--json")
    assert json.loads(out)["on_hand"] == 45


def test_bad_input_is_one_line(ctx, db_url, capsys, tmp_path):
    missing = tmp_path / "p.csv"
    missing.write_text("sku,weight_g\nX,1\n", encoding="utf-8")
    for argv in (("products", "import", str(missing)), ("products", "import", str(tmp_path / "none.csv")),
                 ("stock", "import", str(missing)), ("stock", "NOPE"), ("products", "import")):
        code, out, err = _run(capsys, "--db", db_url, *argv)
        assert code != 0 and out == "" and err.startswith("station: ") and err.count("\n") == 1, (argv, err)
