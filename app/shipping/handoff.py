"""Label, then print: the one use case that the pack bench (after the last scan), the shipping desk (Label)
and ``station shipping ship --print`` share.

:func:`label_and_print` labels a packed order in one transaction (its labels queued with it), hands the labels
to the printers, then queues the packing slip in a second transaction and hands it on too, so the label comes
out while the slip is still being made. What each printer did comes back as :class:`Printed` rows: ``done``
only when the printer took the document; ``queued`` (not reachable: it prints by itself later), ``failed``
(a printer set-up to fix), ``uncertain`` (it broke off mid-document), or ``waiting`` when the station's queue
worker sends it (no dispatch given, or another worker took it first).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.sync import notify_change
from app.uow import Actor, UnitOfWork
from db.models import Order
from db.models.shipping import Parcel

if TYPE_CHECKING:
    from app.shipping.printqueue import Outcome
    from app.shipping.rates import ParcelSpec

log = logging.getLogger(__name__)

# What a dispatch gives back: the outcome of each job it sent now (None or []: handed to the queue's worker).
Dispatch = Callable[[list[int]], "list[Outcome] | None"]


@dataclass(frozen=True)
class Printed:
    """What became of one document."""

    job_id: int
    document: str  # label, packing_slip
    state: str  # done, queued, failed, uncertain, waiting (the queue's worker has it)
    reason: str = ""  # printed, not_set_up, unreachable, setup, uncertain
    printer: str = ""
    detail: str = ""


@dataclass
class Labelled:
    number: str
    status: str
    parcels: list[Parcel] = field(default_factory=list)  # detached: read their columns, not relations
    label_jobs: list[int] = field(default_factory=list)
    slip_jobs: list[int] = field(default_factory=list)
    printed: list[Printed] = field(default_factory=list)
    seconds_to_label: float | None = None  # from ``started`` to the labels handed to the printers

    @property
    def tracking_numbers(self) -> list[str]:
        return [p.tracking_number for p in self.parcels]


def send_now(sessions: sessionmaker[Session]) -> Dispatch:
    """A dispatch that sends the jobs at once, on the calling thread, and says what the printers did."""
    from app.shipping import printqueue

    def dispatch(job_ids: list[int]) -> list[Outcome]:
        outcomes = printqueue.send_now(sessions, job_ids)
        for outcome in outcomes:
            log.info("print job %s: %s %s", outcome.job_id, outcome.state, outcome.message)
        return outcomes

    return dispatch


def dispatch_jobs(dispatch: Dispatch | None, job_ids: list[int], documents: dict[int, str]) -> list[Printed]:
    """Hand jobs to the printers; a job whose outcome is not known yet is ``waiting`` on the durable queue."""
    if not job_ids:
        return []
    outcomes: dict[int, Outcome] = {}
    if dispatch is not None:
        try:
            outcomes = {o.job_id: o for o in (dispatch(job_ids) or [])}
        except Exception:  # noqa: BLE001 - the jobs are safe on the durable queue; the worker retries
            log.exception("print hand-off failed; the jobs wait on the queue")
    printed = []
    for job_id in job_ids:
        outcome = outcomes.get(job_id)
        if outcome is None:
            printed.append(Printed(job_id, documents.get(job_id, ""), "waiting"))
        else:
            printed.append(Printed(job_id, outcome.document or documents.get(job_id, ""), outcome.state, outcome.reason,
                                   outcome.printer, outcome.message))
    return printed


def label_and_print(sessions: sessionmaker[Session], settings: Settings, station: str, actor: Actor, *,
                    order_id: int | None = None, number: str | None = None,
                    specs: list[ParcelSpec] | Callable[[Session, Order], list[ParcelSpec] | None] | None = None,
                    service_code: str | None = None, dispatch: Dispatch | None = None, include_slip: bool = True,
                    started: float | None = None) -> Labelled:
    """Label the packed order (by id, or by any reference a person types) and print its label and packing slip.
    ``specs``: the parcels, or a function that reads them in the labelling transaction (the pack bench's boxes).
    Raises what labelling raises (a StationError saying why) with nothing written."""
    from app.shipping.service import enqueue_documents, find_order, label_order

    started = time.perf_counter() if started is None else started
    with UnitOfWork(sessions) as uow:
        s = uow.session
        order = s.get(Order, order_id) if order_id is not None else find_order(s, number or "")
        parcel_specs = specs(s, order) if callable(specs) else specs
        parcels = label_order(s, order, actor, parcel_specs, service_code, settings=settings)
        # The labels first: they go to the printer while the packing slip is being made.
        jobs = enqueue_documents(s, order, station, settings=settings, actor=actor, include_slip=False)
        notify_change(s, "order", order.number)
        uow.commit()
        result = Labelled(order.number, order.status, parcels, [j.id for j in jobs])
        order_id = order.id
    result.printed = dispatch_jobs(dispatch, result.label_jobs, {j: "label" for j in result.label_jobs})
    result.seconds_to_label = time.perf_counter() - started
    if include_slip:
        with UnitOfWork(sessions) as uow:
            order = uow.session.get(Order, order_id)
            jobs = enqueue_documents(uow.session, order, station, settings=settings, actor=actor)
            uow.commit()
            result.slip_jobs = [j.id for j in jobs if j.id not in result.label_jobs]
        result.printed += dispatch_jobs(dispatch, result.slip_jobs, {j: "packing_slip" for j in result.slip_jobs})
    return result
