"""Migration files are named by their Alembic branch: ``<branch>_<revision>.py`` (foundation_0001_foundation.py,
shipping_0016_carrier_table_version.py, ...), so the folder reads as the branches it holds. Only the file names
say so; the revision ids stay as they are, so a database migrated before the renaming still upgrades."""

from __future__ import annotations

import ast
from pathlib import Path

from db.migrate import MIGRATIONS

VERSIONS = MIGRATIONS / "versions"


def _header(path: Path) -> dict[str, object]:
    """revision, down_revision and branch_labels as the file assigns them at module level."""
    values: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ("revision", "down_revision", "branch_labels"):
                values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


def _branches() -> dict[Path, str]:
    """Each migration file and the branch it belongs to: its own label, else the label of what it revises."""
    headers = {path: _header(path) for path in sorted(VERSIONS.glob("*.py"))}
    by_revision = {values["revision"]: path for path, values in headers.items()}
    branch: dict[Path, str] = {}
    for path in headers:
        seen, current = [], path
        while True:
            values = headers[current]
            labels = values.get("branch_labels")
            if labels:
                labels = (labels,) if isinstance(labels, str) else tuple(labels)
                assert len(labels) == 1, f"{current.name}: one branch label a branch root, found {labels}"
                branch[path] = labels[0]
                break
            down = values.get("down_revision")
            if isinstance(down, tuple) and down:
                down = down[0]  # a merge of one branch's heads: it belongs where its first parent does
            assert isinstance(down, str), f"{current.name}: neither a branch label nor a revision below it"
            assert down in by_revision, f"{current.name}: revises {down}, which no file defines"
            assert current not in seen, f"{path.name}: its revisions go round in a circle"
            seen.append(current)
            current = by_revision[down]
    return branch


def test_every_migration_file_is_named_by_its_branch():
    branches = _branches()
    assert branches, "no migration files found"
    wrong = [f"{path.name} belongs to branch {name!r}: call it {name}_{path.name.split(name + '_')[-1]}"
             for path, name in branches.items() if not path.name.startswith(f"{name}_")]
    assert not wrong, "\n".join(wrong)


def test_the_file_name_ends_with_its_revision():
    wrong = [f"{path.name}: revision {_header(path)['revision']!r}" for path in VERSIONS.glob("*.py")
             if not path.stem.endswith(str(_header(path)["revision"]))]
    assert not wrong, "\n".join(wrong)


def test_every_branch_has_its_root():
    assert {"foundation", "shipping", "aftersales", "packing", "web", "station_ui"} <= set(_branches().values())


def test_every_branch_has_one_head():
    """Two migrations written side by side on one revision leave a branch with two heads; a merge revision
    joins them (foundation_0023_foundation_heads.py), so the next migration of a branch has one parent."""
    branches = _branches()
    revised: set[object] = set()
    for path in branches:
        down = _header(path).get("down_revision")
        revised.update(down if isinstance(down, tuple) else (down,))
    heads: dict[str, list[str]] = {}
    for path, name in branches.items():
        if _header(path)["revision"] not in revised:
            heads.setdefault(name, []).append(path.name)
    several = {name: files for name, files in heads.items() if len(files) > 1}
    assert not several, f"branches with more than one head: {several}"
