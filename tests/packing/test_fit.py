"""Carton fit with rotation, material choice and the weight check: plain Python, no database."""

from __future__ import annotations

from app.packing.fit import (
    CartonSpec,
    Item,
    MaterialSpec,
    check_weight,
    choose_materials,
    place,
    recommend,
    tolerance_g,
)

CARTONS = [
    CartonSpec("S", 200, 150, 100, tare_g=150),
    CartonSpec("M", 300, 200, 150, tare_g=250),
    CartonSpec("L", 400, 300, 250, tare_g=400, max_weight_g=20000),
]
MATERIALS = [
    MaterialSpec("PAPER", "fill", 30, 10, recyclable=True),
    MaterialSpec("AIR", "fill", 10, 10),
    MaterialSpec("BUBBLE", "wrap", 40, 15, for_fragile=True),
    MaterialSpec("HONEYCOMB", "wrap", 50, 15, for_fragile=True, recyclable=True),
    MaterialSpec("BAG", "bag", 20, 5, for_liquid=True),
]


def _inside(placements, space):
    for p in placements:
        assert p.x + p.dims[0] <= space[0] and p.y + p.dims[1] <= space[1] and p.z + p.dims[2] <= space[2]


def _disjoint(placements):
    for i, a in enumerate(placements):
        for b in placements[i + 1:]:
            separated = (a.x + a.dims[0] <= b.x or b.x + b.dims[0] <= a.x or a.y + a.dims[1] <= b.y
                         or b.y + b.dims[1] <= a.y or a.z + a.dims[2] <= b.z or b.z + b.dims[2] <= a.z)
            assert separated, (a, b)


def test_a_long_item_fits_only_when_turned():
    # 90 x 60 x 190: too long for the box as it lies, fits standing on its side.
    placements = place([Item(60, 190, 90)], (200, 100, 70))
    assert placements is not None
    assert placements[0].dims[0] == 190


def test_placements_are_inside_and_never_overlap():
    items = [Item(100, 100, 50)] * 6 + [Item(50, 50, 50)] * 4
    space = (200, 150, 150)
    placements = place(items, space)
    assert placements is not None and len(placements) == len(items)
    _inside(placements, space)
    _disjoint(placements)


def test_too_much_volume_does_not_fit():
    assert place([Item(100, 100, 100)] * 7, (200, 150, 100)) is None


def test_smallest_carton_that_takes_everything():
    rec = recommend([Item(80, 60, 30, 90), Item(120, 80, 20, 40)], CARTONS, MATERIALS)
    assert rec.carton.code == "S"
    rec = recommend([Item(120, 100, 100, 350)] * 2, CARTONS, MATERIALS)
    assert rec.carton.code == "M"


def test_padding_of_fragile_wrap_pushes_to_a_larger_carton():
    plain = recommend([Item(175, 125, 75, 300)], CARTONS, MATERIALS)
    fragile = recommend([Item(175, 125, 75, 300, fragile=True)], CARTONS, MATERIALS)
    assert plain.carton.code == "S"
    assert fragile.carton.code == "M"


def test_materials_follow_handling_flags_and_prefer_recyclable():
    assert [m.code for m in choose_materials([Item(1, 1, 1)], MATERIALS)] == ["PAPER"]
    codes = [m.code for m in choose_materials([Item(1, 1, 1, fragile=True), Item(1, 1, 1, liquid=True)], MATERIALS)]
    assert codes == ["HONEYCOMB", "BAG", "PAPER"]


def test_weight_limit_of_a_carton_is_respected():
    heavy = [Item(100, 100, 100, 6000)] * 3  # 18 kg: too heavy for the 10 kg carton that has the room
    rec = recommend(heavy, [CartonSpec("S", 400, 400, 400, max_weight_g=10000), CartonSpec("L", 500, 500, 500, max_weight_g=25000)], MATERIALS)
    assert rec.carton.code == "L"


def test_more_than_the_largest_carton_asks_for_several_boxes():
    rec = recommend([Item(300, 250, 200, 1000)] * 5, CARTONS, MATERIALS)
    assert rec.carton.code == "L" and rec.boxes_needed >= 2


def test_an_item_bigger_than_every_carton_gets_no_carton():
    rec = recommend([Item(900, 100, 100, 1000)], CARTONS, MATERIALS)
    assert rec.carton is None


def test_items_without_dimensions_are_reported():
    rec = recommend([Item(0, 0, 0, 100)], CARTONS, MATERIALS)
    assert rec.carton is None and rec.missing_dimensions


def test_many_units_use_the_volume_test():
    rec = recommend([Item(60, 50, 30, 90)] * 60, CARTONS, MATERIALS)
    assert rec.carton is not None and rec.carton.code in ("M", "L")


def test_weight_tolerance_is_percent_with_a_floor():
    assert tolerance_g(1000, 5.0, 20) == 50
    assert tolerance_g(100, 5.0, 20) == 20
    assert check_weight(1000, 1049, 5.0).ok
    assert not check_weight(1000, 1051, 5.0).ok
    assert not check_weight(1000, 940, 5.0).ok
