"""Shopify's Admin GraphQL API (its REST endpoints are legacy): orders pulled, fulfilments and stock sent back.

Plain httpx over the documented API: Shopify's own Python library (ShopifyAPI) pins every call to a
``<shop>.myshopify.com`` host and keeps its session in class attributes (one shop per process), which does not fit
a station serving several shops from one server. ``POST {url}/admin/api/{version}/graphql.json`` with the access
token in ``X-Shopify-Access-Token``.

* Orders: ``orders(first, after, query: "updated_at:>=...", sortKey: UPDATED_AT)``; each node is given to the intake
  in the shape Shopify's order webhooks send (:func:`webhook_shape`), so one parser reads both.
* Fulfilment: the order's open fulfilment orders, their line items matched by SKU, then ``fulfillmentCreate`` with
  the tracking number, company and URL and ``notifyCustomer`` (Shopify sends its own shipping e-mail). Before a
  message is sent again the order's fulfilments are read: one with this tracking number means it went already.
* Stock: ``productVariants(query: "sku:...")`` gives each SKU's inventory item, then ``inventorySetQuantities``
  (``available`` at the channel's location) for up to 250 at a time.

A throttled call (``THROTTLED`` in the errors, or HTTP 429) is a ShopError with the seconds to wait.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from app.channels.errors import ShopError, from_status, retry_after_seconds
from app.channels.model import Fulfilment, OrdersPage, StockResult

API_VERSION = "2025-01"
# A query may ask for at most 1,000 cost points: an order asks about 2 for each money amount and object it names
# and 4 for each line (the line, its variant, its price): an order of up to 20 lines and 2 shipping lines about 104,
# so 9 orders cost 938. An order with more lines has the rest read with a query of its own (LINES_QUERY).
PAGE_SIZE = 9
LINES_FIRST = 20
MORE_LINES = 200

_MONEY = "shopMoney { amount currencyCode }"
LINE_FIELDS = f"id sku name quantity currentQuantity variant {{ barcode }} originalUnitPriceSet {{ {_MONEY} }}"
ORDER_FIELDS = f"""
  id legacyResourceId name createdAt updatedAt processedAt cancelledAt closed email phone note tags
  currencyCode taxesIncluded displayFinancialStatus displayFulfillmentStatus discountCodes
  paymentGatewayNames confirmationNumber
  customAttributes {{ key value }}
  totalPriceSet {{ {_MONEY} }} currentTotalPriceSet {{ {_MONEY} }} totalOutstandingSet {{ {_MONEY} }}
  currentTotalDiscountsSet {{ {_MONEY} }} currentTotalTaxSet {{ {_MONEY} }}
  customer {{ firstName lastName email phone }}
  shippingAddress {{ firstName lastName name company address1 address2 city province provinceCode zip
                     countryCodeV2 phone }}
  shippingLines(first: 2) {{ nodes {{ code title originalPriceSet {{ {_MONEY} }} }} }}
  lineItems(first: $lines) {{ nodes {{ {LINE_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }}
"""
ORDERS_QUERY = f"""
query StationOrders($first: Int!, $after: String, $query: String, $lines: Int!) {{
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    nodes {{ {ORDER_FIELDS} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}"""
LINES_QUERY = f"""
query StationOrderLines($id: ID!, $first: Int!, $after: String) {{
  order(id: $id) {{ lineItems(first: $first, after: $after) {{ nodes {{ {LINE_FIELDS} }}
                                                               pageInfo {{ hasNextPage endCursor }} }} }}
}}"""
FULFILMENT_ORDERS_QUERY = """
query StationFulfilmentOrders($id: ID!) {
  order(id: $id) {
    id
    fulfillments(first: 50) { id status trackingInfo(first: 5) { number } }
    fulfillmentOrders(first: 20) {
      nodes { id status lineItems(first: 250) { nodes { id remainingQuantity lineItem { sku name } } } }
    }
  }
}"""
FULFILMENT_CREATE = """
mutation StationFulfil($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status }
    userErrors { field message }
  }
}"""
VARIANTS_QUERY = """
query StationVariants($query: String!) {
  productVariants(first: 250, query: $query) { nodes { sku inventoryItem { id } } }
}"""
LOCATIONS_QUERY = "query StationLocations { locations(first: 1) { nodes { id name } } }"
SET_QUANTITIES = """
mutation StationStock($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { id }
    userErrors { field message code }
  }
}"""
OPEN_FULFILMENT_ORDER = ("OPEN", "IN_PROGRESS", "SCHEDULED")
FINANCIAL = {"PARTIALLY_PAID": "partially_paid", "PARTIALLY_REFUNDED": "partially_refunded"}
FULFILMENT = {"FULFILLED": "fulfilled", "PARTIALLY_FULFILLED": "partial", "RESTOCKED": "restocked"}


def order_gid(order_id: str) -> str:
    return order_id if order_id.startswith("gid://") else f"gid://shopify/Order/{order_id}"


def _legacy(gid: Any) -> str:
    text = str(gid or "")
    return text.rsplit("/", 1)[-1] if text.startswith("gid://") else text


def _money(value: Any) -> str | None:
    if isinstance(value, dict):
        shop = value.get("shopMoney")
        if isinstance(shop, dict):
            return shop.get("amount")
    return None


def _nodes(value: Any) -> list:
    if isinstance(value, dict):
        nodes = value.get("nodes")
        if isinstance(nodes, list):
            return nodes
        edges = value.get("edges")
        if isinstance(edges, list):
            return [e.get("node") for e in edges if isinstance(e, dict)]
    return []


def webhook_shape(node: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL order node as Shopify's order webhook (and REST order resource) names the same facts."""
    address = node.get("shippingAddress") if isinstance(node.get("shippingAddress"), dict) else None
    customer: dict[str, Any] = node["customer"] if isinstance(node.get("customer"), dict) else {}
    financial = str(node.get("displayFinancialStatus") or "").upper()
    fulfilment = str(node.get("displayFulfillmentStatus") or "").upper()
    codes = [c for c in node.get("discountCodes") or [] if isinstance(c, str)]
    discounts = _money(node.get("currentTotalDiscountsSet")) or _money(node.get("totalDiscountsSet")) or "0"
    tags = node.get("tags")
    shape: dict[str, Any] = {
        "id": _legacy(node.get("legacyResourceId") or node.get("id")),
        "admin_graphql_api_id": node.get("id"),
        "name": node.get("name"),
        "created_at": node.get("createdAt") or node.get("processedAt"),
        "updated_at": node.get("updatedAt"),
        "cancelled_at": node.get("cancelledAt"),
        "email": node.get("email"),
        "phone": node.get("phone"),
        "note": node.get("note"),
        "tags": ", ".join(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else tags,
        "currency": node.get("currencyCode"),
        "taxes_included": node.get("taxesIncluded"),
        "financial_status": FINANCIAL.get(financial, financial.lower()) or None,
        "fulfillment_status": FULFILMENT.get(fulfilment),
        # One amount for all the codes: GraphQL gives the codes and the order's discount total.
        "discount_codes": [{"code": c, "amount": discounts if i == 0 else "0.00", "type": "fixed_amount"}
                           for i, c in enumerate(codes)],
        "total_discounts": discounts,
        "total_price": _money(node.get("totalPriceSet")),
        "current_total_price": _money(node.get("currentTotalPriceSet")),
        "total_outstanding": _money(node.get("totalOutstandingSet")),
        "total_tax": _money(node.get("currentTotalTaxSet")) or _money(node.get("totalTaxSet")),
        "payment_gateway_names": node.get("paymentGatewayNames") or [],
        "confirmation_number": node.get("confirmationNumber"),
        "note_attributes": [{"name": a.get("key"), "value": a.get("value")}
                            for a in node.get("customAttributes") or [] if isinstance(a, dict)],
        "customer": {"first_name": customer.get("firstName"), "last_name": customer.get("lastName"),
                     "email": customer.get("email"), "phone": customer.get("phone")},
        "shipping_lines": [{"code": s.get("code"), "title": s.get("title"),
                            "price": _money(s.get("originalPriceSet")) or "0"}
                           for s in _nodes(node.get("shippingLines")) if isinstance(s, dict)],
        "line_items": [_line_shape(item) for item in _nodes(node.get("lineItems")) if isinstance(item, dict)],
    }
    if address is not None:
        shape["shipping_address"] = {
            "first_name": address.get("firstName"), "last_name": address.get("lastName"), "name": address.get("name"),
            "company": address.get("company"), "address1": address.get("address1"),
            "address2": address.get("address2"), "city": address.get("city"), "province": address.get("province"),
            "province_code": address.get("provinceCode"), "zip": address.get("zip"),
            "country_code": address.get("countryCodeV2"), "phone": address.get("phone")}
    return {k: v for k, v in shape.items() if v is not None}


def _line_shape(item: dict[str, Any]) -> dict[str, Any]:
    variant: dict[str, Any] = item["variant"] if isinstance(item.get("variant"), dict) else {}
    line = {"id": _legacy(item.get("id")), "sku": item.get("sku"), "name": item.get("name"),
            "quantity": item.get("quantity"), "current_quantity": item.get("currentQuantity"),
            "price": _money(item.get("originalUnitPriceSet")), "barcode": variant.get("barcode")}
    return {k: v for k, v in line.items() if v is not None}


class ShopifyClient:
    def __init__(self, url: str, token: str, *, api_version: str = API_VERSION, location: str = "",
                 timeout: float = 10.0, transport: httpx.BaseTransport | None = None) -> None:
        self.endpoint = f"{url.rstrip('/')}/admin/api/{api_version}/graphql.json"
        self.location = location
        self._http = httpx.Client(timeout=timeout, transport=transport,
                                  headers={"X-Shopify-Access-Token": token, "Content-Type": "application/json",
                                           "Accept": "application/json", "User-Agent": "warehouse-station"})

    def close(self) -> None:
        self._http.close()

    def graphql(self, query: str, variables: dict[str, Any] | None = None, what: str = "") -> dict[str, Any]:
        try:
            response = self._http.post(self.endpoint, json={"query": query, "variables": variables or {}})
        except httpx.TimeoutException as exc:
            raise ShopError(None, f"{what}: the shop did not answer in time" if what else
                            "the shop did not answer in time") from exc
        except httpx.HTTPError as exc:
            raise ShopError(None, f"{what + ': ' if what else ''}the shop cannot be reached ({exc})") from exc
        if response.status_code != 200:
            raise from_status(response.status_code, response.content, response.headers.get("retry-after"), what)
        try:
            body = response.json()
        except ValueError as exc:
            raise ShopError(200, f"{what + ': ' if what else ''}the shop's answer is not JSON") from exc
        if not isinstance(body, dict):
            raise ShopError(200, f"{what + ': ' if what else ''}the shop's answer is not a GraphQL response")
        errors = body.get("errors")
        if errors:
            raise _graphql_error(errors, body, what)
        data = body.get("data")
        if not isinstance(data, dict):
            raise ShopError(200, f"{what + ': ' if what else ''}the shop's answer holds no data")
        return data

    # --- orders -------------------------------------------------------------------------------------------

    def orders_page(self, since: str, page: str) -> OrdersPage:
        query = f"updated_at:>='{since}'" if since else None
        data = self.graphql(ORDERS_QUERY, {"first": PAGE_SIZE, "after": page or None, "query": query,
                                           "lines": LINES_FIRST}, "reading orders")
        orders = data.get("orders")
        if not isinstance(orders, dict):
            raise ShopError(200, "reading orders: the shop's answer has no orders")
        nodes = [n for n in _nodes(orders) if isinstance(n, dict)]
        for node in nodes:
            self._rest_of_lines(node)
        info: dict[str, Any] = orders["pageInfo"] if isinstance(orders.get("pageInfo"), dict) else {}
        newest = max((str(n.get("updatedAt") or "") for n in nodes), default="")
        after = str(info.get("endCursor") or "") if info.get("hasNextPage") else ""
        return OrdersPage([webhook_shape(n) for n in nodes], after, newest)

    def _rest_of_lines(self, node: dict[str, Any]) -> None:
        """An order with more lines than a page of orders asks for: the rest read now, so none is left out."""
        items = node.get("lineItems")
        while isinstance(items, dict) and (items.get("pageInfo") or {}).get("hasNextPage"):
            data = self.graphql(LINES_QUERY, {"id": node.get("id"), "first": MORE_LINES,
                                              "after": items["pageInfo"].get("endCursor")},
                                f"reading the lines of order {node.get('name')}")
            more = ((data.get("order") or {}).get("lineItems")) or {}
            items["nodes"] = [*_nodes(items), *_nodes(more)]
            items["pageInfo"] = more.get("pageInfo") or {}

    # --- fulfilments --------------------------------------------------------------------------------------

    def _order(self, f: Fulfilment) -> dict[str, Any]:
        data = self.graphql(FULFILMENT_ORDERS_QUERY, {"id": order_gid(f.order_id)}, f"order {f.shop_number}")
        order = data.get("order")
        if not isinstance(order, dict):
            raise ShopError(404, f"order {f.shop_number or f.order_id} is not in the shop (deleted?)", permanent=True)
        return order

    def find_fulfilment(self, f: Fulfilment) -> str | None:
        for made in self._order(f).get("fulfillments") or []:
            if not isinstance(made, dict) or str(made.get("status", "")).upper() == "CANCELLED":
                continue
            numbers = {str(t.get("number")) for t in made.get("trackingInfo") or [] if isinstance(t, dict)}
            if f.tracking_number in numbers:
                return str(made.get("id"))
        return None

    def fulfil(self, f: Fulfilment) -> str:
        order = self._order(f)
        wanted: dict[str, int] = {}
        for line in f.lines:
            wanted[line.sku] = wanted.get(line.sku, 0) + line.quantity
        groups = []
        for fo in _nodes(order.get("fulfillmentOrders")):
            if not isinstance(fo, dict) or str(fo.get("status", "")).upper() not in OPEN_FULFILMENT_ORDER:
                continue
            items = []
            for item in _nodes(fo.get("lineItems")):
                sku = str((item.get("lineItem") or {}).get("sku") or "")
                take = min(wanted.get(sku, 0), int(item.get("remainingQuantity") or 0))
                if take > 0:
                    items.append({"id": item["id"], "quantity": take})
                    wanted[sku] -= take
            if items:
                groups.append({"fulfillmentOrderId": fo["id"], "fulfillmentOrderLineItems": items})
        if not groups:
            raise ShopError(422, f"order {f.shop_number}: the shop has nothing left to fulfil (fulfilled already, "
                                 "or closed)", permanent=True)
        left = {sku: n for sku, n in wanted.items() if n > 0}
        tracking: dict[str, Any] = {"company": f.carrier}
        if f.more_tracking_numbers:
            tracking["numbers"] = f.tracking_numbers
            if f.tracking_url:
                tracking["urls"] = [f.tracking_url]
        else:
            tracking["number"] = f.tracking_number
            if f.tracking_url:
                tracking["url"] = f.tracking_url
        data = self.graphql(FULFILMENT_CREATE, {"fulfillment": {
            "lineItemsByFulfillmentOrder": groups, "trackingInfo": tracking, "notifyCustomer": f.notify_customer}},
            f"fulfilling order {f.shop_number}")
        made = data.get("fulfillmentCreate") or {}
        _user_errors(made, f"order {f.shop_number}")
        fulfilment = made.get("fulfillment") or {}
        if left:
            # Sent what the shop still had open; the rest it had fulfilled or removed itself: said, not hidden.
            return f"{fulfilment.get('id', '')} (the shop had nothing open for {', '.join(sorted(left))})"
        return str(fulfilment.get("id", ""))

    # --- stock ----------------------------------------------------------------------------------------------

    def _location(self) -> str:
        if not self.location:
            data = self.graphql(LOCATIONS_QUERY, {}, "reading the shop's locations")
            nodes = _nodes(data.get("locations"))
            if not nodes:
                raise ShopError(200, "the shop has no location to hold stock", permanent=True)
            self.location = str(nodes[0]["id"])
        return self.location if self.location.startswith("gid://") else f"gid://shopify/Location/{self.location}"

    def set_stock(self, levels: dict[str, int]) -> StockResult:
        result = StockResult()
        skus = sorted(levels)
        location = self._location() if skus else ""
        for start in range(0, len(skus), 50):
            chunk = skus[start:start + 50]
            query = " OR ".join(f"sku:{_quoted(s)}" for s in chunk)
            data = self.graphql(VARIANTS_QUERY, {"query": query}, "reading the shop's products")
            items: dict[str, str] = {}
            for variant in _nodes(data.get("productVariants")):
                item = (variant or {}).get("inventoryItem") or {}
                if variant.get("sku") in levels and item.get("id"):
                    items[variant["sku"]] = item["id"]
            result.unknown += [s for s in chunk if s not in items]
            if not items:
                continue
            quantities = [{"inventoryItemId": items[s], "locationId": location, "quantity": max(0, levels[s])}
                          for s in chunk if s in items]
            data = self.graphql(SET_QUANTITIES, {"input": {
                "name": "available", "reason": "correction", "ignoreCompareQuantity": True,
                "referenceDocumentUri": "warehouse-station://stock", "quantities": quantities}}, "sending stock")
            _user_errors(data.get("inventorySetQuantities") or {}, "stock")
            result.sent += len(quantities)
        return result


def _quoted(sku: str) -> str:
    return '"' + sku.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _user_errors(result: dict[str, Any], what: str) -> None:
    errors = [e for e in result.get("userErrors") or [] if isinstance(e, dict)]
    if errors:
        words = "; ".join(str(e.get("message", "")).strip() for e in errors if e.get("message"))
        raise ShopError(422, f"{what}: the shop refused it: {words or 'no reason given'}", permanent=True)


def _graphql_error(errors: Any, body: dict[str, Any], what: str) -> ShopError:
    prefix = f"{what}: " if what else ""
    items = errors if isinstance(errors, list) else [errors]
    for e in items:
        code = ((e or {}).get("extensions") or {}).get("code") if isinstance(e, dict) else None
        if code == "THROTTLED":
            status = (((body.get("extensions") or {}).get("cost") or {}).get("throttleStatus") or {})
            wait = None
            try:
                needed = Decimal(str(((body.get("extensions") or {}).get("cost") or {}).get("requestedQueryCost", 0)))
                have = Decimal(str(status.get("currentlyAvailable", 0)))
                rate = Decimal(str(status.get("restoreRate", 0))) or Decimal(50)
                wait = float(max(Decimal(1), (needed - have) / rate))
            except (ArithmeticError, ValueError, TypeError, AttributeError):
                wait = retry_after_seconds("2")
            return ShopError(429, f"{prefix}the shop asks us to slow down (throttled)", retry_after=wait)
        if code in ("ACCESS_DENIED", "UNAUTHORIZED", "FORBIDDEN"):
            return ShopError(403, f"{prefix}the shop refused our credentials: {e.get('message', code)}",
                             permanent=True)
    words = "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in items)
    return ShopError(400, f"{prefix}the shop refused the request: {words[:400]}", permanent=True)
