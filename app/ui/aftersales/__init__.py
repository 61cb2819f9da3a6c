"""Screens for after the parcel leaves (issue 7): tracking lookup, the returns desk, reports with Qt Charts.
Thin over :mod:`app.aftersales` and :mod:`app.reports`."""
