"""The review desk (seed 2.1.2)."""
