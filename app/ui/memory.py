"""Memory the desktop app gives back after imports (called by the app at start and by the window after a
screen is built)."""

from __future__ import annotations

import ctypes

_PROCESS_SYMBOLS: ctypes.CDLL | None
try:
    _PROCESS_SYMBOLS = ctypes.CDLL(None)  # the C library the process already runs on
except (OSError, TypeError):  # a platform that cannot open the process itself
    _PROCESS_SYMBOLS = None


def release_memory() -> None:
    """Give back what imports leave behind. PySide6's ``__feature__`` import hook reads the source of every
    module imported after it (``inspect.getsource``), which fills :mod:`linecache` with tens of megabytes of
    source lines nobody reads again; the freed memory then goes back to the system (glibc's malloc_trim)."""
    import linecache

    linecache.clearcache()  # no gc.collect(): it gave nothing back here and paused the GUI 50-70 ms
    trim = getattr(_PROCESS_SYMBOLS, "malloc_trim", None)  # glibc only; elsewhere Python reuses the memory
    if trim is not None:
        trim(0)
