#!/usr/bin/env python3
"""Build the station's translations: app/ui -> .ts (pyside6-lupdate) -> .qm (pyside6-lrelease).

    scripts/i18n.py            update the .ts from the sources, then compile the .qm
    scripts/i18n.py update     only pyside6-lupdate (keeps the translations already in the .ts)
    scripts/i18n.py release    only pyside6-lrelease
    scripts/i18n.py fill       write resources/i18n/zh_CN_glossary.py's Chinese into unfinished messages
    scripts/i18n.py check      exit 1 if any string is untranslated or the .qm is older than the .ts

Translations are written by hand in resources/i18n/station_zh_CN.ts (Qt Linguist reads it too).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
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


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in SOURCES.rglob("*.py"))


def ts_path(language: str) -> Path:
    return I18N / f"station_{language}.ts"


def update() -> None:
    I18N.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        subprocess.run([tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none", *sources(),
                        "-target-language", language, "-ts", str(ts_path(language).relative_to(ROOT))],
                       cwd=ROOT, check=True)


def release() -> None:
    for language in LANGUAGES:
        ts = ts_path(language)
        subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))], cwd=ROOT, check=True)


def fill(language: str = "zh_CN") -> int:
    """Translate unfinished messages from the glossary ("Context|source" first, then "source")."""
    import runpy

    # Each screen package may keep its own app/ui/<package>/zh_CN.py (a dict named ZH_CN or *_ZH_CN);
    # the central glossary wins where both translate a string.
    glossary: dict[str, str] = {}
    for package_file in sorted(SOURCES.glob(f"*/{language}.py")):
        for key, value in runpy.run_path(str(package_file)).items():
            if key.endswith("ZH_CN") and isinstance(value, dict):
                glossary.update(value)
    glossary.update(runpy.run_path(str(I18N / f"{language}_glossary.py"))["ZH_CN"])
    path = ts_path(language)
    tree = ET.parse(path)
    filled = 0
    for context in tree.getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") != "unfinished":
                continue
            source = message.findtext("source")
            text = glossary.get(f"{name}|{source}", glossary.get(source))
            if text is None:
                continue
            if message.get("numerus") == "yes":
                for child in list(translation):
                    translation.remove(child)
                form = ET.SubElement(translation, "numerusform")
                form.text = text
            else:
                translation.text = text
            del translation.attrib["type"]
            filled += 1
    with open(path, "wb") as out:
        out.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(out, encoding="utf-8", xml_declaration=False)
    return filled


def untranslated(language: str) -> list[tuple[str, str]]:
    tree = ET.parse(ts_path(language))
    missing = []
    for context in tree.getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            numerus = translation.findall("numerusform") if translation is not None else []
            empty = translation is None or (not (translation.text or "").strip() and not any((n.text or "").strip() for n in numerus))
            if empty or translation.get("type") in ("unfinished", "obsolete", "vanished"):
                missing.append((name, message.findtext("source")))
    return missing


def check() -> int:
    status = 0
    for language in LANGUAGES:
        missing = untranslated(language)
        for context, source in missing:
            print(f"untranslated [{language}] {context}: {source}")
        qm = ts_path(language).with_suffix(".qm")
        if not qm.exists() or qm.stat().st_mtime < ts_path(language).stat().st_mtime:
            print(f"{qm.name} is missing or older than its .ts: run scripts/i18n.py release")
            status = 1
        status = status or (1 if missing else 0)
    return status


def main(argv: list[str]) -> int:
    action = argv[0] if argv else "all"
    if action in ("all", "update"):
        update()
    if action in ("all", "fill"):
        print(f"filled {fill()} translation(s) from the glossary")
    if action in ("all", "release"):
        release()
    if action == "check":
        return check()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
