"""A real browser (Debian's chromium driven by Playwright) at phone size opens the tracking page from the
address decoded (zbarimg) from a rendered label, sends a contact message, requests a return and answers the
survey, and saves screenshots for the README (docs/screenshots/)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app.aftersales import carrier_events
from app.shipping.manifest import closeout
from app.shipping.service import label_order, render_labels
from db.models.aftersales import Return, SurveyAnswer
from db.models.shipping import Carrier
from db.models.web import CustomerMessage
from tests.aftersales import factories as f
from tests.web.conftest import decode_qr

CHROMIUM = "/usr/bin/chromium"
# The README's pictures: ``STATION_SCREENSHOTS=docs/screenshots scripts/test tests/web`` refreshes them; otherwise
# the screenshots go to the test's own temporary folder, so a test run leaves the work tree as it was.


def screenshots_dir(tmp_path: Path) -> Path:
    import os

    chosen = os.environ.get("STATION_SCREENSHOTS")
    folder = Path(chosen).resolve() if chosen else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists() or not shutil.which("zbarimg"),
                       reason="chromium and zbar-tools (scripts/setup-env) are needed"),
]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


def _delivered_label(live, tmp_path) -> tuple[str, str]:
    """A labelled order with two parcels, shipped and delivered; the QR code's text off its first label."""
    from app.shipping.rates import ParcelSpec

    with live.ctx.sessions() as s:
        order = f.order(s)
        parcels = label_order(s, order, f.DESK, parcels=[ParcelSpec(800, 300, 200, 100), ParcelSpec(600, 300, 200, 100)],
                              settings=live.ctx.settings)
        pdf = render_labels(s, parcels[:1], settings=live.ctx.settings)
        closeout(s, s.get(Carrier, parcels[0].carrier_id).code, f.DESK)
        s.commit()
        now = datetime.now(UTC).isoformat()
        carrier_events.ingest(s, {"events": [
            {"tracking_number": parcels[0].tracking_number, "event": "in_transit", "at": now, "location": "上海转运中心"},
            {"tracking_number": parcels[0].tracking_number, "event": "delivered", "at": now, "location": "上海 浦东"},
            {"tracking_number": parcels[1].tracking_number, "event": "delivered", "at": now, "location": "上海 浦东"},
        ]})
        s.commit()
        number = order.number
    url = next(code for code in decode_qr(pdf, tmp_path) if code.startswith("http"))
    return url, number


def test_phone_size_customer_journey_from_the_labels_qr_code(live, browser, tmp_path):
    SCREENSHOTS = screenshots_dir(tmp_path)
    url, number = _delivered_label(live, tmp_path)
    assert url.startswith(live.url + "/t/")
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="en-GB",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    assert page.locator("h1").inner_text() == f"Order {number}"
    assert page.locator("[data-status]").inner_text() == "Delivered"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    page.screenshot(path=str(SCREENSHOTS / "tracking-phone.png"), full_page=False)

    # Contact in one click: the link jumps to the form; markup typed stays text, nothing runs.
    page.get_by_role("link", name="Contact customer service").first.click()
    page.fill("#message", 'Please leave it with the neighbour. <script>alert("x")</script><img src=x onerror=alert(2)>')
    page.fill("#email", "amy@example.com")
    page.click("#send-message")
    assert "reached customer service" in page.locator("#notice").inner_text()
    assert '<script>alert("x")</script>' in page.locator("#messages").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "contact-phone.png"), full_page=False)

    # A return for one T-shirt.
    page.fill("input[name='qty:SKU-TEE-BLK']", "1")
    page.select_option("#reason", "wrong_size")
    page.click("#send-return")
    assert "accepted" in page.locator("#notice").inner_text()
    with page.expect_download() as download:
        page.locator("a.return-label").first.click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    page.locator("#returns").screenshot(path=str(SCREENSHOTS / "return-phone.png"))

    # The survey, once.
    page.select_option("#s-product", "4")
    page.select_option("#s-delivery", "5")
    page.select_option("#s-service", "5")
    page.fill("#comment", "Fast, thank you")
    page.click("#send-survey")
    assert "Thank you for your answers" in page.locator("#notice").inner_text()
    assert page.locator("#send-survey").count() == 0
    assert dialogs == []
    context.close()
    assert all((SCREENSHOTS / name).stat().st_size > 10_000 for name in ("tracking-phone.png", "contact-phone.png"))

    # The same page in Chinese, from the browser's language.
    zh = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="zh-CN")
    page = zh.new_page()
    page.goto(url)
    assert page.locator("[data-status]").inner_text() == "已送达"
    page.screenshot(path=str(SCREENSHOTS / "tracking-phone-zh.png"), full_page=False)
    page.click("#lang-switch")
    assert page.locator("[data-status]").inner_text() == "Delivered"
    zh.close()

    desktop = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desktop.new_page()
    page.goto(url)
    page.screenshot(path=str(SCREENSHOTS / "tracking-desktop.png"), full_page=True)
    desktop.close()

    with live.ctx.sessions() as s:
        assert s.scalar(select(CustomerMessage.body)).startswith("Please leave it with the neighbour. <script>")
        ret = s.scalar(select(Return))
        assert ret.channel == "web" and ret.status == "label_issued"
        answer = s.scalar(select(SurveyAnswer))
        assert (answer.product_score, answer.delivery_score, answer.service_score) == (4, 5, 5)
