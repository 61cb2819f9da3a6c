"""The parsers feeding the real intake service on both databases: what they produce is what it accepts."""

from __future__ import annotations

import pytest

from app.intake.detect import parse_file
from app.intake.model import IncomingOrder
from app.intake.watch import FolderWatcher
from tests.intake.conftest import FIXTURES

GOOD = {
    "native_orders.json": 3,
    "native_orders.csv": 3,
    "shopify_orders.json": 2,
    "shopify_webhook_order.json": 1,
    "woocommerce_orders.json": 2,
    "orders_d96a.edi": 2,
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_every_parsed_order_passes_the_service_checks(name):
    from app.intake.service import check_record

    _, records = parse_file(FIXTURES / name)
    orders = list(records)
    assert len(orders) == GOOD[name]
    for order in orders:
        assert isinstance(order, IncomingOrder)
        assert check_record(order) is None, (order.record, check_record(order))


def test_import_through_the_service_is_idempotent(ctx):
    from app.intake.service import import_records

    def ingest(records, source):
        return import_records(ctx.sessions, ctx.settings, records)

    imported = 0
    for name in sorted(GOOD):
        if name == "native_orders.csv":
            continue  # the same orders as native_orders.json
        _, records = parse_file(FIXTURES / name)
        summary = ingest(records, name)
        assert summary.rejected == [] and summary.duplicates == 0
        imported += summary.imported
    assert imported == 10
    _, records = parse_file(FIXTURES / "native_orders.csv")
    again = ingest(records, "native_orders.csv")
    assert (again.imported, again.duplicates) == (0, 3)


def test_watch_folder_with_the_service(ctx, tmp_path):
    from app.intake.service import import_records

    def ingest(records, source):
        return import_records(ctx.sessions, ctx.settings, records)

    (tmp_path / "po.edi").write_bytes((FIXTURES / "orders_d96a_bad_record.edi").read_bytes())
    (tmp_path / "cut.edi").write_bytes((FIXTURES / "orders_d96a_truncated.edi").read_bytes())
    watcher = FolderWatcher(tmp_path, ingest, settle=0)
    outcomes = {o.path.name: o for o in watcher.scan_once()}
    assert outcomes["po.edi"].status == "processed"
    assert outcomes["po.edi"].summary["imported"] == 1
    assert outcomes["po.edi"].summary["rejected"][0]["record"] == "order PO-77002 (message 2)"
    assert "QTY+21" in (tmp_path / "processed" / "po.edi.reason.txt").read_text(encoding="utf-8")
    assert outcomes["cut.edi"].status == "failed"
    assert "truncated" in (tmp_path / "failed" / "cut.edi.reason.txt").read_text(encoding="utf-8")
