"""Picking over the database: warehouse layouts and bins, pick lists, and the pick service (issue 5)."""
