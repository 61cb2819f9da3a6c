"""The examples in docs/intake-formats.md are real files: each parses into orders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.intake.detect import parse_bytes
from app.intake.model import IncomingOrder

DOC = Path(__file__).resolve().parents[2] / "docs" / "intake-formats.md"
BLOCKS = re.findall(r"```(json|csv|)\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("kind, text", [b for b in BLOCKS if b[0] in ("json", "csv") or b[1].startswith("UNA")])
def test_example_parses(kind, text):
    fmt, records = parse_bytes(text.encode("utf-8"), "example")
    assert fmt == {"json": "json", "csv": "csv"}.get(kind, "edifact")
    orders = list(records)
    assert orders and all(isinstance(o, IncomingOrder) for o in orders), orders


def test_doc_lists_every_csv_column():
    from app.intake.formats.native_csv import COLUMNS

    block = next(text for kind, text in BLOCKS if text.startswith("external_id,channel,placed_at,currency"))
    assert tuple(block.replace("\n", "").split(",")) == COLUMNS
