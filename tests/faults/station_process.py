"""A packing station as a process of its own, for the kill -9 tests: the pack service with its offline journal
and reconnect loop, as the pack screen builds them, fed one scan a line on stdin. It prints one JSON object a
line: ``{"scan", "verdict", "reason", "code"}`` for each scan, ``{"replayed", "verdict", "reason"}`` for each
stored scan checked, ``{"ready": order}`` once started.

    python -m tests.faults.station_process DB_URL STATION USER JOURNAL [ORDER]
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

from app.context import open_context
from app.packing.offline import OfflineScans, Replayer, ReplayOutcome, ScanJournal, database_name
from app.packing.service import PackService
from app.uow import Actor

_out = threading.Lock()


def say(**data: object) -> None:
    with _out:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        sys.stdout.flush()


def main(argv: list[str]) -> int:
    url, station, user, journal_file = argv[:4]
    number = argv[4] if len(argv) > 4 else None
    ctx = open_context(url, migrate_schema=False)
    actor = Actor(station=station, user=user, role="packer")
    offline = OfflineScans(ScanJournal(Path(journal_file), station, database_name(url)))

    def make_service() -> PackService:
        return PackService(ctx.sessions, ctx.settings, station, actor, print_dispatch=lambda jobs: None)

    def replayed(outcome: ReplayOutcome) -> None:
        say(replayed=outcome.stored.raw, verdict=outcome.answer.verdict, reason=outcome.answer.reason)

    service = PackService(ctx.sessions, ctx.settings, station, actor, print_dispatch=lambda jobs: None, offline=offline)
    replayer = Replayer(offline.journal, make_service, on_outcome=replayed, backoff_max_s=0.5)
    offline.on_stored = replayer.wake
    if number and not offline.waiting():
        service.open(number)
        offline.remember(service.view())
    replayer.start()
    say(ready=number, waiting=offline.waiting())
    for line in sys.stdin:
        raw = line.rstrip("\n")
        if not raw:
            continue
        answer = service.scan(raw)
        say(scan=raw, verdict=answer.verdict, reason=answer.reason, code=answer.message.code)
    replayer.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
