"""A goods-in dock for the tests: warehouse SH1 with bins (one the quarantine, one in a dangerous-goods zone),
products with case GTINs and lot/expiry tracking, the stations DOCK-1 and DOCK-2, and a supplier's advice
imported."""

from __future__ import annotations

from datetime import date

import pytest

from app.goodsin import service
from app.uow import Actor, UnitOfWork
from db.models import Bin, ProductGtin, Station
from tests.shipping.factories import product, warehouse

DOCK = Actor(station="DOCK-1", user="lena", role="shipping")
PACKER = Actor(station="DOCK-1", user="pat", role="packer")
MUG_GTIN = "04006381333931"
CASE_GTIN = "14006381333938"  # a case of 6 mugs
SERUM_GTIN = "09506000134352"
SSCC = "376130321109103420"
TODAY = date(2026, 12, 5)
CSV = f"""reference,supplier,expected_on,purchase_order,sku,gtin,quantity,lot,expiry,sscc
DN-7781,Rhein Keramik GmbH,2026-12-05,PO-55,MUG-1,,24,,,{SSCC}
DN-7781,Rhein Keramik GmbH,2026-12-05,PO-55,SERUM-1,,10,L42,2027-06-30,{SSCC}
DN-7781,Rhein Keramik GmbH,2026-12-05,PO-55,LAMP-1,,3,,,{SSCC}
"""


@pytest.fixture
def dock(ctx, tmp_path):
    """Warehouse SH1 with six bins (one of them the quarantine, one in a dangerous-goods zone), three products (the
    serum tracks lot and expiry), the station DOCK-1, and the supplier's advice imported."""
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        wh = warehouse(s)
        for code, aisle, position, zone, quarantine in (("A01-01-1", 1, 1.0, "A", False), ("A01-02-1", 1, 2.0, "A", False),
                                                        ("A02-01-1", 2, 1.0, "A", False), ("A02-05-1", 2, 5.0, "A", False),
                                                        ("H01-01-1", 9, 1.0, "HAZ", False),
                                                        ("Q01-01-1", 10, 1.0, "Q", True)):
            s.add(Bin(warehouse_id=wh.id, code=code, zone=zone, aisle=aisle, position=position, level=1,
                      quarantine=quarantine))
        mug = product(s, "MUG-1")
        s.add_all([ProductGtin(product_id=mug.id, gtin=MUG_GTIN, units=1),
                   ProductGtin(product_id=mug.id, gtin=CASE_GTIN, units=6)])
        serum = product(s, "SERUM-1")
        serum.tracks_lot = serum.tracks_expiry = True
        s.add(ProductGtin(product_id=serum.id, gtin=SERUM_GTIN, units=1))
        product(s, "LAMP-1")
        s.add(Station(name="DOCK-1", warehouse_id=wh.id, kind="pack"))
        s.add(Station(name="DOCK-2", warehouse_id=wh.id, kind="pack"))
        uow.commit()
    advice = tmp_path / "advice.csv"
    advice.write_text(CSV, encoding="utf-8")
    result = service.import_deliveries(ctx.sessions, DOCK, advice, warehouse="SH1")
    assert result.rejected == [] and len(result.created) == 1
    return result.created[0]


