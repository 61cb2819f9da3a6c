"""The Administration screen (admin role): one tab a section, the sections listed in
:mod:`app.ui.admin.sections`."""

from __future__ import annotations

import importlib
import logging

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from app.ui.admin.sections import SECTIONS

log = logging.getLogger(__name__)


def section_title(name: str) -> str:
    return QCoreApplication.translate("AdminSections", name)


class AdminScreen(QWidget):
    def __init__(self, env, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        title = QLabel(self.tr("Administration"))
        title.setObjectName("title")
        self.tabs = QTabWidget()
        self.sections: dict[str, QWidget] = {}
        for name, factory in SECTIONS:
            widget = self._build(name, factory)
            self.tabs.addTab(widget, section_title(name))
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)

    def _build(self, name: str, factory: str) -> QWidget:
        module, _, cls = factory.partition(":")
        try:
            widget = getattr(importlib.import_module(module), cls)(self.env)
        except Exception:  # noqa: BLE001 - one section's failure leaves the others working
            log.exception("administration section %s not available", name)
            widget = QLabel(self.tr("This section could not be opened; the log says why."))
            widget.setTextFormat(Qt.PlainText)
            widget.setAlignment(Qt.AlignCenter)
            return widget
        self.sections[name] = widget
        return widget

    def section(self, name: str) -> QWidget | None:
        return self.sections.get(name)

    def show_section(self, name: str) -> None:
        widget = self.sections.get(name)
        if widget is not None:
            self.tabs.setCurrentWidget(widget)

    def on_change(self, topic: str, key: str) -> None:
        for widget in self.sections.values():
            handler = getattr(widget, "on_change", None)
            if callable(handler):
                handler(topic, key)

    def shutdown(self) -> None:
        for widget in self.sections.values():
            handler = getattr(widget, "shutdown", None)
            if callable(handler):
                handler()
