"""The station's desktop app (PySide6): thin screens over the capabilities' services (app.orders, app.packing, ...)."""
