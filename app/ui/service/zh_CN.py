"""Simplified Chinese for the service cases screen, in the form of ``resources/i18n/zh_CN_glossary.py`` (keyed by
English source text, or "Context|source"), for ``scripts/i18n.py fill`` to merge."""

ZH_CN = {
    "Screens|Service cases": "客服工单",
    "ServiceCasesScreen|Show closed cases": "显示已关闭的工单",
    "ServiceCasesScreen|Case": "工单",
    "ServiceCasesScreen|Order": "订单",
    "ServiceCasesScreen|Status": "状态",
    "ServiceCasesScreen|Updated (UTC)": "更新时间（UTC）",
    "ServiceCasesScreen|Messages": "留言数",
    "ServiceCasesScreen|Last message": "最新留言",
    "ServiceCasesScreen|Choose a case to read its messages": "请选择一个工单查看留言",
    "ServiceCasesScreen|Case %1 · order %2": "工单 %1 · 订单 %2",
    "ServiceCasesScreen|Customer": "顾客",
    "ServiceCasesScreen|Service": "客服",
    "ServiceCasesScreen|Your answer (sent to the customer by e-mail)": "回复内容（将通过电子邮件发送给顾客）",
    "ServiceCasesScreen|Send &answer": "发送回复(&A)",
    "ServiceCasesScreen|&Close case": "关闭工单(&C)",
    "ServiceCasesScreen|&Refresh": "刷新(&R)",
    "ServiceCasesScreen|Answer sent to the customer": "回复已发送给顾客",
    "ServiceCasesScreen|Case closed": "工单已关闭",
    "ServiceCasesScreen|open": "待处理",
    "ServiceCasesScreen|answered": "已回复",
    "ServiceCasesScreen|closed": "已关闭",
}
