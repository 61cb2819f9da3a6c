"""One translation source (issue 17, item 7): every text a person reads has English and Chinese, the Chinese
from resources/i18n/zh_CN_glossary.py alone.

- every text of every mechanism outside Qt (app.i18n's registry) has its Chinese in the glossary, with the same
  placeholders ({number}) as the English;
- every Qt string (the .ts built from app/ui) has its Chinese, with the same placeholders (%1, %n, {0});
- no Chinese string literal is left in app/ outside the glossary, but for a short named list of data (addresses,
  carriers' own names, demo data, words read in shop input) and sheets printed in both languages at once.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from app import i18n

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")

# Chinese that is data or says both languages at once, not a text to translate; each named with its reason.
ALLOWED_FILES = {
    "app/demo/seed.py": "the demo's catalogue, customers and warehouses (data, named in Chinese)",
    "app/demo/life.py": "the demo carriers' scan places and survey comments (data, both languages at once)",
    "app/loadtest/seed.py": "load-test data",
    "app/shipping/rates.py": "province names a Chinese address is read by (data)",
    "app/shipping/carriers.py": "carriers' and services' own Chinese names (data)",
    "app/shipping/ratecard.py": "a rate card's Chinese region names (data)",
    "app/intake/formats/_common.py": "words a shop writes in Chinese that mean express or scheduled (input)",
    "app/intake/formats/shopify.py": "a word a shop writes for points (input)",
    "app/catalogue/formats.py": "a column title a Chinese catalogue file uses (input)",
    "app/domain/rules.py": "the suffixes of a Chinese region name (input), in one regular expression",
    "app/shipping/labeldata.py": "the suffixes of a Chinese city and province name (input)",
    "app/shipping/label_pdf.py": "the shipping label prints both languages at once",
    "app/shipping/label_zpl.py": "the shipping label prints both languages at once",
    "app/shipping/slip.py": "the packing slip prints both languages at once",
    "app/shipping/manifest.py": "the carrier's manifest prints both languages at once",
    "app/shipping/service.py": "the test print prints both languages at once",
    "app/packing/command_sheet.py": "the command barcode sheet prints both languages at once",
    "app/aftersales/returns.py": "the return label prints both languages at once",
    "app/admin/cards.py": "the badge card prints both languages at once",
}
# A language's own name, shown to let a reader choose it.
ALLOWED_TEXTS = {"简体中文", "中文"}


def test_every_text_outside_qt_has_chinese_with_the_same_placeholders():
    texts = i18n.catalogue()
    assert len(texts) > 400  # every mechanism registers: pack messages, refusals, reasons, reports, web, e-mails
    contexts = {context for context, _ in texts}
    assert {"PackMessages", "Errors", "ReviewReasons", "ReturnProblems", "Notice", "Web", "WebEvent", "Report",
            "ReportNotes", "EventReasons", "Misread", "StatusIs"} <= contexts
    problems = []
    for context, english in texts:
        key = i18n.key_of(english, context)
        if key is None:
            problems.append(f"no Chinese: [{context}] {english!r}")
            continue
        chinese = i18n.glossary()[key]
        words = i18n._PLACEHOLDER.sub("", english)
        if not CJK.search(chinese) and re.search(r"[a-z]{2}", words):  # "SKU", "UTC", "%" stay as they are
            problems.append(f"Chinese is not Chinese: [{context}] {english!r} -> {chinese!r}")
        if i18n.placeholders(english) != i18n.placeholders(chinese):
            problems.append(f"placeholders differ: [{context}] {english!r} -> {chinese!r}")
    assert problems == []


def _qt_messages():
    import xml.etree.ElementTree as ET

    ts = ROOT / "resources" / "i18n" / "station_zh_CN.ts"
    for context in ET.parse(ts).getroot().iter("context"):
        for message in context.iter("message"):
            yield context.findtext("name"), message.findtext("source")


def test_every_qt_string_has_chinese_with_the_same_placeholders():
    words = i18n.glossary()
    problems = []
    for context, source in _qt_messages():
        chinese = words.get(f"{context}|{source}", words.get(source))
        if chinese is None:
            continue  # a string still without Chinese is what `scripts/i18n.py check` reports, naming it
        if i18n.placeholders(source) != i18n.placeholders(chinese):
            problems.append(f"placeholders differ: [{context}] {source!r} -> {chinese!r}")
    assert problems == []


def test_the_glossary_keys_name_their_context_once():
    for key in i18n.glossary():
        assert key.count("|") <= 1, key


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def chinese_outside_the_glossary(root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted((root / "app").rglob("*.py")):
        name = path.relative_to(root).as_posix()
        if name in ALLOWED_FILES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
                    and CJK.search(node.value) and node.value not in ALLOWED_TEXTS):
                found.append(f"{name}:{node.lineno}: {node.value!r}")
    return found


def test_no_chinese_is_left_outside_the_glossary():
    assert chinese_outside_the_glossary() == []


def test_the_allowlist_names_files_that_exist():
    for name in ALLOWED_FILES:
        assert (ROOT / name).exists(), name


def test_the_scan_finds_chinese_in_code(tmp_path):
    """The scan is not blind: a Chinese literal is reported; a docstring, a language's name and a file on the
    list are not."""
    (tmp_path / "app" / "shipping").mkdir(parents=True)
    (tmp_path / "app" / "probe.py").write_text('"""文档 is fine."""\nWORD = "打包"\nNAME = "简体中文"\n',
                                               encoding="utf-8")
    (tmp_path / "app" / "shipping" / "slip.py").write_text('TITLE = "Packing slip 装箱单"\n', encoding="utf-8")
    assert chinese_outside_the_glossary(tmp_path) == ["app/probe.py:2: '打包'"]


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_one_function_gives_each_mechanism_its_language(language):
    from app.domain.error_texts import operator_text
    from app.domain.names import status_predicate
    from app.notify.templates import render
    from app.packing.messages import message
    from app.reports.texts import word
    from app.web.i18n import Translator

    zh = language == "zh_CN"
    assert message("not_packable", number="WS1", status="packing").text(language) == (
        "订单 WS1 正在打包：现在不能打包。" if zh else "Order WS1 is packing: it cannot be packed now.")
    assert message("capture_first", name="Tea", what="lot").text(language) == (
        "请先扫描 Tea 的批号（或扫描“取消”）。" if zh else "First scan the lot of Tea (or scan CANCEL).")
    assert operator_text("return RT1 is label_issued: its label can no longer be issued", language) == (
        "退货单 RT1 已开具面单：不能再开具面单" if zh else "return RT1 is label_issued: its label can no longer be issued")
    assert status_predicate("review", language) == ("正在审核" if zh else "in review")
    assert render("survey", language, {"number": "WS1", "url": "u"})[0] == (
        "订单 WS1 满意度调查" if zh else "How was your order WS1?")
    assert word("yes", language) == ("是" if zh else "yes")
    t = Translator(language)
    # the same English, other Chinese by context: a status on the page, an event on its timeline
    assert (t("st.delivered"), t("ev.delivered")) == (("已送达", "已签收") if zh else ("Delivered", "Delivered"))
    assert t("language") == ("English" if zh else "中文")
    assert i18n.text("Order {number} packed: making its label…", language, "PackMessages", number="WS2") == (
        "订单 WS2 已打包：正在生成面单…" if zh else "Order WS2 packed: making its label…")


def test_a_text_the_glossary_lacks_stays_english_and_a_missing_value_never_hides_it():
    assert i18n.text("No such text {x}", "zh_CN", "Nowhere", x=1) == "No such text 1"
    assert i18n.text("Order {number} packed: making its label…", "zh_CN", "PackMessages") == \
        "订单 {number} 已打包：正在生成面单…"
    assert i18n.text("Box {seq} opened.", "zh_CN", "PackMessages", other=1) == "已开第 {seq} 箱。"
