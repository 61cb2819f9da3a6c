"""What a shipping label says, in one plain value that both renderers (PDF and ZPL) draw."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Address:
    name: str
    lines: tuple[str, ...]
    phone: str = ""

    @property
    def text_lines(self) -> list[str]:
        return [self.name, *[line for line in self.lines if line]]


@dataclass(frozen=True)
class LabelData:
    tracking_number: str
    sscc: str  # 18 digits
    qr_url: str
    carrier_code: str
    carrier_name: str
    service_name: str
    service_kind: str
    ship_from: Address
    ship_to: Address
    weight_g: int
    seq: int
    count: int
    order_number: str
    ship_date: date
    expected_delivery: date | None = None
    zone: int = 1
    carton: str = ""
    dimensions_mm: tuple[int, int, int] | None = None
    company_prefix_length: int = 7

    @property
    def sscc_gs1(self) -> str:
        """The GS1-128 element string: AI (00) + SSCC."""
        return "00" + self.sscc

    @property
    def sscc_hri(self) -> str:
        n = self.company_prefix_length
        s = self.sscc
        return f"(00) {s[0]} {s[1:1 + n]} {s[1 + n:17]} {s[17]}"

    @property
    def address_lines(self) -> list[str]:
        """The recipient's address under the name, the phone last."""
        lines = [line for line in self.ship_to.lines if line]
        if self.ship_to.phone:
            lines.append(f"Tel {self.ship_to.phone}")
        return lines

    @property
    def weight_text(self) -> str:
        return f"{self.weight_g / 1000:.2f} kg"

    @property
    def parcel_text(self) -> str:
        return f"{self.seq} / {self.count}"


def _place(postcode: str, city: str, region: str) -> list[str]:
    """Postcode, city and region, the region left out when it only repeats the city (上海 / 上海市)."""
    same = region and city and region.rstrip("市省") == city.rstrip("市省")
    return [p for p in (postcode, city, "" if same else region) if p]


def order_address(order) -> Address:
    """The ship-to address of an ``Order`` row, as printed (city, region and postcode on one line)."""
    place = " ".join(_place(order.ship_postcode, order.ship_city, order.ship_region))
    lines = (order.ship_company, order.ship_address1, order.ship_address2, place, order.ship_country)
    return Address(name=order.ship_name or "(no name)", lines=tuple(line for line in lines if line), phone=order.ship_phone)


def warehouse_address(warehouse, fallback_name: str = "Warehouse Station") -> Address:
    if warehouse is None:
        return Address(name=fallback_name, lines=())
    place = " ".join(_place(warehouse.postcode, warehouse.city, warehouse.region))
    return Address(name=warehouse.name, lines=tuple(x for x in (place, warehouse.country) if x))
