"""An RFID tote read at once: each tag one scan, journalled; tags already packed passed over quietly."""


import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import select

from app.packing.answers import (
    COMPLETE,
    NOT_UNDERSTOOD,
    OK,
    REFUSED,
    SCAN_ITEM,
    Answer,
)
from app.packing.classify import classify_epc
from app.packing.messages import message
from db.models.packing import PackBoxItem

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


class TotesMixin:
    """Part of :class:`app.packing.service.PackService` (its state lives there)."""

    # --- RFID tote --------------------------------------------------------------------------------------
    def tote(self, epcs: Iterable[str]) -> Answer:
        """Every tag of a tote read at once: each tag is one scan (journalled); tags already packed in this
        order (the same tote read again) are passed over quietly."""
        ticked, refused, details = 0, 0, []
        last: Answer | None = None
        for epc in epcs:
            c = classify_epc(epc)
            if c.serial and self._already_packed_serial(c.serial):
                continue
            answer = self.handle(c)
            last = answer
            if answer.verdict in (OK, COMPLETE) and answer.reason in ("ticked", "complete"):
                ticked += 1
            elif answer.verdict in (REFUSED, NOT_UNDERSTOOD):
                refused += 1
                details.append(answer.reason)
            if answer.verdict == COMPLETE or answer.reason in ("no_order", "taken_away", "db_unavailable"):
                break
        if last is None:
            return Answer(OK, message("tote_read", count=0), "tote_read", SCAN_ITEM, self.current_number())
        if last.verdict == COMPLETE:
            return last
        if refused:
            last.verdict = REFUSED
            last.message = message("tote_partial", count=ticked, refused=refused, detail=", ".join(sorted(set(details))))
        else:
            last.message = message("tote_read", count=ticked)
        last.reason = "tote_read"
        return last

    def _already_packed_serial(self, serial: str) -> bool:
        if self.order_id is None:
            return False
        with self.sessions() as s:
            return bool(s.scalar(select(PackBoxItem.id).where(PackBoxItem.order_id == self.order_id, PackBoxItem.serial == serial).limit(1)))
