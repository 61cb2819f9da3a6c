"""A real, in-memory ``ingest`` for the watch and webhook tests: keeps orders by (channel, external id),
counts duplicates and rejections as the intake service does, and remembers every call."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from app.errors import DatabaseUnavailable
from app.intake.model import IncomingOrder, RecordError


class RecordingIngest:
    def __init__(self) -> None:
        self.orders: dict[tuple[str, str], IncomingOrder] = {}
        self.calls: list[tuple[str, list]] = []
        self.down = False  # when True, behaves like a database that does not answer
        self.lock = threading.Lock()

    def __call__(self, records: Iterable[IncomingOrder | RecordError], source: str) -> dict:
        if self.down:
            raise DatabaseUnavailable("the database does not answer")
        got = list(records)
        summary = {"imported": 0, "duplicates": 0, "rejected": []}
        with self.lock:
            self.calls.append((source, got))
            for record in got:
                if isinstance(record, RecordError):
                    summary["rejected"].append({"record": record.record, "error": record.error})
                elif (record.channel, record.external_id) in self.orders:
                    summary["duplicates"] += 1
                else:
                    self.orders[(record.channel, record.external_id)] = record
                    summary["imported"] += 1
        return summary
