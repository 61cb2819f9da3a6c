"""``station serve``'s customer side over real HTTP on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.aftersales import carrier_events
from app.aftersales.tracking import view_of
from app.domain import lifecycle as lc
from app.intake.webhook import signature as sign
from app.orders.timeline import add_event
from app.shipping.rates import ParcelSpec
from app.shipping.service import label_order, render_labels
from app.uow import Actor
from db.models import Order, OrderEvent
from db.models.aftersales import Return, SurveyAnswer
from db.models.web import CustomerMessage, OrderAccess, ServiceCase
from tests.aftersales import factories as f
from tests.web.conftest import csrf_of, decode_qr, token_of

pytestmark = pytest.mark.slow


def _shipped(live):
    with live.ctx.sessions() as s:
        order = f.shipped_order(s)
        s.commit()
        return order.number, token_of(s, order), order.tracking_number


def _delivered(live):
    number, token, tracking = _shipped(live)
    with live.ctx.sessions() as s:
        carrier_events.ingest(s, {"events": [{"tracking_number": tracking, "event": "delivered",
                                              "at": datetime.now(UTC).isoformat(), "location": "上海 浦东"}]})
        s.commit()
    return number, token, tracking


def test_healthz_and_the_qr_code_on_the_label_opens_the_parcels_page(live, tmp_path):
    with live.client() as http:
        health = http.get("/healthz")
        assert health.status_code == 200 and health.json()["ok"] is True
    with live.ctx.sessions() as s:
        order = f.order(s)
        parcels = label_order(s, order, f.DESK, settings=live.ctx.settings)
        s.commit()
        pdf = render_labels(s, parcels, settings=live.ctx.settings)
        tracking = parcels[0].tracking_number
    url = next(code for code in decode_qr(pdf, tmp_path) if code.startswith("http"))
    assert url.startswith(live.url + "/t/")
    token = url.rsplit("/", 1)[1]
    assert len(token) >= 32  # secrets.token_urlsafe(24): 192 random bits
    assert tracking not in token and order.number not in token
    with live.client() as http:
        page = http.get(url)
    assert page.status_code == 200
    assert tracking in page.text and 'data-status="labelled"' in page.text and "Ready to leave" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "<script" not in page.text  # no JavaScript at all
    assert len(page.content) < 100_000


def test_a_wrong_or_forged_token_is_404_and_tells_nothing(live):
    number, token, _ = _shipped(live)
    with live.client() as http:
        bodies = []
        for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 32, "short", "../../etc/passwd", number):
            answer = http.get(f"/t/{bad}")
            assert answer.status_code == 404
            bodies.append(answer.text)
            assert number not in answer.text
        assert len(set(bodies)) == 1  # the same page whatever was tried
        assert http.post(f"/t/{'x' * 32}/contact", data={"message": "hi"}).status_code in (403, 404)
        assert http.get(f"/t/{token}/returns/RT00000001/label.pdf").status_code == 404


def test_find_by_number_and_postcode_or_email_and_rate_limit(live):
    number, token, _ = _shipped(live)
    with live.client() as http:
        home = http.get("/")
        csrf = csrf_of(home.text)
        found = http.post("/find", data={"csrf": csrf, "number": number, "proof": "200 120"})
        assert found.status_code == 303
        page = http.get(found.headers["location"])
        assert page.status_code == 200 and number in page.text
        by_mail = http.post("/find", data={"csrf": csrf, "number": number, "proof": "AMY@example.com"})
        assert by_mail.status_code == 303 and by_mail.headers["location"] == found.headers["location"]
        wrong = http.post("/find", data={"csrf": csrf, "number": number, "proof": "100000"})
        unknown = http.post("/find", data={"csrf": csrf, "number": "WS-NOPE", "proof": "200120"})
        assert wrong.status_code == unknown.status_code == 404
        assert "could not find" in wrong.text and "could not find" in unknown.text
        no_csrf = http.post("/find", data={"number": number, "proof": "200120"})
        assert no_csrf.status_code == 403
        statuses = [http.post("/find", data={"csrf": csrf, "number": number, "proof": str(i)}).status_code
                    for i in range(12)]
    assert 429 in statuses
    limited = statuses.index(429)
    assert all(code == 429 for code in statuses[limited:])
    with live.ctx.sessions() as s:
        access = s.scalar(select(OrderAccess).where(OrderAccess.token == found.headers["location"].rsplit("/", 1)[1]))
        assert access is not None and s.get(Order, access.order_id).number == number


def test_contact_message_becomes_a_service_case_on_the_timeline_and_markup_stays_inert(live):
    number, token, _ = _shipped(live)
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)><b>bold</b> & "quotes"\n第二行'
    with live.client() as http:
        page = http.get(f"/t/{token}")
        sent = http.post(f"/t/{token}/contact", data={"csrf": csrf_of(page.text), "message": hostile,
                                                      "email": "amy@example.com"})
        assert sent.status_code == 303
        after = http.get(sent.headers["location"])
    assert "reached customer service" in after.text
    assert "<script>alert" not in after.text and "<img src=x" not in after.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in after.text
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &#34;quotes&#34;" in after.text
    with live.ctx.sessions() as s:
        order = s.scalar(select(Order).where(Order.number == number))
        case = s.scalar(select(ServiceCase).where(ServiceCase.order_id == order.id))
        assert case is not None and case.status == "open" and case.channel == "web"
        message = s.scalar(select(CustomerMessage).where(CustomerMessage.case_id == case.id))
        assert message.body == hostile.replace("\r", "")  # stored as the text it was
        assert message.reply_to == "amy@example.com"
        view = view_of(s, order)
        assert any(e.kind == "customer_message" and e.data.get("case") == case.number for e in view.events)


def test_forms_refuse_a_missing_or_foreign_csrf_token_and_oversized_bodies(live):
    number, token, _ = _shipped(live)
    with live.client() as http:
        page = http.get(f"/t/{token}")
        csrf = csrf_of(page.text)
        assert http.post(f"/t/{token}/contact", data={"message": "no token"}).status_code == 403
    with live.client() as stranger:  # another browser: its own cookie, so our field does not fit it
        stranger.get("/")
        assert stranger.post(f"/t/{token}/contact", data={"csrf": csrf, "message": "forged"}).status_code == 403
    with live.client() as http:
        page = http.get(f"/t/{token}")
        csrf = csrf_of(page.text)
        big = http.post(f"/t/{token}/contact", data={"csrf": csrf, "message": "x" * 40_000})
        assert big.status_code == 413
        huge = http.post(f"/t/{token}/contact", content=b"x" * 3_000_000,
                         headers={"content-type": "application/x-www-form-urlencoded"})
        assert huge.status_code == 413
        long = http.post(f"/t/{token}/contact", data={"csrf": csrf, "message": "y" * 5000})
        assert long.status_code == 422 and "too long" in long.text
    with live.ctx.sessions() as s:
        assert s.scalar(select(CustomerMessage.id)) is None


def test_return_request_checked_against_the_policy_reaches_the_station_with_its_label(live):
    number, token, _ = _shipped(live)
    with live.client() as http:
        page = http.get(f"/t/{token}")
        csrf = csrf_of(page.text)
        assert 'name="qty:SKU-TEE-BLK"' in page.text
        too_many = http.post(f"/t/{token}/return", data={"csrf": csrf, "qty:SKU-TEE-BLK": "5", "reason": "wrong_size"})
        assert too_many.status_code == 422 and "cannot be accepted" in too_many.text
        nothing = http.post(f"/t/{token}/return", data={"csrf": csrf, "reason": "wrong_size"})
        assert nothing.status_code == 422
        ok = http.post(f"/t/{token}/return", data={"csrf": csrf, "qty:SKU-TEE-BLK": "1", "qty:SKU-MUG": "0",
                                                   "reason": "wrong_size"})
        assert ok.status_code == 303
        after = http.get(ok.headers["location"])
        number_rt = ok.headers["location"].split("returned=")[1].split("#")[0]
        assert f"Return {number_rt} accepted" in after.text
        label = http.get(f"/t/{token}/returns/{number_rt}/label.pdf")
        assert label.status_code == 200 and label.headers["content-type"] == "application/pdf"
        assert label.content.startswith(b"%PDF")
    with live.ctx.sessions() as s:
        ret = s.scalar(select(Return).where(Return.number == number_rt))
        assert ret.channel == "web" and ret.status == "label_issued" and ret.tracking_number
        assert [(line.sku, line.quantity) for line in ret.lines] == [("SKU-TEE-BLK", 1)]
        kinds = [e.kind for e in s.scalars(select(OrderEvent).where(OrderEvent.order_id == ret.order_id))]
        assert "return_requested" in kinds and "return_label_issued" in kinds


def test_survey_once_after_delivery_feeds_the_reports(live):
    _, shipped_token, _ = _shipped(live)
    number, token, _ = _delivered(live)
    with live.client() as http:
        early = http.get(f"/t/{shipped_token}")
        assert "opens once your order is delivered" in early.text
        refused = http.post(f"/t/{shipped_token}/survey", data={"csrf": csrf_of(early.text), "product": "5",
                                                                "delivery": "5", "service": "5"})
        assert refused.status_code == 422
        page = http.get(f"/t/{token}")
        assert 'data-status="delivered"' in page.text and "Delivered to 上海市" in page.text
        csrf = csrf_of(page.text)
        bad = http.post(f"/t/{token}/survey", data={"csrf": csrf, "product": "9", "delivery": "5", "service": "5"})
        assert bad.status_code == 422
        ok = http.post(f"/t/{token}/survey", data={"csrf": csrf, "product": "4", "delivery": "5", "service": "3",
                                                   "comment": "<i>fast</i>"})
        assert ok.status_code == 303
        again = http.post(f"/t/{token}/survey", data={"csrf": csrf, "product": "1", "delivery": "1", "service": "1"})
        assert again.status_code == 409
    from app.aftersales.surveys import scores

    with live.ctx.sessions() as s:
        answers = list(s.scalars(select(SurveyAnswer)))
        assert len(answers) == 1
        a = answers[0]
        assert (a.product_score, a.delivery_score, a.service_score, a.comment, a.source) == (4, 5, 3, "<i>fast</i>", "web")
        assert scores(s).__dict__  # the after-sales report reads the web answer like any other


def test_carrier_events_over_http_are_signed_and_show_on_the_page(live):
    number, token, tracking = _shipped(live)
    body = json.dumps({"carrier": "", "events": [{"tracking_number": tracking, "event": "in_transit",
                                                  "at": datetime.now(UTC).isoformat(),
                                                  "location": "杭州转运中心 Hangzhou hub", "id": "EV-1"}]}).encode()
    with live.client() as http:
        assert http.post("/carrier-events", content=body).status_code == 401
        assert http.post("/carrier-events", content=body, headers={"x-station-signature": "AAAA"}).status_code == 401
        ok = http.post("/carrier-events", content=body, headers={"x-station-signature": sign("hook-secret", body)})
        assert ok.status_code == 200 and ok.json()["accepted"] == 1
        page = http.get(f"/t/{token}")
        assert "In transit · 杭州转运中心 Hangzhou hub" in page.text
        zh = http.get(f"/t/{token}", headers={"accept-language": "zh-CN,zh;q=0.9,en;q=0.5"})
        assert 'lang="zh-CN"' in zh.text and "运输中" in zh.text and "物流进度" in zh.text
        switched = http.get(f"/t/{token}?lang=en", headers={"accept-language": "zh-CN"})
        assert 'lang="en"' in switched.text and http.cookies.get("st_lang") == "en"
        again = http.get(f"/t/{token}", headers={"accept-language": "zh-CN"})
        assert 'lang="en"' in again.text  # the switch wins over the browser's language


def test_a_multi_parcel_order_shows_every_parcel_and_a_late_one_its_delay(live):
    with live.ctx.sessions() as s:
        order = f.order(s)
        parcels = label_order(s, order, f.DESK, parcels=[ParcelSpec(800, 300, 200, 100), ParcelSpec(600, 300, 200, 100)],
                              settings=live.ctx.settings, now=datetime.now(UTC) - timedelta(days=12))
        s.commit()
        token, numbers = parcels[1].tracking_token, [p.tracking_number for p in parcels]
    with live.client() as http:
        page = http.get(f"/t/{token}")
    assert page.status_code == 200
    assert "Parcel 1 of 2" in page.text and "Parcel 2 of 2" in page.text
    assert all(n in page.text for n in numbers)
    with live.ctx.sessions() as s:
        late = f.shipped_order(s, shipped_at=datetime.now(UTC) - timedelta(days=12))
        s.commit()
        late_token = token_of(s, late)
    with live.client() as http:
        page = http.get(f"/t/{late_token}")
    assert 'id="delay"' in page.text and "day(s) late" in page.text


def test_the_backordered_page_tells_the_restock_date(live):
    with live.ctx.sessions() as s:
        order = f.order(s, status=lc.BACKORDERED)
        add_event(s, order, "backordered", Actor.system("INTAKE"), reason="short", expected_restock="2026-12-03",
                  short=[{"sku": "SKU-TEE-BLK", "needed": 2, "available": 0, "expected_restock": "2026-12-03",
                          "substitutes": ["SKU-TEE-WHT"]}])
        s.commit()
        from app.aftersales.customer_page import page_token

        token = page_token(s, order)
        s.commit()
    with live.client() as http:
        page = http.get(f"/t/{token}")
    assert "2026-12-03" in page.text and "SKU-TEE-WHT" in page.text and "Waiting for stock" in page.text


def test_the_log_holds_no_personal_data(live, caplog):
    number, token, _ = _shipped(live)
    caplog.set_level(logging.DEBUG)
    with live.client() as http:
        page = http.get(f"/t/{token}")
        csrf = csrf_of(page.text)
        http.post(f"/t/{token}/contact", data={"csrf": csrf, "message": "my secret words", "email": "amy@example.com"})
        http.post("/find", data={"csrf": csrf_of(http.get("/").text), "number": number, "proof": "200120"})
        http.get("/t/" + "z" * 40)
    # Everything the server side logged (the test's own HTTP client logs its URLs: not the server's log).
    text = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore")))
    assert "GET /t/<token> 200" in text
    for secret in (token, "my secret words", "amy@example.com", "200120", number, "王芳", "z" * 40):
        assert secret not in text


def test_the_order_webhooks_are_served_by_the_same_process(live):
    from app.intake.webhook import SHOPIFY_PATH, signature

    body = json.dumps({"id": 1}).encode()
    with live.client() as http:
        unsigned = http.post(SHOPIFY_PATH, content=body, headers={"content-type": "application/json"})
        assert unsigned.status_code == 401
        signed = http.post(SHOPIFY_PATH, content=body, headers={
            "content-type": "application/json", "x-shopify-hmac-sha256": signature("hook-secret", body),
            "x-shopify-topic": "orders/create"})
        assert signed.status_code in (400, 422)  # verified, read, and refused as an order without lines


def test_a_flood_of_form_posts_is_stopped(live):
    _, token, _ = _shipped(live)
    with live.client() as http:
        csrf = csrf_of(http.get(f"/t/{token}").text)
        started = time.monotonic()
        codes = [http.post(f"/t/{token}/contact", data={"csrf": csrf, "message": f"spam {i}"}).status_code
                 for i in range(25)]
        elapsed = time.monotonic() - started
    accepted = codes.count(303)
    # A burst of 20, then one more every 3 s: a slow machine may earn a post back while the flood runs.
    assert codes[:20] == [303] * 20 and set(codes) == {303, 429} and accepted <= 20 + int(elapsed / 3.0)
    with live.ctx.sessions() as s:
        assert len(list(s.scalars(select(CustomerMessage)))) == accepted  # one open case, every accepted message
        assert len(list(s.scalars(select(ServiceCase)))) == 1


def test_a_crafted_link_puts_no_words_on_the_page(live):
    _, token, _ = _shipped(live)
    with live.client() as http:
        crafted = http.get(f"/t/{token}", params={"case": "Call 555-FRAUD now", "returned": "<b>x</b>"})
        real = http.get(f"/t/{token}", params={"case": "SC00000042"})
    assert crafted.status_code == 200 and 'id="notice"' not in crafted.text and "555-FRAUD" not in crafted.text
    assert 'id="notice"' in real.text and "SC00000042" in real.text
