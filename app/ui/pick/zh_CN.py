"""Simplified Chinese for the pick screen's strings (contexts "PickScreen" and "PickMessages"), in the
shape of resources/i18n/zh_CN_glossary.py, so that ``scripts/i18n.py fill`` can take them in."""

ZH_CN = {
    # PickScreen
    "%1 line(s) have no stock in any bin: report them short.": "%1 行在任何货位都没有库存：请报缺货。",
    "Aisle %1, %2 m, %3 side, level %4": "第 %1 通道，%2 米，%3侧，第 %4 层",
    "All stops done": "所有站点已完成",
    "Confirm quantity (F6)": "确认数量 (F6)",
    "Next batch": "下一批",
    "Next bin": "下一个货位",
    "No allocated order is waiting to be picked.": "没有待拣货的已分配订单。",
    "No cart": "无拣货车",
    "Order %1 added: tote %2. Press Start when the cart is full.": "订单 %1 已加入：%2 号周转箱。装满后按“开始”。",
    "Order %1 is already on the cart.": "订单 %1 已在拣货车上。",
    "PickScreen|Pick": "拣货",
    "Screens|Pick": "拣货",
    "Route of %1 m for %2 stop(s), method %3.": "路线 %1 米，共 %2 个站点，方法 %3。",
    "Scan a bin label, an item or an order number": "扫描货位标签、商品或订单号",
    "Scan order numbers, or take the next batch.": "扫描订单号，或领取下一批。",
    "Scan the bin label": "请扫描货位标签",
    "Scan the item": "请扫描商品",
    "Short: item not there (F8)": "缺货：商品不在 (F8)",
    "Skip, come back later (F9)": "跳过，稍后再来 (F9)",
    "Start picking (F5)": "开始拣货 (F5)",
    "Stop %1 of %2": "第 %1 / %2 站",
    "This station has no warehouse set.": "本工作站未设置仓库。",
    "Tote %1": "%1 号周转箱",
    "Tote %1: %2": "%1 号箱：%2",
    "left": "左",
    "right": "右",
    # PickMessages
    "Every stop is done.": "所有站点均已完成。",
    "Empty scan: nothing read.": "空扫描：未读取到内容。",
    "Bin {bin} does not exist in this warehouse.": "本仓库没有货位 {bin}。",
    "Wrong bin {scanned}: go to {bin}.": "货位错误 {scanned}：请前往 {bin}。",
    "Bin {bin} OK: take {quantity} x {item} into tote {tote}.": "货位 {bin} 正确：取 {quantity} 件 {item} 放入 {tote} 号周转箱。",
    "Scan the label of bin {bin} first.": "请先扫描货位 {bin} 的标签。",
    "Wrong item {scanned}: this stop wants {sku} ({item}).": "商品错误 {scanned}：此处应拣 {sku}（{item}）。",
    "{sku}: {count} of {quantity}, into tote {tote}.": "{sku}：{count} / {quantity}，放入 {tote} 号周转箱。",
    "Quantity must be between 1 and {quantity}.": "数量必须在 1 到 {quantity} 之间。",
    "{sku}: {done} of {quantity} picked.": "{sku}：已拣 {done} / {quantity}。",
    "{quantity} x {sku} into tote {tote}.": "{quantity} 件 {sku} 放入 {tote} 号周转箱。",
    "{quantity} x {sku} into tote {tote}. Order {order} is picked.":
        "{quantity} 件 {sku} 放入 {tote} 号周转箱。订单 {order} 已拣完。",
    "This is the last stop: pick it or report it short.": "这是最后一个站点：请拣货或报缺货。",
    "Skipped {bin}: it comes back at the end. Next: {next}.": "已跳过 {bin}：最后再回来。下一个：{next}。",
    "Short pick of {sku} at {bin} recorded: order {order} is re-allocated; put the contents of tote {tote} back.":
        "已记录 {bin} 的 {sku} 缺货：订单 {order} 已重新分配；请将 {tote} 号周转箱中的商品放回。",
    "Short pick of {sku} at {bin} recorded: order {order} is backordered; put the contents of tote {tote} back.":
        "已记录 {bin} 的 {sku} 缺货：订单 {order} 转为缺货待补；请将 {tote} 号周转箱中的商品放回。",
}
