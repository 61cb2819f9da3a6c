"""The scale at the bench: readings watched in memory (:mod:`app.packing.weighing`), only a NEW weighing the
service waits for opens a transaction; a mismatch told once per weighing; a supervisor accepts a box as it is."""


import logging
import time
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError, OperationalError

from app.admin.auth import has_role, login_by_badge
from app.errors import PermissionDenied
from app.packing.answers import (
    COMPLETE,
    OK,
    REFUSED,
    SCAN_ITEM,
    WEIGH,
    Answer,
)
from app.packing.classify import Classified
from app.packing.context import Scan
from app.packing.messages import MESSAGES, Message, message
from app.packing.weighing import FAULT
from app.uow import Actor, UnitOfWork
from db.base import utcnow
from db.models.packing import PackScan

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


class WeighMixin:
    """Part of :class:`app.packing.service.PackService` (its state lives there)."""

    # --- weight --------------------------------------------------------------------------------------
    # The scale's readings are watched in memory (app.packing.weighing): only a NEW weighing, while the service
    # waits for one, opens a transaction. Readings are never journalled as scans and write no events of their
    # own; a weighing is checked once (a mismatch is told once), and one weighing never closes two boxes.
    @property
    def uses_scale(self) -> bool:
        """Does this station weigh its boxes? Yes once a scale is set up or has sent a reading."""
        return self.scale_status != "none"

    def scale_connected(self, connected: bool | None) -> Answer | None:
        """The station's scale came (True), went (False), or there is none (None). Going away while the service
        waits for a weight is told once."""
        self.scale_status = "none" if connected is None else ("connected" if connected else "disconnected")
        if connected is False:
            change = self.scale.lost()
            if change is not None and self._weigh_wait is not None:
                return self._scale_answer(message("scale_disconnected"), "scale_fault")
        return None

    def reading(self, grams: float | None, *, stable: bool = True, condition: str = "ok", now: float | None = None
                ) -> Answer | None:
        """One answer of the scale (several a second). Returns an answer only when there is news for the packer:
        a scale fault (once, when it starts), or the check of a new weighing the service was waiting for."""
        now = time.monotonic() if now is None else now
        if self.scale_status == "none":
            self.scale_status = "connected"  # a scale that reads is a scale
        change = self.scale.reading(grams, stable=stable, condition=condition, now=now)
        if change is not None and change.state == FAULT:
            return self._scale_answer(message(f"scale_{change.condition.replace(' ', '_')}")
                                      if f"scale_{change.condition.replace(' ', '_')}" in MESSAGES
                                      else message("scale_fault", condition=change.condition), "scale_fault")
        wait = self._weigh_wait
        current = self.scale.current
        if wait is None or current is None or current.seq <= self._checked_weighing or current.seen < wait:
            return None
        return self._check_weighing(current.grams, current.seq)

    def _scale_answer(self, msg: Message, reason: str) -> Answer:
        return Answer(REFUSED, msg, reason, WEIGH if self._weigh_wait is not None else SCAN_ITEM,
                      *self._last_shown)

    def _check_weighing(self, grams: int, seq: int) -> Answer | None:
        """A new weighing while the service waits for one: check it against the box (one transaction)."""
        self._checked_weighing = seq  # checked once, whatever comes of it
        try:
            with UnitOfWork(self.sessions) as uow:
                s = uow.session
                order = self._current(s, with_lines=True)
                if isinstance(order, Answer):
                    self._weigh_wait = None
                    return None
                pack = self._loaded_pack if self._loaded_pack is not None else self._pack_session(s, order)
                if (pack.pending or {}).get("await") != "weight":
                    self._weigh_wait = None
                    return None
                lines, _, products = self._loaded_lines
                # Not journalled: the journal holds scans, and a weighing is none.
                journal = PackScan(at=utcnow(), station=self.station, user=self.actor.user, raw="", kind="weight",
                                   verdict=OK, reason="", quantity=0, order_id=order.id)
                x = Scan(s, order, pack, lines, journal, Classified("text", ""), None, products, weighed=grams)
                pack.weight_g, pack.weight_at = grams, utcnow()
                answer = self._finish(x, None) if (pack.pending or {}).get("finish") else self._close_box(x)
                uow.commit()
        except (OperationalError, DBAPIError):
            self._box_cache = None
            return Answer(REFUSED, message("db_unavailable_weight"), "db_unavailable", WEIGH)
        self._note_step(answer)
        if answer.verdict == COMPLETE and self.label:
            answer = self.hand_off(answer, time.perf_counter(), self.last_order_id)
        return answer

    def _weigh_now(self, x: Scan) -> Answer:
        """CMD:WEIGH: the box on the scale now is this box (closing it, or finishing the order)."""
        pending = x.pack.pending or {}
        if not self.uses_scale:
            return self._answer(x, REFUSED, message("no_scale"), "no_scale")
        current = self.scale.current
        if current is None or current.seq <= self._checked_weighing:
            seq = pending.get("box") or self._open_box_seq(x)
            return self._answer(x, REFUSED, message("weigh_box", seq=seq, expected=pending.get("expected", "?")),
                                "no_weight", WEIGH, box=seq)
        self._checked_weighing = current.seq
        x.weighed = current.grams
        x.pack.weight_g, x.pack.weight_at = current.grams, utcnow()
        finishing = bool(pending.get("finish")) or all(l.packed_quantity >= l.quantity for l in x.lines)
        return self._finish(x, None) if finishing else self._close_box(x)

    def _open_box_seq(self, x: Scan) -> int:
        box = self._open_box_row(x)
        if box is not None:
            return box.seq
        newest = self._newest_box(x.session, x.order.id)
        return (newest.seq if newest is not None else 0) + 1

    def _accept_weight(self, x: Scan, badge: str) -> Answer | None:
        """A badge scanned while the box waits for its weight: a supervisor accepts the box as it is (a weight
        that does not match, or no scale at hand). None when the text is no badge at all."""
        try:
            user = login_by_badge(x.session, badge)
        except PermissionDenied:
            return None
        x.journal.raw = "badge:***"  # a badge code is a credential: never in the journal
        x.journal.kind = "badge"
        if not has_role(user.role, "supervisor"):
            return self._answer(x, REFUSED, message("not_supervisor_weight", user=user.display_name), "not_supervisor",
                                WEIGH)
        supervisor = Actor(station=self.station, user=user.username, role=user.role)
        current = self.scale.current
        if current is not None and current.seq > self._checked_weighing:
            x.weighed = current.grams
            self._checked_weighing = current.seq
        elif x.pack.weight_g is not None and (x.pack.pending or {}).get("measured") == x.pack.weight_g:
            x.weighed = x.pack.weight_g  # the weighing that did not match, still the box's
        finishing = bool((x.pack.pending or {}).get("finish"))
        if finishing:
            return self._finish(x, None, accepted_by=supervisor)
        return self._close_box(x, accepted_by=supervisor)

    def _note_step(self, answer: Answer) -> None:
        """Remember what the screen shows, and whether the service now waits for a weighing (from when)."""
        if answer.number:
            self._last_shown = (answer.number, answer.status)
        if answer.next_step == WEIGH:
            if self._weigh_wait is None:
                self._weigh_wait = time.monotonic()
        else:
            self._weigh_wait = None
