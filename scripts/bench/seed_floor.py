"""What a million-order demo database costs SQLite alone, with no Python planning: the floor under
``station demo seed`` (issue 2's 180 s figure).

- the driver's time to write the finished rows of the bulk tables into an empty copy of their schema
  (unique keys kept, as the seed keeps them), read back from a seeded database;
- the time to build the plain indexes the seed builds at the end, one by one.

Usage: ``python scripts/bench/seed_floor.py DATABASE.db`` (a file made by ``station demo seed``; it is read, never
written: the indexes are built on a copy of the tables).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.demo.seed import BULK_TABLES  # noqa: E402

TABLES = ("customers", *BULK_TABLES)
BATCH = 20_000


def _bulk_pragmas(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA journal_mode = MEMORY")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -262144")


def write_floor(source: Path, target: Path) -> dict[str, tuple[int, float]]:
    """Rows and driver CPU seconds a table, writing ``source``'s rows into an empty ``target``."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target, isolation_level=None)
    _bulk_pragmas(dst)
    names = ", ".join(f"'{t}'" for t in TABLES)
    for (sql,) in src.execute(f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN ({names})"):
        dst.execute(sql)
    costs = {}
    for table in TABLES:
        columns = [row[1] for row in src.execute(f'PRAGMA table_info("{table}")')]
        insert = (f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in columns)}) '
                  f'VALUES ({", ".join("?" for _ in columns)})')
        rows, spent = 0, 0.0
        cursor = src.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
        dst.execute("BEGIN")
        while batch := cursor.fetchmany(BATCH):
            started = time.process_time()
            dst.executemany(insert, batch)
            spent += time.process_time() - started
            rows += len(batch)
        started = time.process_time()
        dst.execute("COMMIT")
        costs[table] = (rows, spent + time.process_time() - started)
    src.close()
    dst.close()
    return costs


def index_floor(source: Path, target: Path) -> dict[str, float]:
    """Seconds to build each plain index of the bulk tables on ``target`` (which holds their rows)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    names = ", ".join(f"'{t}'" for t in BULK_TABLES)
    indexes = [(name, sql) for name, sql in src.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({names})")
        if not sql.upper().startswith("CREATE UNIQUE")]
    src.close()
    dst = sqlite3.connect(target, isolation_level=None)
    _bulk_pragmas(dst)
    costs = {}
    for name, sql in indexes:
        started = time.perf_counter()
        dst.execute(sql)
        costs[name] = time.perf_counter() - started
    dst.close()
    return costs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path, help="a database made by station demo seed")
    args = parser.parse_args()
    if not args.database.exists():
        print(f"seed_floor: no such database: {args.database}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(dir=args.database.parent) as tmp:
        copy = Path(tmp) / "floor.db"
        writes = write_floor(args.database, copy)
        for table, (rows, seconds) in writes.items():
            print(f"write {table:<14} {rows:>10,} rows {seconds:7.1f} s  {seconds / max(rows, 1) * 1e6:5.2f} us/row")
        print(f"write, all tables: {sum(s for _, s in writes.values()):.1f} s of CPU")
        indexes = index_floor(args.database, copy)
        for name, seconds in sorted(indexes.items(), key=lambda kv: -kv[1]):
            print(f"index {name:<36} {seconds:6.2f} s")
        print(f"indexes, all: {sum(indexes.values()):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
