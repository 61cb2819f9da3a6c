"""The SQL statements an engine runs while a recorder is attached: for tests that count round trips or look for
a table's reads."""

from __future__ import annotations

from sqlalchemy import event

# Transaction control: not a round trip worth counting.
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


class Statements:
    """The statements run while attached, transaction control left out, each on one line."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if not statement.lstrip().upper().startswith(CONTROL):
            self.statements.append(" ".join(statement.split()))

    def __enter__(self) -> Statements:
        self.statements.clear()
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)

    def reading(self, table: str) -> int:
        """How many SELECTs read ``table``."""
        return sum(1 for s in self.statements if s.upper().startswith("SELECT") and f"FROM {table}" in s)
