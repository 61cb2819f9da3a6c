"""Orders read as the shop means them (issue 20, item 6), with orders shaped as Shopify's REST Admin API and
WooCommerce's REST API v3 documentation show them (tests/data/shops/): a discount the shop applied is the shop's,
refunded and removed lines leave the lines and the goods, payment follows what is still owed, names are decoded,
regions are read by ISO 3166-2 code or name, a line with no SKU or a decimal quantity waits for a person instead of
rejecting its order, and an order the shop already shipped is not shipped again without one.

The parsers are checked alone, then the same files go through ``station import`` into SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.domain.rules import AddressFacts, LineFacts, OrderFacts, RuleSettings, check_address, evaluate, reason_text
from app.intake.formats import native_csv, native_json, shopify, woocommerce
from app.intake.model import IncomingOrder, RecordError

SHOPS = Path(__file__).resolve().parents[1] / "data" / "shops"


def document(name: str):
    return json.loads((SHOPS / name).read_text(encoding="utf-8"))


def shopify_order(number: int) -> dict:
    return copy.deepcopy(next(o for o in document("shopify_orders.json")["orders"] if o["order_number"] == number))


def woo_order(number: str) -> dict:
    return copy.deepcopy(next(o for o in document("woocommerce_orders.json") if o["number"] == number))


def parsed(module, raw: dict) -> IncomingOrder:
    order = module.parse_order(raw)
    assert isinstance(order, IncomingOrder), order
    return order


def owed(order: IncomingOrder) -> int:
    return order.goods_cents - order.coupon_cents - order.points_cents + order.shipping_cents + order.tax_cents


# --- Shopify ------------------------------------------------------------------------------------------------------

def test_shopify_refunded_lines_leave_the_lines_and_the_goods_and_a_paid_remainder_is_paid():
    order = parsed(shopify, shopify_order(1041))
    # LAMP-XL refunded whole (current_quantity 0), one MUG of two refunded
    assert [(l.sku, l.quantity, l.unit_price_cents) for l in order.lines] == [("MUG", 1, 1500), ("LAMP", 1, 9900)]
    assert order.goods_cents == 11400
    # what the shop still charges: current_total_discounts, current_total_tax, current_total_price
    assert (order.coupon_code, order.coupon_cents, order.coupon_by_shop) == ("TENOFF", 442, True)
    assert (order.tax_cents, order.shipping_cents, order.stated_total_cents) == (658, 1000, 12616)
    # partially_refunded, but nothing is outstanding: paid, for what is still to ship
    assert (order.payment_status, order.paid_cents) == ("paid", 12616)
    assert owed(order) == order.paid_cents
    assert order.external_ref == "#1041" and order.fulfilled_by_shop == ""


def test_shopify_before_current_quantity_the_refund_line_items_say_what_left():
    raw = shopify_order(1041)
    for line in raw["line_items"]:  # API versions before 2024-01 have no current_quantity
        del line["current_quantity"]
    for key in [k for k in raw if k.startswith("current_")]:
        del raw[key]
    order = parsed(shopify, raw)
    assert [(l.sku, l.quantity) for l in order.lines] == [("MUG", 1), ("LAMP", 1)]
    assert order.goods_cents == 11400 and order.payment_status == "paid"


def test_shopify_what_is_still_owed_decides_the_payment():
    raw = shopify_order(1041)
    raw["total_outstanding"] = "26.16"  # a remainder still to be captured
    order = parsed(shopify, raw)
    assert (order.payment_status, order.paid_cents) == ("pending", 10000)
    raw = shopify_order(1042)
    raw["financial_status"], raw["total_outstanding"] = "partially_paid", "73.60"
    assert (parsed(shopify, raw).payment_status, parsed(shopify, raw).paid_cents) == ("pending", 0)
    raw["financial_status"] = "authorized"
    assert parsed(shopify, raw).payment_status == "authorized"


def test_shopify_a_line_with_no_sku_is_kept_with_its_name():
    order = parsed(shopify, shopify_order(1042))
    assert [(l.sku, l.gtin, l.name) for l in order.lines] == [
        ("", "", "Hand-painted mug (custom order)"), ("MUG", "", "Enamel Mug - 350 ml")]
    assert order.payment_status == "paid" and owed(order) == order.paid_cents == 7360


def test_shopify_fulfilled_and_partly_fulfilled_orders_are_marked():
    assert parsed(shopify, shopify_order(1043)).fulfilled_by_shop == "fulfilled"
    raw = shopify_order(1043)
    raw["fulfillment_status"] = "partial"
    assert parsed(shopify, raw).fulfilled_by_shop == "partial"
    raw["fulfillment_status"] = None
    assert parsed(shopify, raw).fulfilled_by_shop == ""


def test_shopify_automatic_discounts_and_codes_are_the_shops():
    order = parsed(shopify, shopify_order(1044))
    assert (order.coupon_code, order.coupon_cents, order.coupon_by_shop) == ("WELCOME10", 600, True)
    assert owed(order) == order.paid_cents == 6724


def test_shopify_loyalty_points_stay_points():
    raw = shopify_order(1044)
    raw["discount_codes"] = [{"code": "POINTS-300", "amount": "3.00", "type": "fixed_amount"}]
    raw["note_attributes"] = [{"name": "points_used", "value": "300"}]
    order = parsed(shopify, raw)
    assert (order.points_cents, order.points_used, order.coupon_cents, order.coupon_code) == (300, 300, 300, "")
    assert order.coupon_by_shop  # the automatic discount is still the shop's


# --- WooCommerce ---------------------------------------------------------------------------------------------------

def test_woocommerce_itemised_refund_coupon_names_and_state():
    order = parsed(woocommerce, woo_order("1101"))
    assert [(l.sku, l.quantity, l.name) for l in order.lines] == [
        ("MUG", 2, "Enamel Mug \u2013 350 ml"), ("LAMP", 1, "Desk Lamp & Bulb")]
    assert order.goods_cents == 12900
    assert (order.coupon_code, order.coupon_cents, order.coupon_by_shop) == ("diwali10", 1290, True)
    assert (order.payment_status, order.paid_cents) == ("paid", 12610)
    assert owed(order) == order.paid_cents
    assert (order.ship_to.region, order.ship_to.country, order.currency) == ("MH", "IN", "INR")
    assert order.refunded_unitemised_cents == 0


def test_woocommerce_a_refund_without_its_goods_is_said():
    order = parsed(woocommerce, woo_order("1105"))
    assert [(l.sku, l.quantity) for l in order.lines] == [("LAMP", 1)]
    assert (order.paid_cents, order.refunded_unitemised_cents) == (9900, 1000)


def test_woocommerce_completed_decimal_and_no_sku():
    assert parsed(woocommerce, woo_order("1102")).fulfilled_by_shop == "completed"
    assert parsed(woocommerce, woo_order("1101")).fulfilled_by_shop == ""
    hose = parsed(woocommerce, woo_order("1103")).lines[0]
    assert (hose.sku, hose.quantity, hose.quantity_text) == ("HOSE", 3, "2.5")
    no_sku = parsed(woocommerce, woo_order("1104"))
    assert [(l.sku, l.name) for l in no_sku.lines] == [("", "Gift card holder \u2013 red"),
                                                       ("MUG", "Enamel Mug \u2013 350 ml")]


def test_woocommerce_china_state_codes_read_as_iso():
    raw = woo_order("1101")
    raw["shipping"].update(country="CN", state="CN20", city="广州市", postcode="510620")
    assert parsed(woocommerce, raw).ship_to.region == "GD"


# --- native files --------------------------------------------------------------------------------------------------

def test_a_decimal_quantity_in_a_native_file_keeps_the_order():
    raw: dict[str, Any] = {"format": native_json.FORMAT_TAG, "orders": [{
        "external_id": "N-1", "channel": "web", "placed_at": "2026-11-20T09:15:00+08:00",
        "lines": [{"sku": "HOSE", "quantity": "2.5", "price": "10.00"}],
        "ship_to": {"name": "李雷", "address1": "世纪大道100号", "city": "上海市", "region": "SH",
                    "postcode": "200120", "country": "CN"},
        "payment": {"status": "paid", "amount": "30.00"}}]}
    [order] = native_json.parse(json.dumps(raw).encode(), "n.json")
    assert isinstance(order, IncomingOrder), order
    assert (order.lines[0].quantity, order.lines[0].quantity_text) == (3, "2.5")
    header = "external_id,channel,placed_at,sku,quantity,price,ship_name,ship_address1,ship_city,ship_postcode,ship_country\n"
    row = "N-2,web,2026-11-20T09:15:00+08:00,HOSE,1.25,10.00,李雷,世纪大道100号,上海市,200120,CN\n"
    [order] = native_csv.parse((header + row).encode(), "n.csv")
    assert isinstance(order, IncomingOrder), order
    assert (order.lines[0].quantity, order.lines[0].quantity_text) == (2, "1.25")
    for bad in ("-2.5", "0", "two"):
        raw["orders"][0]["lines"][0]["quantity"] = bad
        [record] = native_json.parse(json.dumps(raw).encode(), "n.json")
        assert isinstance(record, RecordError), bad


# --- the rules -----------------------------------------------------------------------------------------------------

def facts(**values: Any) -> OrderFacts:
    base: dict[str, Any] = dict(
        lines=[LineFacts("MUG", 2, 1500, True), LineFacts("LAMP", 1, 9900, True)],
        address=AddressFacts("Bob", "Chestnut Street 92", "Louisville", "KY", "40202", "US"),
        goods_cents=12900, payment_status="paid", paid_cents=12900, currency="USD")
    base.update(values)
    return OrderFacts(**base)


def codes(found) -> list[str]:
    return [f.code for f in found]


def test_a_shop_code_is_checked_only_for_its_arithmetic():
    rules = RuleSettings()
    shop = facts(coupon_code="TENOFF", coupon_cents=1000, coupon_by_shop=True, paid_cents=11900,
                 expected_coupon_cents=None)
    assert evaluate(shop, rules) == []
    # the station's own code: checked against its own table
    own = facts(coupon_code="TENOFF", coupon_cents=1000, paid_cents=11900, expected_coupon_cents=None)
    assert [f.message for f in evaluate(own, rules)] == ["coupon 'TENOFF' is unknown or expired"]
    # the shop's sum within a cent a line holds; beyond it is a person's question
    assert evaluate(facts(coupon_code="TENOFF", coupon_cents=1000, coupon_by_shop=True, paid_cents=11902,
                          rounding_cents=2), rules) == []
    wrong = evaluate(facts(coupon_code="TENOFF", coupon_cents=1000, coupon_by_shop=True, paid_cents=11903,
                           rounding_cents=2), rules)
    assert [f.message for f in wrong] == ["paid $119.03 but goods - coupons - points + shipping = $119.00"]


def test_decimal_quantity_shop_fulfilled_no_sku_and_unitemised_refund_have_their_reasons():
    rules = RuleSettings()
    found = evaluate(facts(lines=[LineFacts("HOSE", 3, 1000, True, quantity_text="2.5")], goods_cents=3000,
                           paid_cents=3000), rules)
    assert codes(found) == ["decimal_quantity"]
    assert found[0].message == "quantity 2.5 of HOSE is not a whole number of units (3 kept until a person decides)"
    assert reason_text(found[0].message, "zh_CN") == "HOSE 的数量 2.5 不是整数（人工确认前暂按 3 件计）"

    found = evaluate(facts(fulfilled_by_shop="completed"), rules)
    assert codes(found) == ["shop_fulfilled"]
    assert found[0].message == "the sales channel already marks this order as shipped (completed)"
    assert reason_text(found[0].message, "zh_CN") == "销售渠道已将此订单标记为已发货（completed）"

    found = evaluate(facts(lines=[LineFacts("", 1, 4500, False, name="Hand-painted mug"),
                                  LineFacts("MUG", 1, 1500, True)], goods_cents=6000, paid_cents=6000), rules)
    assert codes(found) == ["unknown_sku"]
    assert found[0].message == "a line has no SKU: Hand-painted mug"
    assert reason_text(found[0].message, "zh_CN") == "有商品行没有 SKU：Hand-painted mug"

    found = evaluate(facts(refunded_unitemised_cents=1000, paid_cents=11900), rules)
    assert codes(found) == ["payment_mismatch"]
    assert found[0].message == "the shop refunded $10.00 without naming the goods: check what is still to ship"
    assert reason_text(found[0].message, "zh_CN") == "店铺已退款 $10.00，但未注明是哪些商品：请核对仍需发货的商品"
    for code in ("decimal_quantity", "shop_fulfilled"):
        assert evaluate(facts(fulfilled_by_shop="completed",
                              lines=[LineFacts("HOSE", 3, 1000, True, quantity_text="2.5")], goods_cents=3000,
                              paid_cents=3000), RuleSettings(disabled=frozenset({"decimal_quantity", "shop_fulfilled"}))) == []
        assert code in RuleSettings.from_mapping({"disabled": [code]}).disabled


@pytest.mark.parametrize("country, region, postcode", [
    ("IN", "MH", "400020"), ("IN", "IN-MH", "400020"), ("IN", "in-mh", "400020"), ("IN", "Maharashtra", "400020"),
    ("IN", "Mahārāshtra", "400020"), ("US", "KY", "40202"), ("US", "US-KY", "40202"), ("US", "Kentucky", "40202"),
    ("MX", "CMX", "01000"), ("MX", "MX-CMX", "01000"), ("JP", "JP13", "100-0001"), ("JP", "13", "100-0001"),
    ("CN", "GD", "510620"), ("CN", "CN-GD", "510620"), ("CN", "广东省", "510620"), ("CN", "Guangdong", "510620"),
])
def test_regions_by_iso_3166_2_code_or_name(country, region, postcode):
    assert check_address(AddressFacts("A Person", "1 Street", "City", region, postcode, country)) == []


@pytest.mark.parametrize("country, region", [("IN", "XX"), ("IN", "Bavaria"), ("US", "Ontario"), ("CN", "CN20")])
def test_a_region_of_another_country_is_still_said(country, region):
    flags = check_address(AddressFacts("A Person", "1 Street", "City", region, "", country))
    assert f"region {region!r} is not a region of {country}" in [f.message for f in flags]


# --- through `station import` into both databases ------------------------------------------------------------------

def station(capsys, *args: str) -> tuple[int, str, str]:
    from app.cli.main import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def shop_orders(ctx, db_url, capsys):
    """The two recorded files through ``station import``, into a warehouse that sells MUG, LAMP, LAMP-XL and HOSE
    and has its own coupon WELCOME10 (10 %): the orders, by the shop's number."""
    from app.uow import UnitOfWork
    from db.models import Coupon, Product
    from tests.helpers.reference import seed_small_warehouse

    seed_small_warehouse(ctx)
    with UnitOfWork(ctx.sessions) as uow:
        uow.session.add(Product(sku="HOSE", name_en="Garden hose, per metre", price_cents=1000, weight_g=200))
        uow.session.add(Coupon(code="WELCOME10", kind="percent", value=10))
        uow.commit()
    for name in ("shopify_orders.json", "woocommerce_orders.json"):
        code, out, err = station(capsys, "--db", db_url, "import", str(SHOPS / name), "--json")
        assert code == 0, err
        summary = json.loads(out)
        assert summary["rejected"] == [] and summary["imported"] in (4, 5), summary
    from types import SimpleNamespace

    from db.models import Order

    columns = ("number", "status", "goods_cents", "coupon_code", "coupon_cents", "payment_status", "paid_cents",
               "ship_region", "ship_country")
    with ctx.sessions() as s:
        return {o.shop_number: SimpleNamespace(
            **{c: getattr(o, c) for c in columns},
            lines=[SimpleNamespace(sku=l.sku, quantity=l.quantity, name=l.name) for l in o.lines],
            flags=[(f.code, f.message) for f in o.flags]) for o in s.scalars(select(Order))}


def flags_of(order) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for code, message in order.flags:
        found.setdefault(code, []).append(message)
    return found


def test_the_shops_orders_come_in_as_the_shop_means_them(shop_orders):
    o = shop_orders
    # a shop discount, partly refunded, the rest paid: straight on to the warehouse, nothing for a person
    assert flags_of(o["1041"]) == {} and o["1041"].status != "review"
    assert [(l.sku, l.quantity) for l in o["1041"].lines] == [("MUG", 1), ("LAMP", 1)]
    assert (o["1041"].goods_cents, o["1041"].coupon_code, o["1041"].coupon_cents, o["1041"].payment_status,
            o["1041"].paid_cents) == (11400, "TENOFF", 442, "paid", 12616)
    # the shop's WELCOME10 (5 % there) is not measured against the station's WELCOME10 (10 %)
    assert flags_of(o["1044"]) == {} and o["1044"].coupon_code == "WELCOME10"
    assert flags_of(o["1101"]) == {} and o["1101"].status != "review"
    assert [(l.sku, l.quantity, l.name) for l in o["1101"].lines] == [
        ("MUG", 2, "Enamel Mug \u2013 350 ml"), ("LAMP", 1, "Desk Lamp & Bulb")]
    assert (o["1101"].ship_region, o["1101"].ship_country) == ("MH", "IN")

    # what a person must look at, each with its own reason
    assert o["1042"].status == "review"
    assert flags_of(o["1042"]) == {"unknown_sku": ["a line has no SKU: Hand-painted mug (custom order)"]}
    assert [(l.sku, l.name) for l in o["1042"].lines][0] == ("", "Hand-painted mug (custom order)")
    assert flags_of(o["1043"]) == {"shop_fulfilled": ["the sales channel already marks this order as shipped (fulfilled)"]}
    assert flags_of(o["1102"]) == {"shop_fulfilled": ["the sales channel already marks this order as shipped (completed)"]}
    assert flags_of(o["1103"]) == {"decimal_quantity": [
        "quantity 2.5 of HOSE is not a whole number of units (3 kept until a person decides)"]}
    assert flags_of(o["1104"]) == {"unknown_sku": ["a line has no SKU: Gift card holder \u2013 red"]}
    assert flags_of(o["1105"]) == {"payment_mismatch": [
        "the shop refunded INR 10.00 without naming the goods: check what is still to ship"]}
    assert all(order.status == "review" for n, order in o.items() if n in ("1042", "1043", "1102", "1103", "1104", "1105"))


def test_a_customer_quoting_the_shops_number_finds_the_order_everywhere(ctx, db_url, capsys, shop_orders):
    """Item 7: ``station order``, ``station track``, the screens' search and the customer page all read the shop's
    number through app/orders/references.py."""
    from app.aftersales import customer_page
    from app.orders import queue

    ours = shop_orders["1041"].number
    for command, text in (("order", "#1041"), ("order", "1041"), ("order", " # 1041 "), ("track", "#1041"),
                          ("track", "1041"), ("order", "1101"), ("track", "#1101")):
        code, out, err = station(capsys, "--db", db_url, command, text, "--json")
        assert code == 0, (command, text, err)
        found = json.loads(out)
        assert found["number"] == (shop_orders["1101"].number if "1101" in text else ours), (command, text)
    code, out, err = station(capsys, "--db", db_url, "order", "#9999", "--json")
    assert code == 1 and out == "" and "9999" in err
    with ctx.sessions() as s:
        for text in ("#1041", "1041"):
            assert [r.number for r in queue.window(s, queue.QueueFilter(search=text), 0, 10)] == [ours], text
            for proof in ("40202", "bob.norman@mail.example.com"):
                found = customer_page.find_order(s, text, proof)
                assert found is not None and found.number == ours, (text, proof)
        assert customer_page.find_order(s, "#1041", "99999") is None
