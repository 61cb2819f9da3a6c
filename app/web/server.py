"""``station serve``: one HTTP process for the outside world (Starlette on uvicorn).

Routes:

* ``GET /healthz``: 200 when the database answers, else 503.
* ``GET /``: look an order up by its number and the postcode or e-mail on it (``POST /find``, rate-limited
  per client address: 429 after a burst).
* ``GET /t/<token>``: the tracking page of one order (the label's QR code holds this address). A token that
  matches nothing answers 404, the same page whether or not any order exists.
* ``POST /t/<token>/contact``, ``POST /t/<token>/return``, ``POST /t/<token>/survey``: the customer's forms
  (CSRF-protected, bodies capped: 413); ``GET /t/<token>/returns/<number>/label.pdf``: the return label.
* ``POST /carrier-events``: carrier scans (JSON, see :mod:`app.aftersales.carrier_events`), signed like the
  order webhooks: ``X-Station-Signature`` = base64 HMAC-SHA256 of the body under the carrier-events secret.
* ``POST /webhooks/shopify/orders`` and ``/webhooks/woocommerce/orders`` (:mod:`app.intake.webhook`).

Limits (issue 19): the look-up, the forms and the tracking page are rate-limited per client address
(``web.lookup_*``, ``web.form_*``, ``web.page_*``) in a table every worker process shares
(:mod:`app.web.limits`); the address is the TCP peer, or ``X-Forwarded-For`` when the peer is one of
``web.trusted_proxies``. A look-up answers no sooner than :data:`LOOKUP_MIN_SECONDS`, found or not, so its time
tells nothing. A request must arrive whole within ``web.request_timeout_s`` and an address may hold
``web.max_connections_per_client`` connections a worker (:mod:`app.web.connections`). Every answer, errors and
JSON included, carries :data:`SECURITY_HEADERS` and a ``Cache-Control`` (``no-store`` unless the route says).

Settings: ``tracking_base_url`` (the labels' QR codes), ``service_phone`` and ``service_email`` (shown on every
page), ``webhook_secret`` (order webhooks; also signs carrier events unless ``web.carrier_events_secret`` is
set), ``web.secret`` (signs the forms' CSRF fields; random per start when unset, so a restart asks open forms to
be sent again), ``web.db_threads`` (database work at once, default 8), ``web.page_cache`` (tracking pages kept
rendered per worker, default 4096; 0 keeps none), ``web.access_log`` (see :mod:`app.config`).

No personal data reaches the log: the access log names the route with tokens replaced, the status and the time;
a failure is logged by its exception type only.
"""

from __future__ import annotations

import gzip
import logging
import os
import re
import time
from pathlib import Path
from typing import Any

import anyio
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request, cookie_parser
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from app.aftersales import customer_page as customer
from app.aftersales.customer_site import CustomerPages
from app.aftersales.policy import problem_text
from app.aftersales.returns import ReturnRefused
from app.aftersales.surveys import DuplicateAnswer
from app.config import WebSection
from app.context import Context
from app.domain.error_texts import operator_text
from app.errors import InvalidInput, StationError
from app.intake.webhook import verify as verify_signature
from app.web.i18n import Translator, negotiate
from app.web.limits import ClientAddress, Limit, SharedBuckets
from app.web.pagecache import CSRF_MARK, KeptPage, PageCache, kept_page, valid_until
from app.web.security import CSRF_COOKIE, CSRF_FIELD, BadForm, Csrf, TooLarge, log_path, read_body, read_form

log = logging.getLogger("station.web")
access_log = logging.getLogger("station.web.access")

TEMPLATES = Path(__file__).with_name("templates")
LANG_COOKIE = "st_lang"
CARRIER_EVENTS_PATH = "/carrier-events"
SIGNATURE_HEADER = "x-station-signature"
MAX_EVENTS_BYTES = 1_000_000
MAX_ANY_BODY = 2_000_000
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
_HEADER_BYTES = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
LOOKUP_MIN_SECONDS = 0.25  # a look-up's answer waits until then, found or not (the work takes a few ms)
REQUEST_TIMEOUT = WebSection.request_timeout_s


def _with_security_headers(headers: list) -> list:
    """The response's headers with every security header and a Cache-Control it lacks."""
    have = {name.lower() for name, _ in headers}
    added = [(k, v) for k, v in _HEADER_BYTES if k not in have]
    if b"cache-control" not in have:
        added.append((b"cache-control", b"no-store"))
    return [*headers, *added] if added else headers


class Guard:
    """The outermost layer (pure ASGI): caps any body, gives a body ``request_timeout`` seconds from the start of
    the request to arrive (else 408 and the connection closed), puts the security headers on every answer, keeps
    an access log free of personal data, and turns an unexpected failure into a plain 500 logged by its type
    only."""

    def __init__(self, app, access: bool = True, max_body: int = MAX_ANY_BODY,
                 request_timeout: float = REQUEST_TIMEOUT) -> None:
        self.app = app
        self.access = access
        self.max_body = max_body
        self.request_timeout = request_timeout

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 0}
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_body:
                await _plain(send, 413, b"request body too large")
                self._log(scope, 413, started)
                return

        async def sending(message) -> None:
            if status["code"] == 408:
                return  # the body did not come in time: answered already, whatever the app says after
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message = {**message, "headers": _with_security_headers(list(message.get("headers", ())))}
            await send(message)

        deadline = started + self.request_timeout
        body = {"done": False}

        async def receiving():
            if body["done"]:
                return await receive()
            try:
                with anyio.fail_after(max(0.0, deadline - time.perf_counter())):
                    message = await receive()
            except TimeoutError:
                if not status["code"]:
                    await _plain(send, 408, b"request took too long", close=True)
                    status["code"] = 408
                raise
            if message["type"] != "http.request" or not message.get("more_body", False):
                body["done"] = True
            return message

        try:
            await self.app(scope, receiving, sending)
        except Exception as exc:  # noqa: BLE001 - logged by type only: its text may hold personal data
            if status["code"] == 408:  # a body too slow: answered, not a failure
                self._log(scope, 408, started)
                return
            log.error("request failed: %s", type(exc).__name__)
            if not status["code"]:
                await _plain(send, 500, b"internal error")
                status["code"] = 500
        self._log(scope, status["code"], started)

    def _log(self, scope, code: int, started: float) -> None:
        if self.access:
            access_log.info("%s %s %d %.1fms", scope["method"], log_path(scope["path"]), code,
                            (time.perf_counter() - started) * 1000)


PAGE_COUNTED = "station.page_counted"  # in the ASGI scope: this request was counted against the page limit
TRACKING_PAGE = re.compile(r"^/t/([A-Za-z0-9_\-]{16,64})$")
GZIP_MIN_BYTES = 800  # as the app's GZipMiddleware: below this gzip saves nothing worth its CPU
GZIP_LEVEL = 6  # within a few per cent of level 9 on these pages, at a fraction of the CPU


class TrackingPages:
    """Pure ASGI in front of the Starlette app for the request that carries the load: the plain tracking page
    (``GET /t/<token>`` with no query). It is served from the page cache (:mod:`app.web.pagecache`) after one
    stamp query, with the visitor's CSRF field put in, an ETag (``If-None-Match`` answers 304) and gzip, skipping
    the router and the middleware stack. Anything else, and a token that opens no page (the app's own 404), goes
    on to the app unchanged."""

    def __init__(self, site: CustomerSite, app) -> None:
        self.site = site
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        match = TRACKING_PAGE.match(scope["path"]) if scope["type"] == "http" and scope["method"] == "GET" \
            and not scope.get("query_string") else None
        if match is None:
            await self.app(scope, receive, send)
            return
        token = match.group(1)
        scope[PAGE_COUNTED] = True
        if not self.site.page_limit.allow(self.site.clients.of_scope(scope)):
            await _plain(send, 429, b"too many requests", retry_after=self.site.page_limit.retry_after())
            return
        headers: dict[bytes, str] = {}
        for name, value in scope["headers"]:
            text = value.decode("latin-1")
            headers[name] = f"{headers[name]}; {text}" if name == b"cookie" and name in headers else text
        cookies = cookie_parser(headers.get(b"cookie", ""))
        lang = negotiate(None, cookies.get(LANG_COOKIE), headers.get(b"accept-language"))
        page = await self.site.run(self.site.kept_page, token, lang)
        if page is None:
            await self.app(scope, receive, send)
            return
        nonce = cookies.get(CSRF_COOKIE) or ""
        new_nonce = not nonce
        if new_nonce:
            nonce = Csrf.new_nonce()
        csrf = self.site.csrf.token(nonce, token)
        # The body differs by page and by the visitor's CSRF field: the tag names both.
        etag = f'"{page.digest}-{csrf[:12]}"'
        answer = {**SECURITY_HEADERS, "cache-control": "private, no-cache", "etag": etag,
                  "vary": "Accept-Language, Cookie, Accept-Encoding"}
        if not new_nonce and etag in headers.get(b"if-none-match", ""):
            await Response(status_code=304, headers=answer)(scope, receive, send)
            return
        body = page.body(csrf)
        if len(body) >= GZIP_MIN_BYTES and "gzip" in headers.get(b"accept-encoding", ""):
            body = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
            answer["content-encoding"] = "gzip"
        response = Response(body, status_code=200, headers=answer, media_type="text/html")
        if new_nonce:
            self.site.nonce_cookie(response, nonce)
        await response(scope, receive, send)


async def _plain(send, status: int, body: bytes, close: bool = False, retry_after: int = 0) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    if retry_after:
        headers.append((b"retry-after", str(retry_after).encode()))
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": _with_security_headers(headers)})
    await send({"type": "http.response.body", "body": body})


def _secret(ctx: Context) -> bytes:
    configured = ctx.settings.web.secret
    return configured.encode() if configured else os.urandom(32)


def carrier_events_secret(ctx: Context) -> str:
    return ctx.settings.web.carrier_events_secret or ctx.settings.webhook_secret or ""


DB_THREADS = WebSection.db_threads  # database work at once per worker (web.db_threads), and the site's read connections
PAGE_CACHE = WebSection.page_cache  # tracking pages kept rendered per worker (web.page_cache)
WARM_CONNECTIONS = 2  # read connections opened before the first request; the rest open as the load asks


class CustomerSite:
    def __init__(self, ctx: Context, *, rate_burst: int | None = None, rate_per_seconds: float | None = None,
                 db_threads: int = DB_THREADS, page_cache: int = PAGE_CACHE,
                 lookup_min_seconds: float = LOOKUP_MIN_SECONDS, rate_file: str | None = None) -> None:
        self.ctx = ctx
        # Database work runs on at most this many threads at once: more only fight over the GIL and the
        # connection pool while every customer waits longer.
        self.db_threads = anyio.CapacityLimiter(db_threads)
        self.settings = ctx.settings
        self.csrf = Csrf(_secret(ctx))
        web = self.settings.web
        # One table for every worker process of this server (``rate_file``, made by station serve), else this
        # process's own.
        self.buckets = SharedBuckets(rate_file)
        self.clients = ClientAddress(web.trusted_proxies)
        self.limiter = Limit(self.buckets, "find", rate_burst or web.lookup_burst, rate_per_seconds or web.lookup_every_s)
        # The forms of a page (contact, return, survey): generous, but a script cannot flood the service desk.
        self.form_limiter = Limit(self.buckets, "form", web.form_burst, web.form_every_s)
        # Tracking pages and return labels: a reader never notices; a script guessing tokens is slowed down.
        self.page_limit = Limit(self.buckets, "page", web.page_burst, web.page_every_s)
        self.lookup_min_seconds = lookup_min_seconds
        self.env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                               auto_reload=False, trim_blocks=True, lstrip_blocks=True)
        self.secure_cookies = self.settings.tracking_base_url.startswith("https://")
        self.pages = PageCache(page_cache)
        self.service = CustomerPages(ctx, read_connections=db_threads)

    def close(self) -> None:
        self.service.close()
        self.buckets.close()

    def warm_up(self) -> None:
        """Before the first customer: the templates compiled, and the first read connections open with the page
        stamp planned once on each (a new PostgreSQL backend reads its catalogue first). After a restart, the
        first customers' pages then cost what the hundredth's do; only :data:`WARM_CONNECTIONS` a worker, so that
        many workers do not hold the shared server's connections before anyone asks for a page."""
        for name in self.env.list_templates(extensions=["html"]):
            self.env.get_template(name)
        self.service.warm_up(WARM_CONNECTIONS)

    # --- helpers -----------------------------------------------------------------------------------------

    async def run(self, fn, *args):
        return await anyio.to_thread.run_sync(fn, *args, limiter=self.db_threads)

    def translator(self, request: Request) -> Translator:
        return Translator(negotiate(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE),
                                    request.headers.get("accept-language")))

    def html(self, template: str, t: Translator, csrf: str, **values: Any) -> str:
        return self.env.get_template(template).render(
            t=t, csrf_field=CSRF_FIELD, csrf=csrf, phone=self.settings.service_phone,
            service_email=self.settings.service_email, **values)

    def nonce_cookie(self, response: Response, nonce: str) -> None:
        response.set_cookie(CSRF_COOKIE, nonce, httponly=True, samesite="strict", secure=self.secure_cookies, path="/")

    def render(self, request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        t = values.get("t") or self.translator(request)
        nonce = request.cookies.get(CSRF_COOKIE) or ""
        new_nonce = not nonce
        if new_nonce:
            nonce = Csrf.new_nonce()
        token = values.get("token", "")
        html = self.html(template, t, self.csrf.token(nonce, token), **{k: v for k, v in values.items() if k != "t"})
        response = HTMLResponse(html, status_code=status, headers={**SECURITY_HEADERS, "cache-control": "no-store",
                                                                    "vary": "Accept-Language, Cookie"})
        if new_nonce:
            self.nonce_cookie(response, nonce)
        chosen = request.query_params.get("lang")
        if chosen and chosen in ("en", "zh_CN", "zh-CN"):
            response.set_cookie(LANG_COOKIE, t.lang, max_age=365 * 86400, samesite="lax", secure=self.secure_cookies,
                                path="/")
        return response

    def missing(self, request: Request) -> HTMLResponse:
        return self.render(request, "missing.html", status=404)

    def _client(self, request: Request) -> str:
        return self.clients.of_scope(request.scope)

    def _page_refused(self, request: Request) -> Response | None:
        """429 when this client opened too many pages (counted once a request, also by :class:`TrackingPages`)."""
        if request.scope.get(PAGE_COUNTED):
            return None
        request.scope[PAGE_COUNTED] = True
        if self.page_limit.allow(self._client(request)):
            return None
        return Response("too many requests", status_code=429, media_type="text/plain",
                        headers={"retry-after": str(self.page_limit.retry_after())})

    # --- routes ------------------------------------------------------------------------------------------

    async def healthz(self, request: Request) -> Response:
        ok = await self.run(self.service.database_answers)
        return JSONResponse({"ok": ok, "database": self.ctx.backend}, status_code=200 if ok else 503)

    async def home(self, request: Request) -> Response:
        return self.render(request, "find.html")

    async def find(self, request: Request) -> Response:
        t = self.translator(request)
        if not self.limiter.allow(self._client(request)):
            response = self.render(request, "find.html", status=429, t=t, error=t("too_many"))
            response.headers["retry-after"] = str(self.limiter.retry_after())
            return response
        started = time.monotonic()
        response = await self._find(request, t)
        # Found or not, refused or not: the answer leaves at the same time (the work takes milliseconds).
        await anyio.sleep(max(0.0, started + self.lookup_min_seconds - time.monotonic()))
        return response

    async def _find(self, request: Request, t: Translator) -> Response:
        try:
            form = await read_form(request)
        except TooLarge:
            return self.render(request, "find.html", status=413, t=t, error=t("too_large"))
        except BadForm:
            return self.render(request, "find.html", status=400, t=t, error=t("not_found"))
        if not self.csrf.check(request.cookies.get(CSRF_COOKIE), "", form.get(CSRF_FIELD)):
            return self.render(request, "find.html", status=403, t=t, error=t("forbidden"))

        if "\x00" in form.get("number", "") + form.get("proof", ""):  # no order holds one (PostgreSQL stores none)
            return self.render(request, "find.html", status=400, t=t, error=t("not_found"))
        token = await self.run(self.service.find, form.get("number", ""), form.get("proof", ""))
        if token is None:
            return self.render(request, "find.html", status=404, t=t, error=t("not_found"),
                               number=form.get("number", "")[:40])
        return RedirectResponse(f"/t/{token}", status_code=303)

    async def page_route(self, request: Request) -> Response:
        return self._page_refused(request) or await self.page(request)

    async def page(self, request: Request, notice: str = "", error: str = "", problems: list[str] | None = None,
                   status: int = 200, section: str = "") -> Response:
        token = request.path_params["token"]
        t = self.translator(request)

        view = await self.run(self.service.view, token, t)
        if view is None:
            return self.missing(request)
        q = request.query_params
        if not notice and request.method == "GET":
            # Only numbers of the station's own shape: a crafted link cannot put words on the page.
            if re.fullmatch(r"SC\d{8}", q.get("case", "")):
                notice, section = t("message_sent", case=q["case"]), "contact"
            elif re.fullmatch(r"RT\d{8}", q.get("returned", "")):
                notice, section = t("return_accepted", number=q["returned"]), "returns"
            elif q.get("survey") == "thanks":
                notice, section = t("survey_thanks"), "survey"
        return self.render(request, "track.html", status=status, t=t, v=view, token=token, notice=notice, error=error,
                           problems=problems or [], section=section, reasons=self.return_reasons())

    def return_reasons(self) -> tuple[str, ...]:
        return self.service.return_reasons()

    def kept_page(self, token: str, lang: str) -> KeptPage | None:
        """The plain tracking page of ``token`` in ``lang`` (no notice, no error), with :data:`CSRF_MARK` for
        the forms' CSRF field: from the page cache when the database's stamp says it is still true, else built
        and kept. None when the token opens no page. Runs on a database thread."""
        t = Translator(lang)

        def kept(stamp, now) -> KeptPage | None:
            return self.pages.get(token, lang, stamp.stamp, now)

        def render(view, stamp, now, promised_ship_at) -> KeptPage:
            html = self.html("track.html", t, CSRF_MARK, v=view, token=token, notice="", error="", problems=[],
                             section="", reasons=self.return_reasons())
            page = kept_page(stamp.stamp, valid_until(now, promised_ship_at), html)
            self.pages.put(token, lang, page)
            return page

        return self.service.kept_page(token, t, kept, render)

    async def _form_for(self, request: Request) -> tuple[dict[str, str] | None, Response | None]:
        token = request.path_params["token"]
        t = self.translator(request)
        if not self.form_limiter.allow(self._client(request)):
            response = await self.page(request, error=t("too_many"), status=429)
            response.headers["retry-after"] = str(self.form_limiter.retry_after())
            return None, response
        try:
            form = await read_form(request)
        except TooLarge:
            return None, await self.page(request, error=t("too_large"), status=413)
        except BadForm:
            return None, await self.page(request, error=t("forbidden"), status=400)
        if not self.csrf.check(request.cookies.get(CSRF_COOKIE), token, form.get(CSRF_FIELD)):
            return None, await self.page(request, error=t("forbidden"), status=403)
        return form, None

    async def contact(self, request: Request) -> Response:
        token = request.path_params["token"]
        t = self.translator(request)
        form, refusal = await self._form_for(request)
        if refusal is not None:
            return refusal

        try:
            number = await self.run(self.service.post_message, token, form.get("message", ""), form.get("email", ""),
                                    t.lang)
        except InvalidInput as exc:
            empty = not (form.get("message") or "").strip()
            message = t("message_empty") if empty else (
                t("message_long", n=customer.MAX_MESSAGE_CHARS) if "characters" in exc.message
                else operator_text(exc.message, t.lang))
            return await self.page(request, error=message, status=422, section="contact")
        if number is None:
            return self.missing(request)
        return RedirectResponse(f"/t/{token}?case={number}#contact", status_code=303)

    async def request_return(self, request: Request) -> Response:
        token = request.path_params["token"]
        form, refusal = await self._form_for(request)
        if refusal is not None:
            return refusal
        quantities: dict[str, int] = {}
        for key, value in form.items():
            if key.startswith("qty:"):
                try:
                    quantities[key[4:][:64]] = max(0, min(10_000, int(value or 0)))
                except ValueError:
                    quantities[key[4:][:64]] = 0

        try:
            number = await self.run(self.service.request_return, token, quantities, form.get("reason", ""),
                                    form.get("note", ""))
        except ReturnRefused as exc:
            t = self.translator(request)
            return await self.page(request, error=t("return_refused"), status=422, section="returns",
                                   problems=[problem_text(p, t.lang) for p in exc.problems])
        except InvalidInput as exc:
            t = self.translator(request)
            return await self.page(request, error=operator_text(exc.message, t.lang), status=422, section="returns")
        if number is None:
            return self.missing(request)
        return RedirectResponse(f"/t/{token}?returned={number}#returns", status_code=303)

    async def return_label(self, request: Request) -> Response:
        refused = self._page_refused(request)
        if refused is not None:
            return refused
        token = request.path_params["token"]
        number = request.path_params["number"]

        pdf = await self.run(self.service.return_label, token, number)
        if pdf is None:
            return self.missing(request)
        return Response(pdf, media_type="application/pdf", headers={
            **SECURITY_HEADERS, "cache-control": "no-store",
            "content-disposition": f'attachment; filename="return-{number}.pdf"'})

    async def survey(self, request: Request) -> Response:
        token = request.path_params["token"]
        t = self.translator(request)
        form, refusal = await self._form_for(request)
        if refusal is not None:
            return refusal

        try:
            found = await self.run(self.service.answer_survey, token, form.get("product"), form.get("delivery"),
                                   form.get("service"), form.get("comment", ""))
        except DuplicateAnswer:
            return await self.page(request, error=t("survey_done"), status=409, section="survey")
        except InvalidInput:
            return await self.page(request, error=t("survey_bad"), status=422, section="survey")
        if not found:
            return self.missing(request)
        return RedirectResponse(f"/t/{token}?survey=thanks#survey", status_code=303)

    async def carrier_events(self, request: Request) -> Response:
        secret = carrier_events_secret(self.ctx)
        try:
            body = await read_body(request, MAX_EVENTS_BYTES)
        except TooLarge:
            return JSONResponse({"error": f"body larger than {MAX_EVENTS_BYTES} bytes"}, status_code=413)
        sent = request.headers.get(SIGNATURE_HEADER, "")
        if not secret:
            return JSONResponse({"error": "no carrier-events secret is configured"}, status_code=503)
        if not verify_signature(secret, body, sent):
            log.warning("carrier events with a missing or wrong signature")
            return JSONResponse({"error": f"{SIGNATURE_HEADER} missing or wrong"}, status_code=401)

        try:
            result = await self.run(self.service.carrier_events, body)
        except InvalidInput as exc:
            return JSONResponse({"error": exc.message}, status_code=400)
        return JSONResponse(result, status_code=200)

    def routes(self) -> list[Route]:
        return [
            Route("/healthz", self.healthz, methods=["GET"]),
            Route("/", self.home, methods=["GET"]),
            Route("/find", self.find, methods=["POST"]),
            Route("/t/{token}", self.page_route, methods=["GET"]),
            Route("/t/{token}/contact", self.contact, methods=["POST"]),
            Route("/t/{token}/return", self.request_return, methods=["POST"]),
            Route("/t/{token}/survey", self.survey, methods=["POST"]),
            Route("/t/{token}/returns/{number}/label.pdf", self.return_label, methods=["GET"]),
            Route(CARRIER_EVENTS_PATH, self.carrier_events, methods=["POST"]),
        ]


def serving_app(ctx: Context, *, access_log_enabled: bool = True, rate_file: str | None = None):
    """``station serve``'s app: :func:`create_app`, warmed up before it takes its first request; ``rate_file``:
    the rate limits' table shared with the other workers."""
    from app.web import connections

    web = ctx.settings.web
    connections.configure(web.request_timeout_s, web.max_connections_per_client, web.trusted_proxies)
    app = create_app(ctx, access_log_enabled=access_log_enabled, rate_file=rate_file)
    app.app.site.warm_up()
    return app


def create_app(ctx: Context, *, access_log_enabled: bool = True, **options: Any):
    """The whole HTTP side over an open context: customer pages, carrier events and, when a webhook secret
    is configured, the order webhooks."""
    options.setdefault("db_threads", ctx.settings.web.db_threads)
    options.setdefault("page_cache", ctx.settings.web.page_cache)
    site = CustomerSite(ctx, **options)
    routes = site.routes()
    if ctx.settings.webhook_secret:
        from app.intake.service import ingest_into
        from app.intake.webhook import webhook_routes

        routes += webhook_routes(ctx.settings.webhook_secret, ingest_into(ctx.sessions, ctx.settings))

    async def not_found(request: Request, exc) -> Response:
        return site.missing(request)

    async def not_allowed(request: Request, exc) -> Response:
        response = site.render(request, "missing.html", status=405)
        if getattr(exc, "headers", None) and "Allow" in exc.headers:
            response.headers["allow"] = exc.headers["Allow"]
        return response

    app = Starlette(routes=routes, middleware=[Middleware(GZipMiddleware, minimum_size=800)],
                    exception_handlers={404: not_found, 405: not_allowed})
    app.state.site = site
    return Guard(TrackingPages(site, app), access=access_log_enabled, request_timeout=ctx.settings.web.request_timeout_s)


def app_from_env():
    """For ``uvicorn --factory`` with several worker processes (``station serve --workers N``): each loads the
    settings as every start does (what the serving process was given comes in the environment,
    :func:`app.config.hand_to_worker_processes`)."""
    from app.context import open_context
    from app.web.limits import parent_table_file

    ctx = open_context(migrate_schema=False)
    rate_file = parent_table_file()
    if rate_file is None:
        log.warning("no shared rate-limit table from station serve: this worker counts alone")
    return serving_app(ctx, access_log_enabled=ctx.settings.web.access_log, rate_file=rate_file)


__all__ = ["create_app", "serving_app", "CustomerSite", "StationError"]
