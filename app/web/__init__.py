"""The customer's side of the station (issue 11): ``station serve``'s tracking pages, contact form, returns and
survey (:mod:`app.web.server`), over plain services (:mod:`app.web.customer`)."""
