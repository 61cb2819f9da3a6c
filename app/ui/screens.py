"""The screens the main window can host, by role: one line each.

A screen is any QWidget built by ``factory(env)`` (``env`` is a :class:`ScreenEnv`). It may also
offer ``on_change(topic, key)`` (live sync), ``handle_scan(text) -> bool`` (a scan while it is
shown) and ``shutdown()``. To add a screen, add a line to ``SCREENS`` or call
:func:`register_screen` from your package; the factory is named as ``"module:callable"`` so that
a screen's module is imported only when a user who may see it logs in. Packages under ``app.ui``
are discovered (:func:`discover_screens`): a package's ``register()`` function or ``registry``
module adds its screens.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.admin.auth import has_role
from app.context import Actor

if TYPE_CHECKING:
    from app.context import Context
    from app.sync.qt import SyncBridge
    from app.ui.feedback import Feedback
    from app.ui.shipping.worker import PrintQueueThread


@dataclass
class ScreenEnv:
    """What a screen gets: the database, who is logged in where, live sync and scan feedback."""

    ctx: Context
    station: str
    user_id: int
    username: str
    display_name: str
    role: str
    feedback: Feedback
    sync: SyncBridge | None = None
    open_screen: Callable[[str], None] = field(default=lambda name: None)
    apply_settings: Callable[[], None] = field(default=lambda: None)
    _print_queue: PrintQueueThread | None = field(default=None, repr=False)

    @property
    def actor(self) -> Actor:
        return Actor(station=self.station, user=self.username, role=self.role)

    def print_queue(self) -> PrintQueueThread:
        """The station's one print-queue worker, started on first use: the pack and shipping screens share it,
        so the queue is polled once and each outcome is told once."""
        if self._print_queue is None:
            from app.ui.shipping.worker import station_print_queue

            self._print_queue = station_print_queue(self.ctx.sessions, self.station, self.feedback)
        return self._print_queue

    def close(self) -> None:
        """At log-out: the print queue's worker stops (a job being sent finishes first)."""
        if self._print_queue is not None:
            self._print_queue.stop()
            self._print_queue = None


@dataclass(frozen=True)
class ScreenSpec:
    name: str
    title: str  # source text in the "Screens" translation context
    roles: tuple[str, ...]
    factory: str  # "package.module:callable"

    def allowed(self, role: str) -> bool:
        return any(has_role(role, needed) for needed in self.roles)

    def translated_title(self) -> str:
        return QCoreApplication.translate("Screens", self.title)

    def build(self, env: ScreenEnv):
        module, _, name = self.factory.partition(":")
        return getattr(importlib.import_module(module), name)(env)


ALL_ROLES = ("packer", "supervisor", "shipping", "service", "admin")

SCREENS: list[ScreenSpec] = [
    ScreenSpec("queue", QT_TRANSLATE_NOOP("Screens", "Order queue"), ALL_ROLES, "app.ui.queue.view:QueueScreen"),
    ScreenSpec("pack", QT_TRANSLATE_NOOP("Screens", "Pack"), ("packer",), "app.ui.pack.screen:PackScreen"),
    ScreenSpec("review", QT_TRANSLATE_NOOP("Screens", "Review desk"), ("service",), "app.ui.review.desk:ReviewDesk"),
    ScreenSpec("supervisor", QT_TRANSLATE_NOOP("Screens", "Supervisor board"), ("supervisor",),
               "app.ui.supervisor.board:SupervisorBoard"),
    ScreenSpec("admin", QT_TRANSLATE_NOOP("Screens", "Administration"), ("admin",), "app.ui.admin.screen:AdminScreen"),
    ScreenSpec("settings", QT_TRANSLATE_NOOP("Screens", "Settings"), ALL_ROLES, "app.ui.settings:SettingsScreen"),
]


def register_screen(spec: ScreenSpec, before: str | None = "settings") -> None:
    """Add (or replace) a screen; by default it goes before Settings."""
    for i, existing in enumerate(SCREENS):
        if existing.name == spec.name:
            SCREENS[i] = spec
            return
    names = [s.name for s in SCREENS]
    SCREENS.insert(names.index(before) if before in names else len(SCREENS), spec)


_discovered = False


def discover_screens() -> None:
    """Let every package under ``app.ui`` add its screens: a package-level ``register()`` function is
    called, a ``registry`` module is imported. Once per process; a broken package is logged and skipped."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    import logging
    import pkgutil

    import app.ui

    for info in pkgutil.iter_modules(app.ui.__path__):
        if not info.ispkg:
            continue
        name = f"app.ui.{info.name}"
        try:
            package = importlib.import_module(name)
            register = getattr(package, "register", None)
            if callable(register):
                register()
            if importlib.util.find_spec(f"{name}.registry") is not None:
                importlib.import_module(f"{name}.registry")
        except Exception:  # noqa: BLE001 - one package's failure must not keep the station from starting
            logging.getLogger(__name__).exception("screens of %s not available", name)


def screens_for(role: str) -> list[ScreenSpec]:
    discover_screens()
    return [spec for spec in SCREENS if spec.allowed(role)]
