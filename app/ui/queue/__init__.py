"""The order queue: every order, lazily, with filters, search, sort and colours."""
