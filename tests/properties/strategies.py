"""What the property tests feed the parsers: hostile values, and valid documents with one part broken."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from tests.properties import conftest  # noqa: F401 - registers the profiles

PROFILE = settings(settings.get_profile(os.environ.get("STATION_HYPOTHESIS_PROFILE", "ci")))
# The database and HTTP properties cost a round trip an example: a quarter as many.
DB_PROFILE = settings(PROFILE, max_examples=max(10, PROFILE.max_examples // 4))

# Text a field should never be trusted with: empty, blank, signs, exponents, huge and tiny numbers, other
# scripts' digits, control characters, separators of the formats, very long.
HOSTILE_TEXT = st.one_of(
    st.sampled_from([
        "", " ", "-", "+", "0", "-1", "-0.01", "1e309", "1e-309", "NaN", "Infinity", "-Infinity", "0x10", "1_000",
        "１２", "١٢", "12.345", "12,50", "9" * 40, "null", "true", "[]", "{}", "\x00", "\x1d", "\r\n", "'", '"', "?",
        "+:'", "2026-02-30T10:00:00+08:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00",
        "2026-11-20T09:15:00", "2026-11-20T09:15:00+25:00", "ZZ", "X" * 300, "\u202e", "\ud7ff", "😀",
    ]),
    st.text(max_size=12),
)

JSON_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), HOSTILE_TEXT,
)
JSON_VALUE = st.recursive(JSON_LEAF, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=6)


def paths(document: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path (keys and indexes) into a JSON document, the document itself excluded."""
    found: list[tuple] = []
    children = document.items() if isinstance(document, dict) else enumerate(document) if isinstance(document, list) else ()
    for key, value in children:
        found.append((*prefix, key))
        found.extend(paths(value, (*prefix, key)))
    return found


def replace_at(document: Any, path: tuple, value: Any) -> None:
    """Put ``value`` at ``path`` (or delete it when ``value`` is :data:`DELETE`)."""
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value


DELETE = object()


@st.composite
def broken_json(draw, document: Any) -> tuple[Any, tuple]:
    """A copy of ``document`` with one value anywhere in it replaced by a hostile one, or removed."""
    import copy

    broken = copy.deepcopy(document)
    path = draw(st.sampled_from(paths(broken)))
    replace_at(broken, path, draw(st.one_of(JSON_VALUE, st.just(DELETE))))
    return broken, path


@st.composite
def byte_mutations(draw, data: bytes) -> bytes:
    """``data`` with a few bytes flipped, cut, doubled or inserted."""
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, max(len(buf) - 1, 0)))
        op = draw(st.sampled_from(["flip", "truncate", "double", "insert", "drop"]))
        if op == "flip" and buf:
            buf[at] ^= draw(st.integers(1, 255))
        elif op == "truncate":
            del buf[at:]
        elif op == "double":
            buf[at:at] = buf[at:at + draw(st.integers(1, 16))]
        elif op == "insert":
            buf[at:at] = draw(st.binary(min_size=1, max_size=4))
        else:
            del buf[at:at + draw(st.integers(1, 8))]
    return bytes(buf)


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    """``data`` split at the given offsets (as a serial port hands bytes over in arbitrary pieces)."""
    points = sorted({c % (len(data) + 1) for c in cuts})
    pieces, start = [], 0
    for point in points:
        pieces.append(data[start:point])
        start = point
    pieces.append(data[start:])
    return [p for p in pieces if p]
