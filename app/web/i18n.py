"""The customer pages' words in English and Simplified Chinese: one small catalogue, one place.

``negotiate(query_lang, cookie_lang, accept_language)`` picks ``en`` or ``zh_CN``: an explicit choice
(the switch on the page, kept in a cookie) wins over the browser's ``Accept-Language``.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh_CN")

CATALOGUE: dict[str, dict[str, str]] = {
    "title": {"en": "Track your order", "zh_CN": "查询订单"},
    "find_intro": {"en": "Type your order number and the postcode or e-mail address on the order.",
                   "zh_CN": "请输入订单号以及订单上的邮政编码或电子邮箱。"},
    "order_number": {"en": "Order number", "zh_CN": "订单号"},
    "postcode_or_email": {"en": "Postcode or e-mail", "zh_CN": "邮政编码或电子邮箱"},
    "find": {"en": "Find my order", "zh_CN": "查询"},
    "not_found": {"en": "We could not find an order with these details. Check the number and the postcode or e-mail.",
                  "zh_CN": "未找到与这些信息相符的订单，请核对订单号及邮政编码或电子邮箱。"},
    "too_many": {"en": "Too many attempts. Please wait a minute and try again.", "zh_CN": "尝试次数过多，请一分钟后再试。"},
    "page_missing": {"en": "This page does not exist.", "zh_CN": "此页面不存在。"},
    "page_missing_hint": {"en": "Check the address, or look your order up by its number.",
                          "zh_CN": "请检查网址，或用订单号查询。"},
    "order": {"en": "Order", "zh_CN": "订单"},
    "status": {"en": "Status", "zh_CN": "状态"},
    "tracking_number": {"en": "Tracking number", "zh_CN": "运单号"},
    "where": {"en": "Where it is", "zh_CN": "当前位置"},
    "expected": {"en": "Expected delivery", "zh_CN": "预计送达"},
    "delivered_on": {"en": "Delivered on", "zh_CN": "送达日期"},
    "delay": {"en": "Delayed", "zh_CN": "延误"},
    "ship_to": {"en": "Delivery address", "zh_CN": "收货地址"},
    "parcels": {"en": "Parcels", "zh_CN": "包裹"},
    "parcel_n": {"en": "Parcel {seq} of {count}", "zh_CN": "第 {seq} 件，共 {count} 件"},
    "timeline": {"en": "What has happened", "zh_CN": "物流进度"},
    "contact": {"en": "Contact customer service", "zh_CN": "联系客服"},
    "contact_intro": {"en": "Write to us about this order; we answer by e-mail.",
                      "zh_CN": "关于此订单的问题请留言，我们会通过电子邮件回复。"},
    "your_messages": {"en": "Your messages", "zh_CN": "您的留言"},
    "from_service": {"en": "Customer service", "zh_CN": "客服"},
    "from_you": {"en": "You", "zh_CN": "您"},
    "your_message": {"en": "Your message", "zh_CN": "留言内容"},
    "your_email": {"en": "Your e-mail (for our answer)", "zh_CN": "您的电子邮箱（用于回复）"},
    "send": {"en": "Send", "zh_CN": "发送"},
    "message_sent": {"en": "Thank you: your message reached customer service (case {case}).",
                     "zh_CN": "谢谢！您的留言已送达客服（工单 {case}）。"},
    "message_empty": {"en": "Please write a message.", "zh_CN": "请填写留言内容。"},
    "message_long": {"en": "The message is too long (at most {n} characters).", "zh_CN": "留言过长（最多 {n} 个字符）。"},
    "phone": {"en": "Phone", "zh_CN": "电话"},
    "email": {"en": "E-mail", "zh_CN": "电子邮箱"},
    "returns": {"en": "Return items", "zh_CN": "申请退货"},
    "returns_intro": {"en": "Choose what you send back and why. We check the return policy at once.",
                      "zh_CN": "请选择退回的商品及原因，系统会立即按退货政策审核。"},
    "quantity": {"en": "Quantity", "zh_CN": "数量"},
    "reason": {"en": "Reason", "zh_CN": "原因"},
    "request_return": {"en": "Request the return", "zh_CN": "提交退货申请"},
    "return_accepted": {"en": "Return {number} accepted. Print the return label and stick it on the parcel.",
                        "zh_CN": "退货 {number} 已受理。请打印退货面单并贴在包裹上。"},
    "return_refused": {"en": "This return cannot be accepted:", "zh_CN": "此退货申请未能受理："},
    "return_label": {"en": "Return label (PDF)", "zh_CN": "退货面单（PDF）"},
    "your_returns": {"en": "Your returns", "zh_CN": "您的退货"},
    "no_returns_yet": {"en": "Returns open once the order has left our warehouse.",
                       "zh_CN": "订单发出后方可申请退货。"},
    "survey": {"en": "How did we do?", "zh_CN": "服务评价"},
    "survey_intro": {"en": "Score from 1 (poor) to 5 (excellent).", "zh_CN": "请打分：1（很差）到 5（很好）。"},
    "score_product": {"en": "The product", "zh_CN": "商品"},
    "score_delivery": {"en": "Delivery speed", "zh_CN": "配送速度"},
    "score_service": {"en": "Our service", "zh_CN": "服务"},
    "comment": {"en": "Anything to add?", "zh_CN": "其他意见"},
    "survey_send": {"en": "Send my answers", "zh_CN": "提交评价"},
    "survey_thanks": {"en": "Thank you for your answers.", "zh_CN": "感谢您的评价。"},
    "survey_done": {"en": "You have already answered the survey for this order. Thank you.",
                    "zh_CN": "您已评价过此订单，谢谢。"},
    "survey_bad": {"en": "Please give every score from 1 to 5.", "zh_CN": "请为每一项打 1 到 5 分。"},
    "survey_after": {"en": "The survey opens once your order is delivered.", "zh_CN": "订单送达后即可评价。"},
    "forbidden": {"en": "The form has expired. Reload the page and send it again.",
                  "zh_CN": "表单已过期，请刷新页面后重新提交。"},
    "too_large": {"en": "What you sent is too large.", "zh_CN": "提交的内容过大。"},
    "language": {"en": "中文", "zh_CN": "English"},
    "late_days": {"en": "{n} day(s) late", "zh_CN": "已延误 {n} 天"},
    "restock": {"en": "Some items are out of stock; we expect them back on {date}.",
                "zh_CN": "部分商品暂时缺货，预计 {date} 到货。"},
    "substitutes": {"en": "Available instead: {skus}", "zh_CN": "可替换商品：{skus}"},
    "item": {"en": "Item", "zh_CN": "商品"},
    "where.delivered": {"en": "Delivered to {place}", "zh_CN": "已送达 {place}"},
    "where.handed": {"en": "With {carrier}", "zh_CN": "已交付 {carrier}"},
    "where.labelled": {"en": "At our warehouse, waiting for the carrier", "zh_CN": "在仓库，等待承运商揽收"},
    "where.warehouse": {"en": "At our warehouse, being prepared", "zh_CN": "在仓库，备货中"},
    "where.waiting": {"en": "Not yet in preparation", "zh_CN": "尚未开始备货"},
    "where.cancelled": {"en": "Cancelled: nothing will be sent", "zh_CN": "已取消，不会发货"},
    "where.returned": {"en": "Back at our warehouse", "zh_CN": "已退回仓库"},
    "late_leave": {"en": "It has not left our warehouse yet; it was due to leave on {date}.",
                   "zh_CN": "订单尚未出库，原定 {date} 发出。"},
    # Statuses in plain words.
    "st.received": {"en": "Order received", "zh_CN": "已收到订单"},
    "st.review": {"en": "Being checked", "zh_CN": "审核中"},
    "st.on_hold": {"en": "On hold", "zh_CN": "暂缓处理"},
    "st.backordered": {"en": "Waiting for stock", "zh_CN": "等待补货"},
    "st.confirmed": {"en": "Confirmed", "zh_CN": "已确认"},
    "st.allocated": {"en": "Being prepared", "zh_CN": "备货中"},
    "st.picking": {"en": "Being prepared", "zh_CN": "备货中"},
    "st.picked": {"en": "Being prepared", "zh_CN": "备货中"},
    "st.packing": {"en": "Being packed", "zh_CN": "打包中"},
    "st.packed": {"en": "Packed", "zh_CN": "已打包"},
    "st.labelled": {"en": "Ready to leave", "zh_CN": "待揽收"},
    "st.shipped": {"en": "On its way", "zh_CN": "运输中"},
    "st.delivered": {"en": "Delivered", "zh_CN": "已送达"},
    "st.cancelled": {"en": "Cancelled", "zh_CN": "已取消"},
    "st.returned": {"en": "Returned", "zh_CN": "已退货"},
    # Timeline events in plain words (kinds not listed here stay inside the warehouse).
    "ev.received": {"en": "We received your order", "zh_CN": "已收到您的订单"},
    "ev.backordered": {"en": "Waiting for stock", "zh_CN": "商品缺货，等待补货"},
    "ev.allocated": {"en": "Your order is being prepared", "zh_CN": "订单备货中"},
    "ev.picking": {"en": "Items are being picked", "zh_CN": "正在拣货"},
    "ev.packed": {"en": "Your order was packed", "zh_CN": "订单已打包"},
    "ev.labelled": {"en": "Parcel ready for the carrier", "zh_CN": "包裹已备好，等待揽收"},
    "ev.shipped": {"en": "Handed to the carrier", "zh_CN": "已交付承运商"},
    "ev.parcel_shipped": {"en": "A parcel was handed to the carrier", "zh_CN": "一件包裹已交付承运商"},
    "ev.in_transit": {"en": "In transit", "zh_CN": "运输中"},
    "ev.out_for_delivery": {"en": "Out for delivery", "zh_CN": "派送中"},
    "ev.delivered": {"en": "Delivered", "zh_CN": "已签收"},
    "ev.parcel_delivered": {"en": "A parcel was delivered", "zh_CN": "一件包裹已签收"},
    "ev.exception": {"en": "Held up at the carrier", "zh_CN": "承运商处异常"},
    "ev.cancelled": {"en": "Order cancelled", "zh_CN": "订单已取消"},
    "ev.customer_message": {"en": "You wrote to customer service", "zh_CN": "您联系了客服"},
    "ev.service_reply": {"en": "Customer service answered by e-mail", "zh_CN": "客服已通过邮件回复"},
    "ev.return_requested": {"en": "Return requested", "zh_CN": "已申请退货"},
    "ev.return_label_issued": {"en": "Return label issued", "zh_CN": "退货面单已生成"},
    "ev.return_in_transit": {"en": "Your return is on its way to us", "zh_CN": "退货运输中"},
    "ev.return_delivered": {"en": "Your return reached us", "zh_CN": "退货已送达仓库"},
    "ev.return_received": {"en": "We received your return", "zh_CN": "仓库已收到退货"},
    "ev.return_refunded": {"en": "Refund paid", "zh_CN": "已退款"},
    "ev.returned": {"en": "Order returned", "zh_CN": "订单已退货"},
    # Return reasons.
    "rs.changed_mind": {"en": "Changed my mind", "zh_CN": "不想要了"},
    "rs.wrong_size": {"en": "Wrong size", "zh_CN": "尺码不合适"},
    "rs.damaged": {"en": "Arrived damaged", "zh_CN": "收到时已损坏"},
    "rs.defective": {"en": "Does not work", "zh_CN": "商品有质量问题"},
    "rs.wrong_item": {"en": "Wrong item sent", "zh_CN": "发错商品"},
    "rs.not_as_described": {"en": "Not as described", "zh_CN": "与描述不符"},
    "rs.late": {"en": "Arrived too late", "zh_CN": "到货太晚"},
    "ret.approved": {"en": "accepted", "zh_CN": "已受理"},
    "ret.label_issued": {"en": "label issued", "zh_CN": "面单已生成"},
    "ret.received": {"en": "received", "zh_CN": "已收货"},
    "ret.inspected": {"en": "checked", "zh_CN": "已检验"},
    "ret.refunded": {"en": "refunded", "zh_CN": "已退款"},
    "ret.exchanged": {"en": "exchanged", "zh_CN": "已换货"},
    "ret.cancelled": {"en": "cancelled", "zh_CN": "已取消"},
}

VISIBLE_EVENTS = frozenset(k[3:] for k in CATALOGUE if k.startswith("ev."))


def normalise(tag: str | None) -> str | None:
    """``zh``, ``zh-CN``, ``zh_cn``, ``zh-Hans`` -> ``zh_CN``; ``en-GB`` -> ``en``; anything else None."""
    if not tag:
        return None
    low = tag.strip().lower().replace("_", "-")
    if low.startswith("zh"):
        return "zh_CN"
    if low.startswith("en"):
        return "en"
    return None


def from_accept_language(header: str | None) -> str | None:
    """The preferred of our languages in an ``Accept-Language`` header (q-values honoured)."""
    best: tuple[float, str] | None = None
    for index, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        lang = normalise(tag)
        if lang is None:
            continue
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        key = (q - index * 1e-6, lang)
        if q > 0 and (best is None or key[0] > best[0]):
            best = key
    return best[1] if best else None


def negotiate(query_lang: str | None, cookie_lang: str | None, accept_language: str | None) -> str:
    return normalise(query_lang) or normalise(cookie_lang) or from_accept_language(accept_language) or "en"


class Translator:
    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else "en"

    def __call__(self, key: str, **values: object) -> str:
        entry = CATALOGUE.get(key)
        text = (entry.get(self.lang) or entry["en"]) if entry else key
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in CATALOGUE

    @property
    def html_lang(self) -> str:
        return "zh-CN" if self.lang == "zh_CN" else "en"

    @property
    def other(self) -> str:
        return "en" if self.lang == "zh_CN" else "zh_CN"
