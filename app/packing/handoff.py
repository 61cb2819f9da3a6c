"""The hand-off after the last scan: label the packed order, queue its label and packing slip, give them to
the printers, and say truthfully what the printers did.

It keeps no state between calls and uses transactions of its own, so the pack screen runs it on a worker
thread; it returns a NEW answer (the one the packer already saw is never changed behind the screen's back).

What the packer is told follows what really happened to the label: ``labelled_printed`` only when the
printer took it; ``labelled_waiting`` when it waits for an unreachable printer (it prints by itself when
the printer is back); ``labelled_printer_setup`` when no printer is set up or its set-up is wrong;
``labelled_uncertain`` when the printer broke off in the middle of it.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.domain import lifecycle as lc
from app.errors import StationError
from app.packing.messages import message
from app.shipping.handoff import Dispatch, Printed, label_and_print, send_now
from app.uow import Actor
from db.models import Order
from db.models.packing import PackBox

if TYPE_CHECKING:
    from app.packing.answers import Answer

log = logging.getLogger(__name__)

default_print_dispatch = send_now  # the pack bench sends its labels at once


def printing_message(number: str, printed: list[Printed]):
    """The packer's message for what the printers did with an order's documents (the label decides)."""
    labels = [p for p in printed if p.document == "label"] or printed
    worst = next((p for p in labels if p.state == "uncertain"), None) or next(
        (p for p in labels if p.state in ("failed", "queued") and p.reason in ("setup", "not_set_up")), None) or next(
        (p for p in labels if p.state in ("failed", "queued")), None) or next(
        (p for p in labels if p.state == "waiting"), None)
    if worst is None:
        printer = next((p.printer for p in labels if p.printer), "")
        return message("labelled_printed", number=number, printer=printer)
    if worst.state == "uncertain":
        return message("labelled_uncertain", number=number, printer=worst.printer)
    if worst.reason in ("setup", "not_set_up"):
        return message("labelled_printer_setup" if worst.reason == "setup" else "labelled_no_printer", number=number,
                       printer=worst.printer)
    if worst.state == "waiting":
        return message("labelled_queued", number=number)
    return message("labelled_waiting", number=number, printer=worst.printer)


class HandOff:
    def __init__(self, sessions: sessionmaker[Session], settings: Settings, station: str, actor: Actor,
                 dispatch: Dispatch) -> None:
        self.sessions = sessions
        self.settings = settings
        self.station = station
        self.actor = actor
        self.dispatch = dispatch

    def run(self, answer: Answer, received: float, order_id: int | None) -> Answer:
        """Label the packed order and print; returns the answer to show now (a copy of ``answer``)."""
        result = replace(answer, print_jobs=list(answer.print_jobs), printed=[])
        with self.sessions() as s:
            order = s.get(Order, order_id) if order_id is not None else None
            if order is None or order.status != lc.PACKED:
                return result
        try:
            done = label_and_print(self.sessions, self.settings, self.station, self.actor, order_id=order_id,
                                   specs=box_specs, dispatch=self.dispatch, started=received)
        except StationError as exc:
            result.label_error = exc.message
            result.message = message("complete_label_failed", number=answer.number, error=exc.message)
            return result
        except (OperationalError, DBAPIError) as exc:
            result.label_error = f"database: {type(exc).__name__}"
            result.message = message("complete_label_failed", number=answer.number, error="the database cannot be reached")
            return result
        result.status = done.status
        result.print_jobs = done.label_jobs + done.slip_jobs
        result.handoff_s = done.seconds_to_label
        result.printed = done.printed
        printing = printing_message(result.number or "", done.printed)
        # "Packed: making its label…" gives way to what the printer did; any other news (a partial shipment and
        # where the rest went) stays, with the printer's after it.
        result.message = printing if answer.message.code == "complete" else message("both", first=answer.message,
                                                                                    then=printing)
        return result


def box_specs(s: Session, order: Order):
    """The parcels of a packed order: its closed boxes, weighed (or expected) and sized by their cartons; None
    when a box has no carton size (shipping sizes it from the catalogue)."""
    from app.shipping.rates import ParcelSpec

    boxes = list(s.scalars(select(PackBox).where(PackBox.order_id == order.id).order_by(PackBox.seq)))
    specs = [ParcelSpec(b.measured_weight_g or b.expected_weight_g, b.length_mm, b.width_mm, b.height_mm, b.carton_code)
             for b in boxes if b.state == "closed"] or None
    if specs and any(not (sp.length_mm and sp.weight_g) for sp in specs):
        return None
    return specs
