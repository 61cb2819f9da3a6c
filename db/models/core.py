"""The foundation schema: warehouses, catalogue, stock, customers, orders, people and the timeline.

Money is held in integer minor units (cents, fen): exact, fast, and the same on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.lifecycle import ORDER_STATUSES, REPLENISHMENT_STATUSES, sql_in
from db.base import Base, BigId, UtcDateTime, utcnow


class Warehouse(Base):
    __tablename__ = "warehouses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200), default="", server_default="")
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str] = mapped_column(String(100), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    postcode: Mapped[str] = mapped_column(String(20), default="")
    # Unknown for a warehouse entered without them: allocation then goes by load and stock alone.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # Orders a day the warehouse ships at full pace; allocation weighs current load against it.
    daily_capacity: Mapped[int] = mapped_column(Integer, default=5000)
    def display_name(self, language: str = "en") -> str:
        """Its name in ``language``: the Chinese one where it has one."""
        return self.name_zh if (language or "").lower().startswith("zh") and self.name_zh else self.name

    # The routing layout (contracts.md "Warehouse layout for routing").
    layout: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    bins: Mapped[list[Bin]] = relationship(back_populates="warehouse")


class Bin(Base):
    """A storage location, named like ``A03-12-2``: aisle, position along the aisle, level."""

    __tablename__ = "bins"
    __table_args__ = (
        UniqueConstraint("warehouse_id", "code"),
        # Put-away walks a warehouse's bins front to back, low levels first, to the first free one (migration 0025).
        Index("ix_bins_put_away", "warehouse_id", "level", "position", "aisle", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    code: Mapped[str] = mapped_column(String(32))
    zone: Mapped[str] = mapped_column(String(16), default="A")
    aisle: Mapped[int] = mapped_column(Integer)
    position: Mapped[float] = mapped_column(Float)  # metres from the front cross aisle
    side: Mapped[str] = mapped_column(String(1), default="L")  # L or R of the aisle
    level: Mapped[int] = mapped_column(Integer, default=1)
    quarantine: Mapped[bool] = mapped_column(Boolean, default=False)

    warehouse: Mapped[Warehouse] = relationship(back_populates="bins")


product_substitutes = Table(
    "product_substitutes",
    Base.metadata,
    Column("product_id", ForeignKey("products.id"), primary_key=True),
    Column("substitute_id", ForeignKey("products.id"), primary_key=True),
)


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name_en: Mapped[str] = mapped_column(String(300))
    name_zh: Mapped[str] = mapped_column(String(300), default="")
    category: Mapped[str] = mapped_column(String(64), default="")
    price_cents: Mapped[int] = mapped_column(Integer, default=0)
    weight_g: Mapped[int] = mapped_column(Integer, default=0)
    length_mm: Mapped[int | None] = mapped_column(Integer, default=None)
    width_mm: Mapped[int | None] = mapped_column(Integer, default=None)
    height_mm: Mapped[int | None] = mapped_column(Integer, default=None)
    fragile: Mapped[bool] = mapped_column(Boolean, default=False)
    high_value: Mapped[bool] = mapped_column(Boolean, default=False)
    hazmat: Mapped[bool] = mapped_column(Boolean, default=False)
    liquid: Mapped[bool] = mapped_column(Boolean, default=False)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the packer must capture when this product is scanned.
    tracks_lot: Mapped[bool] = mapped_column(Boolean, default=False)
    tracks_serial: Mapped[bool] = mapped_column(Boolean, default=False)
    tracks_expiry: Mapped[bool] = mapped_column(Boolean, default=False)
    # Days an item must still have before its expiry to be reserved and sent out (0: any date not past); FEFO.
    min_shelf_life_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    picture: Mapped[str] = mapped_column(String(500), default="", server_default="")  # a local file, for the pack screen

    gtins: Mapped[list[ProductGtin]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="ProductGtin.id"
    )
    substitutes: Mapped[list[Product]] = relationship(
        secondary=product_substitutes,
        primaryjoin=lambda: Product.id == product_substitutes.c.product_id,
        secondaryjoin=lambda: Product.id == product_substitutes.c.substitute_id,
    )

    def name(self, language: str = "en") -> str:
        if language.startswith("zh") and self.name_zh:
            return self.name_zh
        return self.name_en


class ProductGtin(Base):
    """A GTIN that identifies the product; a case GTIN stands for ``units`` of it."""

    __tablename__ = "product_gtins"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    gtin: Mapped[str] = mapped_column(String(14), unique=True)  # always 14 digits, zero-padded
    units: Mapped[int] = mapped_column(Integer, default=1)

    product: Mapped[Product] = relationship(back_populates="gtins")


# Whose number for a product a cross-reference holds: the buyer's (EDIFACT PIA/LIN ...:IN or :BP) or the
# supplier's (...:SA).
PRODUCT_REF_KINDS = ("buyer", "supplier")


class ProductRef(Base):
    """Another party's number for the product, as an EDI order names it: a buyer's article number or a supplier's.
    ``party`` is the buyer's or supplier's id as the EDI message gives it (a GLN) or its name; "" for a number that
    means this product whoever sends it. Set by the products file (``buyer_code``, ``supplier_code``)."""

    __tablename__ = "product_refs"
    __table_args__ = (
        UniqueConstraint("kind", "party", "code"),
        CheckConstraint(sql_in("kind", PRODUCT_REF_KINDS), name="known_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    party: Mapped[str] = mapped_column(String(64), default="", server_default="")
    code: Mapped[str] = mapped_column(String(64))


class Stock(Base):
    __tablename__ = "stock"
    __table_args__ = (
        UniqueConstraint("product_id", "bin_id", "lot"),
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="reserved_within_on_hand"),
        Index("ix_stock_bin", "bin_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    bin_id: Mapped[int] = mapped_column(ForeignKey("bins.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"), index=True)
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    # '' for stock without a lot; changes of on_hand go through app.catalogue.ledger (migration 0021).
    lot: Mapped[str] = mapped_column(String(64), default="", server_default="")
    expiry: Mapped[date | None] = mapped_column(Date, default=None)


class Replenishment(Base):
    __tablename__ = "replenishments"
    __table_args__ = (CheckConstraint(sql_in("status", REPLENISHMENT_STATUSES), name="known_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="requested")
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expected_on: Mapped[date | None] = mapped_column(Date)
    # The expected delivery a supervisor ordered it on (goods in; migration 0029), received when that one closes.
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"), index=True, default=None)


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40), default="")
    # good, watch, poor, blocked
    credit_standing: Mapped[str] = mapped_column(String(16), default="good")
    blocked_reason: Mapped[str] = mapped_column(String(300), default="")
    orders_count: Mapped[int] = mapped_column(Integer, default=0)
    spent_cents: Mapped[int] = mapped_column(Integer, default=0)
    returns_count: Mapped[int] = mapped_column(Integer, default=0)
    chargebacks_count: Mapped[int] = mapped_column(Integer, default=0)
    points_balance: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


USER_ROLES = ("packer", "supervisor", "shipping", "service", "admin")


def role_sets() -> list[str]:
    """Every value ``users.role`` may hold: one or more roles, joined by "," in the order of USER_ROLES."""
    from itertools import combinations

    return [",".join(c) for n in range(1, len(USER_ROLES) + 1) for c in combinations(USER_ROLES, n)]


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN (" + ", ".join(f"'{r}'" for r in role_sets()) + ")", name="known_roles"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    # One or more roles, joined by "," in USER_ROLES' order ("packer", "shipping,service").
    role: Mapped[str] = mapped_column(String(64))
    # A badge is found by the HMAC-SHA256 of its code (app.admin.badges); the code itself is never stored.
    # The secrets are loaded only when asked for (deferred): a station's login may not read them on PostgreSQL
    # (db/roles.py), so no query of users names them unless it checks one.
    badge_hash: Mapped[str | None] = mapped_column(String(64), unique=True, deferred=True)
    pin_hash: Mapped[str] = mapped_column(String(200), deferred=True)
    # The PIN's bcrypt hash, which PostgreSQL checks itself (pgcrypto) for logins that cannot read either hash.
    pin_crypt: Mapped[str | None] = mapped_column(String(100), default=None, deferred=True)
    # The language the screens switch to when this user logs in; "" keeps the station's own.
    language: Mapped[str] = mapped_column(String(8), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(r for r in (self.role or "").split(",") if r)

    def _set_badge_code(self, code: str | None) -> None:
        from app.admin.badges import badge_hash

        self.badge_hash = badge_hash(code) if code else None

    # Write-only: ``User(badge_code="B-1")`` stores the code's hash, as the staff service does.
    badge_code = property(None, _set_badge_code)

    def _set_pin(self, pin: str) -> None:
        from app.admin.pins import crypt_pin, hash_pin

        self.pin_hash, self.pin_crypt = hash_pin(pin), crypt_pin(pin)

    # Write-only: ``user.pin = "4826"`` stores its Argon2id hash and the bcrypt one the database checks.
    pin = property(None, _set_pin)


class Station(Base):
    __tablename__ = "stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    kind: Mapped[str] = mapped_column(String(16), default="pack")  # pack, review, ship, service
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    logged_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The serial devices the station's config names, as it last reported them: [{"kind": ..., "port": ...}];
    # None until it has started once (app.admin.sites.report_devices).
    devices: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)

    warehouse: Mapped[Warehouse | None] = relationship()
    user: Mapped[User | None] = relationship()


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        CheckConstraint(sql_in("status", ORDER_STATUSES), name="known_status"),
        # The queue: status first, then urgency.
        Index("ix_orders_queue", "status", "priority", "promised_ship_at"),
        Index("ix_orders_station_status", "station_id", "status"),
        Index("ix_orders_warehouse_status", "warehouse_id", "status"),
        Index("ix_orders_tracking", "tracking_number"),
        Index("ix_orders_customer", "customer_id"),
        Index("ix_orders_placed", "placed_at"),
        Index("ix_orders_shop_number", "shop_number"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    channel: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(100))
    # The shop's own number as the shop shows it (Shopify "#1041", a WooCommerce number, an EDI order reference;
    # else the external id), as the order look-up compares it: app.orders.references.shop_number_key ("1041").
    # Not unique: two channels may use one number (the look-up then names both).
    shop_number: Mapped[str] = mapped_column(String(100), default="", server_default="")
    status: Mapped[str] = mapped_column(String(16), default="received")
    # 0 normal, 1 high, 2 urgent: the queue sorts descending.
    priority: Mapped[int] = mapped_column(Integer, default=0)
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    promised_ship_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    service_level: Mapped[str] = mapped_column(String(16), default="standard")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))

    ship_name: Mapped[str] = mapped_column(String(200), default="")
    ship_company: Mapped[str] = mapped_column(String(200), default="")
    ship_address1: Mapped[str] = mapped_column(String(300), default="")
    ship_address2: Mapped[str] = mapped_column(String(300), default="")
    ship_city: Mapped[str] = mapped_column(String(100), default="")
    ship_region: Mapped[str] = mapped_column(String(100), default="")
    ship_postcode: Mapped[str] = mapped_column(String(20), default="")
    ship_country: Mapped[str] = mapped_column(String(2), default="")
    ship_phone: Mapped[str] = mapped_column(String(40), default="")
    ship_email: Mapped[str] = mapped_column(String(254), default="")

    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    goods_cents: Mapped[int] = mapped_column(Integer, default=0)
    coupon_code: Mapped[str] = mapped_column(String(64), default="")
    coupon_cents: Mapped[int] = mapped_column(Integer, default=0)
    points_used: Mapped[int] = mapped_column(Integer, default=0)
    points_cents: Mapped[int] = mapped_column(Integer, default=0)
    shipping_cents: Mapped[int] = mapped_column(Integer, default=0)
    tax_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    paid_cents: Mapped[int] = mapped_column(Integer, default=0)
    # paid, pending, failed, refunded, partially_refunded
    payment_status: Mapped[str] = mapped_column(String(20), default="pending")
    payment_reference: Mapped[str] = mapped_column(String(100), default="")

    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"))
    tracking_number: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.line_no"
    )
    flags: Mapped[list[ReviewFlag]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="ReviewFlag.id"
    )
    customer: Mapped[Customer | None] = relationship()
    warehouse: Mapped[Warehouse | None] = relationship()
    station: Mapped[Station | None] = relationship()

    @property
    def due_cents(self) -> int:
        """What the customer owes: goods less coupons and points, plus shipping and any tax charged on top."""
        return self.goods_cents - self.coupon_cents - self.points_cents + self.shipping_cents + self.tax_cents


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (
        UniqueConstraint("order_id", "line_no"),
        CheckConstraint("quantity > 0", name="positive_quantity"),
        Index("ix_order_lines_sku", "sku"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(64))
    gtin: Mapped[str] = mapped_column(String(14), default="")
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    name: Mapped[str] = mapped_column(String(300), default="")
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_cents: Mapped[int] = mapped_column(Integer, default=0)
    picked_quantity: Mapped[int] = mapped_column(Integer, default=0)
    packed_quantity: Mapped[int] = mapped_column(Integer, default=0)

    order: Mapped[Order] = relationship(back_populates="lines")
    product: Mapped[Product | None] = relationship()


class Reservation(Base):
    """Stock held in one bin for one order line, from confirmation until shipped or released."""

    __tablename__ = "reservations"
    __table_args__ = (CheckConstraint("quantity > 0", name="positive_quantity"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"))
    stock_id: Mapped[int] = mapped_column(ForeignKey("stock.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)


class ReviewFlag(Base):
    """A rule's reason for sending an order to a person."""

    __tablename__ = "review_flags"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(String(500))
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)

    order: Mapped[Order] = relationship(back_populates="flags")


class OrderEvent(Base):
    """The order's timeline. Append-only: the migration installs triggers that refuse UPDATE and DELETE."""

    __tablename__ = "order_events"
    __table_args__ = (Index("ix_order_events_order", "order_id", "id"), Index("ix_order_events_kind_at", "kind", "at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    station: Mapped[str | None] = mapped_column(String(64))
    user: Mapped[str | None] = mapped_column(String(64))
    location: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ChangeLog(Base):
    """One row a committed change that other stations must see; they poll or LISTEN on it."""

    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    topic: Mapped[str] = mapped_column(String(40))  # order, station, stock, ...
    key: Mapped[str] = mapped_column(String(64), default="")


class Coupon(Base):
    """A promotion code; intake re-computes what each order may take off with it."""

    __tablename__ = "coupons"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8), default="fixed")  # fixed (cents off) or percent
    value: Mapped[int] = mapped_column(Integer)  # cents for fixed, whole percent for percent
    min_goods_cents: Mapped[int] = mapped_column(Integer, default=0)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
