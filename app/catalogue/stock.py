"""Opening stock and corrections: ``station stock import FILE`` and ``station stock adjust``.

A stock file's rows (``sku``, ``bin``, ``on_hand``, optional ``lot``, ``expiry``, ``warehouse``) say how many
units lie in a bin; the import checks every row against the catalogue and the bins first, then sets the
counts that differ in one transaction with bulk statements, each change on the stock ledger. The same
file twice changes nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.admin.auth import require_role
from app.catalogue.formats import Rejected
from app.catalogue.ledger import change_on_hand, who
from app.catalogue.products import ImportResult
from app.errors import InvalidInput, NotFound
from app.sync import notify_change
from app.uow import Actor, UnitOfWork
from db.base import utcnow
from db.bulk import insert_rows, update_rows
from db.models import Bin, Product, Stock, Warehouse
from db.models.stock import StockLedgerEntry

STOCK = Stock.__table__
LEDGER = StockLedgerEntry.__table__
COLUMNS = ("sku", "bin", "on_hand", "lot", "expiry", "warehouse")
# Why a supervisor corrects stock by hand (the ledger's reference starts with the code; "other" needs a note).
ADJUST_REASONS = ("damaged", "expired", "lost", "found", "miscount", "sample", "other")
REQUIRED = ("sku", "bin", "on_hand")


@dataclass(frozen=True)
class StockRow:
    record: str
    sku: str
    bin: str
    on_hand: int
    lot: str
    expiry: date | None
    warehouse: str


def _rows(data: bytes) -> tuple[list[StockRow], list[Rejected]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"the stock file is not UTF-8 text (byte {exc.start})") from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InvalidInput(f"the stock file lacks the column(s) {', '.join(missing)} (columns: {', '.join(COLUMNS)})")
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise InvalidInput(f"the stock file has columns stock does not know: {', '.join(unknown)} (columns: {', '.join(COLUMNS)})")
    at = {name: header.index(name) for name in COLUMNS if name in header}
    width = len(header)
    good: list[StockRow] = []
    bad: list[Rejected] = []
    i_sku, i_bin, i_qty = at["sku"], at["bin"], at["on_hand"]
    i_lot, i_exp, i_wh = at.get("lot"), at.get("expiry"), at.get("warehouse")
    for number, values in enumerate(reader, start=2):
        if not values or (len(values) == 1 and not values[0].strip()):
            continue
        sku = values[i_sku].strip() if len(values) > i_sku else ""
        label = f"row {number} ({sku})" if sku else f"row {number}"
        if len(values) != width:
            bad.append(Rejected(label, f"has {len(values)} values for {width} columns"))
            continue
        bin_code = values[i_bin].strip().upper()
        quantity = values[i_qty].strip()
        lot = values[i_lot].strip() if i_lot is not None else ""
        expiry_text = values[i_exp].strip() if i_exp is not None else ""
        if not sku:
            bad.append(Rejected(label, "sku: is missing"))
            continue
        if not bin_code:
            bad.append(Rejected(label, "bin: is missing"))
            continue
        if not quantity.isdigit():
            why = "must be 0 or more" if quantity.lstrip("-").isdigit() else "is not a whole number"
            bad.append(Rejected(label, f"on_hand: {quantity[:20]!r} {why}"))
            continue
        if len(lot) > 64:
            bad.append(Rejected(label, "lot: is longer than 64 characters"))
            continue
        expiry = None
        if expiry_text:
            try:
                expiry = date.fromisoformat(expiry_text)
            except ValueError:
                bad.append(Rejected(label, f"expiry: {expiry_text[:20]!r} is not a date (YYYY-MM-DD)"))
                continue
        good.append(StockRow(label, sku, bin_code, int(quantity), lot, expiry,
                             values[i_wh].strip().upper() if i_wh is not None else ""))
    return good, bad


def import_stock(sessions: sessionmaker[Session], path: str | Path, actor: Actor) -> ImportResult:
    """Set the on-hand counts a stock file gives, in one transaction; every change on the ledger."""
    require_role(actor, "admin")
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"no such file: {path}") from None
    rows, rejected = _rows(data)
    with UnitOfWork(sessions) as uow:
        result = _apply(uow.session, rows, actor, f"import {path.name}")
        result.rejected[:0] = rejected
        result.rejected.sort(key=lambda r: int(r.record.split()[1]))  # in the file's order
        if result.created or result.updated:
            notify_change(uow.session, "stock", "")
        uow.commit()
    return result


def _apply(session: Session, rows: list[StockRow], actor: Actor, reference: str) -> ImportResult:
    result = ImportResult()
    connection = session.connection()
    products = {r.sku: r for r in connection.execute(select(Product.id, Product.sku, Product.tracks_lot, Product.active))}
    warehouses = dict(connection.execute(select(Warehouse.id, Warehouse.code)).all())
    bins: dict[str, list[tuple[int, int]]] = {}
    for r in connection.execute(select(Bin.id, Bin.code, Bin.warehouse_id)):
        bins.setdefault(r.code, []).append((r.id, r.warehouse_id))
    stock = {(r.product_id, r.bin_id, r.lot): r for r in connection.execute(
        select(Stock.id, Stock.product_id, Stock.bin_id, Stock.lot, Stock.on_hand, Stock.reserved, Stock.expiry))}

    seen: dict[tuple[int, int, str], str] = {}
    new_rows: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    ledger: list[dict[str, Any]] = []
    user, station = who(actor)
    now = utcnow()
    for row in rows:
        product = products.get(row.sku)
        if product is None:
            result.rejected.append(Rejected(row.record, f"sku: no product {row.sku} in the catalogue"))
            continue
        code, warehouse = row.bin, row.warehouse
        if ":" in code and not warehouse:
            warehouse, _, code = code.partition(":")
        places = bins.get(code, [])
        if warehouse:
            places = [p for p in places if warehouses.get(p[1]) == warehouse]
        if not places:
            where = f" in warehouse {warehouse}" if warehouse else ""
            result.rejected.append(Rejected(row.record, f"bin: no bin {code}{where}"))
            continue
        if len(places) > 1:
            names = " and ".join(sorted(warehouses[p[1]] for p in places))
            result.rejected.append(Rejected(row.record, f"bin: {code} is in warehouses {names}: "
                                                        f"write WAREHOUSE:{code} or add a warehouse column"))
            continue
        bin_id, warehouse_id = places[0]
        if product.tracks_lot and not row.lot:
            result.rejected.append(Rejected(row.record, f"lot: {row.sku} is tracked by lot; give the lot"))
            continue
        key = (product.id, bin_id, row.lot)
        if key in seen:
            result.rejected.append(Rejected(row.record, f"bin: {row.sku} in {code}{' lot ' + row.lot if row.lot else ''} "
                                                        f"is already in the file as {seen[key]}"))
            continue
        seen[key] = row.record
        old = stock.get(key)
        entry = {"at": now, "user": user, "station": station, "reason": "opening", "reference": reference[:200],
                 "product_id": product.id, "bin_id": bin_id, "warehouse_id": warehouse_id, "lot": row.lot}
        if old is None:
            new_rows.append({"product_id": product.id, "bin_id": bin_id, "warehouse_id": warehouse_id,
                             "on_hand": row.on_hand, "reserved": 0, "lot": row.lot, "expiry": row.expiry})
            ledger.append({**entry, "before": 0, "after": row.on_hand, "delta": row.on_hand})
            result.created += 1
            continue
        if row.on_hand < old.reserved:
            result.rejected.append(Rejected(row.record, f"on_hand: {row.on_hand} is less than the {old.reserved} "
                                                        "already reserved for orders"))
            continue
        expiry = row.expiry if row.expiry is not None else old.expiry
        if old.on_hand == row.on_hand and old.expiry == expiry:
            result.unchanged += 1
            continue
        changed.append({"id": old.id, "on_hand": row.on_hand, "expiry": expiry})
        if old.on_hand != row.on_hand:
            ledger.append({**entry, "before": old.on_hand, "after": row.on_hand, "delta": row.on_hand - old.on_hand})
        result.updated += 1
    insert_rows(session, STOCK, new_rows)
    update_rows(session, STOCK, "id", changed)
    insert_rows(session, LEDGER, ledger)
    return result


@dataclass(frozen=True)
class Adjusted:
    sku: str
    bin: str
    lot: str
    before: int
    after: int


def adjust(sessions: sessionmaker[Session], sku: str, bin_code: str, delta: int, reason: str, actor: Actor,
           lot: str = "", warehouse: str = "", note: str = "") -> Adjusted:
    """Correct one stock row by ``delta``: ``reason`` is one of :data:`ADJUST_REASONS` (found damaged, a miscount...),
    ``note`` says more; both on the ledger's reference ("damaged: dropped by the forklift")."""
    require_role(actor, "supervisor")
    reason, note = reason.strip().lower(), " ".join(note.split())
    if reason not in ADJUST_REASONS:
        raise InvalidInput(f"reason: {reason[:20]!r} is not a reason code; the codes are {', '.join(ADJUST_REASONS)}")
    if reason == "other" and not note:
        raise InvalidInput("note: say why the stock changes (reason other)")
    if reason == "found" and delta < 0:
        raise InvalidInput("reason found adds stock: the change must be more than 0")
    if reason in ("damaged", "expired", "lost", "sample") and delta > 0:
        raise InvalidInput(f"reason {reason} takes stock away: the change must be less than 0")
    if delta == 0:
        raise InvalidInput("DELTA: give a change other than 0")
    with UnitOfWork(sessions) as uow:
        s = uow.session
        product = s.scalar(select(Product).where(Product.sku == sku))
        if product is None:
            raise NotFound(f"sku: no product {sku} in the catalogue")
        query = select(Bin).where(Bin.code == bin_code.strip().upper())
        if warehouse:
            query = query.join(Warehouse, Warehouse.id == Bin.warehouse_id).where(Warehouse.code == warehouse.upper())
        found = list(s.scalars(query))
        if not found:
            raise NotFound(f"bin: no bin {bin_code}")
        if len(found) > 1:
            raise InvalidInput(f"bin: {bin_code} is in more than one warehouse: give --warehouse")
        bin_ = found[0]
        stock = s.scalar(select(Stock).where(Stock.product_id == product.id, Stock.bin_id == bin_.id, Stock.lot == lot))
        if stock is None:
            if delta < 0:
                if lot:
                    raise InvalidInput(f"{sku} lot {lot} has no stock in {bin_.code} to take from")
                raise InvalidInput(f"{sku} has no stock in {bin_.code} to take from")
            stock = Stock(product_id=product.id, bin_id=bin_.id, warehouse_id=bin_.warehouse_id, on_hand=0, reserved=0, lot=lot)
            s.add(stock)
        before = stock.on_hand or 0
        change_on_hand(s, stock, delta, "adjust", actor, reference=f"{reason}: {note}" if note else reason)
        notify_change(s, "stock", product.id)
        uow.commit()
        return Adjusted(sku, bin_.code, lot, before, stock.on_hand)
