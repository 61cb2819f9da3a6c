"""The catalogue's service: import a catalogue file, edit and deactivate a product.

An import reads the whole file, checks every record (GTIN check digits with biip, a GTIN on two
products, a SKU twice, substitutes the catalogue does not know) and only then writes the good ones in
one transaction with bulk statements: a rejected record changes nothing, and the same file twice
changes nothing (it counts as unchanged)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from biip.checksums import gs1_standard_check_digit
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from app.admin.auth import require_role
from app.catalogue.formats import FLAGS, REF_COLUMNS, TRACKING, ProductRecord, Rejected, read
from app.errors import InvalidInput, NotFound
from app.sync import notify_change
from app.uow import Actor, UnitOfWork
from db.bulk import insert_rows, update_rows
from db.models import Product, ProductGtin, ProductRef, product_substitutes

PRODUCTS = Product.__table__
GTINS = ProductGtin.__table__
REFS = ProductRef.__table__
COLUMN_OF_KIND = {kind: column for column, kind in REF_COLUMNS.items()}
SUBSTITUTES = product_substitutes

# The product columns an import sets, in the order the comparison reads them.
FIELDS = ("name_en", "name_zh", "category", "price_cents", "weight_g", "length_mm", "width_mm", "height_mm",
          *FLAGS, *TRACKING, "min_shelf_life_days", "active", "picture")
# What a record may leave unsaid ("" or None): the product keeps what it has.
KEEP_WHEN_EMPTY = {"name_zh", "category", "picture", "weight_g", "length_mm", "width_mm", "height_mm", *FLAGS, *TRACKING,
                   "min_shelf_life_days"}
_CHUNK = 5000


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": [{"record": r.record, "error": r.error} for r in self.rejected]}


def gtin14(code: str) -> str:
    """The GTIN as 14 digits, its check digit checked by biip; InvalidInput says what is wrong."""
    from biip import ParseError
    from biip.gtin import Gtin

    text = code.strip()
    if not text.isdigit() or len(text) not in (8, 12, 13, 14):
        raise InvalidInput(f"{text[:30]!r} is not a GTIN (8, 12, 13 or 14 digits)")
    if str(gs1_standard_check_digit(text[:-1])) == text[-1]:  # the common case: biip's check digit alone
        return text.zfill(14)
    try:
        return Gtin.parse(text).as_gtin_14()
    except ParseError as exc:
        message = str(exc)
        expected = message.partition("Expected ")[2].partition(",")[0]
        raise InvalidInput(f"{text} has a wrong check digit" + (f" (it should end in {expected})" if expected else "")) from None


def _gtins_of(rec: ProductRecord) -> dict[str, int]:
    """The record's GTINs as 14 digits with their unit counts; InvalidInput names the field."""
    found: dict[str, int] = {}
    for code, units in rec.gtins or ():
        column = "gtins" if units == 1 else "case_gtins"
        try:
            value = gtin14(code)
        except InvalidInput as exc:
            raise InvalidInput(f"{column}: {exc.message}") from None
        if value in found and found[value] != units:
            raise InvalidInput(f"{column}: {code} is given twice with different unit counts")
        found[value] = units
    return found


def import_products(sessions: sessionmaker[Session], path: str | Path, actor: Actor, fmt: str = "auto") -> ImportResult:
    """Import the catalogue file at ``path``: created, updated, unchanged, and the records refused."""
    require_role(actor, "admin")
    parsed = read(path, fmt)
    with UnitOfWork(sessions) as uow:
        result = _import(uow.session, parsed)
        if result.created or result.updated:
            notify_change(uow.session, "stock", "catalogue")
        uow.commit()
    return result


def _import(session: Session, parsed) -> ImportResult:
    result = ImportResult()
    records: dict[str, ProductRecord] = {}
    gtins: dict[str, dict[str, int]] = {}
    owner_in_file: dict[str, str] = {}
    for rec in parsed:
        if isinstance(rec, Rejected):
            result.rejected.append(rec)
            continue
        if rec.sku in records:
            result.rejected.append(Rejected(rec.record, f"sku: {rec.sku} is already in the file as {records[rec.sku].record}"))
            continue
        try:
            codes = _gtins_of(rec)
        except InvalidInput as exc:
            result.rejected.append(Rejected(rec.record, exc.message))
            continue
        clash = next((g for g in codes if g in owner_in_file), None)
        if clash:
            other = records[owner_in_file[clash]]
            result.rejected.append(Rejected(rec.record, f"gtins: {clash} is also given to {other.record}"))
            continue
        records[rec.sku] = rec
        gtins[rec.sku] = codes
        for g in codes:
            owner_in_file[g] = rec.sku

    connection = session.connection()
    existing = {row.sku: row for row in connection.execute(select(PRODUCTS.c.id, PRODUCTS.c.sku, *(PRODUCTS.c[f] for f in FIELDS)))}
    sku_of_id = {row.id: sku for sku, row in existing.items()}
    owner_in_db: dict[str, tuple[int, int]] = {
        row.gtin: (row.product_id, row.units) for row in connection.execute(select(GTINS.c.gtin, GTINS.c.product_id, GTINS.c.units))
    }
    db_gtins: dict[int, dict[str, int]] = {}
    for gtin, (pid, units) in owner_in_db.items():
        db_gtins.setdefault(pid, {})[gtin] = units

    # The GTIN sets the records end with: a shop's barcode joins the case GTINs the product has.
    final_gtins: dict[str, dict[str, int] | None] = {}
    for sku, rec in records.items():
        if rec.gtins is None:
            final_gtins[sku] = None
        elif rec.gtins_complete or sku not in existing:
            final_gtins[sku] = gtins[sku]
        else:
            kept = {g: u for g, u in db_gtins.get(existing[sku].id, {}).items() if u > 1}
            final_gtins[sku] = {**kept, **gtins[sku]}

    def gtin_refused(sku: str) -> str | None:
        for g in gtins[sku]:
            owner = owner_in_db.get(g)
            if owner is None:
                continue
            other = sku_of_id[owner[0]]
            if other == sku:
                continue
            moved = other in records and final_gtins.get(other) is not None and g not in final_gtins[other]
            if not moved:
                return f"gtins: {g} belongs to {other}"
        return None

    for sku in list(records):
        error = gtin_refused(sku)
        if error:
            result.rejected.append(Rejected(records.pop(sku).record, error))

    _refuse_taken_refs(connection, records, existing, result)

    # Substitutes name products the catalogue has or this file brings; refusing one may orphan another's.
    while True:
        known = existing.keys() | records.keys()
        orphans = [(sku, next(s for s in rec.substitutes if s not in known or s == sku))
                   for sku, rec in records.items() if rec.substitutes and any(s not in known or s == sku for s in rec.substitutes)]
        if not orphans:
            break
        for sku, missing in orphans:
            why = "a product cannot replace itself" if missing == sku else f"no product {missing} in the catalogue or the file"
            result.rejected.append(Rejected(records.pop(sku).record, f"substitutes: {why}"))

    db_substitutes: dict[int, set[int]] = {}
    if any(rec.substitutes is not None for rec in records.values()):
        for row in connection.execute(select(SUBSTITUTES.c.product_id, SUBSTITUTES.c.substitute_id)):
            db_substitutes.setdefault(row.product_id, set()).add(row.substitute_id)

    db_refs = _product_refs(connection) if any(rec.refs for rec in records.values()) else {}
    new_rows: list[dict[str, Any]] = []
    changed_rows: list[dict[str, Any]] = []
    gtins_to_replace: list[str] = []
    substitutes_to_replace: list[str] = []
    refs_to_replace: list[str] = []
    for sku, rec in records.items():
        values = {name: getattr(rec, name) for name in FIELDS}
        old = existing.get(sku)
        if old is None:
            for name in FIELDS:
                if values[name] is None:
                    values[name] = PRODUCTS.c[name].default.arg if PRODUCTS.c[name].default is not None else None
            if values["weight_g"] is None:
                values["weight_g"] = 0
            new_rows.append({"sku": sku, **values})
            if final_gtins[sku]:
                gtins_to_replace.append(sku)
            if rec.substitutes:
                substitutes_to_replace.append(sku)
            if rec.refs and any(rec.refs.values()):
                refs_to_replace.append(sku)
            result.created += 1
            continue
        for name in KEEP_WHEN_EMPTY:
            if values[name] is None or values[name] == "":
                values[name] = getattr(old, name)
        differs = any(values[name] != getattr(old, name) for name in FIELDS)
        if differs:
            changed_rows.append({"id": old.id, **values})
        if final_gtins[sku] is not None and final_gtins[sku] != db_gtins.get(old.id, {}):
            gtins_to_replace.append(sku)
            differs = True
        if rec.substitutes is not None:
            wanted = {existing[s].id if s in existing else s for s in rec.substitutes}
            if wanted != db_substitutes.get(old.id, set()):
                substitutes_to_replace.append(sku)
                differs = True
        if rec.refs is not None and any(set(rec.refs[kind]) != db_refs.get((old.id, kind), set()) for kind in rec.refs):
            refs_to_replace.append(sku)
            differs = True
        if differs:
            result.updated += 1
        else:
            result.unchanged += 1

    if new_rows:
        insert_rows(session, PRODUCTS, new_rows)
    if changed_rows:
        update_rows(session, PRODUCTS, "id", changed_rows)
    if not (new_rows or gtins_to_replace or substitutes_to_replace or refs_to_replace):
        return result
    ids = dict(connection.execute(select(PRODUCTS.c.sku, PRODUCTS.c.id)).all()) if new_rows else {s: r.id for s, r in existing.items()}

    replaced = [ids[sku] for sku in gtins_to_replace if sku in existing]
    for start in range(0, len(replaced), _CHUNK):
        connection.execute(delete(GTINS).where(GTINS.c.product_id.in_(replaced[start:start + _CHUNK])))
    # A GTIN moving from one product of the file to another: its old row goes before the new is written.
    moved = [g for sku in gtins_to_replace for g in final_gtins[sku] or {}
             if g in owner_in_db and sku_of_id.get(owner_in_db[g][0]) != sku]
    for start in range(0, len(moved), _CHUNK):
        connection.execute(delete(GTINS).where(GTINS.c.gtin.in_(moved[start:start + _CHUNK])))
    insert_rows(session, GTINS, [{"product_id": ids[sku], "gtin": g, "units": u}
                                 for sku in gtins_to_replace for g, u in (final_gtins[sku] or {}).items()])

    replaced = [ids[sku] for sku in substitutes_to_replace if sku in existing]
    for start in range(0, len(replaced), _CHUNK):
        connection.execute(delete(SUBSTITUTES).where(SUBSTITUTES.c.product_id.in_(replaced[start:start + _CHUNK])))
    insert_rows(session, SUBSTITUTES, [{"product_id": ids[sku], "substitute_id": ids[s]}
                                       for sku in substitutes_to_replace for s in dict.fromkeys(records[sku].substitutes or ())])

    # Cross-references: each stated kind's set replaced; a number moving from one product of the file to another
    # leaves its old row first (the unique key is the number's, whoever holds it).
    stated = [(ids[sku], kind, party, code) for sku in refs_to_replace for kind, pairs in (records[sku].refs or {}).items()
              for party, code in pairs]
    for sku in refs_to_replace:
        for kind in records[sku].refs or {}:
            connection.execute(delete(REFS).where(REFS.c.product_id == ids[sku], REFS.c.kind == kind))
    for _, kind, party, code in stated:
        connection.execute(delete(REFS).where(REFS.c.kind == kind, REFS.c.party == party, REFS.c.code == code))
    insert_rows(session, REFS, [{"product_id": pid, "kind": kind, "party": party, "code": code}
                                for pid, kind, party, code in stated])
    return result


def _product_refs(connection) -> dict[tuple[int, str], set[tuple[str, str]]]:
    """Every product's cross-references: (product id, kind) -> {(party, code)}."""
    found: dict[tuple[int, str], set[tuple[str, str]]] = {}
    for row in connection.execute(select(REFS.c.product_id, REFS.c.kind, REFS.c.party, REFS.c.code)):
        found.setdefault((row.product_id, row.kind), set()).add((row.party, row.code))
    return found


def _refuse_taken_refs(connection, records: dict[str, ProductRecord], existing: dict[str, Any],
                       result: ImportResult) -> None:
    """A buyer's or supplier's number names one product: a record giving one that another record of the file gives,
    or that another product keeps (the file does not take it from that product), is refused naming the other."""
    if not any(rec.refs for rec in records.values()):
        return
    sku_of_id = {row.id: sku for sku, row in existing.items()}
    owner_in_db = {(row.kind, row.party, row.code): sku_of_id.get(row.product_id, "")
                   for row in connection.execute(select(REFS.c.product_id, REFS.c.kind, REFS.c.party, REFS.c.code))}
    owner_in_file: dict[tuple[str, str, str], str] = {}
    for sku in list(records):
        rec = records[sku]
        problem = None
        for kind, pairs in (rec.refs or {}).items():
            for party, code in pairs:
                key = (kind, party, code)
                shown = f"{party}:{code}" if party else code
                if key in owner_in_file:
                    problem = f"{COLUMN_OF_KIND[kind]}: {shown} is also given to {records[owner_in_file[key]].record}"
                    break
                other = owner_in_db.get(key)
                if other and other != sku:
                    released = other in records and (records[other].refs or {}).get(kind) is not None and \
                        (party, code) not in (records[other].refs or {})[kind]
                    if not released:
                        problem = f"{COLUMN_OF_KIND[kind]}: {shown} belongs to {other}"
                        break
            if problem:
                break
        if problem:
            result.rejected.append(Rejected(records.pop(sku).record, problem))
            continue
        for kind, pairs in (rec.refs or {}).items():
            for party, code in pairs:
                owner_in_file[(kind, party, code)] = sku


@dataclass(frozen=True)
class ProductChange:
    """What an edit on the Administration screen sets; None leaves a field as it is."""

    name_en: str | None = None
    name_zh: str | None = None
    weight_g: int | None = None
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    fragile: bool | None = None
    high_value: bool | None = None
    hazmat: bool | None = None
    liquid: bool | None = None
    restricted: bool | None = None
    min_shelf_life_days: int | None = None
    active: bool | None = None


def edit_product(sessions: sessionmaker[Session], sku: str, change: ProductChange, actor: Actor) -> None:
    """Set what ``change`` names on product ``sku``; a bad value is one line naming the field."""
    require_role(actor, "admin")
    if change.name_en is not None and not change.name_en.strip():
        raise InvalidInput(f"product {sku}: name_en: is missing")
    for name in ("weight_g", "length_mm", "width_mm", "height_mm", "min_shelf_life_days"):
        value = getattr(change, name)
        if value is not None and (value < 0 or value > 2_000_000_000):
            raise InvalidInput(f"product {sku}: {name}: {value} must be 0 or more")
    with UnitOfWork(sessions) as uow:
        product = uow.session.scalar(select(Product).where(Product.sku == sku))
        if product is None:
            raise NotFound(f"no product {sku}")
        for name, value in change.__dict__.items():
            if value is None:
                continue
            if name in ("length_mm", "width_mm", "height_mm") and value == 0:
                value = None  # 0 mm: unknown
            setattr(product, name, value.strip() if isinstance(value, str) else value)
        notify_change(uow.session, "stock", "catalogue")
        uow.commit()


def set_active(sessions: sessionmaker[Session], sku: str, active: bool, actor: Actor) -> None:
    """Deactivate (or reactivate) product ``sku``: an inactive product stays on its orders, but is not offered."""
    edit_product(sessions, sku, ProductChange(active=active), actor)
