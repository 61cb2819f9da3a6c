"""The shop is told that its order shipped: one fulfilment a parcel from the durable outbox, exactly once."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.channels import outbox
from app.channels.model import Fulfilment
from app.channels.service import make_client, outbox_rows, retry_failed, send_fulfilments, set_channel
from app.config import channel_credentials
from app.shipping.carriers import seed_carriers
from app.shipping.manifest import closeout
from app.shipping.rates import ParcelSpec
from app.shipping.service import label_order
from app.uow import Actor
from db.base import utcnow
from db.models import Order
from db.models.channels import Channel, ChannelMessage
from tests.channels.conftest import ADMIN
from tests.shipping.factories import packed_order

PACKER = Actor(station="STATION-1", user="packer1", role="packer")


def _label(ctx, shop, channel, *, parcels=1, lines=(("SKU-1", 2),)):
    """A shop order (as the shop has it) packed and labelled at the bench."""
    made = shop.add_orders(1, start=5001 + len(shop.orders))[0]
    shop_id = str(made["legacyResourceId"] if shop.kind == "shopify" else made["id"])
    with ctx.sessions() as s, s.begin():
        if not s.scalar(select(Order.id).limit(1)):
            seed_carriers(s)
        order = packed_order(s, lines=lines)
        order.channel, order.external_id, order.shop_number = channel, shop_id, f"#{shop_id}"
        specs = [ParcelSpec(weight_g=400, length_mm=200, width_mm=100, height_mm=80) for _ in range(parcels)]
        label_order(s, order, PACKER, specs if parcels > 1 else None, settings=ctx.settings)
        return order.number, shop_id


def _messages(ctx):
    with ctx.sessions() as s:
        return s.scalars(select(ChannelMessage).order_by(ChannelMessage.id)).all()


def test_a_labelled_order_is_told_to_its_shop_with_carrier_tracking_and_the_customer_page(ctx, shop, channel):
    number, shop_id = _label(ctx, shop, channel)
    [message] = _messages(ctx)
    assert message.state == "pending" and message.payload["order_id"] == shop_id

    result = send_fulfilments(ctx.sessions, ctx.settings)
    assert (result.sent, result.failed) == (1, [])
    [message] = _messages(ctx)
    assert message.state == "sent" and message.remote_id and message.sent_at
    with ctx.sessions() as s:
        order = s.scalar(select(Order).where(Order.number == number))
        tracking = order.tracking_number
    base = ctx.settings.tracking_base_url
    if shop.kind == "shopify":
        [made] = shop.fulfilments[shop_id]
        assert made["tracking"]["number"] == tracking and made["tracking"]["url"].startswith(f"{base}/t/")
        assert made["tracking"]["company"] and made["notify"] is True
        assert [i["quantity"] for i in made["items"]] == [2]
    else:
        [note] = shop.fulfilments[shop_id]
        assert tracking in note["note"] and f"{base}/t/" in note["note"]
        assert shop.statuses[shop_id] == "completed"
        [item] = shop.trackings[shop_id]
        assert item["tracking_number"] == tracking and item["custom_tracking_link"].startswith(f"{base}/t/")
        assert note["customer_note"] is False  # the extension's tracking goes in the shop's own "completed" mail


def test_woocommerce_without_the_tracking_extension_mails_the_tracking_in_a_customer_note(ctx):
    from app.channels.service import add_channel
    from tests.channels.conftest import shop_settings
    from tests.helpers.shops import StandInShop

    shop = StandInShop("woocommerce", tracking_extension=False).start()
    try:
        add_channel(ctx.sessions, ADMIN, "plainwoo", "woocommerce", shop.url)
        shop_settings(ctx, "plainwoo", "woocommerce")
        _, shop_id = _label(ctx, shop, "plainwoo")
        assert send_fulfilments(ctx.sessions, ctx.settings).sent == 1
        [note] = shop.fulfilments[shop_id]
        assert note["customer_note"] is True and shop.trackings == {}
    finally:
        shop.stop()


def test_parcels_packed_without_boxes_are_one_fulfilment_with_every_tracking_number(ctx, shop, channel):
    _, shop_id = _label(ctx, shop, channel, parcels=2)
    [message] = _messages(ctx)
    assert message.payload["complete"] is True and len(message.payload["more_tracking_numbers"]) == 1
    assert send_fulfilments(ctx.sessions, ctx.settings).sent == 1
    numbers = [message.payload["tracking_number"], *message.payload["more_tracking_numbers"]]
    if shop.kind == "shopify":
        [made] = shop.fulfilments[shop_id]
        assert made["tracking"]["numbers"] == numbers
    else:
        assert [t["tracking_number"] for t in shop.trackings[shop_id]] == numbers


def test_each_packed_box_is_its_own_fulfilment_and_only_the_last_completes_the_order(ctx, shop, channel):
    from db.models.packing import PackBox, PackBoxItem, PackSession

    made = shop.add_orders(1, start=7001)[0]
    shop_id = str(made["legacyResourceId"] if shop.kind == "shopify" else made["id"])
    lines = made["lineItems"]["nodes"] if shop.kind == "shopify" else made["line_items"]
    second = dict(lines[0], sku="SKU-2")
    second.update({"id": "gid://shopify/LineItem/700102", "currentQuantity": 1, "quantity": 1}
                  if shop.kind == "shopify" else {"id": 70012, "quantity": 1})
    lines[0].update({"currentQuantity": 1, "quantity": 1} if shop.kind == "shopify" else {"quantity": 1})
    lines.append(second)
    with ctx.sessions() as s, s.begin():
        seed_carriers(s)
        order = packed_order(s, lines=(("SKU-1", 1), ("SKU-2", 1)))
        order.channel, order.external_id, order.shop_number = channel, shop_id, f"#{shop_id}"
        pack = PackSession(order_id=order.id, station="STATION-1", state="packed")
        s.add(pack)
        s.flush()
        for seq, line in enumerate(order.lines, start=1):
            line.packed_quantity = 1
            box = PackBox(session_id=pack.id, order_id=order.id, seq=seq, state="closed")
            s.add(box)
            s.flush()
            s.add(PackBoxItem(box_id=box.id, order_id=order.id, line_id=line.id, quantity=1))
        specs = [ParcelSpec(weight_g=400, length_mm=200, width_mm=100, height_mm=80) for _ in range(2)]
        label_order(s, order, PACKER, specs, settings=ctx.settings)
    messages = _messages(ctx)
    assert [m.payload["complete"] for m in messages] == [False, True]
    assert [[line["sku"] for line in m.payload["lines"]] for m in messages] == [["SKU-1"], ["SKU-2"]]
    assert send_fulfilments(ctx.sessions, ctx.settings).sent == 2
    assert len(shop.fulfilments[shop_id]) == 2
    if shop.kind == "woocommerce":
        assert shop.statuses[shop_id] == "completed"


def test_a_sender_that_died_mid_send_does_not_send_twice(ctx, shop, channel):
    _, shop_id = _label(ctx, shop, channel)
    # A sender claims the message and reaches the shop, then dies before it writes down that it did.
    with ctx.sessions() as s, s.begin():
        [taken] = outbox.claim(s)
    with ctx.sessions() as s:
        ch = s.scalar(select(Channel))
        s.expunge(ch)
    client = make_client(ch, channel_credentials(ctx.settings, channel))
    client.fulfil(Fulfilment.from_payload(taken.payload, ctx.settings.tracking_base_url))
    client.close()
    # Later the claim is stale: the next sender asks the shop first, finds it, and sends nothing.
    with ctx.sessions() as s, s.begin():
        assert outbox.recover_stale(s, older_than=timedelta(0)) == 1
    result = send_fulfilments(ctx.sessions, ctx.settings)
    assert (result.sent, result.already) == (1, 1)
    assert len(shop.fulfilments[shop_id]) == 1
    assert _messages(ctx)[0].state == "sent"


def test_a_shop_that_is_away_is_tried_again_later_and_nothing_is_sent_twice(ctx, shop, channel):
    _, shop_id = _label(ctx, shop, channel)
    shop.fail_next(503, {"errors": "Service Unavailable"})
    result = send_fulfilments(ctx.sessions, ctx.settings)
    assert (result.sent, result.retrying) == (0, 1)
    [message] = _messages(ctx)
    assert message.state == "pending" and message.next_attempt_at > utcnow() and "HTTP 503" in message.last_error
    assert send_fulfilments(ctx.sessions, ctx.settings).sent == 0  # not due yet
    with ctx.sessions() as s, s.begin():
        s.get(ChannelMessage, message.id).next_attempt_at = utcnow()
    assert send_fulfilments(ctx.sessions, ctx.settings).sent == 1
    assert len(shop.fulfilments[shop_id]) == 1


def test_a_refusal_waits_for_a_person_in_the_shops_words_and_a_retry_sends_it(ctx, shop, channel):
    number, shop_id = _label(ctx, shop, channel)
    if shop.kind == "shopify":
        # The shop closes a cancelled order's fulfilment orders: nothing is open to fulfil.
        words = "the shop has nothing left to fulfil"
        shop.change_order(shop_id, cancelledAt="2026-12-02T10:00:00Z")
    else:
        words = "Invalid ID."
        shop.fail_next(400, {"code": "woocommerce_rest_shop_order_invalid_id", "message": words,
                             "data": {"status": 400}}, path="/orders/")
    result = send_fulfilments(ctx.sessions, ctx.settings)
    assert result.sent == 0 and len(result.failed) == 1 and words in result.failed[0]["error"]
    [row] = outbox_rows(ctx.sessions)
    assert row.state == "failed" and words in row.last_error and row.order == number
    # A person mends it at the shop and sends it again.
    if shop.kind == "shopify":
        shop.change_order(shop_id, cancelledAt=None)
    assert retry_failed(ctx.sessions, Actor(station="S", user="super1", role="supervisor"), [number]) == 1
    assert send_fulfilments(ctx.sessions, ctx.settings).sent == 1
    assert _messages(ctx)[0].state == "sent"


def test_a_channel_told_at_close_out_hears_nothing_at_the_label(ctx, shop, channel):
    set_channel(ctx.sessions, ADMIN, channel, write_back="closeout")
    _label(ctx, shop, channel)
    assert _messages(ctx) == []
    with ctx.sessions() as s, s.begin():
        from db.models.shipping import Carrier, Parcel

        code = s.scalar(select(Carrier.code).join(Parcel, Parcel.carrier_id == Carrier.id))
        closeout(s, code, Actor(station="SHIP-1", user="alice", role="shipping"))
    assert len(_messages(ctx)) == 1


def test_an_order_from_no_channel_queues_nothing(ctx, shop, channel):
    with ctx.sessions() as s, s.begin():
        seed_carriers(s)
        order = packed_order(s)
        label_order(s, order, PACKER, settings=ctx.settings)
    assert _messages(ctx) == []


@pytest.mark.parametrize("role", ["packer", "service"])
def test_only_a_supervisor_or_the_shipping_desk_sends_a_failed_message_again(ctx, shop, channel, role):
    from app.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        retry_failed(ctx.sessions, Actor(station="S", user="u", role=role), ["x"])
