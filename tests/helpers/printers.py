"""A station's printers, set where the app reads them: the database (``printer_assignments``), the one place a
station's printers are set (app.shipping.service.set_printer, as the shipping desk and
``station shipping printers --set`` do)."""

from __future__ import annotations

from sqlalchemy import delete

from app.shipping.service import DOCUMENT_KINDS, set_printer
from app.uow import UnitOfWork
from db.models.shipping import PrinterAssignment


def set_station_printers(ctx, station: str, printers: dict) -> None:
    """Make ``station``'s printers exactly ``printers``: ``{"label": URI, "label_format": "zpl", "label_dpi": 203,
    "label_cjk": "font", "packing_slip": URI, ...}``; a kind not named has none (``{}``: none set up)."""
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        s.execute(delete(PrinterAssignment).where(PrinterAssignment.station == station))
        for kind in DOCUMENT_KINDS:
            if printers.get(kind):
                set_printer(s, station, kind, printers[kind], printers.get(f"{kind}_format", "pdf"),
                            int(printers.get(f"{kind}_dpi", 203)), printers.get(f"{kind}_cjk", "font"))
        uow.commit()
