"""The demo warehouse: seeded through the same services as real work."""
