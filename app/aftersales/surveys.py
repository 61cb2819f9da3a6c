"""Satisfaction surveys (seed 4.2.2): answers recorded at the desk or imported from a CSV file, and their
scores by product, delivery speed and service.

``record_answer(session, order, product, delivery, service, comment="", sku="", answered_at=None, source="desk")``
    One answer; scores are whole numbers 1 to 5. Answering the same order (and SKU) again replaces nothing:
    it raises :class:`DuplicateAnswer`. The customer web side (issue 11) calls it with ``source="web"``.
``import_csv(session, text, source="csv") -> SurveyImport``
    A file with the header ``order,product,delivery,service,comment,sku,answered_at`` (``comment``, ``sku``
    and ``answered_at`` optional; ``answered_at`` ISO 8601). Broken rows are reported with their line and
    the reason; the good rows go in; a row already imported counts as a duplicate.
``scores(session, date_from=None, date_to=None) -> SurveyScores``
    Averages and counts for each of the three questions, and the product score per SKU.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import InvalidInput, NotFound, StationError
from app.orders import references
from db.base import utcnow
from db.models import Order, OrderLine
from db.models.aftersales import SurveyAnswer

CSV_FIELDS = ("order", "product", "delivery", "service", "comment", "sku", "answered_at")
QUESTIONS = ("product", "delivery", "service")


class DuplicateAnswer(InvalidInput):
    pass


@dataclass
class SurveyImport:
    imported: int = 0
    duplicates: int = 0
    rejected: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"imported": self.imported, "duplicates": self.duplicates, "rejected": self.rejected}


def _score(name: str, value: Any) -> int:
    text = str(value if value is not None else "").strip()
    if not text:
        raise InvalidInput(f"{name}: missing (a whole number 1 to 5)")
    try:
        score = int(text)
    except ValueError:
        raise InvalidInput(f"{name}: {text!r} is not a whole number 1 to 5") from None
    if not 1 <= score <= 5:
        raise InvalidInput(f"{name}: {score} is not between 1 and 5")
    return score


def _find_order(session: Session, order: Order | str) -> Order:
    if isinstance(order, Order):
        return order
    number = str(order or "").strip()
    if not number:
        raise InvalidInput("order: missing")
    match = references.find_order(session, number)  # our number, the shop's, a tracking number, a label...
    if match is None:
        raise NotFound(f"order: no order {number!r}")
    return match.order


def record_answer(session: Session, order: Order | str, product: Any, delivery: Any, service: Any, comment: str = "",
                  sku: str = "", answered_at: datetime | None = None, source: str = "desk") -> SurveyAnswer:
    found = _find_order(session, order)
    scores = {q: _score(q, v) for q, v in zip(QUESTIONS, (product, delivery, service))}
    sku = (sku or "").strip()
    if sku and session.scalar(select(OrderLine.id).where(OrderLine.order_id == found.id, OrderLine.sku == sku)) is None:
        raise InvalidInput(f"sku: {sku} is not on order {found.number}")
    if answered_at is not None and answered_at.tzinfo is None:
        raise InvalidInput("answered_at: no time zone")
    if session.scalar(select(SurveyAnswer.id).where(SurveyAnswer.order_id == found.id, SurveyAnswer.sku == sku)) is not None:
        raise DuplicateAnswer(f"order {found.number} has already been answered" + (f" for {sku}" if sku else ""))
    answer = SurveyAnswer(order_id=found.id, sku=sku, product_score=scores["product"], delivery_score=scores["delivery"],
                          service_score=scores["service"], comment=(comment or "").strip(),
                          answered_at=answered_at or utcnow(), source=source[:40])
    with session.begin_nested():
        session.add(answer)
    return answer


def import_csv(session: Session, text: str, source: str = "csv") -> SurveyImport:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [(f or "").strip().lower() for f in (reader.fieldnames or [])]
    missing = [f for f in ("order", "product", "delivery", "service") if f not in header]
    if missing:
        raise InvalidInput(f"the survey file lacks the column(s) {', '.join(missing)} (expected: {','.join(CSV_FIELDS)})")
    result = SurveyImport()
    for row in reader:
        name = f"line {reader.line_num}"
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
        try:
            at = None
            if row.get("answered_at"):
                try:
                    at = datetime.fromisoformat(row["answered_at"].replace("Z", "+00:00"))
                except ValueError:
                    raise InvalidInput(f"answered_at: {row['answered_at']!r} is not an ISO 8601 time") from None
            record_answer(session, row.get("order", ""), row.get("product"), row.get("delivery"), row.get("service"),
                          row.get("comment", ""), row.get("sku", ""), at, source)
        except DuplicateAnswer:
            result.duplicates += 1
        except IntegrityError:
            result.duplicates += 1
        except StationError as exc:
            result.rejected.append({"record": name, "error": exc.message})
        else:
            result.imported += 1
    return result


@dataclass
class SurveyScores:
    answers: int
    averages: dict[str, float | None]
    distribution: dict[str, list[int]]  # question -> counts of scores 1..5
    by_product: list[tuple[str, str, int, float]]  # sku, name, answers, average product score


def scores(session: Session, date_from: datetime | None = None, date_to: datetime | None = None) -> SurveyScores:
    conds = []
    if date_from is not None:
        conds.append(SurveyAnswer.answered_at >= date_from)
    if date_to is not None:
        conds.append(SurveyAnswer.answered_at < date_to)
    row = session.execute(select(
        func.count(), func.avg(SurveyAnswer.product_score), func.avg(SurveyAnswer.delivery_score),
        func.avg(SurveyAnswer.service_score),
    ).where(*conds)).one()
    averages = {q: (round(float(v), 2) if v is not None else None) for q, v in zip(QUESTIONS, row[1:])}
    distribution = {q: [0] * 5 for q in QUESTIONS}
    for q, column in zip(QUESTIONS, (SurveyAnswer.product_score, SurveyAnswer.delivery_score, SurveyAnswer.service_score)):
        for score, n in session.execute(select(column, func.count()).where(*conds).group_by(column)):
            distribution[q][int(score) - 1] = int(n)
    # An answer about the whole order scores every product on it; an answer about one SKU scores that one.
    per_sku = (
        select(OrderLine.sku.label("sku"), func.max(OrderLine.name).label("name"), func.count().label("n"),
               func.avg(SurveyAnswer.product_score).label("avg"))
        .select_from(SurveyAnswer)
        .join(OrderLine, (OrderLine.order_id == SurveyAnswer.order_id) & ((SurveyAnswer.sku == "") | (SurveyAnswer.sku == OrderLine.sku)))
        # (the IN lets the planner start from the few answered orders, not from every order line)
        .where(*conds, OrderLine.order_id.in_(select(SurveyAnswer.order_id).where(*conds))).group_by(OrderLine.sku).order_by(func.avg(SurveyAnswer.product_score), OrderLine.sku)
    )
    by_product = [(sku, name or "", int(n), round(float(avg), 2)) for sku, name, n, avg in session.execute(per_sku)]
    return SurveyScores(int(row[0]), averages, distribution, by_product)


@dataclass(frozen=True)
class RecordedAnswer:
    order: str
    product: int | None
    delivery: int | None
    service: int | None


def import_file(sessions, text: str, source: str, actor) -> SurveyImport:
    """``station survey import``: survey answers from CSV text, in one unit of work (customer service)."""
    from app.admin.auth import require_role
    from app.uow import UnitOfWork

    require_role(actor, "service")
    with UnitOfWork(sessions) as uow:
        result = import_csv(uow.session, text, source=source)
        uow.commit()
    return result


def record(sessions, order: str, product: Any, delivery: Any, service: Any, comment: str, sku: str, actor,
           source: str = "desk") -> RecordedAnswer:
    """One survey answer taken down by customer service, in one unit of work."""
    from app.admin.auth import require_role
    from app.uow import UnitOfWork

    require_role(actor, "service")
    with UnitOfWork(sessions) as uow:
        answer = record_answer(uow.session, order, product, delivery, service, comment, sku, source=source)
        uow.commit()
        return RecordedAnswer(order, answer.product_score, answer.delivery_score, answer.service_score)
