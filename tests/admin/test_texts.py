"""What the Administration services refuse with reads in Chinese on a Chinese screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.error_texts import ERRORS, operator_text
from tests.domain.test_error_texts import _raised, _skeleton

ROOT = Path(__file__).resolve().parents[2]
ADMIN = sorted((ROOT / "app" / "admin").glob("*.py"))


def test_every_refusal_of_the_admin_services_has_chinese():
    known = {_skeleton(english) for english, _ in ERRORS.sentences.values()}
    raised = [(path, line, text) for path in ADMIN for line, text in _raised(path)]
    assert len(raised) > 20
    missing = [f"{p.relative_to(ROOT)}:{line}: {text}" for p, line, text in raised
               if text not in known and not text.startswith("--user")]  # --user ...: the CLI's alone
    assert not missing, "add to app/domain/error_texts.py:\n" + "\n".join(missing)


@pytest.mark.parametrize("english, chinese", [
    ("user kim: pin: a PIN of one digit repeated is too easy to guess",
     "用户 kim：PIN 码：同一数字重复的 PIN 码太容易被猜中"),
    ("user bo: badge: that badge is already ann's", "用户 bo：工牌：该工牌已属于 ann"),
    ("no station named BENCH-9: register it with 'station stations add BENCH-9'",
     "没有名为 BENCH-9 的工位：请用 'station stations add BENCH-9' 登记"),
])
def test_a_refusal_reads_in_chinese(english, chinese):
    assert operator_text(english, "zh_CN") == chinese
    assert operator_text(english, "en") == english
