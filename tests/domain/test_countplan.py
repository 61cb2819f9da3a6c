"""The cycle-count plan and the blind count's arithmetic (issue 18, item 6), without a database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.countplan import (
    BinFacts,
    CountLine,
    PlanRules,
    Variance,
    fast_threshold,
    plan,
    tolerance,
    variances,
)

TODAY = date(2026, 3, 2)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def codes(bins: list[BinFacts], rules: PlanRules | None = None) -> list[str]:
    return [p.code for p in plan(bins, rules or PlanRules(), TODAY)]


# -- the plan -------------------------------------------------------------------------------------------------


def test_a_bin_falls_due_on_the_day_its_interval_ends_and_not_before() -> None:
    bins = [BinFacts(1, "A01-01-1", ago(90), 0, True), BinFacts(2, "A01-01-2", ago(89), 0, True)]
    [planned] = plan(bins, PlanRules(), TODAY)
    assert (planned.bin_id, planned.due, planned.overdue_days, planned.fast) == (1, TODAY, 0, False)


def test_most_overdue_first_with_its_due_date() -> None:
    bins = [BinFacts(1, "A", ago(95), 0, True), BinFacts(2, "B", ago(120), 0, True), BinFacts(3, "C", ago(100), 0, True)]
    planned = plan(bins, PlanRules(), TODAY)
    assert [(p.code, p.overdue_days, p.due) for p in planned] == [
        ("B", 30, ago(30)), ("C", 10, ago(10)), ("A", 5, ago(5))]


def test_equally_overdue_fast_movers_first_then_most_picks_then_code() -> None:
    # Ten bins, share 0.2: the two with most picks are fast. Each falls due today (overdue 0 days).
    rules = PlanRules(every_days=90, fast_every_days=30)
    bins = [BinFacts(i, f"Z{i:02d}", None, 0, True) for i in range(10, 16)]  # never counted: due today, 0 picks
    bins += [
        BinFacts(1, "D", ago(30), 50, True),  # fast, due today
        BinFacts(2, "C", ago(30), 40, True),  # fast, due today
        BinFacts(3, "B", ago(90), 7, True),  # slow, due today
        BinFacts(4, "A", ago(90), 7, True),  # slow, due today, same picks: by code
    ]
    assert codes(bins, rules) == ["D", "C", "A", "B", "Z10", "Z11", "Z12", "Z13", "Z14", "Z15"]


def test_two_bins_with_one_code_are_ordered_by_id() -> None:
    bins = [BinFacts(9, "A", ago(90), 0, True), BinFacts(3, "A", ago(90), 0, True)]
    assert [p.bin_id for p in plan(bins, PlanRules(), TODAY)] == [3, 9]


def test_fast_movers_fall_due_sooner() -> None:
    # Five bins, share 0.2: one fast mover (100 picks), counted 40 days ago: due 10 days ago. The slow ones
    # counted 40 days ago are not due.
    bins = [BinFacts(1, "FAST", ago(40), 100, True)] + [BinFacts(i, f"S{i}", ago(40), 5, True) for i in range(2, 6)]
    [planned] = plan(bins, PlanRules(), TODAY)
    assert (planned.code, planned.fast, planned.due, planned.overdue_days) == ("FAST", True, ago(10), 10)


def test_a_fast_interval_longer_than_the_general_one_does_not_relax_it() -> None:
    bins = [BinFacts(1, "FAST", ago(60), 100, True), BinFacts(2, "SLOW", ago(10), 1, True)]
    [planned] = plan(bins, PlanRules(every_days=50, fast_every_days=80, fast_share=0.5), TODAY)
    assert (planned.code, planned.fast, planned.overdue_days) == ("FAST", True, 10)


def test_the_cap_keeps_the_most_urgent() -> None:
    bins = [BinFacts(i, f"B{i:02d}", ago(90 + i), 0, True) for i in range(20)]
    assert codes(bins, PlanRules(per_day=3)) == ["B19", "B18", "B17"]
    assert codes(bins, PlanRules(per_day=0)) == []
    assert len(codes(bins, PlanRules(per_day=100))) == 20
    assert len(codes(bins, PlanRules(per_day=None))) == 20


def test_a_bin_never_counted_is_due_at_once() -> None:
    bins = [BinFacts(1, "NEW", None, 0, True), BinFacts(2, "OLD", ago(91), 0, True)]
    planned = plan(bins, PlanRules(), TODAY)
    assert [(p.code, p.due, p.overdue_days) for p in planned] == [("OLD", ago(1), 1), ("NEW", TODAY, 0)]


def test_ties_in_the_fast_share_are_all_fast() -> None:
    # Ten bins, share 0.2 is two bins; the second place is shared by three: four fast movers.
    picks = [90, 50, 50, 50, 10, 9, 8, 7, 6, 5]
    bins = [BinFacts(i, f"B{i}", ago(30), p, True) for i, p in enumerate(picks)]
    planned = plan(bins, PlanRules(), TODAY)
    assert [p.code for p in planned] == ["B0", "B1", "B2", "B3"]
    assert all(p.fast for p in planned)
    assert fast_threshold(picks, 0.2) == 50


def test_the_fast_share_is_counted_exactly_and_never_makes_an_idle_bin_fast() -> None:
    assert fast_threshold(range(30, 0, -1), 0.1) == 28  # 0.1 * 30 is 3 bins, not 4
    assert fast_threshold([5, 0, 0, 0], 0.5) == 1  # rank 2 has no picks: only the bin with picks is fast
    assert fast_threshold([0, 0, 0], 0.5) == 1  # nobody picks: no bin reaches one pick
    assert fast_threshold([5, 4], 0.0) is None
    assert fast_threshold([], 0.2) is None
    bins = [BinFacts(i, f"B{i}", ago(30), 0, True) for i in range(5)]
    assert plan(bins, PlanRules(fast_share=1.0), TODAY) == []  # no picks: slow, not due for another 60 days


def test_empty_bins_only_when_asked() -> None:
    bins = [BinFacts(1, "FULL", ago(100), 0, True), BinFacts(2, "EMPTY", ago(100), 0, False),
            BinFacts(3, "EMPTY-NEW", None, 0, False)]
    assert codes(bins) == ["FULL"]
    assert codes(bins, PlanRules(empty_bins=True)) == ["EMPTY", "FULL", "EMPTY-NEW"]


def test_blocked_bins_are_never_planned() -> None:
    bins = [BinFacts(1, "OPEN", ago(400), 500, True, blocked=True), BinFacts(2, "QUARANTINE", None, 0, False, blocked=True),
            BinFacts(3, "FREE", ago(90), 0, True)]
    assert codes(bins) == ["FREE"]
    assert codes(bins, PlanRules(empty_bins=True, per_day=10)) == ["FREE"]


def test_the_plan_takes_any_iterable_and_is_the_same_each_time() -> None:
    bins = [BinFacts(i, f"B{i % 7}", ago(80 + i % 30), i % 11, i % 5 != 0) for i in range(200)]
    first = plan(bins, PlanRules(per_day=25), TODAY)
    assert plan(iter(bins), PlanRules(per_day=25), TODAY) == first
    assert plan(tuple(reversed(bins)), PlanRules(per_day=25), TODAY) == first


@pytest.mark.parametrize("rules", [
    dict(every_days=0), dict(fast_every_days=-1), dict(fast_share=1.5), dict(fast_share=-0.1), dict(per_day=-1)])
def test_rules_that_make_no_sense_are_refused(rules: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        PlanRules(**rules)  # type: ignore[arg-type]


facts = st.builds(
    BinFacts,
    bin_id=st.integers(1, 10_000),
    code=st.text("AB0123-", min_size=1, max_size=6),
    last_counted=st.none() | st.dates(ago(400), TODAY + timedelta(days=5)),
    picks=st.integers(0, 60),
    has_stock=st.booleans(),
    blocked=st.booleans(),
)
rule_sets = st.builds(
    PlanRules,
    every_days=st.integers(1, 120),
    fast_every_days=st.integers(1, 120),
    fast_share=st.sampled_from([0.0, 0.05, 0.1, 0.2, 0.5, 1.0]),
    per_day=st.none() | st.integers(0, 30),
    empty_bins=st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(facts, max_size=60), rule_sets)
def test_every_planned_bin_is_due_and_no_due_bin_is_left_out(bins: list[BinFacts], rules: PlanRules) -> None:
    planned = plan(bins, rules, TODAY)
    threshold = fast_threshold([b.picks for b in bins], rules.fast_share)

    def due_date(b: BinFacts) -> date:
        if b.last_counted is None:
            return TODAY
        fast = threshold is not None and b.picks >= threshold
        return b.last_counted + timedelta(days=min(rules.fast_every_days, rules.every_days) if fast else rules.every_days)

    eligible = [b for b in bins if not b.blocked and (b.has_stock or rules.empty_bins) and due_date(b) <= TODAY]
    for p in planned:
        assert p.due <= TODAY and p.overdue_days == (TODAY - p.due).days >= 0
        assert any(b.bin_id == p.bin_id and b.code == p.code and due_date(b) == p.due for b in eligible)
    if rules.per_day is None:
        assert sorted((p.bin_id, p.code) for p in planned) == sorted((b.bin_id, b.code) for b in eligible)
        assert {(b.bin_id, b.code) for b in bins if b.has_stock and not b.blocked and due_date(b) <= TODAY} <= {
            (p.bin_id, p.code) for p in planned}
    else:
        assert len(planned) == min(rules.per_day, len(eligible))
    keys = [(-p.overdue_days, not p.fast, p.code) for p in planned]
    assert [k[:2] for k in keys] == sorted(k[:2] for k in keys)


# -- the blind count ------------------------------------------------------------------------------------------


def test_a_count_that_matches_the_books_gives_no_variance() -> None:
    assert variances([CountLine(1, "L1", 10, 10), CountLine(2, "", 0, 0)]) == []


def test_small_differences_pass_large_ones_need_approval() -> None:
    found = variances([CountLine(1, "L1", 10, 8), CountLine(2, "L2", 10, 13), CountLine(3, "", 200, 190),
                       CountLine(4, "", 200, 189)])
    assert found == [
        Variance(1, "L1", 10, 8, -2, False),  # 2 units allowed
        Variance(2, "L2", 10, 13, 3, True),
        Variance(3, "", 200, 190, -10, False),  # 5 % of 200 is 10
        Variance(4, "", 200, 189, -11, True),
    ]


def test_found_stock_and_missing_stock() -> None:
    found = variances([CountLine(7, "NEW", 0, 2), CountLine(8, "GONE", 40, 0), CountLine(9, "X", 0, 3)])
    assert [(v.product_id, v.delta, v.needs_approval) for v in found] == [(7, 2, False), (8, -40, True), (9, 3, True)]


def test_the_share_is_rounded_up_exactly() -> None:
    assert tolerance(60) == 3  # 0.05 * 60 is 3.0000000000000004 in floats
    assert tolerance(61) == 4
    assert tolerance(10) == 2 and tolerance(0) == 2
    assert tolerance(1000, units=2, share=0.01) == 10
    assert [v.needs_approval for v in variances([CountLine(1, "", 60, 63), CountLine(1, "", 60, 64)])] == [False, True]


def test_thresholds_as_given() -> None:
    lines = [CountLine(1, "", 100, 101)]
    assert variances(lines, units=0, share=0.0)[0].needs_approval
    assert not variances(lines, units=1, share=0.0)[0].needs_approval
    with pytest.raises(ValueError):
        variances(lines, units=-1)
    with pytest.raises(ValueError):
        variances([CountLine(1, "", 5, -1)])
