"""What the station asks of a shop, whichever shop it is: plain data, no HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class OrdersPage:
    """One page of a pull. ``orders``: the shop's orders in the shape its webhooks send (the format parser reads
    them); ``next_page``: where the next page starts ("" : this was the last); ``newest``: the newest
    last-modified time on the page (the next run asks from there)."""

    orders: list[dict[str, Any]]
    next_page: str = ""
    newest: str = ""


@dataclass
class FulfilmentLine:
    sku: str
    quantity: int
    name: str = ""


@dataclass
class Fulfilment:
    """One parcel, as the shop hears of it."""

    order_id: str  # the order's id at the shop (orders.external_id)
    shop_number: str
    lines: list[FulfilmentLine]
    carrier: str
    tracking_number: str
    tracking_url: str
    # The last parcel of the order: the shop may now call it shipped/completed.
    complete: bool = True
    notify_customer: bool = True
    # Parcels sent without boxes of their own: one fulfilment of the order's lines with every parcel's number.
    more_tracking_numbers: list[str] = field(default_factory=list)

    @property
    def tracking_numbers(self) -> list[str]:
        return [self.tracking_number, *self.more_tracking_numbers]

    @classmethod
    def from_payload(cls, payload: dict[str, Any], base_url: str = "") -> Fulfilment:
        lines = [FulfilmentLine(str(line["sku"]), int(line["quantity"]), str(line.get("name", "")))
                 for line in payload.get("lines", [])]
        return cls(order_id=str(payload["order_id"]), shop_number=str(payload.get("shop_number", "")), lines=lines,
                   carrier=str(payload.get("carrier", "")), tracking_number=str(payload["tracking_number"]),
                   tracking_url=str(payload.get("tracking_url") or (
                       f"{base_url.rstrip('/')}/t/{payload['tracking_token']}" if payload.get("tracking_token") and base_url
                       else "")), complete=bool(payload.get("complete", True)),
                   notify_customer=bool(payload.get("notify_customer", True)),
                   more_tracking_numbers=[str(n) for n in payload.get("more_tracking_numbers", [])])

    def as_payload(self) -> dict[str, Any]:
        return {"order_id": self.order_id, "shop_number": self.shop_number,
                "lines": [{"sku": line.sku, "quantity": line.quantity, "name": line.name} for line in self.lines],
                "carrier": self.carrier, "tracking_number": self.tracking_number, "tracking_url": self.tracking_url,
                "complete": self.complete, "notify_customer": self.notify_customer,
                "more_tracking_numbers": list(self.more_tracking_numbers)}


@dataclass
class StockResult:
    sent: int = 0
    # SKUs the shop does not sell (no product or variant has them): not an error, said once.
    unknown: list[str] = field(default_factory=list)


class ShopClient(Protocol):
    """A shop's API as the station uses it. Every method raises app.channels.errors.ShopError."""

    def orders_page(self, since: str, page: str) -> OrdersPage: ...

    def find_fulfilment(self, f: Fulfilment) -> str | None: ...

    def fulfil(self, f: Fulfilment) -> str: ...

    def set_stock(self, levels: dict[str, int]) -> StockResult: ...

    def close(self) -> None: ...
