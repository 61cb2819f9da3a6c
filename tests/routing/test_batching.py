from __future__ import annotations

import random

import pytest

from app.errors import InvalidInput
from app.routing import Layout, Pick, route
from app.routing.batching import batch_orders

LAYOUT = Layout.from_mapping(
    {"aisles": 10, "aisle_width": 3.0, "aisle_length": 30.0, "cross_aisles": [0.0, 15.0, 30.0],
     "depot": {"x": 0.0, "y": 0.0}}
)


def test_orders_near_each_other_share_a_cart():
    orders = {
        "W1": [Pick("a", 9, 25.0)], "W2": [Pick("b", 10, 26.0)],
        "E1": [Pick("c", 1, 3.0)], "E2": [Pick("d", 1, 5.0)],
    }
    batches = batch_orders(LAYOUT, orders, totes=2)
    groups = sorted(sorted(b.orders) for b in batches)
    assert groups == [["E1", "E2"], ["W1", "W2"]]
    for batch in batches:
        # every pick knows its tote, and each order of the batch has its own tote
        assert sorted(batch.totes.values()) == list(range(1, len(batch.orders) + 1))
        assert {batch.tote_of(p) for p in batch.route.sequence} == set(batch.totes.values())


def test_batching_saves_walking_and_respects_the_cart():
    rng = random.Random(3)
    orders = {f"O{i}": [Pick(f"O{i}-{k}", rng.randint(1, 10), round(rng.uniform(0.5, 29.5), 1))
                        for k in range(rng.randint(1, 4))] for i in range(12)}
    separate = sum(route(LAYOUT, picks).length for picks in orders.values())
    batches = batch_orders(LAYOUT, orders, totes=4, max_items=10)
    assert sorted(n for b in batches for n in b.orders) == sorted(orders)
    assert all(len(b.orders) <= 4 and len(b.route.sequence) <= 10 for b in batches)
    together = sum(b.route.length for b in batches)
    assert together < separate
    for batch in batches:
        ids = sorted(p.id for p in batch.route.sequence)
        assert ids == sorted(p.id for n in batch.orders for p in orders[n])


def test_an_order_too_big_for_the_cart_is_refused():
    with pytest.raises(InvalidInput):
        batch_orders(LAYOUT, {"big": [Pick(str(i), 1, 5.0) for i in range(5)]}, max_items=4)
