"""Orders pulled from a shop that cannot reach the station: through the intake, paged, idempotent, resumable."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.channels import service
from app.channels.service import pull
from app.errors import PermissionDenied
from app.uow import Actor
from db.models import Order
from db.models.channels import ChannelCursor
from tests.channels.conftest import ADMIN


def page_size(shop) -> int:
    from app.channels import shopify, woocommerce

    return shopify.PAGE_SIZE if shop.kind == "shopify" else woocommerce.PAGE_SIZE


def _orders(ctx, channel):
    with ctx.sessions() as s:
        return s.scalars(select(Order).where(Order.channel == channel).order_by(Order.shop_number)
                         .options(selectinload(Order.lines))).all()


def test_a_pull_brings_every_page_in_once_and_a_second_pull_nothing_new(ctx, shop, channel):
    shop.add_orders(230)  # several pages (Shopify 9 an answer, WooCommerce 100)
    result = pull(ctx.sessions, ctx.settings, channel, ADMIN)
    assert result.error == ""
    assert (result.pages, result.imported, result.done) == (-(-230 // page_size(shop)), 230, True)
    orders = _orders(ctx, channel)
    assert len(orders) == 230
    first = orders[0]
    assert first.shop_number in ("1001", "#1001") or first.shop_number.endswith("1001")
    assert first.currency == "EUR" and first.lines[0].sku == "SKU-1" and first.lines[0].quantity == 2
    assert first.ship_city == "Berlin" and first.ship_country == "DE"

    again = pull(ctx.sessions, ctx.settings, channel, ADMIN)
    assert again.imported == 0 and again.error == ""
    with ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 230


def test_a_pull_that_stops_halfway_goes_on_where_it_stopped(ctx, shop, channel):
    shop.add_orders(250)
    size = page_size(shop)
    first = pull(ctx.sessions, ctx.settings, channel, ADMIN, max_pages=2)
    assert (first.pages, first.imported, first.done) == (2, 2 * size, False)
    with ctx.sessions() as s:
        row = s.scalar(select(ChannelCursor).where(ChannelCursor.kind == "pull"))
        assert row.page and row.cursor == ""
    # The shop fails the next page: nothing is lost, the page in progress is kept.
    shop.fail_next(503, {"errors": "Service Unavailable"})
    broken = pull(ctx.sessions, ctx.settings, channel, ADMIN)
    assert broken.imported == 0 and "HTTP 503" in broken.error
    rest = pull(ctx.sessions, ctx.settings, channel, ADMIN, force=True)
    assert rest.imported == 250 - 2 * size and rest.done
    assert len(_orders(ctx, channel)) == 250


def test_orders_changed_at_the_shop_after_the_cursor_are_read_again(ctx, shop, channel):
    shop.add_orders(3)
    pull(ctx.sessions, ctx.settings, channel, ADMIN)
    shop.add_orders(2, start=2001, updated=datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    result = pull(ctx.sessions, ctx.settings, channel, ADMIN)
    assert result.imported == 2
    assert len(_orders(ctx, channel)) == 5


def test_a_throttled_shop_is_left_alone_for_the_time_it_asked(ctx, shop, channel):
    shop.add_orders(5)
    shop.fail_next(429, {"errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume "
                                   "uninterrupted service."}, {"Retry-After": "30"})
    result = pull(ctx.sessions, ctx.settings, channel, ADMIN)
    assert "slow down" in result.error
    waiting = pull(ctx.sessions, ctx.settings, channel, ADMIN)
    assert waiting.error == "the shop asked us to wait" and waiting.waiting_until
    assert len(shop.requests) == 1  # the shop was not asked again
    assert channel not in service.due_pulls(ctx.sessions)


@pytest.mark.parametrize("answer", ["credentials", "malformed", "timeout"])
def test_a_shop_that_refuses_or_breaks_gives_a_clear_error_and_loses_nothing(ctx, shop, channel, answer):
    shop.add_orders(3)
    if answer == "credentials":
        ctx.settings.channels[channel] = {"token": "wrong", "key": "wrong", "secret": "wrong"}
    elif answer == "malformed":
        shop.fail_next(200, raw=b"<html><body>Maintenance</body></html>")
    else:
        service.set_channel(ctx.sessions, ADMIN, channel, options={"timeout_s": 0.5})
        shop.fail_next(200, {}, hang_s=1.5)
    result = pull(ctx.sessions, ctx.settings, channel, ADMIN)
    expected = {"credentials": "refused our credentials", "malformed": "not JSON",
                "timeout": "did not answer in time"}[answer]
    assert expected in result.error
    assert _orders(ctx, channel) == []
    with ctx.sessions() as s:
        row = s.scalar(select(ChannelCursor).where(ChannelCursor.kind == "pull"))
        assert expected in row.last_error and row.cursor == ""


def test_only_a_supervisor_pulls_and_only_an_administrator_adds_a_shop(ctx, shop, channel):
    packer = Actor(station="STATION-1", user="packer1", role="packer")
    with pytest.raises(PermissionDenied):
        pull(ctx.sessions, ctx.settings, channel, packer)
    supervisor = Actor(station="STATION-1", user="super1", role="supervisor")
    with pytest.raises(PermissionDenied):
        service.add_channel(ctx.sessions, supervisor, "other", "shopify", shop.url)


def test_a_channel_without_credentials_says_which_and_where(ctx, shop):
    service.add_channel(ctx.sessions, ADMIN, "bare", shop.kind, shop.url)
    rows = {r.name: r for r in service.channel_rows(ctx.sessions, ctx.settings)}
    assert rows["bare"].credentials.startswith("missing: ")
    assert "STATION_CHANNEL_BARE_" in rows["bare"].credentials
    from app.errors import InvalidInput

    with pytest.raises(InvalidInput, match="STATION_CHANNEL_BARE_"):
        pull(ctx.sessions, ctx.settings, "bare", ADMIN)


def test_a_woocommerce_refund_is_read_in_full_so_the_refunded_unit_is_not_shipped(ctx):
    from tests.channels.conftest import shop_settings
    from tests.helpers.shops import StandInShop

    shop = StandInShop("woocommerce").start()
    try:
        service.add_channel(ctx.sessions, ADMIN, "woo", "woocommerce", shop.url)
        shop_settings(ctx, "woo", "woocommerce")
        [order] = shop.add_orders(1, start=1101)
        line_id = order["line_items"][0]["id"]
        # The orders list names only the refund's total; its units come from GET orders/<id>/refunds.
        order["refunds"] = [{"id": 77, "reason": "one mug arrived broken", "total": "-25.00"}]
        shop.refunds["1101"] = [{
            "id": 77, "reason": "one mug arrived broken", "total": "-25.00", "amount": "25.00",
            "line_items": [{"id": 901, "name": "Mug", "quantity": -1, "subtotal": "-25.00", "total": "-25.00",
                            "total_tax": "0.00", "sku": "SKU-1", "price": -25,
                            "meta_data": [{"id": 1, "key": "_refunded_item_id", "value": str(line_id)}]}]}]
        assert pull(ctx.sessions, ctx.settings, "woo", ADMIN).imported == 1
        [stored] = _orders(ctx, "woo")
        assert [(line.sku, line.quantity) for line in stored.lines] == [("SKU-1", 1)]
        assert stored.goods_cents == 2500 and stored.payment_status == "paid"
        assert ("GET", "/wp-json/wc/v3/orders/1101/refunds") in [(m, p) for m, p, _ in shop.requests]
    finally:
        shop.stop()


def test_a_shopify_order_with_more_lines_than_a_page_asks_for_is_read_whole(ctx):
    from tests.channels.conftest import shop_settings
    from tests.helpers.shops import StandInShop

    shop = StandInShop("shopify").start()
    try:
        service.add_channel(ctx.sessions, ADMIN, "big", "shopify", shop.url)
        shop_settings(ctx, "big", "shopify")
        shop.add_order_with_lines(3001, [(f"SKU-{i:03d}", 1) for i in range(60)], prices=["1.00"] * 60)
        assert pull(ctx.sessions, ctx.settings, "big", ADMIN).imported == 1
        [stored] = _orders(ctx, "big")
        assert len(stored.lines) == 60 and stored.goods_cents == 6000
    finally:
        shop.stop()
