"""The customer side's application service: every use case of the tracking site (find an order, read its page,
write to the service desk, ask for a return, fetch a return label, answer the survey, take carrier events) as
one call with plain inputs that runs its own transaction and returns plain values. :mod:`app.web.server` is
the HTTP adapter over it and opens no session of its own.

The tracking page is the site's hot path: on PostgreSQL its reads run on connections of the site's own, in
autocommit and without a pre-ping, so a kept page costs one round trip (the page's stamp) instead of four (ping,
BEGIN, the stamp, ROLLBACK). :meth:`CustomerPages.kept_page` reads the stamp, asks the caller's page cache, and
only on a miss reads the order and has the caller render it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.aftersales import carrier_events
from app.aftersales import customer_page as page
from app.config import Settings
from db.base import utcnow
from db.session import make_engine

T = TypeVar("T")


class CustomerPages:
    """The customer site's use cases over an open context (its ``engine``, ``sessions``, ``settings``)."""

    def __init__(self, ctx, read_connections: int) -> None:
        self.ctx = ctx
        self.settings: Settings = ctx.settings
        self.reads = None
        self.read_connections = read_connections
        if not ctx.is_sqlite:  # on SQLite a round trip is a function call: the context's sessions serve
            self.reads = make_engine(ctx.engine.url.render_as_string(hide_password=False), pool_pre_ping=False,
                                     isolation_level="AUTOCOMMIT", pool_size=read_connections, max_overflow=0)
            weakref.finalize(self, self.reads.dispose)

    def close(self) -> None:
        if self.reads is not None:
            self.reads.dispose()

    def warm_up(self, connections: int) -> None:
        """Open up to ``connections`` read connections now, the page stamp planned once on each (a new
        PostgreSQL backend reads its catalogue first), so the first customers' pages cost what the hundredth's
        do."""
        if self.reads is None:
            return
        opened = [self.reads.connect() for _ in range(min(connections, self.read_connections))]
        try:
            for connection in opened:
                page.page_stamp(connection, "warm-up-token-opens-no-page")
        finally:
            for connection in opened:
                connection.close()

    def database_answers(self) -> bool:
        try:
            with self.ctx.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - any failure means the database does not answer
            return False

    # --- reads -------------------------------------------------------------------------------------------

    def view(self, token: str, t: page.PageTexts) -> page.PageView | None:
        """The page of ``token`` (None: the token opens no page)."""
        with self.ctx.sessions() as session:
            order = page.order_for_token(session, token)
            return None if order is None else page.page_view(session, order, t)

    @contextmanager
    def _reads(self) -> Iterator[Session]:
        if self.reads is None:
            with self.ctx.sessions() as session:
                yield session
            return
        with self.reads.connect() as conn, Session(bind=conn) as session:
            yield session

    def kept_page(self, token: str, t: page.PageTexts, kept: Callable[[page.PageStamp, datetime], T | None],
                  render: Callable[[page.PageView, page.PageStamp, datetime, datetime | None], T]) -> T | None:
        """The plain page of ``token``: ``kept(stamp, now)`` when the caller still holds one for this stamp, else
        ``render(view, stamp, now, promised_ship_at)`` of a fresh read. None when the token opens no page. A read
        connection the server dropped fails once, is thrown away, and the page is read again on a fresh one."""
        try:
            return self._kept_page(token, t, kept, render)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
        return self._kept_page(token, t, kept, render)

    def _kept_page(self, token, t, kept, render):
        now = utcnow()
        with self._reads() as session:
            found = page.page_stamp(session, token)
            if found is None:
                return None
            hit = kept(found, now)
            if hit is not None:
                return hit
            order = session.get(page.Order, found.order_id)
            if order is None:  # deleted since the stamp was read
                return None
            # Read without a transaction, the view may be newer than the stamp, never older: a change after the
            # stamp only makes the next request build the page again.
            return render(page.page_view(session, order, t, now, stamp=found), found, now, order.promised_ship_at)

    def return_reasons(self) -> tuple[str, ...]:
        return tuple(page.pol.ReturnPolicy.from_settings(self.settings).reasons)

    def return_label(self, token: str, number: str) -> bytes | None:
        """The PDF of return ``number`` of the order ``token`` opens (None: no such return or no label yet)."""
        from app.aftersales.returns import label_bytes

        with self.ctx.sessions() as session:
            order = page.order_for_token(session, token)
            ret = page.return_of(session, order, number) if order is not None else None
            if ret is None or ret.tracking_number is None:
                return None
            return label_bytes(session, ret, self.settings)

    # --- writes (each its own transaction) -----------------------------------------------------------------

    def _on_order(self, token: str, act: Callable[[Session, page.Order], T]) -> T | None:
        with self.ctx.sessions() as session:
            order = page.order_for_token(session, token)
            if order is None:
                return None
            result = act(session, order)
            session.commit()
            return result

    def find(self, number: str, proof: str) -> str | None:
        """The page token of the order ``number`` proved by its postcode or e-mail (None: no such order)."""
        with self.ctx.sessions() as session:
            order = page.find_order(session, number, proof)
            if order is None:
                return None
            token = page.page_token(session, order)
            session.commit()
            return token

    def post_message(self, token: str, message: str, email: str, language: str) -> str | None:
        """The service case the customer's message opened or joined (its number)."""
        return self._on_order(token, lambda s, order: page.post_message(s, order, message, email, language).number)

    def request_return(self, token: str, quantities: dict[str, int], reason: str, note: str) -> str | None:
        """The number of the return the policy accepted (ReturnRefused says why not)."""
        return self._on_order(token, lambda s, order: page.request_return(
            s, order, quantities, reason, self.settings, note=note).number)

    def answer_survey(self, token: str, product: Any, delivery: Any, service: Any, comment: str) -> bool:
        """True when the order exists and its answer is stored (DuplicateAnswer when it was given before)."""
        return bool(self._on_order(token, lambda s, order: page.answer_survey(
            s, order, product, delivery, service, comment) is not None))

    def carrier_events(self, body: bytes) -> dict:
        """A carrier's pushed tracking events (already verified by their signature), onto the timelines."""
        with self.ctx.sessions() as session:
            result = carrier_events.ingest(session, body, source="http")
            session.commit()
            return result.as_json()
