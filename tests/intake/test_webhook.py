from __future__ import annotations

import json
import socket
import warnings

import httpx
import pytest

with warnings.catch_warnings():
    # starlette 1.x prefers httpx2 for its TestClient (a StarletteDeprecationWarning, a UserWarning); httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from app.errors import InvalidInput
from app.intake.webhook import (
    SHOPIFY_PATH,
    WOOCOMMERCE_PATH,
    WebhookServer,
    create_app,
    parse_listen,
    serve,
    signature,
    verify,
)
from tests.intake.conftest import FIXTURES
from tests.intake.recording import RecordingIngest

SECRET = "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"


@pytest.fixture
def ingest():
    return RecordingIngest()


@pytest.fixture
def client(ingest):
    with TestClient(create_app(SECRET, ingest, max_bytes=64_000)) as c:
        yield c


def _order_body(**changes) -> bytes:
    order = json.loads((FIXTURES / "shopify_webhook_order.json").read_bytes())
    order.update(changes)
    return json.dumps(order, ensure_ascii=False).encode("utf-8")


def _post(client, body: bytes, sig: str | None = "sign", topic: str = "orders/create", path: str = SHOPIFY_PATH):
    headers = {"Content-Type": "application/json", "X-Shopify-Topic": topic,
               "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"}
    if sig == "sign":
        headers["X-Shopify-Hmac-Sha256"] = signature(SECRET, body)
    elif sig is not None:
        headers["X-Shopify-Hmac-Sha256"] = sig
    return client.post(path, content=body, headers=headers)


def test_signature_is_base64_hmac_sha256_of_the_raw_body():
    # Reference value computed independently: printf 'hello' | openssl dgst -sha256 -hmac key -binary | base64
    assert signature("key", b"hello") == "kwezuRXvtRcf8U2MtV+8x5jGwO8UVtZt7RpqpyOli3s="
    assert verify("key", b"hello", "kwezuRXvtRcf8U2MtV+8x5jGwO8UVtZt7RpqpyOli3s=")
    assert not verify("key", b"hello!", "kwezuRXvtRcf8U2MtV+8x5jGwO8UVtZt7RpqpyOli3s=")
    assert not verify("key", b"hello", None) and not verify("key", b"hello", "été")


def test_signed_order_is_imported_then_duplicate_is_harmless(client, ingest):
    body = _order_body()
    first = _post(client, body)
    assert first.status_code == 201 and first.json() == {"imported": 1, "duplicates": 0, "rejected": []}
    again = _post(client, body)
    assert again.status_code == 200 and again.json()["duplicates"] == 1
    assert list(ingest.orders) == [("shopify", "5734681346300")]
    order = ingest.orders[("shopify", "5734681346300")]
    assert order.ship_to.city == "上海市" and order.external_ref == "#1003"
    assert ingest.calls[0][0] == "shopify webhook b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"


@pytest.mark.parametrize("sig, message", [
    (None, "missing x-shopify-hmac-sha256 signature"),
    ("", "missing x-shopify-hmac-sha256 signature"),
    (signature("another-secret", b"x"), "does not match the body"),
    ("not base64 at all", "does not match the body"),
])
def test_unsigned_or_forged_is_401_and_nothing_is_stored(client, ingest, sig, message):
    response = _post(client, _order_body(), sig=sig)
    assert response.status_code == 401 and message in response.json()["error"]
    assert ingest.calls == [] and ingest.orders == {}


def test_body_altered_after_signing_is_401(client, ingest):
    body = _order_body()
    good = signature(SECRET, body)
    response = _post(client, body.replace(b"#1003", b"#9999"), sig=good)
    assert response.status_code == 401 and ingest.calls == []


def test_oversized_body_is_413(client, ingest):
    body = _order_body(note="x" * 70_000)
    response = _post(client, body)
    assert response.status_code == 413 and "larger than 64000 bytes" in response.json()["error"]
    assert ingest.calls == []


def test_malformed_json_is_400_with_the_position(client, ingest):
    body = b'{"id": 1, "line_items": ['
    response = _post(client, body)
    assert response.status_code == 400
    assert "not valid JSON at line 1, column 26" in response.json()["error"]
    assert _post(client, b"[1, 2]").status_code == 400
    assert ingest.calls == []


def test_rejected_order_is_422_naming_the_field(client, ingest):
    body = _order_body(created_at="yesterday")
    response = _post(client, body)
    assert response.status_code == 422
    assert response.json()["rejected"] == [
        {"record": "order #1003", "error": "created_at: 'yesterday' is not an ISO 8601 timestamp"}]
    assert ingest.orders == {}


def test_other_topics_are_ignored(client, ingest):
    body = json.dumps({"id": 5734681346300}).encode()
    response = _post(client, body, topic="orders/delete")
    assert response.status_code == 200 and response.json() == {"ignored": "orders/delete"}
    assert ingest.calls == []


def test_database_down_is_503_so_the_shop_retries(client, ingest):
    ingest.down = True
    response = _post(client, _order_body())
    assert response.status_code == 503 and "does not answer" in response.json()["error"]


def test_woocommerce_webhook(client, ingest):
    order = json.loads((FIXTURES / "woocommerce_orders.json").read_bytes())[0]
    body = json.dumps(order).encode()
    headers = {"X-WC-Webhook-Topic": "order.created", "X-WC-Webhook-Signature": signature(SECRET, body),
               "X-WC-Webhook-Delivery-ID": "77"}
    response = client.post(WOOCOMMERCE_PATH, content=body, headers=headers)
    assert response.status_code == 201 and ("woocommerce", "727") in ingest.orders
    ping = client.post(WOOCOMMERCE_PATH, content=b"webhook_id=12",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert ping.status_code == 200 and ping.json() == {"ignored": "ping"}
    forged = client.post(WOOCOMMERCE_PATH, content=body, headers={**headers, "X-WC-Webhook-Signature": "AAAA"})
    assert forged.status_code == 401


def test_get_is_not_allowed_and_healthz_answers(client):
    assert client.get(SHOPIFY_PATH).status_code == 405
    assert client.get("/healthz").json() == {"ok": True}


def test_no_secret_configured_is_refused(ingest):
    with pytest.raises(InvalidInput, match="no webhook secret is configured"):
        create_app("", ingest)


def test_parse_listen():
    assert parse_listen("127.0.0.1:8471") == ("127.0.0.1", 8471)
    assert parse_listen("[::1]:9000") == ("::1", 9000)
    assert parse_listen(":8080") == ("0.0.0.0", 8080)
    for bad in ("localhost", "host:0", "host:99999", "host:http"):
        with pytest.raises(InvalidInput, match="expected HOST:PORT"):
            parse_listen(bad)


def test_real_http_on_loopback(ingest):
    """uvicorn on a real socket, httpx as the shop."""
    with WebhookServer(create_app(SECRET, ingest), "127.0.0.1", 0) as server:
        assert server.port > 0
        body = _order_body()
        with httpx.Client(base_url=server.url, timeout=10) as http:
            forged = http.post(SHOPIFY_PATH, content=body, headers={"X-Shopify-Hmac-Sha256": signature("x", body)})
            assert forged.status_code == 401 and ingest.calls == []
            ok = http.post(SHOPIFY_PATH, content=body, headers={
                "X-Shopify-Hmac-Sha256": signature(SECRET, body), "X-Shopify-Topic": "orders/create"})
            assert ok.status_code == 201
            # a chunked upload without Content-Length is capped while reading
            def chunks():
                for _ in range(40):
                    yield b"x" * 50_000
            big = http.post(SHOPIFY_PATH, content=chunks(), headers={"X-Shopify-Hmac-Sha256": "AAAA"})
            assert big.status_code == 413
    assert list(ingest.orders) == [("shopify", "5734681346300")]


def test_serve_on_a_taken_port_says_so(ingest):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(InvalidInput, match=f"cannot listen on 127.0.0.1:{port}"):
            serve(f"127.0.0.1:{port}", SECRET, ingest)
