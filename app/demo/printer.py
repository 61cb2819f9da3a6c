"""The demo's virtual label printer: a folder the demo station's labels and packing slips go to."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from app.shipping.service import printer_for, set_printer
from app.uow import Actor, UnitOfWork


def use_demo_printer(sessions: sessionmaker[Session], station: str, uri: str, actor: Actor | None = None) -> list[str]:
    """Set ``uri`` as ``station``'s label and packing-slip printer where it has none of its own (the demo's
    start, the system acting); returns the kinds it set."""
    from app.admin.auth import require_role

    actor = actor or Actor.system(station)
    require_role(actor, "admin")
    done = []
    with UnitOfWork(sessions) as uow:
        for kind in ("label", "packing_slip"):
            if printer_for(uow.session, station, kind) is None:
                set_printer(uow.session, station, kind, uri)
                done.append(kind)
        uow.commit()
    return done
