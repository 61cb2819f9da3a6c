"""The Stock control screen as a counter and a supervisor use it (pytest-qt, offscreen, SQLite and PostgreSQL): a
bin counted blind by scans alone (the table never shows what the books say) and posted; a larger difference waits
in Approvals, where a supervisor approves it and the stock changes; the dock's staff see neither Approvals nor
Adjust; today's plan opens a count; an adjustment of the wrong sign is refused in words and changes nothing;
Chinese."""

from __future__ import annotations

from app.catalogue.queries import stock_of
from app.devices.scanner import parse_scan
from app.ui.feedback import Feedback
from app.ui.screens import ScreenEnv
from app.ui.stock.screen import StockScreen
from tests.counting.conftest import CASE_GTIN, MUG_GTIN


def _screen(ctx, qtbot, role: str = "shipping", station: str = "COUNT-1", user: str = "lena") -> StockScreen:
    env = ScreenEnv(ctx, station, 1, user, user.title(), role, Feedback(sound=False))
    screen = StockScreen(env)
    qtbot.addWidget(screen)
    screen.resize(1366, 698)
    return screen


def _show(screen: StockScreen, page: str) -> None:
    widget = getattr(screen, page)
    assert widget is not None
    screen.tabs.setCurrentWidget(widget)


def _scan(screen: StockScreen, text: str) -> str:
    assert screen.take_scan(parse_scan(text, source="scanner"))
    return screen.message.text()


def _type(screen: StockScreen, text: str) -> str:
    screen.scan_field.setText(text)
    screen.scan_field.returnPressed.emit()
    return screen.message.text()


def _table(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def _headers(table) -> list[str]:
    return [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]


def _tabs(screen: StockScreen) -> list[str]:
    return [screen.tabs.tabText(i) for i in range(screen.tabs.count())]


def _on_hand(ctx, sku: str, bin_code: str) -> int:
    return sum(p.on_hand for p in stock_of(ctx.sessions, sku) if p.bin == bin_code)


def test_a_counter_counts_a_bin_blind_by_scans_and_sees_it_posted(room, qtbot):
    screen = _screen(room, qtbot)
    assert screen.instruction.text() == "Scan a bin label to count it"
    assert "counting bin A01-01-1" in _scan(screen, "A01-01-1")  # the bin's label opens its count
    assert "A01-01-1" in screen.instruction.text() and screen.session.number is not None
    assert screen.session.number in screen.current.text() and "A01-01-1" in screen.current.text()
    assert _scan(screen, CASE_GTIN) == "MUG-1: 6 counted, 6 so far"
    assert _type(screen, "qty 13") == "qty 13"  # a word for the next scan
    assert _scan(screen, MUG_GTIN) == "MUG-1: 13 counted, 19 so far"
    # Blind: what was counted, never what the books say (20).
    assert _headers(screen.lines) == ["SKU", "Name", "Lot", "Counted"]
    assert [(row[0], row[3]) for row in _table(screen.lines)] == [("MUG-1", "19")]
    assert not any("20" in cell for row in _table(screen.lines) for cell in row)
    assert "19 unit(s) counted" in screen.current.text() and "20" not in screen.current.text()
    closed = _scan(screen, "A01-01-1")  # the label again: counted
    assert "posted: A01-01-1 counted, 1 change(s) on the stock ledger" in closed
    assert screen.session.number is None and screen.lines.rowCount() == 0
    assert screen.instruction.text() == "Scan a bin label to count it"
    assert screen.env.feedback.history[-1][0] == "good"
    assert _on_hand(room, "MUG-1", "A01-01-1") == 19


def test_a_larger_difference_waits_in_approvals_and_a_supervisor_approves_it(room, qtbot):
    counter = _screen(room, qtbot)
    _scan(counter, "A01-01-1")
    _type(counter, "qty 12")
    _scan(counter, MUG_GTIN)
    assert counter.close_count() is True
    assert "1 difference(s) wait for a supervisor's approval" in counter.message.text()
    assert _on_hand(room, "MUG-1", "A01-01-1") == 20  # nothing posted yet

    boss = _screen(room, qtbot, role="supervisor", station="COUNT-2", user="boss")
    assert _tabs(boss) == ["Count", "Today's plan", "Approvals", "Adjust"]
    _show(boss, "approvals_page")
    assert [row[1] for row in _table(boss.waiting)] == ["A01-01-1"]
    number = _table(boss.waiting)[0][0]
    assert not boss.approve_button.isEnabled()
    assert boss.choose_waiting(number)
    assert _headers(boss.variances)[3:6] == ["Books", "Counted", "Difference"]
    assert [[row[0], *row[3:]] for row in _table(boss.variances)] == [["MUG-1", "20", "12", "-8", "yes"]]
    boss.decision_note.setText("checked the shelf myself")
    assert boss.decide(True) is True
    assert f"{number} posted" in boss.decision.text()
    assert _on_hand(room, "MUG-1", "A01-01-1") == 12
    assert boss.waiting.rowCount() == 0 and boss.variances.rowCount() == 0


def test_a_refused_count_is_counted_again(room, qtbot):
    counter = _screen(room, qtbot)
    for text in ("A01-01-1", "qty 30", MUG_GTIN, "close"):
        _scan(counter, text)
    boss = _screen(room, qtbot, role="supervisor", station="COUNT-2", user="boss")
    _show(boss, "approvals_page")
    assert boss.choose_waiting(_table(boss.waiting)[0][0])
    assert boss.decide(False) is True
    assert "refused by boss: count bin A01-01-1 again" in boss.decision.text()
    assert _on_hand(room, "MUG-1", "A01-01-1") == 20
    assert "counting bin A01-01-1" in _scan(counter, "A01-01-1")  # the bin can be counted again


def test_the_docks_staff_see_no_approvals_and_no_adjustments(room, qtbot):
    screen = _screen(room, qtbot)
    assert _tabs(screen) == ["Count", "Today's plan"]
    assert screen.approvals_page is None and screen.adjust_page is None
    assert not hasattr(screen, "waiting") and not hasattr(screen, "sku")


def test_todays_plan_opens_a_count(room, qtbot):
    screen = _screen(room, qtbot)
    _show(screen, "plan_page")
    assert screen.warehouse.currentData() == "SH1"
    assert _headers(screen.plan) == ["Bin", "Due", "Days overdue", "Fast mover"]
    bins = [row[0] for row in _table(screen.plan)]
    assert bins == ["A01-01-1", "A01-02-1"]  # never counted, with stock: due at once; empty and quarantine not
    screen.plan.doubleClicked.emit(screen.plan.model().index(1, 0))
    assert screen.tabs.currentWidget() is screen.count_page
    assert screen.session.bin == "A01-02-1" and "counting bin A01-02-1" in screen.message.text()
    assert screen.count_bin("A01-01-1") is False  # one count at a time
    assert "A01-02-1" in screen.env.feedback.history[-1][1]
    assert screen.cancel_count() is True and "cancelled" in screen.message.text()
    _show(screen, "plan_page")
    assert [row[0] for row in _table(screen.plan)] == ["A01-01-1", "A01-02-1"]


def test_an_adjustment_of_the_wrong_sign_is_refused_in_words_and_changes_nothing(room, qtbot):
    screen = _screen(room, qtbot, role="supervisor", user="boss")
    _show(screen, "adjust_page")
    screen.sku.setText("MUG-1")
    screen.show_places()
    assert [row[1] for row in _table(screen.places_table)] == ["A01-01-1"]
    screen.places_table.doubleClicked.emit(screen.places_table.model().index(0, 0))
    assert screen.bin.text() == "A01-01-1"
    screen.delta.setValue(-2)
    screen.reason.setCurrentIndex(screen.reason.findData("found"))
    assert screen.reason.currentText() == "found"
    assert screen.apply_adjustment() is False
    assert screen.adjusted.text() == "reason found adds stock: the change must be more than 0"
    assert screen.env.feedback.history[-1] == ("bad", screen.adjusted.text())
    assert _on_hand(room, "MUG-1", "A01-01-1") == 20
    screen.reason.setCurrentIndex(screen.reason.findData("damaged"))
    screen.note.setText("dropped")
    assert screen.apply_adjustment() is True
    assert screen.adjusted.text() == "MUG-1 in A01-01-1: 20 before, 18 now"
    assert _on_hand(room, "MUG-1", "A01-01-1") == 18
    assert _table(screen.places_table)[0][4] == "18"


def test_the_screen_reads_in_chinese(room, qtbot, qapp):
    from app.ui.app import create_application, install_language

    station_app = create_application(language="en")
    install_language(station_app, "zh_CN")
    try:
        counter = _screen(room, qtbot)
        assert _tabs(counter) == ["盘点", "今日计划"]
        assert counter.instruction.text() == "扫描货位标签开始盘点"
        assert _scan(counter, "A01-01-1").startswith("正在盘点货位 A01-01-1")
        assert _scan(counter, CASE_GTIN) == "MUG-1：计数 6 件，累计 6 件"
        assert _headers(counter.lines) == ["SKU", "名称", "批号", "已盘点"]
        boss = _screen(room, qtbot, role="supervisor", station="COUNT-2", user="boss")
        assert _tabs(boss) == ["盘点", "今日计划", "审批", "调整"]
        _show(boss, "adjust_page")
        assert [boss.reason.itemText(i) for i in range(boss.reason.count())][:2] == ["损坏", "过期"]
        boss.sku.setText("MUG-1")
        boss.bin.setText("A01-01-1")
        boss.delta.setValue(3)
        boss.reason.setCurrentIndex(boss.reason.findData("lost"))
        assert boss.apply_adjustment() is False
        assert boss.adjusted.text() == "原因“丢失”会减少库存：变动数必须小于 0"
    finally:
        install_language(station_app, "en")


def test_a_screen_built_after_a_restart_goes_on_with_the_count_left_open(room, qtbot):
    first = _screen(room, qtbot)
    _scan(first, "A01-01-1")
    _scan(first, CASE_GTIN)
    again = _screen(room, qtbot)  # the station restarted
    assert again.session.number == first.session.number and "A01-01-1" in again.instruction.text()
    assert [(row[0], row[3]) for row in _table(again.lines)] == [("MUG-1", "6")]
    assert "6 unit(s) counted so far" in again.message.text()
