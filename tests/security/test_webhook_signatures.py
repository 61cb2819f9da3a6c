"""Webhook and carrier-event signatures are compared in constant time.

The served app (real HTTP on loopback, each backend) is sent signed, forged and truncated signatures; every
comparison of a signature must go through ``hmac.compare_digest`` (watched by a wrapper that calls the real
function), with the signature computed from the body on one side and exactly what was sent on the other.
A forged or missing signature is 401 and stores nothing: for Shopify in tests/intake/test_webhook.py, for both
shops with any body in tests/properties/test_webhook_bodies.py, for carrier events in tests/web/test_site.py.
"""

from __future__ import annotations

import hmac
import json

import pytest

from app.intake.webhook import SHOPIFY_PATH, WOOCOMMERCE_PATH, signature
from app.web.server import CARRIER_EVENTS_PATH, SIGNATURE_HEADER
from tests.intake.conftest import FIXTURES
from tests.web.conftest import live  # noqa: F401 - the served app over each test database

HEADERS = {SHOPIFY_PATH: "X-Shopify-Hmac-Sha256", WOOCOMMERCE_PATH: "X-WC-Webhook-Signature",
           CARRIER_EVENTS_PATH: SIGNATURE_HEADER}
BODIES = {SHOPIFY_PATH: (FIXTURES / "shopify_webhook_order.json").read_bytes(),
          WOOCOMMERCE_PATH: json.dumps(json.loads((FIXTURES / "woocommerce_orders.json").read_bytes())[0]).encode(),
          CARRIER_EVENTS_PATH: b'{"events": []}'}


@pytest.fixture
def comparisons(monkeypatch):
    """Every call of ``hmac.compare_digest`` while the test runs, passed on to the real one."""
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def watched(a, b):
        calls.append((bytes(a), bytes(b)))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", watched)
    return calls


@pytest.mark.parametrize("path", sorted(HEADERS))
def test_every_signature_is_compared_with_compare_digest(live, comparisons, path):  # noqa: F811
    secret = live.ctx.settings.webhook_secret
    body = BODIES[path]
    good = signature(secret, body)
    sent = {"good": good, "forged": signature("another-secret", body), "truncated": good[:-4],
            "one character off": ("A" if good[0] != "A" else "B") + good[1:]}
    answers = {}
    with live.client() as client:
        for name, value in sent.items():
            comparisons.clear()
            answers[name] = client.post(path, content=body, headers={HEADERS[path]: value}).status_code
            assert comparisons == [(good.encode(), value.encode())], name
    assert answers["good"] in (200, 201)
    assert all(answers[name] == 401 for name in ("forged", "truncated", "one character off"))
