"""The one look-up by reference (app/orders/references.py, contracts.md "Order references"): every form a person
types or scans, read by the plain parser (many forms, hypothesis), then found on SQLite and PostgreSQL in one
statement, with orders that came in through the real intake (Shopify, WooCommerce, EDI) and were labelled and
returned through the real shipping and after-sales services."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass

import pytest
from biip.checksums import gs1_standard_check_digit
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app.domain import lifecycle as lc
from app.domain.error_texts import operator_text
from app.orders import references as refs
from app.orders.references import AmbiguousReference, find_order, parse, shop_number_key
from app.uow import UnitOfWork
from db.models import Order
from db.models.shipping import Parcel
from tests.aftersales import factories as f
from tests.helpers.statements import Statements
from tests.intake.conftest import FIXTURES
from tests.properties.strategies import PROFILE

GS = "\x1d"
SSCC = "106141411234567897"  # GS1's own example, check digit 7


def sscc_of(body17: str) -> str:
    return body17 + str(gs1_standard_check_digit(body17))


ssccs = st.from_regex(r"[0-9]{17}", fullmatch=True).map(sscc_of)


def sscc_forms(sscc: str) -> list[str]:
    """Every way an SSCC reaches the look-up: typed bare or with its AI, as printed under the barcode (HRI, with
    the label's own spacing or none), or as a scanner sends the GS1-128 symbol (AIM ]C1, FNC1 as GS, more AIs)."""
    return [
        sscc,
        "00" + sscc,
        f"(00) {sscc[0]} {sscc[1:8]} {sscc[8:17]} {sscc[17]}",
        f"(00){sscc}",
        f"(00) {sscc}(420)200120",
        f"  00 {sscc}\t",
        f"]C1{GS}00{sscc}",
        f"]C100{sscc}",
        f"]C100{sscc}{GS}420200120",
        f"]C1420200120{GS}00{sscc}",
        f"]d2{GS}00{sscc}",
        f"]C1\u241d00{sscc}",  # the separator as a screen shows it, pasted
    ]


# --- the text: pure ---------------------------------------------------------------------------------------------

@PROFILE
@given(ssccs)
def test_every_form_of_an_sscc_reads_as_that_sscc(sscc):
    for form in sscc_forms(sscc):
        assert parse(form).sscc == sscc, repr(form)


@PROFILE
@given(ssccs, st.integers(min_value=1, max_value=9))
def test_an_sscc_with_a_wrong_check_digit_is_no_sscc(sscc, delta):
    wrong = sscc[:17] + str((int(sscc[17]) + delta) % 10)
    for form in (wrong, "00" + wrong, f"(00) {wrong}", f"]C1{GS}00{wrong}"):
        assert parse(form).sscc is None, repr(form)


def test_a_gs1_form_is_only_an_sscc():
    for form in (f"(00) {SSCC}", f"]C1{GS}00{SSCC}", f"]C100{SSCC}{GS}420200120"):
        assert parse(form) == refs.Reference(text=parse(form).text, sscc=SSCC), form
    typed = parse("00" + SSCC)  # twenty digits typed: an SSCC, or somebody's number of twenty digits
    assert (typed.sscc, typed.code) == (SSCC, "00" + SSCC)


@pytest.mark.parametrize("text", ["#1041", "1041", " # 1041 ", "#1041\r\n", "\t1041", "]C0#1041"])
def test_the_shops_number_with_or_without_its_hash(text):
    assert parse(text).shop == "1041"


def test_a_hash_names_only_a_shops_number():
    assert parse("#1041") == refs.Reference(text="#1041", shop="1041")
    assert parse("1041").code == "1041"  # without it, the digits could be anything of ours too


@PROFILE
@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./", min_size=1, max_size=30))
def test_one_shop_number_key_however_it_is_written(number):
    key = shop_number_key(number)
    assert key == key.upper() and not key.startswith("#")
    for written in ("#" + number, f" # {number} ", number.lower(), number.upper(), f"#{number}\n"):
        assert shop_number_key(written) == shop_number_key(number.upper())
    assert shop_number_key(key) == key  # what the intake stores is its own key


@pytest.mark.parametrize("text, code", [
    ("WS00001041", "WS00001041"),
    ("ws00001041", "WS00001041"),
    ("  Ws00001041\n", "WS00001041"),
    ("]C0WS00001041", "WS00001041"),  # Code 128 with its AIM identifier
    ("sf 1234 5678 9012", "SF123456789012"),  # a tracking number typed in groups
    ("ea123456785cn", "EA123456785CN"),
    ("RT00000007", "RT00000007"),
    (f"RT0000{GS}0007", "RT00000007"),
])
def test_our_numbers_in_any_case_and_spacing(text, code):
    assert parse(text).code == code


@PROFILE
@given(
    st.sampled_from(["https://track.example.com", "http://127.0.0.1:8470", "https://example.cn/shop/tracking",
                     "HTTPS://TRACK.EXAMPLE.COM", "track.example.com"]),
    st.from_regex(r"[A-Za-z0-9_\-]{8,64}", fullmatch=True),
    st.sampled_from(["", "/", "?utm_source=label", "/?a=1&b=2", "#top"]),
    st.sampled_from(["", "]Q1", "]Q3", " ", "\t"]),
)
def test_the_labels_qr_text_reads_as_its_token(base, token, tail, prefix):
    found = parse(f"{prefix}{base}/t/{token}{tail}")
    assert found.token == token  # case kept: tokens are case-sensitive
    assert (found.code, found.shop, found.sscc) == (None, None, None)


@pytest.mark.parametrize("text", ["", "   ", "\r\n", GS, f"]C1{GS}", "]Q3", None])
def test_nothing_to_look_up(text):
    assert parse(text).empty


@PROFILE
@given(st.text(max_size=40))
def test_any_text_parses_and_its_keys_are_clean(text):
    found = parse(text)
    for key in (found.code, found.shop):
        assert key is None or (key and key == key.upper() and GS not in key and " " not in key)
    assert found.sscc is None or (len(found.sscc) == 18 and found.sscc.isdigit())


def test_the_ambiguity_reads_in_chinese_too():
    error = AmbiguousReference("#2050", [("WS00000011", "shopify"), ("WS00000012", "woocommerce")])
    assert error.message == ("#2050 names more than one order: WS00000011 (shopify), WS00000012 (woocommerce); "
                             "choose one by its number")
    assert operator_text(error.message, "zh_CN") == (
        "#2050 对应多个订单：WS00000011 (shopify), WS00000012 (woocommerce)；请用其中一个订单号查询")


# --- the look-up on both databases --------------------------------------------------------------------------------

def shopify_order(order_id: int, name: str, sku: str = "SKU-MUG") -> dict:
    """A Shopify order as the shop's API sends it (the fixture's first), with its own id, name and one line."""
    document = json.loads((FIXTURES / "shopify_orders.json").read_text(encoding="utf-8"))
    raw = copy.deepcopy(document["orders"][0] if isinstance(document, dict) else document[0])
    number = int(name.lstrip("#"))
    raw.update(id=order_id, name=name, order_number=number, number=number - 1000,
               line_items=[{"id": order_id + 1, "sku": sku, "name": "Ceramic Mug", "quantity": 1, "price": "39.00",
                            "gift_card": False, "requires_shipping": True}])
    return raw


def woocommerce_order(order_id: int, number: str) -> dict:
    document = json.loads((FIXTURES / "woocommerce_orders.json").read_text(encoding="utf-8"))
    raw = copy.deepcopy(document[0] if isinstance(document, list) else document["orders"][0])
    raw.update(id=order_id, number=number)
    return raw


def intake(ctx, *records) -> None:
    from app.intake.service import import_records

    summary = import_records(ctx.sessions, ctx.settings, list(records))
    assert summary.rejected == [] and summary.imported == len(records), summary


@dataclass
class Orders:
    shopify: str  # our number of the Shopify order "#1041", labelled: one parcel
    tracking: str
    sscc: str
    token: str
    woo: str  # WooCommerce 727 (the fixture's)
    edi: str  # EDI order reference PO-77001
    returned: str  # an order with a return and its label
    return_number: str
    return_tracking: str
    return_sscc: str
    return_token: str
    twins: tuple[str, str]  # Shopify "#2050" and WooCommerce number 2050


def our_number(ctx, shop_number: str, channel: str) -> str:
    with ctx.sessions() as s:
        return s.scalar(select(Order.number).where(Order.shop_number == shop_number, Order.channel == channel))


def label(ctx, number: str) -> Parcel:
    """The order packed (its lines counted into the box as the pack bench would) and labelled by the shipping
    service."""
    from app.shipping.service import label_order

    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        order = s.scalar(select(Order).where(Order.number == number))
        world = f.world(s)
        order.status, order.warehouse_id, order.ship_region = lc.PACKED, world.warehouse_id, "Shanghai"
        for line in order.lines:
            line.picked_quantity = line.packed_quantity = line.quantity
        [parcel] = label_order(s, order, f.DESK, settings=ctx.settings)
        uow.commit()
        return parcel


@pytest.fixture
def orders(ctx) -> Orders:
    from app.aftersales import returns
    from app.aftersales.returns import ReturnItem
    from app.intake.detect import parse_file
    from app.intake.formats import shopify, woocommerce

    with UnitOfWork(ctx.sessions) as uow:
        f.world(uow.session)
        uow.commit()
    intake(ctx, shopify.parse_order(shopify_order(5734681341041, "#1041")),
           shopify.parse_order(shopify_order(5734681342050, "#2050")),
           woocommerce.parse_order(woocommerce_order(727, "727")),
           woocommerce.parse_order(woocommerce_order(2050, "2050")))
    _, edi = parse_file(FIXTURES / "orders_d96a.edi")
    intake(ctx, *list(edi))
    shopify_number = our_number(ctx, "1041", "shopify")
    parcel = label(ctx, shopify_number)
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        shipped = f.shipped_order(s, lines=(("SKU-MUG", 1),))
        ret = returns.request_return(s, shipped, [ReturnItem("SKU-MUG", 1)], "refund", "changed_mind", f.ACTOR)
        returns.issue_label(s, ret, f.ACTOR, settings=ctx.settings)
        uow.commit()
        returned = (shipped.number, ret.number, ret.tracking_number, ret.sscc, ret.tracking_token)
    return Orders(
        shopify=shopify_number, tracking=parcel.tracking_number, sscc=parcel.sscc, token=parcel.tracking_token,
        woo=our_number(ctx, "727", "woocommerce"), edi=_edi_number(ctx, "PO-77001"), returned=returned[0],
        return_number=returned[1],
        return_tracking=returned[2], return_sscc=returned[3], return_token=returned[4],
        twins=(our_number(ctx, "2050", "shopify"), our_number(ctx, "2050", "woocommerce")),
    )


def _edi_number(ctx, reference: str) -> str:
    with ctx.sessions() as s:
        return s.scalar(select(Order.number).where(Order.external_id == reference))


def forms(o: Orders) -> list[tuple[str, str, str, str]]:
    """(what a person types or scans, its form, the order it names, what matched)."""
    base = "https://track.example.com"
    return [
        (o.shopify, "our number", o.shopify, "order"),
        (o.shopify.lower(), "our number, lower case", o.shopify, "order"),
        ("#1041", "Shopify number with #", o.shopify, "shop_number"),
        ("1041", "Shopify number without #", o.shopify, "shop_number"),
        ("727", "WooCommerce number", o.woo, "shop_number"),
        ("PO-77001", "EDI order reference", o.edi, "shop_number"),
        ("po-77001", "EDI order reference, lower case", o.edi, "shop_number"),
        (o.tracking, "tracking number", o.shopify, "tracking_number"),
        (o.tracking.lower(), "tracking number, lower case", o.shopify, "tracking_number"),
        (o.sscc, "SSCC", o.shopify, "sscc"),
        ("00" + o.sscc, "SSCC with 00", o.shopify, "sscc"),
        (f"(00) {o.sscc[0]} {o.sscc[1:8]} {o.sscc[8:17]} {o.sscc[17]}", "SSCC (00) with spaces", o.shopify, "sscc"),
        (f"]C1{GS}00{o.sscc}", "SSCC scanned: ]C1, GS", o.shopify, "sscc"),
        (f"{base}/t/{o.token}", "label's QR text", o.shopify, "qr"),
        (f"]Q1http://127.0.0.1:8470/t/{o.token}/?from=label", "label's QR scanned, other base", o.shopify, "qr"),
        (o.return_number, "return number", o.returned, "return"),
        (o.return_tracking.lower(), "return label's tracking number", o.returned, "return"),
        (f"(00) {o.return_sscc}", "return label's SSCC", o.returned, "return"),
        (f"{base}/t/{o.return_token}", "return label's QR text", o.returned, "qr"),
    ]


def test_every_form_finds_its_order_in_one_statement(ctx, orders):
    costs = {}
    for text, form, number, matched in forms(orders):
        with ctx.sessions() as s, Statements(ctx.engine) as run:
            found = find_order(s, text)
            assert found is not None, form
            assert (found.order.number, found.matched) == (number, matched), form
        costs[form] = run.count
    with ctx.sessions() as s, Statements(ctx.engine) as run:
        for unknown in ("WS99999999", "#9999", "NOPE-1", "000000000000000000", "https://x.example/t/nosuchtoken123"):
            assert find_order(s, unknown) is None, unknown
    costs["unknown (5 texts)"] = run.count
    with ctx.sessions() as s, Statements(ctx.engine) as run:
        assert find_order(s, "  ") is None and find_order(s, f"]C1{GS}") is None
    costs["blank"] = run.count
    print(f"\nstatements per form ({ctx.engine.dialect.name}):")
    for form, count in costs.items():
        print(f"  {count}  {form}")
    assert costs.pop("blank") == 0 and costs.pop("unknown (5 texts)") == 5
    assert set(costs.values()) == {1}, costs


def test_the_match_names_the_parcel_or_return_it_went_through(ctx, orders):
    with ctx.sessions() as s:
        by_sscc = find_order(s, "00" + orders.sscc)
        assert s.get(Parcel, by_sscc.parcel_id).sscc == orders.sscc and by_sscc.return_id is None
        by_return = find_order(s, orders.return_tracking)
        assert by_return.return_id is not None and by_return.parcel_id is None
        assert find_order(s, orders.shopify).parcel_id is None


def test_a_shop_number_two_channels_share_names_both_and_picks_none(ctx, orders):
    twins = sorted(orders.twins)
    for text in ("2050", "#2050", " # 2050 "):
        with ctx.sessions() as s, pytest.raises(AmbiguousReference) as raised:
            find_order(s, text)
        assert sorted(number for number, _ in raised.value.candidates) == twins
        assert {channel for _, channel in raised.value.candidates} == {"shopify", "woocommerce"}
        assert all(number in raised.value.message for number in twins)
    with ctx.sessions() as s:  # each stays reachable by our number, and both are there for a screen's list
        assert [m.order.number for m in refs.matches(s, "#2050")] == twins
        assert find_order(s, twins[0]).order.number == twins[0]


def test_intake_keeps_the_shops_number_as_the_shop_shows_it(ctx, orders):
    with ctx.sessions() as s:
        kept = dict(s.execute(select(Order.number, Order.shop_number)).all())
    assert kept[orders.shopify] == "1041" and kept[orders.woo] == "727" and kept[orders.edi] == "PO-77001"


def test_the_queue_search_finds_an_order_by_every_form(ctx, orders):
    from app.orders import queue as oq

    with ctx.sessions() as s:
        for text, form, number, _ in forms(orders):
            rows = oq.window(s, oq.QueueFilter(search=text), 0, 10)
            assert number in [r.number for r in rows], form
            assert oq.count(s, oq.QueueFilter(search=text)) >= 1, form
        twins = [r.number for r in oq.window(s, oq.QueueFilter(search="#2050"), 0, 10)]
        assert sorted(twins) == sorted(orders.twins)  # a list shows both


# --- the adapters: each finds an order by its shop's number and by an SSCC written (00) ---------------------------

def station(db_url: str, *args: str):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    return subprocess.run([sys.executable, "-m", "app.cli.main", "--db", db_url, *args], capture_output=True,
                          text=True, cwd=root, timeout=300)


def test_station_order_and_track_take_every_reference(ctx, db_url, orders):
    hri = f"(00) {orders.sscc[0]} {orders.sscc[1:8]} {orders.sscc[8:17]} {orders.sscc[17]}"
    for command in ("order", "track"):
        for text in ("#1041", hri):
            done = station(db_url, command, text, "--json")
            assert done.returncode == 0, done.stderr
            out = json.loads(done.stdout)
            assert out["number"] == orders.shopify and out["tracking_number"] == orders.tracking
            assert "events" in out
        unknown = station(db_url, command, "#9999", "--json")
        assert unknown.returncode == 1 and unknown.stdout == ""
        assert len(unknown.stderr.strip().splitlines()) == 1 and "9999" in unknown.stderr
        shared = station(db_url, command, "#2050", "--json")
        assert shared.returncode == 1 and shared.stdout == ""
        line = shared.stderr.strip()
        assert len(line.splitlines()) == 1 and all(number in line for number in orders.twins), line
    assert json.loads(station(db_url, "track", "#1041", "--json").stdout)["matched"] == "shop_number"
    assert json.loads(station(db_url, "order", hri, "--json").stdout)["matched"] == "sscc"


def test_the_customer_look_up_takes_the_shops_number_and_the_sscc(ctx, orders):
    from app.intake.webhook import WebhookServer
    from app.web.server import create_app
    from tests.web.conftest import csrf_of

    with ctx.sessions() as s:
        postcode = s.scalar(select(Order.ship_postcode).where(Order.number == orders.shopify))
    app = create_app(ctx)
    server = WebhookServer(app, "127.0.0.1", 0).start()
    try:
        import httpx

        with httpx.Client(base_url=server.url, follow_redirects=False, timeout=10) as http:
            csrf = csrf_of(http.get("/").text)
            pages = []
            for number in ("#1041", "1041", f"(00) {orders.sscc}"):
                found = http.post("/find", data={"csrf": csrf, "number": number, "proof": postcode})
                assert found.status_code == 303, (number, found.status_code)
                pages.append(found.headers["location"])
            assert len(set(pages)) == 1
            page = http.get(pages[0])
            assert page.status_code == 200 and orders.shopify in page.text
            wrong = http.post("/find", data={"csrf": csrf, "number": "#1041", "proof": "999999"})
            assert wrong.status_code == 404
    finally:
        server.stop()
        app.app.site.close()


def test_the_customer_look_up_tells_shared_shop_numbers_apart_by_the_proof(ctx, orders):
    from app.aftersales import customer_page as customer

    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        one, other = (s.scalar(select(Order).where(Order.number == n)) for n in orders.twins)
        one.ship_postcode, other.ship_postcode = "200120", "510620"
        uow.commit()
    with ctx.sessions() as s:
        assert customer.find_order(s, "#2050", "200120").number == one.number
        assert customer.find_order(s, "2050", "510 620").number == other.number
        assert customer.find_order(s, "#2050", "100000") is None


@pytest.fixture
def screen_env(ctx, qapp):
    from app.ui.app import create_application
    from app.ui.feedback import Feedback
    from app.ui.screens import ScreenEnv

    create_application(language="en")
    return ScreenEnv(ctx=ctx, station="STATION-1", user_id=1, username="service1", display_name="Service",
                     role="service", feedback=Feedback(sound=False))


def test_the_tracking_screen_and_the_desks_find_by_the_shops_number_and_the_sscc(screen_env, orders, qtbot):
    from app.ui.aftersales.returns_desk import ReturnsDesk
    from app.ui.aftersales.tracking_view import TrackingScreen

    screen = TrackingScreen(screen_env)
    qtbot.addWidget(screen)
    hri = f"(00) {orders.sscc[0]} {orders.sscc[1:8]} {orders.sscc[8:17]} {orders.sscc[17]}"
    for text, matched in (("#1041", "shop_number"), (hri, "sscc"), (f"]C1{GS}00{orders.sscc}", "sscc")):
        screen.query.setText(text)
        assert screen.search(), screen_env.feedback.history[-1:]
        assert (screen.view.number, screen.view.matched) == (orders.shopify, matched)
    screen.query.setText("#2050")
    assert not screen.search()
    kind, said = screen_env.feedback.history[-1]
    assert kind == "bad" and all(number in said for number in orders.twins)

    desk = ReturnsDesk(screen_env)
    qtbot.addWidget(desk)
    assert desk.load("#1041") and desk.order_number == orders.shopify
    assert desk.load(f"(00) {orders.return_sscc}") and desk.return_number == orders.return_number
    assert not desk.load("#2050") and all(n in screen_env.feedback.history[-1][1] for n in orders.twins)


def test_the_shipping_service_finds_orders_and_parcels_through_the_same_reading(ctx, orders):
    from app.errors import NotFound
    from app.shipping import service

    hri = f"(00) {orders.sscc[0]} {orders.sscc[1:8]} {orders.sscc[8:17]} {orders.sscc[17]}"
    with ctx.sessions() as s:
        assert service.find_order(s, "#1041").number == orders.shopify
        assert service.find_order(s, hri).number == orders.shopify
        for text in (hri, f"]C1{GS}00{orders.sscc}", orders.tracking.lower(), f"https://x.example/t/{orders.token}/"):
            assert service.find_parcel(s, text).sscc == orders.sscc, text
        with pytest.raises(NotFound):
            service.find_parcel(s, "#1041")  # a parcel is named by its label, not by the order
        with pytest.raises(AmbiguousReference):
            service.find_order(s, "#2050")


def test_station_pick_takes_the_shops_number(db_url, capsys):
    from app.cli.main import main
    from app.context import open_context
    from tests.picking.helpers import make_order, make_warehouse

    ctx = open_context(db_url, migrate_schema=False)
    try:
        with UnitOfWork(ctx.sessions) as uow:
            order = make_order(uow.session, make_warehouse(uow.session), "SO-7", [("MUG-1", 1, "A03-12-2")])
            order.channel, order.shop_number = "shopify", shop_number_key("#7001")  # as the intake keeps it
            uow.commit()
    finally:
        ctx.dispose()
    assert main(["--db", db_url, "pick", "#7001", "--station", "PICK-1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])["totes"] == {"SO-7": 1}
