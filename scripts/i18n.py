#!/usr/bin/env python3
"""Build the station's translations: app/ui (and app/domain/names.py) -> .ts (pyside6-lupdate) -> .qm (pyside6-lrelease).

    scripts/i18n.py            update, fill and release (what to run after changing a string or the glossary)
    scripts/i18n.py update     only pyside6-lupdate: the .ts gets every tr() string of app/ui
    scripts/i18n.py fill       write resources/i18n/zh_CN_glossary.py's Chinese into every message of the .ts
    scripts/i18n.py release    only pyside6-lrelease
    scripts/i18n.py check      exit 1 if a string has no Chinese, the .ts is behind the sources or the glossary,
                               or the .qm is not what the .ts compiles to

The glossary is the one source of the Chinese: it is keyed by English source text, or by
"Context|source" where one word needs different Chinese in different places. The .ts is generated
from it (a translation typed into the .ts by hand, e.g. in Qt Linguist, is overwritten by ``fill`` and
reported by ``check``); there are no per-screen dictionaries. The texts outside Qt (operator messages,
refusals, reports, web pages, e-mails) read the same glossary through app/i18n.py, which registers them:
``check`` counts them as entries in use and wants Chinese for each.
"""

from __future__ import annotations

import runpy
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "app" / "ui"
I18N = ROOT / "resources" / "i18n"
LANGUAGES = ("zh_CN",)


def tool(name: str) -> str:
    local = Path(sys.executable).with_name(name)
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if not found:
        sys.exit(f"i18n: {name} not found (it comes with the PySide6 wheels)")
    return found


# Outside app/ui: the names code without Qt needs too (statuses, channels, ...), marked with QT_TRANSLATE_NOOP.
SHARED = (ROOT / "app" / "domain" / "names.py",)


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (*SOURCES.rglob("*.py"), *SHARED))


def ts_path(language: str) -> Path:
    return I18N / f"station_{language}.ts"


def glossary(language: str = "zh_CN") -> dict[str, str]:
    return runpy.run_path(str(I18N / f"{language}_glossary.py"))["ZH_CN"]


def outside_qt() -> list[tuple[str, str]]:
    """(context, English) of every text outside Qt that reads the glossary (app.i18n's registry)."""
    sys.path.insert(0, str(ROOT))
    from app import i18n

    return i18n.catalogue()


def lookup(words: dict[str, str], context: str, source: str) -> str | None:
    return words.get(f"{context}|{source}", words.get(source))


def lupdate(ts: Path) -> None:
    subprocess.run([tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none", *sources(),
                    "-target-language", ts.stem.removeprefix("station_"), "-ts", str(ts)],
                   cwd=ROOT, check=True, capture_output=True)


def update() -> None:
    I18N.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        lupdate(ts_path(language))


def release() -> None:
    for language in LANGUAGES:
        ts = ts_path(language)
        subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))], cwd=ROOT, check=True,
                       capture_output=True)


def compiled(ts: Path) -> bytes:
    """What lrelease makes of the .ts now."""
    with tempfile.TemporaryDirectory() as tmp:
        qm = Path(tmp) / ts.with_suffix(".qm").name
        subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], cwd=ROOT, check=True, capture_output=True)
        return qm.read_bytes()


def messages(path: Path):
    """(context, source, message element) for every message of a .ts file."""
    for context in ET.parse(path).getroot().iter("context") if path.exists() else ():
        name = context.findtext("name")
        for message in context.iter("message"):
            yield name, message.findtext("source"), message


def translation_text(message: ET.Element) -> str:
    translation = message.find("translation")
    if translation is None:
        return ""
    forms = translation.findall("numerusform")
    return (forms[0].text or "") if forms else (translation.text or "")


def fill(language: str = "zh_CN") -> tuple[int, list[tuple[str, str]]]:
    """Every message gets the glossary's Chinese; a message the glossary lacks is marked unfinished."""
    words = glossary(language)
    path = ts_path(language)
    tree = ET.parse(path)
    filled, missing = 0, []
    for context in tree.getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            source = message.findtext("source")
            translation = message.find("translation")
            if translation is None:
                translation = ET.SubElement(message, "translation")
            text = lookup(words, name, source)
            if text is None:
                translation.set("type", "unfinished")
                missing.append((name, source))
                continue
            filled += 1
            if translation_text(message) == text and not translation.get("type"):
                continue
            for child in list(translation):
                translation.remove(child)
            if message.get("numerus") == "yes":  # Chinese has one plural form
                translation.text = None
                ET.SubElement(translation, "numerusform").text = text
            else:
                translation.text = text
            translation.attrib.pop("type", None)
    with open(path, "wb") as out:
        out.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(out, encoding="utf-8", xml_declaration=False)
    return filled, missing


def problems(language: str = "zh_CN") -> list[str]:
    """Everything that keeps the shipped Chinese from being the glossary's, one line each."""
    found: list[str] = []
    words = glossary(language)
    ts = ts_path(language)
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / ts.name
        lupdate(fresh)
        wanted = {(c, s) for c, s, _ in messages(fresh)}
    have = {(c, s): m for c, s, m in messages(ts)}
    for context, source in sorted(wanted - have.keys()):
        found.append(f"not in {ts.name} (run scripts/i18n.py) [{context}] {source}")
    used: set[str] = set()
    for context, source in sorted(wanted):
        text = lookup(words, context, source)
        if text is None:
            found.append(f"no Chinese in the glossary [{context}] {source}")
            continue
        used.add(f"{context}|{source}" if f"{context}|{source}" in words else source)
        message = have.get((context, source))
        if message is None:
            continue
        translation = message.find("translation")
        if translation is None or translation.get("type") or translation_text(message) != text:
            found.append(f"{ts.name} differs from the glossary (run scripts/i18n.py) [{context}] {source}")
    for context, source in outside_qt():
        text = lookup(words, context, source)
        if text is None:
            found.append(f"no Chinese in the glossary [{context}] {source}")
            continue
        used.add(f"{context}|{source}" if f"{context}|{source}" in words else source)
    for key in sorted(words.keys() - used):
        found.append(f"glossary entry no screen uses: {key}")
    qm = ts.with_suffix(".qm")
    if not qm.exists() or qm.read_bytes() != compiled(ts):  # by content: a checkout's times say nothing
        found.append(f"{qm.name} is missing or not built from its .ts: run scripts/i18n.py release")
    return found


def check() -> int:
    status = 0
    for language in LANGUAGES:
        for line in problems(language):
            print(f"[{language}] {line}")
            status = 1
    return status


def main(argv: list[str]) -> int:
    action = argv[0] if argv else "all"
    if action not in ("all", "update", "fill", "release", "check"):
        sys.exit(__doc__)
    if action in ("all", "update"):
        update()
    if action in ("all", "fill"):
        for language in LANGUAGES:
            filled, missing = fill(language)
            print(f"{language}: {filled} translation(s) from the glossary, {len(missing)} missing")
            for context, source in missing:
                print(f"  no Chinese in the glossary [{context}] {source}")
    if action in ("all", "release"):
        release()
    if action == "check":
        return check()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
