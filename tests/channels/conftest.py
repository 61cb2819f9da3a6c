import pytest

from app.channels import service
from app.config import Settings
from app.uow import Actor
from tests.helpers.shops import SHOPIFY_TOKEN, WOO_KEY, WOO_SECRET, StandInShop

ADMIN = Actor(station="STATION-1", user="admin", role="admin")


def shop_settings(ctx, name: str, kind: str) -> Settings:
    """The context's settings with the channel's credentials, as the config file gives them."""
    creds = {"token": SHOPIFY_TOKEN} if kind == "shopify" else {"key": WOO_KEY, "secret": WOO_SECRET}
    ctx.settings.channels = {**ctx.settings.channels, name: creds}
    return ctx.settings


@pytest.fixture(params=["shopify", "woocommerce"])
def shop(request):
    s = StandInShop(request.param).start()
    yield s
    s.stop()


@pytest.fixture
def channel(ctx, shop):
    """A channel named after the shop's kind, set up by an administrator, with its credentials in the config."""
    name = f"acme-{shop.kind}"
    service.add_channel(ctx.sessions, ADMIN, name, shop.kind, shop.url, currency="EUR")
    shop_settings(ctx, name, shop.kind)
    return name
