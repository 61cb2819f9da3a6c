"""Customers as they behave, against a running ``station serve`` (issue 11's "200 concurrent customers").

Each of N virtual customers opens the tracking page of a parcel (a token drawn from a sample spread over the
whole database), reads it for a think time (uniform, 1-5 s by default), then either reloads it, as a browser
does (with its cookies and ``If-None-Match``, so an unchanged page may answer 304), or leaves; a customer who
leaves is replaced at once by a new one with a new parcel and no cookies. All N are on the site at every moment,
so the arrival rate is set by the think time, not by the server's speed (unlike ``wrk``'s closed loop, where
every connection fires again the moment an answer arrives).

``customers(base, tokens, ...) -> dict`` gives p50, p99 and the worst latency of every page view, the same for
first views (the page is new to the server's cache) alone, requests per second, 304s and failures.
The browsers are aiohttp sessions (a C HTTP parser): on a machine where the load tool shares the server's cores,
the tool's own CPU per view shows as the server's latency, and httpx spent about 3.9 ms of it per view.
Usage: ``python scripts/bench/web_customers.py BASE_URL TOKENS_FILE [--customers N] [--seconds S]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import ssl
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

TIMEOUT = aiohttp.ClientTimeout(total=30)
BROWSER_HEADERS = {"accept-encoding": "gzip", "accept": "text/html",
                   "user-agent": "Mozilla/5.0 (Linux; Android 14) station-bench customer"}


@dataclass
class Views:
    all_ms: list[float] = field(default_factory=list)
    first_ms: list[float] = field(default_factory=list)
    not_modified: int = 0
    failed: int = 0
    failures: dict[str, int] = field(default_factory=dict)

    def fail(self, why: str) -> None:
        self.failed += 1
        self.failures[why] = self.failures.get(why, 0) + 1


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (0.99 for p99) of ``values``; 0 for none."""
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=1000, method="inclusive")[int(round(share * 1000)) - 1]


async def _customer(base: str, tokens: list[str], views: Views, rng: random.Random, until: float,
                    think: tuple[float, float], reload_share: float, languages: list[str], tls: ssl.SSLContext) -> None:
    # Arrivals spread over the first think time, as customers do not all press enter at the same instant.
    await asyncio.sleep(rng.uniform(0, think[1]))
    while time.perf_counter() < until:
        token = rng.choice(tokens)
        headers = {**BROWSER_HEADERS, "accept-language": rng.choice(languages)}
        # A new customer is a new browser: its own connection and cookie jar (the CSRF cookie comes back on reload;
        # unsafe=True: aiohttp keeps no cookies from an IP address otherwise, and the bench serves on 127.0.0.1).
        async with aiohttp.ClientSession(base_url=base, headers=headers, timeout=TIMEOUT,
                                         cookie_jar=aiohttp.CookieJar(unsafe=True),
                                         connector=aiohttp.TCPConnector(ssl=tls)) as browser:
            etag = ""
            first = True
            while time.perf_counter() < until:
                sent = {"if-none-match": etag} if etag else {}
                started = time.perf_counter()
                try:
                    async with browser.get(f"/t/{token}", headers=sent) as answer:
                        await answer.read()
                except (TimeoutError, aiohttp.ClientError) as exc:
                    views.fail(type(exc).__name__)
                    break
                took = (time.perf_counter() - started) * 1000
                if answer.status == 304:
                    views.not_modified += 1
                elif answer.status != 200:
                    views.fail(f"HTTP {answer.status}")
                    break
                views.all_ms.append(took)
                if first:
                    views.first_ms.append(took)
                first = False
                etag = answer.headers.get("etag", etag)
                await asyncio.sleep(rng.uniform(*think))
                if rng.random() >= reload_share:
                    break  # this customer leaves; the next one arrives with another parcel


async def _run(base: str, tokens: list[str], count: int, seconds: float, think: tuple[float, float],
               reload_share: float, seed: int) -> tuple[Views, float]:
    views = Views()
    rng = random.Random(seed)
    languages = ["zh-CN,zh;q=0.9,en;q=0.5"] * 3 + ["en-GB,en;q=0.9"]
    # One TLS context for every customer: building one per browser costs tens of milliseconds of the load tool's
    # CPU each, which would show as the server's latency.
    tls = ssl.create_default_context()
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(
        _customer(base, tokens, views, random.Random(rng.random()), until, think, reload_share, languages, tls)
        for _ in range(count)))
    return views, time.perf_counter() - started


def customers(base: str, tokens: list[str], count: int = 200, seconds: float = 30.0,
              think: tuple[float, float] = (1.0, 5.0), reload_share: float = 0.5, seed: int = 11) -> dict:
    """Run ``count`` customers for ``seconds``; the latency figures of their page views (milliseconds)."""
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:  # the client's loop only; the figures hold either way
        runner = asyncio.run
    cpu_started = time.process_time()
    views, took = runner(_run(base, tokens, count, seconds, think, reload_share, seed))
    # The load tool's own CPU a view: on a machine it shares with the server, it shows as the server's latency.
    client_cpu_ms = (time.process_time() - cpu_started) * 1000 / max(1, len(views.all_ms))
    return {
        "customers": count, "seconds": round(took, 1), "views": len(views.all_ms),
        "requests_per_s": round(len(views.all_ms) / took, 1),
        "p50_ms": round(percentile(views.all_ms, 0.50), 2), "p99_ms": round(percentile(views.all_ms, 0.99), 2),
        "max_ms": round(max(views.all_ms, default=0.0), 2),
        "first_views": len(views.first_ms), "first_p50_ms": round(percentile(views.first_ms, 0.50), 2),
        "first_p99_ms": round(percentile(views.first_ms, 0.99), 2),
        "not_modified": views.not_modified, "failed": views.failed, "failures": views.failures,
        "client_cpu_ms_per_view": round(client_cpu_ms, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the server's address, e.g. http://127.0.0.1:8470")
    parser.add_argument("tokens", type=Path, help="a file of page tokens, one a line")
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 5.0), metavar=("MIN", "MAX"))
    parser.add_argument("--reload-share", type=float, default=0.5, help="share of reads followed by a reload")
    args = parser.parse_args()
    tokens = [line.strip() for line in args.tokens.read_text().splitlines() if line.strip()]
    if not tokens:
        print(f"web_customers: no tokens in {args.tokens}", file=sys.stderr)
        return 1
    print(json.dumps(customers(args.base, tokens, args.customers, args.seconds, tuple(args.think), args.reload_share)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
