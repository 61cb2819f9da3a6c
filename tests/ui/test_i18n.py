"""Every string of the station's own screens is in the Chinese translation file, translated, and compiled."""

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "station_zh_CN.ts"
QM = TS.with_suffix(".qm")
MINE = ["app/ui/app.py", "app/ui/common.py", "app/ui/login.py", "app/ui/main_window.py", "app/ui/screens.py",
        "app/ui/settings.py", "app/ui/texts.py", "app/ui/queue/model.py", "app/ui/queue/view.py",
        "app/ui/review/desk.py", "app/ui/supervisor/board.py"]


def _messages(path: Path) -> dict[tuple[str, str], ET.Element]:
    found = {}
    for context in ET.parse(path).getroot().iter("context"):
        for message in context.iter("message"):
            found[(context.findtext("name"), message.findtext("source"))] = message
    return found


def test_every_string_of_the_station_screens_is_translated(tmp_path):
    fresh = tmp_path / "fresh.ts"
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    subprocess.run([str(lupdate), *MINE, "-ts", str(fresh)], cwd=ROOT, check=True, capture_output=True)
    wanted = _messages(fresh)
    assert len(wanted) > 200
    have = _messages(TS)
    missing = [key for key in wanted if key not in have]
    assert not missing, f"run scripts/i18n.py: not in the .ts: {missing[:5]}"
    unfinished = []
    for key in wanted:
        translation = have[key].find("translation")
        text = (translation.text or "") + "".join(n.text or "" for n in translation.findall("numerusform"))
        if translation.get("type") == "unfinished" or not text.strip():
            unfinished.append(key)
    assert not unfinished, f"untranslated: {unfinished[:5]}"


def test_the_compiled_file_loads_and_translates(station_app):
    from PySide6.QtCore import QCoreApplication

    from app.ui.app import install_language

    assert QM.exists() and QM.stat().st_mtime >= TS.stat().st_mtime - 1
    assert install_language(station_app, "zh_CN")
    try:
        assert QCoreApplication.translate("Screens", "Order queue") == "订单队列"
        assert QCoreApplication.translate("QueueView", "%n order(s)", "", 3) == "3 个订单"
    finally:
        install_language(station_app, "en")
