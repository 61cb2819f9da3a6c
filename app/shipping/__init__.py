"""Shipping: carriers and rate shopping, tracking numbers and SSCCs, labels (PDF and ZPL), packing slips,
printing through a durable queue, reprint, void and end-of-day close-out.

Plain Python, no Qt. The entry points others call live in :mod:`app.shipping.service`.
"""
