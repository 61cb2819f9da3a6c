#!/usr/bin/env python3
"""Write the good-scan and bad-scan WAVs into resources/sounds/ (run after changing the tones)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.ui.feedback import write_sounds  # noqa: E402

if __name__ == "__main__":
    for path in write_sounds():
        print(path)
