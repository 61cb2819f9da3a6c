"""Administration › Channels (issue 20) as an administrator uses it, with real widgets offscreen on SQLite and
PostgreSQL and stand-in shops answering over real HTTP on loopback: add and change a channel in its form; the list
says which credentials are missing and where they go; "Pull now" brings the shop's orders on a worker thread; a
message the shop refused shows the shop's words literally, and "Send again" sends it; someone who is not an
administrator cannot add a channel, and is told so in words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import func, select

from app.channels import queries, service
from app.shipping.carriers import seed_carriers
from app.shipping.service import label_order
from app.ui.admin.channels import ChannelsSection
from app.ui.feedback import Feedback
from app.uow import Actor
from db.models import Order
from db.models.channels import ChannelMessage
from tests.channels.conftest import shop_settings
from tests.helpers.shops import StandInShop
from tests.shipping.factories import packed_order
from tests.ui.conftest import login

ADMIN = Actor(station="ADMIN-1", user="admin", role="admin")
PACKER = Actor(station="STATION-1", user="packer1", role="packer")
WAIT_MS = 60_000  # a loaded machine may be slow: generous, and never a measure of speed


@dataclass
class Env:
    ctx: object
    feedback: Feedback
    role: str = "admin"
    user: str = "admin"

    @property
    def actor(self) -> Actor:
        return Actor(station="ADMIN-1", user=self.user, role=self.role)


def _section(ctx, qtbot, role: str = "admin", user: str = "admin") -> ChannelsSection:
    widget = ChannelsSection(Env(ctx, Feedback(sound=False), role, user))
    qtbot.addWidget(widget)
    return widget


@pytest.fixture(params=["shopify", "woocommerce"])
def shop(request):
    s = StandInShop(request.param).start()
    yield s
    s.stop()


def _text(table, r: int, c: int) -> str:
    item = table.item(r, c)
    assert item is not None
    return item.text()


def _column(table, c: int) -> list[str]:
    return [_text(table, r, c) for r in range(table.rowCount())]


def _cell(section: ChannelsSection, name: str, c: int) -> str:
    return _text(section.table, _column(section.table, 0).index(name), c)


def _asked(section: ChannelsSection, qtbot, button) -> None:
    """Press a button that asks the shops, and wait until their answer is on the screen."""
    what = "pull" if button is section.pull_button else "push"
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: what not in section.running, timeout=WAIT_MS)


def _fill_new(section: ChannelsSection, name: str, kind: str, url: str) -> None:
    section.new_button.click()
    assert section.dialog.isVisible() and section.name.isEnabled()
    section.name.setText(name)
    section.kind.setCurrentIndex(section.kind.findData(kind))
    section.url.setText(url)


def test_an_admin_adds_and_changes_a_channel_and_reads_where_its_credentials_go(window, qtbot, ctx):
    login(window, qtbot, "BADGE-ADMIN")
    window.open_screen("admin")
    screen = window.screens["admin"]
    section = screen.section("Channels")
    assert isinstance(section, ChannelsSection)
    screen.show_section("Channels")

    _fill_new(section, "acme", "shopify", "https://acme.myshopify.com/")
    section.pull_every.setValue(120)
    section.write_back.setCurrentIndex(section.write_back.findData("closeout"))
    section.warehouse.setCurrentIndex(1)  # the first warehouse of the world
    warehouse = section.warehouse.currentData()
    section.currency.setText("eur")
    section.location.setText("gid://shopify/Location/7")
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    assert not section.dialog.isVisible(), window.feedback.history
    made = queries.channel_settings(ctx.sessions, "acme")
    assert made is not None
    assert (made.kind, made.url, made.domain, made.pull, made.pull_every_s, made.write_back, made.push_stock) == (
        "shopify", "https://acme.myshopify.com", "acme.myshopify.com", True, 120, "closeout", True)
    assert (made.warehouse, made.currency, made.location) == (warehouse, "EUR", "gid://shopify/Location/7")
    assert window.feedback.history[-1] == ("good", "Channel acme added.")

    # The list: what is missing and where it goes; never a field to type it in.
    assert _column(section.table, 0) == ["acme"]
    assert _cell(section, "acme", 7) == "missing: access token"
    assert section.chosen == "acme"
    assert "STATION_CHANNEL_ACME_TOKEN" in section.detail.text() and "channels.acme.token" in section.detail.text()
    assert _cell(section, "acme", 4) == "not yet" and _cell(section, "acme", 5) == "at close-out"
    assert _cell(section, "acme", 8) == "empty"

    # Change it: webhooks instead of pulls, a new address (the webhooks' domain follows it), stopped.
    section.change_button.click()
    assert section.dialog.isVisible() and not section.name.isEnabled() and not section.kind.isEnabled()
    assert section.url.text() == "https://acme.myshopify.com" and section.pull_every.value() == 120
    assert section.currency.text() == "EUR" and section.location.text() == "gid://shopify/Location/7"
    section.pull.setChecked(False)
    section.url.setText("https://acme-eu.myshopify.com")
    section.active.setChecked(False)
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    assert not section.dialog.isVisible(), window.feedback.history
    changed = queries.channel_settings(ctx.sessions, "acme")
    assert changed is not None
    assert (changed.pull, changed.active, changed.domain) == (False, False, "acme-eu.myshopify.com")
    assert _cell(section, "acme", 4) == "off (webhooks)" and _cell(section, "acme", 3) == "no"

    # The token given in the config file: the list says so.
    shop_settings(ctx, "acme", "shopify")
    section.refresh_button.click()
    assert _cell(section, "acme", 7) == "given"


def test_a_refused_form_says_why_and_keeps_the_dialog_open(ctx, qtbot):
    section = _section(ctx, qtbot)
    _fill_new(section, "acme", "woocommerce", "shop.example.com")  # no scheme: not an address
    section.save_button.click()
    assert section.dialog.isVisible()
    assert "is not a shop's address" in section.problem.text()
    assert section.problem.textFormat() == Qt.TextFormat.PlainText
    assert queries.channel_settings(ctx.sessions, "acme") is None


@pytest.mark.parametrize("role, user", [("packer", "packer1"), ("supervisor", "super1")])
def test_someone_not_an_administrator_cannot_add_a_channel(ctx, qtbot, role, user):
    section = _section(ctx, qtbot, role, user)
    _fill_new(section, "acme", "shopify", "https://acme.myshopify.com")
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    refused = f"{user} ({role}) may not do this: it needs admin"
    assert section.env.feedback.history[-1] == ("bad", refused)
    assert section.dialog.isVisible() and section.problem.text() == refused
    assert service.channel_rows(ctx.sessions, ctx.settings) == []
    assert section.table.rowCount() == 0
    buttons = section.dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    buttons.rejected.emit()
    assert not section.dialog.isVisible()


def test_pull_now_brings_the_shops_orders_on_a_worker_thread(ctx, qtbot, shop):
    name = f"acme-{shop.kind}"
    service.add_channel(ctx.sessions, ADMIN, name, shop.kind, shop.url, currency="EUR")
    section = _section(ctx, qtbot)
    assert _cell(section, name, 7).startswith("missing: ")
    assert section.choose(name)
    # Without its credentials the shop is not asked: the screen says what to give.
    _asked(section, qtbot, section.pull_button)
    assert section.env.feedback.history[-1][0] == "bad"
    assert f"channels.{name}." in section.status.text()

    shop_settings(ctx, name, shop.kind)
    shop.add_orders(12)
    section.reload()
    assert _cell(section, name, 7) == "given"
    _asked(section, qtbot, section.pull_button)
    assert section.status.text() == f"{name}: 12 new orders, 0 known", section.env.feedback.history
    assert section.env.feedback.history[-1] == ("good", section.status.text())
    with ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Order).where(Order.channel == name)) == 12
    assert re.fullmatch(r"(\d{4}-)?\d\d-\d\d \d\d:\d\d", _cell(section, name, 4))  # the last pull's time

    shop.add_orders(3, start=2001, updated=datetime(2026, 12, 2, 9, 0, tzinfo=UTC))  # newer than the last pull
    _asked(section, qtbot, section.pull_button)
    assert section.status.text().startswith(f"{name}: 3 new orders, ")

    # The shop refuses the credentials: a visible failed state, the shop's words in full below the list.
    shop.fail_next(401, {"errors": "[API] Invalid API key or access token"} if shop.kind == "shopify" else
                   {"code": "woocommerce_rest_authentication_error", "message": "Invalid signature",
                    "data": {"status": 401}})
    _asked(section, qtbot, section.pull_button)
    assert "the shop refused our credentials (HTTP 401)" in section.status.text()
    assert section.env.feedback.history[-1][0] == "bad"
    assert _cell(section, name, 4) == "failed"
    assert section.chosen == name and "Last pull failed: " in section.detail.text()
    assert ("Invalid API key" if shop.kind == "shopify" else "Invalid signature") in section.detail.text()


def _label(ctx, shop: StandInShop, channel: str) -> tuple[str, str]:
    """A shop order (as the shop has it) packed and labelled at the bench: its fulfilment waits in the outbox."""
    made = shop.add_orders(1, start=5001 + len(shop.orders))[0]
    shop_id = str(made["legacyResourceId"] if shop.kind == "shopify" else made["id"])
    with ctx.sessions() as s, s.begin():
        seed_carriers(s)
        order = packed_order(s)
        order.channel, order.external_id, order.shop_number = channel, shop_id, f"#{shop_id}"
        label_order(s, order, PACKER, settings=ctx.settings)
        return order.number, shop_id


def _states(ctx) -> list[str]:
    with ctx.sessions() as s:
        return list(s.scalars(select(ChannelMessage.state).order_by(ChannelMessage.id)))


def test_a_refused_message_shows_the_shops_words_as_text_and_send_again_sends_it(ctx, qtbot, shop):
    name = f"acme-{shop.kind}"
    service.add_channel(ctx.sessions, ADMIN, name, shop.kind, shop.url, currency="EUR", push_stock=False)
    shop_settings(ctx, name, shop.kind)
    number, shop_id = _label(ctx, shop, name)
    section = _section(ctx, qtbot)
    assert _column(section.outbox, 1) == [number] and _column(section.outbox, 2) == ["waiting"]
    assert _cell(section, name, 8) == "1 waiting"

    hostile = "<b>PAID</b> order is closed <img src=x>"
    shop.fail_next(400, {"errors": hostile} if shop.kind == "shopify" else
                   {"code": "woocommerce_rest_shop_order_invalid_id", "message": hostile, "data": {"status": 400}})
    _asked(section, qtbot, section.push_button)
    assert _states(ctx) == ["failed"]
    assert section.env.feedback.history[-1][0] == "bad" and hostile in section.status.text()
    assert section.status.textFormat() == Qt.TextFormat.PlainText
    assert _column(section.outbox, 2) == ["failed"] and _column(section.outbox, 4) == ["400"]
    said = _text(section.outbox, 0, 6)
    assert said.endswith(f"the shop refused it (HTTP 400): {hostile}")  # literally: no markup read
    assert _cell(section, name, 8) == "1 failed"
    section.outbox.selectRow(0)
    assert section.words.textFormat() == Qt.TextFormat.PlainText
    assert section.words.text() == f"Order {number} (failed): the shop said: {said}"

    # Nothing chosen: nothing sent again, and the screen says what to do.
    section.outbox.clearSelection()
    assert section.send_again() == 0
    assert section.env.feedback.history[-1] == ("bad", "Choose the failed messages to send again first.")

    # The person mended it at the shop; "Send again" makes it wait, "Send now" sends it.
    section.outbox.selectRow(0)
    qtbot.mouseClick(section.retry_button, Qt.MouseButton.LeftButton)
    assert _states(ctx) == ["pending"]
    assert _column(section.outbox, 2) == ["waiting"]
    _asked(section, qtbot, section.push_button)
    assert _states(ctx) == ["sent"]
    assert section.status.text().startswith("1 shipment notice(s) sent, 0 to try again, 0 failed")
    assert len(shop.fulfilments[shop_id]) == 1
    assert section.outbox.rowCount() == 0 and section.words.text() == "Nothing waits for the shops."
    section.show_sent.setChecked(True)
    assert _column(section.outbox, 1) == [number] and _column(section.outbox, 2) == ["sent"]
    assert _cell(section, name, 8) == "1 sent"


def test_send_again_is_refused_in_words_to_a_packer(ctx, qtbot):
    shop = StandInShop("woocommerce").start()
    try:
        service.add_channel(ctx.sessions, ADMIN, "woo", "woocommerce", shop.url)
        shop_settings(ctx, "woo", "woocommerce")
        _label(ctx, shop, "woo")
        shop.fail_next(400, {"code": "x", "message": "closed", "data": {"status": 400}})
        service.send_fulfilments(ctx.sessions, ctx.settings)
        section = _section(ctx, qtbot, "packer", "packer1")
        section.outbox.selectRow(0)
        assert section.send_again() == 0
        assert section.env.feedback.history[-1] == (
            "bad", "packer1 (packer) may not do this: it needs supervisor or shipping")
        assert _states(ctx) == ["failed"]
    finally:
        shop.stop()
