"""Which order format a file is in, and parsing a file in whichever format it is.

Detection looks at the content first (EDIFACT starts with UNA/UNB; JSON documents are told apart by the
keys of their first order; CSV by its header), the file name only as a tie-breaker.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from app.errors import InvalidInput, NotFound
from app.intake.formats import FORMATS, edifact, native_csv, native_json, shopify, woocommerce
from app.intake.formats import _common as f
from app.intake.model import RecordStream

MODULES = {
    "json": native_json,
    "csv": native_csv,
    "shopify": shopify,
    "woocommerce": woocommerce,
    "edifact": edifact,
}
JSON_FORMATS = ("json", "shopify", "woocommerce")
# Keys only one of the two shops puts on an order.
WOO_ONLY = ("date_created_gmt", "order_key", "shipping_total", "coupon_lines", "date_paid_gmt", "prices_include_tax",
            "cart_hash", "customer_note")
SHOPIFY_ONLY = ("admin_graphql_api_id", "financial_status", "total_line_items_price", "created_at",
                "shipping_address", "discount_codes", "order_number", "fulfillment_status")
EDIFACT_SUFFIXES = (".edi", ".edifact", ".edf", ".ord", ".orders")


def _head(data: bytes) -> bytes:
    head = data[:4096]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return head.lstrip()


def _first_order(document: Any) -> dict | None:
    if isinstance(document, list):
        return next((o for o in document if isinstance(o, dict)), None)
    if isinstance(document, dict):
        if isinstance(document.get("orders"), list):
            return next((o for o in document["orders"] if isinstance(o, dict)), None)
        if isinstance(document.get("order"), dict):
            return document["order"]
        return document
    return None


def classify_json(document: Any, filename: str = "") -> str | None:
    """``json``, ``shopify`` or ``woocommerce`` for a parsed JSON document; None when it cannot tell."""
    if isinstance(document, dict) and document.get("format") == native_json.FORMAT_TAG:
        return "json"
    if isinstance(document, dict) and isinstance(document.get("order"), dict):
        return "shopify"
    order = _first_order(document)
    if order is None:
        name = filename.lower()
        for kind in ("shopify", "woocommerce"):
            if kind in name or (kind == "woocommerce" and "woo" in name):
                return kind
        if isinstance(document, (list, dict)):
            return "json"  # an empty list of orders: nothing to import, in any format
        return None
    if "external_id" in order or "lines" in order:
        return "json"
    if "line_items" in order or any(k in order for k in WOO_ONLY + SHOPIFY_ONLY):
        if any(k in order for k in WOO_ONLY) or isinstance(order.get("billing"), dict):
            return "woocommerce"
        if any(k in order for k in SHOPIFY_ONLY):
            return "shopify"
    return None


def _sniff(data: bytes, filename: str) -> tuple[str, Any]:
    """The format, and for JSON the parsed document (so a big file is parsed once)."""
    head = _head(data)
    name = os.path.basename(filename)
    if head.startswith((b"UNA", b"UNB")):
        return "edifact", None
    if head.startswith((b"{", b"[")):
        document = f.load_json(data, filename)
        kind = classify_json(document, name)
        if kind is None:
            raise InvalidInput(
                f"{filename}: JSON, but neither the station's order format (orders with external_id and lines), "
                "Shopify orders nor WooCommerce orders; pass the format explicitly"
            )
        return kind, document
    first_line = head.split(b"\n", 1)[0].lower()
    if b"external_id" in first_line and (b"sku" in first_line or b"gtin" in first_line):
        return "csv", None
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return "csv", None
    if lowered.endswith(EDIFACT_SUFFIXES) or b"UNB+" in head[:200] or b"UNH+" in head[:400]:
        return "edifact", None
    if lowered.endswith(".json"):
        return "json", None
    if not head:
        raise InvalidInput(f"{filename}: the file is empty")
    raise InvalidInput(
        f"{filename}: cannot tell the order format (not JSON, not a CSV with an external_id column, "
        "not an EDIFACT interchange); pass the format explicitly"
    )


def detect_format(data: bytes, filename: str = "") -> str:
    """One of ``json``, ``csv``, ``shopify``, ``woocommerce``, ``edifact``; ``InvalidInput`` if it cannot tell."""
    return _sniff(data, filename)[0]


def parse_bytes(data: bytes, source: str, format: str = "auto") -> tuple[str, RecordStream]:
    """Parse ``data`` (named ``source`` in messages) as ``format``, detecting it when ``auto``."""
    if format == "auto":
        kind, document = _sniff(data, source)
        if document is not None:
            return kind, MODULES[kind].parse_document(document, source)
        return kind, MODULES[kind].parse(data, source)
    if format not in MODULES:
        raise InvalidInput(f"unknown format {format!r}; one of auto, {', '.join(FORMATS)}")
    return format, MODULES[format].parse(data, source)


# An import file is read whole (JSON and the formats' detection need it): anything bigger is refused, read no
# further than the cap, so a wrong path (/dev/zero, a disk image) costs a moment and not the station's memory.
MAX_FILE_BYTES = 256 * 1024 * 1024
_CHUNK = 1024 * 1024


def read_file(path: str | os.PathLike, max_bytes: int | None = None) -> bytes:
    """The file's bytes, at most ``max_bytes`` (default :data:`MAX_FILE_BYTES`); a bigger file, or a device or
    pipe that goes on past it, is ``InvalidInput``."""
    path = Path(path)
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    try:
        with path.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > limit:
                raise InvalidInput(_too_big(path, limit))
            chunks: list[bytes] = []
            read = 0
            while True:
                chunk = stream.read(min(_CHUNK, limit + 1 - read))
                if not chunk:
                    break
                chunks.append(chunk)
                read += len(chunk)
                if read > limit:
                    raise InvalidInput(_too_big(path, limit))
            return b"".join(chunks)
    except FileNotFoundError:
        raise NotFound(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path}: is a folder, not a file") from None
    except PermissionError:
        raise InvalidInput(f"{path}: permission denied") from None
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be read: {exc.strerror or exc}") from None


def _too_big(path: Path, limit: int) -> str:
    return f"{path}: larger than {limit // (1024 * 1024)} MB, the most one import file may hold: split it into smaller files"


def parse_file(path: str | os.PathLike, format: str = "auto") -> tuple[str, RecordStream]:
    """``(format, records)`` for a file. Whole-file faults raise ``InvalidInput`` here, before any record;
    ``records.total`` is the number of records to expect (for a progress bar)."""
    if format != "auto" and format not in MODULES:
        raise InvalidInput(f"unknown format {format!r}; one of auto, {', '.join(FORMATS)}")
    return parse_bytes(read_file(path), str(path), format)
