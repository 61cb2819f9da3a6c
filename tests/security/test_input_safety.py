"""What a station takes in from outside cannot break it (issue 19, items 4, 7, 8, 9, 10), on SQLite and PostgreSQL:

* a NUL byte anywhere (an import file of every format, a webhook, the look-up, a carrier event) or a value longer
  than its column is that record's rejection, naming the field; the rest go in;
* an import file is read in bounded memory (``/dev/zero`` is refused, not read to GBs);
* two intakes bringing the same new customer at once both succeed;
* an e-mail address that is not one mailbox is left out of the order, which comes in all the same;
* a carrier event out of order for its parcel is held for a person, not applied;
* a command given an SQLite file that does not exist, or ``sqlite:///`` (in memory), refuses.
"""

from __future__ import annotations

import json
import threading
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.aftersales import carrier_events, tracking
from app.cli.main import main
from app.config import Settings
from app.domain import lifecycle as lc
from app.errors import InvalidInput, NotFound, PermissionDenied, StationError
from app.intake import service
from app.intake.detect import parse_bytes, read_file
from app.intake.model import IncomingAddress, IncomingLine, IncomingOrder
from app.intake.service import import_records, ingest_into
from app.intake.webhook import SHOPIFY_PATH, create_app, signature
from app.shipping.service import label_order
from app.uow import Actor, UnitOfWork
from db.models import Customer, Order, OrderEvent
from db.models.aftersales import CarrierEvent
from db.models.shipping import Parcel
from db.session import make_engine
from tests.aftersales import factories as f

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

FIXTURES = Path(__file__).resolve().parents[1] / "intake" / "fixtures"
SECRET = "shpss_input_safety_secret"
DESK = Actor(station="STATION-1", user="desk1", role="shipping")
SUPERVISOR = Actor(station="STATION-1", user="boss", role="supervisor")


def _import(ctx, data: bytes, name: str):
    _, records = parse_bytes(data, name)
    return import_records(ctx.sessions, ctx.settings, records)


def _orders(ctx) -> int:
    with ctx.sessions() as s:
        return s.scalar(select(func.count()).select_from(Order))


# --- item 7: NUL bytes and lengths, per record -------------------------------------------------------------------

def _nul_files() -> list[tuple[str, bytes, str]]:
    """(file name, content with a NUL in its first order, the field the rejection must name)."""
    csv = (FIXTURES / "native_orders.csv").read_bytes().replace("请工作日送货".encode(), b"bad\x00note", 1)
    native = (FIXTURES / "native_orders.json").read_text(encoding="utf-8").replace("example.cn", "exa\\u0000mple.cn", 1)
    shopify = json.loads((FIXTURES / "shopify_orders.json").read_text(encoding="utf-8"))
    shopify["orders"][0]["shipping_address"]["city"] = "上\x00海"
    woo = (FIXTURES / "woocommerce_orders.json").read_text(encoding="utf-8").replace("@", "\\u0000@", 1)
    edi = (FIXTURES / "orders_d96a.edi").read_bytes().replace(b"SKU-00001", b"SKU\x0000001", 1)
    return [
        ("orders.csv", csv, "note"),
        ("orders.json", native.encode(), "customer_email"),
        ("shopify.json", json.dumps(shopify, ensure_ascii=False).encode(), "ship_to.city"),
        ("woocommerce.json", woo.encode(), "customer_email"),
        ("orders.edi", edi, "lines[0].sku"),
    ]


@pytest.mark.parametrize("name, content, field", _nul_files(), ids=[n for n, _, _ in _nul_files()])
def test_a_nul_byte_in_any_format_is_one_records_rejection_naming_the_field(ctx, name, content, field):
    summary = _import(ctx, content, name)
    assert len(summary.rejected) == 1, summary.rejected
    assert summary.rejected[0]["error"] == f"{field}: contains a NUL byte"
    assert "\x00" not in summary.rejected[0]["record"]
    assert summary.imported >= 1 and _orders(ctx) == summary.imported  # the other orders of the file went in


def _order(external_id: str, email: str = "", **changes) -> IncomingOrder:
    address = IncomingAddress(name="王芳", address1="浦东新区张江路88号", city="上海市", region="Shanghai",
                              postcode="201203", country="CN", phone="13800138000")
    order = IncomingOrder(channel="web", external_id=external_id, placed_at=datetime(2026, 11, 20, 1, 0, tzinfo=UTC),
                          lines=[IncomingLine(sku="SKU-1", quantity=1, unit_price_cents=1000)], ship_to=address,
                          customer_email=email, customer_name="王芳", payment_status="paid", paid_cents=1000)
    for key, value in changes.items():
        setattr(order, key, value)
    return order


def test_values_longer_than_their_columns_are_refused_per_record(ctx):
    huge_note = _order("NOTE", note="x" * 20_000_000)
    long_city = _order("CITY")
    long_city.ship_to = IncomingAddress(city="c" * 101, country="CN")
    long_sku = _order("SKU", lines=[IncomingLine(sku="S" * 65, quantity=1)])
    many = _order("QTY", lines=[IncomingLine(sku="SKU-1", quantity=3_000_000_000)])
    summary = import_records(ctx.sessions, ctx.settings, [huge_note, long_city, long_sku, many, _order("GOOD")])
    errors = {r["record"]: r["error"] for r in summary.rejected}
    assert errors == {
        "order NOTE": f"note: 20000000 characters, at most {service.NOTE_MAX_CHARS} allowed",
        "order CITY": "ship_to.city: 101 characters, at most 100 allowed",
        "order SKU": "lines[0].sku: 65 characters, at most 64 allowed",
        "order QTY": "lines[0].quantity: 3000000000 is too large",
    }
    assert summary.imported == 1


def test_an_import_reads_in_bounded_memory(tmp_path):
    with pytest.raises(InvalidInput, match=r"/dev/zero: larger than 256 MB, the most one import file may hold"):
        read_file("/dev/zero")
    sparse = tmp_path / "huge.json"
    with sparse.open("wb") as out:
        out.truncate(300 * 1024 * 1024)  # 300 MB that takes no disk: refused by its size, never read
    with pytest.raises(InvalidInput, match="larger than 256 MB"):
        read_file(sparse)
    small = tmp_path / "small.csv"
    small.write_bytes(b"x" * 2000)
    with pytest.raises(InvalidInput, match="larger than 0 MB"):
        read_file(small, max_bytes=1000)
    assert read_file(small, max_bytes=2000) == b"x" * 2000


def test_a_webhook_with_a_nul_byte_is_422_naming_the_field_not_500(ctx):
    order = json.loads((FIXTURES / "shopify_webhook_order.json").read_bytes())
    order["note"] = "leave at the door\x00"
    bad = json.dumps(order).encode()
    with TestClient(create_app(SECRET, ingest_into(ctx.sessions, ctx.settings)), raise_server_exceptions=False) as http:
        answer = http.post(SHOPIFY_PATH, content=bad, headers={"X-Shopify-Hmac-Sha256": signature(SECRET, bad),
                                                                "X-Shopify-Topic": "orders/create"})
        assert answer.status_code == 422, answer.text
        assert answer.json()["rejected"][0]["error"] == "note: contains a NUL byte"
        order["note"] = "leave at the door"
        good = json.dumps(order).encode()
        answer = http.post(SHOPIFY_PATH, content=good, headers={"X-Shopify-Hmac-Sha256": signature(SECRET, good),
                                                                 "X-Shopify-Topic": "orders/create"})
        assert answer.status_code == 201, answer.text


def test_the_look_up_and_carrier_events_with_a_nul_byte_are_refused_not_a_database_error(ctx):
    with UnitOfWork(ctx.sessions) as uow:
        order = f.shipped_order(uow.session)
        tn = order.tracking_number or ""
        uow.commit()
    with ctx.sessions() as s:
        with pytest.raises(NotFound, match="no order, tracking number, SSCC or return"):
            tracking.lookup(s, tn + "\x00")
        assert tracking.lookup(s, tn).number == order.number
    at = datetime.now(UTC).isoformat()
    with UnitOfWork(ctx.sessions) as uow:
        result = carrier_events.ingest(uow.session, {"carrier": "SF", "events": [
            {"tracking_number": tn + "\x00", "event": "in_transit", "at": at},
            {"tracking_number": tn, "event": "in_transit", "at": at, "location": "杭州\x00"},
            {"tracking_number": "9" * 41, "event": "in_transit", "at": at},
            {"tracking_number": tn, "event": "in_transit", "at": at, "location": "杭州", "id": "OK-1"},
        ]})
        uow.commit()
    assert [r["error"] for r in result.rejected] == [
        "tracking_number: contains a NUL byte", "location: contains a NUL byte",
        "tracking_number: 41 characters, at most 40 allowed"]
    assert result.accepted == 1


# --- item 4 (intake half): one mailbox, or none ------------------------------------------------------------------

def test_an_address_that_is_not_one_mailbox_is_left_out_and_the_order_comes_in(ctx):
    records = [
        _order("E1", "amy@example.com\r\nBcc: everyone@example.com"),
        _order("E2", "amy@example.com, bob@example.com"),
        _order("E3", "not an address"),
        _order("E4", "chen.jing@example.cn"),
    ]
    summary = import_records(ctx.sessions, ctx.settings, records)
    assert summary.imported == 4 and not summary.rejected
    assert [n["record"] for n in summary.notes] == ["order E1", "order E2", "order E3"]
    assert all(n["note"].startswith("customer_email: ") and "left out, no e-mail goes to it" in n["note"]
               for n in summary.notes)
    assert summary.as_json()["notes"] == summary.notes
    with ctx.sessions() as s:
        emails = dict(s.execute(select(Order.external_id, Order.ship_email)).all())
        assert emails == {"E1": "", "E2": "", "E3": "", "E4": "chen.jing@example.cn"}
        assert list(s.scalars(select(Customer.email))) == ["chen.jing@example.cn"]
        received = s.scalar(select(OrderEvent.data).join(Order, Order.id == OrderEvent.order_id)
                            .where(Order.external_id == "E1", OrderEvent.kind == "received"))
        assert received["left_out"] == [summary.notes[0]["note"]]


# --- item 8: the same new customer from two intakes at once -------------------------------------------------------

def test_two_intakes_bringing_the_same_new_customer_at_once_both_succeed(ctx, monkeypatch):
    """Both batches have looked the customers up and found them missing; then both insert them. On PostgreSQL the
    second waits for the first's row and finds it (ON CONFLICT DO NOTHING), it does not lose its batch."""
    emails = [f"twin{i}@example.com" for i in range(5)]
    postgres = not ctx.is_sqlite
    both_looked = threading.Barrier(2, timeout=20)
    insert = service._insert_new_customers

    def insert_together(session, rows):
        if postgres:  # SQLite writers take turns (BEGIN IMMEDIATE): there the race cannot happen, nor the wait
            both_looked.wait()
        return insert(session, rows)

    monkeypatch.setattr(service, "_insert_new_customers", insert_together)
    results, errors = {}, []

    def run(side: str) -> None:
        try:
            records = [_order(f"{side}-{i}", email, paid_cents=1000) for i, email in enumerate(emails)]
            results[side] = import_records(ctx.sessions, Settings(), records)
        except Exception as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(side,)) for side in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert results["A"].imported == results["B"].imported == 5
    with ctx.sessions() as s:
        customers = {c.email: c for c in s.scalars(select(Customer))}
        assert sorted(customers) == emails
        assert {c.orders_count for c in customers.values()} == {2}
        assert {c.spent_cents for c in customers.values()} == {2000}
        linked = s.execute(select(Order.customer_id, func.count()).group_by(Order.customer_id)).all()
        assert sorted(n for _, n in linked) == [2] * 5


# --- item 9: carrier events out of order --------------------------------------------------------------------------

def _labelled(session, labelled_at: datetime) -> tuple[Order, Parcel]:
    order = f.order(session)
    label_order(session, order, DESK, now=labelled_at, settings=f.SETTINGS)
    session.flush()
    assert order.status == lc.LABELLED
    return order, session.scalar(select(Parcel).where(Parcel.order_id == order.id))


def test_carrier_events_out_of_order_are_held_for_a_person_not_applied(ctx):
    labelled_at = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    with UnitOfWork(ctx.sessions) as uow:
        shipped = f.shipped_order(uow.session, shipped_at=labelled_at)  # its close-out first: it ships every label
        order, parcel = _labelled(uow.session, labelled_at)
        shipped_tn = shipped.tracking_number
        number, tn = order.number, parcel.tracking_number
        uow.commit()
    early = (labelled_at - timedelta(days=3)).isoformat()
    later = (labelled_at + timedelta(days=1)).isoformat()
    with UnitOfWork(ctx.sessions) as uow:
        result = carrier_events.ingest(uow.session, {"carrier": "SF", "events": [
            {"tracking_number": tn, "event": "delivered", "at": later, "id": "D-1"},  # never handed over
            {"tracking_number": shipped_tn, "event": "in_transit", "at": early, "id": "T-0"},  # before its label
            {"tracking_number": shipped_tn, "event": "in_transit", "at": later, "id": "T-1"},  # in order
        ]})
        uow.commit()
    assert result.accepted == 1 and not result.rejected
    assert [h["record"] for h in result.held] == ["event 1 (D-1)", "event 2 (T-0)"]
    assert "never handed to the carrier (labelled, not shipped)" in result.held[0]["reason"]
    assert "before parcel" in result.held[1]["reason"] and "was labelled" in result.held[1]["reason"]
    with UnitOfWork(ctx.sessions) as uow:  # the carrier sends them again: held once, not twice
        again = carrier_events.ingest(uow.session, {"carrier": "SF", "events": [
            {"tracking_number": tn, "event": "delivered", "at": later, "id": "D-1"}]})
        uow.commit()
    assert again.duplicates == 1 and not again.held

    with ctx.sessions() as s:
        assert s.scalar(select(Order.status).where(Order.number == number)) == lc.LABELLED  # not delivered
        assert s.scalar(select(func.count()).select_from(CarrierEvent)) == 1
        held = carrier_events.held_events(s)
        assert [(h.order, h.kind) for h in held] == [(number, "delivered"), (shipped.number, "in_transit")]
        assert held[0].reason == result.held[0]["reason"] and held[0].as_json()["tracking_number"] == tn
        view = tracking.lookup(s, number)
        assert view.events[-1].kind == carrier_events.HELD and view.status == lc.LABELLED
    with UnitOfWork(ctx.sessions) as uow:
        with pytest.raises(PermissionDenied):
            carrier_events.decide_held(uow.session, held[0].id, DESK, apply=True)
    with UnitOfWork(ctx.sessions) as uow:  # a person looked: the parcel did go; the delivery applies
        assert carrier_events.decide_held(uow.session, held[0].id, SUPERVISOR, apply=True, note="driver confirmed") \
            == number
        carrier_events.decide_held(uow.session, held[1].id, SUPERVISOR, apply=False, note="scanner clock wrong")
        uow.commit()
    with UnitOfWork(ctx.sessions) as uow:
        with pytest.raises(InvalidInput, match="was decided already"):
            carrier_events.decide_held(uow.session, held[1].id, SUPERVISOR, apply=True)
        with pytest.raises(NotFound, match="no held carrier event"):
            carrier_events.decide_held(uow.session, 10**9, SUPERVISOR, apply=True)
    with ctx.sessions() as s:
        assert carrier_events.held_events(s) == []
        assert s.scalar(select(Order.status).where(Order.number == number)) == lc.DELIVERED
        kinds = [e.kind for e in tracking.lookup(s, shipped.number).events]
        assert carrier_events.SET_ASIDE in kinds and kinds.count("in_transit") == 1


# --- item 10: the database path -----------------------------------------------------------------------------------

def test_a_command_given_a_missing_sqlite_file_or_memory_refuses(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("STATION_CONFIG", str(tmp_path / "none.json"))
    missing = tmp_path / "typo" / "station.db"
    assert main(["--db", f"sqlite:///{missing}", "orders"]) == 1
    assert f"no database at {missing}: make it with 'station db upgrade'" in capsys.readouterr().err
    assert not missing.exists() and not missing.parent.exists()
    monkeypatch.setenv("STATION_DB_URL", f"sqlite:///{missing}")
    assert main(["orders"]) == 1
    assert "no database at" in capsys.readouterr().err
    monkeypatch.delenv("STATION_DB_URL")
    for memory in ("sqlite:///", "sqlite://", "sqlite:///:memory:"):
        assert main(["--db", memory, "orders"]) == 1
        assert "is kept in memory" in capsys.readouterr().err
        with pytest.raises(StationError, match="kept in memory"):
            make_engine(memory)
    assert main(["--db", f"sqlite:///{missing}", "db", "upgrade"]) == 0  # the one command that makes it
    assert missing.exists()
    capsys.readouterr()
    assert main(["--db", f"sqlite:///{missing}", "orders", "--json"]) == 0
