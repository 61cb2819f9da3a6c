"""A 1366 x 768 bench monitor, the commonest small one, holds every screen whole in both languages: no screen
asks for more room than is left after a title bar and a task bar, so nothing runs past the screen's edge."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QScrollArea, QScrollBar, QTabBar, QTabWidget

from tests.ui.conftest import login

# 1366 x 768 less a title bar (about 30 pixels) and a task bar (about 40).
ROOM_WIDTH, ROOM_HEIGHT = 1366, 698


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_every_screen_fits_a_1366_by_768_monitor(window, qtbot, station_app, language):
    from app.ui.app import install_language

    try:
        window.language_change_requested.emit(language)
        login(window, qtbot, "BADGE-ADMIN")
        tabs = window.tabs
        assert tabs.count() >= 10
        too_big = {}
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            for _ in range(5):  # the screen is built when its tab is first shown
                QApplication.processEvents()
            hint = window.minimumSizeHint()
            if hint.width() > ROOM_WIDTH or hint.height() > ROOM_HEIGHT:
                too_big[tabs.tabText(index)] = hint.toTuple()
        assert not too_big, f"screens that need more than {ROOM_WIDTH} x {ROOM_HEIGHT}: {too_big}"
    finally:
        install_language(station_app, "en")


def test_the_window_is_maximised_on_a_screen_smaller_than_its_preferred_size(window):
    from app.ui.main_window import PREFERRED_SIZE

    window.hide()
    available = window.screen().availableGeometry().size()
    assert available.width() < PREFERRED_SIZE.width()  # the offscreen test screen is a small one
    window.show_fitted()
    assert window.isVisible() and window.isMaximized()


def _review_case(ctx) -> None:
    """An order as the review desk meets them: three flags, a long e-mail address and product names, a timeline."""
    from sqlalchemy import select

    from app.orders.timeline import add_event
    from app.uow import Actor
    from db.models import Customer, Product
    from tests.ui.factories import make_order

    with ctx.sessions() as s:
        customer = Customer(email="ouyang.xiaoming.christopher.orders@example-shop-domain.com.cn",
                            name="Ouyang Xiaoming-Christopher")
        s.add(customer)
        s.flush()
        for product in s.scalars(select(Product)):
            product.name_en = "Stainless steel insulated travel mug with lid, 500 ml, matte midnight blue"
        order = make_order(s, "WS-R00001", status="review", customer_id=customer.id, priority=2, lines=3, flags=(
            ("large_amount", "the order is worth 9,999.00, above the 5,000.00 limit for a person to check"),
            ("address_invalid", "the postcode 12 does not look like a postcode of CN (6 digits, e.g. 200120)"),
            ("restricted_category", "restricted goods need a person's approval: SKU-001 (pharmacy)")))
        for _ in range(12):
            add_event(s, order, "note", Actor(station="STATION-1", user="service1"),
                      reason="called the customer about the address and the payment, no answer yet")
        s.commit()


def _pages(window):
    """Every screen, and every page of a screen's own tabs (the shipping desk's labels, close-out, printers)."""
    tabs = window.tabs
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        for _ in range(5):  # the screen is built when its tab is first shown
            QApplication.processEvents()
        inner = [t for t in tabs.currentWidget().findChildren(QTabWidget) if t.isVisible()]
        if not inner:
            yield tabs.tabText(index)
        for sub in inner:
            for page in range(sub.count()):
                sub.setCurrentIndex(page)
                QApplication.processEvents()
                yield f"{tabs.tabText(index)} / {sub.tabText(page)}"


def _cut_off(window) -> list[str]:
    """Buttons not wholly on screen: cut by the window's edge, scrolled out of sight below a scroll area's
    fold, or narrower than their own text."""
    found = []
    for button in window.findChildren(QAbstractButton):
        if not button.isVisible() or isinstance(button.parent(), (QTabBar, QScrollBar)):
            continue  # a tab bar's or a scroll bar's arrows are Qt's own
        shown = button.visibleRegion().boundingRect()
        if shown != button.rect():
            found.append(f"{button.text()!r} shows {shown.width()} x {shown.height()} of {button.width()} x {button.height()}")
        elif button.width() < button.minimumSizeHint().width():
            found.append(f"{button.text()!r} is {button.width()} wide, its text needs {button.minimumSizeHint().width()}")
    return found


def _sideways(window) -> list[str]:
    """Scroll areas whose content is wider than the screen: what is right of the edge is out of sight."""
    return [f"{area.widget().metaObject().className()} needs {area.widget().minimumSizeHint().width()}, "
            f"has {area.viewport().width()}"
            for area in window.findChildren(QScrollArea) if area.isVisible() and area.horizontalScrollBar().isVisible()]


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_every_button_of_every_screen_shows_whole_on_a_1366_by_768_monitor(window, qtbot, station_app, ctx, language):
    """The size hint alone let buttons hide below a scroll area's fold (the shipping desk's reprint and void, the
    review desk's address fix) and let a side panel cut its buttons' text: each screen is shown at the size a
    1366 x 768 monitor leaves, and every button on it must be whole and on screen, nothing scrolled sideways."""
    from app.ui.app import install_language

    _review_case(ctx)
    try:
        window.language_change_requested.emit(language)
        login(window, qtbot, "BADGE-ADMIN")
        problems = {}
        seen = []
        for page in _pages(window):
            window.resize(ROOM_WIDTH, ROOM_HEIGHT)
            for _ in range(3):
                QApplication.processEvents()
            seen.append(page)
            assert window.size().toTuple() == (ROOM_WIDTH, ROOM_HEIGHT), f"{page} makes the window grow"
            found = _cut_off(window) + _sideways(window)
            if found:
                problems[page] = found
        assert len(seen) >= 12
        assert not problems, f"at {ROOM_WIDTH} x {ROOM_HEIGHT} in {language}: {problems}"
    finally:
        install_language(station_app, "en")
