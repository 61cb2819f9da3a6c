"""Warehouse choice and reservation, without a database."""

from __future__ import annotations

from app.domain.allocation import Need, Slot, StockPool, WarehouseInfo, allocate

SH = WarehouseInfo(1, "SH", (31.2, 121.5), capacity=100)
BJ = WarehouseInfo(2, "BJ", (39.9, 116.4), capacity=100)
BEIJING = (39.9, 116.4)


def pool() -> StockPool:
    return StockPool([
        Slot(1, 1, 10, "A01-01-1", 5), Slot(2, 1, 10, "A01-02-1", 3), Slot(3, 2, 10, "A01-01-1", 4),
        Slot(4, 1, 11, "A02-01-1", 2),
    ])


def test_nearest_warehouse_with_everything_wins():
    decision = allocate([Need("l1", 10, 2, "MUG")], BEIJING, 0, pool(), {1: SH, 2: BJ})
    assert decision.allocated and decision.warehouse_id == 2
    assert "BJ" in decision.reason


def test_a_line_only_one_warehouse_holds_decides():
    decision = allocate([Need("l1", 10, 1, "MUG"), Need("l2", 11, 1, "LAMP")], BEIJING, 0, pool(), {1: SH, 2: BJ})
    assert decision.warehouse_id == 1


def test_takes_from_the_fullest_bin_and_splits_when_needed():
    p = pool()
    decision = allocate([Need("l1", 10, 7, "MUG")], (31.2, 121.5), 0, p, {1: SH, 2: BJ})
    assert [(t.stock_id, t.quantity) for t in decision.takes] == [(1, 5), (2, 2)]
    assert p.available(10, 1) == 1 and p.available(10) == 5


def test_load_moves_normal_orders_but_not_urgent_ones():
    busy_bj = WarehouseInfo(2, "BJ", (39.9, 116.4), capacity=100, load=100)
    warehouses = {1: WarehouseInfo(1, "SH", (31.2, 121.5), capacity=100), 2: busy_bj}
    assert allocate([Need("l", 10, 1, "MUG")], BEIJING, 0, pool(), warehouses).warehouse_id == 1
    assert allocate([Need("l", 10, 1, "MUG")], BEIJING, 2, pool(), warehouses).warehouse_id == 2


def test_short_stock_is_reported_and_nothing_taken():
    p = pool()
    decision = allocate([Need("l", 11, 3, "LAMP")], BEIJING, 0, p, {1: SH, 2: BJ})
    assert not decision.allocated
    assert [(s.sku, s.short) for s in decision.shortages] == [("LAMP", 1)]
    assert p.available(11) == 2


def test_stock_split_over_warehouses_asks_for_a_transfer():
    p = StockPool([Slot(1, 1, 10, "A", 1), Slot(2, 2, 10, "B", 1)])
    decision = allocate([Need("l", 10, 2, "MUG")], BEIJING, 0, p, {1: SH, 2: BJ})
    assert not decision.allocated and "transfer" in decision.reason


def test_operator_override_to_one_warehouse():
    decision = allocate([Need("l", 10, 1, "MUG")], BEIJING, 0, pool(), {1: SH, 2: BJ}, only_warehouse=1)
    assert decision.warehouse_id == 1
