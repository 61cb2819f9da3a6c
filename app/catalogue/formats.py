"""Catalogue files read into plain product records: our CSV (one documented column set), our JSON,
Shopify's products JSON (Admin REST ``GET /products.json``) and WooCommerce's (REST v3 products and
variations). Parsing checks shapes and values a record at a time; a bad record becomes one
:class:`Rejected` naming the record and the field, the others go on."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import orjson

from app.errors import InvalidInput

FORMATS = ("auto", "csv", "json", "shopify", "woocommerce")

FLAGS = ("fragile", "high_value", "hazmat", "liquid", "restricted")
TRACKING = ("tracks_lot", "tracks_serial", "tracks_expiry")

# The CSV's columns, in the template's order; ``sku`` and ``name_en`` are required, the rest optional.
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("sku", "the product's SKU (required, unique)"),
    ("name_en", "its English name (required)"),
    ("name_zh", "its Chinese name"),
    ("category", "a category"),
    ("price", "the price in the currency's main unit, e.g. 12.50"),
    ("weight_g", "weight in grams (whole number; empty: unknown)"),
    ("length_mm", "length in millimetres (empty: unknown)"),
    ("width_mm", "width in millimetres"),
    ("height_mm", "height in millimetres"),
    ("fragile", "yes/no"),
    ("high_value", "yes/no"),
    ("hazmat", "yes/no"),
    ("liquid", "yes/no"),
    ("restricted", "yes/no"),
    ("tracks_lot", "yes/no: the packer captures a lot"),
    ("tracks_serial", "yes/no: the packer captures a serial number"),
    ("tracks_expiry", "yes/no: the packer captures an expiry date"),
    ("min_shelf_life_days", "days an item must still have before its expiry to be sent out (empty or 0: any date "
                            "not yet past)"),
    ("gtins", "the unit GTINs, separated by ';' (8, 12, 13 or 14 digits, check digit checked)"),
    ("case_gtins", "case GTINs with their unit count, GTIN:UNITS separated by ';', e.g. 14006381333938:12"),
    ("substitutes", "SKUs that may replace it, separated by ';'"),
    ("picture", "a picture for the pack screen: a file path or an address"),
    ("active", "yes/no (empty: yes)"),
    ("buyer_code", "buyers' article numbers for it, as EDI orders name it (PIA ...:IN): CODE, or PARTY:CODE for one "
                   "buyer (its GLN or name), separated by ';'"),
    ("supplier_code", "suppliers' article numbers for it (PIA/LIN ...:SA) when they are not the SKU: CODE or "
                      "PARTY:CODE, separated by ';'"),
)
# The cross-reference columns, by the kind of number (db.models.ProductRef) each holds.
REF_COLUMNS = {"buyer_code": "buyer", "supplier_code": "supplier"}
REQUIRED_CSV = ("sku", "name_en")
_TRUE = {"1", "yes", "y", "true", "t", "x"}
_FALSE = {"0", "no", "n", "false", "f", ""}


@dataclass
class ProductRecord:
    """One product as a file gives it; ``None`` in weight or a dimension means the file does not say."""

    record: str  # how the file names it, for messages: "row 4 (SKU-1)"
    sku: str
    name_en: str
    name_zh: str = ""
    category: str = ""
    price_cents: int = 0
    weight_g: int | None = None
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    # None: the file does not say (a shop's product has no such field); the catalogue keeps what it has.
    fragile: bool | None = None
    high_value: bool | None = None
    hazmat: bool | None = None
    liquid: bool | None = None
    restricted: bool | None = None
    tracks_lot: bool | None = None
    tracks_serial: bool | None = None
    tracks_expiry: bool | None = None
    min_shelf_life_days: int | None = None
    active: bool = True
    picture: str = ""
    gtins: list[tuple[str, int]] | None = None  # (as written, units); None: keep the product's
    # True: ``gtins`` is the product's whole set (our files); False: a shop's barcode, added to the case GTINs kept
    gtins_complete: bool = True
    substitutes: list[str] | None = None
    # Other parties' numbers for it, by kind ("buyer", "supplier"): the (party, code) pairs, upper case; a kind the
    # file does not state is absent (the product keeps its own).
    refs: dict[str, list[tuple[str, str]]] | None = None


@dataclass(frozen=True)
class Rejected:
    record: str
    error: str


class FieldError(ValueError):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")


def template() -> str:
    """The CSV header and one example row, for ``station products import --template``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([name for name, _ in CSV_COLUMNS])
    writer.writerow(["MUG-001", "Enamel mug 350 ml", "搪瓷杯 350 毫升", "kitchen", "12.50", "320", "120", "90", "95",
                     "yes", "no", "no", "no", "no", "no", "no", "no", "", "4006381333931", "14006381333938:12", "", "", "yes",
                     "", ""])
    return out.getvalue()


# -- values -----------------------------------------------------------------------------------------

def _text(value: Any, name: str, limit: int) -> str:
    if value is None:
        return ""
    if type(value) is str and "&" not in value and "\x00" not in value and "\n" not in value and "\r" not in value:
        text = value.strip()
        if len(text) > limit:
            raise FieldError(name, f"is longer than {limit} characters")
        return text
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise FieldError(name, "is not text")
    text = html.unescape(str(value)).strip()
    if any(ch in text for ch in "\x00\r\n"):
        text = " ".join(text.replace("\x00", " ").split())
    if len(text) > limit:
        raise FieldError(name, f"is longer than {limit} characters")
    return text


def _whole(value: Any, name: str, *, positive: bool = False) -> int | None:
    if value is None or value == "":
        return None
    if type(value) is str and value.isdigit() and len(value) < 10:  # the common case, without Decimal
        number = int(value)
        if positive and number == 0:
            raise FieldError(name, f"{value!r} must be more than 0")
        return number
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, bool):
        raise FieldError(name, f"{value!r} is not a whole number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise FieldError(name, f"{str(value)[:40]!r} is not a number") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise FieldError(name, f"{str(value)[:40]!r} is not a whole number")
    if number < 0 or (positive and number == 0):
        raise FieldError(name, f"{str(value)[:40]!r} must be {'more than 0' if positive else '0 or more'}")
    if number > 2_000_000_000:
        raise FieldError(name, f"{str(value)[:40]!r} is too large")
    return int(number)


def _scaled(value: Any, name: str, factor: Decimal) -> int | None:
    """A decimal amount in one unit as a whole number in a smaller one (kg -> g, cm -> mm, 12.50 -> 1250)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise FieldError(name, f"{value!r} is not a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise FieldError(name, f"{str(value)[:40]!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise FieldError(name, f"{str(value)[:40]!r} must be a number of 0 or more")
    if number > 2_000_000_000 / factor:
        raise FieldError(name, f"{str(value)[:40]!r} is too large")
    return int((number * factor).to_integral_value())


def _flag(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FieldError(name, f"{str(value)[:20]!r} is not yes or no")


def _list(value: Any, name: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.replace(",", ";").split(";") if part.strip()]
    if isinstance(value, list) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        return [str(v).strip() for v in value if str(v).strip()]
    raise FieldError(name, "is not a list")


def _case_gtins(value: Any, name: str) -> list[tuple[str, int]]:
    if value is None or value == "":
        return []
    found: list[tuple[str, int]] = []
    if isinstance(value, str):
        for part in value.split(";"):
            if not part.strip():
                continue
            gtin, sep, units = part.strip().partition(":")
            if not sep:
                raise FieldError(name, f"{part.strip()[:40]!r} needs its unit count as GTIN:UNITS")
            found.append((gtin.strip(), _whole(units, name, positive=True) or 1))
        return found
    if isinstance(value, list):
        for item in value:
            if not isinstance(item, dict) or "gtin" not in item:
                raise FieldError(name, "each case GTIN needs 'gtin' and 'units'")
            count = _whole(item.get("units"), name, positive=True)
            if count is None:
                raise FieldError(name, f"{str(item.get('gtin'))[:20]!r} has no unit count")
            found.append((str(item["gtin"]).strip(), count))
        return found
    raise FieldError(name, "is not a list")


def _fill(rec: ProductRecord, row: dict[str, Any]) -> ProductRecord:
    """Our own columns (CSV and native JSON share them)."""
    rec.name_zh = _text(row.get("name_zh"), "name_zh", 300)
    rec.category = _text(row.get("category"), "category", 64)
    rec.price_cents = _scaled(row.get("price"), "price", Decimal(100)) or 0
    rec.weight_g = _whole(row.get("weight_g"), "weight_g")
    rec.length_mm = _whole(row.get("length_mm"), "length_mm")
    rec.width_mm = _whole(row.get("width_mm"), "width_mm")
    rec.height_mm = _whole(row.get("height_mm"), "height_mm")
    for name in FLAGS + TRACKING:  # a column the file leaves out keeps what the catalogue has
        setattr(rec, name, _flag(row.get(name), name) if name in row else None)
    rec.min_shelf_life_days = _whole(row.get("min_shelf_life_days"), "min_shelf_life_days")
    active = row.get("active")
    rec.active = True if active is None or active == "" else _flag(active, "active")
    rec.picture = _text(row.get("picture"), "picture", 500)
    if "gtins" in row or "case_gtins" in row:
        rec.gtins = [(g, 1) for g in _list(row.get("gtins"), "gtins")] + _case_gtins(row.get("case_gtins"), "case_gtins")
    if "substitutes" in row:
        rec.substitutes = _list(row.get("substitutes"), "substitutes")
    for column, kind in REF_COLUMNS.items():
        if column in row:
            rec.refs = rec.refs or {}
            rec.refs[kind] = _refs(row.get(column), column)
    return rec


def _refs(value: Any, name: str) -> list[tuple[str, str]]:
    """``CODE`` or ``PARTY:CODE`` items separated by ';' or ',' (or a JSON list of them) as (party, code), upper
    case."""
    found: list[tuple[str, str]] = []
    for item in _list(value, name):
        party, sep, code = item.rpartition(":")
        party, code = party.strip().upper(), code.strip().upper()
        if not code:
            raise FieldError(name, f"{item[:40]!r} has no code")
        if len(code) > 64 or len(party) > 64:
            raise FieldError(name, f"{item[:40]!r}: a party or code is longer than 64 characters")
        if (party, code) not in found:
            found.append((party, code))
    return found


def _required(row: dict[str, Any], label: str) -> tuple[str, str]:
    sku = _text(row.get("sku"), "sku", 64)
    if not sku:
        raise FieldError("sku", "is missing")
    name = _text(row.get("name_en"), "name_en", 300)
    if not name:
        raise FieldError("name_en", "is missing")
    return sku, name


# -- the formats -------------------------------------------------------------------------------------

Parsed = Iterator["ProductRecord | Rejected"]


def parse_csv(text: str) -> Parsed:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [name for name in REQUIRED_CSV if name not in header]
    if missing:
        raise InvalidInput(f"the CSV lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                           "('station products import --template' prints the columns)")
    known = {name for name, _ in CSV_COLUMNS}
    unknown = [h for h in header if h not in known]
    if unknown:
        raise InvalidInput(f"the CSV has columns the catalogue does not know: {', '.join(unknown)} "
                           "('station products import --template' prints the columns)")
    reader.fieldnames = header
    for number, row in enumerate(reader, start=2):
        sku = str(row.get("sku") or "").strip()[:64]
        label = f"row {number} ({sku})" if sku else f"row {number}"
        if None in row:
            yield Rejected(label, "has more values than the header has columns")
            continue
        try:
            sku, name = _required(row, label)
            yield _fill(ProductRecord(label, sku, name), row)
        except FieldError as exc:
            yield Rejected(label, str(exc))


def parse_json(document: Any) -> Parsed:
    items = document.get("products") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise InvalidInput("the JSON holds no list of products (a list, or {\"products\": [...]})")
    for number, row in enumerate(items, start=1):
        label = f"product {number}"
        if not isinstance(row, dict):
            yield Rejected(label, "is not an object")
            continue
        sku = str(row.get("sku") or "").strip()[:64]
        label = f"product {number} ({sku})" if sku else label
        try:
            flat = dict(row)
            dims = row.get("dimensions")
            if isinstance(dims, dict):
                for key in ("length", "width", "height"):
                    flat.setdefault(f"{key}_mm", dims.get(f"{key}_mm", dims.get(key)))
            elif dims is not None:
                raise FieldError("dimensions", "is not an object with length_mm, width_mm, height_mm")
            flags = row.get("flags")
            if isinstance(flags, list):
                for flag in flags:
                    if flag not in FLAGS:
                        raise FieldError("flags", f"{str(flag)[:30]!r} is not one of {', '.join(FLAGS)}")
                    flat[flag] = True
            if "name" in row and "name_en" not in row:
                flat["name_en"] = row["name"]
            sku, name = _required(flat, label)
            yield _fill(ProductRecord(label, sku, name), flat)
        except FieldError as exc:
            yield Rejected(label, str(exc))


_SHOPIFY_UNITS = {"g": Decimal(1), "kg": Decimal(1000), "lb": Decimal("453.59237"), "oz": Decimal("28.349523125")}


def _tags(value: Any) -> set[str]:
    if isinstance(value, list):
        parts = value
    else:
        parts = str(value or "").split(",")
    return {str(p).strip().lower().replace(" ", "_").replace("-", "_") for p in parts if str(p).strip()}


def _each_product(products: list, title_field: str):
    """A shop's products one by one as ``(id, title, product)``; one that is not an object or has a bad
    title comes out as its Rejected line instead."""
    for number, product in enumerate(products, start=1):
        if not isinstance(product, dict):
            yield Rejected(f"product {number}", "is not an object")
            continue
        pid = product.get("id", number)
        try:
            yield pid, _text(product.get(title_field), title_field, 300), product
        except FieldError as exc:
            yield Rejected(f"product {pid}", str(exc))


def _check_sku(sku: str, title: str, title_field: str) -> None:
    if not sku:
        raise FieldError("sku", "is missing")
    if len(sku) > 64:
        raise FieldError("sku", "is longer than 64 characters")
    if not title:
        raise FieldError(title_field, "is missing")


def parse_shopify(document: Any) -> Parsed:
    """Shopify's products (``{"products": [...]}`` or one ``{"product": {...}}``): every variant with a SKU is a
    product; its barcode a GTIN, grams its weight (or weight and weight_unit), its image (else the product's)
    its picture; tags name handling flags (fragile, hazmat, ...). Shopify carries no dimensions."""
    if isinstance(document, dict) and isinstance(document.get("product"), dict):
        products = [document["product"]]
    elif isinstance(document, dict) and isinstance(document.get("products"), list):
        products = document["products"]
    else:
        raise InvalidInput("not a Shopify products document: expected {\"products\": [...]}")
    for found in _each_product(products, "title"):
        if isinstance(found, Rejected):
            yield found
            continue
        pid, title, product = found
        images = {img.get("id"): img.get("src") for img in product.get("images") or [] if isinstance(img, dict)}
        main_image = (product.get("image") or {}).get("src") if isinstance(product.get("image"), dict) else None
        tags = _tags(product.get("tags"))
        variants = product.get("variants") or []
        if not isinstance(variants, list) or not variants:
            yield Rejected(f"product {pid} ({title[:40]})", "variants: none to import")
            continue
        for variant in variants:
            if not isinstance(variant, dict):
                yield Rejected(f"product {pid}", "variants: a variant is not an object")
                continue
            sku = str(variant.get("sku") or "").strip()
            label = f"variant {variant.get('id', '?')} ({sku})" if sku else f"variant {variant.get('id', '?')} of product {pid}"
            try:
                _check_sku(sku, title, "title")
                vtitle = _text(variant.get("title"), "variants.title", 200)
                name = title if not vtitle or vtitle == "Default Title" else f"{title} - {vtitle}"
                rec = ProductRecord(label, sku, name[:300])
                rec.category = _text(product.get("product_type"), "product_type", 64)
                rec.price_cents = _scaled(variant.get("price"), "price", Decimal(100)) or 0
                grams = variant.get("grams")
                rec.weight_g = _whole(grams, "grams") if grams not in (None, "") else None
                if not rec.weight_g and variant.get("weight") not in (None, ""):
                    unit = str(variant.get("weight_unit") or "kg").lower()
                    if unit not in _SHOPIFY_UNITS:
                        raise FieldError("weight_unit", f"{unit[:10]!r} is not g, kg, lb or oz")
                    rec.weight_g = _scaled(variant.get("weight"), "weight", _SHOPIFY_UNITS[unit])
                if rec.weight_g == 0:
                    rec.weight_g = None  # Shopify's 0 g is "not entered"
                barcode = str(variant.get("barcode") or "").strip()
                rec.gtins = [(barcode, 1)] if barcode else None
                rec.gtins_complete = False
                rec.picture = str(images.get(variant.get("image_id")) or main_image or "")[:500]
                for flag in FLAGS:
                    if flag in tags:
                        setattr(rec, flag, True)
                rec.active = str(product.get("status") or "active") == "active"
                yield rec
            except FieldError as exc:
                yield Rejected(label, str(exc))


def _woo_gtin(item: dict) -> str:
    value = str(item.get("global_unique_id") or "").strip()
    if value:
        return value
    for meta in item.get("meta_data") or []:
        if isinstance(meta, dict) and str(meta.get("key", "")).lstrip("_").lower() in ("gtin", "ean", "upc", "barcode", "wpm_gtin_code"):
            return str(meta.get("value") or "").strip()
    return ""


def _woo_fill(rec: ProductRecord, item: dict, parent: dict | None) -> None:
    source = item if item.get("weight") not in (None, "") else (parent or {})
    rec.weight_g = _scaled(source.get("weight"), "weight", Decimal(1000))  # WooCommerce's default unit: kg
    dims = item.get("dimensions") if isinstance(item.get("dimensions"), dict) else {}
    pdims = (parent or {}).get("dimensions") if isinstance((parent or {}).get("dimensions"), dict) else {}
    for key in ("length", "width", "height"):
        value = dims.get(key) if dims.get(key) not in (None, "") else pdims.get(key)
        setattr(rec, f"{key}_mm", _scaled(value, f"dimensions.{key}", Decimal(10)))  # default unit: cm
    rec.price_cents = _scaled(item.get("regular_price") or item.get("price"), "regular_price", Decimal(100)) or 0
    gtin = _woo_gtin(item)
    rec.gtins = [(gtin, 1)] if gtin else None
    rec.gtins_complete = False
    image = item.get("image") if isinstance(item.get("image"), dict) else None
    images = item.get("images") or (parent or {}).get("images") or []
    src = (image or {}).get("src") or next((i.get("src") for i in images if isinstance(i, dict) and i.get("src")), "")
    rec.picture = str(src or "")[:500]
    categories = (parent or item).get("categories") or []
    rec.category = _text(next((c.get("name") for c in categories if isinstance(c, dict)), ""), "categories", 64)
    tags = _tags([t.get("name") for t in (parent or item).get("tags") or [] if isinstance(t, dict)])
    for flag in FLAGS:
        if flag in tags:
            setattr(rec, flag, True)
    rec.active = str(item.get("status") or "publish") in ("publish", "private")


def parse_woocommerce(document: Any) -> Parsed:
    """WooCommerce REST v3 products (a list, or ``{"products": [...], "variations": [...]}``). A variable
    product's variations, embedded as objects in its ``variations`` or given in ``variations`` with their
    ``parent_id``, are the products; weight in kg and dimensions in cm (the shop's defaults); the GTIN from
    ``global_unique_id`` or a gtin/ean meta field; HTML entities in names decoded."""
    variations_by_parent: dict[Any, list[dict]] = {}
    if isinstance(document, dict):
        products = document.get("products")
        for variation in document.get("variations") or []:
            if isinstance(variation, dict):
                variations_by_parent.setdefault(variation.get("parent_id"), []).append(variation)
    else:
        products = document
    if not isinstance(products, list):
        raise InvalidInput("not a WooCommerce products document: expected a list of products")
    for found in _each_product(products, "name"):
        if isinstance(found, Rejected):
            yield found
            continue
        pid, title, product = found
        embedded = [v for v in product.get("variations") or [] if isinstance(v, dict)]
        variations = embedded + variations_by_parent.get(pid, [])
        items: list[tuple[dict, dict | None]] = [(v, product) for v in variations]
        if product.get("type") != "variable" or not items:
            items = [(product, None)]
        for item, parent in items:
            sku = str(item.get("sku") or "").strip()
            label = f"{'variation' if parent else 'product'} {item.get('id', pid)} ({sku})" if sku else \
                f"{'variation' if parent else 'product'} {item.get('id', pid)}"
            try:
                _check_sku(sku, title, "name")
                name = title
                if parent is not None:
                    options = [str(a.get("option")) for a in item.get("attributes") or [] if isinstance(a, dict) and a.get("option")]
                    if options:
                        name = f"{title} - {html.unescape(', '.join(options))}"
                rec = ProductRecord(label, sku, name[:300])
                _woo_fill(rec, item, parent)
                yield rec
            except FieldError as exc:
                yield Rejected(label, str(exc))


def detect(data: bytes, filename: str = "") -> str:
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if not head.startswith((b"[", b"{")):
        return "csv"
    document = orjson.loads(data)
    if isinstance(document, dict) and ("product" in document or (
            isinstance(document.get("products"), list) and document["products"]
            and isinstance(document["products"][0], dict) and "variants" in document["products"][0])):
        return "shopify"
    first = document[0] if isinstance(document, list) and document else (
        document.get("products", [None])[0] if isinstance(document, dict) and document.get("products") else None)
    if isinstance(first, dict) and ("variants" in first):
        return "shopify"
    if isinstance(first, dict) and ("regular_price" in first or "permalink" in first or "type" in first and "dimensions" in first):
        return "woocommerce"
    return "json"


def parse(data: bytes, fmt: str = "auto", filename: str = "") -> Parsed:
    """The records of a catalogue file in ``fmt`` (``auto``: told by its content)."""
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    try:
        if fmt == "auto":
            fmt = detect(data, filename)
        if fmt == "csv":
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise InvalidInput(f"the CSV is not UTF-8 text (byte {exc.start})") from None
            return parse_csv(text)
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"the file is not valid JSON: {exc}") from None
    return {"json": parse_json, "shopify": parse_shopify, "woocommerce": parse_woocommerce}[fmt](document)


def read(path: str | Path, fmt: str = "auto") -> Parsed:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"no such file: {path}") from None
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    return parse(data, fmt, path.name)
