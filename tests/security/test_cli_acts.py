"""Issue 19, item 1: the command line acts as somebody real (contracts.md "Who acts"), on SQLite and PostgreSQL.
``--user NAME`` is a real, active user proved by their PIN, whose roles must allow the action; an invented name or
a wrong PIN is exit 2 and changes nothing; and the services refuse a role that may not act, whoever calls them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.admin.auth import hash_pin
from app.cli.main import main
from app.errors import PermissionDenied
from app.packing.service import PackService
from app.picking.service import PickService
from app.uow import Actor, UnitOfWork
from db.models import Order, User
from db.models.aftersales import Return
from db.models.shipping import Parcel
from tests.aftersales import factories as f

PIN = "4826"


@pytest.fixture
def shop(ctx):
    """A shipped order with a return received and inspected, and three users: a packer, a service agent, an
    administrator (each with the PIN 4826)."""
    from app.aftersales import returns
    from app.aftersales.returns import ReturnItem

    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        for name, role in (("packer1", "packer"), ("service1", "service"), ("admin1", "admin")):
            s.add(User(username=name, display_name=name.title(), role=role, pin_hash=hash_pin(PIN)))
        order = f.shipped_order(s)
        ret = returns.request_return(s, order, [ReturnItem("SKU-MUG", 1)], "refund", "defective", f.ACTOR)
        returns.issue_label(s, ret, f.ACTOR, settings=ctx.settings)
        returns.receive(s, ret, f.ACTOR)
        returns.inspect(s, ret, "SKU-MUG", "resellable", f.ACTOR)
        uow.commit()
        return order.number, ret.number


def _status(ctx, number: str) -> str:
    with ctx.sessions() as s:
        return s.scalar(select(Return.status).where(Return.number == number)) or ""


def test_a_packer_cannot_refund_and_an_invented_user_cannot_void(ctx, db_url, shop, capsys, monkeypatch):
    order, ret = shop
    monkeypatch.setenv("STATION_PIN", PIN)
    assert main(["--db", db_url, "return", "complete", ret, "--user", "packer1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "packer1 (packer) may not do this" in err
    assert _status(ctx, ret) == "inspected"  # no money moved
    assert main(["--db", db_url, "shipping", "void", order, "--reason", "wrong address", "--user", "nobody"]) == 2
    assert "--user nobody: unknown user or wrong PIN" in capsys.readouterr().err
    monkeypatch.setenv("STATION_PIN", "0000")
    assert main(["--db", db_url, "return", "complete", ret, "--user", "service1"]) == 2  # the right user, a wrong PIN
    assert _status(ctx, ret) == "inspected"
    with ctx.sessions() as s:
        assert all(not p.voided for p in s.scalars(select(Parcel).join(Order).where(Order.number == order)))
    # The same commands go through for someone whose role allows them, proved by their PIN.
    monkeypatch.setenv("STATION_PIN", PIN)
    assert main(["--db", db_url, "return", "complete", ret, "--user", "service1", "--json"]) == 0
    assert _status(ctx, ret) == "refunded"


def test_the_bench_services_refuse_a_role_that_may_not_pack_or_pick(ctx):
    agent = Actor(station="STATION-1", user="service1", role="service")
    with pytest.raises(PermissionDenied, match="needs packer"):
        PackService(ctx.sessions, ctx.settings, "STATION-1", agent)
    with pytest.raises(PermissionDenied, match="needs packer"):
        PickService(ctx.sessions, agent)
    with UnitOfWork(ctx.sessions) as uow:
        order = f.order(uow.session)
        from app.shipping.service import label_order

        with pytest.raises(PermissionDenied, match="needs packer"):
            label_order(uow.session, order, agent, settings=f.SETTINGS)
