"""Good and bad scans, heard and seen: a short sound (QSoundEffect) and a colour flash.

The WAV files are generated (``scripts/make_sounds.py``, :func:`write_sounds`) into
``resources/sounds/``: a bright rising double beep for good, a low buzz for bad.
"""

from __future__ import annotations

import logging
import math
import struct
import wave
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QStyle, QStyleOption

from app.ui.plain import plain_tip

log = logging.getLogger(__name__)

SOUNDS = Path(__file__).resolve().parents[2] / "resources" / "sounds"
RATE = 22050

GOOD_COLOUR = "#1b8a3a"
BAD_COLOUR = "#c62828"
INFO_COLOUR = "#1f4e9c"
WARN_COLOUR = "#b26a00"  # amber: not wrong, but not done either (waiting, silent, offline)


def _tone(parts: list[tuple[float, float, str]], volume: float = 0.5) -> bytes:
    """Frames for (frequency Hz, seconds, waveform) parts, with short fades so nothing clicks."""
    frames = bytearray()
    for freq, seconds, shape in parts:
        n = int(RATE * seconds)
        fade = int(RATE * 0.008)
        for i in range(n):
            phase = 2 * math.pi * freq * i / RATE
            value = math.sin(phase) if shape == "sine" else (1.0 if math.sin(phase) >= 0 else -1.0) * 0.6
            envelope = min(1.0, i / fade if fade else 1.0, (n - i) / fade if fade else 1.0)
            frames += struct.pack("<h", int(value * envelope * volume * 32767)) if freq else struct.pack("<h", 0)
    return bytes(frames)


def write_sounds(folder: Path = SOUNDS) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    sounds = {
        "good.wav": _tone([(1046.5, 0.07, "sine"), (0, 0.03, "sine"), (1568.0, 0.09, "sine")]),
        "bad.wav": _tone([(180.0, 0.18, "square"), (0, 0.05, "sine"), (150.0, 0.22, "square")], volume=0.4),
    }
    written = []
    for name, frames in sounds.items():
        path = folder / name
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(frames)
        written.append(path)
    return written


class Feedback(QObject):
    """``good(message)`` / ``bad(message)`` / ``info(message)``: play the sound and ask the window to flash.

    ``flashed(kind, message)`` tells the window which colour to show; ``history`` keeps the last
    messages (the tests and the status bar read it)."""

    flashed = Signal(str, str)

    def __init__(self, parent: QObject | None = None, sound: bool = True) -> None:
        super().__init__(parent)
        self.history: list[tuple[str, str]] = []
        self._effects = {}
        if sound:
            self._effects = self._load_effects()

    def _load_effects(self) -> dict:
        try:
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError as exc:  # libpulse missing: colours only
            log.info("no scan sounds: %s", exc)
            return {}
        effects = {}
        for kind in ("good", "bad"):
            path = SOUNDS / f"{kind}.wav"
            if path.exists():
                effect = QSoundEffect(self)
                effect.setSource(QUrl.fromLocalFile(str(path)))
                effect.setVolume(0.8)
                effects[kind] = effect
        return effects

    def _emit(self, kind: str, message: str) -> None:
        self.history.append((kind, message))
        del self.history[:-50]
        effect = self._effects.get(kind)
        if effect is not None:
            effect.play()
        self.flashed.emit(kind, message)

    def cue(self, kind: str, message: str = "") -> None:
        """The sound (and the history) without the window's flash: for a screen that shows the message big
        itself, such as the pack screen."""
        self.history.append((kind, message))
        del self.history[:-50]
        effect = self._effects.get(kind)
        if effect is not None:
            effect.play()

    def good(self, message: str = "") -> None:
        self._emit("good", message)

    def bad(self, message: str = "") -> None:
        self._emit("bad", message)

    def info(self, message: str = "") -> None:
        self._emit("info", message)


def colour(kind: str) -> str:
    return {"good": GOOD_COLOUR, "bad": BAD_COLOUR, "warn": WARN_COLOUR}.get(kind, INFO_COLOUR)


class ElidedLabel(QLabel):
    """A one-line label that cuts its text with "…" to the room it has (the whole text in its tool tip), so
    texts side by side in a status bar never run into each other. ``text()`` stays the whole text."""

    def __init__(self, text: str = "", parent=None) -> None:
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setMinimumWidth(40)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.setToolTip(plain_tip(text))

    def minimumSizeHint(self):  # noqa: N802 - Qt's name
        hint = super().minimumSizeHint()
        hint.setWidth(self.minimumWidth())
        return hint

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, option, painter, self)  # its style sheet's background
        rect = self.contentsRect().adjusted(self.margin() + 2, 0, -self.margin() - 2, 0)
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), shown)
