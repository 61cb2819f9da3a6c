"""The one translation source for every text outside Qt's tr(): operator messages, service refusals, review
reasons, the returns policy's answers, reports, the customer pages and the e-mails.

The English is written where the text is used; the Chinese lives in ``resources/i18n/zh_CN_glossary.py``, the same
file the Qt screens' .ts/.qm are built from (``scripts/i18n.py``), keyed by the English text or by
"Context|English" where one English text needs different Chinese in different places. So every Chinese string of
the product lives in that one file.

    text("Order {number} packed.", "zh_CN", "PackMessages", number="WS1")   ->  "订单 WS1 已打包。"
    translation("Order {number} packed.", "zh_CN", "PackMessages")          ->  "订单 {number} 已打包。"

A module whose texts go through here says which ones with :func:`register` (its context and its English), at
import; :func:`catalogue` imports every such module (:data:`MODULES`) and returns them all: ``scripts/i18n.py
check`` counts them as glossary entries in use, and ``tests/test_texts.py`` checks each has its Chinese with the
same placeholders. Chinese has one plural form: an English "item(s)" needs no plural helper. Pure Python, no Qt.
"""

from __future__ import annotations

import functools
import re
import runpy
from collections.abc import Iterable
from pathlib import Path

GLOSSARY = Path(__file__).resolve().parents[1] / "resources" / "i18n" / "zh_CN_glossary.py"
LANGUAGES = ("en", "zh_CN")

# Every module that registers texts (imported by catalogue(): importing it registers them).
MODULES = (
    "app.domain.names",
    "app.domain.error_texts",
    "app.domain.rules",
    "app.aftersales.policy",
    "app.packing.messages",
    "app.goodsin.messages",
    "app.counting.messages",
    "app.notify.templates",
    "app.web.i18n",
    "app.reports.texts",
)

_registry: dict[tuple[str, str], None] = {}


def chinese_wanted(language: str | None) -> bool:
    return (language or "").lower().replace("-", "_").startswith("zh")


@functools.lru_cache(maxsize=1)
def glossary() -> dict[str, str]:
    """The glossary's Chinese, keyed by "English" or "Context|English"."""
    try:
        return dict(runpy.run_path(str(GLOSSARY))["ZH_CN"])
    except (OSError, KeyError, SyntaxError):  # a broken checkout must not take the words away: English then
        return {}


def key_of(english: str, context: str | None = None) -> str | None:
    """The glossary key that gives ``english`` its Chinese in ``context`` (None: the glossary has none)."""
    words = glossary()
    if context and f"{context}|{english}" in words:
        return f"{context}|{english}"
    return english if english in words else None


def translation(english: str, language: str | None, context: str | None = None) -> str:
    """The template of ``english`` in ``language``, placeholders unfilled: the glossary's Chinese, else English."""
    if not chinese_wanted(language):
        return english
    key = key_of(english, context)
    return glossary()[key] if key is not None else english


def text(english: str, language: str | None, context: str | None = None, **params: object) -> str:
    """``english`` in ``language`` with its ``{named}`` placeholders filled; a missing value never hides the text."""
    template = translation(english, language, context)
    if not params:
        return template
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def register(context: str, english: Iterable[str]) -> None:
    """Say that the texts ``english`` are looked up in ``context`` (for the check and the test)."""
    for source in english:
        _registry[(context, source)] = None


def catalogue() -> list[tuple[str, str]]:
    """(context, English) of every text outside Qt that takes its Chinese from the glossary."""
    import importlib

    for name in MODULES:
        importlib.import_module(name)
    return list(_registry)


_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|%\d+|%n")


def placeholders(template: str) -> list[str]:
    """``{number}``, ``%1``, ``%n`` in a template, sorted (a translation may put them in another order)."""
    return sorted(_PLACEHOLDER.findall(template))
