"""Badge cards: a PDF page a badge (ID-1 card size, 85.6 x 54 mm) with the person's name, their roles and a
Code 128 of the badge code, to print, cut and laminate. The code is printed here and nowhere kept: a card is made
when the badge is given (the code typed then) or for a code that matches the user's badge."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from app.admin.auth import require_role
from app.admin.badges import badge_hash
from app.errors import InvalidInput, NotFound
from app.shipping import fonts
from app.uow import Actor

CARD = (85.6 * mm, 54 * mm)
ROLE_WORDS = {"packer": ("Packer", "打包员"), "supervisor": ("Supervisor", "主管"), "shipping": ("Shipping", "发货"),
              "service": ("Service", "客服"), "admin": ("Administrator", "管理员")}


@dataclass(frozen=True)
class Card:
    name: str
    username: str
    roles: tuple[str, ...]
    badge: str


def render(cards: list[Card]) -> bytes:
    """One page a card; a code too wide for the card is refused rather than printed unreadable."""
    font = fonts.register()
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=CARD)
    page.setTitle("Badge cards · 工牌")
    width, height = CARD
    for card in cards:
        page.setFont(font, 13)
        page.drawString(5 * mm, height - 9 * mm, card.name[:40])
        page.setFont(font, 8)
        roles = " · ".join(f"{ROLE_WORDS[r][0]} {ROLE_WORDS[r][1]}" for r in card.roles if r in ROLE_WORDS)
        page.drawString(5 * mm, height - 14 * mm, f"{card.username}   {roles}"[:80])
        bar = 0.33 * mm
        symbol = Code128(card.badge, barWidth=bar, barHeight=18 * mm, humanReadable=False, quiet=True)
        while symbol.width > width - 4 * mm and bar > 0.2 * mm:
            bar -= 0.02 * mm
            symbol = Code128(card.badge, barWidth=bar, barHeight=18 * mm, humanReadable=False, quiet=True)
        if symbol.width > width - 2 * mm:
            raise InvalidInput(f"user {card.username}: badge: too long to print on a card")
        symbol.drawOn(page, (width - symbol.width) / 2, 12 * mm)
        page.setFont(font, 8)
        page.drawCentredString(width / 2, 7 * mm, card.badge)
        page.showPage()
    page.save()
    return out.getvalue()


def card_for(sessions, username: str, badge: str, actor: Actor) -> bytes:
    """The card of ``username`` for ``badge``, which must be the badge the user holds."""
    from sqlalchemy import select

    from app.admin import queries
    from db.models import User

    require_role(actor, "admin")
    badge = (badge or "").strip()
    with sessions() as s:
        user = s.scalar(select(User).where(User.username == (username or "").strip()))
        if user is None:
            raise NotFound(f"no user {username!r}: add one with 'station users add'")
        if not badge or user.badge_hash != badge_hash(badge):
            raise InvalidInput(f"user {user.username}: badge: that is not this user's badge")
        view = queries.view_of(user)
    return render([Card(view.name, view.username, view.roles, badge)])
