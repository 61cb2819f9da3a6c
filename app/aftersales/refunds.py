"""What a return gives back, in integer cents (seed 4.2.1 with 2.2.2: coupons and points pro rata).

The order's coupon and points discounts are first shared out over its lines in proportion to each line's
value (largest remainder, so the shares add up to the cent), then over a line's units. A return of ``k``
units of a line whose earlier returns took ``p`` gives back ``f(p + k) - f(p)`` of each share, where
``f(q) = share * q // quantity``; so however an order comes back, in one return or many, the coupon and
points given back add up exactly to what the order used, never a cent more. The customer gets the points
back as points and the rest as money. Pure domain code.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OrderMoney:
    goods_cents: int
    coupon_cents: int
    points_cents: int
    points_used: int
    shipping_cents: int


@dataclass(frozen=True)
class LineMoney:
    line_id: int
    quantity: int
    unit_price_cents: int

    @property
    def value(self) -> int:
        return self.quantity * self.unit_price_cents


@dataclass
class LineRefund:
    line_id: int
    units: int
    goods_cents: int
    coupon_cents: int
    points_cents: int
    points: int

    @property
    def cash_cents(self) -> int:
        return self.goods_cents - self.coupon_cents - self.points_cents


@dataclass
class Refund:
    lines: list[LineRefund] = field(default_factory=list)
    shipping_cents: int = 0
    fee_cents: int = 0

    @property
    def goods_cents(self) -> int:
        return sum(line.goods_cents for line in self.lines)

    @property
    def coupon_cents(self) -> int:
        return sum(line.coupon_cents for line in self.lines)

    @property
    def points_cents(self) -> int:
        return sum(line.points_cents for line in self.lines)

    @property
    def points(self) -> int:
        return sum(line.points for line in self.lines)

    @property
    def cash_cents(self) -> int:
        """The money paid back: goods less their share of coupon and points, plus shipping, less any fee."""
        return max(0, sum(line.cash_cents for line in self.lines) + self.shipping_cents - self.fee_cents)


def share_out(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` by largest remainder: the parts add up to ``total``."""
    base = sum(weights)
    if total == 0 or base <= 0:
        return [0] * len(weights)
    exact = [total * w for w in weights]
    parts = [e // base for e in exact]
    left = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] % base), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


def _part(share: int, units: int, quantity: int) -> int:
    return share * units // quantity if quantity else 0


def compute(order: OrderMoney, lines: list[LineMoney], previously: dict[int, int], returning: dict[int, int],
            *, refund_shipping: bool = False, fee_percent: int = 0) -> Refund:
    """The refund for ``returning`` units (by line id), after ``previously`` returned units (by line id).

    ``refund_shipping``: the merchant is at fault and this return completes the order; the original shipping
    goes back. ``fee_percent``: a restocking fee on the net goods value (change of mind)."""
    weights = [line.value for line in lines]
    coupons = share_out(order.coupon_cents, weights)
    points_cents = share_out(order.points_cents, weights)
    points = share_out(order.points_used, weights)
    refund = Refund()
    for line, coupon, pcents, pts in zip(lines, coupons, points_cents, points):
        k = returning.get(line.line_id, 0)
        if k <= 0:
            continue
        p = previously.get(line.line_id, 0)
        if p + k > line.quantity:
            raise ValueError(f"line {line.line_id}: {p + k} units returned of {line.quantity}")
        refund.lines.append(LineRefund(
            line_id=line.line_id, units=k, goods_cents=k * line.unit_price_cents,
            coupon_cents=_part(coupon, p + k, line.quantity) - _part(coupon, p, line.quantity),
            points_cents=_part(pcents, p + k, line.quantity) - _part(pcents, p, line.quantity),
            points=_part(pts, p + k, line.quantity) - _part(pts, p, line.quantity),
        ))
    if refund_shipping:
        refund.shipping_cents = order.shipping_cents
    if fee_percent:
        net = sum(line.cash_cents for line in refund.lines)
        refund.fee_cents = max(0, net) * fee_percent // 100
    return refund
