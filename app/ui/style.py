"""Large type, clear focus: the station is read from arm's length and driven from the keyboard."""

BASE_POINT_SIZE = 13

STYLESHEET = """
QWidget { font-size: 13pt; }
QPushButton { padding: 8px 16px; min-height: 32px; }
QPushButton#primary { background: #1f4e9c; color: white; font-weight: bold; font-size: 16pt; padding: 12px 24px; }
QPushButton#danger { background: #b3261e; color: white; }
QPushButton:focus, QLineEdit:focus, QComboBox:focus, QTableView:focus, QListWidget:focus {
    outline: none; border: 3px solid #f5a623;
}
QLineEdit, QComboBox { padding: 4px 6px; min-height: 30px; }
QTableView { gridline-color: #d0d0d0; selection-background-color: #2d6cdf; selection-color: white; }
QHeaderView::section { padding: 4px; font-weight: bold; }
QLabel#title { font-size: 22pt; font-weight: bold; }
QLabel#subtitle { font-size: 15pt; color: #444; }
QLabel#banner { font-size: 15pt; font-weight: bold; color: white; padding: 8px; border-radius: 4px; }
QGroupBox { font-weight: bold; margin-top: 14px; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; }
"""
