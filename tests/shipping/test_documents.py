"""Packing slips (A4 and Letter) and concurrent labelling from two stations."""

import shutil
import subprocess
import threading

import pytest
from sqlalchemy import select

from app.shipping import service, slip
from app.shipping.rates import ParcelSpec
from app.uow import Actor, UnitOfWork
from db.models import Order
from db.models.shipping import Parcel
from tests.shipping.factories import packed_order


def _pdfinfo(path) -> dict:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout.decode()
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


@pytest.mark.skipif(not shutil.which("pdfinfo"), reason="poppler-utils needed")
@pytest.mark.parametrize("paper, size", [("a4", "595.276 x 841.89"), ("letter", "612 x 792")])
def test_packing_slip_lists_the_lines_on_the_chosen_paper(shipping_ctx, actor, tmp_path, paper, size):
    with UnitOfWork(shipping_ctx.sessions) as uow:
        s = uow.session
        order = packed_order(s, lines=[(f"SKU-{i}", i + 1) for i in range(60)])
        parcels = service.label_order(s, order, actor, [ParcelSpec(2000, 400, 300, 250, "L")] * 2,
                                      settings=shipping_ctx.settings)
        data = slip.slip_data(s, order, parcels, shipping_ctx.settings)
    path = tmp_path / "slip.pdf"
    path.write_bytes(slip.render(data, paper))
    info = _pdfinfo(path)
    assert size in info["Page size"]
    assert int(info["Pages"]) >= 2  # 60 lines do not fit one page
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()
    assert "SKU-0" in text and "SKU-59" in text and "蓝牙耳机" in text
    assert parcels[0].tracking_number in text and parcels[1].tracking_number in text
    assert "60 lines" in text


def test_two_stations_label_at_once_without_sharing_a_number(shipping_ctx):
    with UnitOfWork(shipping_ctx.sessions) as uow:
        numbers = [packed_order(uow.session, number=f"CC-{i}", region="Beijing").number for i in range(12)]
        uow.commit()
    errors: list[BaseException] = []

    def work(station: str, mine: list[str]) -> None:
        actor = Actor(station=station, user=station.lower())
        try:
            for number in mine:
                with UnitOfWork(shipping_ctx.sessions) as uow:
                    order = uow.session.scalar(select(Order).where(Order.number == number))
                    service.label_order(uow.session, order, actor, [ParcelSpec(900, 200, 150, 100)], "SF-STD",
                                        settings=shipping_ctx.settings)
                    uow.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"ST{k}", numbers[k::2])) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    with UnitOfWork(shipping_ctx.sessions) as uow:
        parcels = [(p.tracking_number, p.sscc) for p in uow.session.scalars(select(Parcel))]
    assert len(parcels) == 12
    assert len({tn for tn, _ in parcels}) == 12
    assert len({sscc for _, sscc in parcels}) == 12
