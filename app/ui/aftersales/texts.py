"""Names of the aftersales timeline events and return words, translatable (the "Event" and "Returns" contexts)."""

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale

from app.ui.texts import event_name as _base_event_name

EVENTS = {
    "in_transit": QT_TRANSLATE_NOOP("Event", "in transit"),
    "out_for_delivery": QT_TRANSLATE_NOOP("Event", "out for delivery"),
    "exception": QT_TRANSLATE_NOOP("Event", "carrier exception"),
    "parcel_delivered": QT_TRANSLATE_NOOP("Event", "parcel delivered"),
    "return_requested": QT_TRANSLATE_NOOP("Event", "return requested"),
    "return_label_issued": QT_TRANSLATE_NOOP("Event", "return label issued"),
    "return_in_transit": QT_TRANSLATE_NOOP("Event", "return in transit"),
    "return_out_for_delivery": QT_TRANSLATE_NOOP("Event", "return out for delivery"),
    "return_delivered": QT_TRANSLATE_NOOP("Event", "return delivered to the warehouse"),
    "return_exception": QT_TRANSLATE_NOOP("Event", "return held by the carrier"),
    "return_received": QT_TRANSLATE_NOOP("Event", "return received"),
    "return_inspected": QT_TRANSLATE_NOOP("Event", "return inspected"),
    "return_refunded": QT_TRANSLATE_NOOP("Event", "refunded"),
    "return_exchanged": QT_TRANSLATE_NOOP("Event", "exchange sent"),
    "return_cancelled": QT_TRANSLATE_NOOP("Event", "return cancelled"),
}

CONDITIONS = {
    "resellable": QT_TRANSLATE_NOOP("Returns", "resellable"),
    "damaged": QT_TRANSLATE_NOOP("Returns", "damaged"),
    "wrong_item": QT_TRANSLATE_NOOP("Returns", "wrong item"),
}

REASONS = {
    "changed_mind": QT_TRANSLATE_NOOP("Returns", "changed mind"),
    "wrong_size": QT_TRANSLATE_NOOP("Returns", "wrong size"),
    "damaged": QT_TRANSLATE_NOOP("Returns", "arrived damaged"),
    "defective": QT_TRANSLATE_NOOP("Returns", "defective"),
    "wrong_item": QT_TRANSLATE_NOOP("Returns", "wrong item sent"),
    "not_as_described": QT_TRANSLATE_NOOP("Returns", "not as described"),
    "late": QT_TRANSLATE_NOOP("Returns", "arrived too late"),
}

RETURN_STATUSES = {
    "approved": QT_TRANSLATE_NOOP("Returns", "approved, waiting for the parcel"),
    "label_issued": QT_TRANSLATE_NOOP("Returns", "label issued, waiting for the parcel"),
    "received": QT_TRANSLATE_NOOP("Returns", "received, inspect the items"),
    "inspected": QT_TRANSLATE_NOOP("Returns", "inspected, ready to complete"),
    "refunded": QT_TRANSLATE_NOOP("Returns", "refunded"),
    "exchanged": QT_TRANSLATE_NOOP("Returns", "exchanged"),
    "cancelled": QT_TRANSLATE_NOOP("Returns", "cancelled"),
}


def event_name(kind: str) -> str:
    if kind in EVENTS:
        return QCoreApplication.translate("Event", EVENTS[kind])
    return _base_event_name(kind)


def _named(context: str, names: dict[str, str], code: str | None, fallback: str) -> str:
    return QCoreApplication.translate(context, names[code]) if code in names else fallback


def condition_name(code: str | None) -> str:
    return _named("Returns", CONDITIONS, code, "")


def reason_name(code: str) -> str:
    return _named("Returns", REASONS, code, code.replace("_", " "))


def return_status_name(code: str) -> str:
    return _named("Returns", RETURN_STATUSES, code, code)


WHERE = {
    "returned": QT_TRANSLATE_NOOP("Tracking", "returned to the warehouse"),
    "delivered": QT_TRANSLATE_NOOP("Tracking", "delivered to %1"),
    "cancelled": QT_TRANSLATE_NOOP("Tracking", "cancelled: nothing will be shipped"),
    "in_transit": QT_TRANSLATE_NOOP("Tracking", "in transit, last seen at %1"),
    "out_for_delivery": QT_TRANSLATE_NOOP("Tracking", "out for delivery from %1"),
    "exception": QT_TRANSLATE_NOOP("Tracking", "held by the carrier at %1"),
    "with_carrier": QT_TRANSLATE_NOOP("Tracking", "handed to %1"),
    "awaiting_pickup": QT_TRANSLATE_NOOP("Tracking", "labelled, waiting for the carrier's pick-up at %1"),
    "not_in_work": QT_TRANSLATE_NOOP("Tracking", "not yet in work"),
    "in_warehouse": QT_TRANSLATE_NOOP("Tracking", "in the warehouse: %1"),
}

DELAYS = {
    "exception": QT_TRANSLATE_NOOP("Tracking", "Delayed: the carrier reports a problem (%1)"),
    "overdue": QT_TRANSLATE_NOOP("Tracking", "Delayed: %1 day(s) past the expected delivery day"),
    "not_shipped": QT_TRANSLATE_NOOP("Tracking", "Delayed: not yet shipped, it was promised to leave by %1"),
}

PARCEL_STATUSES = {
    "labelled": QT_TRANSLATE_NOOP("Tracking", "labelled"),
    "shipped": QT_TRANSLATE_NOOP("Tracking", "shipped"),
    "delivered": QT_TRANSLATE_NOOP("Tracking", "delivered"),
    "returned": QT_TRANSLATE_NOOP("Tracking", "returned"),
    "voided": QT_TRANSLATE_NOOP("Tracking", "voided"),
}


def where_text(view) -> str:
    """Where the parcel is, in the screen's language (falls back to the service's English sentence)."""
    source = WHERE.get(view.where_code)
    if source is None:
        return view.where
    place = view.where_place or "-"
    if getattr(view, "where_place_zh", "") and QLocale().name().startswith("zh"):
        place = view.where_place_zh  # 上海浦东配送中心, not Shanghai Pudong DC
    if view.where_code == "with_carrier" and view.parcels and QLocale().name().startswith("zh"):
        place = getattr(view.parcels[0], "carrier_name_zh", "") or place  # 顺丰速运, not SF Express
    return QCoreApplication.translate("Tracking", source).replace("%1", place)


def delay_text(view) -> str:
    source = DELAYS.get(view.delay_code)
    if source is None:
        return view.delay_reason
    arg = str(view.delay_days) if view.delay_code == "overdue" else view.delay_detail
    return QCoreApplication.translate("Tracking", source).replace("%1", arg)


def parcel_status_name(code: str) -> str:
    return _named("Tracking", PARCEL_STATUSES, code, code)
