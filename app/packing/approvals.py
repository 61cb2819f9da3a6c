"""A partial shipment: the packer asks, a supervisor's badge approves; the rest stays open or is backordered."""


import logging
import time
from typing import TYPE_CHECKING

from sqlalchemy import select

from app.admin.auth import has_role, login_by_badge
from app.errors import InvalidInput, PermissionDenied
from app.packing.answers import (
    COMPLETE,
    REFUSED,
    SUPERVISOR,
    Answer,
)
from app.packing.classify import Classified
from app.packing.context import Scan
from app.packing.messages import message
from app.uow import Actor, UnitOfWork
from db.base import utcnow
from db.models import OrderLine
from db.models.packing import PackScan

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


class ApprovalsMixin:
    """Part of :class:`app.packing.service.PackService` (its state lives there)."""

    # --- supervisor: partial shipment ------------------------------------------------------------------
    def request_partial(self, rest: str = "open") -> Answer:
        """The packer asks to ship what is packed; a supervisor's badge scan approves it."""
        if rest not in ("open", "backorder"):
            raise InvalidInput("the rest of the order either stays open or goes to backorder")
        with UnitOfWork(self.sessions) as uow:
            order = self._current(uow.session)
            if isinstance(order, Answer):
                return order
            pack = self._pack_session(uow.session, order)
            pack.pending = {"await": "supervisor", "rest": rest}
            uow.commit()
            return Answer(REFUSED, message("supervisor_needed"), "supervisor_needed", SUPERVISOR, order.number, order.status)

    def approve_partial(self, badge: str, rest: str = "open") -> Answer:
        """Ship what is packed now; the rest becomes an order of its own (open, or backordered)."""
        with UnitOfWork(self.sessions) as uow:
            s = uow.session
            order = self._current(s)
            if isinstance(order, Answer):
                return order
            pack = self._pack_session(s, order)
            lines = list(s.scalars(select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.line_no)))
            journal = PackScan(at=utcnow(), station=self.station, user=self.actor.user, raw="badge:***", kind="badge",
                               verdict=REFUSED, reason="", quantity=0, order_id=order.id)
            s.add(journal)
            answer = self._approve_partial(Scan(s, order, pack, lines, journal, Classified("text", "badge")), badge, rest)
            journal.verdict, journal.reason = answer.verdict, answer.reason[:40]
            uow.commit()
        self._note_step(answer)
        if answer.verdict == COMPLETE and self.label:
            answer = self.hand_off(answer, time.perf_counter(), self.last_order_id)
        return answer

    def _approve_partial(self, x: Scan, badge: str, rest: str) -> Answer:
        s = x.session
        x.journal.raw = "badge:***"  # a badge code is a credential: never in the journal
        try:
            user = login_by_badge(s, badge)
        except PermissionDenied:
            return self._answer(x, REFUSED, message("badge_unknown"), "badge_unknown", SUPERVISOR)
        if not has_role(user.role, "supervisor"):
            return self._answer(x, REFUSED, message("not_supervisor", user=user.display_name), "not_supervisor", SUPERVISOR)
        if not any(l.packed_quantity for l in x.lines):
            x.pack.pending = None
            return self._answer(x, REFUSED, message("nothing_packed"), "nothing_packed")
        from app.packing.split import split_rest

        supervisor = Actor(station=self.station, user=user.username, role=user.role)
        remainder = split_rest(s, x.order, x.lines, supervisor, backorder=(rest == "backorder"))
        x.pack.pending = None
        x.lines = [l for l in x.lines if l.quantity > 0 and l in x.order.lines]
        answer = self._finish(x, None)
        if answer.verdict == COMPLETE:
            answer.message = message("partial_shipped", number=x.order.number, rest=remainder.number, status=remainder.status)
            answer.reason = "partial_shipped"
        return answer
