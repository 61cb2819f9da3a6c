"""The CJK font for PDFs: WenQuanYi Micro Hei (TrueType outlines, so reportlab embeds it; face 0 of the .ttc).

Looked up first under ``resources/fonts/`` (an app bundle may ship it there), then where Debian's
``fonts-wqy-microhei`` puts it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from app.errors import StationError

FONT_NAME = "WQYMicroHei"
FONT_FILES = ("wqy-microhei.ttc", "wqy-microhei.ttf")
SYSTEM_DIRS = (Path("/usr/share/fonts/truetype/wqy"), Path("/usr/local/share/fonts"))


def bundled_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "resources" / "fonts"


def find_font() -> Path:
    for folder in (bundled_dir(), *SYSTEM_DIRS):
        for name in FONT_FILES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    raise StationError(
        "the Chinese label font (WenQuanYi Micro Hei) is missing: install fonts-wqy-microhei "
        f"or copy wqy-microhei.ttc into {bundled_dir()}"
    )


@functools.cache
def register() -> str:
    """Register the font with reportlab once; returns its name for ``canvas.setFont``."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT_NAME, str(find_font()), subfontIndex=0))
    return FONT_NAME


@functools.lru_cache(maxsize=8192)
def char_width(ch: str, font: str) -> float:
    """Advance width of one character at size 1 in the registered ``font``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(ch, font, 1.0)


def wrap(value: str, font: str, size: float, width: float, measure: Callable[[str], float] | None = None) -> list[str]:
    """Wrap ``value`` to lines no wider than ``width`` at text size ``size`` (any one unit for both): at a space in
    the second half of a line, else between any two characters (Chinese has no spaces). ``measure`` gives a
    character's advance at size 1 (default: in ``font``; the ZPL label passes the printer's fonts)."""
    advance = measure or (lambda ch: char_width(ch, font))
    lines: list[str] = []
    current = ""
    used = 0.0
    for ch in value:
        w = advance(ch) * size
        if used + w <= width:
            current += ch
            used += w
            continue
        cut = current.rfind(" ")
        if cut > len(current) // 2 and ch != " ":
            lines.append(current[:cut])
            current = current[cut + 1:] + ch
        else:
            lines.append(current)
            current = ch.lstrip()
        used = sum(advance(c) for c in current) * size
    if current:
        lines.append(current)
    return lines
