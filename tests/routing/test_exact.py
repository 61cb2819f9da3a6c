"""The exact router against an independent Held-Karp checker on many random instances."""

from __future__ import annotations

import random

import pytest

from app.routing import Layout, Pick, route
from app.routing.exact import ExactRouter
from tests.routing.checker import graph_distances, held_karp


def make_layout(blocks: int, depot_x: float = 0.0, depot_y: float = 0.0, aisles: int = 10) -> Layout:
    cross = [round(i * 30.0 / blocks, 6) for i in range(blocks + 1)]
    return Layout.from_mapping(
        {"aisles": aisles, "aisle_width": 3.0, "aisle_length": 30.0, "cross_aisles": cross,
         "depot": {"x": depot_x, "y": depot_y}}
    )


def random_instance(rng: random.Random, blocks: int):
    cross = [round(i * 30.0 / blocks, 6) for i in range(blocks + 1)]
    depot_x = rng.choice([0.0, 3.0 * rng.randint(0, 9), round(rng.uniform(0, 27), 2)])
    layout = make_layout(blocks, depot_x, rng.choice(cross))
    picks = []
    for i in range(rng.randint(1, 9)):
        position = rng.choice(cross) if rng.random() < 0.1 else round(rng.uniform(0, 30), 1)
        picks.append(Pick(f"L{i}", rng.randint(1, 10), position))
    return layout, picks


def test_checker_distances_agree_with_the_layout_formula():
    rng = random.Random(7)
    for blocks in (1, 2, 3):
        layout, picks = random_instance(rng, blocks)
        d = graph_distances(layout, picks)
        points = [layout.depot] + [layout.pick_point(p) for p in picks]
        for i, a in enumerate(points):
            for j, b in enumerate(points):
                assert layout.distance(a, b) == pytest.approx(d[i][j])


@pytest.mark.parametrize("blocks", [1, 2, 3, 4])
def test_exact_router_matches_held_karp(blocks):
    rng = random.Random(1000 + blocks)
    for _ in range(120 if blocks < 4 else 30):
        layout, picks = random_instance(rng, blocks)
        tour = ExactRouter(layout).route(picks)
        optimum = held_karp(layout, picks)
        assert tour.length == pytest.approx(optimum, abs=1e-6), (layout, picks)
        # The sequence read from the tour walks exactly that length.
        assert layout.sequence_length(tour.sequence) == pytest.approx(optimum, abs=1e-6)
        assert sorted(p.id for p in tour.sequence) == sorted(p.id for p in picks)


def test_method_names_follow_the_literature():
    assert ExactRouter(make_layout(1)).method_name() == "ratliff-rosenthal"
    assert ExactRouter(make_layout(2)).method_name() == "roodbergen-de-koster"
    assert ExactRouter(make_layout(3)).method_name() == "exact-dp"


def test_known_single_block_tour():
    # One pick 20 m up aisle 3, depot at aisle 1's head: 6 m across, up 20 and back, 6 m back.
    layout = make_layout(1)
    result = route(layout, [Pick("A", 3, 20.0)])
    assert result.length == pytest.approx(52.0)
    assert [p.id for p in result.sequence] == ["A"]


def test_no_picks_is_an_empty_walk():
    result = route(make_layout(2), [])
    assert result.length == 0 and result.sequence == []


def test_picks_at_the_same_place_are_visited_together():
    layout = make_layout(2)
    picks = [Pick("A", 4, 10.0), Pick("B", 7, 25.0), Pick("C", 4, 10.0)]
    result = route(layout, picks)
    ids = [p.id for p in result.sequence]
    assert abs(ids.index("A") - ids.index("C")) == 1
    assert result.length == pytest.approx(held_karp(layout, picks))


@pytest.mark.parametrize("blocks", [1, 2, 3])
def test_exact_is_never_longer_than_the_classic_rules(blocks):
    rng = random.Random(50 + blocks)
    layout = make_layout(blocks)
    for n in (5, 30, 80):
        picks = [Pick(f"P{i}", rng.randint(1, 10), round(rng.uniform(0.5, 29.5), 2)) for i in range(n)]
        best = route(layout, picks, "optimal").length
        for method in ("s-shape", "largest-gap", "heuristic"):
            other = route(layout, picks, method)
            assert best <= other.length + 1e-6
            if other.walk is not None:
                assert other.length <= other.walk + 1e-6


def test_many_blocks_fall_back_to_the_local_search_close_to_the_optimum():
    from app.routing import heuristic_route

    rng = random.Random(77)
    layout = make_layout(5)
    gaps = []
    for _ in range(25):
        picks = [Pick(f"P{i}", rng.randint(1, 10), round(rng.uniform(0, 30), 1)) for i in range(rng.randint(4, 9))]
        result = route(layout, picks)
        assert result.method.startswith("local-search")
        assert result.length == pytest.approx(heuristic_route(layout, picks).length)
        optimum = held_karp(layout, picks)
        assert result.length >= optimum - 1e-6
        gaps.append(result.length / optimum - 1)
    assert max(gaps) <= 0.03 and sum(gaps) / len(gaps) <= 0.01
