"""``station serve`` (contracts.md): the HTTP side in one process (customer pages, carrier events, order
webhooks) with the e-mail notifier in the background; ``station notify run`` runs the notifier alone and
``station notify status`` counts the outbox."""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys

from app.cli.main import command, print_json
from app.errors import InvalidInput

DEFAULT_LISTEN = "127.0.0.1:8470"
# How long an idle keep-alive connection stays open. uvicorn's 5 s is shorter than a customer reads a page, so a
# reload raced the server's close and failed ("server disconnected"); browsers keep theirs about a minute.
KEEP_ALIVE_SECONDS = 65


def register(subparsers) -> None:
    serve = command(subparsers, "serve", _serve, help="the HTTP side: tracking pages, carrier events, order webhooks")
    serve.add_argument("--listen", default=DEFAULT_LISTEN, metavar="HOST:PORT",
                       help=f"address to listen on (default {DEFAULT_LISTEN})")
    serve.add_argument("--workers", type=int, default=None,
                       help="worker processes (default: the setting web.workers, else one a CPU)")
    serve.add_argument("--no-notify", action="store_true", help="do not send e-mail notices from this process")
    serve.add_argument("--no-channels", action="store_true",
                       help="do not pull from nor send to the shops from this process (station channels push does it)")
    serve.add_argument("--no-access-log", action="store_true", help="do not log requests")

    notify = subparsers.add_parser("notify", help="e-mail notices to customers")
    notify_sub = notify.add_subparsers(dest="notify_command", metavar="ACTION")
    run = command(notify_sub, "run", _notify_run, help="read new order events and send the notices they call for")
    run.add_argument("--once", action="store_true", help="one round, then exit")
    run.add_argument("--interval", type=float, default=0.25, help="seconds between rounds (default 0.25)")
    command(notify_sub, "status", _notify_status, help="notices in the outbox by state")
    notify.set_defaults(handler=lambda args: (notify.print_help(), 2)[1])


def _check_bind(host: str, port: int, listen: str) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:  # uvicorn only logs a failed bind: check first, so the operator gets one clear line
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise InvalidInput(f"cannot listen on {listen}: {exc.strerror or exc}") from None


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (a caller may swap it, as tests do)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def _log_to_stderr() -> None:
    """The station's own loggers at INFO on stderr (the access log, the notifier); libraries at WARNING."""
    station = logging.getLogger("station")
    station.setLevel(logging.INFO)
    if not any(isinstance(h, _StderrHandler) for h in station.handlers):
        station.addHandler(_StderrHandler())


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.channels.worker import ChannelWorker
    from app.config import hand_to_worker_processes, warn_about_settings
    from app.context import open_context
    from app.intake.webhook import parse_listen
    from app.notify.worker import Notifier
    from app.web.connections import PROTOCOL
    from app.web.limits import make_table_file, proxy_networks
    from app.web.server import serving_app

    host, port = parse_listen(args.listen)
    if args.workers is not None and args.workers < 1:
        raise InvalidInput("--workers must be 1 or more")
    _check_bind(host, port, args.listen)
    ctx = open_context(args.db, migrate_schema=None)
    proxy_networks(ctx.settings.web.trusted_proxies)  # a bad entry is one clear line before anything starts
    # One Python process uses one core: the tracking page under load wants every core.
    workers = args.workers or ctx.settings.web.workers or max(1, os.cpu_count() or 1)
    if args.no_access_log:
        ctx.settings.web.access_log = False
    warn_about_settings(ctx.settings)  # before the station's log goes to stderr too: one line, not two
    _log_to_stderr()
    notifier = None
    channels = None
    rate_file = ""
    print(f"station: serving on http://{host}:{port} (tracking pages at {ctx.settings.tracking_base_url}/t/...)",
          file=sys.stderr)
    try:
        notifier = None if args.no_notify else Notifier(ctx).start()
        channels = None if args.no_channels else ChannelWorker(ctx).start()
        # uvicorn's protocol with a deadline on each request and a cap on one address's connections.
        options = dict(host=host, port=port, log_level="warning", access_log=False, lifespan="off",
                       server_header=False, timeout_keep_alive=KEEP_ALIVE_SECONDS, http=PROTOCOL,
                       # X-Forwarded-For is read by the app, from web.trusted_proxies only (uvicorn's own
                       # handling would believe any client on 127.0.0.1).
                       proxy_headers=False)
        if workers == 1:
            app = serving_app(ctx, access_log_enabled=ctx.settings.web.access_log)
            uvicorn.run(app, **options)  # type: ignore[arg-type]
        else:
            if not ctx.settings.web.secret:
                # Every worker must sign and check the forms' CSRF field with the same key.
                ctx.settings.web.secret = os.urandom(24).hex()
            # The rate limits every worker counts in (shared memory), made afresh for this start; each worker
            # finds it by its parent's id (this process).
            rate_file = make_table_file()
            hand_to_worker_processes(ctx.settings)
            uvicorn.run("app.web.server:app_from_env", factory=True, workers=workers,
                        **options)  # type: ignore[arg-type]
    finally:
        if notifier is not None:
            notifier.stop()
        if channels is not None:
            channels.stop()
        if rate_file:
            try:
                os.unlink(rate_file)
            except OSError:
                pass
        ctx.dispose()
    return 0


def _notify_run(args: argparse.Namespace) -> int:
    from app.context import open_context
    from app.notify.worker import Notifier

    ctx = open_context(args.db)
    _log_to_stderr()
    try:
        notifier = Notifier(ctx, interval=args.interval)
        if args.once:
            result = notifier.run_once()
            if args.json:
                print_json({"queued": result.queued, "sent": result.sent, "failed": result.failed})
            else:
                print(f"queued {result.queued}, sent {result.sent}, not sent {result.failed}")
                _tell_unreachable(ctx)
            return 0
        notifier.run_forever()
    finally:
        ctx.dispose()
    return 0


def _notify_status(args: argparse.Namespace) -> int:
    from app.context import open_context
    from app.notify.outbox import status

    ctx = open_context(args.db)
    try:
        found, trouble = status(ctx.sessions)
    finally:
        ctx.dispose()
    if args.json:
        print_json(found)
    else:
        for state in ("queued", "sending", "sent", "failed"):
            print(f"{state:8} {found.get(state, 0)}")
        if trouble is not None:
            print(_unreachable_text(trouble))
    return 0


def _unreachable_text(trouble) -> str:
    since = f" since {trouble.since:%Y-%m-%d %H:%M} UTC" if trouble.since else ""
    return (f"mail server unreachable{since}: {trouble.waiting} notice(s) wait in the outbox and go when it answers "
            f"({trouble.error})")


def _tell_unreachable(ctx) -> None:
    """A notice not sent because the server was away is queued, not lost: say so, and that it waits."""
    from app.notify.outbox import mail_trouble_now

    trouble = mail_trouble_now(ctx.sessions)
    if trouble is not None:
        print(_unreachable_text(trouble))
