"""Administration › Products built alone (pytest-qt, offscreen) on SQLite and PostgreSQL: find, edit, deactivate,
and the catalogue's gaps."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt

from app.catalogue import queries
from app.catalogue.products import import_products
from app.ui.admin.products import ProductsSection
from app.ui.feedback import Feedback
from app.uow import Actor

CSV = """sku,name_en,name_zh,weight_g,length_mm,width_mm,height_mm,gtins
MUG-1,Enamel mug,搪瓷杯,320,120,90,95,4006381333931
MUG-2,<b>Mug</b> &amp; saucer,杯碟,,,,,
LAMP-1,Desk lamp,台灯,900,,,,
"""


@dataclass
class Env:
    ctx: object
    feedback: Feedback
    station: str = "ADMIN-1"
    username: str = "admin"
    role: str = "admin"

    @property
    def actor(self) -> Actor:
        return Actor(station=self.station, user=self.username, role=self.role)


@pytest.fixture
def section(ctx, qtbot, tmp_path):
    path = tmp_path / "products.csv"
    path.write_text(CSV, encoding="utf-8")
    import_products(ctx.sessions, path, Actor(user="admin", role="admin"))
    widget = ProductsSection(Env(ctx, Feedback(sound=False)))
    qtbot.addWidget(widget)
    return widget


def _skus(table) -> list[str]:
    return [table.item(r, 0).text() for r in range(table.rowCount())]


def test_find_edit_and_deactivate(section, ctx):
    assert _skus(section.table) == ["LAMP-1", "MUG-1", "MUG-2"]
    section.search.setText("mug")
    section.find()
    assert _skus(section.table) == ["MUG-1", "MUG-2"]
    assert section.table.item(1, 1).text() == "<b>Mug</b> & saucer / 杯碟"  # a shop's text stays text
    section.search.setText("4006381333931")
    section.find()
    assert _skus(section.table) == ["MUG-1"]

    section.search.setText("MUG-2")
    section.find()
    section.table.selectRow(0)
    assert section.editor.isEnabled() and section.sku_label.text() == "MUG-2"
    assert section.sku_label.textFormat() == Qt.PlainText
    section.weight.setValue(410)
    for box, value in zip(section.dims, (200, 150, 80)):
        box.setValue(value)
    section.flags["fragile"].setChecked(True)
    section.shelf_life.setValue(30)  # FEFO: at least 30 days left to be sent out
    assert section.save(), section.env.feedback.history
    saved = queries.product(ctx.sessions, "MUG-2")
    assert (saved.weight_g, saved.length_mm, saved.width_mm, saved.height_mm, saved.flags) == (410, 200, 150, 80, ["fragile"])
    assert saved.min_shelf_life_days == 30

    assert section.toggle_active()
    assert not queries.product(ctx.sessions, "MUG-2").active
    assert "(inactive)" in section.table.item(0, 1).text()
    assert section.active_button.text() == "Activate"


def test_the_gaps_list_names_what_is_missing(section):
    assert "2 active product(s) without a weight or a size" in section.gaps_title.text()
    rows = {section.gaps.item(r, 0).text(): section.gaps.item(r, 2).text() for r in range(section.gaps.rowCount())}
    assert rows == {"LAMP-1": "size", "MUG-2": "weight, size"}
    section._open_gap(0)
    assert section.sku_label.text() == "LAMP-1" and section.editor.isEnabled()
