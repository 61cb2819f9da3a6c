"""Write an N-order file in the station's native JSON format (docs/intake-formats.md): deterministic for
a given seed, realistic (1-5 lines, SKUs from a list, Chinese and foreign addresses, coupons, points, paid and
pending payments, a few urgent next-day orders).

Usage: ``python scripts/bench/make_orders_file.py -o orders.json [--orders 100000] [--seed 7]
[--skus 2000 | --sku-file skus.txt] [--channel web] [--prefix WEB-]``
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

CN_PLACES = [
    ("广东省", "深圳市", "518057", "南山区科技园科苑路{n}号"),
    ("广东省", "广州市", "510620", "天河区天河路{n}号"),
    ("上海市", "上海市", "200120", "浦东新区世纪大道{n}号"),
    ("北京市", "北京市", "100022", "朝阳区建国路{n}号"),
    ("浙江省", "杭州市", "310012", "西湖区文三路{n}号"),
    ("四川省", "成都市", "610041", "武侯区天府大道北段{n}号"),
    ("江苏省", "南京市", "210008", "鼓楼区中山路{n}号"),
    ("湖北省", "武汉市", "430071", "武昌区中南路{n}号"),
]
CN_NAMES_FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
CN_NAMES_GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超"]
FOREIGN = [
    ("DE", "Berlin", "", "10117", "Friedrichstraße {n}", "Anna Schmidt"),
    ("US", "Springfield", "OR", "97403", "{n} Evergreen Terrace", "Jane Doe"),
    ("FR", "Paris", "", "75002", "{n} rue de la Paix", "Louis Martin"),
    ("JP", "東京都", "Tokyo", "100-0005", "千代田区丸の内{n}-1", "佐藤 花子"),
]
COUPONS = [("DOUBLE11", 2000), ("WELCOME10", 1000), ("VIP50", 5000)]
CENTS_PER_POINT = 1


def sku_list(count: int) -> list[str]:
    return [f"SKU-{i:05d}" for i in range(1, count + 1)]


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def orders(count: int, seed: int = 7, skus: list[str] | None = None, channel: str = "web",
           prefix: str = "WEB-") -> Iterator[dict]:
    """The orders as native-format dicts, one at a time."""
    rng = random.Random(seed)
    skus = skus or sku_list(2000)
    prices = {sku: rng.randrange(500, 50_000, 10) for sku in skus}
    start = datetime(2026, 11, 1, tzinfo=timezone(timedelta(hours=8)))
    for n in range(1, count + 1):
        placed = start + timedelta(seconds=n * 13 + rng.randrange(13))
        chosen = rng.sample(skus, k=min(len(skus), rng.choices([1, 2, 3, 4, 5], weights=[40, 30, 15, 10, 5])[0]))
        lines = [{"sku": s, "quantity": rng.choices([1, 2, 3, 6], weights=[70, 20, 7, 3])[0], "price": money(prices[s])}
                 for s in chosen]
        goods = sum(prices[s] * line["quantity"] for s, line in zip(chosen, lines))
        if rng.random() < 0.85:
            province, city, postcode, street = rng.choice(CN_PLACES)
            name = rng.choice(CN_NAMES_FAMILY) + rng.choice(CN_NAMES_GIVEN)
            ship_to = {"name": name, "address1": street.format(n=rng.randrange(1, 400)), "city": city,
                       "region": province, "postcode": postcode, "country": "CN",
                       "phone": f"13{rng.randrange(10**8, 10**9)}"}
            currency = "CNY"
        else:
            country, city, region, postcode, street, name = rng.choice(FOREIGN)
            ship_to = {"name": name, "address1": street.format(n=rng.randrange(1, 400)), "city": city,
                       "region": region, "postcode": postcode, "country": country}
            currency = "CNY"
        order: dict = {
            "external_id": f"{prefix}{n:08d}",
            "channel": channel,
            "placed_at": placed.isoformat(),
            "currency": currency,
            "customer": {"name": ship_to["name"], "email": f"customer{rng.randrange(1, count // 3 + 2)}@example.cn"},
            "ship_to": ship_to,
            "lines": lines,
            "shipping": money(0 if goods >= 9900 else 1000),
        }
        coupon = points = 0
        if rng.random() < 0.15:
            code, coupon = rng.choice(COUPONS)
            coupon = min(coupon, goods // 2)
            order["coupon"] = {"code": code, "amount": money(coupon)}
        if rng.random() < 0.10:
            used = rng.randrange(100, 1000, 100)
            points = min(used * CENTS_PER_POINT, goods // 4)
            order["points"] = {"used": points // CENTS_PER_POINT, "amount": money(points)}
        due = goods - coupon - points + int(order["shipping"].replace(".", ""))
        if rng.random() < 0.95:
            order["payment"] = {"status": "paid", "reference": f"PAY-{seed}-{n:010d}", "amount": money(due)}
        else:
            order["payment"] = {"status": "pending"}
        roll = rng.random()
        if roll < 0.03:
            order["priority"] = "urgent"
            order["service_level"] = "next_day"
            order["promised_ship_at"] = (placed + timedelta(hours=6)).isoformat()
        elif roll < 0.10:
            order["priority"] = "high"
        yield order


def write(path: str | Path, count: int, seed: int = 7, skus: list[str] | None = None, channel: str = "web",
          prefix: str = "WEB-") -> Path:
    """Write the file (streamed, so a million orders need little memory)."""
    path = Path(path)
    with path.open("w", encoding="utf-8") as out:
        out.write('{"format": "warehouse-station/orders", "version": 1, "orders": [\n')
        for i, order in enumerate(orders(count, seed, skus, channel, prefix)):
            if i:
                out.write(",\n")
            out.write(json.dumps(order, ensure_ascii=False, separators=(",", ":")))
        out.write("\n]}\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skus", type=int, default=2000, help="use SKU-00001 ... SKU-<n>")
    parser.add_argument("--sku-file", help="one SKU a line (instead of --skus)")
    parser.add_argument("--channel", default="web")
    parser.add_argument("--prefix", default="WEB-")
    args = parser.parse_args(argv)
    if args.sku_file:
        skus = [s.strip() for s in Path(args.sku_file).read_text(encoding="utf-8").splitlines() if s.strip()]
    else:
        skus = sku_list(args.skus)
    if not skus:
        print("make_orders_file: no SKU to choose from", file=sys.stderr)
        return 2
    path = write(args.output, args.orders, args.seed, skus, args.channel, args.prefix)
    print(f"{path}: {args.orders} orders, {path.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
