"""Every string of the station's screens is in the Chinese translation file, translated, and compiled; the
Chinese comes from one source (resources/i18n/zh_CN_glossary.py), so no two places can disagree."""

import ast
import importlib.util
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from app import i18n

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "station_zh_CN.ts"
QM = TS.with_suffix(".qm")
GLOSSARY = ROOT / "resources" / "i18n" / "zh_CN_glossary.py"


def _i18n():
    spec = importlib.util.spec_from_file_location("station_i18n_script", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _messages(path: Path) -> dict[tuple[str, str], ET.Element]:
    found = {}
    for context in ET.parse(path).getroot().iter("context"):
        for message in context.iter("message"):
            found[(context.findtext("name"), message.findtext("source"))] = message
    return found


def _unfinished(wanted, have) -> list[tuple[str, str]]:
    unfinished = []
    for key in wanted:
        translation = have[key].find("translation")
        text = (translation.text or "") + "".join(n.text or "" for n in translation.findall("numerusform"))
        if translation.get("type") in ("unfinished", "obsolete", "vanished") or not text.strip():
            unfinished.append(key)
    return unfinished


def test_every_string_of_the_station_screens_is_translated(tmp_path):
    fresh = tmp_path / "fresh.ts"
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    subprocess.run([str(lupdate), *_i18n().sources(), "-ts", str(fresh)], cwd=ROOT, check=True, capture_output=True)
    wanted = _messages(fresh)
    assert len(wanted) > 200
    have = _messages(TS)
    missing = [key for key in wanted if key not in have]
    assert not missing, f"run scripts/i18n.py: not in the .ts: {missing[:5]}"
    unfinished = _unfinished(wanted, have)
    assert not unfinished, f"untranslated: {unfinished[:5]}"


def test_an_unfinished_message_is_caught(tmp_path):
    ts = tmp_path / "half.ts"
    ts.write_text('<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="zh_CN">'
                  "<context><name>Queue</name>"
                  "<message><source>Order</source><translation>订单</translation></message>"
                  '<message><source>Channel</source><translation type="unfinished">渠道</translation></message>'
                  "<message><source>Warehouse</source><translation></translation></message>"
                  "</context></TS>", encoding="utf-8")
    have = _messages(ts)
    assert _unfinished(have, have) == [("Queue", "Channel"), ("Queue", "Warehouse")]


def test_the_shipped_chinese_is_the_glossary_and_nothing_else():
    """scripts/i18n.py check: every message has the glossary's Chinese, the .ts has every string of the sources,
    no glossary entry is left that no screen uses (a mistyped key would never ship), the .qm is current."""
    assert _i18n().problems("zh_CN") == []


def test_one_translation_source_without_contradictions():
    # No per-screen dictionaries beside the glossary.
    assert not sorted((ROOT / "app" / "ui").glob("*/zh_CN.py"))
    assert not sorted((ROOT / "app" / "ui").glob("zh_CN.py"))
    # A key written twice in the glossary: Python keeps the last and the first never ships.
    tree = ast.parse(GLOSSARY.read_text(encoding="utf-8"))
    table = next(n for n in ast.walk(tree) if isinstance(n, ast.Dict))
    keys = [k.value for k in table.keys]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    assert not twice, f"written twice in the glossary: {twice}"
    # A context key that says the same as the plain key is noise; one that differs must be a real context.
    words = dict(zip(keys, (ast.literal_eval(v) for v in table.values)))
    contexts = {c.findtext("name") for c in ET.parse(TS).getroot().iter("context")}
    contexts |= {context for context, _ in i18n.catalogue()}  # the texts outside Qt (app/i18n.py) have theirs
    for key, text in words.items():
        context, bar, source = key.partition("|")
        if bar:
            assert context in contexts, f"no screen has the context of {key!r}"
            assert words.get(source) != text, f"{key!r} repeats the plain entry {source!r}"


def test_the_compiled_file_loads_and_translates(station_app):
    from PySide6.QtCore import QCoreApplication

    from app.ui.app import install_language

    assert QM.exists() and QM.stat().st_mtime >= TS.stat().st_mtime - 1
    assert install_language(station_app, "zh_CN")
    try:
        assert QCoreApplication.translate("Screens", "Order queue") == "订单队列"
        assert QCoreApplication.translate("QueueView", "%n order(s)", "", 3) == "3 个订单"
        # Close-out is the carrier's hand-over, not a settlement; a carrier has a name, not a person's name.
        assert QCoreApplication.translate("ShippingScreen", "Close-out") == "揽收交接"
        assert QCoreApplication.translate("ShippingScreen", "Name") == "名称"
    finally:
        install_language(station_app, "en")
