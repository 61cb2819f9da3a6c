"""Text is text: what a customer, a shop, a carrier or an operator wrote is shown as it was typed, never read as
markup. Qt guesses: a QLabel, a tooltip or a message box whose text merely looks like HTML (``<b>PAID</b>``,
``<img src=x>``) is drawn as rich text. The screens make every label that can show such text plain with
:func:`plain`, escape what they put into a label they compose as rich text on purpose with :func:`escaped`, and
give tooltips :func:`plain_tip`."""

from __future__ import annotations

import html

from PySide6.QtGui import Qt
from PySide6.QtWidgets import QLabel, QMessageBox


def plain(*widgets: QLabel | QMessageBox) -> None:
    """Show each label's (or message box's) text literally, whatever it looks like."""
    for widget in widgets:
        widget.setTextFormat(Qt.TextFormat.PlainText)


def plain_label(text: str = "", *, wrap: bool = False) -> QLabel:
    """A QLabel that shows ``text`` (and every text set later) literally."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    return label


def escaped(text: object) -> str:
    """``text`` ready to go inside a label composed as rich text on purpose: its ``<``, ``>`` and ``&`` shown as
    themselves; line breaks kept."""
    return html.escape(str(text), quote=False).replace("\n", "<br>")


def plain_tip(text: str) -> str:
    """A tooltip that shows ``text`` literally: Qt renders a tooltip that looks like HTML as HTML, so such a
    text is handed over already converted (escaped, in a paragraph); any other text is left as it is."""
    if text and Qt.mightBeRichText(text):
        return Qt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)
    return text
