"""The catalogue's read model: plain dataclasses for the CLI and the Administration screen. Searches use
the indexes (SKU range, GTIN equality) and a LIMIT; nothing loads the whole catalogue."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from app.errors import NotFound
from app.packing.classify import Classified
from db.models import Bin, Product, ProductGtin, Stock, Warehouse
from db.models.stock import StockLedgerEntry


def product_by_code(session: Session, sku: str, gtin: str) -> tuple[Product, int] | None:
    """The product and how many units one of the code stands for (a case GTIN: its unit count; a SKU: 1)."""
    if gtin:
        row = session.execute(select(Product, ProductGtin.units).join(ProductGtin, ProductGtin.product_id == Product.id)
                              .where(ProductGtin.gtin == gtin.zfill(14))).first()
        if row is not None:
            return row[0], int(row[1])
    if sku:
        product = session.scalar(select(Product).where(Product.sku == sku))
        if product is not None:
            return product, 1
    return None


def scanned_product(session: Session, scan: Classified) -> tuple[Product, int] | None:
    """What a scan names: an item's GTIN, or a SKU typed (as written, or in capitals); None when nothing is."""
    if scan.kind == "item" and scan.gtin:
        return product_by_code(session, "", scan.gtin)
    if scan.kind == "text" and scan.text:
        return product_by_code(session, scan.text.strip().upper(), "") or product_by_code(session, scan.text.strip(), "")
    return None


@dataclass(frozen=True)
class ProductRow:
    sku: str
    name_en: str
    name_zh: str
    gtins: list[str]
    weight_g: int
    length_mm: int | None
    width_mm: int | None
    height_mm: int | None
    active: bool
    on_hand: int = 0
    flags: list[str] = field(default_factory=list)
    min_shelf_life_days: int = 0  # FEFO: days an item must still have before its expiry to be sent out

    @property
    def gaps(self) -> list[str]:
        return gaps_of(self.weight_g, self.length_mm, self.width_mm, self.height_mm)

    def as_json(self) -> dict:
        return {**asdict(self), "gaps": self.gaps}


def gaps_of(weight_g: int | None, length_mm: int | None, width_mm: int | None, height_mm: int | None) -> list[str]:
    """What the catalogue lacks for packing and shipping: ``weight``, ``dimensions``."""
    gaps = []
    if not weight_g:
        gaps.append("weight")
    if not (length_mm and width_mm and height_mm):
        gaps.append("dimensions")
    return gaps


_COLUMNS = (Product.id, Product.sku, Product.name_en, Product.name_zh, Product.weight_g, Product.length_mm,
            Product.width_mm, Product.height_mm, Product.active, Product.fragile, Product.high_value, Product.hazmat,
            Product.liquid, Product.restricted, Product.min_shelf_life_days)
_FLAGS = ("fragile", "high_value", "hazmat", "liquid", "restricted")


def _rows(session: Session, rows, with_stock: bool = True) -> list[ProductRow]:
    rows = list(rows)
    ids = [r.id for r in rows]
    gtins: dict[int, list[str]] = {}
    on_hand: dict[int, int] = {}
    if ids:
        for g in session.execute(select(ProductGtin.product_id, ProductGtin.gtin).where(ProductGtin.product_id.in_(ids))
                                 .order_by(ProductGtin.id)):
            gtins.setdefault(g.product_id, []).append(g.gtin)
        if with_stock:
            on_hand = dict(session.execute(select(Stock.product_id, func.sum(Stock.on_hand))
                                           .where(Stock.product_id.in_(ids)).group_by(Stock.product_id)).all())
    return [ProductRow(r.sku, r.name_en, r.name_zh, gtins.get(r.id, []), r.weight_g or 0, r.length_mm, r.width_mm,
                       r.height_mm, bool(r.active), int(on_hand.get(r.id) or 0), [f for f in _FLAGS if getattr(r, f)],
                       int(r.min_shelf_life_days or 0))
            for r in rows]


def all_products(sessions: sessionmaker[Session]) -> list[ProductRow]:
    """Every product by SKU, with its GTINs and stock on hand (``station products``)."""
    with sessions() as s:
        on_hand = dict(s.execute(select(Stock.product_id, func.sum(Stock.on_hand)).group_by(Stock.product_id)).all())
        gtins: dict[int, list[str]] = {}
        for g in s.execute(select(ProductGtin.product_id, ProductGtin.gtin).order_by(ProductGtin.id)):
            gtins.setdefault(g.product_id, []).append(g.gtin)
        return [ProductRow(r.sku, r.name_en, r.name_zh, gtins.get(r.id, []), r.weight_g or 0, r.length_mm, r.width_mm,
                           r.height_mm, bool(r.active), int(on_hand.get(r.id) or 0), [f for f in _FLAGS if getattr(r, f)],
                       int(r.min_shelf_life_days or 0))
                for r in s.execute(select(*_COLUMNS).order_by(Product.sku))]


def search_products(sessions: sessionmaker[Session], text: str, limit: int = 50, include_inactive: bool = True) -> list[ProductRow]:
    """Products whose SKU starts with ``text`` (the unique index), whose GTIN is ``text`` (8-14 digits), or
    whose name holds it; at most ``limit``, SKU matches first."""
    text = text.strip()
    with sessions() as s:
        found: dict[int, object] = {}
        active = [] if include_inactive else [Product.active.is_(True)]
        if not text:
            rows = s.execute(select(*_COLUMNS).where(*active).order_by(Product.sku).limit(limit))
            return _rows(s, rows)
        if text.isdigit() and 8 <= len(text) <= 14:
            for r in s.execute(select(*_COLUMNS).join(ProductGtin, ProductGtin.product_id == Product.id)
                               .where(ProductGtin.gtin == text.zfill(14), *active)):
                found[r.id] = r
        upper = text.upper()
        for candidate in dict.fromkeys((text, upper)):
            if len(found) >= limit:
                break
            for r in s.execute(select(*_COLUMNS).where(Product.sku >= candidate, Product.sku < candidate + "\U0010ffff", *active)
                               .order_by(Product.sku).limit(limit - len(found))):
                found.setdefault(r.id, r)
        exact = any(r.sku in (text, upper) for r in found.values()) or (text.isdigit() and found)
        if len(found) < limit and not exact:  # a SKU or GTIN that names a product: no need to read the names
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            # SQLite's LIKE ignores ASCII case by itself; on PostgreSQL lower() under the "C" collation does the same
            # at a third of ILIKE's cost (ILIKE folds every character of every row by the locale's rules).
            if s.get_bind().dialect.name == "sqlite":
                name_match = Product.name_en.like(pattern, escape="\\")
            else:
                name_match = func.lower(Product.name_en.collate("C")).like(pattern.lower(), escape="\\")
            if not text.isascii():  # a Chinese name is looked at only for a text that could be in one
                name_match = or_(name_match, Product.name_zh.like(pattern, escape="\\"))
            for r in s.execute(select(*_COLUMNS).where(name_match, *active).limit(limit)):
                if len(found) >= limit:
                    break
                found.setdefault(r.id, r)
        return _rows(s, list(found.values())[:limit])


def product_gaps(sessions: sessionmaker[Session], limit: int = 200) -> tuple[int, list[ProductRow]]:
    """Active products without a weight or without all three dimensions: how many, and the first ``limit``."""
    missing = or_(Product.weight_g.is_(None), Product.weight_g <= 0, Product.length_mm.is_(None), Product.width_mm.is_(None),
                  Product.height_mm.is_(None), Product.length_mm <= 0, Product.width_mm <= 0, Product.height_mm <= 0)
    where = and_(Product.active.is_(True), missing)
    with sessions() as s:
        count = s.scalar(select(func.count()).select_from(Product).where(where)) or 0
        rows = s.execute(select(*_COLUMNS).where(where).order_by(Product.sku).limit(limit))
        return int(count), _rows(s, rows, with_stock=False)


def product(sessions: sessionmaker[Session], sku: str) -> ProductRow:
    with sessions() as s:
        rows = _rows(s, s.execute(select(*_COLUMNS).where(Product.sku == sku.strip())))
    if not rows:
        raise NotFound(f"no product {sku}")
    return rows[0]


@dataclass(frozen=True)
class StockPlace:
    warehouse: str
    bin: str
    lot: str
    expiry: date | None
    on_hand: int
    reserved: int


@dataclass(frozen=True)
class LedgerLine:
    at: datetime
    sku: str
    warehouse: str
    bin: str
    lot: str
    before: int
    after: int
    delta: int
    reason: str
    reference: str
    user: str
    station: str


def stock_of(sessions: sessionmaker[Session], sku: str) -> list[StockPlace]:
    """Where product ``sku`` lies: each bin and lot with on hand and reserved."""
    with sessions() as s:
        pid = s.scalar(select(Product.id).where(Product.sku == sku.strip()))
        if pid is None:
            raise NotFound(f"no product {sku}")
        rows = s.execute(select(Warehouse.code, Bin.code.label("bin"), Stock.lot, Stock.expiry, Stock.on_hand, Stock.reserved)
                         .join(Bin, Bin.id == Stock.bin_id).join(Warehouse, Warehouse.id == Stock.warehouse_id)
                         .where(Stock.product_id == pid).order_by(Warehouse.code, Bin.code, Stock.lot))
        return [StockPlace(r.code, r.bin, r.lot, r.expiry, r.on_hand, r.reserved) for r in rows]


def ledger(sessions: sessionmaker[Session], sku: str | None = None, limit: int = 100) -> list[LedgerLine]:
    """The latest ``limit`` changes of on-hand stock, newest first; of one product when ``sku`` is given."""
    L = StockLedgerEntry
    with sessions() as s:
        query = (select(L.at, Product.sku, Warehouse.code, Bin.code.label("bin"), L.lot, L.before, L.after, L.delta,
                        L.reason, L.reference, L.user, L.station)
                 .join(Product, Product.id == L.product_id).join(Bin, Bin.id == L.bin_id)
                 .join(Warehouse, Warehouse.id == L.warehouse_id).order_by(L.id.desc()).limit(limit))
        if sku:
            pid = s.scalar(select(Product.id).where(Product.sku == sku.strip()))
            if pid is None:
                raise NotFound(f"no product {sku}")
            query = query.where(L.product_id == pid)
        return [LedgerLine(r.at, r.sku, r.code, r.bin, r.lot, r.before, r.after, r.delta, r.reason, r.reference,
                           r.user, r.station) for r in s.execute(query)]


def named_skus(session: Session, skus: list[str], language: str) -> list[str]:
    """``SKU-3`` -> ``SKU-3 20W 手机充电器（黑色）``: the catalogue's name in the reader's language, where it has one."""
    if not skus:
        return []
    products = {p.sku: p for p in session.scalars(select(Product).where(Product.sku.in_(skus)))}
    return [f"{sku} {products[sku].name(language)}" if sku in products else sku for sku in skus]
