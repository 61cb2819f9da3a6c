"""Every sentence the pick session answers with, marked for translation (context "PickMessages").
The session (plain Python, no Qt) fills ``{name}`` fields; the screen translates the template first."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.domain.error_texts import operator_text
from app.ui.texts import ui_language

TEMPLATES = (
    QT_TRANSLATE_NOOP("PickMessages", "Every stop is done."),
    QT_TRANSLATE_NOOP("PickMessages", "Empty scan: nothing read."),
    QT_TRANSLATE_NOOP("PickMessages", "Bin {bin} does not exist in this warehouse."),
    QT_TRANSLATE_NOOP("PickMessages", "Wrong bin {scanned}: go to {bin}."),
    QT_TRANSLATE_NOOP("PickMessages", "Bin {bin} OK: take {quantity} x {item} into tote {tote}."),
    QT_TRANSLATE_NOOP("PickMessages", "Scan the label of bin {bin} first."),
    QT_TRANSLATE_NOOP("PickMessages", "Wrong item {scanned}: this stop wants {sku} ({item})."),
    QT_TRANSLATE_NOOP("PickMessages", "{sku}: {count} of {quantity}, into tote {tote}."),
    QT_TRANSLATE_NOOP("PickMessages", "Quantity must be between 1 and {quantity}."),
    QT_TRANSLATE_NOOP("PickMessages", "{sku}: {done} of {quantity} picked."),
    QT_TRANSLATE_NOOP("PickMessages", "{quantity} x {sku} into tote {tote}."),
    QT_TRANSLATE_NOOP("PickMessages", "{quantity} x {sku} into tote {tote}. Order {order} is picked."),
    QT_TRANSLATE_NOOP("PickMessages", "This is the last stop: pick it or report it short."),
    QT_TRANSLATE_NOOP("PickMessages", "Skipped {bin}: it comes back at the end. Next: {next}."),
    QT_TRANSLATE_NOOP("PickMessages", "Short pick of {sku} at {bin} recorded: order {order} is re-allocated; "
                                      "put the contents of tote {tote} back."),
    QT_TRANSLATE_NOOP("PickMessages", "Short pick of {sku} at {bin} recorded: order {order} is backordered; "
                                      "put the contents of tote {tote} back."),
    "{error}",  # a service's own message, shown as it is
    "{text}",  # the screen's own, already translated
)


def translated(feedback) -> str:
    """The feedback's sentence in the current language, its fields filled in."""
    template = feedback.template
    params = dict(feedback.params)
    chinese = ui_language() == "zh_CN"
    if template in TEMPLATES:
        template = QCoreApplication.translate("PickMessages", template)
    if chinese and params.get("item_zh"):  # the catalogue's Chinese name where it has one
        params["item"] = params["item_zh"]
    if template == "{error}":
        params["error"] = operator_text(str(params.get("error", "")), ui_language())
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):  # a translation that lost a field: fall back to English
        return feedback.message
