"""Continuous intake from a folder an EDI/FTP gateway drops files into (``station intake --watch DIR``).

The folder is polled (plain ``os.scandir``: works the same on local disks and network shares, where
inotify-style events do not arrive). A file is taken once it is complete:

* names a gateway uses while still writing are skipped (``.part``, ``.tmp``, ``.filepart``, ``.partial``,
  ``.crdownload``, hidden files, ``~`` backups): the usual "write, then rename in" convention;
* otherwise its size and modification time must stay the same for ``settle`` seconds.

Then it is parsed (format detected unless one is given) and its records handed to ``ingest``. Afterwards:

* ``processed/NAME``: the file went in; if some records were rejected, ``processed/NAME.reason.txt``
  lists them (record and fault, one a line);
* ``failed/NAME`` with ``failed/NAME.reason.txt``: the whole file was unreadable, or every record in it
  was rejected;
* left in place and retried later: ``ingest`` raised a ``StationError`` other than ``InvalidInput`` (the
  database is down, say). Re-importing is harmless: orders are known by channel and external id.

A name already taken in ``processed/`` or ``failed/`` gets a UTC time stamp added, so nothing is overwritten.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.errors import InvalidInput, StationError
from app.intake.detect import parse_file
from app.intake.model import IncomingOrder, RecordError

log = logging.getLogger(__name__)

Ingest = Callable[[Iterable[IncomingOrder | RecordError], str], Any]

PARTIAL_SUFFIXES = (".part", ".tmp", ".filepart", ".partial", ".crdownload", ".inprogress", ".lock", "~")
REASON_SUFFIX = ".reason.txt"


@dataclass
class FileOutcome:
    """What happened to one dropped file."""

    path: Path
    status: str  # processed | failed | retry
    format: str = ""
    moved_to: Path | None = None
    reason: str = ""
    summary: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        """One line for an operator's console."""
        if self.status == "processed":
            s = self.summary
            text = f"{self.path.name}: {s.get('imported', 0)} imported, {s.get('duplicates', 0)} duplicates"
            if s.get("rejected"):
                text += f", {len(s['rejected'])} rejected (see {self.path.name}{REASON_SUFFIX})"
            return text
        if self.status == "failed":
            return f"{self.path.name}: failed: {self.reason.splitlines()[0] if self.reason else ''}"
        return f"{self.path.name}: will retry: {self.reason}"


def summary_dict(result: Any) -> dict[str, Any]:
    """The ``{"imported", "duplicates", "rejected"}`` of whatever ``ingest`` returned (a dict, or an object
    with ``as_json()`` or those attributes)."""
    if result is None:
        return {"imported": 0, "duplicates": 0, "rejected": []}
    if isinstance(result, dict):
        data = dict(result)
    elif hasattr(result, "as_json"):
        data = dict(result.as_json())
    else:
        data = {k: getattr(result, k) for k in ("imported", "duplicates", "rejected") if hasattr(result, k)}
    data.setdefault("imported", 0)
    data.setdefault("duplicates", 0)
    data["rejected"] = [_rejection(r) for r in data.get("rejected") or []]
    return data


def _rejection(item: Any) -> dict[str, str]:
    if isinstance(item, RecordError):
        return {"record": item.record, "error": item.error}
    if isinstance(item, dict):
        return {"record": str(item.get("record", "")), "error": str(item.get("error", ""))}
    return {"record": "", "error": str(item)}


def is_partial_name(name: str) -> bool:
    lowered = name.lower()
    return name.startswith(".") or lowered.endswith(PARTIAL_SUFFIXES) or lowered.endswith(REASON_SUFFIX)


def free_name(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/stem.<UTC time>.suffix`` (then ``-2``, ``-3``...) when that is taken."""
    target = folder / name
    if not target.exists() and not (folder / (name + REASON_SUFFIX)).exists():
        return target
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    stem, dot, suffix = name.partition(".")
    for n in range(1, 10_000):
        candidate = f"{stem}.{stamp}{'' if n == 1 else f'-{n}'}{dot}{suffix}"
        if not (folder / candidate).exists():
            return folder / candidate
    raise InvalidInput(f"{folder}: cannot find a free name for {name}")


class FolderWatcher:
    """Poll ``folder`` and hand every complete file to ``ingest(records, source)``."""

    def __init__(
        self,
        folder: str | os.PathLike,
        ingest: Ingest,
        *,
        format: str = "auto",
        interval: float = 1.0,
        settle: float = 2.0,
        processed_dir: str | os.PathLike | None = None,
        failed_dir: str | os.PathLike | None = None,
        retry_after: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise InvalidInput(f"{self.folder}: no such folder to watch")
        self.ingest = ingest
        self.format = format
        self.interval = interval
        self.settle = settle
        self.retry_after = retry_after
        self.processed_dir = Path(processed_dir) if processed_dir else self.folder / "processed"
        self.failed_dir = Path(failed_dir) if failed_dir else self.folder / "failed"
        self.clock = clock
        # name -> (signature, first time seen with that signature)
        self._seen: dict[str, tuple[tuple[int, int], float]] = {}
        self._retry_at: dict[str, float] = {}
        for folder in (self.processed_dir, self.failed_dir):
            folder.mkdir(parents=True, exist_ok=True)

    # -- one pass -----------------------------------------------------------------------------------
    def ready_files(self) -> list[Path]:
        """Files that are complete now, oldest first."""
        now = self.clock()
        present: dict[str, tuple[tuple[int, int], Path]] = {}
        try:
            entries = list(os.scandir(self.folder))
        except OSError as exc:
            log.warning("cannot list %s: %s", self.folder, exc)
            return []
        for entry in entries:
            try:
                if not entry.is_file(follow_symlinks=False) or is_partial_name(entry.name):
                    continue
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue  # vanished or unreadable between listing and looking
            present[entry.name] = ((st.st_size, st.st_mtime_ns), Path(entry.path))
        ready = []
        for name in list(self._seen):
            if name not in present:
                del self._seen[name]
        for name, (signature, path) in present.items():
            earlier = self._seen.get(name)
            if earlier is None or earlier[0] != signature:
                self._seen[name] = (signature, now)
                if self.settle > 0:
                    continue
                earlier = self._seen[name]
            if now - earlier[1] >= self.settle and now >= self._retry_at.get(name, 0.0):
                ready.append((signature[1], path))
        return [path for _, path in sorted(ready)]

    def scan_once(self) -> list[FileOutcome]:
        outcomes = []
        for path in self.ready_files():
            try:
                outcome = self.process(path)
            except OSError as exc:  # vanished meanwhile, a full disk, a folder we may not write to
                self._retry_at[path.name] = self.clock() + self.retry_after
                log.warning("%s: %s", path.name, exc)
                outcome = FileOutcome(path, "retry", reason=f"{path.name}: {exc.strerror or exc}")
            outcomes.append(outcome)
            if outcome.status != "retry":
                self._seen.pop(path.name, None)
                self._retry_at.pop(path.name, None)
        return outcomes

    def process(self, path: Path) -> FileOutcome:
        """Parse, ingest and move one file."""
        try:
            fmt, records = parse_file(path, self.format)
        except StationError as exc:
            if not path.exists():
                raise FileNotFoundError(2, "the file went away before it was read") from None
            return self._fail(path, "", exc.message)
        except Exception as exc:  # a parser bug must not stop the watcher nor lose the file
            log.exception("%s: reading failed", path.name)
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            return self._fail(path, "", f"{path.name}: internal error while reading: {detail}")
        try:
            result = self.ingest(records, str(path))
        except InvalidInput as exc:
            return self._fail(path, fmt, exc.message)
        except StationError as exc:
            self._retry_at[path.name] = self.clock() + self.retry_after
            log.warning("%s: will retry in %.0f s: %s", path.name, self.retry_after, exc.message)
            return FileOutcome(path, "retry", fmt, reason=exc.message)
        except Exception as exc:  # a bug downstream must not stop the watcher nor lose the file
            log.exception("%s: ingest failed", path.name)
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            return self._fail(path, fmt, f"{path.name}: internal error while importing: {detail}")
        summary = summary_dict(result)
        rejected = summary["rejected"]
        if rejected and not summary["imported"] and not summary["duplicates"]:
            reason = f"{path.name}: every record was rejected\n" + _rejection_lines(rejected)
            return self._fail(path, fmt, reason, summary)
        moved = self._move(path, self.processed_dir)
        if rejected:
            _write_reason(moved, f"{path.name}: {len(rejected)} record(s) rejected\n" + _rejection_lines(rejected))
        log.info("%s: %s imported, %s duplicates, %s rejected", path.name, summary["imported"],
                 summary["duplicates"], len(rejected))
        return FileOutcome(path, "processed", fmt, moved, summary=summary)

    def _fail(self, path: Path, fmt: str, reason: str, summary: dict | None = None) -> FileOutcome:
        moved = self._move(path, self.failed_dir)
        _write_reason(moved, reason)
        log.warning("%s: failed: %s", path.name, reason.splitlines()[0])
        return FileOutcome(path, "failed", fmt, moved, reason, summary or {})

    def _move(self, path: Path, folder: Path) -> Path:
        target = free_name(folder, path.name)
        try:
            os.replace(path, target)
        except OSError:
            shutil.move(str(path), str(target))  # another file system
        return target

    # -- the loop -----------------------------------------------------------------------------------
    def run(self, stop: threading.Event | None = None, report: Callable[[FileOutcome], None] | None = None) -> None:
        """Poll until ``stop`` is set (or forever); ``report`` hears of every file handled."""
        stop = stop or threading.Event()
        log.info("watching %s every %.1f s", self.folder, self.interval)
        while not stop.is_set():
            for outcome in self.scan_once():
                if report:
                    report(outcome)
            stop.wait(self.interval)


def _rejection_lines(rejected: list[dict[str, str]]) -> str:
    return "".join(f"{r['record']}: {r['error']}\n" for r in rejected)


def _write_reason(moved: Path, reason: str) -> None:
    text = reason if reason.endswith("\n") else reason + "\n"
    moved.with_name(moved.name + REASON_SUFFIX).write_text(text, encoding="utf-8")


def watch(folder: str | os.PathLike, ingest: Ingest, **options: Any) -> FolderWatcher:
    """A watcher for ``folder`` (the ``station intake --watch`` entry point runs ``.run()`` on it)."""
    return FolderWatcher(folder, ingest, **options)
