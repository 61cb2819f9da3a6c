"""Rendered tracking pages kept in memory, each checked against the database before it is served.

A page is kept by (token, language) with the stamp of what it shows (:func:`app.aftersales.customer_page.page_stamp`: one
round trip over indexed look-ups) and the moment it stops being true by the clock alone (the next UTC midnight,
for the expected day and lateness; the promised ship time, for "not yet shipped"). A request reads the stamp;
an equal stamp within that time serves the kept page, anything else builds it anew. So a customer never sees an
older status than the database's, and a page costs one small query instead of a dozen and a template.

The kept HTML holds :data:`CSRF_MARK` where each form's CSRF field goes: that field is bound to the visitor's
cookie, so it is put in per request. Plain Python, no HTTP.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

CSRF_MARK = "\x00csrf\x00"  # never in a rendered page: Jinja escapes nothing into a NUL
_CSRF_MARK_BYTES = CSRF_MARK.encode()


@dataclass(frozen=True)
class KeptPage:
    stamp: str
    valid_until: datetime
    html: bytes  # UTF-8, with CSRF_MARK where the forms' CSRF field goes
    digest: str  # of the HTML: the ETag's first half, equal in every worker for an equal page

    def body(self, csrf: str) -> bytes:
        return self.html.replace(_CSRF_MARK_BYTES, csrf.encode())


def kept_page(stamp: str, valid_until: datetime, html: str) -> KeptPage:
    data = html.encode()
    return KeptPage(stamp, valid_until, data, hashlib.blake2b(data, digest_size=9).hexdigest())


def valid_until(now: datetime, promised_ship_at: datetime | None) -> datetime:
    """When a page built at ``now`` may change with no change in the database: the view reads today's date
    (expected day, days late) and whether the promised ship time has passed."""
    midnight = datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=now.tzinfo)
    if promised_ship_at is not None and now < promised_ship_at < midnight:
        return promised_ship_at
    return midnight


class PageCache:
    """At most ``max_pages`` pages, the least recently served dropped first; safe across threads."""

    def __init__(self, max_pages: int = 4096) -> None:
        self.max_pages = max_pages
        self._pages: OrderedDict[tuple[str, str], KeptPage] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, token: str, lang: str, stamp: str, now: datetime) -> KeptPage | None:
        key = (token, lang)
        with self._lock:
            page = self._pages.get(key)
            if page is None or page.stamp != stamp or now >= page.valid_until:
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return page

    def put(self, token: str, lang: str, page: KeptPage) -> None:
        if self.max_pages <= 0:
            return
        with self._lock:
            self._pages[(token, lang)] = page
            self._pages.move_to_end((token, lang))
            while len(self._pages) > self.max_pages:
                self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)
