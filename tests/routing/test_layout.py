from __future__ import annotations

import json

import pytest

from app.errors import InvalidInput
from app.routing import Layout, LayoutError, Pick, UnknownBin, parse_picks, route
from app.routing.heuristics import largest_gap, s_shape

BASE = {"aisles": 10, "aisle_width": 3.0, "aisle_length": 30.0, "cross_aisles": [0.0, 15.0, 30.0],
        "depot": {"x": 0.0, "y": 0.0}}


def layout(**changes) -> Layout:
    return Layout.from_mapping({**BASE, **changes})


@pytest.mark.parametrize("changes, words", [
    ({"aisle_width": 0.0}, "overlap"),
    ({"aisle_width": -3.0}, "overlap"),
    ({"depot": {"x": 0.0, "y": 7.0}}, "off the cross aisles"),
    ({"depot": {"x": 40.0, "y": 0.0}}, "off the cross aisles"),
    ({"cross_aisles": [0.0, 15.0, 15.0, 30.0]}, "same place"),
    ({"cross_aisles": [5.0, 30.0]}, "front"),
    ({"cross_aisles": [0.0, 31.0]}, "between 0 and aisle_length"),
    ({"aisles": 0}, "at least one aisle"),
    ({"aisle_length": "long"}, "wrong kind"),
])
def test_bad_layouts_are_refused_with_a_clear_message(changes, words):
    with pytest.raises(LayoutError) as err:
        layout(**changes)
    assert words in err.value.message


def test_layout_file_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(LayoutError, match="not valid JSON"):
        Layout.load(bad)
    with pytest.raises(LayoutError, match="no such layout file"):
        Layout.load(tmp_path / "missing.json")


def test_geometry():
    lay = layout(depot={"x": 4.5, "y": 15.0})
    assert lay.blocks == 2 and lay.width == 27.0
    assert lay.depot_aisle() is None and lay.depot_cross_aisle() == 1
    # Between aisles 2 and 4 the best cross aisle is the middle one for points near it.
    a, b = lay.pick_point(Pick("a", 2, 13.0)), lay.pick_point(Pick("b", 4, 16.0))
    assert lay.distance(a, b) == pytest.approx(2 + 6 + 1)
    assert lay.distance(lay.depot, a) == pytest.approx(1.5 + 2)
    path = lay.path(a, b)
    assert sum(lay.distance(p, q) for p, q in zip(path, path[1:])) == pytest.approx(lay.distance(a, b))


def test_bin_codes_map_to_places():
    lay = layout()
    where = lay.locate_bin("A03-12-2")
    assert (where.zone, where.aisle, where.slot, where.level, where.position, where.side) == ("A", 3, 12, 2, 12.0, "R")
    assert lay.locate_bin("a03-13-1").side == "L"
    for code in ("A11-01-1", "A03-31-1", "A03-12-9", "X", "A03-00-1", "A03-15-1", "A03-30-1"):
        with pytest.raises(UnknownBin):
            lay.locate_bin(code)
    bins = list(lay.bins())
    assert len(bins) == 10 * 28 * 3  # slot 15 lies on the middle cross aisle, slot 30 on the back one
    assert all(b.position not in (15.0, 30.0) for b in bins)


def test_picks_are_checked():
    lay = layout()
    assert parse_picks([{"id": "x", "bin": "A04-21-1"}], lay) == [Pick("x", 4, 21.0)]
    for raw, words in ([{"id": "x", "aisle": 11, "position": 3}], "does not exist"), \
                      ([{"id": "x", "aisle": 2, "position": 31}], "outside the aisle"), \
                      ([{"id": "x", "aisle": 2}], "needs"), \
                      ([{"id": "x", "aisle": 2, "position": 1}, {"id": "x", "aisle": 3, "position": 1}], "twice"), \
                      ({"id": "x"}, "list"), \
                      ([{"id": "x", "bin": "Q99-1-1"}], "does not exist"):
        with pytest.raises(InvalidInput, match=words):
            parse_picks(raw, lay)
    with pytest.raises(InvalidInput):
        route(lay, [Pick("x", 12, 3.0)])


def test_s_shape_and_largest_gap_walk_the_classic_routes():
    one = layout(cross_aisles=[0.0, 30.0])
    picks = [Pick("a", 2, 5.0), Pick("b", 4, 5.0), Pick("c", 6, 5.0)]
    # S-shape: up aisle 2, down aisle 4, into aisle 6 and back, home: 3+30+6+30+6+10+15
    assert s_shape(one, picks).length(one) == pytest.approx(100.0)
    assert [p.id for p in s_shape(one, picks).sequence] == ["a", "b", "c"]
    # Largest gap: up aisle 2, along the back, down aisle 6, aisle 4 from the front: 3+30+12+30+6+10+9
    assert largest_gap(one, picks).length(one) == pytest.approx(100.0)
    assert route(one, picks).length == pytest.approx(2 * 15 + 2 * 5 * 3)  # the optimum: three returns


def test_example_layouts_load():
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "resources" / "layouts"
    for path in folder.glob("*_block*.json"):
        lay = Layout.load(path)
        assert lay.blocks in (1, 2, 3)
    picks = json.loads((folder / "example_picks.json").read_text())
    assert len(parse_picks(picks, Layout.load(folder / "two_blocks.json"))) == len(picks)
