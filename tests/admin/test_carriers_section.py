"""Administration › Carriers built alone (pytest-qt, offscreen) on SQLite and PostgreSQL, as an admin uses it:
register a carrier, import its rate card, read its services, zones and surcharges, change a service and a price,
try a parcel; a bad card and a packer's hands change nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from app.shipping import ratecard_queries
from app.ui.admin.carriers import CarriersSection
from app.ui.feedback import Feedback
from app.uow import Actor

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "ratecard_de.csv"


@dataclass
class Env:
    ctx: object
    feedback: Feedback
    role: str = "admin"

    @property
    def actor(self) -> Actor:
        return Actor(station="ADMIN-1", user="admin", role=self.role)


@pytest.fixture
def section(ctx, qtbot):
    widget = CarriersSection(Env(ctx, Feedback(sound=False)))
    qtbot.addWidget(widget)
    return widget


def _column(table, c: int) -> list[str]:
    return [table.item(r, c).text() for r in range(table.rowCount())]


def _services(ctx) -> list:
    detail = ratecard_queries.carrier_detail(ctx.sessions, "RHEIN")
    assert detail is not None
    return detail.services


def _add_rhein(section) -> None:
    section.new_code.setText("rhein")
    section.new_name.setText("<b>Rhein</b> Kurier")
    section.new_name_zh.setText("莱茵快递")
    section.new_prefix.setText("7")
    section.new_origin.setText("DE")
    assert section.add_carrier(), section.env.feedback.history


def test_add_import_read_edit_and_quote(section, ctx):
    _add_rhein(section)
    assert "RHEIN" in _column(section.table, 0)
    assert section.chosen == "RHEIN" and section.import_button.isEnabled()
    row = _column(section.table, 0).index("RHEIN")
    assert section.table.item(row, 1).text() == "<b>Rhein</b> Kurier"  # a typed name stays text

    result = section.import_card(EXAMPLE)
    assert result is not None and not result.rejected and result.created == 83, section.env.feedback.history
    assert "83 created" in section.env.feedback.history[-1][1]
    row = _column(section.table, 0).index("RHEIN")
    assert section.table.item(row, 7).text() == "RK-EXPRESS, RK-PAKET"
    assert section.detail.isEnabled()
    assert _column(section.services, 0) == ["RK-EXPRESS", "RK-PAKET"]
    assert "50" not in _column(section.zones, 2) and "5*" in _column(section.zones, 2)
    assert "fuel" in _column(section.surcharges, 1)

    # The parcel service gets a new name and a lower weight limit; the quote then refuses a heavier parcel.
    section.services.selectRow(1)
    assert section.service_box.isEnabled() and section.service_name.text() == "Parcel"
    section.service_name.setText("Parcel (standard)")
    section.service_weight.setValue(20000)
    assert section.save_service(), section.env.feedback.history
    paket = next(s for s in _services(ctx) if s.code == "RK-PAKET")
    assert (paket.name, paket.max_weight_g) == ("Parcel (standard)", 20000)

    # Zone 1 up to 2 kg: 4.40 -> 5.00, quoted at once (with the card's 8.5 % fuel: 5.43).
    index = next(i for i, (code, r) in enumerate(section.rate_rows)
                 if code == "RK-PAKET" and r.zone == 1 and r.up_to_g == 2000)
    section.rates.selectRow(index)
    assert section.rate_price.value() == pytest.approx(4.40)
    section.rate_price.setValue(5.00)
    assert section.save_rate(), section.env.feedback.history
    assert section.rates.chosen_row() == index
    section.quote_country.setText("de")
    section.quote_postcode.setText("50667")
    section.quote_weight.setValue(1500)
    lines = {line.service: line for line in section.quote()}
    assert lines["RK-PAKET"].price_cents == 543 and lines["RK-PAKET"].zone == 1
    assert _column(section.quotes, 0)[0] == "RK-PAKET" and _column(section.quotes, 1)[0] == "5.43"
    section.quote_weight.setValue(25000)
    lines = {line.service: line for line in section.quote()}
    assert lines["RK-PAKET"].price_cents is None and lines["RK-PAKET"].why_not


def test_a_bad_card_says_its_line_and_changes_nothing(section, ctx, tmp_path):
    _add_rhein(section)
    bad = tmp_path / "bad.csv"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace(",2,,5000,5.80,", ",2,,5000,-5.80,"), encoding="utf-8")
    result = section.import_card(bad)
    assert result is not None and result.rejected
    kind, text = section.env.feedback.history[-1]
    assert kind == "bad" and text.startswith("Nothing imported: line ") and "price" in text
    assert _services(ctx) == []


def test_only_an_admin_changes_carriers(ctx, qtbot):
    widget = CarriersSection(Env(ctx, Feedback(sound=False), role="packer"))
    qtbot.addWidget(widget)
    _count = len(ratecard_queries.list_carriers(ctx.sessions))
    widget.new_code.setText("SNEAKY")
    assert not widget.add_carrier()
    assert widget.env.feedback.history[-1][0] == "bad"
    assert len(ratecard_queries.list_carriers(ctx.sessions)) == _count


def test_the_new_carrier_dialog_keeps_a_refused_code_and_says_why(section, ctx):
    section.new_button.click()
    assert section.new_dialog.isVisible()
    section.new_code.setText("no spaces")
    section.add_button.click()
    assert section.new_dialog.isVisible() and "a code is 1 to 16 letters" in section.new_problem.text()
    assert section.new_code.text() == "no spaces"  # nothing typed is lost
    section.new_code.setText("OWNFLEET")
    section.add_button.click()
    assert not section.new_dialog.isVisible()
    assert section.chosen == "OWNFLEET" and "OWNFLEET" in _column(section.table, 0)
