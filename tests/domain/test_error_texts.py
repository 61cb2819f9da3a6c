"""What the services, the review rules and the returns policy tell a person reads in Chinese on a Chinese screen:
every sentence they raise or store has its Chinese, and a status inside a sentence reads as words."""

import ast
import string
from datetime import UTC
from pathlib import Path

import pytest

from app.aftersales import policy as pol
from app.domain.error_texts import ERRORS, operator_text
from app.domain.names import actor_name, channel_name, status_predicate
from app.domain.rules import REASONS, AddressFacts, LineFacts, OrderFacts, RuleSettings, evaluate, reason_text

ROOT = Path(__file__).resolve().parents[2]
# The services a screen calls: whatever they refuse with reaches a person.
SERVICES = [*(path for folder in ("orders", "admin", "packing") for path in sorted((ROOT / "app" / folder).glob("*.py"))),
            *(ROOT / p for p in (
                "app/picking/service.py", "app/shipping/service.py", "app/shipping/printers.py", "app/shipping/manifest.py",
                "app/shipping/ratecard_service.py", "app/goodsin/service.py", "app/catalogue/ledger.py", "app/catalogue/queries.py",
                "app/aftersales/returns.py", "app/aftersales/tracking.py", "app/aftersales/customer_page.py",
                "app/aftersales/cases.py", "app/counting/service.py", "app/counting/session.py", "app/catalogue/stock.py",
                "app/channels/service.py"))]
NOT_SHOWN = ("demo", "intake.py")  # the demo seeder and file intake speak to the CLI only
ERROR_CLASSES = {"InvalidInput", "NotFound", "ConcurrencyConflict", "PermissionDenied", "StationError"}


def _skeleton_of_source(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _skeleton(template: str) -> str:
    return "".join(literal + ("{}" if field is not None else "") for literal, field, _, _ in string.Formatter().parse(template))


def _raised(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and isinstance(node.exc.func, ast.Name)
                and node.exc.func.id in ERROR_CLASSES and node.exc.args):
            skeleton = _skeleton_of_source(node.exc.args[0])
            if skeleton is not None:
                yield node.lineno, skeleton


def test_every_refusal_of_the_services_has_chinese():
    known = {_skeleton(english) for english, _ in ERRORS.sentences.values()}
    missing = [f"{path.relative_to(ROOT)}:{line}: {text}" for path in SERVICES if not path.name.startswith(NOT_SHOWN)
               for line, text in _raised(path) if text not in known]
    assert not missing, "add to app/domain/error_texts.py:\n" + "\n".join(missing)


@pytest.mark.parametrize("english, chinese", [
    ("order WS1 is packing and cannot be reassigned", "订单 WS1 正在打包，不能重新分配"),
    ("order WS1 is review, not waiting for review", "订单 WS1 正在审核，不在待审核状态"),
    ("order WS1 is on_hold: its address can no longer change", "订单 WS1 已暂停：地址已不能修改"),
    ("no order to pick", "没有要拣货的订单"),
    ("no order WS9", "没有订单 WS9"),
    ("packer1 (packer) may not do this: it needs supervisor or admin", "packer1（打包员）无权执行此操作：需要主管或管理员"),
    ("return RT1 is received: it cannot be received again", "退货单 RT1 已收货：不能再次收货"),
])
def test_a_refusal_reads_in_chinese(english, chinese):
    assert operator_text(english, "zh_CN") == chinese
    assert operator_text(english, "en") == english


def test_an_unknown_message_stays_as_it_is():
    assert operator_text("something only the database says", "zh_CN") == "something only the database says"


def test_every_review_reason_reads_in_chinese():
    facts = OrderFacts(
        lines=[LineFacts("SKU-1", 30, 100, True, "pharmacy", True), LineFacts("X-1", 1, 0, False)],
        address=AddressFacts(country="CN", postcode="12", region="Atlantis"), goods_cents=900000, coupon_code="C1",
        points_used=5, points_cents=3, paid_cents=1, payment_status="pending", channel_status="cancelled",
        customer_standing="blocked", customer_blocked_reason="chargebacks", tax_cents=5)
    flags = evaluate(facts, RuleSettings())
    assert {f.code for f in flags} >= {"unknown_sku", "large_amount", "large_quantity", "restricted_category", "unpaid",
                                       "channel_cancelled", "customer_blocked", "address_incomplete", "address_invalid"}
    for flag in flags:
        assert REASONS.parse(flag.message) is not None, flag.message
        chinese = reason_text(flag.message, "zh_CN")
        assert chinese != flag.message and not any(w in chinese for w in ("the ", " is ", " not ")), chinese
    texts = {reason_text(f.message, "zh_CN") for f in flags}
    assert "受限商品须人工批准：SKU-1（药品）" in texts
    assert "支付状态为“待支付”，尚未付款" in texts
    assert "邮编“12”不符合 CN 的格式（例如 266033）" in {t.split("；")[0] for t in texts} | texts


def test_every_policy_answer_reads_in_chinese():
    from datetime import datetime, timedelta

    now = datetime(2025, 6, 1, tzinfo=UTC)
    policy = pol.ReturnPolicy()
    late = pol.OrderFacts("WS1", "delivered", now - timedelta(days=12))
    food = pol.LineFacts("SKU-F", "food", shipped=1, already_returned=0, asked=2, exchange_sku="SKU-G",
                         exchange_allowed=False)
    problems = pol.check(policy, late, [food], "exchange", "changed_mind", now)
    assert len(problems) >= 3
    for problem in problems:
        assert pol.PROBLEMS.parse(problem) is not None, problem
    chinese = [pol.problem_text(p, "zh_CN") for p in problems]
    assert "订单 WS1 已签收 12 天：换货期限为 15 天" not in chinese  # 12 days is within the 15-day exchange window
    assert "SKU-F（食品）仅在破损、有质量问题或发错货时可以退回" in chinese
    never = pol.check(policy, pol.OrderFacts("WS2", "packing", None), [food], "refund", "changed_mind", now)
    assert [pol.problem_text(p, "zh_CN") for p in never] == ["订单 WS2 尚未发货（打包中）：没有可退的商品"]


def test_names_inside_sentences():
    assert status_predicate("packing", "zh_CN") == "正在打包"
    assert status_predicate("on_hold", "zh_CN") == "已暂停"
    assert status_predicate("on_hold", "en") == "on hold"
    assert channel_name("jd", "zh_CN") == "京东" and channel_name("tmall", "zh_CN") == "天猫"
    assert channel_name("shopify", "zh_CN") == "Shopify" and channel_name("woocommerce", "zh_CN") == "WooCommerce"
    assert channel_name("jd", "en") == "JD.com"
    assert actor_name("web", "customer", "zh_CN") == "网页 · 客户"
    assert actor_name(None, "carrier:sf", "zh_CN") == "承运商 sf"
    assert actor_name("STATION-2", "packer1", "zh_CN") == "STATION-2 · packer1"
    assert actor_name(None, "system", "zh_CN") == "系统"
    assert actor_name("cli@host", "cli", "zh_CN") == "cli@host · cli"


def test_the_reasons_the_services_write_on_the_timeline_read_in_chinese():
    assert operator_text("SH: 1,234 km, load 12% (next best GZ: 2,000 km, load 30%)", "zh_CN") == (
        "SH：距离 1,234 公里，负荷 12%（次选 GZ：距离 2,000 公里，负荷 30%）")
    assert operator_text("urgent: nearest warehouse with the stock, BJ (3 km)", "zh_CN") == "加急：选择有货的最近仓库 BJ（3 公里）"
    assert operator_text("every unit came back", "zh_CN") == "全部商品已退回"
    assert operator_text("a supervisor's own words", "zh_CN") == "a supervisor's own words"
