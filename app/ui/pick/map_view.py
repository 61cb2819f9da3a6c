"""The warehouse map: racks, aisles and cross aisles, the depot, the stops and the route, with the
current stop lit. Pure drawing over a :class:`Layout` and a list of stops."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

from app.routing.layout import Layout, Point

SCALE = 20.0  # pixels a metre
RACK = QColor("#c9ced6")
AISLE = QColor("#eef1f5")
ROUTE = QColor("#1f4e9c")
DONE = QColor("#2e7d32")
CURRENT = QColor("#f5a623")
WAITING = QColor("#546e7a")


class WarehouseMap(QGraphicsView):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.Antialiasing)
        self.setBackgroundBrush(QBrush(QColor("white")))
        self.setFocusPolicy(Qt.NoFocus)  # scans go to the screen, never to the map
        self.layout_: Layout | None = None
        self.current_marker = None

    @staticmethod
    def _xy(x: float, y: float) -> QPointF:
        return QPointF(x * SCALE, -y * SCALE)  # the front cross aisle at the bottom

    def show_route(self, layout: Layout, stops: Sequence, current_key: str | None, done_keys: set[str]) -> None:
        """Draw ``stops`` (objects with ``key``, ``aisle``, ``position``) walked in this order from the depot."""
        self.layout_ = layout
        scene = self.scene()
        scene.clear()
        self.current_marker = None
        w = layout.aisle_width or 3.0
        rack = max(0.4, w * 0.3)
        # Racks: on both sides of every aisle, broken by the cross aisles.
        for aisle in range(1, layout.aisles + 1):
            x = layout.aisle_x(aisle)
            for b in range(layout.blocks):
                y0 = layout.cross_aisles[b] + 1.0
                y1 = layout.cross_aisles[b + 1] - 1.0
                if y1 <= y0:
                    continue
                for side in (-1, 1):
                    left = x + side * (w / 2) - (rack if side > 0 else 0)
                    rect = QRectF(self._xy(left, y1), self._xy(left + rack, y0))
                    scene.addRect(rect, QPen(Qt.NoPen), QBrush(RACK))
            top, bottom = self._xy(x, layout.aisle_length), self._xy(x, 0)
            scene.addLine(top.x(), top.y(), bottom.x(), bottom.y(), QPen(AISLE, 4))
            label = scene.addSimpleText(str(aisle), QFont("", 9))
            label.setPos(bottom.x() - 4, bottom.y() + 18)
        for y in layout.cross_aisles:
            a, b = self._xy(-w / 2, y), self._xy(layout.width + w / 2, y)
            scene.addLine(a.x(), a.y(), b.x(), b.y(), QPen(AISLE, 4))
        # The route, by shortest paths between consecutive stops.
        points = [layout.depot] + [Point(layout.aisle_x(s.aisle), s.position, s.aisle) for s in stops] + [layout.depot]
        path = QPainterPath(self._xy(points[0].x, points[0].y))
        for a, b in zip(points, points[1:]):
            for p in layout.path(a, b)[1:]:
                path.lineTo(self._xy(p.x, p.y))
        scene.addPath(path, QPen(ROUTE, 3, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
        # The depot.
        d = self._xy(layout.depot_x, layout.depot_y)
        scene.addRect(QRectF(d.x() - 9, d.y() - 9, 18, 18), QPen(Qt.black, 2), QBrush(QColor("#263238")))
        # The stops, numbered in walking order.
        for n, stop in enumerate(stops, start=1):
            c = self._xy(layout.aisle_x(stop.aisle), stop.position)
            if stop.key == current_key:
                colour, radius = CURRENT, 14
            elif stop.key in done_keys:
                colour, radius = DONE, 8
            else:
                colour, radius = WAITING, 8
            item = scene.addEllipse(QRectF(c.x() - radius, c.y() - radius, 2 * radius, 2 * radius),
                                    QPen(Qt.white, 2), QBrush(colour))
            item.setZValue(2)
            text = scene.addSimpleText(str(n), QFont("", 8 if radius < 10 else 11, QFont.Bold))
            text.setBrush(QBrush(Qt.white))
            r = text.boundingRect()
            text.setPos(c.x() - r.width() / 2, c.y() - r.height() / 2)
            text.setZValue(3)
            if stop.key == current_key:
                self.current_marker = item
        margin = 2 * SCALE
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-margin, -margin, margin, margin))
        self.fit()

    def fit(self) -> None:
        if self.scene() and not self.scene().sceneRect().isEmpty():
            self.fitInView(self.scene().sceneRect(), Qt.KeepAspectRatio)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit()
