"""The station's desktop app (PySide6): thin screens over the services in ``app.services``."""
