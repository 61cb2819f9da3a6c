"""A warehouse and its shop, end to end, as people run it: `station channels add`, `pull`, the bench packs by
scanning (`station pack`), `station channels push` tells the shop, stock goes back; on both databases, with the
shop a real HTTP server on loopback and the credentials in the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.shops import SHOPIFY_TOKEN, WOO_KEY, WOO_SECRET, StandInShop

STATION = [sys.executable, "-m", "app.cli.main"]
ROOT = Path(__file__).resolve().parents[2]
SKU, GTIN = "SKU-00004", "06901234000047"


def station(url: str, env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([*STATION, "--db", url, *args], capture_output=True, text=True, cwd=ROOT, timeout=300,
                            env={**os.environ, **env})
    if check and result.returncode != 0:
        raise AssertionError(f"station {' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result


@pytest.mark.parametrize("kind", ["shopify", "woocommerce"])
def test_a_shop_order_is_pulled_packed_by_scanning_and_the_shop_told_with_its_tracking(db_url, tmp_path, kind):
    shop = StandInShop(kind).start()
    try:
        env = {"STATION_CONFIG": str(tmp_path / "station.json")}
        if kind == "shopify":
            env["STATION_CHANNEL_ACME_TOKEN"] = SHOPIFY_TOKEN
        else:
            env |= {"STATION_CHANNEL_ACME_KEY": WOO_KEY, "STATION_CHANNEL_ACME_SECRET": WOO_SECRET}
        station(db_url, env, "demo", "seed", "--orders", "0")
        shop.add_orders(3, skus=(SKU,))
        shop.add_product(SKU, 0)

        made = json.loads(station(db_url, env, "channels", "add", "acme", "--kind", kind, "--url", shop.url,
                                  "--json").stdout)
        assert made["credentials"] == "given"
        pulled = json.loads(station(db_url, env, "channels", "pull", "acme", "--json").stdout)
        assert pulled["imported"] == 3 and pulled["error"] == ""

        # The customer quotes the shop's number: the station finds the order by it.
        order = json.loads(station(db_url, env, "order", "#1001", "--json").stdout)
        assert order["channel"] == "acme" and order["status"] in ("allocated", "confirmed")
        scans = tmp_path / "scans.txt"
        scans.write_text(f"{GTIN}\n{GTIN}\n", encoding="utf-8")
        packed = station(db_url, env, "pack", order["number"], "--scans", str(scans), "--json").stdout.splitlines()
        assert json.loads(packed[-1])["status"] == "labelled"
        tracking = json.loads(station(db_url, env, "order", order["number"], "--json").stdout)["tracking_number"]

        listed = json.loads(station(db_url, env, "channels", "outbox", "--json").stdout)
        assert [(r["order"], r["state"]) for r in listed] == [(order["number"], "pending")]
        pushed = json.loads(station(db_url, env, "channels", "push", "--once", "--json").stdout)
        assert pushed["sent"] == 1 and pushed["failed"] == []
        assert pushed["stock_sent"] == 1 and shop.stock[SKU] > 0  # the shop sells what the warehouse has

        shop_id = "1001"
        if kind == "shopify":
            [fulfilment] = shop.fulfilments[shop_id]
            assert fulfilment["tracking"]["number"] == tracking
        else:
            assert tracking in shop.fulfilments[shop_id][0]["note"] and shop.statuses[shop_id] == "completed"
        # Pushed twice: nothing is sent twice.
        again = json.loads(station(db_url, env, "channels", "push", "--once", "--json").stdout)
        assert again["sent"] == 0
        assert len(shop.fulfilments[shop_id]) == 1

        rows = json.loads(station(db_url, env, "channels", "list", "--json").stdout)
        assert rows[0]["outbox"] == {"sent": 1} and rows[0]["pulled_at"]
        # No secret is printed anywhere.
        listing = station(db_url, env, "channels", "list").stdout
        for secret in (SHOPIFY_TOKEN, WOO_KEY, WOO_SECRET):
            assert secret not in listing
    finally:
        shop.stop()


def test_a_packer_may_not_add_a_shop_and_an_unknown_kind_is_refused(db_url, tmp_path):
    env = {"STATION_CONFIG": str(tmp_path / "station.json")}
    wrong = station(db_url, env, "channels", "add", "acme", "--kind", "amazon", "--url", "https://x", check=False)
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr
    bad_url = station(db_url, env, "channels", "add", "acme", "--kind", "shopify", "--url", "acme", check=False)
    assert bad_url.returncode != 0 and "not a shop's address" in bad_url.stderr
