"""Notices to customers by e-mail (issue 11): rendered in the customer's language when an order event calls for
one (:mod:`app.notify.hooks`), kept in a durable outbox (:mod:`app.notify.outbox`), sent over SMTP with
retries (:mod:`app.notify.smtp`) by a worker (:mod:`app.notify.worker`) that ``station serve`` runs in the
background and ``station notify run`` runs alone."""
