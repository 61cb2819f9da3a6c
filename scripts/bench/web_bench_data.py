"""Tracking pages for the generated orders of a million-order PostgreSQL database (bench_app.py ``--make``).

The generated orders (numbers ``B...``) come without parcels, tokens or a timeline, so a tracking-page benchmark
on them would only ever open the few hundred demo orders at the start of the table. ``add_tracking_pages`` gives
every ``every``-th generated order that is labelled, shipped or delivered what the real labelling and carrier
scans would have left: one parcel with a tracking number, an SSCC and an unguessable token, the order's
tracking number, and a timeline (received ... labelled, then shipped, two carrier scans with a place and, for
delivered orders, the delivery). Straight in SQL, a few seconds for ~75,000 orders; a second call adds nothing.

Usage: ``python scripts/bench/web_bench_data.py URL [--every N]`` (a copy of the lead's database, never the
shared original: ``CREATE DATABASE mine TEMPLATE station_bench_ui``).
"""

from __future__ import annotations

import argparse
import sys
import time

import psycopg

# One parcel per order, on the first carrier service that covers China (the generated orders all ship to
# Shanghai). Tracking numbers, SSCCs and tokens are derived from the order id (unique) plus randomness (token).
_PARCELS = """
INSERT INTO parcels (order_id, seq, count, weight_g, length_mm, width_mm, height_mm, carton, tracking_number, sscc,
                     tracking_token, carrier_id, service_id, zone, rate_cents, chargeable_weight_g, expected_delivery,
                     status, voided, void_reason, service_overridden, reprints, labelled_at, labelled_by, shipped_at)
SELECT o.id, 1, 1, 500, 200, 150, 100, 'S', 'BT' || lpad(o.id::text, 11, '0') || 'CN',
       '0061415' || lpad(o.id::text, 11, '0'),
       md5(random()::text || o.id::text || clock_timestamp()::text),
       s.carrier_id, s.id, 2, 1800, 500, (o.placed_at + interval '3 days')::date,
       o.status, false, '', false, 0, o.placed_at + interval '6 hours', 'packer1',
       CASE WHEN o.status = 'labelled' THEN NULL ELSE o.placed_at + interval '10 hours' END
FROM orders o
CROSS JOIN (SELECT cs.id, cs.carrier_id FROM carrier_services cs
            WHERE EXISTS (SELECT 1 FROM carrier_coverage cc WHERE cc.service_id = cs.id AND cc.country = 'CN')
            ORDER BY cs.id LIMIT 1) s
WHERE o.number LIKE 'B%%' AND o.status IN ('labelled', 'shipped', 'delivered') AND o.id %% %(every)s = 0
  AND NOT EXISTS (SELECT 1 FROM parcels p WHERE p.order_id = o.id)
"""

# The timeline the real services would have written, hour by hour after the order was placed.
_STEPS = """
(0, 'received', 'INTAKE', 'system', NULL, '{"source": "generated"}', 'any'),
(1, 'confirmed', 'INTAKE', 'system', NULL, '{"stock": "reserved"}', 'any'),
(1, 'allocated', 'INTAKE', 'system', NULL, '{"warehouse": "SH"}', 'any'),
(3, 'picking', 'STATION-2', 'packer1', NULL, '{"previous": "allocated"}', 'any'),
(4, 'picked', 'STATION-2', 'packer1', NULL, '{"previous": "picking"}', 'any'),
(5, 'packed', 'STATION-2', 'packer1', NULL, '{"previous": "packing"}', 'any'),
(6, 'labelled', 'STATION-2', 'packer1', NULL, '{"previous": "packed", "carrier": "SF", "parcels": 1}', 'any'),
(10, 'shipped', NULL, 'packer1', NULL, '{"previous": "labelled"}', 'left'),
(20, 'in_transit', NULL, 'carrier', 'Shanghai hub', '{}', 'left'),
(40, 'out_for_delivery', NULL, 'carrier', 'Shanghai Pudong', '{}', 'left'),
(44, 'delivered', NULL, 'carrier', 'Shanghai', '{"signed_by": "recipient"}', 'delivered')
"""

_EVENTS = f"""
INSERT INTO order_events (order_id, at, kind, station, "user", location, data)
SELECT o.id, o.placed_at + step.hours * interval '1 hour', step.kind, step.station, step.who, step.place,
       step.data::json
FROM orders o
JOIN parcels p ON p.order_id = o.id AND p.tracking_number LIKE 'BT%%'
CROSS JOIN (VALUES {_STEPS}) AS step(hours, kind, station, who, place, data, applies)
WHERE (step.applies = 'any' OR (step.applies = 'left' AND o.status IN ('shipped', 'delivered'))
       OR (step.applies = 'delivered' AND o.status = 'delivered'))
  AND NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id)
ORDER BY o.id, step.hours
"""

_TRACKING_NUMBERS = """
UPDATE orders o SET tracking_number = p.tracking_number
FROM parcels p WHERE p.order_id = o.id AND p.tracking_number LIKE 'BT%%' AND o.tracking_number IS NULL
"""


def add_tracking_pages(url: str, every: int = 10) -> int:
    """Parcels, tokens and timelines for every ``every``-th labelled/shipped/delivered generated order; the
    number of tracking pages the database holds afterwards."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    started = time.perf_counter()
    with psycopg.connect(dsn) as conn:
        added = conn.execute(_PARCELS, {"every": every}).rowcount
        events = conn.execute(_EVENTS).rowcount
        conn.execute(_TRACKING_NUMBERS)
        conn.commit()
        if added:
            conn.autocommit = True
            conn.execute("ANALYZE parcels")
            conn.execute("ANALYZE order_events")
            conn.execute("ANALYZE orders")
        pages = conn.execute("SELECT count(*) FROM parcels WHERE NOT voided").fetchone()[0]
    print(f"tracking pages: {added} parcels and {events} events added in {time.perf_counter() - started:.0f} s; "
          f"{pages} pages in all", file=sys.stderr)
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="a PostgreSQL database made by bench_app.py --make (a copy of it)")
    parser.add_argument("--every", type=int, default=10, help="every N-th eligible generated order gets a page")
    args = parser.parse_args()
    add_tracking_pages(args.url, args.every)
    return 0


if __name__ == "__main__":
    sys.exit(main())
