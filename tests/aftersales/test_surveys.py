"""Survey answers recorded and imported, broken rows reported, scores by question and product."""

import pytest

from app.aftersales import surveys
from app.errors import InvalidInput
from app.uow import UnitOfWork
from tests.aftersales import factories as f


def test_import_keeps_good_rows_and_names_the_broken_ones(ctx):
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        a = f.shipped_order(s)
        b = f.shipped_order(s, lines=(("SKU-TEA", 1),))
        uow.commit()
        text = (
            "order,product,delivery,service,comment,sku,answered_at\n"
            f"{a.number},5,4,3,很好,,2026-11-20T10:00:00+08:00\n"
            f"{b.number},2,5,5,tea was stale,SKU-TEA,\n"
            "WS-NOPE,5,5,5,,,\n"
            f"{a.number},6,1,1,,SKU-MUG,\n"
            f"{a.number},x,1,1,,SKU-TEE-BLK,\n"
            f"{a.number},3,3,3,,SKU-TEA,\n"
            f"{b.number},4,4,,,,\n"
            f"{a.number},1,1,1,again,,\n"
        )
        result = surveys.import_csv(s, text)
        uow.commit()
    assert result.imported == 2 and result.duplicates == 1
    assert result.rejected == [
        {"record": "line 4", "error": "order: no order 'WS-NOPE'"},
        {"record": "line 5", "error": "product: 6 is not between 1 and 5"},
        {"record": "line 6", "error": "product: 'x' is not a whole number 1 to 5"},
        {"record": "line 7", "error": f"sku: SKU-TEA is not on order {a.number}"},
        {"record": "line 8", "error": "service: missing (a whole number 1 to 5)"},
    ]
    with ctx.sessions() as s:
        sc = surveys.scores(s)
        assert sc.answers == 2
        assert sc.averages == {"product": 3.5, "delivery": 4.5, "service": 4.0}
        assert sc.distribution["product"] == [0, 1, 0, 0, 1]
        # the whole-order answer scores both products of order a; the SKU answer scores the tea
        assert sc.by_product == [("SKU-TEA", "Green Tea 250g", 1, 2.0), ("SKU-MUG", "Ceramic Mug", 1, 5.0),
                                 ("SKU-TEE-BLK", "Cotton T-Shirt, Black", 1, 5.0)]


def test_record_answer_checks_its_input(ctx):
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        o = f.shipped_order(s)
        surveys.record_answer(s, o.number, 4, 4, 5, "fast", source="web")
        with pytest.raises(surveys.DuplicateAnswer):
            surveys.record_answer(s, o.number, 4, 4, 5)
        with pytest.raises(InvalidInput, match="between 1 and 5"):
            surveys.record_answer(s, o.number, 0, 4, 5, sku="SKU-MUG")
        with pytest.raises(InvalidInput, match="the column"):
            surveys.import_csv(s, "id,score\n1,2\n")
