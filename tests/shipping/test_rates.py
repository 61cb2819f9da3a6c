"""Rate shopping as plain domain code."""

from datetime import date

import pytest

from app.shipping.rates import (
    Destination,
    MissingDimensions,
    NotCovered,
    OverWeight,
    ParcelSpec,
    Requirement,
    ServiceOption,
    ShippingError,
    explain_failure,
    shop,
)

TODAY = date(2026, 11, 25)


def option(code, kind="standard", coverage=None, rates=None, max_weight_g=30000, divisor=0):
    return ServiceOption(
        service_id=hash(code) % 1000, code=code, name=code, carrier_code=code.split("-")[0], carrier_name=code,
        kind=kind, max_weight_g=max_weight_g, max_length_mm=1500, volumetric_divisor=divisor,
        coverage=coverage or {("CN", ""): (2, 3)}, rates=rates or {2: [(1000, 1000), (5000, 2000)]},
    )


def run(options, dest, parcels, req=Requirement()):
    return shop(options, dest, parcels, req, {o.code: TODAY for o in options})


BOX = ParcelSpec(800, 300, 200, 150)


def test_cheapest_covering_service_wins():
    cheap = option("A-STD", rates={2: [(1000, 900)]})
    dear = option("B-STD", rates={2: [(1000, 1500)]})
    result = run([dear, cheap], Destination("CN", "Guangdong"), [BOX])
    assert result.best.service.code == "A-STD"
    assert result.best.price_cents == 900
    assert [q.service.code for q in result.quotes] == ["A-STD", "B-STD"]


def test_region_coverage_accepts_chinese_names_and_exclusions():
    regional = option("R-STD", coverage={("CN", "Shanghai"): (1, 1)}, rates={1: [(5000, 500)]})
    national = option("N-STD", coverage={("CN", ""): (2, 3), ("CN", "Tibet"): (0, 0)})
    result = run([regional, national], Destination("CN", "上海市"), [BOX])
    assert result.best.service.code == "R-STD"
    result = run([regional, national], Destination("CN", "西藏自治区"), [BOX])
    assert result.best is None
    assert isinstance(explain_failure(result, Destination("CN", "西藏自治区"), [BOX]), NotCovered)


def test_promised_date_rules_out_slow_services():
    slow = option("S-STD", coverage={("CN", ""): (2, 3)}, rates={2: [(5000, 500)]})
    fast = option("F-NEXT", kind="next_day", coverage={("CN", ""): (2, 1)}, rates={2: [(5000, 2500)]})
    req = Requirement.for_service_level("next_day", TODAY)
    result = run([slow, fast], Destination("CN", "Beijing"), [BOX], req)
    assert result.best.service.code == "F-NEXT"
    assert "after the promised" in result.rejected["S-STD"]
    scheduled = Requirement.for_service_level("scheduled", TODAY)
    result = run([slow, fast], Destination("CN", "Beijing"), [BOX], scheduled)
    assert result.best is None


def test_over_weight_is_explained():
    heavy = ParcelSpec(45000, 600, 400, 400)
    result = run([option("A-STD")], Destination("CN", ""), [heavy])
    error = explain_failure(result, Destination("CN", ""), [heavy])
    assert isinstance(error, OverWeight)
    assert "split it" in error.message


def test_missing_dimensions_and_weight_refused():
    with pytest.raises(MissingDimensions, match="no dimensions"):
        run([option("A-STD")], Destination("CN"), [ParcelSpec(500, None, 100, 100)])
    with pytest.raises(ShippingError, match="no weight"):
        run([option("A-STD")], Destination("CN"), [ParcelSpec(0, 100, 100, 100)])


def test_volumetric_weight_sets_the_price():
    svc = option("A-STD", divisor=6000, rates={2: [(1000, 1000), (5000, 2000)]})
    light_but_big = ParcelSpec(300, 400, 300, 200)  # 24000 cm3 / 6000 = 4 kg
    result = run([svc], Destination("CN"), [light_but_big])
    assert result.best.chargeable_g == (4000,)
    assert result.best.price_cents == 2000


def test_multi_parcel_price_is_the_sum():
    result = run([option("A-STD")], Destination("CN"), [BOX, ParcelSpec(3000, 300, 200, 150)])
    assert result.best.price_cents == 1000 + 2000
