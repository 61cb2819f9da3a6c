"""Put the latest ``station bench`` table into README.md, between ``<!-- bench:start -->`` and
``<!-- bench:end -->``, without running any benchmark.

    .venv/bin/python scripts/bench/update_readme.py [--results bench-results/latest.json] [--readme README.md]

(``station bench --readme`` does the same at the end of a run.)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.cli.bench_commands import README, RESULTS_DIR, markdown_table, replace_readme_section  # noqa: E402
from app.errors import InvalidInput  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Put the latest benchmark table into README.md")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR / "latest.json", help="a station bench --json document")
    parser.add_argument("--readme", type=Path, default=README)
    args = parser.parse_args(argv)
    try:
        document = json.loads(args.results.read_text(encoding="utf-8"))
    except FileNotFoundError:
        print(f"update_readme: {args.results} does not exist: run 'station bench' first", file=sys.stderr)
        return 1
    except (ValueError, UnicodeDecodeError) as exc:
        print(f"update_readme: {args.results} is not a station bench JSON document ({exc})", file=sys.stderr)
        return 1
    try:
        replace_readme_section(args.readme, markdown_table(document))
    except InvalidInput as exc:
        print(f"update_readme: {exc.message}", file=sys.stderr)
        return 1
    print(f"update_readme: {args.readme} shows the figures of {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
