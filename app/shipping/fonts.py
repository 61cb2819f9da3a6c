"""The CJK font for PDFs: WenQuanYi Micro Hei (TrueType outlines, so reportlab embeds it; face 0 of the .ttc).

Looked up first under ``resources/fonts/`` (an app bundle may ship it there), then where Debian's
``fonts-wqy-microhei`` puts it.
"""

from __future__ import annotations

import functools
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
