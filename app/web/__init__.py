"""The customer's side of the station (issue 11): ``station serve``'s tracking pages, contact form, returns and
survey (:mod:`app.web.server`), an HTTP adapter over the customer site's service
(:mod:`app.aftersales.customer_site`) and its read model (:mod:`app.aftersales.customer_page`)."""
