"""Stock check, reservation and warehouse choice (seed 2.2.1 and 3.1.1), in plain Python.

The service layer loads a :class:`StockPool` (locked rows) and the warehouses with their current
load, asks :func:`allocate` for each order in turn, and writes the decisions back. The pool is
updated as orders take stock, so a batch never promises the same unit twice.

First expired, first out (FEFO): a product's lots are taken first-expiring first; lots without an expiry date
after every dated one, the fullest bin first (fewest bins to visit). Lots that may not be sent out any more
(expired, or within the product's minimum remaining shelf life) never enter the pool: :func:`sendable` tells.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.domain.geo import distance_km

URGENT = 2
HIGH = 1

# How many kilometres a fully loaded warehouse "costs" compared to an idle one.
LOAD_WEIGHT_KM = {0: 2000.0, HIGH: 500.0}


@dataclass
class WarehouseInfo:
    id: int
    code: str
    location: tuple[float, float]
    capacity: int
    load: int = 0

    @property
    def load_ratio(self) -> float:
        return self.load / self.capacity if self.capacity else 1.0


@dataclass
class Slot:
    stock_id: int
    warehouse_id: int
    product_id: int
    bin_code: str
    available: int
    lot: str = ""
    expiry: date | None = None


def sendable(expiry: date | None, min_shelf_life_days: int, today: date) -> bool:
    """May a unit expiring on ``expiry`` still be reserved and sent out today? Undated stock always may; a dated
    one must have at least ``min_shelf_life_days`` left (0: it may go on its expiry day, not after)."""
    return expiry is None or expiry >= today + timedelta(days=max(0, min_shelf_life_days))


@dataclass
class Need:
    line_key: object  # the order line's id (tests may use any label)
    product_id: int
    quantity: int
    sku: str = ""


@dataclass
class Take:
    line_key: object
    stock_id: int
    bin_code: str
    quantity: int
    lot: str = ""


@dataclass
class Shortage:
    product_id: int
    sku: str
    needed: int
    available: int

    @property
    def short(self) -> int:
        return self.needed - self.available


@dataclass
class Decision:
    allocated: bool
    warehouse_id: int | None
    reason: str
    takes: list[Take] = field(default_factory=list)
    shortages: list[Shortage] = field(default_factory=list)
    distance_km: float | None = None


class StockPool:
    def __init__(self, slots: list[Slot]) -> None:
        self._slots: dict[int, list[Slot]] = defaultdict(list)
        self._free: dict[tuple[int, int | None], int] = defaultdict(int)
        for slot in slots:
            self._slots[slot.product_id].append(slot)
            self._free[(slot.product_id, slot.warehouse_id)] += slot.available
            self._free[(slot.product_id, None)] += slot.available
        for product_slots in self._slots.values():
            # FEFO: the first-expiring lot first (undated last); then the fullest bin: fewest bins to visit.
            product_slots.sort(key=lambda s: (s.expiry or date.max, -s.available, s.bin_code))

    def covers(self, product_id: int) -> bool:
        return product_id in self._slots

    def available(self, product_id: int, warehouse_id: int | None = None) -> int:
        return self._free.get((product_id, warehouse_id), 0)

    def take(self, need: Need, warehouse_id: int) -> list[Take]:
        if self.available(need.product_id, warehouse_id) < need.quantity:
            raise AssertionError("take() called without enough stock: check availability first")
        remaining = need.quantity
        takes: list[Take] = []
        for slot in self._slots.get(need.product_id, ()):
            if remaining == 0:
                break
            if slot.warehouse_id != warehouse_id or slot.available <= 0:
                continue
            quantity = min(slot.available, remaining)
            slot.available -= quantity
            remaining -= quantity
            takes.append(Take(need.line_key, slot.stock_id, slot.bin_code, quantity, slot.lot))
        self._free[(need.product_id, warehouse_id)] -= need.quantity
        self._free[(need.product_id, None)] -= need.quantity
        return takes


def _merge(needs: list[Need]) -> dict[int, int]:
    totals: dict[int, int] = {}
    for need in needs:
        totals[need.product_id] = totals.get(need.product_id, 0) + need.quantity
    return totals


# Destinations are region centres, so a batch asks for the same few hundred distances again and again.
_distance_km = functools.lru_cache(maxsize=65536)(distance_km)


def allocate(
    needs: list[Need],
    destination: tuple[float, float] | None,
    priority: int,
    pool: StockPool,
    warehouses: dict[int, WarehouseInfo],
    only_warehouse: int | None = None,
) -> Decision:
    """Choose the warehouse for one order and reserve its stock in the pool.

    Every line must come from one warehouse. Urgent orders go to the nearest warehouse that has
    everything; others weigh distance against the warehouse's current load.
    """
    totals = _merge(needs)
    free = pool._free
    sku_of = {need.product_id: need.sku for need in needs}
    shortages = [
        Shortage(pid, sku_of[pid], qty, pool.available(pid))
        for pid, qty in totals.items()
        if free.get((pid, None), 0) < qty
    ]
    if shortages:
        return Decision(False, None, "not enough stock: " + ", ".join(f"{s.sku} short {s.short}" for s in shortages), shortages=shortages)

    wanted = list(totals.items())
    candidates = []
    for w in warehouses.values():
        if only_warehouse is not None and w.id != only_warehouse:
            continue
        wid = w.id
        for pid, qty in wanted:
            if free.get((pid, wid), 0) < qty:
                break
        else:
            candidates.append(w)
    if not candidates:
        if only_warehouse is not None:
            code = warehouses[only_warehouse].code if only_warehouse in warehouses else str(only_warehouse)
            return Decision(False, None, f"warehouse {code} does not hold every line", shortages=_shortages_in(totals, sku_of, pool, only_warehouse))
        best = max(warehouses.values(), key=lambda w: sum(min(pool.available(p, w.id), q) for p, q in totals.items()))
        return Decision(
            False,
            best.id,
            f"no single warehouse holds every line; transfer to {best.code} requested",
            shortages=_shortages_in(totals, sku_of, pool, best.id),
        )

    distances = {w.id: _distance_km(w.location, destination) if destination and None not in w.location else None
                 for w in candidates}
    # A warehouse entered without its coordinates counts as far as the farthest known one: load and stock decide.
    known = [d for d in distances.values() if d is not None]
    km: dict[int, float] = {k: (d if d is not None else max(known, default=0.0)) for k, d in distances.items()}
    if priority >= URGENT:
        chosen = min(candidates, key=lambda w: (km[w.id], w.load_ratio, w.id))
        reason = f"urgent: nearest warehouse with the stock, {chosen.code} ({km[chosen.id]:,.0f} km)"
    else:
        weight = LOAD_WEIGHT_KM.get(priority, LOAD_WEIGHT_KM[0])
        scored = sorted(candidates, key=lambda w: (km[w.id] + weight * w.load_ratio, w.id))
        chosen = scored[0]
        reason = f"{chosen.code}: {km[chosen.id]:,.0f} km, load {chosen.load_ratio:.0%}"
        if len(scored) > 1:
            runner = scored[1]
            reason += f" (next best {runner.code}: {km[runner.id]:,.0f} km, load {runner.load_ratio:.0%})"
    takes = [take for need in needs for take in pool.take(need, chosen.id)]
    chosen.load += 1
    return Decision(True, chosen.id, reason, takes=takes, distance_km=km[chosen.id] if destination else None)


def _shortages_in(totals: dict[int, int], sku_of: dict[int, str], pool: StockPool, warehouse_id: int) -> list[Shortage]:
    return [
        Shortage(pid, sku_of[pid], qty, pool.available(pid, warehouse_id))
        for pid, qty in totals.items()
        if pool.available(pid, warehouse_id) < qty
    ]
