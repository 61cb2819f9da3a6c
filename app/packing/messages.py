"""Every message the pack service gives the packer, in one place, in English and Simplified Chinese.

A service answer carries a :class:`Message` (a code and its values); the screen and the CLI call
``message.text(language)``. Wording, severity and translation live here and nowhere else (the shape of
OCA shopfloor's ``msg_store``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# code: (severity, English, Chinese). Severity: good, bad, info, warn (amber: stored, not yet checked).
MESSAGES: dict[str, tuple[str, str, str]] = {
    "ticked": ("good", "{name}: {packed} of {quantity} packed.", "{name}：已装 {packed}/{quantity}。"),
    "ticked_bulk": (
        "good",
        "{name}: {packed} of {quantity} packed. Scan the rest, or scan the count of the rest.",
        "{name}：已装 {packed}/{quantity}。继续扫描，或扫描剩余数量。",
    ),
    "counted": ("good", "{name}: {count} more counted, {packed} of {quantity} packed.",
                "{name}：又计 {count} 件，已装 {packed}/{quantity}。"),
    "complete": ("good", "Order {number} packed: label and packing slip sent to the printer.",
                 "订单 {number} 已打包：面单和装箱单已发送到打印机。"),
    "complete_label_failed": ("bad", "Order {number} is packed, but its label could not be made: {error}",
                              "订单 {number} 已打包，但无法生成面单：{error}"),
    "wrong_item": ("bad", "{name} is not in order {number}. Put it aside.", "{name} 不属于订单 {number}。请放到一边。"),
    "other_order": ("bad", "{name} belongs to order {other}, not to {number}. Put it back.",
                    "{name} 属于订单 {other}，不属于 {number}。请放回。"),
    "extra_item": ("bad", "Extra item: {name} is already fully packed ({quantity}). Put it aside.",
                   "多余商品：{name} 已全部装箱（{quantity}）。请放到一边。"),
    "too_many": ("bad", "{name}: only {left} more needed, this scan counts {count}. Put it aside.",
                 "{name}：只需再装 {left} 件，本次扫描计为 {count} 件。请放到一边。"),
    "unknown_product": ("bad", "Unknown product {code}: not in the catalogue. Put it aside and call a supervisor.",
                        "未知商品 {code}：商品目录中没有。请放到一边并联系主管。"),
    "not_understood": ("bad", "Scan not understood ({reason}). Scan again.", "无法识别扫描内容（{reason}）。请重新扫描。"),
    "need_lot": ("info", "{name}: scan its lot number.", "{name}：请扫描批号。"),
    "need_expiry": ("info", "{name}: scan its expiry date.", "{name}：请扫描有效期。"),
    "need_serial": ("info", "{name}: scan its serial number.", "{name}：请扫描序列号。"),
    "capture_first": ("bad", "First scan the {what} of {name} (or scan CANCEL).", "请先扫描 {name} 的{what_zh}（或扫描“取消”）。"),
    "bad_expiry": ("bad", "{text} is not a date: scan the expiry as YYMMDD or YYYY-MM-DD.",
                   "{text} 不是日期：请按 YYMMDD 或 YYYY-MM-DD 扫描有效期。"),
    "expired": ("bad", "{name} lot {lot} expired on {expiry}: refused. Take another one.",
                "{name} 批号 {lot} 已于 {expiry} 过期：拒收。请换一件。"),
    "duplicate_serial": ("bad", "Serial {serial} is already packed in this order. Scan another unit.",
                         "序列号 {serial} 已在本订单中装箱。请扫描另一件。"),
    "serial_case": ("bad", "{name} is tracked by serial: scan each unit, not the case.",
                    "{name} 按序列号管理：请逐件扫描，不要扫描整箱。"),
    "cancelled_step": ("info", "Cancelled. Scan the next item.", "已取消。请扫描下一件商品。"),
    "nothing_to_cancel": ("info", "Nothing to cancel.", "没有可取消的操作。"),
    "box_opened": ("info", "Box {seq} opened.", "已开第 {seq} 箱。"),
    "box_closed": ("good", "Box {seq} closed ({carton}, {weight} g). The next item opens box {next}.",
                   "第 {seq} 箱已封箱（{carton}，{weight} 克）。下一件商品将开第 {next} 箱。"),
    "box_empty": ("bad", "Box {seq} is empty: nothing to close.", "第 {seq} 箱是空的：无需封箱。"),
    "no_order": ("bad", "No order is open at this station. Scan NEXT ORDER or an order number.",
                 "本工位没有正在打包的订单。请扫描“下一单”或订单号。"),
    "order_opened": ("good", "Order {number}: {left} item(s) to scan.", "订单 {number}：还需扫描 {left} 件。"),
    "this_order": ("info", "Order {number}: {left} item(s) to scan.", "订单 {number}：还需扫描 {left} 件。"),
    "another_order_open": ("bad", "Finish order {number} first (or ask a supervisor), then scan order {other}.",
                           "请先完成订单 {number}（或联系主管），再扫描订单 {other}。"),
    "taken_away": ("bad", "Order {number} was moved to station {station} by a supervisor. Stop packing it; "
                   "what you packed travels with it.",
                   "订单 {number} 已被主管转到工位 {station}。请停止打包；已装的记录随订单转移。"),
    "taken_away_nowhere": ("bad", "Order {number} was taken away from this station ({status}). Stop packing it; "
                           "what you packed is kept.",
                           "订单 {number} 已被移出本工位（{status}）。请停止打包；已装的记录已保留。"),
    "not_packable": ("bad", "Order {number} is {status}: it cannot be packed now.", "订单 {number} 状态为 {status}：现在不能打包。"),
    "held_elsewhere": ("bad", "Order {number} is being packed at station {station}.", "订单 {number} 正在工位 {station} 打包。"),
    "already_packed": ("info", "Order {number} is already packed.", "订单 {number} 已打包。"),
    "db_unavailable": ("bad", "The database cannot be reached: this scan was NOT recorded. Scan it again in a moment.",
                       "无法连接数据库：本次扫描未记录。请稍后重新扫描。"),
    "weight_ok": ("good", "Weight OK: {measured} g (expected {expected} g).", "重量正确：{measured} 克（应为 {expected} 克）。"),
    "weight_mismatch": (
        "bad",
        "Weight check: box {seq} weighs {measured} g, expected {expected} g ± {tolerance} g. "
        "Check the contents and weigh again.",
        "重量核对：第 {seq} 箱重 {measured} 克，应为 {expected} 克 ± {tolerance} 克。请检查箱内商品后重新称重。",
    ),
    "weigh_box": ("info", "Put box {seq} on the scale (expected {expected} g).", "请将第 {seq} 箱放到秤上（应为 {expected} 克）。"),
    "scale_unsteady": ("info", "The scale is not steady: wait for it to settle.", "秤不稳定：请等待读数稳定。"),
    "scale_fault": ("bad", "The scale reports {condition}: check it.", "秤报告{condition}：请检查。"),
    "weight_noted": ("info", "Scale: {measured} g.", "秤：{measured} 克。"),
    "quantity_no_line": ("bad", "Scan an item before scanning a count.", "请先扫描商品，再扫描数量。"),
    "carton_chosen": ("good", "Carton {carton} for box {seq}.", "第 {seq} 箱使用 {carton}。"),
    "unknown_carton": ("bad", "No carton {code} in this station's catalogue.", "本工位纸箱目录中没有 {code}。"),
    "supervisor_needed": ("bad", "A partial shipment needs a supervisor: scan a supervisor's badge.",
                          "部分发货需要主管批准：请扫描主管工牌。"),
    "not_supervisor": ("bad", "{user} is not a supervisor: a partial shipment needs a supervisor's badge.",
                       "{user} 不是主管：部分发货需要主管工牌。"),
    "badge_unknown": ("bad", "Badge not recognised.", "无法识别工牌。"),
    "nothing_packed": ("bad", "Nothing is packed yet: there is nothing to ship.", "尚未装箱任何商品：没有可发货的内容。"),
    "partial_shipped": ("good", "Order {number} ships what is packed; the rest is order {rest} ({status}).",
                        "订单 {number} 先发已装商品；其余商品转为订单 {rest}（{status}）。"),
    "reprinted": ("good", "Label sent to the printer again.", "面单已重新发送到打印机。"),
    "nothing_to_reprint": ("bad", "No label to reprint yet.", "还没有可重打的面单。"),
    "tote_read": ("good", "Tote read: {count} item(s) ticked.", "周转箱读取：已勾选 {count} 件。"),
    "tote_partial": ("bad", "Tote read: {count} ticked; {refused} refused ({detail}). Put refused items aside.",
                     "周转箱读取：已勾选 {count} 件；拒收 {refused} 件（{detail}）。请将拒收商品放到一边。"),
    "command_elsewhere": ("info", "{command}: use it on the pack screen.", "{command}：请在打包界面使用。"),
    # Offline: the shared database cannot be reached; the scan is kept in the station's own journal.
    "stored_offline": ("warn", "Stored at this station, will be checked when the database is back.",
                       "已保存在本工位，数据库恢复后将进行核对。"),
    "stored_offline_ticked": ("warn", "{name}: {packed} of {quantity} (provisional). Stored at this station, "
                              "will be checked when the database is back.",
                              "{name}：已装 {packed}/{quantity}（暂定）。已保存在本工位，数据库恢复后将进行核对。"),
    "stored_offline_wrong_item": ("bad", "{code} is not in order {number}. Put it aside. (Stored at this station, "
                                  "will be checked when the database is back.)",
                                  "{code} 不属于订单 {number}。请放到一边。（已保存在本工位，数据库恢复后将进行核对。）"),
    "stored_offline_extra_item": ("bad", "Extra item: {name} is already fully packed ({quantity}). Put it aside. "
                                  "(Stored at this station, will be checked when the database is back.)",
                                  "多余商品：{name} 已全部装箱（{quantity}）。请放到一边。（已保存在本工位，数据库恢复后将进行核对。）"),
    "replayed_ok": ("good", "Stored scan checked: {answer}", "已核对保存的扫描：{answer}"),
    "replayed_refused": ("bad", "A scan stored at this station was refused when checked: {answer}",
                         "本工位保存的一次扫描核对时被拒收：{answer}"),
    "replay_failed": ("bad", "This scan could not be recorded although the database answers: call a supervisor.",
                      "数据库可以连接，但这次扫描无法记录：请联系主管。"),
    "replay_done": ("good", "The database is back: {count} stored scan(s) recorded, {refused} refused.",
                    "数据库已恢复：已记录 {count} 次保存的扫描，其中 {refused} 次被拒收。"),
}

_WHAT_ZH = {"lot": "批号", "expiry": "有效期", "serial": "序列号"}


@dataclass(frozen=True)
class Message:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def severity(self) -> str:
        return MESSAGES[self.code][0]

    def text(self, language: str = "en") -> str:
        severity, english, chinese = MESSAGES[self.code]
        template = chinese if (language or "en").lower().startswith("zh") else english
        # A message may quote another (a stored scan's check quotes the database's answer): same language.
        params = {k: v.text(language) if isinstance(v, Message) else v for k, v in self.params.items()}
        if "what" in params:
            params.setdefault("what_zh", _WHAT_ZH.get(params["what"], params["what"]))
        try:
            return template.format(**params)
        except (KeyError, IndexError):  # a missing value must never hide the message itself
            return template

    def __str__(self) -> str:
        return self.text("en")


def message(_code: str, **params: Any) -> Message:
    if _code not in MESSAGES:
        raise KeyError(f"no pack message {_code!r}")
    return Message(_code, params)
