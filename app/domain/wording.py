"""Sentences with ``{named}`` fields in English, written where their wording lives (the review rules' reasons,
the returns policy's answers), and their Simplified Chinese from the one translation source (:mod:`app.i18n`,
the glossary), looked up in the wording's context.

``Wording.en(key, **values)`` is the English a rule stores or raises, unchanged; ``Wording.say(text, language)``
gives any sentence it made in ``language``: it reads the English back into its fields (a review flag's reason
is stored in English, so this also serves reasons written before the Chinese existed) and fills the Chinese,
through a field's own translator where one is given (a status, a category, a list of address parts). A
sentence it did not make comes back as it is. Pure Python.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable

from app import i18n
from app.domain.names import chinese_wanted

Translator = Callable[[str], str]
# Several sentences joined ("; ") and a listed field ("a, b, c") in the reader's language.
i18n.register("Separator", ("; ", ", "))


class Wording:
    def __init__(self, context: str, sentences: dict[str, str], fields: dict[str, Translator] | None = None,
                 shapes: dict[str, str] | None = None) -> None:
        """``context``: the glossary context of the sentences (their Chinese is "context|English" or "English");
        ``fields``: a field's Chinese from its English value; ``shapes``: a regular expression for a field
        that sits right next to another one (``{country}{example}``), so the English reads back unambiguously."""
        self.context = context
        i18n.register(context, sentences.values())
        # key: (English, Chinese); the Chinese is the glossary's (English where it has none).
        self.sentences = {key: (english, i18n.translation(english, "zh_CN", context))
                          for key, english in sentences.items()}
        self.fields = fields or {}
        self._patterns = [(key, _pattern(english, shapes or {}), _literal_length(english))
                          for key, (english, _) in self.sentences.items()]

    def en(self, key: str, **values: object) -> str:
        return self.sentences[key][0].format(**values)

    def zh(self, key: str, **values: object) -> str:
        translated = {k: (self.fields[k](str(v)) if k in self.fields else v) for k, v in values.items()}
        return self.sentences[key][1].format(**translated)

    def parse(self, text: str) -> tuple[str, dict[str, str]] | None:
        """The key and fields of an English sentence this wording made, or None."""
        best: tuple[int, str, dict[str, str]] | None = None
        for key, pattern, literal in self._patterns:  # the most specific sentence wins ("no order to pick")
            match = pattern.fullmatch(text)
            if match and (best is None or literal > best[0]):
                best = (literal, key, match.groupdict())
        return None if best is None else (best[1], best[2])

    def say(self, text: str, language: str | None) -> str:
        """``text`` (an English sentence of this wording, or several joined by "; ") in ``language``."""
        if not chinese_wanted(language) or not text:
            return text
        parsed = self.parse(text)
        if parsed is not None:
            return self.zh(parsed[0], **parsed[1])
        if "; " in text:
            parts = [self.say(part, language) for part in text.split("; ")]
            return i18n.translation("; ", language, "Separator").join(parts)
        return text


def _literal_length(english: str) -> int:
    return sum(len(literal) for literal, _, _, _ in string.Formatter().parse(english))


def _pattern(english: str, shapes: dict[str, str]) -> re.Pattern[str]:
    out = []
    for literal, field, _, _ in string.Formatter().parse(english):
        out.append(re.escape(literal))
        if field is not None:
            out.append(f"(?P<{field}>{shapes.get(field, '.*?')})")
    return re.compile("".join(out), re.S)


def quoted(value: str) -> str:
    """``'ABC'`` (Python's repr in the English) -> ``“ABC”``."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return f"“{value}”"


def listed(translate: Translator) -> Translator:
    """A field holding "a, b, c": each part translated, joined with the Chinese enumeration comma."""
    return lambda value: i18n.translation(", ", "zh_CN", "Separator").join(translate(part) for part in value.split(", "))
