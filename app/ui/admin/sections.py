"""The Administration screen's sections, in the order they show: one line each.

Each entry is ``(name, "module:Class")``: ``name`` is the tab's English title (translated in the
"AdminSections" context, so add it to the glossary), ``Class`` is a QWidget built as ``Class(env)`` with the
screen's :class:`app.ui.screens.ScreenEnv`. It may also offer ``on_change(topic, key)`` (live sync) and
``shutdown()``. A section's module is imported when the screen opens; one that fails to build shows one line
instead of its tab and the others still work.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

SECTIONS: list[tuple[str, str]] = [
    (QT_TRANSLATE_NOOP("AdminSections", "Staff"), "app.ui.admin.staff:StaffSection"),
    (QT_TRANSLATE_NOOP("AdminSections", "Stations"), "app.ui.admin.stations:StationsSection"),
    (QT_TRANSLATE_NOOP("AdminSections", "Products"), "app.ui.admin.products:ProductsSection"),
    (QT_TRANSLATE_NOOP("AdminSections", "Carriers"), "app.ui.admin.carriers:CarriersSection"),
    (QT_TRANSLATE_NOOP("AdminSections", "Channels"), "app.ui.admin.channels:ChannelsSection"),
]
