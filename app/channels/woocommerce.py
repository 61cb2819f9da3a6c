"""WooCommerce's REST API v3 through WooCommerce's own Python client (``woocommerce``): orders pulled, fulfilments
and stock sent back.

* Orders: ``GET orders?modified_after=...&orderby=modified&order=asc&dates_are_gmt=true``, 100 a page
  (``X-WP-TotalPages``); each order is what the order webhooks send, so one parser reads both.
* Fulfilment, in an order that makes a retry safe: the Shipment Tracking extension's item
  (``wc-shipment-tracking/v3``, where the shop has the extension; skipped on 404), then, on the order's last parcel,
  status ``completed`` (WooCommerce mails the customer), then an order note with the carrier, tracking number and
  the tracking page (a customer note, so it is mailed, where the extension does not carry the tracking). The note is
  the mark that it is done: :meth:`WooCommerceClient.find_fulfilment` looks for it before a retry.
* Stock: ``GET products?sku=a,b,...`` for the ids, then ``POST products/batch`` with ``stock_quantity``.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import requests
from woocommerce import API

from app.channels.errors import ShopError, from_status
from app.channels.model import Fulfilment, OrdersPage, StockResult

PAGE_SIZE = 100
TRACKING_NAMESPACE = "wc-shipment-tracking/v3"
NOTE_MARK = "Tracking"


def _second_before(stamp: str) -> str:
    try:
        when = datetime.fromisoformat(stamp.rstrip("Z"))
    except ValueError:
        return stamp
    return (when - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")


class WooCommerceClient:
    def __init__(self, url: str, key: str, secret: str, *, timeout: float = 10.0) -> None:
        self._api = API(url=url.rstrip("/"), consumer_key=key, consumer_secret=secret, version="wc/v3",
                        timeout=timeout, user_agent="warehouse-station")
        self._tracking = API(url=url.rstrip("/"), consumer_key=key, consumer_secret=secret,
                             version=TRACKING_NAMESPACE, timeout=timeout, user_agent="warehouse-station")
        self._has_tracking: bool | None = None

    def close(self) -> None:
        pass  # the client opens a connection a request

    def _call(self, api: API, method: str, endpoint: str, what: str, *, data: Any = None,
              params: dict[str, Any] | None = None, missing_ok: bool = False) -> requests.Response | None:
        try:
            if method == "GET":
                response = api.get(endpoint, params=params or {})
            elif method == "POST":
                response = api.post(endpoint, data)
            else:
                response = api.put(endpoint, data)
        except requests.Timeout as exc:
            raise ShopError(None, f"{what}: the shop did not answer in time") from exc
        except requests.RequestException as exc:
            raise ShopError(None, f"{what}: the shop cannot be reached ({type(exc).__name__})") from exc
        if missing_ok and response.status_code == 404:
            return None
        if not 200 <= response.status_code < 300:
            raise from_status(response.status_code, response.content, response.headers.get("Retry-After"), what)
        return response

    @staticmethod
    def _json(response: requests.Response | None, what: str) -> Any:
        try:
            return response.json() if response is not None else None
        except (ValueError, json.JSONDecodeError) as exc:
            raise ShopError(response.status_code if response is not None else None,
                            f"{what}: the shop's answer is not JSON") from exc

    # --- orders -------------------------------------------------------------------------------------------

    def orders_page(self, since: str, page: str) -> OrdersPage:
        number = int(page) if page.isdigit() else 1
        params: dict[str, Any] = {"per_page": PAGE_SIZE, "page": number, "orderby": "modified", "order": "asc",
                                  "dates_are_gmt": "true"}
        if since:
            # "after" is strictly later: a second back, so an order changed in the cursor's own second is read
            # again (a known order is a duplicate downstream) rather than missed.
            params["modified_after"] = _second_before(since)
        response = self._call(self._api, "GET", "orders", "reading orders", params=params)
        orders = self._json(response, "reading orders")
        if not isinstance(orders, list):
            raise ShopError(200, "reading orders: the shop's answer is not a list of orders")
        assert response is not None
        try:
            pages = int(response.headers.get("X-WP-TotalPages") or 0)
        except ValueError:
            pages = 0
        has_more = number < pages if pages else len(orders) == PAGE_SIZE
        newest = max((str(o.get("date_modified_gmt") or "") for o in orders if isinstance(o, dict)), default="")
        kept = [o for o in orders if isinstance(o, dict)]
        for order in kept:
            if order.get("refunds") and order.get("id") is not None:
                order["refunds"] = self._refund_details(order)
        return OrdersPage(kept, str(number + 1) if has_more else "", newest)

    def _refund_details(self, order: dict[str, Any]) -> list[Any]:
        """The orders list names each refund's total only; ``GET orders/<id>/refunds`` says which units went back,
        so the intake takes them off the lines (a refund it cannot read in full stays as the list gave it)."""
        what = f"order {order.get('number') or order.get('id')}"
        response = self._call(self._api, "GET", f"orders/{order['id']}/refunds", what, missing_ok=True)
        details = self._json(response, what) if response is not None else None
        return details if isinstance(details, list) and details else order["refunds"]

    # --- fulfilments --------------------------------------------------------------------------------------

    def find_fulfilment(self, f: Fulfilment) -> str | None:
        what = f"order {f.shop_number or f.order_id}"
        response = self._call(self._api, "GET", f"orders/{f.order_id}/notes", what, missing_ok=True)
        if response is None:
            raise ShopError(404, f"{what} is not in the shop (deleted?)", permanent=True)
        for note in self._json(response, what) or []:
            if isinstance(note, dict) and f.tracking_number in str(note.get("note", "")):
                return f"note {note.get('id')}"
        return None

    def fulfil(self, f: Fulfilment) -> str:
        what = f"order {f.shop_number or f.order_id}"
        tracked = self._add_tracking(f, what)
        if f.complete:
            self._call(self._api, "PUT", f"orders/{f.order_id}", what, data={"status": "completed"})
        items = ", ".join(f"{line.quantity} × {line.sku}" for line in f.lines)
        text = f"{NOTE_MARK}: {f.carrier} {', '.join(f.tracking_numbers)}"
        text += f" – {f.tracking_url}" if f.tracking_url else ""
        text += f" ({items})" if items and not f.complete else ""
        note = self._json(self._call(self._api, "POST", f"orders/{f.order_id}/notes", what,
                                     data={"note": text, "customer_note": f.notify_customer and not tracked}), what)
        return f"note {note.get('id') if isinstance(note, dict) else ''}"

    def _add_tracking(self, f: Fulfilment, what: str) -> bool:
        """The Shipment Tracking extension's item, where the shop has the extension; False where it has not."""
        if self._has_tracking is False:
            return False
        endpoint = f"orders/{f.order_id}/shipment-trackings"
        response = self._call(self._tracking, "GET", endpoint, what, missing_ok=True)
        if response is None:
            self._has_tracking = False
            return False
        self._has_tracking = True
        there = {str(item.get("tracking_number")) for item in self._json(response, what) or [] if isinstance(item, dict)}
        for number in f.tracking_numbers:
            if number not in there:
                self._call(self._tracking, "POST", endpoint, what, data={
                    "custom_tracking_provider": f.carrier, "tracking_number": number,
                    "custom_tracking_link": f.tracking_url})
        return True

    # --- stock ----------------------------------------------------------------------------------------------

    def set_stock(self, levels: dict[str, int]) -> StockResult:
        result = StockResult()
        skus = sorted(levels)
        for start in range(0, len(skus), PAGE_SIZE):
            chunk = skus[start:start + PAGE_SIZE]
            found = self._json(self._call(self._api, "GET", "products", "reading the shop's products",
                                          params={"sku": ",".join(chunk), "per_page": PAGE_SIZE}),
                               "reading the shop's products") or []
            ids = {p["sku"]: p["id"] for p in found if isinstance(p, dict) and p.get("sku") in levels and "id" in p}
            result.unknown += [s for s in chunk if s not in ids]
            if not ids:
                continue
            update = [{"id": ids[s], "manage_stock": True, "stock_quantity": max(0, levels[s])}
                      for s in chunk if s in ids]
            answer = self._json(self._call(self._api, "POST", "products/batch", "sending stock",
                                           data={"update": update}), "sending stock") or {}
            refused = [u for u in answer.get("update", []) if isinstance(u, dict) and u.get("error")]
            if refused:
                words = "; ".join(str((u["error"] or {}).get("message", "")) for u in refused)
                raise ShopError(200, f"sending stock: the shop refused {len(refused)} product(s): {words}",
                                permanent=True)
            result.sent += len(update)
        return result
