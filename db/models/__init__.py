"""Every mapped table. Each capability keeps its tables in a module of its own here; import it below
so that Alembic and the tests see one metadata."""

from db.base import Base
from db.models.core import (
    ORDER_STATUSES,
    Bin,
    ChangeLog,
    Coupon,
    Customer,
    Order,
    OrderEvent,
    OrderLine,
    Product,
    ProductGtin,
    ProductRef,
    Replenishment,
    Reservation,
    ReviewFlag,
    Station,
    Stock,
    User,
    Warehouse,
    product_substitutes,
)

__all__ = [
    "Base",
    "ORDER_STATUSES",
    "Bin",
    "ChangeLog",
    "Coupon",
    "Customer",
    "Order",
    "OrderEvent",
    "OrderLine",
    "Product",
    "ProductGtin",
    "ProductRef",
    "Replenishment",
    "Reservation",
    "ReviewFlag",
    "Station",
    "Stock",
    "User",
    "Warehouse",
    "product_substitutes",
]
from db.models import aftersales as _aftersales  # noqa: E402,F401  (issue 7: carrier events, returns, surveys, report rollups)
from db.models import channels as _channels  # noqa: E402,F401  (issue 20: the shops, their cursors, the outbox to them)
from db.models import counting as _counting  # noqa: E402,F401  (issue 18: cycle counts)
from db.models import goodsin as _goodsin  # noqa: E402,F401  (issue 18: deliveries, receiving, put-away)
from db.models import packing as _packing  # noqa: E402,F401  (issue 9: pack sessions, scan journal, boxes, cartons)
from db.models import shipping as _shipping  # noqa: E402,F401  (issue 6: carriers, parcels, print queue)
from db.models import stock as _stock  # noqa: E402,F401  (issue 23: the stock ledger)
from db.models import users as _users  # noqa: E402,F401  (issue 19: PIN lock-outs, the users' trail)
from db.models import web as _web  # noqa: E402,F401  (issue 11: service cases, customer messages, e-mail outbox)
