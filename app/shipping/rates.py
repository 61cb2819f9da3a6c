"""Carrier choice (seed 3.3) as plain domain code: which services can carry these parcels to this address by
the promised date, what each costs, and the cheapest that fits. No database, no Qt.

The service layer loads :class:`ServiceOption` values from the carrier tables and calls :func:`shop`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from app.errors import InvalidInput


class ShippingError(InvalidInput):
    """Bad shipping input: the message says what is wrong and how to fix it."""


class NotCovered(ShippingError):
    pass


class OverWeight(ShippingError):
    pass


class MissingDimensions(ShippingError):
    pass


@dataclass(frozen=True)
class ParcelSpec:
    """One parcel as the packer closed it. Weight in grams, dimensions in millimetres."""

    weight_g: int | None
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    carton: str = ""

    def check(self, n: int, m: int) -> None:
        where = f"parcel {n} of {m}"
        if not self.weight_g or self.weight_g <= 0:
            raise ShippingError(f"{where} has no weight: put it on the scale or type the weight in grams")
        dims = (self.length_mm, self.width_mm, self.height_mm)
        if any(d is None or d <= 0 for d in dims):
            raise MissingDimensions(
                f"{where} has no dimensions: measure the carton (or choose a carton size) and enter length, "
                "width and height in mm"
            )

    @property
    def longest_mm(self) -> int:
        return max(self.length_mm or 0, self.width_mm or 0, self.height_mm or 0)

    def chargeable_weight_g(self, volumetric_divisor: int) -> int:
        """The greater of actual and volumetric weight (L x W x H in mm / divisor, divisor in cm3/kg)."""
        actual = int(self.weight_g or 0)
        if volumetric_divisor <= 0:
            return actual
        volume_cm3 = (self.length_mm or 0) * (self.width_mm or 0) * (self.height_mm or 0) / 1000
        volumetric = int(round(volume_cm3 / volumetric_divisor * 1000))
        return max(actual, volumetric)


@dataclass(frozen=True)
class Destination:
    country: str
    region: str = ""
    city: str = ""
    postcode: str = ""

    def describe(self) -> str:
        return ", ".join(p for p in (self.city, self.region, self.country) if p)


@dataclass(frozen=True)
class Surcharge:
    """What a rate card adds to a parcel's price (see :meth:`ServiceOption.parcel_price`): ``remote`` (``cents``
    to a country, region or postcode prefix), ``oversize`` (``cents`` when the longest side is over ``over_mm``),
    ``fuel`` (``percent_bp`` hundredths of a percent of the price with the other surcharges)."""

    kind: str
    cents: int = 0
    percent_bp: int = 0
    country: str = ""
    region: str = ""
    postcode_prefix: str = ""
    over_mm: int = 0

    def specificity(self, dest: Destination) -> int | None:
        """How closely a remote-area surcharge names the address (None: not this address)."""
        if self.country and self.country.upper() != dest.country.upper():
            return None
        if self.postcode_prefix:
            return 2 + len(self.postcode_prefix) if postcode_key(dest.postcode).startswith(self.postcode_prefix) else None
        if self.region:
            return 1 if _norm(self.region) == _norm(dest.region) else None
        return 0


def postcode_key(postcode: str) -> str:
    """A postcode as prefixes are compared: no spaces or dashes, upper case."""
    return "".join(ch for ch in postcode.upper() if ch.isalnum())


@dataclass(frozen=True)
class ServiceOption:
    service_id: int
    code: str
    name: str
    carrier_code: str
    carrier_name: str
    kind: str
    max_weight_g: int
    max_length_mm: int
    volumetric_divisor: int
    # (country, region) -> (zone, transit days); region "" covers the whole country, zone 0 excludes a region
    coverage: dict[tuple[str, str], tuple[int, int]]
    # zone -> [(max chargeable weight g, price cents)] ascending
    rates: dict[int, list[tuple[int, int]]]
    cutoff_hour_utc: int = 24
    # (country, postcode prefix) -> (zone, transit days): the longest prefix wins over a region and the country
    postcode_zones: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    surcharges: tuple[Surcharge, ...] = ()

    def zone_for(self, dest: Destination) -> tuple[int, int] | None:
        country = dest.country.upper()
        if self.postcode_zones and dest.postcode:
            key = postcode_key(dest.postcode)
            best: tuple[int, tuple[int, int]] | None = None
            for (c, prefix), value in self.postcode_zones.items():
                if c == country and key.startswith(prefix) and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), value)
            if best is not None:
                return best[1] if best[1][0] > 0 else None
        region = _norm(dest.region)
        found = self.coverage.get((country, ""))
        for (c, r), value in self.coverage.items():
            if c == country and r and _norm(r) == region:
                found = value
                break
        if found is None or found[0] <= 0:  # zone 0 on a region: the service leaves it out
            return None
        return found

    def price_for(self, zone: int, chargeable_g: int) -> int | None:
        for max_g, cents in self.rates.get(zone, ()):
            if chargeable_g <= max_g:
                return cents
        return None

    def parcel_price(self, zone: int, chargeable_g: int, spec: ParcelSpec, dest: Destination) -> int | None:
        """The weight break's price plus the surcharges: the most specific remote-area one for the address,
        the largest oversize one the parcel is over, then fuel as a percentage of that (rounded half up)."""
        base = self.price_for(zone, chargeable_g)
        if base is None or not self.surcharges:
            return base
        remote: tuple[int, int] | None = None
        oversize = 0
        fuel_bp = 0
        for s in self.surcharges:
            if s.kind == "remote":
                rank = s.specificity(dest)
                if rank is not None and (remote is None or rank > remote[0]):
                    remote = (rank, s.cents)
            elif s.kind == "oversize" and spec.longest_mm > s.over_mm:
                oversize = max(oversize, s.cents)
            elif s.kind == "fuel":
                fuel_bp += s.percent_bp
        price = base + (remote[1] if remote else 0) + oversize
        return price + (price * fuel_bp + 5000) // 10000


# Chinese province-level names and their pinyin, so an address in either script finds its coverage.
PROVINCES_ZH = {
    "北京": "beijing", "天津": "tianjin", "上海": "shanghai", "重庆": "chongqing", "河北": "hebei",
    "山西": "shanxi", "辽宁": "liaoning", "吉林": "jilin", "黑龙江": "heilongjiang", "江苏": "jiangsu",
    "浙江": "zhejiang", "安徽": "anhui", "福建": "fujian", "江西": "jiangxi", "山东": "shandong",
    "河南": "henan", "湖北": "hubei", "湖南": "hunan", "广东": "guangdong", "海南": "hainan",
    "四川": "sichuan", "贵州": "guizhou", "云南": "yunnan", "陕西": "shaanxi", "甘肃": "gansu",
    "青海": "qinghai", "台湾": "taiwan", "内蒙古": "inner mongolia", "广西": "guangxi", "西藏": "tibet",
    "宁夏": "ningxia", "新疆": "xinjiang", "香港": "hong kong", "澳门": "macau",
}
_ZH_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


def _norm(region: str) -> str:
    value = region.strip()
    for suffix in _ZH_SUFFIXES:
        if value.endswith(suffix) and len(value) > len(suffix):
            value = value[: -len(suffix)]
            break
    value = PROVINCES_ZH.get(value, value).casefold()
    for suffix in (" province", " shi", " sheng"):
        value = value.removesuffix(suffix)
    return value


@dataclass(frozen=True)
class Requirement:
    """What the order promised: a kind of service and/or a latest delivery date."""

    kind: str | None = None  # only services of this kind ("scheduled"), or None for any
    deliver_by: date | None = None

    @classmethod
    def for_service_level(cls, level: str, ship_date: date) -> Requirement:
        level = (level or "standard").lower()
        if level in ("next_day", "express", "overnight"):
            return cls(deliver_by=ship_date + timedelta(days=1))
        if level in ("two_day", "2day"):
            return cls(deliver_by=ship_date + timedelta(days=2))
        if level == "scheduled":
            return cls(kind="scheduled")
        return cls()


@dataclass(frozen=True)
class Quote:
    service: ServiceOption
    zone: int
    transit_days: int
    price_cents: int
    chargeable_g: tuple[int, ...]
    ship_date: date
    expected_delivery: date
    parcel_prices: tuple[int, ...] = ()  # each parcel's price with its surcharges; they add up to price_cents


@dataclass
class ShopResult:
    quotes: list[Quote] = field(default_factory=list)  # cheapest first, then fastest
    rejected: dict[str, str] = field(default_factory=dict)  # service code -> why not
    late: list[Quote] = field(default_factory=list)  # services that could go, but after the promised date

    @property
    def best(self) -> Quote | None:
        return self.quotes[0] if self.quotes else None


def ship_date_for(option: ServiceOption, now_hour_utc: int, today: date) -> date:
    return today if now_hour_utc < option.cutoff_hour_utc else today + timedelta(days=1)


def quote(option: ServiceOption, dest: Destination, parcels: list[ParcelSpec], ship_date: date) -> Quote | str:
    """A quote, or the reason (for the operator) why this service cannot take the parcels."""
    covered = option.zone_for(dest)
    if covered is None:
        return f"{option.name} does not deliver to {dest.describe()}"
    zone, transit = covered
    total = 0
    chargeable: list[int] = []
    prices: list[int] = []
    m = len(parcels)
    for n, spec in enumerate(parcels, start=1):
        if (spec.weight_g or 0) > option.max_weight_g:
            return (
                f"parcel {n} of {m} weighs {spec.weight_g / 1000:.2f} kg, over {option.name}'s limit of "
                f"{option.max_weight_g / 1000:.1f} kg"
            )
        if spec.longest_mm > option.max_length_mm:
            return f"parcel {n} of {m} is {spec.longest_mm} mm long, over {option.name}'s limit of {option.max_length_mm} mm"
        weight = spec.chargeable_weight_g(option.volumetric_divisor)
        price = option.parcel_price(zone, weight, spec, dest)
        if price is None:
            return f"parcel {n} of {m} bills as {weight / 1000:.2f} kg, beyond {option.name}'s rate table"
        chargeable.append(weight)
        prices.append(price)
        total += price
    return Quote(option, zone, transit, total, tuple(chargeable), ship_date, ship_date + timedelta(days=transit),
                 tuple(prices))


def shop(
    options: list[ServiceOption],
    dest: Destination,
    parcels: list[ParcelSpec],
    requirement: Requirement,
    ship_dates: dict[str, date],
) -> ShopResult:
    """Every service that covers the address, takes the parcels and meets the requirement, cheapest first."""
    for n, spec in enumerate(parcels, start=1):
        spec.check(n, len(parcels))
    result = ShopResult()
    for option in options:
        answer = quote(option, dest, parcels, ship_dates[option.code])
        if isinstance(answer, str):
            result.rejected[option.code] = answer
            continue
        if requirement.kind and option.kind != requirement.kind:
            result.rejected[option.code] = f"{option.name} is not a {requirement.kind} service"
            continue
        if requirement.deliver_by and answer.expected_delivery > requirement.deliver_by:
            result.late.append(answer)
            result.rejected[option.code] = (
                f"{option.name} would deliver on {answer.expected_delivery}, after the promised {requirement.deliver_by}"
            )
            continue
        result.quotes.append(answer)
    result.quotes.sort(key=lambda q: (q.price_cents, q.transit_days, q.service.code))
    return result


def explain_failure(result: ShopResult, dest: Destination, parcels: list[ParcelSpec]) -> ShippingError:
    """One operator message saying why no service fits, and how to fix it."""
    reasons = list(result.rejected.values())
    if reasons and all("does not deliver" in r for r in reasons):
        return NotCovered(
            f"no carrier delivers to {dest.describe() or 'this address'}: check the address's country and region, "
            "or add coverage for it in the carrier settings"
        )
    if any("weighs" in r for r in reasons) and all(("weighs" in r or "does not deliver" in r) for r in reasons):
        heaviest = max(p.weight_g or 0 for p in parcels)
        return OverWeight(
            f"a parcel of {heaviest / 1000:.2f} kg is over every carrier's weight limit for {dest.describe()}: "
            "split it into more parcels"
        )
    if result.late:
        fastest = min(result.late, key=lambda q: (q.expected_delivery, q.price_cents))
        return ShippingError(
            f"no service delivers to {dest.describe()} by the promised date (the fastest, {fastest.service.name} "
            f"[{fastest.service.code}], arrives {fastest.expected_delivery}): choose a service by hand"
        )
    detail = "; ".join(f"{code}: {why}" for code, why in sorted(result.rejected.items()))
    return ShippingError(f"no carrier service fits this order ({detail}); choose a service by hand or fix the parcel")
