"""The shops, both ways (issue 20): the channels an administrator sets up, orders pulled in, and what the shops
are told: a fulfilment a parcel (app.channels.outbox) and the stock they may sell.

* :func:`add_channel` / :func:`set_channel` / :func:`channel_rows`: the channels (an administrator's), with whether
  their credentials are given (config ``channels.<name>`` or ``STATION_CHANNEL_<NAME>_...``; never stored here).
* :func:`pull`: orders changed at the shop since the channel's cursor, a page at a time through the same intake as
  webhooks and files (idempotent: an order known already is a duplicate, or an update of it); the cursor and the
  page in progress are stored after each page, so a pull that stopped goes on where it stopped. A shop that asks
  us to wait (429 Retry-After, 5xx) is left alone until then.
* :func:`send_fulfilments`: drains the outbox; :func:`push_stock`: the products whose sellable stock changed since
  the channel's stock cursor (app.catalogue.availability), coalesced, in batches.
* :func:`run_once`: what ``station serve`` and ``station channels push`` do each round.

A slow or absent shop never holds a station: the scan path only writes an outbox row in its own transaction.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.admin.auth import require_role
from app.catalogue.availability import availability, changes_since
from app.channels import outbox
from app.channels.errors import ShopError
from app.channels.model import Fulfilment, OrdersPage, ShopClient
from app.config import ChannelCredentials, Settings, channel_credentials, channel_env_name
from app.errors import InvalidInput, NotFound
from app.intake.model import IncomingOrder, RecordError
from app.uow import Actor
from db.base import utcnow
from db.models import Product
from db.models.channels import CHANNEL_KINDS, WRITE_BACK_WHEN, Channel, ChannelCursor, ChannelMessage
from db.models.stock import StockChange

log = logging.getLogger(__name__)

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
PULL, STOCK = "pull", "stock"
STOCK_BATCH = 250
ClientFactory = Callable[[Channel, ChannelCredentials], ShopClient]


# --- the channels --------------------------------------------------------------------------------------------

@dataclass
class ChannelRow:
    name: str
    kind: str
    url: str
    active: bool
    pull: bool
    write_back: str
    push_stock: bool
    warehouse: str
    currency: str
    credentials: str  # "given", or what is missing and where to give it
    pulled_at: str | None
    pull_error: str
    stock_pushed_at: str | None
    stock_error: str
    outbox: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _check_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if not re.match(r"^https?://[^\s/]+", url):
        raise InvalidInput(f"url: {url!r} is not a shop's address (https://shop.example.com)")
    return url


def add_channel(sessions: sessionmaker[Session], actor: Actor, name: str, kind: str, url: str, *,
                pull: bool = True, write_back: str = "labelled", push_stock: bool = True, warehouse: str = "",
                currency: str = "", domain: str = "", options: dict[str, Any] | None = None) -> Channel:
    """A shop the warehouse serves (an administrator's)."""
    require_role(actor, "admin")
    name = name.strip()
    if not NAME.match(name):
        raise InvalidInput(f"channel {name!r}: a name is 1-40 letters, digits, '-', '_' or '.'")
    if kind not in CHANNEL_KINDS:
        raise InvalidInput(f"channel {name}: kind: {kind!r} is not one of {', '.join(CHANNEL_KINDS)}")
    if write_back not in WRITE_BACK_WHEN:
        raise InvalidInput(f"channel {name}: write-back: {write_back!r} is not one of {', '.join(WRITE_BACK_WHEN)}")
    url = _check_url(url)
    with sessions() as s, s.begin():
        if s.scalar(select(Channel.id).where(Channel.name == name)) is not None:
            raise InvalidInput(f"channel {name} exists already: change it instead")
        channel = Channel(name=name, kind=kind, url=url, domain=(domain or _host(url)).lower(), active=True,
                          pull=pull, pull_every_s=60, write_back=write_back, push_stock=push_stock,
                          warehouse=warehouse.strip().upper(), currency=currency.strip().upper()[:3],
                          options=dict(options or {}))
        s.add(channel)
        s.flush()
        s.expunge(channel)
    return channel


SETTABLE = ("url", "active", "pull", "pull_every_s", "write_back", "push_stock", "warehouse", "currency", "domain")


def set_channel(sessions: sessionmaker[Session], actor: Actor, name: str, **changes: Any) -> None:
    require_role(actor, "admin")
    unknown = [k for k in changes if k not in SETTABLE and k != "options"]
    if unknown:
        raise InvalidInput(f"channel {name}: {unknown[0]} cannot be set (these can: {', '.join(SETTABLE)})")
    with sessions() as s, s.begin():
        channel = s.scalar(select(Channel).where(Channel.name == name))
        if channel is None:
            raise NotFound(f"no channel {name!r}")
        for key, value in changes.items():
            if value is None:
                continue
            if key == "url":
                value = _check_url(value)
                if changes.get("domain") is None and channel.domain == _host(channel.url).lower():
                    channel.domain = _host(value).lower()  # the webhooks' host follows the address it came from
            elif key == "warehouse":
                value = str(value).strip().upper()
            elif key == "currency":
                value = str(value).strip().upper()[:3]
            elif key == "domain":
                value = str(value).strip().lower()
            elif key == "write_back" and value not in WRITE_BACK_WHEN:
                raise InvalidInput(f"channel {name}: write-back: {value!r} is not one of {', '.join(WRITE_BACK_WHEN)}")
            elif key == "pull_every_s" and not 5 <= int(value) <= 86_400:
                raise InvalidInput(f"channel {name}: pull every: {value} s is not 5-86400")
            elif key == "options":
                value = {**channel.options, **value}
            setattr(channel, key, value)


def _host(url: str) -> str:
    return re.sub(r"^https?://", "", url).split("/", 1)[0]


def credentials_state(settings: Settings, channel: Channel) -> str:
    missing = channel_credentials(settings, channel.name).missing(channel.kind)
    if not missing:
        return "given"
    return "missing: " + ", ".join(f"{m} ({channel_env_name(channel.name, m)} or channels.{channel.name}.{m})"
                                   for m in missing)


def channel_rows(sessions: sessionmaker[Session], settings: Settings) -> list[ChannelRow]:
    with sessions() as s:
        cursors = {(c.channel_id, c.kind): c for c in s.scalars(select(ChannelCursor))}
        counts = outbox.counts(s)
        rows = []
        for c in s.scalars(select(Channel).order_by(Channel.name)):
            pulled, stock = cursors.get((c.id, PULL)), cursors.get((c.id, STOCK))
            rows.append(ChannelRow(
                c.name, c.kind, c.url, c.active, c.pull, c.write_back, c.push_stock, c.warehouse, c.currency,
                credentials_state(settings, c),
                pulled.ok_at.isoformat() if pulled and pulled.ok_at else None, pulled.last_error if pulled else "",
                stock.ok_at.isoformat() if stock and stock.ok_at else None, stock.last_error if stock else "",
                {state: n for (cid, state), n in counts.items() if cid == c.id}))
        return rows


def _channel(s: Session, name: str) -> Channel:
    channel = s.scalar(select(Channel).where(Channel.name == name))
    if channel is None:
        raise NotFound(f"no channel {name!r}")
    return channel


def make_client(channel: Channel, credentials: ChannelCredentials) -> ShopClient:
    """The shop's API client, with its credentials; a channel without them is a clear refusal."""
    missing = credentials.missing(channel.kind)
    if missing:
        raise InvalidInput(f"channel {channel.name}: no {missing[0]}: set {channel_env_name(channel.name, missing[0])}"
                           f" or channels.{channel.name}.{missing[0]} in the config file")
    timeout = float(channel.options.get("timeout_s", 10.0))
    if channel.kind == "shopify":
        from app.channels.shopify import API_VERSION, ShopifyClient

        return ShopifyClient(channel.url, credentials.token, api_version=channel.options.get("api_version")
                             or API_VERSION, location=str(channel.options.get("location", "")), timeout=timeout)
    from app.channels.woocommerce import WooCommerceClient

    return WooCommerceClient(channel.url, credentials.key, credentials.secret, timeout=timeout)


# --- the cursors ---------------------------------------------------------------------------------------------

def _cursor(s: Session, channel_id: int, kind: str) -> ChannelCursor:
    row = s.get(ChannelCursor, (channel_id, kind))
    if row is None:
        row = ChannelCursor(channel_id=channel_id, kind=kind, cursor="", page="", last_error="", failures=0)
        s.add(row)
        s.flush()
    return row


def _note_failure(sessions: sessionmaker[Session], channel_id: int, kind: str, error: ShopError | InvalidInput) -> None:
    with sessions() as s, s.begin():
        row = _cursor(s, channel_id, kind)
        row.failures += 1
        row.ran_at = utcnow()
        row.last_error = str(error)[:500]
        wait = getattr(error, "retry_after", None)
        row.wait_until = utcnow() + (timedelta(seconds=wait) if wait is not None else outbox.backoff(row.failures))


def _waiting(row: ChannelCursor | None) -> bool:
    return bool(row and row.wait_until and row.wait_until > utcnow())


# --- pull --------------------------------------------------------------------------------------------------

@dataclass
class PullResult:
    channel: str
    pages: int = 0
    imported: int = 0
    duplicates: int = 0
    updated: int = 0
    rejected: list[dict[str, str]] = field(default_factory=list)
    error: str = ""
    waiting_until: str | None = None
    done: bool = False  # the run reached the shop's last page

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _records(channel: Channel, raws: list[dict[str, Any]]) -> Iterator[IncomingOrder | RecordError]:
    if channel.kind == "shopify":
        from app.intake.formats.shopify import parse_order
    else:
        from app.intake.formats.woocommerce import parse_order
    for index, raw in enumerate(raws):
        record = parse_order(raw, index)
        if isinstance(record, IncomingOrder):
            changes: dict[str, Any] = {"channel": channel.name}
            if channel.currency and not (isinstance(raw, dict) and (raw.get("currency") or raw.get("currencyCode"))):
                changes["currency"] = channel.currency
            record = dataclasses.replace(record, **changes)
        yield record


def pull(sessions: sessionmaker[Session], settings: Settings, name: str, actor: Actor, *,
         max_pages: int | None = None, factory: ClientFactory = make_client, force: bool = False) -> PullResult:
    """Orders changed at the shop since the channel's cursor, into the intake, a page at a time."""
    from app.intake.service import Intake

    require_role(actor, "supervisor")
    with sessions() as s, s.begin():
        channel = _channel(s, name)
        row = _cursor(s, channel.id, PULL)
        s.expunge(channel)
        since, state, waiting = row.cursor, row.page, _waiting(row) and not force
        wait_until = row.wait_until
    result = PullResult(name)
    if waiting:
        result.error, result.waiting_until = "the shop asked us to wait", wait_until.isoformat() if wait_until else None
        return result
    progress = json.loads(state) if state else {}
    client = factory(channel, channel_credentials(settings, name))
    intake = Intake(sessions, settings, actor)
    # Pages are asked for on a thread of their own while the ones before go into the database (the shop's time and
    # ours overlap); small pages (a GraphQL query's cost caps Shopify's) go in together, a few hundred orders a
    # transaction, the cursor stored after each batch.
    pages: queue.Queue[OrdersPage | ShopError | None] = queue.Queue(maxsize=8)
    stop = threading.Event()

    def fetch() -> None:
        token, fetched = str(progress.get("page", "")), 0
        try:
            while not stop.is_set() and (max_pages is None or fetched < max_pages):
                page = client.orders_page(since, token)
                fetched += 1
                pages.put(page)
                if not page.next_page:
                    break
                token = page.next_page
        except ShopError as exc:
            pages.put(exc)
        except Exception as exc:  # noqa: BLE001 - a client's own failure ends the pull with its words
            pages.put(ShopError(None, f"reading orders: {type(exc).__name__}: {exc}"))
        finally:
            pages.put(None)

    fetcher = threading.Thread(target=fetch, name=f"pull-{name}", daemon=True)
    fetcher.start()
    batch: list[OrdersPage] = []
    try:
        while True:
            item = pages.get()
            failed = item if isinstance(item, ShopError) else None
            ended = item is None or failed is not None
            if isinstance(item, OrdersPage):
                batch.append(item)
            if batch and (ended or not batch[-1].next_page or sum(len(p.orders) for p in batch) >= PULL_BATCH):
                progress = _take_in(sessions, intake, channel, batch, progress, result)
                batch = []
            if failed is not None:
                _note_failure(sessions, channel.id, PULL, failed)
                result.error = str(failed)
            if ended:
                break
    finally:
        stop.set()
        while fetcher.is_alive():  # let a fetch blocked on the full queue finish
            try:
                pages.get(timeout=0.1)
            except queue.Empty:
                pass
        client.close()
    return result


PULL_BATCH = 250


def _take_in(sessions: sessionmaker[Session], intake: Any, channel: Channel, batch: list[OrdersPage],
             progress: dict[str, Any], result: PullResult) -> dict[str, Any]:
    """Some pages' orders through the intake in one go, then the cursor past them."""
    summary = intake.run(_records(channel, [order for page in batch for order in page.orders]))
    result.pages += len(batch)
    result.imported += summary.imported
    result.duplicates += summary.duplicates
    result.updated += getattr(summary, "updated", 0)
    result.rejected += summary.rejected
    last = batch[-1]
    newest = max([str(progress.get("newest", ""))] + [p.newest for p in batch])
    progress = {"page": last.next_page, "newest": newest}
    with sessions() as s, s.begin():
        row = _cursor(s, channel.id, PULL)
        row.ran_at = row.ok_at = utcnow()
        row.last_error, row.failures, row.wait_until = "", 0, None
        if last.next_page:
            row.page = json.dumps(progress)
        else:
            row.cursor, row.page = newest or row.cursor, ""
    if not last.next_page:
        result.done = True
    return progress


# --- push: fulfilments ---------------------------------------------------------------------------------------

@dataclass
class PushResult:
    sent: int = 0
    already: int = 0  # found at the shop before sending again (a sender had died mid-send)
    retrying: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)
    stock_sent: int = 0
    stock_unknown: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def merge(self, other: PushResult) -> None:
        for f in dataclasses.fields(self):
            value = getattr(other, f.name)
            setattr(self, f.name, getattr(self, f.name) + value)

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def send_fulfilments(sessions: sessionmaker[Session], settings: Settings, *, batch: int = 50,
                     factory: ClientFactory = make_client, clients: dict[int, ShopClient] | None = None) -> PushResult:
    """Claim due messages and send each; returns what became of them. ``clients``: kept between rounds."""
    result = PushResult()
    with sessions() as s, s.begin():
        outbox.recover_stale(s)
        due = outbox.claim(s, batch)
        channels = {c.id: c for c in s.scalars(select(Channel).where(Channel.id.in_({m.channel_id for m in due})))}
        for c in channels.values():
            s.expunge(c)
    own = clients is None
    clients = {} if clients is None else clients
    refused: dict[int, ShopError | InvalidInput] = {}
    try:
        for message in due:
            channel = channels[message.channel_id]
            error: ShopError | InvalidInput | None = refused.get(channel.id)
            remote = ""
            if error is None:
                try:
                    client = clients.get(channel.id)
                    if client is None:
                        client = clients[channel.id] = factory(channel, channel_credentials(settings, channel.name))
                    f = Fulfilment.from_payload(message.payload, settings.tracking_base_url)
                    found = client.find_fulfilment(f) if message.unsure else None
                    if found is not None:
                        remote = found
                        result.already += 1
                    else:
                        remote = client.fulfil(f)
                except (ShopError, InvalidInput) as exc:
                    error = exc
                    if isinstance(exc, InvalidInput) or exc.permanent and exc.status in (401, 403):
                        refused[channel.id] = exc  # every message of this channel would be refused alike
            with sessions() as s, s.begin():
                if error is None:
                    outbox.mark_sent(s, message.id, remote)
                    result.sent += 1
                    continue
                permanent = isinstance(error, InvalidInput) or error.permanent
                state = outbox.mark_failed(s, message.id, message.attempts, str(error),
                                           status=getattr(error, "status", None), permanent=permanent,
                                           wait=getattr(error, "retry_after", None))
            if state == "failed":
                result.failed.append({"key": message.key, "error": str(error)})
            else:
                result.retrying += 1
    finally:
        if own:
            for client in clients.values():
                client.close()
    return result


# --- push: stock -----------------------------------------------------------------------------------------------

def push_stock(sessions: sessionmaker[Session], settings: Settings, name: str, *,
               factory: ClientFactory = make_client, limit: int = 10_000, force: bool = False) -> PushResult:
    """The channel's products whose sellable stock changed since its stock cursor, each once, sent in batches;
    the first push sends every product. The cursor moves only past what the shop took."""
    result = PushResult()
    with sessions() as s, s.begin():
        channel = _channel(s, name)
        row = _cursor(s, channel.id, STOCK)
        s.expunge(channel)
        cursor, waiting = row.cursor, _waiting(row) and not force
    if not channel.push_stock or not channel.active or waiting:
        return result
    warehouses = [channel.warehouse] if channel.warehouse else []
    if not cursor:  # the first push: everything, from the newest change on
        with sessions() as s:
            top = s.scalar(select(func.coalesce(func.max(StockChange.id), 0))) or 0
            levels = {a.sku: a.available for a in availability(s, s.scalars(
                select(Product.id).where(Product.active.is_(True))).all(), warehouses)}
        new_cursor = int(top)
    else:
        changes = changes_since(sessions, int(cursor), limit=limit, warehouses=warehouses)
        levels = {a.sku: a.available for a in changes.products}
        new_cursor = changes.cursor
        if not levels and new_cursor == int(cursor):
            return result
    client = factory(channel, channel_credentials(settings, name)) if levels else None
    try:
        if client is not None:
            skus = sorted(levels)
            for start in range(0, len(skus), STOCK_BATCH):
                sent = client.set_stock({sku: levels[sku] for sku in skus[start:start + STOCK_BATCH]})
                result.stock_sent += sent.sent
                result.stock_unknown += sent.unknown
    except (ShopError, InvalidInput) as exc:
        _note_failure(sessions, channel.id, STOCK, exc)
        result.errors.append(f"{name}: {exc}")
        return result
    finally:
        if client is not None:
            client.close()
    with sessions() as s, s.begin():
        row = _cursor(s, channel.id, STOCK)
        row.cursor, row.ran_at, row.ok_at = str(new_cursor), utcnow(), utcnow()
        row.last_error, row.failures, row.wait_until = "", 0, None
    return result


# --- one round ----------------------------------------------------------------------------------------------

def due_pulls(sessions: sessionmaker[Session]) -> list[str]:
    """The channels whose pull is due (pulled, active, not waiting, last run longer ago than their interval)."""
    now = utcnow()
    with sessions() as s:
        rows = s.execute(select(Channel, ChannelCursor).outerjoin(ChannelCursor, (ChannelCursor.channel_id == Channel.id)
                                                                   & (ChannelCursor.kind == PULL))
                         .where(Channel.active.is_(True), Channel.pull.is_(True))).all()
        return [c.name for c, row in rows
                if not _waiting(row) and (row is None or row.ran_at is None or row.page
                                          or row.ran_at + timedelta(seconds=c.pull_every_s) <= now)]


def push(sessions: sessionmaker[Session], settings: Settings, actor: Actor, *, once: bool = True,
         factory: ClientFactory = make_client) -> PushResult:
    """``station channels push``: the outbox drained (every due message), then each channel's stock."""
    require_role(actor, "supervisor")
    result = PushResult()
    while True:
        round_ = send_fulfilments(sessions, settings, factory=factory)
        result.merge(round_)
        if not (round_.sent or round_.already or round_.failed or round_.retrying) or once and not _more_due(sessions):
            break
    with sessions() as s:
        names = list(s.scalars(select(Channel.name).where(Channel.active.is_(True), Channel.push_stock.is_(True))))
    for name in names:
        result.merge(push_stock(sessions, settings, name, factory=factory))
    return result


def _more_due(sessions: sessionmaker[Session]) -> bool:
    with sessions() as s:
        return s.scalar(select(ChannelMessage.id).where(ChannelMessage.state == "pending",
                                                        ChannelMessage.next_attempt_at <= utcnow()).limit(1)) is not None


def retry_failed(sessions: sessionmaker[Session], actor: Actor, keys_or_orders: list[str]) -> int:
    """A person sends failed messages again: by message key, order number, or all of a channel."""
    from db.models import Order

    require_role(actor, "supervisor", "shipping")
    with sessions() as s, s.begin():
        ids: set[int] = set()
        for ref in keys_or_orders:
            ids |= set(s.scalars(select(ChannelMessage.id).where(ChannelMessage.key == ref)))
            ids |= set(s.scalars(select(ChannelMessage.id).join(Order, Order.id == ChannelMessage.order_id)
                                 .where(Order.number == ref)))
            ids |= set(s.scalars(select(ChannelMessage.id).join(Channel, Channel.id == ChannelMessage.channel_id)
                                 .where(Channel.name == ref, ChannelMessage.state == "failed")))
        if not ids:
            raise NotFound(f"no failed message for {', '.join(keys_or_orders)}")
        return outbox.retry(s, sorted(ids))


@dataclass
class OutboxRow:
    id: int
    channel: str
    order: str
    key: str
    state: str
    attempts: int
    last_error: str
    http_status: int | None
    remote_id: str
    created_at: str
    sent_at: str | None


def outbox_rows(sessions: sessionmaker[Session], states: tuple[str, ...] = ("pending", "sending", "failed"),
                limit: int = 200) -> list[OutboxRow]:
    from db.models import Order

    with sessions() as s:
        rows = s.execute(select(ChannelMessage, Channel.name, Order.number)
                         .join(Channel, Channel.id == ChannelMessage.channel_id)
                         .outerjoin(Order, Order.id == ChannelMessage.order_id)
                         .where(ChannelMessage.state.in_(states)).order_by(ChannelMessage.id.desc()).limit(limit)).all()
        return [OutboxRow(m.id, name, number or "", m.key, m.state, m.attempts, m.last_error, m.http_status, m.remote_id,
                          m.created_at.isoformat(), m.sent_at.isoformat() if m.sent_at else None)
                for m, name, number in rows]


def run_once(sessions: sessionmaker[Session], settings: Settings, *, factory: ClientFactory = make_client,
             clients: dict[int, ShopClient] | None = None) -> PushResult:
    """One round of ``station serve``'s channel worker: due pulls, the outbox, the stock."""
    actor = Actor.system(settings.station)
    result = PushResult()
    for name in due_pulls(sessions):
        started = time.monotonic()
        pulled = pull(sessions, settings, name, actor, factory=factory, max_pages=20)
        if pulled.error:
            result.errors.append(f"{name}: {pulled.error}")
        log.info("channel %s: pulled %d page(s), %d new, %d known in %.1f s", name, pulled.pages, pulled.imported,
                 pulled.duplicates, time.monotonic() - started)
    result.merge(send_fulfilments(sessions, settings, factory=factory, clients=clients))
    with sessions() as s:
        names = list(s.scalars(select(Channel.name).where(Channel.active.is_(True), Channel.push_stock.is_(True))))
    for name in names:
        result.merge(push_stock(sessions, settings, name, factory=factory))
    return result
