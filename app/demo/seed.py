"""A demo warehouse a newcomer can walk into: ``station demo seed [--orders N] [--seed S]``.

Deterministic for a given seed. Reference data (warehouses with layouts and bins, a bilingual
catalogue with GTINs, stock, users, stations, coupons) is written first; the orders then go
through the real intake service (rules, confirmation, allocation), and the older ones are moved
on through the later stages so that every status a newcomer should see has life; what the carrier,
customers and the service desk did since comes through the after-sales services
(``app.demo.life``).
"""

from __future__ import annotations

import contextlib
import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from biip.checksums import gs1_standard_check_digit
from sqlalchemy import func, insert, select

from app.admin.badges import badge_hash
from app.context import Context
from app.demo import life as demo_life
from app.demo import stages as demo_stages
from app.intake.model import IncomingAddress, IncomingLine, IncomingOrder
from app.intake.service import ImportSummary, Intake
from app.picking.layouts import load_layout
from app.routing.layout import Layout
from app.uow import Actor
from db.bulk import indexes_deferred, objects_frozen
from db.models import (
    Bin,
    Coupon,
    Customer,
    Order,
    Product,
    ProductGtin,
    Replenishment,
    Station,
    Stock,
    User,
    Warehouse,
    product_substitutes,
)
from db.session import fresh_database_load

DEMO_CHANNELS = ("web", "shopify", "woocommerce", "tmall", "jd")

WAREHOUSES = (
    # code, name, city, region, postcode, lat, lon, daily capacity
    ("SH", "Shanghai Pudong DC", "上海市", "SH", "201315", 31.15, 121.80, 40000),
    ("GZ", "Guangzhou Baiyun DC", "广州市", "GD", "510440", 23.28, 113.30, 30000),
    ("BJ", "Beijing Daxing DC", "北京市", "BJ", "102600", 39.73, 116.34, 30000),
)
WAREHOUSE_NAMES_ZH = {"SH": "上海浦东配送中心", "GZ": "广州白云配送中心", "BJ": "北京大兴配送中心"}

LAYOUT = {"aisles": 10, "aisle_width": 3.0, "aisle_length": 30.0, "cross_aisles": [0.0, 15.0, 30.0], "depot": {"x": 0.0, "y": 0.0}}

# (English, Chinese, category, grams, (l, w, h) mm, price in yuan, flags)
ITEMS = (
    ("Wireless Earbuds", "无线耳机", "electronics", 120, (90, 70, 40), 299, {"high_value", "tracks_serial"}),
    ("Phone Charger 20W", "20W 手机充电器", "electronics", 90, (60, 50, 30), 59, set()),
    ("USB-C Cable 1m", "USB-C 数据线 1米", "electronics", 40, (120, 80, 20), 19, set()),
    ("Bluetooth Speaker", "蓝牙音箱", "electronics", 540, (180, 90, 90), 199, set()),
    ("Smart Watch", "智能手表", "electronics", 160, (110, 90, 70), 899, {"high_value", "tracks_serial"}),
    ("Power Bank 10000mAh", "充电宝 10000毫安", "electronics", 230, (140, 70, 20), 129, {"hazmat"}),
    ("Ceramic Mug", "陶瓷马克杯", "home", 350, (120, 100, 100), 39, {"fragile"}),
    ("Glass Vase", "玻璃花瓶", "home", 800, (250, 120, 120), 89, {"fragile"}),
    ("Bath Towel", "浴巾", "home", 450, (300, 200, 60), 49, set()),
    ("Desk Lamp", "台灯", "home", 950, (350, 180, 150), 159, set()),
    ("Cotton T-Shirt", "纯棉T恤", "apparel", 200, (300, 250, 20), 79, set()),
    ("Running Shoes", "跑步鞋", "apparel", 850, (330, 220, 120), 399, set()),
    ("Wool Scarf", "羊毛围巾", "apparel", 180, (250, 200, 30), 129, set()),
    ("Face Cream 50ml", "面霜 50毫升", "beauty", 110, (70, 70, 60), 169, {"liquid", "tracks_lot", "tracks_expiry"}),
    ("Shampoo 400ml", "洗发水 400毫升", "beauty", 460, (220, 80, 60), 45, {"liquid", "tracks_lot", "tracks_expiry"}),
    ("Green Tea 250g", "绿茶 250克", "food", 270, (160, 90, 90), 88, {"tracks_lot", "tracks_expiry"}),
    ("Dark Chocolate", "黑巧克力", "food", 100, (160, 80, 10), 25, {"tracks_lot", "tracks_expiry"}),
    ("Building Blocks Set", "积木套装", "toys", 900, (380, 260, 80), 249, set()),
    ("Picture Book", "绘本", "books", 400, (280, 210, 10), 36, set()),
    ("Cold Medicine", "感冒药", "pharmacy", 60, (110, 60, 20), 32, {"restricted", "tracks_lot", "tracks_expiry"}),
    ("Red Wine 750ml", "红葡萄酒 750毫升", "alcohol", 1300, (320, 80, 80), 268, {"restricted", "liquid", "fragile"}),
)
VARIANTS = (("Black", "黑色"), ("White", "白色"), ("Blue", "蓝色"), ("Red", "红色"), ("Grey", "灰色"), ("Green", "绿色"))

CN_ADDRESSES = (
    # region, city, postcode, street
    ("上海市", "上海市", "200120", "浦东新区世纪大道{n}号"),
    ("北京市", "北京市", "100020", "朝阳区建国路{n}号"),
    ("广东省", "广州市", "510620", "天河区天河路{n}号"),
    ("广东省", "深圳市", "518000", "南山区科技园路{n}号"),
    ("浙江省", "杭州市", "310000", "西湖区文三路{n}号"),
    ("江苏省", "南京市", "210000", "鼓楼区中山北路{n}号"),
    ("四川省", "成都市", "610000", "锦江区春熙路{n}号"),
    ("湖北省", "武汉市", "430000", "武昌区中南路{n}号"),
    ("陕西省", "西安市", "710000", "雁塔区长安南路{n}号"),
    ("辽宁省", "沈阳市", "110000", "和平区南京北街{n}号"),
    ("山东省", "青岛市", "266000", "市南区香港中路{n}号"),
    ("福建省", "厦门市", "361000", "思明区鹭江道{n}号"),
    ("重庆市", "重庆市", "400000", "渝中区解放碑{n}号"),
    ("云南省", "昆明市", "650000", "五华区东风西路{n}号"),
    ("新疆维吾尔自治区", "乌鲁木齐市", "830000", "天山区人民路{n}号"),
)
ABROAD = (
    ("US", "CA", "San Francisco", "94105", "{n} Market Street"),
    ("US", "NY", "New York", "10001", "{n} 7th Avenue"),
    ("GB", "", "London", "SW1A 1AA", "{n} Whitehall"),
    ("DE", "", "Berlin", "10117", "Unter den Linden {n}"),
    ("JP", "13", "Tokyo", "100-0001", "{n} Chiyoda"),
    ("SG", "", "Singapore", "018989", "{n} Marina Boulevard"),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "华", "平")
LATIN_NAMES = ("Alice Smith", "Bob Jones", "Carla Diaz", "David Miller", "Emma Brown", "Felix Wagner", "Yuki Tanaka", "Grace Tan")

DEMO_USERS = (
    # username, display name, role, badge, PIN
    *((f"packer{i}", f"Packer {i} / 打包员{i}", "packer", f"BADGE-PACKER-{i}", "1111") for i in range(1, 9)),
    ("super1", "Supervisor / 主管", "supervisor", "BADGE-SUPER-1", "2222"),
    ("ship1", "Shipping / 发货员", "shipping", "BADGE-SHIP-1", "3333"),
    ("service1", "Service / 客服", "service", "BADGE-SERVICE-1", "4444"),
    ("admin", "Administrator / 管理员", "admin", "BADGE-ADMIN", "9999"),
)
STATIONS = (("STATION-1", "SH"), ("STATION-2", "SH"), ("STATION-3", "GZ"), ("STATION-4", "BJ"))


def gtin13(company: int, item: int) -> str:
    body = f"690{company:04d}{item:05d}"
    return f"{body}{gs1_standard_check_digit(body)}"


@dataclass
class SeedReport:
    products: int
    orders: ImportSummary
    statuses: dict[str, int]


def seed_reference(ctx: Context, seed: int = 1) -> None:
    """Warehouses, bins, catalogue, stock, users, stations, coupons; idempotent."""
    rng = random.Random(seed)
    with ctx.sessions() as s, s.begin():
        if s.scalar(select(func.count()).select_from(Warehouse)):
            return
        warehouses = []
        for code, name, city, region, postcode, lat, lon, capacity in WAREHOUSES:
            w = Warehouse(code=code, name=name, name_zh=WAREHOUSE_NAMES_ZH.get(code, ""), country="CN", region=region,
                          city=city, postcode=postcode,
                          latitude=lat, longitude=lon, daily_capacity=capacity)
            s.add(w)
            warehouses.append(w)
        s.flush()
        # The bins are the layout's own, as `station layout load` makes them, so routing and a later reload agree.
        layout = Layout.from_mapping(LAYOUT)
        for w in warehouses:
            load_layout(s, w, layout)
        s.execute(insert(Bin.__table__), [
            {"warehouse_id": w.id, "code": "QUARANTINE", "zone": "Q", "aisle": 1, "position": 0.0, "side": "L",
             "level": 1, "quarantine": True}
            for w in warehouses
        ])
        bins_by_wh: dict[int, list[int]] = {}
        for bin_id, wid, quarantine in s.execute(select(Bin.id, Bin.warehouse_id, Bin.quarantine)):
            if not quarantine:
                bins_by_wh.setdefault(wid, []).append(bin_id)

        products: list[Product] = []
        item_no = 0
        for base_no, (en, zh, category, grams, dims, price, flags) in enumerate(ITEMS):
            for variant_no, (ven, vzh) in enumerate(VARIANTS[: 2 + base_no % 5]):
                item_no += 1
                product = Product(
                    sku=f"SKU-{item_no:05d}", name_en=f"{en}, {ven}", name_zh=f"{zh}（{vzh}）", category=category,
                    price_cents=price * 100, weight_g=grams, length_mm=dims[0], width_mm=dims[1], height_mm=dims[2],
                    fragile="fragile" in flags, high_value="high_value" in flags, hazmat="hazmat" in flags,
                    liquid="liquid" in flags, restricted="restricted" in flags, tracks_lot="tracks_lot" in flags,
                    tracks_serial="tracks_serial" in flags, tracks_expiry="tracks_expiry" in flags,
                    gtins=[ProductGtin(gtin="0" + gtin13(1234, item_no))],
                )
                if variant_no == 0:
                    # A case of 12 has its own GTIN-14 (indicator 1).
                    case_body = "1" + gtin13(1234, item_no)[:-1]
                    product.gtins.append(ProductGtin(gtin=f"{case_body}{gs1_standard_check_digit(case_body)}", units=12))
                products.append(product)
        s.add_all(products)
        s.flush()
        # Variants of one item stand in for each other.
        pairs = []
        for a, b in zip(products, products[1:]):
            if a.name_en.split(",")[0] == b.name_en.split(",")[0]:
                pairs += [{"product_id": a.id, "substitute_id": b.id}, {"product_id": b.id, "substitute_id": a.id}]
        if pairs:
            s.execute(insert(product_substitutes), pairs)

        stock_rows, replenish = [], []
        for index, product in enumerate(products):
            scarce = index % 17 == 16  # a few products run short, so backorders happen
            for w in warehouses:
                if rng.random() < 0.2 and w.code != "SH":
                    continue
                for bin_id in rng.sample(bins_by_wh[w.id], 2 if not scarce else 1):
                    on_hand = rng.randint(0, 3) if scarce else rng.randint(200_000, 400_000)
                    stock_rows.append({"product_id": product.id, "bin_id": bin_id, "warehouse_id": w.id, "on_hand": on_hand, "reserved": 0})
            if scarce:
                replenish.append({"product_id": product.id, "warehouse_id": warehouses[0].id, "order_id": None,
                                  "quantity": 500, "status": "ordered", "requested_at": datetime.now(UTC),
                                  "expected_on": date.today() + timedelta(days=3 + index % 9)})
        s.execute(insert(Stock.__table__), stock_rows)
        s.execute(insert(Replenishment.__table__), replenish)

        for username, display, role, badge, pin in DEMO_USERS:
            s.add(User(username=username, display_name=display, role=role, badge_hash=badge_hash(badge), pin=pin,
                       language="zh_CN" if username.endswith(("2", "4")) else ""))
        by_code = {w.code: w for w in warehouses}
        for name, code in STATIONS:
            s.add(Station(name=name, warehouse_id=by_code[code].id, kind="pack"))
        s.add_all([
            Coupon(code="WELCOME10", kind="percent", value=10),
            Coupon(code="SAVE20", kind="fixed", value=2000, min_goods_cents=10000),
            Coupon(code="SUMMER5", kind="fixed", value=500, ends_on=date(2025, 8, 31)),
        ])
        s.add_all([
            Customer(email="blocked@example.com", name="欺诈 测试", credit_standing="blocked", blocked_reason="chargeback fraud in 2025"),
            Customer(email="poor@example.com", name="赵 信用差", credit_standing="poor"),
        ])


class OrderGenerator:
    """Plausible orders, with the share of trouble a real day has."""

    def __init__(self, ctx: Context, seed: int, now: datetime) -> None:
        self.rng = random.Random(seed * 7919 + 1)
        self.now = now
        with ctx.sessions() as s:
            self.products = [(p.sku, p.price_cents) for p in s.execute(select(Product.sku, Product.price_cents).order_by(Product.id))]
        self.hot = self.products[: max(len(self.products) // 5, 1)]

    def orders(self, count: int, start: int = 1) -> Iterator[IncomingOrder]:
        rng = self.rng
        span = timedelta(days=30).total_seconds()
        for n in range(start, start + count):
            # Order n was placed at a time spread over the last 30 days, oldest first.
            placed = self.now - timedelta(seconds=span * (1 - (n - start + 0.5) / count))
            channel = DEMO_CHANNELS[n % len(DEMO_CHANNELS)]
            pool = self.hot if rng.random() < 0.6 else self.products
            lines = []
            for sku, price in rng.sample(pool, min(len(pool), 1 + int(rng.random() ** 2 * 4))):
                lines.append(IncomingLine(sku=sku, quantity=1 if rng.random() < 0.8 else rng.randint(2, 4), unit_price_cents=price))
            trouble = rng.random()
            if trouble < 0.004:
                lines.append(IncomingLine(sku="SKU-99999", quantity=1, unit_price_cents=1000))
            elif trouble < 0.008:
                lines[0].quantity = 40
            if rng.random() < 0.9:
                region, city, postcode, street = CN_ADDRESSES[n % len(CN_ADDRESSES)]
                name = rng.choice(SURNAMES) + rng.choice(GIVEN)
                address = IncomingAddress(name=name, address1=street.format(n=n % 999 + 1), city=city, region=region,
                                          postcode=postcode, country="CN", phone=f"13{rng.randint(0, 999999999):09d}")
                currency = "CNY"
            else:
                country, region, city, postcode, street = ABROAD[n % len(ABROAD)]
                address = IncomingAddress(name=rng.choice(LATIN_NAMES), address1=street.format(n=n % 999 + 1), city=city,
                                          region=region, postcode=postcode, country=country, phone="+1 555 0100")
                currency = "CNY"
            if 0.008 <= trouble < 0.012:
                address.postcode = address.postcode[:-1]  # implausible postcode
            goods = sum(line.quantity * line.unit_price_cents for line in lines)
            coupon_code, coupon = "", 0
            if rng.random() < 0.1:
                coupon_code, coupon = "WELCOME10", (goods * 10 + 50) // 100
            elif goods >= 10000 and rng.random() < 0.1:
                coupon_code, coupon = "SAVE20", 2000
            points = rng.choice((0, 0, 0, 100, 500, 1000)) if goods > 5000 else 0
            shipping = 0 if goods >= 9900 else 1000
            due = goods - coupon - points + shipping
            payment_status = "paid"
            if 0.012 <= trouble < 0.03:
                payment_status = "pending"
            if 0.03 <= trouble < 0.035:
                due += 100  # paid amount does not add up
            email = f"customer{n % 50_000}@example.com"
            if 0.035 <= trouble < 0.037:
                email = "blocked@example.com"
            elif 0.037 <= trouble < 0.04:
                email = "poor@example.com"
            priority = 2 if rng.random() < 0.03 else (1 if rng.random() < 0.1 else 0)
            service = "next_day" if priority == 2 else ("scheduled" if rng.random() < 0.05 else "standard")
            promised = placed + timedelta(hours=12 if priority == 2 else (24 if priority == 1 else 48))
            yield IncomingOrder(
                channel=channel, external_id=f"D{n:09d}", placed_at=placed, lines=lines, ship_to=address,
                customer_email=email, customer_name=address.name, currency=currency, goods_cents=goods,
                coupon_code=coupon_code, coupon_cents=coupon, points_used=points, points_cents=points,
                shipping_cents=shipping, paid_cents=due if payment_status == "paid" else 0,
                payment_status=payment_status, payment_reference=f"PAY-{n:010d}", priority=priority,
                service_level=service, promised_ship_at=promised, record=f"demo order {n}",
            )


# Below this many orders the plain settings are quick enough, and a small seed stays an ordinary load.
BULK_LOAD_FROM = 10_000
# Tables a demo load fills; their plain indexes are built once at the end. The stages look reservations up by order.
BULK_TABLES = ("orders", "order_lines", "order_events", "review_flags", "reservations", "parcels")
BULK_KEEP = ("ix_reservations_order_id",)


@contextlib.contextmanager
def _bulk_load(ctx: Context) -> Iterator[None]:
    """Bulk-load settings, for a fresh demo database only (no orders yet): nothing real can be lost."""
    with fresh_database_load(ctx.engine), indexes_deferred(ctx.engine, BULK_TABLES, keep=BULK_KEEP):
        yield


def seed(
    ctx: Context, orders: int = 2000, seed: int = 1, progress: Callable[[str, int, int], None] | None = None,
    bulk_load: bool | None = None,
) -> SeedReport:
    """Seed reference data, then ``orders`` demo orders through intake, then move them on.

    ``bulk_load``: fill a fresh database with bulk-load settings (default: from ``BULK_LOAD_FROM`` orders on)."""
    seed_reference(ctx, seed)
    with ctx.sessions() as s:
        already = s.scalar(select(func.count()).select_from(Order)) or 0
    now = datetime.now(UTC).replace(microsecond=0)
    generator = OrderGenerator(ctx, seed, now)
    intake = Intake(
        ctx.sessions, ctx.settings, Actor.system("INTAKE"), batch_size=5000,
        received_at=lambda order: order.placed_at + timedelta(seconds=20),
    )
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress("intake", done, orders)

    bulk = already == 0 and (orders >= BULK_LOAD_FROM if bulk_load is None else bulk_load)
    mail = False

    def pickup() -> None:
        nonlocal mail
        mail = demo_life.carrier_pickup(ctx)

    # The demo's exchanges are orders too: the newest few are held back, and only those no exchange took the place
    # of go in at the end, so the demo holds exactly ``orders`` new orders.
    held_back = min(demo_life.EXCHANGES_MAX, orders // 100)
    incoming = generator.orders(orders, start=already + 1)
    with objects_frozen(), (_bulk_load(ctx) if bulk else contextlib.nullcontext()):
        summary = intake.run(itertools.islice(incoming, orders - held_back), progress=step)
        moved = demo_stages.advance_demo_orders(ctx, seed, now, progress=progress, before_labelled=pickup)
    # Through the after-sales services one order at a time: after the bulk load, with every index back.
    life = demo_life.live(ctx, seed, now, moved, mail, exchanges=held_back)
    summary.merge(intake.run(itertools.islice(incoming, held_back - life.exchanges), progress=step))
    summary.imported += life.exchanges
    with ctx.sessions() as s:
        statuses = dict(s.execute(select(Order.status, func.count()).group_by(Order.status)).all())
        product_count = s.scalar(select(func.count()).select_from(Product)) or 0
    return SeedReport(product_count, summary, statuses)
