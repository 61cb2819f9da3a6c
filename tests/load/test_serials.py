"""Serials (tracking numbers, SSCCs) under load: a label transaction in progress does not make the other stations
wait for its serials, and a serial is never given twice, even when the transaction that took it rolls back."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.context import open_context
from app.shipping.carriers import next_serials
from tests.conftest import require_backend

COUNTER = "sscc:0614141"


@pytest.fixture
def pg_ctx(database_factory):
    require_backend("postgresql")
    url = database_factory.create("postgresql")
    context = open_context(url, migrate_schema=False)
    yield context
    context.dispose()
    database_factory.drop(url)


@pytest.mark.postgres
def test_a_label_in_progress_does_not_hold_the_counter(pg_ctx):
    with pg_ctx.sessions() as s:
        first_ever = next_serials(s, COUNTER, 2)  # creates the counter row in this transaction
        s.commit()
    with pg_ctx.sessions() as labelling, pg_ctx.sessions() as other:
        taken = next_serials(labelling, COUNTER, 2)  # a label transaction, still open
        # Without the fix the other station waits for the open transaction: the lock timeout turns that into an error.
        other.execute(text("SET lock_timeout = '2s'"))
        after = next_serials(other, COUNTER)
        other.commit()
        labelling.rollback()  # the label failed: its serials are skipped, not given again
    with pg_ctx.sessions() as s:
        last = next_serials(s, COUNTER)
        s.commit()
    assert (first_ever, taken, after, last) == (1, 3, 5, 6)


@pytest.mark.postgres
def test_a_counter_made_in_the_same_transaction_serves_it(pg_ctx):
    """The counter row is new and uncommitted: the caller's transaction takes the serials (nothing waits on itself)."""
    with pg_ctx.sessions() as s:
        assert next_serials(s, "tracking:NEW") == 1
        assert next_serials(s, "tracking:NEW", 3) == 2
        s.rollback()
    with pg_ctx.sessions() as s:
        assert next_serials(s, "tracking:NEW") == 1
        s.commit()


def test_several_counters_are_taken_together(ctx):
    """A label's tracking numbers and SSCCs in one call: one short transaction of their own on PostgreSQL, the
    caller's for a counter it has only just made; each counter goes on from where it was."""
    from app.shipping.carriers import take_serials

    with ctx.sessions() as s:
        assert next_serials(s, COUNTER, 4) == 1
        s.commit()
    with ctx.sessions() as s:
        assert take_serials(s, {COUNTER: 2, "tracking:BRAND-NEW": 2}) == {COUNTER: 5, "tracking:BRAND-NEW": 1}
        assert take_serials(s, {"tracking:BRAND-NEW": 1, COUNTER: 1}) == {"tracking:BRAND-NEW": 3, COUNTER: 7}
        s.commit()
    with ctx.sessions() as s:
        assert next_serials(s, COUNTER) == 8 and next_serials(s, "tracking:BRAND-NEW") == 4
