"""Carriers' rate cards (issue 23 item 5): the example card imported, parcels quoted and labelled through the same
rating the pack bench uses, the same card twice writes nothing, a bad card names its line and field and writes
nothing; ``station carriers`` through the real CLI entry point. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cli.main import main
from app.errors import InvalidInput, PermissionDenied
from app.shipping import ratecard, ratecard_queries, ratecard_service, service
from app.shipping.rates import ParcelSpec
from app.uow import Actor, UnitOfWork
from db.models import Order
from db.models.shipping import (
    Carrier,
    CarrierCoverage,
    CarrierPostcodeZone,
    CarrierRate,
    CarrierService,
    CarrierSurcharge,
    ShippingCounter,
)
from tests.shipping.factories import packed_order

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "ratecard_de.csv"
ADMIN = Actor(station="ADMIN-1", user="admin", role="admin")
TABLES = (Carrier, CarrierService, CarrierCoverage, CarrierPostcodeZone, CarrierRate, CarrierSurcharge)


def _rhein(ctx) -> None:
    ratecard_service.add_carrier(ctx.sessions, ADMIN, "rhein", connector="table", name="Rhein-Kurier",
                                 name_zh="莱茵快递", tracking_format="mod7", tracking_prefix="7", origin_country="DE")


def _snapshot(ctx) -> tuple:
    """Every carrier table's row count and the carrier tables' version."""
    with ctx.sessions() as s:
        counts = tuple(s.scalar(select(func.count()).select_from(t)) for t in TABLES)
        return counts, s.scalar(select(ShippingCounter.value).where(ShippingCounter.name == "carriers:version"))


def _order(ctx, postcode: str, number: str) -> int:
    with UnitOfWork(ctx.sessions) as uow:
        order = packed_order(uow.session, country="DE", region="", city="Köln", number=number)
        order.ship_postcode = postcode
        uow.commit()
        return order.id


def _quote(ctx, order_id: int, spec: ParcelSpec):
    with ctx.sessions() as s:
        result, _, _ = service.quote_order(s, s.get(Order, order_id), [spec])
        return {q.service.code: q.price_cents for q in result.quotes}, result


def test_example_card_prices_parcels_as_the_card_says(ctx):
    _rhein(ctx)
    result = ratecard_service.import_rate_card(ctx.sessions, ADMIN, "RHEIN", EXAMPLE)
    assert not result.rejected and result.created == 83 and result.updated == result.unchanged == 0
    cologne = _order(ctx, "50667", "DE-1")
    # 1.5 kg in 300 x 200 x 150 mm bills 1.8 kg (divisor 5000): zone 1 (postcodes 5...), up to 2 kg 4.40 EUR,
    # fuel 8.5 % -> 4.774 -> 4.77.
    prices, result_q = _quote(ctx, cologne, ParcelSpec(1500, 300, 200, 150))
    assert prices == {"RK-PAKET": 477, "RK-EXPRESS": 1183}
    assert result_q.best.service.code == "RK-PAKET" and result_q.best.zone == 1 and result_q.best.transit_days == 1
    # Helgoland: zone 3 by the whole country, the island's remote surcharge (6.50), oversize over 1200 mm (21.00),
    # 7.8 kg volumetric -> up to 10 kg 8.40; (8.40 + 6.50 + 21.00) * 1.085 = 38.95; no express to the island.
    island = _order(ctx, "27498", "DE-2")
    prices, result_q = _quote(ctx, island, ParcelSpec(1500, 1300, 200, 150))
    assert prices == {"RK-PAKET": 3895}
    assert "does not deliver" in result_q.rejected["RK-EXPRESS"]
    # The label the pack bench makes charges the same.
    with UnitOfWork(ctx.sessions) as uow:
        parcels = service.label_order(uow.session, uow.session.get(Order, cologne), ADMIN,
                                      [ParcelSpec(1500, 300, 200, 150)], settings=ctx.settings)
        uow.commit()
        assert parcels[0].rate_cents == 477 and parcels[0].tracking_number.startswith("7")


def test_the_same_card_twice_changes_nothing_and_a_new_price_is_quoted_at_once(ctx, tmp_path):
    _rhein(ctx)
    ratecard_service.import_rate_card(ctx.sessions, ADMIN, "RHEIN", EXAMPLE)
    order_id = _order(ctx, "50667", "DE-3")
    assert _quote(ctx, order_id, ParcelSpec(1500, 300, 200, 150))[0]["RK-PAKET"] == 477  # cached now
    before = _snapshot(ctx)
    again = ratecard_service.import_rate_card(ctx.sessions, ADMIN, "RHEIN", EXAMPLE)
    assert (again.created, again.updated, again.removed, again.unchanged) == (0, 0, 0, 83)
    assert _snapshot(ctx) == before
    # A new price for zone 1 up to 2 kg, and one postcode zone left out of the card.
    text = EXAMPLE.read_text(encoding="utf-8").replace(",1,,2000,4.40,", ",1,,2000,5.00,")
    text = text.replace("zone,RK-PAKET,,,,,,,DE,,9,3,2,,,,,\n", "")
    card = tmp_path / "new.csv"
    card.write_text(text, encoding="utf-8")
    changed = ratecard_service.import_rate_card(ctx.sessions, ADMIN, "RHEIN", card)
    assert (changed.created, changed.updated, changed.removed) == (0, 1, 1)
    assert changed.table_version != before[1]
    assert _quote(ctx, order_id, ParcelSpec(1500, 300, 200, 150))[0]["RK-PAKET"] == 543  # 5.00 * 1.085


# case -> (spoil the example, text on the spoiled line, field named, words of the error)
BAD_CARDS = {
    "missing column": (lambda t: t.replace(",over_mm\n", "\n", 1), "record,", "over_mm", "column is missing"),
    "negative price": (lambda t: t.replace(",2,,5000,5.80,", ",2,,5000,-5.80,"), "-5.80", "price", "negative"),
    "unknown service": (lambda t: t.replace("rate,RK-EXPRESS,,,,,,,,,,3,,20000,29.90",
                                            "rate,RK-EXPRES,,,,,,,,,,3,,20000,29.90"), "RK-EXPRES,", "service",
                        "RK-EXPRES is not a service of this card"),
    "overlapping weight breaks": (lambda t: t + "rate,RK-PAKET,,,,,,,,,,1,,2000,4.50,,,\n", ",4.50,", "up_to_g",
                                  "overlaps line"),
}


@pytest.mark.parametrize("case", sorted(BAD_CARDS))
def test_a_bad_card_names_line_and_field_and_writes_nothing(ctx, tmp_path, case):
    _rhein(ctx)
    spoil, marker, field, words = BAD_CARDS[case]
    text = spoil(EXAMPLE.read_text(encoding="utf-8"))
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if marker in row)
    card = tmp_path / "bad.csv"
    card.write_text(text, encoding="utf-8")
    before = _snapshot(ctx)
    result = ratecard_service.import_rate_card(ctx.sessions, ADMIN, "RHEIN", card)
    assert [p.text() for p in result.rejected] == [result.rejected[0].text()]
    problem = result.rejected[0]
    assert (problem.line, problem.field) == (line, field)
    assert words in problem.error and problem.text().startswith(f"line {line}, {field}: ")
    assert result.created == result.updated == result.unchanged == 0
    assert _snapshot(ctx) == before


def test_a_card_changes_nothing_half_way_when_a_service_belongs_to_another_carrier(ctx, tmp_path):
    _rhein(ctx)
    ratecard_service.add_carrier(ctx.sessions, ADMIN, "OTHER", connector="table")
    ratecard_service.import_rate_card(ctx.sessions, ADMIN, "RHEIN", EXAMPLE)
    before = _snapshot(ctx)
    result = ratecard_service.import_rate_card(ctx.sessions, ADMIN, "OTHER", EXAMPLE)
    assert [p.field for p in result.rejected] == ["service", "service"]
    assert "is a service of carrier RHEIN" in result.rejected[0].error
    assert _snapshot(ctx) == before


def test_only_an_admin_changes_carriers_and_connectors_are_checked(ctx):
    packer = Actor(station="S1", user="p", role="packer")
    with pytest.raises(PermissionDenied):
        ratecard_service.add_carrier(ctx.sessions, packer, "X1", connector="table")
    _rhein(ctx)
    with pytest.raises(PermissionDenied):
        ratecard_service.import_rate_card(ctx.sessions, Actor(role="supervisor"), "RHEIN", EXAMPLE)
    with pytest.raises(InvalidInput, match="karrio"):
        ratecard_service.add_carrier(ctx.sessions, ADMIN, "UPSACC", connector="karrio:ups")
    with pytest.raises(InvalidInput, match="exists already"):
        _rhein(ctx)
    assert [c.code for c in ratecard_queries.list_carriers(ctx.sessions)] == ["RHEIN"]


def test_edit_a_rate_and_a_service(ctx):
    _rhein(ctx)
    ratecard_service.import_rate_card(ctx.sessions, ADMIN, "RHEIN", EXAMPLE)
    detail = ratecard_queries.carrier_detail(ctx.sessions, "rhein")
    paket = next(s for s in detail.services if s.code == "RK-PAKET")
    rate = next(r for r in paket.rates if r.zone == 1 and r.up_to_g == 2000)
    assert rate.price_cents == 440 and any(z.area == "50*" or z.area == "5*" for z in paket.zones)
    before = _snapshot(ctx)[1]
    assert ratecard_service.set_rate(ctx.sessions, ADMIN, rate.id, 460) != before
    ratecard_service.set_service(ctx.sessions, ADMIN, "RK-EXPRESS", name_zh="特快", active=False)
    order_id = _order(ctx, "50667", "DE-4")
    prices, _ = _quote(ctx, order_id, ParcelSpec(1500, 300, 200, 150))
    assert prices == {"RK-PAKET": 499}  # 4.60 * 1.085; the express is off
    with pytest.raises(InvalidInput):
        ratecard_service.set_rate(ctx.sessions, ADMIN, rate.id, -1)
    with pytest.raises(PermissionDenied):
        ratecard_service.set_rate(ctx.sessions, Actor(role="shipping"), rate.id, 1)


def test_template_is_a_card_the_import_reads():
    card, problems = ratecard.parse(ratecard.template())
    assert not problems and card.lines == len(ratecard.TEMPLATE_ROWS)
    assert ratecard.template().splitlines()[0] == ",".join(ratecard.COLUMNS)


def test_not_a_csv_nor_utf8_is_one_line():
    _, problems = ratecard.parse(b"record,service\n\xff\xfe")
    assert [p.text() for p in problems] == ["line 2: is not UTF-8 text: save the rate card as CSV UTF-8"]
    _, problems = ratecard.parse("")
    assert len(problems) == 1 and "empty" in problems[0].text()


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_station_carriers_commands(ctx, capsys, tmp_path):
    url = ctx.engine.url.render_as_string(hide_password=False)
    code, out, err = run(capsys, "--db", url, "carriers", "add", "RHEIN", "--connector", "table", "--title",
                         "Rhein-Kurier", "--origin", "DE", "--json")
    assert code == 0, err
    assert json.loads(out)["connector"] == "table"
    code, out, err = run(capsys, "--db", url, "carriers", "rates", "import", "RHEIN", str(EXAMPLE), "--json")
    assert code == 0, err
    assert json.loads(out)["created"] == 83
    code, out, err = run(capsys, "--db", url, "carriers", "rates", "import", "RHEIN", str(EXAMPLE))
    assert code == 0 and "0 created, 0 updated, 83 unchanged" in out
    code, out, err = run(capsys, "--db", url, "carriers", "list", "--json")
    listed = json.loads(out)
    assert code == 0 and listed[0]["code"] == "RHEIN" and listed[0]["services"] == ["RK-EXPRESS", "RK-PAKET"]
    assert listed[0]["rates"] == 33 and listed[0]["coverage"] == 34 and listed[0]["surcharges"] == 14
    assert listed[0]["table_version"]
    code, out, err = run(capsys, "--db", url, "carriers", "quote", "DE", "--postcode", "50667", "--weight", "1500", "--json")
    assert code == 0 and json.loads(out)[0]["price_cents"] == 477
    code, out, err = run(capsys, "--db", url, "carriers", "rates", "template")
    assert code == 0 and out.splitlines()[0] == ",".join(ratecard.COLUMNS)
    bad = tmp_path / "bad.csv"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace(",2,,5000,5.80,", ",2,,5000,-5.80,"), encoding="utf-8")
    code, out, err = run(capsys, "--db", url, "carriers", "rates", "import", "RHEIN", str(bad))
    assert code == 1 and out == "" and err.count("\n") == 1 and "price: -5.80 is negative" in err
    code, out, err = run(capsys, "--db", url, "carriers", "add", "UPS1", "--connector", "karrio:ups")
    assert code == 1 and err.count("\n") == 1 and "karrio" in err and "Traceback" not in err
    code, out, err = run(capsys, "--db", url, "carriers", "rates", "import", "NOPE", str(EXAMPLE))
    assert code == 1 and err.count("\n") == 1 and "no carrier 'NOPE'" in err


def test_carrier_commands_act_as_a_proved_user(ctx, capsys, monkeypatch):
    """contracts.md "Who acts": --user proved by STATION_PIN; a packer may not add a carrier (exit 2, one line)."""
    from app.admin import staff

    url = ctx.engine.url.render_as_string(hide_password=False)
    staff.add_user(ctx.sessions, "lena", "Lena", "admin", "4826", Actor.system())
    staff.add_user(ctx.sessions, "pat", "Pat", "packer", "5937", Actor.system())
    monkeypatch.setenv("STATION_PIN", "5937")
    code, out, err = run(capsys, "--db", url, "carriers", "add", "RHEIN", "--connector", "table", "--user", "pat")
    assert code == 2 and err.count("\n") == 1 and "may not do this" in err
    code, out, err = run(capsys, "--db", url, "carriers", "add", "RHEIN", "--connector", "table", "--user", "lena")
    assert code == 2 and err.strip() == "station: --user lena: unknown user or wrong PIN"
    assert ratecard_queries.list_carriers(ctx.sessions) == []
    monkeypatch.setenv("STATION_PIN", "4826")
    code, out, err = run(capsys, "--db", url, "carriers", "add", "RHEIN", "--connector", "table", "--user", "lena")
    assert code == 0, err
    monkeypatch.setenv("STATION_PIN", "5937")
    code, out, err = run(capsys, "--db", url, "carriers", "rates", "import", "RHEIN", str(EXAMPLE), "--user", "pat")
    assert code == 2 and "may not do this" in err
    assert ratecard_queries.carrier_detail(ctx.sessions, "RHEIN").services == []
