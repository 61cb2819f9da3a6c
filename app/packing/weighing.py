"""From a scale's stream of readings to weighings: plain Python, no Qt, no database.

A packing scale answers several times a second (MT-SICS ``SI`` polled, or continuous output). The pack
bench must not treat each answer as news: one box put on the scale is ONE weighing, however many times the
scale repeats its value. :class:`ScaleWatch` turns the stream into a few changes:

* ``empty`` - the scale reads (about) nothing: no box on it. Never a weight to check.
* ``weighing`` - a new stable value: a box was put on, or its contents changed beyond the scale's noise.
  The same value repeated (within :attr:`ScaleWatch.band_g`) is the same weighing: it only refreshes
  :attr:`Weighing.seen`.
* ``moving`` - the value is not stable (a box being put down, a hand on it).
* ``fault`` - overload, underload, a reading below zero, or an answer the scale could not give.

Each weighing has a number of its own (``seq``), so the service can check a weighing once, refuse it once,
and never use one weighing for two boxes.
"""

from __future__ import annotations

from dataclasses import dataclass

EMPTY_BELOW_G = 5  # a pack scale's zero band: an empty platform reads 0 to a few grams
SAME_WEIGHING_G = 2  # readings this close to the current weighing are the same weighing (scale noise)
SAME_WEIGHING_PERCENT = 0.2

EMPTY, MOVING, WEIGHING, FAULT, UNKNOWN = "empty", "moving", "weighing", "fault", "unknown"


@dataclass
class Weighing:
    seq: int
    grams: int
    since: float  # when its first stable reading came (monotonic seconds)
    seen: float  # its latest stable reading


@dataclass(frozen=True)
class Change:
    """What a reading changed: the new state, and for ``weighing`` the weighing; for ``fault`` why."""

    state: str
    weighing: Weighing | None = None
    condition: str = ""


class ScaleWatch:
    def __init__(self, *, empty_below_g: int = EMPTY_BELOW_G, band_g: int = SAME_WEIGHING_G,
                 band_percent: float = SAME_WEIGHING_PERCENT) -> None:
        self.empty_below_g = empty_below_g
        self.band_g = band_g
        self.band_percent = band_percent
        self.state = UNKNOWN
        self.condition = ""
        self.current: Weighing | None = None  # the weighing on the scale now (None when empty, moving or faulty)
        self.grams: int | None = None  # the latest value shown, stable or not
        self._seq = 0

    def _same(self, grams: int) -> bool:
        current = self.current
        if current is None:
            return False
        band = max(self.band_g, round(abs(current.grams) * self.band_percent / 100))
        return abs(grams - current.grams) <= band

    def reading(self, grams: float | None, *, stable: bool, condition: str = "ok", now: float) -> Change | None:
        """One answer of the scale. Returns the change it makes, or None when it only repeats what is known."""
        if condition != "ok" or grams is None:
            self.grams = None
            self.current = None
            return self._enter(FAULT, condition=condition if condition != "ok" else "no reading")
        value = int(round(grams))
        self.grams = value
        if value <= -self.empty_below_g:
            self.current = None
            return self._enter(FAULT, condition="below zero")
        if not stable:
            # A box being put down, or taken off: the weighing on the scale (if any) is over.
            if self.current is not None and self._same(value):
                return None  # a wobble around the same box: still that weighing
            self.current = None
            return self._enter(MOVING)
        if value < self.empty_below_g:
            self.current = None
            return self._enter(EMPTY)
        if self.current is not None and self._same(value):
            self.current.seen = now
            self.state = WEIGHING
            return None
        self._seq += 1
        self.current = Weighing(self._seq, value, now, now)
        self.state, self.condition = WEIGHING, ""
        return Change(WEIGHING, self.current)

    def _enter(self, state: str, condition: str = "") -> Change | None:
        if state == self.state and condition == self.condition:
            return None
        self.state, self.condition = state, condition
        return Change(state, condition=condition)

    def lost(self) -> Change | None:
        """The scale went away (unplugged): nothing on it can be trusted."""
        self.current = None
        self.grams = None
        return self._enter(FAULT, condition="disconnected")
