"""What a report says to a person, in English or Simplified Chinese, with its times in the reader's time zone.

The queries (:mod:`app.reports.queries`) make a :class:`~app.reports.model.ReportResult` of codes, booleans,
English words and hours in UTC: what CSV and JSON hand to machines. :func:`present` makes the copy people read on
the reports screen, in a PDF and in ``station report``'s table: the title, the column titles and units, the chart's
titles, the stages, statuses, measures and yes/no as words of ``language``, every hour (in the table and in the
notes) in ``tz``, and the notes (the summary) said again in that language. Plain Python, no Qt.

The words are here in English; their Chinese is the glossary's (:mod:`app.i18n`), where the screens' is too: an
order status, a return reason and a report's title take the Chinese the screens use, so a report says what the
screens say.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

from app import i18n
from app.domain.names import chinese_wanted, say, status_name
from app.domain.wording import Wording
from app.reports.model import Column, ReportResult

HOUR_FORMAT = "%Y-%m-%d %H:%M"

# The words a report says (column titles, units, chart and axis titles, stages, measures, answers), in English;
# their Chinese is the glossary's (context "Report").
WORDS: tuple[str, ...] = (
    "Hour", "Orders", "Status", "Not yet shipped", "Stage", "Average", "Person", "Orders picked", "Orders packed",
    "Item picks", "Active hours", "Picks / hour", "Packs / hour", "Measure", "Count", "Out of", "Rate", "Peak hours",
    "Other hours", "Peak / other", "Bottleneck", "Question", "Answers", "Average (1-5)", "SKU", "Product", "Reason",
    "Kind", "Returns", "Refunded", "min", "h", "%", "cents", "UTC", "local time", "Orders received per hour",
    "Orders by status", "Average time in each stage in the warehouse",
    "Time in each warehouse stage: peak hours against the rest", "Average score by question", "Average product score",
    "Returns by reason", "orders", "minutes", "per hour", "score (1-5)", "returns", "intake", "confirmation",
    "waiting for a picker", "picking", "waiting for a packer", "packing", "labelling", "waiting for the carrier",
    "in transit", "wrong scans (all stations)", "short picks (of pick lines)", "short picks (of orders picked)",
    "product", "delivery speed", "service", "longest", "slows most", "refund", "exchange", "yes", "no", "Period",
    "the beginning", "now", "No data in this period.", "Made {at} by Warehouse Station",
)

# A return's reason as the returns desk names it (its Chinese from the glossary, "Returns" context).
RETURN_REASONS = {
    "changed_mind": "changed mind", "wrong_size": "wrong size", "damaged": "arrived damaged", "defective": "defective",
    "wrong_item": "wrong item sent", "not_as_described": "not as described", "late": "arrived too late",
}

# The notes (the report's summary), as the queries write them in English, and their Chinese.
i18n.register("Report", (*WORDS, "{start} to {end} ({zone})", "local time, {offset}", "{at} ({zone})"))
i18n.register("Format", ("{title} ({unit})",))  # app.reports.model's column titles
i18n.register("Separator", (": ",))  # app.reports.export's "Period: ..."

NOTES = Wording("ReportNotes", {
    "hourly": "{total} orders over {hours} hours; peak {peak} orders in the hour from {hour}",
    "waiting": "{waiting} orders not yet shipped",
    "most": "most of them are {status} ({count})",
    "stages_counted": "orders placed in the period; a stage counts the orders that went through it",
    "slowest": "in the warehouse, orders spend the longest {stage} ({minutes} min on average)",
    "active_hour": "an hour counts when the person picked or packed at least once in it; picks and packs are orders",
    "pace": "highest pace: {user} ({picks} picks, {packs} packs an hour)",
    "wrong_scan": "a wrong scan is a scan the pack service refused or did not understand",
    "short_pick": "a short pick is a pick line whose bin held fewer units than the order needed",
    "peak_hours": "peak hours: the busiest {count} of {hours} hours (at least {threshold} orders an hour)",
    "wait_longest": "at peak, orders wait longest {stage}: {minutes} min on average",
    "wait_longest_slower": "at peak, orders wait longest {stage}: {minutes} min on average ({slowdown}x the other hours)",
    "slows_most": "the stage that slows most at peak is {stage} ({slowdown}x)",
    "no_orders": "no orders in the period",
    "answers": "{answers} answers",
    "lowest_product": "lowest product score: {sku} {name} ({average} from {answers} answers)",
    "lowest_first": "lowest first; an answer about a whole order scores every product on it",
    "returns": "{returns} returns, {refunded} refunded",
}, shapes={"sku": r"\S+"})

# A measure of the scan-quality report that names a station.
_WRONG_AT = Wording("ReportNotes", {"wrong_at": "wrong scans at {station}"})


_WORDS = frozenset(WORDS)


def word(english: str, language: str | None) -> str:
    return i18n.translation(english, language, "Report") if english in _WORDS else english


def local_zone() -> tzinfo:
    """This machine's time zone, as the operating system says (its offset now). Said "local time" even where it
    is UTC: the station shows local time, and says so the same way everywhere."""
    offset = datetime.now().astimezone().utcoffset() or timedelta(0)
    return timezone(offset, "local time")


def zone_text(tz: tzinfo, language: str | None) -> str:
    """"UTC", or "local time, UTC+08:00" (本地时间，UTC+08:00): what a report's times are in."""
    offset = datetime.now(tz).utcoffset() or timedelta(0)
    if tz is UTC:  # asked for as UTC (station report --utc, a result not presented)
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    text = f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return i18n.text("local time, {offset}", language, "Report", offset=text)


def _zone_unit(tz: tzinfo, language: str | None) -> str:
    """What a time column's unit says: "UTC", else "local time" (本地时间)."""
    zone = zone_text(tz, language)
    return zone if zone == "UTC" else word("local time", language)


def hour_in(text: str, tz: tzinfo) -> str:
    """A UTC hour label of the queries ("2026-11-20 15:00") in ``tz``; anything else as it is."""
    try:
        moment = datetime.strptime(text, HOUR_FORMAT).replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return text
    return moment.astimezone(tz).strftime(HOUR_FORMAT)


def when(moment: datetime | None, tz: tzinfo) -> str | None:
    return moment.astimezone(tz).strftime(HOUR_FORMAT) if moment is not None else None


def period_text(date_from: datetime | None, date_to: datetime | None, tz: tzinfo, language: str | None) -> str:
    a = when(date_from, tz) or word("the beginning", language)
    b = when(date_to, tz) or word("now", language)
    return i18n.text("{start} to {end} ({zone})", language, "Report", start=a, end=b, zone=zone_text(tz, language))


def _value_words(language: str | None) -> dict[str, Callable[[Any], Any]]:
    """How the values of each column people read are said, by column key."""
    def words(value: Any) -> Any:
        return word(value, language) if isinstance(value, str) else value

    def what(value: Any) -> Any:
        if not isinstance(value, str) or value in WORDS:
            return words(value)
        return _WRONG_AT.say(value, language)

    def reason(value: Any) -> Any:
        return say("Returns", RETURN_REASONS[value], language) if value in RETURN_REASONS else value

    return {
        "status": lambda v: status_name(v, language) if isinstance(v, str) else v,
        "stage": words, "question": words, "bottleneck": words, "kind": words, "what": what, "reason": reason,
    }


def _note(note: str, language: str | None, tz: tzinfo) -> str:
    parsed = NOTES.parse(note)
    if parsed is None:
        return note
    key, fields = parsed
    if "hour" in fields:
        fields["hour"] = hour_in(fields["hour"], tz)
    if "status" in fields:
        fields["status"] = status_name(fields["status"], language)
    if chinese_wanted(language):
        if "stage" in fields:
            fields["stage"] = word(fields["stage"], language)
        return NOTES.sentences[key][1].format(**fields)
    return NOTES.sentences[key][0].format(**fields)


def present(result: ReportResult, language: str | None = "en", tz: tzinfo | None = None) -> ReportResult:
    """The copy of ``result`` people read, in ``language``, its hours in ``tz`` (UTC when None)."""
    raw = result.raw or result
    tz = tz or UTC
    language = "zh_CN" if chinese_wanted(language) else "en"
    columns = []
    for c in raw.columns:
        unit = _zone_unit(tz, language) if c.time else c.unit
        columns.append(Column(c.key, word(c.title, language), word(unit, language) if unit else "", c.time))
    said = _value_words(language)
    rows = []
    for row in raw.rows:
        out = dict(row)
        for c in raw.columns:
            value = row.get(c.key)
            if c.time and isinstance(value, str):
                out[c.key] = hour_in(value, tz)
            elif isinstance(value, bool):
                out[c.key] = word("yes" if value else "no", language)
            elif c.key in said:
                out[c.key] = said[c.key](value)
        rows.append(out)  # keys that are no column (a chart's only_if flag) stay as they were
    chart = None
    if raw.chart is not None:
        chart = dataclasses.replace(raw.chart, title=word(raw.chart.title, language),
                                    y_title=word(raw.chart.y_title, language))
    return dataclasses.replace(
        raw, title=say("ReportsScreen", raw.title, language), columns=columns, rows=rows, chart=chart,
        notes=[_note(n, language, tz) for n in raw.notes], tz=tz, language=language, raw=raw,
        period=period_text(raw.date_from, raw.date_to, tz, language))


def made_text(result: ReportResult) -> str:
    """"Made 2026-11-20 16:00 (local time, UTC+08:00) by Warehouse Station", in the result's language."""
    at = i18n.text("{at} ({zone})", result.language, "Report", at=when(result.generated_at, result.tz),
                   zone=zone_text(result.tz, result.language))
    return word("Made {at} by Warehouse Station", result.language).format(at=at)


__all__ = ["present", "period_text", "local_zone", "zone_text", "word", "made_text", "WORDS", "NOTES"]
