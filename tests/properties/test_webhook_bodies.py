"""Order webhooks and carrier events over real HTTP on loopback (``station serve``'s app, the real intake into
a real database on each backend).

Property: whatever body arrives, correctly signed, the answer is one of the documented statuses with a JSON
body that says what was wrong (400 not JSON or not an order, 422 read but rejected with the field named), never
a 500; the same body unsigned, or signed with another secret, is 401 and stores nothing.
"""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.intake.webhook import SHOPIFY_PATH, WOOCOMMERCE_PATH, signature
from app.web.server import CARRIER_EVENTS_PATH, SIGNATURE_HEADER
from db.models import Order
from db.models.aftersales import CarrierEvent
from tests.intake.conftest import FIXTURES
from tests.properties.strategies import DB_PROFILE, broken_json, byte_mutations
from tests.web.conftest import live  # noqa: F401 - the served app over each test database

SHOPIFY_ORDER = json.loads((FIXTURES / "shopify_webhook_order.json").read_bytes())
WOO_ORDER = json.loads((FIXTURES / "woocommerce_orders.json").read_bytes())[0]
SECRET = "hook-secret"  # what the live fixture configures
ORDER_STATUSES = {200, 201, 400, 413, 422}


@st.composite
def order_bodies(draw) -> tuple[str, bytes]:
    path, order = draw(st.sampled_from([(SHOPIFY_PATH, SHOPIFY_ORDER), (WOOCOMMERCE_PATH, WOO_ORDER)]))
    how = draw(st.sampled_from(["value", "value", "bytes", "random"]))
    if how == "value":
        broken, _ = draw(broken_json(order))
        body = json.dumps(broken, ensure_ascii=False).encode()
    elif how == "bytes":
        body = draw(byte_mutations(json.dumps(order, ensure_ascii=False).encode()))
    else:
        body = draw(st.binary(max_size=300))
    return path, body


def _headers(path: str, body: bytes, secret: str | None) -> dict[str, str]:
    shopify = path == SHOPIFY_PATH
    headers = {"Content-Type": "application/json",
               "X-Shopify-Topic" if shopify else "X-WC-Webhook-Topic": "orders/create" if shopify else "order.created"}
    if secret is not None:
        headers["X-Shopify-Hmac-Sha256" if shopify else "X-WC-Webhook-Signature"] = signature(secret, body)
    return headers


def _count(ctx, model) -> int:
    with ctx.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


@DB_PROFILE
@given(case=order_bodies())
def test_signed_order_webhook_of_any_body(live, case):  # noqa: F811 - the fixture imported above
    path, body = case
    with live.client() as client:
        response = client.post(path, content=body, headers=_headers(path, body, SECRET))
    assert response.status_code in ORDER_STATUSES, (response.status_code, response.text)
    answer = response.json()
    if response.status_code in (400, 413):
        assert answer["error"]
    elif response.status_code == 422:
        assert answer["rejected"] and all(r["record"] and r["error"] for r in answer["rejected"])


@DB_PROFILE
@given(case=order_bodies(), forged=st.sampled_from([None, "another-secret"]))
def test_unsigned_or_forged_order_webhook_stores_nothing(live, case, forged):  # noqa: F811
    path, body = case
    before = _count(live.ctx, Order)
    with live.client() as client:
        response = client.post(path, content=body, headers=_headers(path, body, forged))
    if response.status_code == 200 and response.json().get("ignored") == "ping":
        return  # WooCommerce's unsigned "webhook_id=N" ping: answered, nothing read
    assert response.status_code == 401 and response.json()["error"]
    assert _count(live.ctx, Order) == before


CARRIER_DOCUMENT = {"carrier": "SF", "events": [
    {"tracking_number": "600000000013", "event": "in_transit", "at": "2026-11-25T08:00:00Z", "location": "Hangzhou hub",
     "id": "SF-EV-000123"},
    {"tracking_number": "600000000020", "event": "delivered", "at": "2026-11-25T09:00:00+08:00"},
]}


@DB_PROFILE
@given(data=st.data())
def test_signed_carrier_events_of_any_body(live, data):  # noqa: F811
    raw = json.dumps(CARRIER_DOCUMENT).encode()
    body = data.draw(st.one_of(
        broken_json(CARRIER_DOCUMENT).map(lambda broken: json.dumps(broken[0], ensure_ascii=False).encode()),
        byte_mutations(raw), st.binary(max_size=200)))
    before = _count(live.ctx, CarrierEvent)
    with live.client() as client:
        response = client.post(CARRIER_EVENTS_PATH, content=body,
                               headers={SIGNATURE_HEADER: signature(SECRET, body), "Content-Type": "application/json"})
    assert response.status_code in (200, 400), (response.status_code, response.text)
    answer = response.json()
    if response.status_code == 400:
        assert answer["error"] and _count(live.ctx, CarrierEvent) == before
    else:  # no parcel in this database has these numbers: every event is refused, by its record and field
        assert answer["accepted"] == 0
        assert all(r["record"] and r["error"].split(":")[0] for r in answer["rejected"])
