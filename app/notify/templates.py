"""The notices' words in English and Simplified Chinese. Plain text mails (no HTML): nothing in them can run.

Each template is a subject and a body with ``{named}`` fields; :func:`render` fills them and returns
``(subject, body)``. Fields: ``number`` (order), ``url`` (the order's tracking page), and per kind
``tracking_number``, ``carrier``, ``expected``; ``restock``, ``substitutes``; ``return_number``,
``label_url``; ``amount``.
"""

from __future__ import annotations

from typing import Any

KINDS = ("shipped", "backordered", "return_accepted", "refunded", "survey", "reply")

TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "shipped": {
        "en": ("Your order {number} is on its way",
               "Hello,\n\nyour order {number} has left our warehouse with {carrier}.\n"
               "Tracking number: {tracking_number}\nExpected delivery: {expected}\n\n"
               "Follow it here: {url}\n\nThank you for your order."),
        "zh_CN": ("您的订单 {number} 已发货",
                  "您好：\n\n您的订单 {number} 已由{carrier}揽收发出。\n运单号：{tracking_number}\n预计送达：{expected}\n\n"
                  "查看物流：{url}\n\n感谢您的惠顾。"),
    },
    "backordered": {
        "en": ("Order {number}: some items are on their way to us",
               "Hello,\n\nsome items of your order {number} are out of stock. We expect them back on {restock}, "
               "and your order will leave as soon as they arrive.\n{substitutes_line}\n"
               "See your order: {url}\nWrite to us from that page if you would rather change it."),
        "zh_CN": ("订单 {number}：部分商品正在补货",
                  "您好：\n\n您的订单 {number} 中部分商品暂时缺货，预计 {restock} 到货，到货后立即为您发出。\n"
                  "{substitutes_line}\n查看订单：{url}\n如需更改订单，请在该页面联系我们。"),
    },
    "return_accepted": {
        "en": ("Return {return_number} accepted",
               "Hello,\n\nwe accepted return {return_number} for order {number}.\n"
               "Print the return label and stick it on the parcel: {label_url}\n\nFollow your return: {url}"),
        "zh_CN": ("退货 {return_number} 已受理",
                  "您好：\n\n订单 {number} 的退货 {return_number} 已受理。\n请打印退货面单并贴在包裹上：{label_url}\n\n"
                  "查看退货进度：{url}"),
    },
    "refunded": {
        "en": ("Refund for order {number}",
               "Hello,\n\nwe received and checked return {return_number} and refunded {amount} "
               "for order {number}. It reaches your account in a few days.\n\n{url}"),
        "zh_CN": ("订单 {number} 已退款",
                  "您好：\n\n退货 {return_number} 已收到并检验完毕，订单 {number} 已退款 {amount}，将在几天内到账。\n\n{url}"),
    },
    "survey": {
        "en": ("How was your order {number}?",
               "Hello,\n\nyour order {number} was delivered. Would you tell us how we did? "
               "Three scores and a comment, one minute:\n{url}#survey\n\nThank you."),
        "zh_CN": ("订单 {number} 满意度调查",
                  "您好：\n\n您的订单 {number} 已送达。请花一分钟为商品、配送和服务打分：\n{url}#survey\n\n谢谢！"),
    },
    "reply": {
        "en": ("Re: your message about order {number} ({case})",
               "Hello,\n\n{text}\n\nCustomer service\n\nYour order: {url}"),
        "zh_CN": ("回复：关于订单 {number} 的留言（{case}）",
                  "您好：\n\n{text}\n\n客服中心\n\n您的订单：{url}"),
    },
}

SUBSTITUTES = {"en": "Available instead right now: {skus}.", "zh_CN": "现有可替换商品：{skus}。"}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "-"


def render(kind: str, language: str, fields: dict[str, Any]) -> tuple[str, str]:
    lang = language if language in ("en", "zh_CN") else "en"
    subject, body = TEMPLATES[kind][lang]
    values = _Blank({k: ("-" if v in (None, "") else v) for k, v in fields.items()})
    if kind == "backordered":
        subs = fields.get("substitutes") or []
        values["substitutes_line"] = SUBSTITUTES[lang].format(skus=", ".join(subs)) + "\n" if subs else ""
    return subject.format_map(values), body.format_map(values)
