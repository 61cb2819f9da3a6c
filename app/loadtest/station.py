"""One packing station at full speed: claim the next order, walk its pick route, scan every unit into the pack
service as a scanner would send it, and let the completing scan pack, label and print it, then the next order.

The services are the app's own, one after the other per order:

- claim: :func:`app.orders.claim.claim_next` (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, ``BEGIN IMMEDIATE``
  on SQLite);
- pick: :meth:`app.picking.service.PickService.pick_list`, the order's stops in walking order with the bin and
  the GTINs to take. A claimed order is ``packing`` (the packer picks into the box and packs in one go,
  ``app/orders/claim.py``), so the stops are what the packer scans, one scan a unit, in route order;
- pack: :class:`app.packing.service.PackService` pinned to the order, as ``station pack`` runs it; the scan that
  completes the order packs it, labels it and hands its label and packing slip to the station's printers.

A scan the service refuses because the database did not answer (a lock timeout, a dropped connection) is
scanned again, as a packer would when the screen says so; every such retry is counted and reported.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from app.context import open_context
from app.errors import StationError
from app.orders.claim import claim_next
from app.packing.service import COMPLETE, OK, Answer, PackService
from app.picking.service import PickService
from app.uow import Actor
from db.models import Product, ProductGtin

RETRIES = 5


@dataclass(frozen=True)
class Item:
    """How a scanner reads one unit of a product: its unit GTIN, and what the product tracks."""

    gtin: str
    lot: bool
    expiry: bool
    serial: bool


@dataclass
class StationReport:
    station: str
    claimed: list[str] = field(default_factory=list)
    labelled: list[str] = field(default_factory=list)
    scans: int = 0
    retried_scans: int = 0
    retried_claims: int = 0
    problems: list[str] = field(default_factory=list)  # "ORDER: what went wrong"
    seconds: float = 0.0


def load_items(sessions) -> dict[str, Item]:
    """The catalogue as a scanner sees it, by SKU (a few dozen rows: read once per station)."""
    with sessions() as s:
        rows = s.execute(
            select(Product.sku, ProductGtin.gtin, Product.tracks_lot, Product.tracks_expiry, Product.tracks_serial)
            .join(ProductGtin, ProductGtin.product_id == Product.id).where(ProductGtin.units == 1)
        ).all()
    return {sku: Item(gtin, lot, expiry, serial) for sku, gtin, lot, expiry, serial in rows}


def unit_scan(item: Item, serial: str, expiry: date) -> str:
    """A GS1-128 scan of one unit as the scanner sends it: AIM prefix, GTIN, then expiry, lot and serial
    where the product tracks them (variable-length fields end with the GS separator)."""
    text = "]C101" + item.gtin
    if item.expiry:
        text += "17" + expiry.strftime("%y%m%d")
    if item.lot:
        text += "10LOAD1\x1d"
    if item.serial:
        text += f"21{serial}\x1d"
    return text.rstrip("\x1d")


class Station:
    """One station's loop over the services; one database connection pool of its own."""

    def __init__(self, url: str, name: str) -> None:
        self.ctx = open_context(url, migrate_schema=False)
        self.name = name
        self.actor = Actor(station=name, user=f"packer-{name.lower()}", role="packer")
        self.picking = PickService(self.ctx.sessions, self.actor)
        self.packing = PackService(self.ctx.sessions, self.ctx.settings, name, self.actor, pin=True)
        self.items = load_items(self.ctx.sessions)
        self.serials = (f"{name}-{n}" for n in itertools.count(1))
        self.expiry = date.today() + timedelta(days=400)
        self.report = StationReport(name)

    def close(self) -> None:
        self.ctx.dispose()

    def claim(self) -> str | None:
        for attempt in range(RETRIES):
            try:
                order = claim_next(self.ctx.sessions, self.name, self.actor)
            except DBAPIError:
                self.report.retried_claims += 1
                if attempt == RETRIES - 1:
                    raise
                continue
            return order.number if order is not None else None
        return None

    def scan(self, text: str) -> Answer:
        for _ in range(RETRIES):
            answer = self.packing.scan(text)
            self.report.scans += 1
            if answer.reason != "db_unavailable":
                return answer
            self.report.retried_scans += 1
        return answer

    def work(self, number: str) -> None:
        """Pick and pack one claimed order; what goes wrong is written down and the station goes on."""
        report = self.report
        pick_list = self.picking.pick_list([number])
        if pick_list.unlocated:
            report.problems.append(f"{number}: no stock located for {', '.join(s.sku for s in pick_list.unlocated)}")
            return
        self.packing.open(number)
        answer: Answer | None = None
        for stop in pick_list.stops:
            item = self.items.get(stop.sku)
            if item is None:
                report.problems.append(f"{number}: {stop.sku} has no unit GTIN to scan")
                return
            for _ in range(stop.quantity):
                answer = self.scan(unit_scan(item, next(self.serials), self.expiry))
                if answer.verdict not in (OK, COMPLETE):
                    report.problems.append(f"{number}: scan at {stop.bin} {answer.verdict} ({answer.reason})")
                    return
        if answer is None or answer.verdict != COMPLETE:
            report.problems.append(f"{number}: the last unit did not complete the order")
        elif answer.label_error:
            report.problems.append(f"{number}: packed but not labelled ({answer.label_error})")
        elif answer.status != "labelled" or not answer.print_jobs:
            report.problems.append(f"{number}: status {answer.status} after the last scan, print jobs {answer.print_jobs}")
        else:
            report.labelled.append(number)

    def run(self) -> StationReport:
        """Until no order is waiting."""
        started = time.perf_counter()
        while (number := self.claim()) is not None:
            self.report.claimed.append(number)
            try:
                self.work(number)
            except StationError as exc:
                self.report.problems.append(f"{number}: {exc.message}")
        self.report.seconds = time.perf_counter() - started
        return self.report
