"""What a scan costs the database (round trips, on SQLite and PostgreSQL), and that the shortcuts behind the
small count keep the answers right: the open box remembered, its contents taken from the lines in hand."""

from __future__ import annotations

from sqlalchemy import select

from app.packing.service import COMPLETE, OK
from db.models import Order, Product
from db.models.packing import Carton, PackBox, PackMaterial
from tests.helpers.statements import Statements


def test_a_tick_is_one_read_and_three_writes(ctx, bench, make_service, order_factory):
    number = order_factory([("P-CABLE", 3), ("P-BOOK", 1)])
    service = make_service(label=False)
    service.open(number)
    first = service.scan(bench.gtins["P-CABLE"])  # opens box 1 as well
    assert first.reason == "ticked"
    with Statements(ctx.engine) as trips:
        second = service.scan(bench.gtins["P-CABLE"])
    assert (second.verdict, second.packed) == (OK, 2)
    # The order, its pack session, its lines and the scanned product in one read; the line, the box item, the
    # journal row written.
    assert trips.count == 4, trips.statements
    assert trips.statements[0].startswith("SELECT")
    assert sum(s.startswith("SELECT") for s in trips.statements) == 1


def test_the_completing_scan_reads_three_times_at_most(ctx, bench, make_service, order_factory):
    number = order_factory([("P-CABLE", 2), ("P-BOOK", 1)])
    service = make_service(label=False)
    service.open(number)
    service.view()  # as the screen does: the carton catalogue is then in hand
    service.scan(bench.gtins["P-CABLE"])
    service.scan(bench.gtins["P-CABLE"])
    with Statements(ctx.engine) as trips:
        last = service.scan(bench.gtins["P-BOOK"])
    assert last.verdict == COMPLETE
    reads = [s for s in trips.statements if s.startswith("SELECT") and "pg_notify" not in s]
    # The scan's own read, the open box by its remembered id; the first box's contents come from the lines.
    assert len(reads) <= 2, reads
    assert trips.count <= 12, trips.statements


def _item_weight(box: PackBox, s) -> int:
    """The box's expected weight less its carton and materials: what its items should weigh."""
    tare = s.scalar(select(Carton.tare_g).where(Carton.code == box.carton_code)) or 0
    materials = sum(s.scalars(select(PackMaterial.weight_g).where(PackMaterial.code.in_(box.materials or []))))
    return box.expected_weight_g - tare - materials


def test_each_box_expects_the_weight_of_its_own_items(ctx, bench, make_service, order_factory):
    number = order_factory([("P-SHIRT", 1), ("P-MUG", 1), ("P-BOOK", 1), ("P-CABLE", 2)])
    service = make_service(label=False)
    service.open(number)
    service.scan(bench.gtins["P-SHIRT"])
    service.scan(bench.gtins["P-MUG"])
    assert service.scan("CMD:CLOSE-BOX").box_seq == 1  # box 1: contents from the lines in hand
    service.scan(bench.gtins["P-CABLE"])
    service.scan(bench.gtins["P-BOOK"])
    # Box 2 is closed by the completing scan, whose own tick is not written yet when the contents are read.
    assert service.scan(bench.gtins["P-CABLE"]).verdict == COMPLETE
    with ctx.sessions() as s:
        weights = {sku: grams for sku, grams in s.execute(select(Product.sku, Product.weight_g))}
        order_id = s.scalar(select(Order.id).where(Order.number == number))
        boxes = list(s.scalars(select(PackBox).where(PackBox.order_id == order_id).order_by(PackBox.seq)))
        assert [b.state for b in boxes] == ["closed", "closed"]
        assert _item_weight(boxes[0], s) == weights["P-SHIRT"] + weights["P-MUG"]
        assert _item_weight(boxes[1], s) == weights["P-BOOK"] + 2 * weights["P-CABLE"]



def test_the_pack_view_reads_as_often_for_three_boxes_as_for_one(ctx, bench, make_service, order_factory):
    number = order_factory([("P-CABLE", 4)])
    service = make_service(label=False)
    service.open(number)
    service.view()
    service.scan(bench.gtins["P-CABLE"])
    with Statements(ctx.engine) as one_box:
        assert [box.units for box in service.view().boxes] == [1]
    for _ in range(2):
        assert service.scan("CMD:CLOSE-BOX").verdict == OK
        assert service.scan(bench.gtins["P-CABLE"]).verdict == OK
    with Statements(ctx.engine) as three_boxes:
        view = service.view()
    assert [(box.seq, box.units) for box in view.boxes] == [(1, 1), (2, 1), (3, 1)]
    assert three_boxes.count == one_box.count, three_boxes.statements
