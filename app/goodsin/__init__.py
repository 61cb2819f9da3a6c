"""Goods in: expected deliveries, receiving by scan, put-away and the backorders a receipt releases (issue 18)."""
