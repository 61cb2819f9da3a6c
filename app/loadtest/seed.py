"""A database for the load run: the demo warehouse, the demo carriers, N stations with a print-to-folder
label printer each, and N orders brought to ``allocated`` by the real intake (rules, confirmation, allocation).

The orders are the kind a packing station can finish without a person stepping in: domestic, paid in full,
standard service, products that are not restricted and are well in stock, at most four units a line (below
the bulk-count prompt). Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from app.context import Context
from app.demo import seed as demo
from app.intake.model import IncomingAddress, IncomingLine, IncomingOrder
from app.intake.service import ImportSummary, Intake
from app.shipping.carriers import seed_carriers
from app.shipping.service import set_printer
from app.uow import Actor
from db.models import Order, Product, Station, Stock

LOAD_CHANNEL = "load"
# Well stocked: every product the load orders use has at least this many free units in every warehouse that holds it.
PLENTY = 10_000
# Regions every demo carrier serves with a standard service (remote regions are left out).
ADDRESSES = tuple(a for a in demo.CN_ADDRESSES if a[0] != "新疆维吾尔自治区")


def station_names(count: int) -> list[str]:
    return [f"LOAD-{i:02d}" for i in range(1, count + 1)]


@dataclass(frozen=True)
class Seeded:
    stations: list[str]
    intake: ImportSummary
    allocated: int


def _products(ctx: Context) -> list[tuple[str, int]]:
    with ctx.sessions() as s:
        plenty = (
            select(Stock.product_id).group_by(Stock.product_id)
            .having(func.min(Stock.on_hand - Stock.reserved) >= PLENTY)
        )
        rows = s.execute(
            select(Product.sku, Product.price_cents)
            .where(Product.restricted.is_(False), Product.id.in_(plenty), Product.length_mm.is_not(None))
            .order_by(Product.id)
        ).all()
    return [(sku, price) for sku, price in rows]


def load_orders(products: list[tuple[str, int]], count: int, seed: int, now: datetime,
                review_amount_cents: int) -> Iterator[IncomingOrder]:
    """``count`` orders a station can pack and label unattended, oldest first; each stays under the amount
    the review rules hold for a person."""
    rng = random.Random(seed)
    for n in range(1, count + 1):
        placed = now - timedelta(hours=6) + timedelta(seconds=n)
        lines = [
            IncomingLine(sku=sku, quantity=1 if rng.random() < 0.8 else rng.randint(2, 4), unit_price_cents=price)
            for sku, price in rng.sample(products, 1 + int(rng.random() ** 2 * 4))
        ]
        while len(lines) > 1 and sum(line.quantity * line.unit_price_cents for line in lines) >= review_amount_cents:
            lines.pop()
        lines[0].quantity = min(lines[0].quantity, max(1, (review_amount_cents - 1) // lines[0].unit_price_cents))
        region, city, postcode, street = ADDRESSES[n % len(ADDRESSES)]
        name = rng.choice(demo.SURNAMES) + rng.choice(demo.GIVEN)
        address = IncomingAddress(name=name, address1=street.format(n=n % 999 + 1), city=city, region=region,
                                  postcode=postcode, country="CN", phone=f"13{rng.randint(0, 999_999_999):09d}")
        goods = sum(line.quantity * line.unit_price_cents for line in lines)
        shipping = 0 if goods >= 9900 else 1000
        yield IncomingOrder(
            channel=LOAD_CHANNEL, external_id=f"L{n:08d}", placed_at=placed, lines=lines, ship_to=address,
            customer_email=f"load{n % 5000}@example.com", customer_name=name, goods_cents=goods,
            shipping_cents=shipping, paid_cents=goods + shipping, payment_status="paid",
            payment_reference=f"LOAD-PAY-{n:010d}", priority=rng.choice((0, 0, 0, 1)), service_level="standard",
            promised_ship_at=placed + timedelta(hours=48), record=f"load order {n}",
        )


def seed_load(ctx: Context, orders: int, stations: int, printer_dir: Path, seed: int = 8) -> Seeded:
    """Reference data, carriers, stations with their printers, then the orders through intake."""
    demo.seed_reference(ctx, seed=1)
    names = station_names(stations)
    with ctx.sessions() as s, s.begin():
        seed_carriers(s)
        for name in names:
            if s.scalar(select(Station.id).where(Station.name == name)) is None:
                s.add(Station(name=name, warehouse_id=None, kind="pack"))
            folder = printer_dir / name
            folder.mkdir(parents=True, exist_ok=True)
            # ZPL to a print-to-folder printer: a Zebra's format, written where a spooler would take it.
            set_printer(s, name, "label", folder.as_uri(), fmt="zpl")
            set_printer(s, name, "packing_slip", folder.as_uri(), fmt="pdf")
    products = _products(ctx)
    if not products:
        raise RuntimeError("the demo catalogue has no well-stocked product to order")
    now = datetime.now(UTC).replace(microsecond=0)
    intake = Intake(ctx.sessions, ctx.settings, Actor.system("INTAKE"), batch_size=2000)
    limit = intake.rules.large_amount_cents
    summary = intake.run(load_orders(products, orders, seed, now, limit))
    with ctx.sessions() as s:
        allocated = s.scalar(select(func.count()).select_from(Order).where(
            Order.channel == LOAD_CHANNEL, Order.status == "allocated")) or 0
    return Seeded(names, summary, allocated)
