"""A Chinese customer reads Chinese: the return form names the items as the catalogue does in Chinese, and a
refused return says why in Chinese (the policy's answers), over real HTTP on loopback."""

from __future__ import annotations

import pytest

from tests.aftersales import factories as f
from tests.web.conftest import csrf_of, token_of

pytestmark = pytest.mark.slow


def test_the_return_form_and_its_refusal_in_chinese(live):
    with live.ctx.sessions() as s:
        order = f.shipped_order(s)
        s.commit()
        number, token = order.number, token_of(s, order)
    with live.client() as http:
        page = http.get(f"/t/{token}?lang=zh_CN")
        assert page.status_code == 200
        assert "纯棉T恤（黑色）" in page.text and "Cotton T-Shirt" not in page.text
        refused = http.post(f"/t/{token}/return", data={"csrf": csrf_of(page.text), "qty:SKU-TEE-BLK": "5",
                                                        "reason": "wrong_size"})
        assert refused.status_code == 422
        assert "此退货申请未能受理" in refused.text
        assert "SKU-TEE-BLK：申请退回 5 件，但已发货的 2 件中只有 2 件还能退" in refused.text
        assert "asked back" not in refused.text
        english = http.get(f"/t/{token}?lang=en")
        assert "Cotton T-Shirt, Black" in english.text
    assert number
