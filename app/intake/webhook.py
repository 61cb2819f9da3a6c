"""Order webhooks over HTTP (``station intake --listen HOST:PORT``, later mounted by ``station serve``).

``POST /webhooks/shopify/orders`` takes a Shopify order webhook (``orders/create``, ``orders/paid``,
``orders/updated``, ``orders/cancelled``): the body is one order, signed in ``X-Shopify-Hmac-Sha256`` with the
base64 HMAC-SHA256 of the raw body under the shop's webhook secret. ``POST /webhooks/woocommerce/orders`` does the
same for WooCommerce (``X-WC-Webhook-Signature``, same scheme; ``order.created``, ``order.updated`` and
``order.deleted``, whose body is the order's id alone).

An order the station knows already goes to the update service (app/intake/updates.py): a cancellation stops it,
an address or line change is applied before picking and told to a supervisor after. A cancellation whose order
cannot be read any more (a deleted WooCommerce order; a Shopify order cancelled with every line restocked) comes
in as a bare cancellation of that order id.

Answers (JSON bodies, ``{"error": ...}`` on failure):

* 401: signature missing or wrong; nothing is parsed or stored.
* 413: body over the size cap. 400: not JSON, or not an order. 422: the order was read but rejected
  (the message names the field). 503: the database did not answer (the shop retries later).
* 201: imported; 200: already known (duplicate deliveries are harmless: orders are known by channel and
  external id downstream; the body counts what the shop changed: ``updated``, ``cancelled``, ``alerts``), or a
  topic that carries no order to import (ignored).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.errors import InvalidInput, StationError
from app.intake.formats import _common as f
from app.intake.formats import shopify, woocommerce
from app.intake.model import IncomingOrder, RecordError
from app.intake.updates import cancellation_notice, is_cancellation
from app.intake.watch import summary_dict

log = logging.getLogger(__name__)

Ingest = Callable[[Iterable[IncomingOrder | RecordError], str], Any]

MAX_BODY_BYTES = 1_000_000
SHOPIFY_PATH = "/webhooks/shopify/orders"
WOOCOMMERCE_PATH = "/webhooks/woocommerce/orders"
SHOPIFY_TOPICS = ("orders/create", "orders/paid", "orders/updated", "orders/cancelled")
WOOCOMMERCE_TOPICS = ("order.created", "order.updated", "order.deleted")
# Topics that say the order is cancelled (or gone), whatever its body says.
CANCELLING_TOPICS = {"orders/cancelled": "cancelled", "order.deleted": "deleted"}
_WOO_PING = re.compile(rb"webhook_id=\d+")


def signature(secret: str | bytes, body: bytes) -> str:
    """The base64 HMAC-SHA256 of ``body`` under ``secret``: what Shopify and WooCommerce send."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode("ascii")


def verify(secret: str | bytes, body: bytes, sent: str | None) -> bool:
    if not sent:
        return False
    return hmac.compare_digest(signature(secret, body).encode("ascii"), sent.strip().encode("ascii", "replace"))


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _read_capped(request: Request, max_bytes: int) -> bytes | None:
    """The raw body, or None once it passes ``max_bytes`` (checked on Content-Length first, then while reading)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _endpoint(
    *,
    secret: str | bytes,
    ingest: Ingest,
    channel: str,
    signature_header: str,
    topic_header: str,
    topics: tuple[str, ...],
    id_header: str,
    parse_order: Callable[[Any, int], IncomingOrder | RecordError],
    max_bytes: int,
):
    async def receive(request: Request) -> JSONResponse:
        body = await _read_capped(request, max_bytes)
        if body is None:
            return _error(413, f"body larger than {max_bytes} bytes")
        if channel == "woocommerce" and _WOO_PING.fullmatch(body.strip()):
            # WooCommerce pings a new webhook with "webhook_id=N": answer, store nothing.
            return JSONResponse({"ignored": "ping"}, status_code=200)
        sent = request.headers.get(signature_header)
        if not sent:
            log.warning("%s webhook without %s from %s", channel, signature_header, request.client)
            return _error(401, f"missing {signature_header} signature")
        if not verify(secret, body, sent):
            log.warning("%s webhook with a wrong signature from %s", channel, request.client)
            return _error(401, f"{signature_header} does not match the body: wrong secret or altered body")
        topic = request.headers.get(topic_header, "")
        if topic and topic not in topics:
            return JSONResponse({"ignored": topic}, status_code=200)
        delivery = request.headers.get(id_header, "")
        source = f"{channel} webhook {delivery}".strip()
        try:
            document = f.load_json(body, source)
        except InvalidInput as exc:
            return _error(400, exc.message)
        if not isinstance(document, dict):
            return _error(400, f"{source}: expected one order object, got {type(document).__name__}")
        order = document.get("order") if isinstance(document.get("order"), dict) else document
        record = _cancellation(channel, topic, order, parse_order(order, 0), source)
        try:
            result = await run_in_threadpool(ingest, [record], source)
        except InvalidInput as exc:
            return _error(400, exc.message)
        except StationError as exc:
            log.warning("%s: could not store: %s", source, exc.message)
            return _error(503, exc.message)
        summary = summary_dict(result)
        if summary["rejected"]:
            return JSONResponse(summary, status_code=422)
        return JSONResponse(summary, status_code=201 if summary["imported"] else 200)

    return receive


def _cancellation(channel: str, topic: str, order: Any, record: IncomingOrder | RecordError,
                  source: str) -> IncomingOrder | RecordError:
    """The record a cancelling delivery stands for: the order as read, marked cancelled when the topic says so; a
    bare cancellation of its id when the order cannot be read (WooCommerce's ``order.deleted`` sends ``{"id": N}``,
    a Shopify order cancelled with every line restocked has no line left)."""
    status = CANCELLING_TOPICS.get(topic, "")
    if isinstance(record, IncomingOrder):
        return replace(record, channel_status=status) if status and not is_cancellation(record) else record
    if not isinstance(order, dict) or not (status or order.get("cancelled_at")):
        return record
    external_id = order.get("id")
    if isinstance(external_id, bool) or not isinstance(external_id, (int, str)) or not str(external_id).strip():
        return record
    return cancellation_notice(channel, str(external_id).strip(), source, status or "cancelled")


def webhook_routes(
    secret: str | bytes,
    ingest: Ingest,
    *,
    max_bytes: int = MAX_BODY_BYTES,
    woocommerce_secret: str | bytes | None = None,
) -> list[Route]:
    """The webhook routes, to mount in any Starlette app (``station serve``). ``secret`` signs Shopify's
    deliveries, and WooCommerce's unless ``woocommerce_secret`` is given."""
    if not secret:
        raise InvalidInput("no webhook secret is configured (webhook_secret in the station's config): "
                           "without it no delivery can be verified")
    return [
        Route(SHOPIFY_PATH, _endpoint(
            secret=secret, ingest=ingest, channel="shopify", signature_header="x-shopify-hmac-sha256",
            topic_header="x-shopify-topic", topics=SHOPIFY_TOPICS, id_header="x-shopify-webhook-id",
            parse_order=shopify.parse_order, max_bytes=max_bytes), methods=["POST"]),
        Route(WOOCOMMERCE_PATH, _endpoint(
            secret=woocommerce_secret or secret, ingest=ingest, channel="woocommerce",
            signature_header="x-wc-webhook-signature", topic_header="x-wc-webhook-topic",
            topics=WOOCOMMERCE_TOPICS, id_header="x-wc-webhook-delivery-id",
            parse_order=woocommerce.parse_order, max_bytes=max_bytes), methods=["POST"]),
    ]


def create_app(secret: str | bytes, ingest: Ingest, **options: Any) -> Starlette:
    """A stand-alone app with the webhook routes and ``GET /healthz``."""

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    return Starlette(routes=[*webhook_routes(secret, ingest, **options), Route("/healthz", healthz)])


def parse_listen(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:8470`` for IPv6, ``:8470`` for all interfaces) to ``(host, port)``."""
    host, sep, port = text.strip().rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise InvalidInput(f"--listen {text!r}: expected HOST:PORT, e.g. 127.0.0.1:8471")
    host = host.strip("[]") or "0.0.0.0"
    return host, int(port)


class WebhookServer:
    """The app served by uvicorn on a thread of its own: ``start()`` returns once it listens."""

    def __init__(self, app: Starlette, host: str = "127.0.0.1", port: int = 0) -> None:
        import uvicorn

        self.host = host
        self.config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off",
                                     access_log=False)
        self.server = uvicorn.Server(self.config)
        self.thread = threading.Thread(target=self.server.run, name="webhook-server", daemon=True)
        self.port = port

    def start(self, timeout: float = 10.0) -> WebhookServer:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise InvalidInput(f"cannot listen on {self.host}:{self.port} (address in use or not allowed)")
            time.sleep(0.02)
        sockets = [s for server in self.server.servers for s in server.sockets]
        if sockets:
            self.port = sockets[0].getsockname()[1]
        return self

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)

    def __enter__(self) -> WebhookServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(listen: str, secret: str | bytes, ingest: Ingest, **options: Any) -> None:
    """Serve the webhooks on ``listen`` until interrupted (Ctrl-C)."""
    import uvicorn

    host, port = parse_listen(listen)
    app = create_app(secret, ingest, **options)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:  # uvicorn only logs a failed bind: check first, so the operator gets one clear line
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise InvalidInput(f"cannot listen on {listen}: {exc.strerror or exc}") from None
    uvicorn.run(app, host=host, port=port, log_level="info", lifespan="off")
