"""What the Administration screen reads about a channel beyond :func:`app.channels.service.channel_rows`: the
settings its editor shows (the pull interval, the webhook domain, the Shopify options), and which credentials are
missing and where each is given, as parts a screen words in its own language. Read-only; never a secret's value."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings, channel_credentials, channel_env_name
from db.models.channels import Channel


@dataclass(frozen=True)
class ChannelSettings:
    name: str
    kind: str
    url: str
    domain: str
    active: bool
    pull: bool
    pull_every_s: int
    write_back: str
    push_stock: bool
    warehouse: str
    currency: str
    location: str  # Shopify: the location stock is set at ("": the shop's first)
    api_version: str  # Shopify: the Admin API version ("": the station's default)


def channel_settings(sessions: sessionmaker[Session], name: str) -> ChannelSettings | None:
    with sessions() as s:
        c = s.scalar(select(Channel).where(Channel.name == name))
        if c is None:
            return None
        options = c.options or {}
        return ChannelSettings(c.name, c.kind, c.url, c.domain, c.active, c.pull, c.pull_every_s, c.write_back,
                               c.push_stock, c.warehouse, c.currency, str(options.get("location") or ""),
                               str(options.get("api_version") or ""))


@dataclass(frozen=True)
class MissingCredential:
    field: str  # token, key, secret
    env: str  # the environment variable that gives it
    config_key: str  # the config file's key that gives it


def missing_credentials(settings: Settings, name: str, kind: str) -> list[MissingCredential]:
    """The credentials a channel of ``kind`` needs and does not have, each with where to give it."""
    return [MissingCredential(field, channel_env_name(name, field), f"channels.{name}.{field}")
            for field in channel_credentials(settings, name).missing(kind)]
