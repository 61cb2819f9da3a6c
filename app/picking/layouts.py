"""A warehouse's routing layout in the database: ``warehouses.layout`` and its ``bins``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInput, NotFound
from app.routing.layout import Layout, UnknownBin
from db.models import Bin, Warehouse


@dataclass
class LoadResult:
    warehouse: str
    bins_added: int
    bins_moved: int
    bins_total: int


def warehouse_by_code(session: Session, code: str) -> Warehouse:
    warehouse = session.scalar(select(Warehouse).where(Warehouse.code == code))
    if warehouse is None:
        raise NotFound(f"no warehouse with code {code}")
    return warehouse


def layout_of(warehouse: Warehouse) -> Layout:
    if not warehouse.layout:
        raise InvalidInput(f"warehouse {warehouse.code} has no layout: load one with 'station layout load'")
    return Layout.from_mapping(warehouse.layout)


def load_layout(session: Session, warehouse: Warehouse, layout: Layout) -> LoadResult:
    """Store the layout and create or move the bins it names. Bins the new layout lacks are kept (stock
    may still lie there) but put in quarantine so no pick is sent to them."""
    warehouse.layout = layout.to_mapping()
    existing = {b.code: b for b in session.scalars(select(Bin).where(Bin.warehouse_id == warehouse.id))}
    added = moved = 0
    seen = set()
    for where in layout.bins():
        seen.add(where.code)
        row = existing.get(where.code)
        if row is None:
            session.add(Bin(warehouse_id=warehouse.id, code=where.code, zone=where.zone, aisle=where.aisle,
                            position=where.position, side=where.side, level=where.level))
            added += 1
        elif (row.aisle, row.position, row.side, row.level) != (where.aisle, where.position, where.side, where.level) or row.quarantine:
            row.aisle, row.position, row.side, row.level, row.quarantine = (
                where.aisle, where.position, where.side, where.level, False)
            moved += 1
    for code, row in existing.items():
        if code not in seen:
            row.quarantine = True
    session.flush()
    return LoadResult(warehouse.code, added, moved, len(seen))


def bin_location(session: Session, warehouse: Warehouse, code: str) -> Bin:
    """The bin named ``code`` in this warehouse (codes are matched without regard to case)."""
    row = session.scalar(select(Bin).where(Bin.warehouse_id == warehouse.id, Bin.code == code.strip().upper()))
    if row is None:
        raise UnknownBin(f"bin {code.strip()} does not exist in warehouse {warehouse.code}")
    return row


def load_warehouse_layout(sessions, code: str, layout: Layout, actor, create_name: str | None = None,
                          country: str = "") -> LoadResult:
    """``station layout load``: a warehouse's layout and bins, in one unit of work; with ``create_name`` a
    warehouse the database lacks is made first (named so, in ``country``). Administrators only."""
    from app.admin.auth import require_role
    from app.uow import UnitOfWork

    require_role(actor, "admin")
    with UnitOfWork(sessions) as uow:
        warehouse = uow.session.scalar(select(Warehouse).where(Warehouse.code == code))
        if warehouse is None:
            if not create_name:
                raise NotFound(f"no warehouse with code {code} (use --create NAME to create it)")
            warehouse = Warehouse(code=code, name=create_name, country=country.upper()[:2], latitude=0.0, longitude=0.0)
            uow.session.add(warehouse)
            uow.session.flush()
        result = load_layout(uow.session, warehouse, layout)
        uow.commit()
    return result


def warehouse_layout(sessions, code: str) -> Layout:
    """The layout of the warehouse ``code`` names (a read)."""
    with sessions() as session:
        return layout_of(warehouse_by_code(session, code))
