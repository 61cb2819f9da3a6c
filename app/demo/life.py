"""The demo's life after the parcel leaves, made through the real services as the people and machines would make it.

``station demo seed`` moves most orders on in bulk (:mod:`app.demo.stages`); what a customer, the
carrier or the service desk does comes from here, through the same functions they call, so the Returns desk,
the tracking pages, the timelines, the reports and the e-mail outbox hold real data:

* :func:`carrier_pickup`: the notifier's cursor is placed (what happened before is history, not mailed, as when
  the notifier first runs), then today's carrier pick-up: every labelled parcel waiting for a manifest goes on
  one (``app.shipping.manifest.closeout``), and its order is shipped.
* :func:`live`: the carrier's scans of the orders shipped in the last days (in transit, out for delivery,
  delivered, a delay; ``app.aftersales.carrier_events``); returns of some of the delivered orders, asked on the
  customer page or at the desk, sent back, received, inspected, refunded or exchanged (``app.aftersales.returns``,
  ``app.aftersales.customer_page``); survey answers (``app.aftersales.surveys``); then the notices those events call for, in
  the outbox (``app.notify.hooks``), where they wait: nothing is sent from a seed.

Deterministic for a seed (times are relative to the seed's "now"), and bounded: a few dozen returns and a few
hundred survey answers at most, whatever the number of orders, so the big seed stays fast. Some of the recent
deliveries are left without a return, inside the returns window, for a newcomer to try the customer page.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.aftersales import carrier_events, returns, surveys
from app.aftersales.policy import ReturnPolicy
from app.aftersales.tracking import transit_days
from app.context import Context
from app.demo.stages import NEWCOMER_STATION, Moved
from app.domain import lifecycle as lc
from app.errors import InvalidInput
from app.notify import hooks
from app.shipping import manifest
from app.uow import Actor
from db.models import Order, OrderEvent, Product, Station, Warehouse
from db.models.shipping import Carrier, Parcel
from db.models.web import NotifyCursor

SHIPPING_DESK = Actor(station=None, user="ship1", role="shipping")
SERVICE_USER = "service1"
SOURCE = "demo"  # what brought the carrier's scans, on their timeline entries

# The share of the month's delivered orders whose customer answered the survey, and a bound.
SURVEY_SHARE, SURVEY_MAX = 0.05, 150
# At most this many exchanges (each makes an order; the seed holds back as many of its own).
EXCHANGES_MAX = 3
# At most this many returns, and two in five of the recent deliveries (half in a small demo): the rest stay returnable.
RETURNS_MAX = 24
# Of the recent orders still on their way, one in this many is held up by the carrier.
DELAY_EVERY = 3

HUB = "{city} 分拨中心 sorting centre"
TRANSFER = "{city} 转运中心 hub"
DELIVERY_STATION = "{city} 派送站 delivery station"
DELAYS = (
    "地址不详，快递员将联系收件人 The address is unclear: the courier will call",
    "天气原因延误 Held up by the weather",
    "转运中心爆仓，顺延一天 The hub is over capacity: one day later",
)
COMMENTS = {
    # (score band, Chinese-speaking customer): comments a customer types
    ("good", True): ("包装很好，送货很快。", "质量不错，会再买。", "客服回复及时。", ""),
    ("good", False): ("Well packed and quick.", "Good quality, will order again.", ""),
    ("poor", True): ("包装破损，商品有划痕。", "送货太慢了。", "颜色和图片不一样。"),
    ("poor", False): ("The box was crushed.", "Took far too long to arrive.", "Not the colour in the picture."),
}
RETURN_NOTES = ("尺码偏小 Runs small", "和描述不符 Not as described", "")


@dataclass(frozen=True)
class Scenario:
    """One kind of return the demo shows, and how far it has gone."""

    kind: str  # refund | exchange
    reason: str
    until: str  # label_issued | received | refunded | exchanged
    channel: str  # web (the customer page) | desk
    condition: str = "resellable"
    whole: bool = True  # every unit of the order, else one unit of its first line

    @property
    def hours_needed(self) -> float:
        """Hours from the delivery the return needs to get as far as it goes (the steps' longest times below)."""
        return {"label_issued": 4.0, "received": 21.0}.get(self.until, 23.0)

    @property
    def oldest_first(self) -> bool:
        """A refund done days ago takes one of the oldest deliveries; a return still under way, or an exchange
        whose new order goes out today, one of the newest it fits."""
        return self.until == "refunded"


# In this order, again and again: the Returns desk has a parcel on its way, one to inspect, and finished ones.
SCENARIOS = (
    Scenario("refund", "changed_mind", "refunded", "web"),
    Scenario("exchange", "wrong_size", "exchanged", "desk"),
    Scenario("refund", "changed_mind", "label_issued", "web"),
    Scenario("refund", "damaged", "refunded", "desk", condition="damaged"),
    Scenario("refund", "defective", "received", "desk"),
    Scenario("refund", "not_as_described", "refunded", "web", whole=False),
    Scenario("refund", "wrong_size", "refunded", "desk"),
)


@dataclass
class LifeReport:
    scanned: int = 0
    delivered: int = 0
    returns: int = 0
    exchanges: int = 0
    answers: int = 0
    notices: int = 0


def carrier_pickup(ctx: Context) -> bool:
    """Place the notifier's cursor, then close out every carrier with labelled parcels waiting. True when this
    call placed the cursor: the notices of what follows are then queued by :func:`live`; a cursor placed before
    belongs to a notifier that runs, and reads them itself."""
    with ctx.sessions() as s, s.begin():
        placed = s.get(NotifyCursor, hooks.CURSOR) is None
        hooks.start(s)
    with ctx.sessions() as s, s.begin():
        codes = list(s.scalars(
            select(Carrier.code).join(Parcel, Parcel.carrier_id == Carrier.id)
            .where(Parcel.status == "labelled", Parcel.voided.is_(False), Parcel.manifest_id.is_(None))
            .distinct().order_by(Carrier.code)
        ))
        for code in codes:
            try:
                with s.begin_nested():
                    manifest.closeout(s, code, SHIPPING_DESK)
            except InvalidInput:
                continue  # its parcels belong to orders on hold: they stay
    return placed


def live(ctx: Context, seed: int, now: datetime, moved: Moved, mail: bool, exchanges: int = EXCHANGES_MAX) -> LifeReport:
    """The carrier's scans, returns (at most ``exchanges`` of them sent in exchange), survey answers, and with
    ``mail`` the notices they call for."""
    rng = random.Random(seed * 15485863)
    report = LifeReport()
    delivered = _carrier_scans(ctx, rng, now, moved.recent, report)
    _returns(ctx, rng, now, delivered, report, exchanges)
    _surveys(ctx, rng, now, delivered, report)
    if mail:
        with ctx.sessions() as s, s.begin():
            while True:
                report.notices += hooks.poll(s, ctx.settings)
                cursor = s.get(NotifyCursor, hooks.CURSOR)
                if cursor is None or cursor.last_event_id >= (s.scalar(select(func.max(OrderEvent.id))) or 0):
                    break
    return report


def _hours(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(hours=low + (high - low) * rng.random())


# --- the carrier -------------------------------------------------------------------------------------------

def _carrier_scans(ctx: Context, rng: random.Random, now: datetime, order_ids: list[int],
                   report: LifeReport) -> list[tuple[int, datetime]]:
    """The carrier's scans of the recently shipped orders; returns the orders delivered, with when, oldest first."""
    delivered: list[tuple[int, datetime]] = []
    on_the_way = 0
    with ctx.sessions() as s, s.begin():
        for order_id in order_ids:
            order = s.get(Order, order_id)
            if order is None or order.status != lc.SHIPPED:
                continue
            parcels = list(s.scalars(select(Parcel).where(Parcel.order_id == order_id, Parcel.voided.is_(False))
                                     .order_by(Parcel.seq)))
            if not parcels or parcels[0].shipped_at is None:
                continue
            carrier = s.get(Carrier, parcels[0].carrier_id)
            origin = s.get(Warehouse, order.warehouse_id) if order.warehouse_id else None
            shipped = max(p.shipped_at for p in parcels if p.shipped_at is not None)
            days = transit_days(s, parcels[0].service_id, order) or 2
            # Out for delivery on the morning of the expected day (China time), delivered by the afternoon.
            expected = datetime.combine(shipped.date() + timedelta(days=days), datetime.min.time(), tzinfo=shipped.tzinfo)
            city = order.ship_city or order.ship_country
            left = shipped + _hours(rng, 2, 6)
            arrived = max(left + timedelta(hours=2), expected - _hours(rng, 4, 10))
            out = max(arrived + timedelta(hours=1), expected + _hours(rng, 0.5, 2.5))
            steps = [
                (left, "in_transit", HUB.format(city=origin.city if origin else ""), ""),
                (arrived, "in_transit", TRANSFER.format(city=city), ""),
                (out, "out_for_delivery", DELIVERY_STATION.format(city=city), ""),
                (out + _hours(rng, 1, 6), "delivered", city, ""),
            ]
            reached = [step for step in steps if step[0] <= now - timedelta(minutes=10)]
            if len(reached) < len(steps):
                on_the_way += 1
                if on_the_way % DELAY_EVERY == 1:
                    last = reached[-1][0] if reached else shipped
                    at = min(now - _hours(rng, 0.5, 3), last + _hours(rng, 2, 12))
                    if at > last:
                        reached.append((at, "exception", reached[-1][2] if reached else HUB.format(city=origin.city if origin else ""),
                                        DELAYS[order_id % len(DELAYS)]))
            events = [
                {"tracking_number": parcel.tracking_number, "event": kind, "at": at.isoformat(), "location": where,
                 "detail": detail}
                for at, kind, where, detail in reached for parcel in parcels
            ]
            if not events:
                continue
            result = carrier_events.ingest(s, {"carrier": carrier.code if carrier else "", "events": events}, source=SOURCE)
            report.scanned += result.accepted
            if order.status == lc.DELIVERED:
                delivered.append((order_id, reached[-1][0]))
    report.delivered = len(delivered)
    delivered.sort(key=lambda item: (item[1], item[0]))
    return delivered


# --- returns -------------------------------------------------------------------------------------------------

def _returns(ctx: Context, rng: random.Random, now: datetime, delivered: list[tuple[int, datetime]],
             report: LifeReport, exchanges: int) -> None:
    wanted = min(RETURNS_MAX, max(len(delivered) * 2 // 5, min(len(SCENARIOS) // 2, len(delivered) // 2)))
    # Each kind of return as often as the others: the ones under way do not fill the desk when few deliveries are old.
    each = -(-wanted // len(SCENARIOS))
    made: dict[Scenario, int] = {}
    policy = ReturnPolicy.from_settings(ctx.settings)
    used: set[int] = set()
    refused: set[tuple[int, Scenario]] = set()
    with ctx.sessions() as s:
        desks = {}
        for wid, name in s.execute(select(Station.warehouse_id, Station.name).order_by(Station.id)):
            if name != NEWCOMER_STATION or wid not in desks:
                desks[wid] = name  # the warehouse's last station: the newcomer's is left to the newcomer
    for index in range(len(SCENARIOS) * (wanted + 1)):
        if report.returns >= wanted:
            break
        scenario = SCENARIOS[index % len(SCENARIOS)]
        if made.get(scenario, 0) >= (min(each, exchanges) if scenario.kind == "exchange" else each):
            continue
        for order_id, delivered_at in (delivered if scenario.oldest_first else reversed(delivered)):
            if order_id in used or (order_id, scenario) in refused:
                continue
            if delivered_at + timedelta(hours=scenario.hours_needed) > now:
                continue
            if _return(ctx, rng, now, order_id, delivered_at, scenario, policy, desks, report):
                used.add(order_id)
                made[scenario] = made.get(scenario, 0) + 1
                break
            refused.add((order_id, scenario))


def _return(ctx: Context, rng: random.Random, now: datetime, order_id: int, delivered_at: datetime, scenario: Scenario,
            policy: ReturnPolicy, desks: dict[int, str], report: LifeReport) -> bool:
    """One return as far as ``scenario`` goes; False (nothing written) when the policy or the stock refuses it."""
    from app.aftersales.customer_page import request_return as ask_on_the_page

    with ctx.sessions() as s, s.begin():
        order = s.get(Order, order_id)
        if order is None or order.status != lc.DELIVERED:
            return False
        desk = Actor(station=desks.get(order.warehouse_id), user=SERVICE_USER, role="service")
        lines = sorted(order.lines, key=lambda line: line.line_no)
        if scenario.whole or sum(line.quantity for line in lines) < 2:
            wanted = [(line, line.quantity) for line in lines]
        else:
            wanted = [(lines[0], 1)]
        asked = delivered_at + _hours(rng, 1, 4)
        try:
            with s.begin_nested():
                if scenario.kind == "exchange":
                    items = []
                    for line, quantity in wanted:
                        other = _exchange_sku(line.product)
                        if other is None:
                            raise InvalidInput(f"{line.sku} has nothing to be exchanged for")
                        items.append(returns.ReturnItem(line.sku, quantity, other))
                    ret = returns.request_return(s, order, items, "exchange", scenario.reason, desk, policy=policy,
                                                 note=RETURN_NOTES[order_id % len(RETURN_NOTES)], channel="desk", now=asked)
                    returns.issue_label(s, ret, desk, ctx.settings, now=asked)
                elif scenario.channel == "web":
                    ret = ask_on_the_page(s, order, {line.sku: quantity for line, quantity in wanted}, scenario.reason,
                                          ctx.settings, note=RETURN_NOTES[order_id % len(RETURN_NOTES)], now=asked)
                else:
                    ret = returns.request_return(s, order, [returns.ReturnItem(line.sku, quantity) for line, quantity in wanted],
                                                 "refund", scenario.reason, desk, policy=policy, channel="desk", now=asked)
                    returns.issue_label(s, ret, desk, ctx.settings, now=asked)
        except InvalidInput:
            return False
        number, tracking_number = ret.number, ret.tracking_number
        # The parcel on its way back: the carrier's scans of the return label.
        sent = asked + _hours(rng, 1, 3)  # the courier collects it the same day, and it is back overnight
        arrived = sent + _hours(rng, 4, 12)
        home = s.get(Warehouse, order.warehouse_id) if order.warehouse_id else None
        scans = [(sent, "in_transit", TRANSFER.format(city=order.ship_city or order.ship_country))]
        if scenario.until != "label_issued":
            scans.append((arrived, "delivered", home.name if home else ""))
        carrier = s.get(Carrier, ret.carrier_id)
        carrier_events.ingest(s, {"carrier": carrier.code if carrier else "", "events": [
            {"tracking_number": tracking_number, "event": kind, "at": at.isoformat(), "location": where}
            for at, kind, where in scans if at <= now]}, source=SOURCE)
        report.returns += 1
        if scenario.until == "label_issued":
            return True
        received = arrived + _hours(rng, 0.5, 2)
        returns.receive(s, ret, desk, now=received)
        if scenario.until == "received":
            return True
        at = received + _hours(rng, 0.2, 1)
        for line in ret.lines:
            returns.inspect(s, ret, line, scenario.condition, desk, quantity=line.quantity, now=at)
        if scenario.kind == "refund":
            returns.complete(s, ret, desk, policy, now=at + _hours(rng, 0.1, 0.3))
    if scenario.kind == "exchange":
        try:
            returns.create_exchange_order(ctx.sessions, ctx.settings, number, desk)
            report.exchanges += 1
        except InvalidInput:
            pass  # inspected and waiting for the desk to send the exchange: the desk sees why
    return True


def _exchange_sku(product: Product | None) -> str | None:
    """Another size or colour of the same item (a listed substitute) in stock, for an exchange."""
    if product is None:
        return None
    others = sorted((p for p in product.substitutes if p.active), key=lambda p: p.id)
    return others[0].sku if others else None


# --- surveys -------------------------------------------------------------------------------------------------

def _surveys(ctx: Context, rng: random.Random, now: datetime, recent: list[tuple[int, datetime]],
             report: LifeReport) -> None:
    """Answers from some of the month's delivered orders, a few days after delivery, and from some of today's."""
    with ctx.sessions() as s, s.begin():
        older = list(s.scalars(select(Order.id).where(Order.status == lc.DELIVERED).order_by(Order.id)))
        recent_ids = {order_id for order_id, _ in recent}
        older = [order_id for order_id in older if order_id not in recent_ids]
        step = max(1, round(1 / SURVEY_SHARE))
        chosen = older[::step][:SURVEY_MAX]
        when = dict(s.execute(
            select(OrderEvent.order_id, func.max(OrderEvent.at))
            .where(OrderEvent.kind == "delivered", OrderEvent.order_id.in_(chosen)).group_by(OrderEvent.order_id)
        ).all()) if chosen else {}
        asked = [(order_id, when[order_id]) for order_id in chosen if order_id in when]
        asked += [(order_id, at) for order_id, at in recent[::2]]
        for order_id, delivered_at in asked:
            answered = delivered_at + _hours(rng, 3, 72)
            if answered > now - timedelta(minutes=30):
                continue
            order = s.get(Order, order_id)
            if order is None or order.status not in (lc.DELIVERED, lc.RETURNED):
                continue
            product, delivery, service = (_score(rng) for _ in range(3))
            band = "poor" if min(product, delivery, service) <= 2 else "good"
            pool = COMMENTS[(band, order.ship_country == "CN")]
            comment = pool[order_id % len(pool)] if band == "poor" or rng.random() < 0.4 else ""
            try:
                surveys.record_answer(s, order, product, delivery, service, comment, answered_at=answered, source="web")
            except surveys.DuplicateAnswer:
                continue
            report.answers += 1


def _score(rng: random.Random) -> int:
    """A customer's score: mostly content, now and then not."""
    roll = rng.random()
    return 5 if roll < 0.5 else 4 if roll < 0.8 else 3 if roll < 0.9 else 2 if roll < 0.96 else 1
