"""PySide6 6.12.0's Signal.emit() drops a reference to True on every call, and the process aborts with
"bool_dealloc" after a few thousand signals (the device bridge emits one per scan). pyproject.toml keeps
PySide6 below 6.12; this test fails - rather than aborting - if a broken version comes back."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(object)


def test_emit_keeps_reference_counts(qtbot):
    emitter = _Emitter()
    seen = []
    emitter.fired.connect(seen.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for i in range(100):
        emitter.fired.emit(i)
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before
    assert len(seen) == 100
