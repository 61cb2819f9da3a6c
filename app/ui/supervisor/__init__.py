"""The supervisor board (3.1.2)."""
