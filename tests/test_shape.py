"""The shape the code keeps (issue 17, items 1 and 2), read from the import graph with ``ast``.

Screens (app/ui), commands (app/cli) and the HTTP side (app/web) are thin adapters over the capabilities'
services and read models: they import no sqlalchemy, no ``db`` package and no unit of work, at module level
or inside a function. The domain (app/domain) imports neither Qt nor sqlalchemy."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ADAPTERS = ("app/ui", "app/cli", "app/web")

# Adapter imports that are allowed all the same, each with its reason: "path": {"module": "reason"} (a module
# allows its submodules too). None is left: keep it so.
ALLOWED: dict[str, dict[str, str]] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, name: str | None = None) -> list[tuple[int, str]]:
    """Every module ``path`` (the module ``name``) imports, top-level and in functions, relative imports
    resolved; for ``from X import Y`` both X and X.Y (Y may be a submodule)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = (name or _module_name(path)).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module":
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.append((node.lineno, node.args[0].value))
    return found


def _hits(module: str, banned: tuple[str, ...]) -> bool:
    return any(module == name or module.startswith(name + ".") for name in banned)


def _offences(folders: tuple[str, ...], banned: tuple[str, ...], allowed: dict[str, dict[str, str]]) -> list[str]:
    offences = []
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            seen: set[tuple[int, str]] = set()
            for line, module in _imports(path):
                if not _hits(module, banned) or _hits(module, tuple(allowed.get(rel, {}))):
                    continue
                # ``from db import models`` names db and db.models: one offence a line and a root module
                key = (line, module.split(".")[0])
                if key in seen:
                    continue
                seen.add(key)
                offences.append(f"{rel}:{line}: imports {module}")
    return offences


def test_adapters_import_no_sqlalchemy_no_db_no_unit_of_work():
    offences = _offences(ADAPTERS, ("sqlalchemy", "db", "app.uow"), ALLOWED)
    assert not offences, "adapters reach past the services:\n" + "\n".join(offences)


def test_every_allowlist_entry_is_still_needed():
    stale = []
    for rel, modules in ALLOWED.items():
        used = [module for _, module in _imports(ROOT / rel)] if (ROOT / rel).exists() else []
        stale.extend(f"{rel}: {allowed}" for allowed in modules if not any(_hits(m, (allowed,)) for m in used))
    assert not stale, "allowlist entries nothing needs any more:\n" + "\n".join(stale)


def _session_calls(path: Path) -> list[int]:
    """Lines where ``path`` opens a session or a connection itself: ``X.sessions()``, ``X.engine.connect()``,
    ``X.sessions.begin()``."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name, owner = node.func.attr, node.func.value
        owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
        if name == "sessions" or (name in ("connect", "begin") and owner_name in ("engine", "sessions")):
            lines.append(node.lineno)
    return lines


def test_adapters_open_no_session_of_their_own():
    """A screen, a command or a page hands ``ctx.sessions`` to a service or a read model; it never opens one."""
    offences = [f"{path.relative_to(ROOT).as_posix()}:{line}: opens a session" for folder in ADAPTERS
                for path in sorted((ROOT / folder).rglob("*.py")) for line in _session_calls(path)]
    assert not offences, "adapters run their own transactions:\n" + "\n".join(offences)


def test_the_session_check_sees_each_way_of_opening_one(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("with ctx.sessions() as s: pass\nwith self.env.ctx.engine.connect() as c: pass\n"
                     "with sessions.begin() as s: pass\nservice(ctx.sessions)\n", encoding="utf-8")
    assert _session_calls(probe) == [1, 2, 3]


def test_domain_imports_neither_qt_nor_sqlalchemy():
    offences = _offences(("app/domain",), ("sqlalchemy", "PySide6", "shiboken6", "db", "app.uow"), {})
    assert not offences, "the domain reaches into persistence or Qt:\n" + "\n".join(offences)


def test_the_reader_sees_every_kind_of_import(tmp_path):
    """The check itself: top-level, in-function, relative and aliased imports are all seen."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import sqlalchemy as sa\n"
        "from ..uow import Actor\n"
        "def f():\n"
        "    from db.models import Order\n"
        "    import db\n"
        "from .. import uow\n",
        encoding="utf-8",
    )
    found = set(_imports(probe, "app.ui.probe"))
    assert (1, "sqlalchemy") in found
    assert (2, "app.uow") in found
    assert (4, "db.models") in found
    assert (5, "db") in found
    assert (6, "app.uow") in found
    assert _hits("sqlalchemy.orm", ("sqlalchemy",)) and not _hits("dbx", ("db",)) and not _hits("app.uowx", ("app.uow",))
