"""Stand-ins for the shops on loopback: real HTTP servers that answer as Shopify's Admin GraphQL API and
WooCommerce's REST API v3 document it (the shapes recorded in tests/data/shops), so the station's real client code
runs over real HTTP. They keep what they were told (fulfilments, notes, stock levels) for the tests to read, and
can be told to be slow, refuse, throttle or break.

``StandInShop(kind).start()`` -> ``.url``; ``.add_orders(n)``, ``.fail_next(status, body, headers)``,
``.delay_s``, ``.requests`` (method, path, body), ``.fulfilments``, ``.stock``.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

DATA = Path(__file__).resolve().parents[1] / "data" / "shops"
SHOPIFY_TOKEN = "shpat_standin_0123456789"
WOO_KEY, WOO_SECRET = "ck_standin_key", "cs_standin_secret"
SHOPIFY_BAD_TOKEN = {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
WOO_BAD_AUTH = {"code": "woocommerce_rest_authentication_error",
                "message": "Invalid signature - provided signature does not match.", "data": {"status": 401}}


def recorded(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@dataclass
class Failure:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # a malformed page: these bytes as they are
    hang_s: float = 0.0  # answer only after this long (a timeout)
    path: str = ""  # only a request whose path contains this


class StandInShop:
    def __init__(self, kind: str, *, tracking_extension: bool = True) -> None:
        self.kind = kind
        self.lock = threading.Lock()
        self.orders: list[dict[str, Any]] = []
        self._by_gid: dict[str, dict[str, Any]] = {}
        self._version = 0  # moves on whenever an order is added or changed
        self._sorted: tuple[tuple[str, int], list[dict[str, Any]]] = (("", -1), [])
        self.failures: list[Failure] = []
        self.delay_s = 0.0
        self.requests: list[tuple[str, str, Any]] = []
        self.fulfilments: dict[str, list[dict[str, Any]]] = {}  # order id -> fulfilments (Shopify) / notes (Woo)
        self.trackings: dict[str, list[dict[str, Any]]] = {}  # Woo: the Shipment Tracking extension's items
        self.statuses: dict[str, str] = {}  # Woo: order id -> status set by the station
        self.refunds: dict[str, list[dict[str, Any]]] = {}  # Woo: order id -> GET orders/<id>/refunds
        self.stock: dict[str, int] = {}
        self.products: dict[str, int] = {}  # sku -> product / inventory item id
        self.tracking_extension = tracking_extension
        self._next_id = 900_000
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- set-up -------------------------------------------------------------------------------------------

    def start(self) -> StandInShop:
        shop = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: without this a kept-alive connection waits on the client's
            # delayed ACK (40 ms a request), which no real shop's server makes it do.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self) -> None:
                shop._handle(self)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"standin-{self.kind}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def domain(self) -> str:
        return urlparse(self.url).netloc

    def fail_next(self, status: int, body: Any = None, headers: dict[str, str] | None = None, *, times: int = 1,
                  raw: bytes | None = None, hang_s: float = 0.0, path: str = "") -> None:
        with self.lock:
            self.failures += [Failure(status, body, dict(headers or {}), raw, hang_s, path) for _ in range(times)]

    def add_product(self, sku: str, quantity: int = 0) -> None:
        with self.lock:
            self._next_id += 1
            self.products[sku] = self._next_id
            self.stock.setdefault(sku, quantity)

    def add_orders(self, count: int, *, skus: tuple[str, ...] = ("SKU-1",), start: int = 1001,
                   updated: datetime | None = None, **changes: Any) -> list[dict[str, Any]]:
        """``count`` orders made from the recorded shape, numbered from ``start``; each a minute newer."""
        base = updated or datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
        made = []
        template = recorded("graphql_order.json" if self.kind == "shopify" else "wc_v3_order.json")
        for i in range(count):
            number = start + i
            when = (base + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            order = copy.deepcopy(template)
            sku = skus[i % len(skus)]
            if self.kind == "shopify":
                order.update(id=f"gid://shopify/Order/{number}", legacyResourceId=str(number), name=f"#{number}",
                             createdAt=when, updatedAt=when)
                order["lineItems"]["nodes"][0].update(id=f"gid://shopify/LineItem/{number}01", sku=sku)
            else:
                order.update(id=number, number=str(number), date_created_gmt=when[:-1], date_modified_gmt=when[:-1])
                order["line_items"][0].update(id=number * 10, sku=sku)
            order.update(changes)
            made.append(order)
        with self.lock:
            self.orders += made
            self._version += 1
            self._by_gid.update((str(o["id"]), o) for o in made)
        return made

    def add_order_with_lines(self, number: int, lines: list[tuple[str, int]],
                             prices: list[str] | None = None) -> dict[str, Any]:
        """One order of these (sku, quantity) lines at these unit prices (default 25.00), as the shop would hold
        it: its totals add up (the lines, then 4.90 shipping), fully paid."""
        order = self.add_orders(1, start=number)[0]
        prices = prices or ["25.00"] * len(lines)
        total = sum(Decimal(p) * q for p, (_, q) in zip(prices, lines, strict=True)) + Decimal("4.90")
        money = {"shopMoney": {"amount": f"{total:.2f}", "currencyCode": "EUR"}}
        with self.lock:
            if self.kind == "shopify":
                first = order["lineItems"]["nodes"][0]
                order["lineItems"]["nodes"] = [
                    dict(first, id=f"gid://shopify/LineItem/{number}{i:02d}", sku=sku, quantity=qty, currentQuantity=qty,
                         originalUnitPriceSet={"shopMoney": {"amount": price, "currencyCode": "EUR"}})
                    for i, ((sku, qty), price) in enumerate(zip(lines, prices, strict=True))]
                order.update(totalPriceSet=money, currentTotalPriceSet=money)
            else:
                first = order["line_items"][0]
                order["line_items"] = [
                    dict(first, id=number * 100 + i, sku=sku, quantity=qty, price=float(price),
                         subtotal=f"{Decimal(price) * qty:.2f}", total=f"{Decimal(price) * qty:.2f}")
                    for i, ((sku, qty), price) in enumerate(zip(lines, prices, strict=True))]
                order["total"] = f"{total:.2f}"
        return order

    def change_order(self, order_id: str, **changes: Any) -> None:
        """The shop changes an order (a cancellation, a new address): its last-modified time moves on."""
        with self.lock:
            for order in self.orders:
                if self._id(order) == str(order_id):
                    self._version += 1
                    order.update(changes)
                    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                    if self.kind == "shopify":
                        order["updatedAt"] = now
                    else:
                        order["date_modified_gmt"] = now[:-1]

    def _id(self, order: dict[str, Any]) -> str:
        return str(order["legacyResourceId"] if self.kind == "shopify" else order["id"])

    # --- HTTP ---------------------------------------------------------------------------------------------

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        url = urlparse(h.path)
        with self.lock:
            self.requests.append((h.command, url.path, body))
            failure = next((f for f in self.failures if not f.path or f.path in h.path), None)
            if failure is not None:
                self.failures.remove(failure)
        if self.delay_s:
            time.sleep(self.delay_s)
        if failure is not None:
            if failure.hang_s:
                time.sleep(failure.hang_s)
            payload = failure.raw if failure.raw is not None else json.dumps(failure.body or {}).encode()
            return self._send(h, failure.status, payload, failure.headers)
        try:
            if self.kind == "shopify":
                status, answer, headers = self._shopify(h, url, body)
            else:
                status, answer, headers = self._woocommerce(h, url, body)
        except Exception as exc:  # noqa: BLE001 - a stand-in's own bug answers 500, as a shop would
            status, answer, headers = 500, {"errors": f"stand-in: {exc!r}"}, {}
        self._send(h, status, json.dumps(answer).encode(), headers)

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, payload: bytes, headers: dict[str, str]) -> None:
        try:
            h.send_response(status)
            h.send_header("Content-Type", "application/json; charset=utf-8")
            h.send_header("Content-Length", str(len(payload)))
            for k, v in headers.items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(payload)
        except OSError:
            pass  # the client gave up (a timeout test)

    # --- Shopify: POST /admin/api/<version>/graphql.json -------------------------------------------------------

    def _shopify(self, h: BaseHTTPRequestHandler, url: Any, body: Any) -> tuple[int, Any, dict[str, str]]:
        if not re.fullmatch(r"/admin/api/\d{4}-\d{2}/graphql\.json", url.path) or h.command != "POST":
            return 404, {"errors": "Not Found"}, {}
        if h.headers.get("X-Shopify-Access-Token") != SHOPIFY_TOKEN:
            return 401, SHOPIFY_BAD_TOKEN, {}
        query, variables = str((body or {}).get("query", "")), (body or {}).get("variables") or {}
        op = re.search(r"(query|mutation)\s+(\w+)", query)
        name = op.group(2) if op else ""
        handler = {
            "StationOrders": self._gql_orders, "StationFulfilmentOrders": self._gql_fulfilment_orders,
            "StationFulfil": self._gql_fulfil, "StationOrderLines": self._gql_lines, "StationVariants": self._gql_variants,
            "StationLocations": lambda v: {"locations": {"nodes": [{"id": "gid://shopify/Location/1", "name": "Shop"}]}},
            "StationStock": self._gql_set_stock,
        }.get(name)
        if handler is None:
            return 200, {"errors": [{"message": f"Field '{name}' doesn't exist", "extensions": {"code": "undefinedField"}}]}, {}
        with self.lock:
            data = handler(variables)
        cost = {"requestedQueryCost": 10, "actualQueryCost": 10,
                "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 1990, "restoreRate": 100.0}}
        return 200, {"data": data, "extensions": {"cost": cost}}, {}

    def _gql_orders(self, v: dict[str, Any]) -> dict[str, Any]:
        since = ""
        m = re.search(r"updated_at:>='([^']+)'", str(v.get("query") or ""))
        if m:
            since = m.group(1)
        # Sorted once per (cursor, state of the shop): a long pull pages through the same list.
        key = (since, self._version)
        if self._sorted[0] != key:
            self._sorted = (key, sorted((o for o in self.orders if o["updatedAt"] >= since),
                                        key=lambda o: (o["updatedAt"], o["id"])))
        rows = self._sorted[1]
        start = int(base64.b64decode(v["after"]).decode()) if v.get("after") else 0
        first = int(v.get("first") or 50)
        page = rows[start:start + first]
        more = start + first < len(rows)
        nodes = copy.deepcopy(page)
        first_lines = int(v.get("lines") or 250)
        for node in nodes:
            lines = node["lineItems"]["nodes"]
            node["lineItems"] = {"nodes": lines[:first_lines], "pageInfo": {
                "hasNextPage": len(lines) > first_lines,
                "endCursor": base64.b64encode(str(first_lines).encode()).decode()}}
        return {"orders": {"nodes": nodes, "pageInfo": {
            "hasNextPage": more, "endCursor": base64.b64encode(str(start + first).encode()).decode() if page else None}}}

    def _gql_lines(self, v: dict[str, Any]) -> dict[str, Any]:
        order = self._order_by_gid(v["id"])
        if order is None:
            return {"order": None}
        start = int(base64.b64decode(v["after"]).decode()) if v.get("after") else 0
        first = int(v["first"])
        lines = order["lineItems"]["nodes"]
        return {"order": {"lineItems": {"nodes": copy.deepcopy(lines[start:start + first]), "pageInfo": {
            "hasNextPage": start + first < len(lines),
            "endCursor": base64.b64encode(str(start + first).encode()).decode()}}}}

    def _order_by_gid(self, gid: str) -> dict[str, Any] | None:
        return self._by_gid.get(gid)

    def _gql_fulfilment_orders(self, v: dict[str, Any]) -> dict[str, Any]:
        order = self._order_by_gid(v["id"])
        if order is None:
            return {"order": None}
        oid = order["legacyResourceId"]
        done = self.fulfilments.get(oid, [])
        fulfilled: dict[str, int] = {}
        for f in done:
            for item in f["items"]:
                fulfilled[item["id"]] = fulfilled.get(item["id"], 0) + item["quantity"]
        items = []
        for n, line in enumerate(order["lineItems"]["nodes"]):
            fo_item = f"gid://shopify/FulfillmentOrderLineItem/{oid}{n}"
            remaining = int(line["currentQuantity"]) - fulfilled.get(fo_item, 0)
            items.append({"id": fo_item, "remainingQuantity": int(remaining),
                          "lineItem": {"sku": line["sku"], "name": line["name"]}})
        closed = order.get("cancelledAt") or all(int(str(i["remainingQuantity"])) <= 0 for i in items)
        return {"order": {
            "id": order["id"],
            "fulfillments": [{"id": f["id"], "status": "SUCCESS",
                              "trackingInfo": [{"number": n} for n in f["tracking"].get("numbers")
                                               or [f["tracking"].get("number")]]}
                             for f in done],
            "fulfillmentOrders": {"nodes": [{"id": f"gid://shopify/FulfillmentOrder/{oid}",
                                             "status": "CLOSED" if closed else "OPEN",
                                             "lineItems": {"nodes": items}}]}}}

    def _gql_fulfil(self, v: dict[str, Any]) -> dict[str, Any]:
        given = v["fulfillment"]
        tracking = given.get("trackingInfo") or {}
        groups = given["lineItemsByFulfillmentOrder"]
        oid = groups[0]["fulfillmentOrderId"].rsplit("/", 1)[-1]
        order = self._order_by_gid(f"gid://shopify/Order/{oid}")
        if order is None or order.get("cancelledAt"):
            return {"fulfillmentCreate": {"fulfillment": None, "userErrors": [
                {"field": ["fulfillment"], "message": "Fulfillment order is closed or was cancelled"}]}}
        self._next_id += 1
        made = {"id": f"gid://shopify/Fulfillment/{self._next_id}", "tracking": tracking,
                "notify": given.get("notifyCustomer"),
                "items": [i for g in groups for i in g["fulfillmentOrderLineItems"]]}
        self.fulfilments.setdefault(oid, []).append(made)
        return {"fulfillmentCreate": {"fulfillment": {"id": made["id"], "status": "SUCCESS"}, "userErrors": []}}

    def _gql_variants(self, v: dict[str, Any]) -> dict[str, Any]:
        wanted = re.findall(r'sku:"((?:[^"\\]|\\.)*)"', v["query"])
        return {"productVariants": {"nodes": [
            {"sku": s, "inventoryItem": {"id": f"gid://shopify/InventoryItem/{self.products[s]}"}}
            for s in wanted if s in self.products]}}

    def _gql_set_stock(self, v: dict[str, Any]) -> dict[str, Any]:
        by_item = {f"gid://shopify/InventoryItem/{i}": s for s, i in self.products.items()}
        for q in v["input"]["quantities"]:
            self.stock[by_item[q["inventoryItemId"]]] = int(q["quantity"])
        return {"inventorySetQuantities": {"inventoryAdjustmentGroup": {"id": "gid://shopify/InventoryAdjustmentGroup/1"},
                                           "userErrors": []}}

    # --- WooCommerce: /wp-json/wc/v3/... --------------------------------------------------------------------

    def _woocommerce(self, h: BaseHTTPRequestHandler, url: Any, body: Any) -> tuple[int, Any, dict[str, str]]:
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        # Over http the client signs with OAuth 1.0a in the query; over https it sends basic auth.
        if query.get("oauth_consumer_key") != WOO_KEY and not self._basic_ok(h):
            return 401, WOO_BAD_AUTH, {}
        path = url.path
        with self.lock:
            if path == "/wp-json/wc/v3/orders" and h.command == "GET":
                return self._wc_orders(query)
            m = re.fullmatch(r"/wp-json/wc/v3/orders/(\d+)", path)
            if m and h.command == "PUT":
                order = self._by_gid.get(m.group(1))
                if order is None:
                    return 404, {"code": "woocommerce_rest_shop_order_invalid_id", "message": "Invalid ID.",
                                 "data": {"status": 404}}, {}
                order.update({k: v for k, v in (body or {}).items() if k == "status"})
                self.statuses[m.group(1)] = order["status"]
                return 200, order, {}
            m = re.fullmatch(r"/wp-json/wc/v3/orders/(\d+)/notes", path)
            if m:
                if m.group(1) not in self._by_gid:
                    return 404, {"code": "woocommerce_rest_order_invalid_id", "message": "Invalid order ID.",
                                 "data": {"status": 404}}, {}
                notes = self.fulfilments.setdefault(m.group(1), [])
                if h.command == "GET":
                    return 200, notes, {}
                self._next_id += 1
                note = {"id": self._next_id, "author": "system", "date_created": "2026-12-06T10:00:00",
                        "note": body["note"], "customer_note": bool(body.get("customer_note"))}
                notes.append(note)
                return 201, note, {}
            m = re.fullmatch(r"/wp-json/wc/v3/orders/(\d+)/refunds", path)
            if m and h.command == "GET":
                return 200, self.refunds.get(m.group(1), []), {}
            m = re.fullmatch(r"/wp-json/wc-shipment-tracking/v3/orders/(\d+)/shipment-trackings", path)
            if m:
                if not self.tracking_extension:
                    return 404, {"code": "rest_no_route", "message": "No route was found matching the URL and "
                                 "request method.", "data": {"status": 404}}, {}
                items = self.trackings.setdefault(m.group(1), [])
                if h.command == "GET":
                    return 200, items, {}
                self._next_id += 1
                item = {"tracking_id": str(self._next_id), **(body or {})}
                items.append(item)
                return 201, item, {}
            if path == "/wp-json/wc/v3/products" and h.command == "GET":
                skus = [s for s in query.get("sku", "").split(",") if s]
                return 200, [{"id": self.products[s], "sku": s, "stock_quantity": self.stock.get(s)}
                             for s in skus if s in self.products], {}
            if path == "/wp-json/wc/v3/products/batch" and h.command == "POST":
                by_id = {i: s for s, i in self.products.items()}
                done = []
                for u in body.get("update", []):
                    self.stock[by_id[u["id"]]] = int(u["stock_quantity"])
                    done.append({"id": u["id"], "sku": by_id[u["id"]], "stock_quantity": u["stock_quantity"]})
                return 200, {"update": done}, {}
        return 404, {"code": "rest_no_route", "message": "No route was found matching the URL and request method.",
                     "data": {"status": 404}}, {}

    @staticmethod
    def _basic_ok(h: BaseHTTPRequestHandler) -> bool:
        auth = h.headers.get("Authorization") or ""
        return auth == "Basic " + base64.b64encode(f"{WOO_KEY}:{WOO_SECRET}".encode()).decode()

    def _wc_orders(self, q: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        since = q.get("modified_after", "").rstrip("Z")
        rows = sorted((o for o in self.orders if o["date_modified_gmt"] > since),
                      key=lambda o: (o["date_modified_gmt"], o["id"]))
        per_page, page = min(int(q.get("per_page", 10)), 100), int(q.get("page", 1))
        pages = max(1, -(-len(rows) // per_page))
        chunk = rows[(page - 1) * per_page: page * per_page]
        return 200, copy.deepcopy(chunk), {"X-WP-Total": str(len(rows)), "X-WP-TotalPages": str(pages)}


def main() -> None:
    """``python -m tests.helpers.shops KIND [--orders N] [--skus A,B]``: a stand-in shop in a process of its own (a
    benchmark's shop does not share the station's interpreter, as a real one would not); prints its address, serves
    until its standard input closes."""
    import argparse
    import sys

    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=("shopify", "woocommerce"))
    parser.add_argument("--orders", type=int, default=0)
    parser.add_argument("--start", type=int, default=1001)
    parser.add_argument("--skus", default="SKU-1")
    args = parser.parse_args()
    shop = StandInShop(args.kind).start()
    if args.orders:
        shop.add_orders(args.orders, skus=tuple(args.skus.split(",")), start=args.start)
    print(shop.url, flush=True)
    sys.stdin.read()
    shop.stop()


if __name__ == "__main__":
    main()
