"""Review rules, without a database."""

from __future__ import annotations

import pytest

from app.domain.rules import AddressFacts, LineFacts, OrderFacts, RuleSettings, check_address, evaluate

SHANGHAI = AddressFacts("李雷", "世纪大道100号", "上海市", "上海市", "200120", "CN")


def facts(**overrides) -> OrderFacts:
    values = dict(lines=[LineFacts("MUG", 1, 1500, True)], address=SHANGHAI, goods_cents=1500, paid_cents=1500, payment_status="paid")
    values.update(overrides)
    return OrderFacts(**values)


def codes(f: OrderFacts, settings: RuleSettings | None = None) -> list[str]:
    return [flag.code for flag in evaluate(f, settings or RuleSettings())]


def test_a_clean_order_raises_no_flag():
    assert codes(facts()) == []


@pytest.mark.parametrize(
    "overrides, code",
    [
        (dict(payment_status="pending", paid_cents=0), "unpaid"),
        (dict(lines=[LineFacts("NOPE", 1, 1500, False)]), "unknown_sku"),
        (dict(lines=[LineFacts("MUG", 25, 60, True)], goods_cents=1500, paid_cents=1500), "large_quantity"),
        (dict(lines=[LineFacts("TV", 1, 600_000, True)], goods_cents=600_000, paid_cents=600_000), "large_amount"),
        (dict(lines=[LineFacts("WINE", 1, 1500, True, category="alcohol")]), "restricted_category"),
        (dict(customer_standing="blocked"), "customer_blocked"),
        (dict(customer_standing="poor"), "customer_poor_credit"),
        (dict(paid_cents=1400), "payment_mismatch"),
        (dict(points_used=100, points_cents=50, paid_cents=1450), "payment_mismatch"),
        (dict(coupon_code="GHOST", coupon_cents=100, expected_coupon_cents=None, paid_cents=1400), "payment_mismatch"),
        (dict(coupon_code="SAVE", coupon_cents=300, expected_coupon_cents=150, paid_cents=1200), "payment_mismatch"),
        (dict(channel_status="cancelled"), "channel_cancelled"),
    ],
)
def test_each_rule_flags_with_a_reason(overrides, code):
    flags = evaluate(facts(**overrides), RuleSettings())
    assert code in [f.code for f in flags]
    assert all(f.message for f in flags)


def test_coupon_points_shipping_and_tax_add_up():
    f = facts(coupon_code="SAVE", coupon_cents=150, expected_coupon_cents=150, points_used=100, points_cents=100,
              shipping_cents=1000, tax_cents=200, paid_cents=1500 - 150 - 100 + 1000 + 200)
    assert codes(f) == []


def test_an_order_on_account_is_not_unpaid():
    assert "unpaid" not in codes(facts(payment_status="authorized", paid_cents=0))


def test_rules_can_be_tuned_and_disabled():
    big = facts(lines=[LineFacts("TV", 1, 600_000, True)], goods_cents=600_000, paid_cents=600_000)
    assert "large_amount" not in codes(big, RuleSettings(large_amount_cents=1_000_000))
    assert "large_amount" not in codes(big, RuleSettings.from_mapping({"disabled": ["large_amount"]}))


@pytest.mark.parametrize(
    "address, expected",
    [
        (SHANGHAI, set()),
        (AddressFacts("Li", "1 Century Ave", "Shanghai", "Shanghai", "200120", "CN"), set()),
        (AddressFacts("Bob", "1 Main St", "Mountain View", "CA", "94043", "US"), set()),
        (AddressFacts("Bob", "x", "London", "", "SW1A 1AA", "GB"), set()),
        (AddressFacts("Bob", "1 Main St", "Mountain View", "CA", "9404", "US"), {"address_invalid"}),
        (AddressFacts("Li", "", "上海市", "上海市", "200120", "CN"), {"address_incomplete"}),
        (AddressFacts("Li", "x", "上海市", "Atlantis", "200120", "CN"), {"address_invalid"}),
        (AddressFacts("Li", "x", "x", "", "1", "XX"), {"address_invalid"}),
        (AddressFacts("Li", "x", "x", "", "1", ""), {"address_incomplete"}),
    ],
)
def test_addresses_are_checked_against_the_countries_formats(address, expected):
    assert {f.code for f in check_address(address)} == expected
