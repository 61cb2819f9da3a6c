"""A stock room for the count tests: warehouse SH1 with four bins (one the quarantine), a mug on one shelf and a
lot-tracked serum on another, the counting stations COUNT-1 and COUNT-2."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.uow import Actor, UnitOfWork
from db.models import Bin, ProductGtin, Station, Stock
from tests.shipping.factories import product, warehouse

COUNTER = Actor(station="COUNT-1", user="lena", role="shipping")
OTHER = Actor(station="COUNT-2", user="omar", role="shipping")
BOSS = Actor(station="COUNT-1", user="boss", role="supervisor")
MUG_GTIN = "04006381333931"
CASE_GTIN = "14006381333938"  # a case of 6 mugs
SERUM_GTIN = "09506000134352"
EXPIRY = date.today() + timedelta(days=200)


@pytest.fixture
def room(ctx):
    """Bins A01-01-1 (20 mugs), A01-02-1 (10 serum of lot L1), A02-01-1 (empty), Q01-01-1 (quarantine)."""
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        wh = warehouse(s)
        bins = {}
        for code, aisle, position, quarantine in (("A01-01-1", 1, 1.0, False), ("A01-02-1", 1, 2.0, False),
                                                  ("A02-01-1", 2, 1.0, False), ("Q01-01-1", 9, 1.0, True)):
            bins[code] = Bin(warehouse_id=wh.id, code=code, aisle=aisle, position=position, level=1,
                             quarantine=quarantine)
            s.add(bins[code])
        mug = product(s, "MUG-1")
        s.add_all([ProductGtin(product_id=mug.id, gtin=MUG_GTIN, units=1),
                   ProductGtin(product_id=mug.id, gtin=CASE_GTIN, units=6)])
        serum = product(s, "SERUM-1")
        serum.tracks_lot = serum.tracks_expiry = True
        s.add(ProductGtin(product_id=serum.id, gtin=SERUM_GTIN, units=1))
        s.add_all([Station(name="COUNT-1", warehouse_id=wh.id, kind="pack"),
                   Station(name="COUNT-2", warehouse_id=wh.id, kind="pack")])
        s.flush()
        s.add(Stock(product_id=mug.id, bin_id=bins["A01-01-1"].id, warehouse_id=wh.id, on_hand=20, reserved=0))
        s.add(Stock(product_id=serum.id, bin_id=bins["A01-02-1"].id, warehouse_id=wh.id, on_hand=10, reserved=0,
                    lot="L1", expiry=EXPIRY))
        uow.commit()
    return ctx
