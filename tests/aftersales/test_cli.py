"""``station track``, ``report``, ``carrier-events import``, ``survey import`` and ``return ...`` through the
real entry point, on SQLite and PostgreSQL."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.cli.main import main
from app.uow import UnitOfWork
from db.models.shipping import Parcel
from tests.aftersales import factories as f


@pytest.fixture
def shipped(ctx):
    with UnitOfWork(ctx.sessions) as uow:
        order = f.shipped_order(uow.session)
        parcel = uow.session.scalar(select(Parcel).where(Parcel.order_id == order.id))
        uow.commit()
        return order.number, parcel.tracking_number


def _json(capsys):
    out = capsys.readouterr().out
    return json.loads(out)


def test_track_json_contract_and_unknown_query(db_url, shipped, capsys):
    number, tn = shipped
    assert main(["--db", db_url, "track", tn, "--json"]) == 0
    data = _json(capsys)
    assert {"number", "status", "tracking_number", "events", "expected_delivery"} <= set(data)
    assert (data["number"], data["status"], data["tracking_number"]) == (number, "shipped", tn)
    assert [e["kind"] for e in data["events"]] == ["received", "labelled", "shipped"]
    assert all({"at", "kind"} <= set(e) for e in data["events"]) and data["events"][1]["station"] == "STATION-1"
    assert len(data["expected_delivery"]) == 10
    assert main(["--db", db_url, "track", "WS-NOT-THERE"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == "station: no order, tracking number, SSCC or return 'WS-NOT-THERE'\n"


def test_report_list_csv_pdf_and_bad_dates(db_url, shipped, capsys, tmp_path):
    assert main(["report", "--list", "--db", db_url]) == 0
    listed = capsys.readouterr().out
    for name in ("orders_per_hour", "backlog", "stage_times", "productivity", "scan_quality", "bottleneck", "survey_scores"):
        assert name in listed
    out = tmp_path / "backlog.csv"
    assert main(["--db", db_url, "report", "backlog", "--format", "csv", "-o", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert lines[0] == "status,orders,open" and "shipped,1,False" in lines
    pdf = tmp_path / "stages.pdf"
    assert main(["--db", db_url, "report", "stage_times", "--from", "2026-01-01", "--to", "2030-12-31", "--format", "pdf", "-o", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    capsys.readouterr()
    assert main(["--db", db_url, "report", "backlog", "--json"]) == 0
    assert _json(capsys)["rows"][0] == {"status": "received", "orders": 0, "open": True}
    assert main(["--db", db_url, "report", "backlog", "--from", "last week"]) == 1
    assert "is not a date" in capsys.readouterr().err
    assert main(["--db", db_url, "report", "nonsense"]) == 1
    assert "no report 'nonsense'" in capsys.readouterr().err


def test_carrier_and_survey_files(db_url, shipped, capsys, tmp_path):
    number, tn = shipped
    events = tmp_path / "sf.csv"
    scanned = datetime.now(UTC).replace(microsecond=0).isoformat()  # after the label: an earlier scan is held
    events.write_text("tracking_number,event,at,location\n"
                      f"{tn},in_transit,{scanned},广州\n"
                      "NOPE,in_transit,2026-11-25T01:00:00Z,\n", encoding="utf-8")
    assert main(["--db", db_url, "carrier-events", "import", str(events), "--json"]) == 2
    assert _json(capsys) == {"accepted": 1, "duplicates": 0,
                             "rejected": [{"record": "line 3", "error": "tracking_number: NOPE is not one of our parcels"}]}
    survey = tmp_path / "survey.csv"
    survey.write_text(f"order,product,delivery,service\n{number},5,5,4\n{number},5,5,4\nWS-X,1,1,1\n", encoding="utf-8")
    assert main(["--db", db_url, "survey", "import", str(survey)]) == 2
    out = capsys.readouterr().out
    assert out.startswith("1 survey answers in, 1 already known, 1 rejected") and "line 4: order: no order 'WS-X'" in out
    assert main(["--db", db_url, "survey", "import", str(tmp_path / "missing.csv")]) == 1


def test_a_held_carrier_event_is_listed_and_a_person_decides(db_url, shipped, capsys, tmp_path):
    number, tn = shipped
    early = tmp_path / "early.csv"
    early.write_text(f"tracking_number,event,at,location\n{tn},in_transit,2020-01-02T03:04:05Z,广州\n", encoding="utf-8")
    assert main(["--db", db_url, "carrier-events", "import", str(early), "--json"]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "carrier-events", "held", "--json"]) == 0
    [held] = _json(capsys)
    assert held["order"] == number and held["event"] == "in_transit" and "before parcel" in held["reason"]
    assert main(["--db", db_url, "carrier-events", "decide", str(held["id"]), "--set-aside", "--note", "old scan"]) == 0
    assert "set aside" in capsys.readouterr().out
    assert main(["--db", db_url, "carrier-events", "held", "--json"]) == 0 and _json(capsys) == []
    assert main(["--db", db_url, "carrier-events", "decide", str(held["id"]), "--apply"]) == 1
    assert "decided already" in capsys.readouterr().err


def test_return_through_the_cli(db_url, shipped, capsys, tmp_path):
    number, _tn = shipped
    assert main(["--db", db_url, "return", "open", number, "--item", "SKU-MUG:5", "--check", "--json"]) == 1
    assert "only 1 of 1 shipped" in _json(capsys)["problems"][0]
    assert main(["--db", db_url, "return", "open", number, "--item", "SKU-MUG", "--reason", "defective", "--json"]) == 0
    ret = _json(capsys)["number"]
    label = tmp_path / "label.pdf"
    assert main(["--db", db_url, "return", "label", ret, "-o", str(label), "--json"]) == 0
    assert label.read_bytes().startswith(b"%PDF") and _json(capsys)["status"] == "label_issued"
    assert main(["--db", db_url, "return", "receive", ret]) == 0
    assert main(["--db", db_url, "return", "inspect", ret, f.gtin(3), "--condition", "resellable"]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "return", "complete", ret, "--json"]) == 0
    done = _json(capsys)
    assert done["status"] == "refunded" and done["refund_cents"] == 3900
