<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Actor</name>
    <message>
        <source>system</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>carrier</source>
        <translation>承运商</translation>
    </message>
    <message>
        <source>web page</source>
        <translation>网页</translation>
    </message>
</context>
<context>
    <name>AdminScreen</name>
    <message>
        <source>Administration</source>
        <translation>系统管理</translation>
    </message>
    <message>
        <source>This section could not be opened; the log says why.</source>
        <translation>此栏目无法打开，原因见日志。</translation>
    </message>
</context>
<context>
    <name>AdminSections</name>
    <message>
        <source>Staff</source>
        <translation>员工</translation>
    </message>
    <message>
        <source>Stations</source>
        <translation>工位</translation>
    </message>
    <message>
        <source>Products</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Carriers</source>
        <translation>承运商</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>渠道</translation>
    </message>
</context>
<context>
    <name>CarriersSection</name>
    <message>
        <source>test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>production</source>
        <translation>正式</translation>
    </message>
    <message>
        <source>rate card</source>
        <translation>运价表</translation>
    </message>
    <message>
        <source>fuel</source>
        <translation>燃油附加费</translation>
    </message>
    <message>
        <source>remote area</source>
        <translation>偏远地区</translation>
    </message>
    <message>
        <source>oversize</source>
        <translation>超长附加费</translation>
    </message>
    <message>
        <source>Carrier</source>
        <translation>承运商</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Connector</source>
        <translation>接入方式</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>服务</translation>
    </message>
    <message>
        <source>Areas</source>
        <translation>区域数</translation>
    </message>
    <message>
        <source>Rates</source>
        <translation>运价数</translation>
    </message>
    <message>
        <source>Surcharges</source>
        <translation>附加费</translation>
    </message>
    <message>
        <source>Import rate card…</source>
        <translation>导入运价表…</translation>
    </message>
    <message>
        <source>Add carrier</source>
        <translation>添加承运商</translation>
    </message>
    <message>
        <source>New carrier</source>
        <translation>新承运商</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Chinese name</source>
        <translation>中文名称</translation>
    </message>
    <message>
        <source>prefix</source>
        <translation>前缀</translation>
    </message>
    <message>
        <source>Tracking numbers</source>
        <translation>运单号</translation>
    </message>
    <message>
        <source>cut-off hour</source>
        <translation>截单时间</translation>
    </message>
    <message>
        <source>Ships from</source>
        <translation>发货地</translation>
    </message>
    <message>
        <source>Weight breaks</source>
        <translation>重量段</translation>
    </message>
    <message>
        <source>standard</source>
        <translation>标准</translation>
    </message>
    <message>
        <source>next day</source>
        <translation>次日达</translation>
    </message>
    <message>
        <source>scheduled</source>
        <translation>预约配送</translation>
    </message>
    <message>
        <source>New carrier…</source>
        <translation>新建承运商…</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>服务</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>国家</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Zone</source>
        <translation>分区</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>时效（天）</translation>
    </message>
    <message>
        <source>Zones</source>
        <translation>分区</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>当前位置</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Try a parcel</source>
        <translation>试算包裹</translation>
    </message>
    <message>
        <source>Up to (g)</source>
        <translation>重量上限（克）</translation>
    </message>
    <message>
        <source>Longest side (mm)</source>
        <translation>最长边（毫米）</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Rate shopping may choose it</source>
        <translation>比价时可选用</translation>
    </message>
    <message>
        <source>Save service</source>
        <translation>保存服务</translation>
    </message>
    <message>
        <source>Heaviest parcel</source>
        <translation>最大包裹重量</translation>
    </message>
    <message>
        <source>Longest side</source>
        <translation>最长边</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>Weight break</source>
        <translation>重量段</translation>
    </message>
    <message>
        <source>Save price</source>
        <translation>保存价格</translation>
    </message>
    <message>
        <source>A new rate card imported for this carrier replaces these prices.</source>
        <translation>为该承运商导入新的运价表后，这些价格将被替换。</translation>
    </message>
    <message>
        <source>Quote</source>
        <translation>询价</translation>
    </message>
    <message>
        <source>Postcode</source>
        <translation>邮编</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>省/地区</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>重量</translation>
    </message>
    <message>
        <source>Size (mm)</source>
        <translation>尺寸（毫米）</translation>
    </message>
    <message>
        <source>Billed weight (g)</source>
        <translation>计费重量（克）</translation>
    </message>
    <message>
        <source>Why not</source>
        <translation>不可用原因</translation>
    </message>
    <message>
        <source>(inactive)</source>
        <translation>（已停用）</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>whole country</source>
        <translation>全国</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Service %1</source>
        <translation>服务 %1</translation>
    </message>
    <message>
        <source>%1, zone %2, up to %3 g</source>
        <translation>%1，%2 区，%3 克以内</translation>
    </message>
    <message>
        <source>Carrier %1 added: import its rate card next.</source>
        <translation>已添加承运商 %1：接下来请导入其运价表。</translation>
    </message>
    <message>
        <source>Rate card</source>
        <translation>运价表</translation>
    </message>
    <message>
        <source>Rate cards (*.csv)</source>
        <translation>运价表 (*.csv)</translation>
    </message>
    <message>
        <source>Choose a carrier first.</source>
        <translation>请先选择承运商。</translation>
    </message>
    <message>
        <source>Nothing imported: %1</source>
        <translation>未导入任何内容：%1</translation>
    </message>
    <message numerus="yes">
        <source>(and %n more bad lines)</source>
        <translation>
            <numerusform>（另有 %n 行有误）</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: %2 created, %3 changed, %4 unchanged, %5 removed.</source>
        <translation>%1：新建 %2 条，修改 %3 条，未变 %4 条，删除 %5 条。</translation>
    </message>
    <message>
        <source>Choose a service first.</source>
        <translation>请先选择一项服务。</translation>
    </message>
    <message>
        <source>Service %1 saved.</source>
        <translation>已保存服务 %1。</translation>
    </message>
    <message>
        <source>Choose a weight break first.</source>
        <translation>请先选择一个重量段。</translation>
    </message>
    <message>
        <source>Price saved.</source>
        <translation>价格已保存。</translation>
    </message>
</context>
<context>
    <name>Category</name>
    <message>
        <source>electronics</source>
        <translation>电子产品</translation>
    </message>
    <message>
        <source>home</source>
        <translation>家居用品</translation>
    </message>
    <message>
        <source>apparel</source>
        <translation>服装</translation>
    </message>
    <message>
        <source>beauty</source>
        <translation>美妆个护</translation>
    </message>
    <message>
        <source>food</source>
        <translation>食品</translation>
    </message>
    <message>
        <source>toys</source>
        <translation>玩具</translation>
    </message>
    <message>
        <source>books</source>
        <translation>图书</translation>
    </message>
    <message>
        <source>pharmacy</source>
        <translation>药品</translation>
    </message>
    <message>
        <source>alcohol</source>
        <translation>酒类</translation>
    </message>
    <message>
        <source>tobacco</source>
        <translation>烟草</translation>
    </message>
    <message>
        <source>weapons</source>
        <translation>武器</translation>
    </message>
    <message>
        <source>restricted</source>
        <translation>受限商品</translation>
    </message>
</context>
<context>
    <name>Channel</name>
    <message>
        <source>JD.com</source>
        <translation>京东</translation>
    </message>
    <message>
        <source>Tmall</source>
        <translation>天猫</translation>
    </message>
    <message>
        <source>Taobao</source>
        <translation>淘宝</translation>
    </message>
    <message>
        <source>web shop</source>
        <translation>官网</translation>
    </message>
</context>
<context>
    <name>ChannelsSection</name>
    <message>
        <source>when labelled</source>
        <translation>打印面单时</translation>
    </message>
    <message>
        <source>at close-out</source>
        <translation>揽收交接时</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>待发送</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>发送中</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>access token</source>
        <translation>访问令牌</translation>
    </message>
    <message>
        <source>consumer key</source>
        <translation>消费者密钥</translation>
    </message>
    <message>
        <source>consumer secret</source>
        <translation>消费者私钥</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>店铺网址</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Pull orders</source>
        <translation>拉取订单</translation>
    </message>
    <message>
        <source>Tell the shop</source>
        <translation>发货回传</translation>
    </message>
    <message>
        <source>Stock sync</source>
        <translation>库存同步</translation>
    </message>
    <message>
        <source>Credentials</source>
        <translation>凭据</translation>
    </message>
    <message>
        <source>Outbox</source>
        <translation>发件箱</translation>
    </message>
    <message>
        <source>New channel…</source>
        <translation>新建渠道…</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>修改…</translation>
    </message>
    <message>
        <source>Pull now</source>
        <translation>立即拉取</translation>
    </message>
    <message>
        <source>Fetch the chosen shop's new and changed orders now</source>
        <translation>立即从所选店铺拉取新订单和有变更的订单</translation>
    </message>
    <message>
        <source>Send now</source>
        <translation>立即发送</translation>
    </message>
    <message>
        <source>Send what waits in the outbox and the stock levels to every shop now</source>
        <translation>立即把发件箱中待发送的消息和库存数量发给所有店铺</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Show sent ones too</source>
        <translation>同时显示已发送的</translation>
    </message>
    <message>
        <source>Send again</source>
        <translation>重新发送</translation>
    </message>
    <message>
        <source>After mending what the shop said: send the chosen failed messages again</source>
        <translation>按店铺的回复处理好问题后，重新发送所选的失败消息</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Tries</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <source>HTTP</source>
        <translation>状态码</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>生成时间</translation>
    </message>
    <message>
        <source>What the shop said</source>
        <translation>店铺回复</translation>
    </message>
    <message>
        <source>Outbox: what the shops are told</source>
        <translation>发件箱：要告知店铺的消息</translation>
    </message>
    <message>
        <source>Off: the shop sends its orders to this station's web address (webhooks)</source>
        <translation>关闭时：由店铺把订单推送到本站的网址（Webhook）</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>pull its orders and tell its shop</source>
        <translation>拉取其订单并向店铺回传发货</translation>
    </message>
    <message>
        <source>pull from the shop</source>
        <translation>从店铺拉取</translation>
    </message>
    <message>
        <source>send stock levels to the shop</source>
        <translation>向店铺同步库存数量</translation>
    </message>
    <message>
        <source>the shop's first location</source>
        <translation>店铺的第一个库存地点</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Shop address</source>
        <translation>店铺网址</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>every</source>
        <translation>每隔</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Tell the shop it shipped</source>
        <translation>通知店铺已发货</translation>
    </message>
    <message>
        <source>Stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <source>Stock of warehouse</source>
        <translation>按此仓库的库存</translation>
    </message>
    <message>
        <source>Currency if an order names none</source>
        <translation>订单未注明时的币种</translation>
    </message>
    <message>
        <source>Shopify location</source>
        <translation>Shopify 库存地点</translation>
    </message>
    <message>
        <source>Shopify API version</source>
        <translation>Shopify API 版本</translation>
    </message>
    <message>
        <source>Credentials are never typed here: give them in the station's config file or its environment. The list says which are missing and where they go.</source>
        <translation>凭据从不在此输入：请写在工作站的配置文件或环境变量中。列表会显示缺少哪些、应写在哪里。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Every warehouse</source>
        <translation>所有仓库</translation>
    </message>
    <message>
        <source>Channel %1</source>
        <translation>渠道 %1</translation>
    </message>
    <message>
        <source>New channel</source>
        <translation>新建渠道</translation>
    </message>
    <message>
        <source>Channel %1 added.</source>
        <translation>已添加渠道 %1。</translation>
    </message>
    <message>
        <source>Channel %1 saved.</source>
        <translation>已保存渠道 %1。</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>off (webhooks)</source>
        <translation>关闭（Webhook）</translation>
    </message>
    <message>
        <source>not yet</source>
        <translation>尚未进行</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>given</source>
        <translation>已提供</translation>
    </message>
    <message>
        <source>missing: %1</source>
        <translation>缺少：%1</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Credentials: given (in the config file or the environment).</source>
        <translation>凭据：已提供（在配置文件或环境变量中）。</translation>
    </message>
    <message>
        <source>%1: set the environment variable %2, or %3 in the config file</source>
        <translation>%1：请设置环境变量 %2，或在配置文件中设置 %3</translation>
    </message>
    <message>
        <source>Credentials missing. %1. Nothing can be asked of this shop until then.</source>
        <translation>缺少凭据。%1。在此之前无法访问该店铺。</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>%1 waiting</source>
        <translation>%1 条待发送</translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation>%1 条失败</translation>
    </message>
    <message>
        <source>%1 sent</source>
        <translation>%1 条已发送</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>空</translation>
    </message>
    <message>
        <source>Choose a channel to see its credentials and its last pull and stock sync.</source>
        <translation>选择一个渠道，即可查看其凭据、最近一次拉取和库存同步。</translation>
    </message>
    <message>
        <source>Last pull failed: %1</source>
        <translation>最近一次拉取失败：%1</translation>
    </message>
    <message>
        <source>Last stock sync failed: %1</source>
        <translation>最近一次库存同步失败：%1</translation>
    </message>
    <message>
        <source>Nothing waits for the shops.</source>
        <translation>没有待发给店铺的消息。</translation>
    </message>
    <message>
        <source>Choose a message to read what the shop said in full.</source>
        <translation>选择一条消息，即可查看店铺回复的全文。</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Order %1 (%2): the shop said: %3</source>
        <translation>订单 %1（%2）：店铺回复：%3</translation>
    </message>
    <message>
        <source>Choose the failed messages to send again first.</source>
        <translation>请先选择要重新发送的失败消息。</translation>
    </message>
    <message>
        <source>%1 message(s) will be sent again with the next round; Send now sends them at once.</source>
        <translation>%1 条消息将在下一轮重新发送；点“立即发送”可马上发送。</translation>
    </message>
    <message>
        <source>Choose a channel first.</source>
        <translation>请先选择一个渠道。</translation>
    </message>
    <message>
        <source>Asking %1 for its orders…</source>
        <translation>正在从 %1 拉取订单…</translation>
    </message>
    <message>
        <source>Sending to the shops…</source>
        <translation>正在发送给店铺…</translation>
    </message>
    <message>
        <source>%1: the shop asked us to wait until %2</source>
        <translation>%1：店铺要求等到 %2 再访问</translation>
    </message>
    <message>
        <source>%1: %2 new orders, %3 known; then the shop said: %4</source>
        <translation>%1：新订单 %2 个，已有 %3 个；随后店铺回复：%4</translation>
    </message>
    <message>
        <source>%1: the shop said: %2</source>
        <translation>%1：店铺回复：%2</translation>
    </message>
    <message>
        <source>%1: %2 new orders, %3 known</source>
        <translation>%1：新订单 %2 个，已有 %3 个</translation>
    </message>
    <message>
        <source>, %1 changed by the shop</source>
        <translation>，店铺修改了 %1 个</translation>
    </message>
    <message>
        <source>, %1 could not be taken in (%2: %3)</source>
        <translation>，%1 个无法导入（%2：%3）</translation>
    </message>
    <message>
        <source> (more next time)</source>
        <translation>（其余下次继续）</translation>
    </message>
    <message>
        <source>%1 shipment notice(s) sent, %2 to try again, %3 failed; stock of %4 product(s) sent</source>
        <translation>已发送 %1 条发货通知，%2 条稍后重试，%3 条失败；已同步 %4 个商品的库存</translation>
    </message>
    <message>
        <source>. The shop said: %1</source>
        <translation>。店铺回复：%1</translation>
    </message>
</context>
<context>
    <name>Common</name>
    <message>
        <source>The database cannot be reached; try again in a moment.</source>
        <translation>无法连接数据库，请稍后再试。</translation>
    </message>
    <message>
        <source>The database refused the change: %1</source>
        <translation>数据库拒绝了此更改：%1</translation>
    </message>
</context>
<context>
    <name>DeviceSetupScreen</name>
    <message>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Devices of this station</source>
        <translation>本工位的设备</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Barcode scanner</source>
        <translation>条码扫描枪</translation>
    </message>
    <message>
        <source>RFID reader</source>
        <translation>RFID 读写器</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>电子秤</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>协议</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Find it by USB id, under any port name</source>
        <translation>按 USB ID 查找（不论端口名称）</translation>
    </message>
    <message>
        <source>USB id</source>
        <translation>USB ID</translation>
    </message>
    <message>
        <source>Baud rate</source>
        <translation>波特率</translation>
    </message>
    <message>
        <source>Data bits</source>
        <translation>数据位</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Even</source>
        <translation>偶校验</translation>
    </message>
    <message>
        <source>Odd</source>
        <translation>奇校验</translation>
    </message>
    <message>
        <source>Parity</source>
        <translation>校验位</translation>
    </message>
    <message>
        <source>Stop bits</source>
        <translation>停止位</translation>
    </message>
    <message>
        <source>empty: a pause ends a scan</source>
        <translation>留空：停顿即结束一次扫描</translation>
    </message>
    <message>
        <source>Prefix</source>
        <translation>前缀</translation>
    </message>
    <message>
        <source>Suffix</source>
        <translation>后缀</translation>
    </message>
    <message>
        <source>Terminator</source>
        <translation>结束符</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Press Test, then scan, read a tag or put something on the scale.</source>
        <translation>按“测试”，然后扫描条码、读取标签或在秤上放置物品。</translation>
    </message>
    <message>
        <source>Cannot test: {0}</source>
        <translation>无法测试：{0}</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Scan something: keyboard-wedge scans show here.</source>
        <translation>请扫描：键盘模拟扫描的内容会显示在这里。</translation>
    </message>
    <message>
        <source>{0} understood, {1} not understood</source>
        <translation>已识别 {0} 条，未识别 {1} 条</translation>
    </message>
    <message>
        <source>Saved to {0}</source>
        <translation>已保存到 {0}</translation>
    </message>
</context>
<context>
    <name>Devices</name>
    <message>
        <source>%1 disconnected: waiting for it to come back</source>
        <translation>%1 已断开：正在等待重新连接</translation>
    </message>
    <message>
        <source>%1 connected</source>
        <translation>%1 已连接</translation>
    </message>
</context>
<context>
    <name>Event</name>
    <message>
        <source>received</source>
        <translation>已接收</translation>
    </message>
    <message>
        <source>sent to review</source>
        <translation>转人工审核</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <source>held</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>released</source>
        <translation>已放行</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>cancelled by the shop</source>
        <translation>已被店铺取消</translation>
    </message>
    <message>
        <source>cancelled by the shop after it left</source>
        <translation>发出后被店铺取消</translation>
    </message>
    <message>
        <source>address changed by the shop</source>
        <translation>店铺修改了地址</translation>
    </message>
    <message>
        <source>lines changed by the shop</source>
        <translation>店铺修改了订单行</translation>
    </message>
    <message>
        <source>change from the shop not applied</source>
        <translation>店铺的修改未应用</translation>
    </message>
    <message>
        <source>claimed by a station</source>
        <translation>被工位领取</translation>
    </message>
    <message>
        <source>picking</source>
        <translation>开始拣货</translation>
    </message>
    <message>
        <source>reassigned</source>
        <translation>已重新分配</translation>
    </message>
    <message>
        <source>priority changed</source>
        <translation>优先级已更改</translation>
    </message>
    <message>
        <source>warehouse changed</source>
        <translation>仓库已更改</translation>
    </message>
    <message>
        <source>address fixed</source>
        <translation>地址已修正</translation>
    </message>
    <message>
        <source>confirmed</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>allocated</source>
        <translation>已分配仓库</translation>
    </message>
    <message>
        <source>backordered</source>
        <translation>缺货待补</translation>
    </message>
    <message>
        <source>back in stock: released by a delivery</source>
        <translation>已到货：由到货放行</translation>
    </message>
    <message>
        <source>another lot allowed by a supervisor</source>
        <translation>主管已允许其他批号</translation>
    </message>
    <message>
        <source>sent back to confirmation: the count found less in its bin</source>
        <translation>已退回确认：盘点发现货位库存不足</translation>
    </message>
    <message>
        <source>carrier event held for a person</source>
        <translation>承运商事件已暂扣，待人工处理</translation>
    </message>
    <message>
        <source>held carrier event applied</source>
        <translation>暂扣的承运商事件已采用</translation>
    </message>
    <message>
        <source>held carrier event set aside</source>
        <translation>暂扣的承运商事件已搁置</translation>
    </message>
    <message>
        <source>packing</source>
        <translation>开始打包</translation>
    </message>
    <message>
        <source>packed</source>
        <translation>已打包</translation>
    </message>
    <message>
        <source>box closed</source>
        <translation>已封箱</translation>
    </message>
    <message>
        <source>scan refused</source>
        <translation>扫描被拒</translation>
    </message>
    <message>
        <source>weight did not match</source>
        <translation>重量不符</translation>
    </message>
    <message>
        <source>weight accepted by a supervisor</source>
        <translation>主管放行重量</translation>
    </message>
    <message>
        <source>labelled</source>
        <translation>已贴面单</translation>
    </message>
    <message>
        <source>shipped</source>
        <translation>已发货</translation>
    </message>
    <message>
        <source>delivered</source>
        <translation>已签收</translation>
    </message>
    <message>
        <source>box %1: %2 g weighed, %3 g expected</source>
        <translation>第 %1 箱：称得 %2 克，应为 %3 克</translation>
    </message>
    <message>
        <source>in transit</source>
        <translation>运输中</translation>
    </message>
    <message>
        <source>out for delivery</source>
        <translation>派送中</translation>
    </message>
    <message>
        <source>carrier exception</source>
        <translation>物流异常</translation>
    </message>
    <message>
        <source>parcel delivered</source>
        <translation>包裹已签收</translation>
    </message>
    <message>
        <source>return requested</source>
        <translation>已申请退货</translation>
    </message>
    <message>
        <source>return label issued</source>
        <translation>退货面单已开具</translation>
    </message>
    <message>
        <source>return in transit</source>
        <translation>退货运输中</translation>
    </message>
    <message>
        <source>return out for delivery</source>
        <translation>退货派送中</translation>
    </message>
    <message>
        <source>return delivered to the warehouse</source>
        <translation>退货已送达仓库</translation>
    </message>
    <message>
        <source>return held by the carrier</source>
        <translation>退货被承运商滞留</translation>
    </message>
    <message>
        <source>return received</source>
        <translation>退货已收到</translation>
    </message>
    <message>
        <source>return inspected</source>
        <translation>退货已检验</translation>
    </message>
    <message>
        <source>refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <source>exchange sent</source>
        <translation>换货已发出</translation>
    </message>
    <message>
        <source>return cancelled</source>
        <translation>退货已取消</translation>
    </message>
</context>
<context>
    <name>Flag</name>
    <message>
        <source>Unknown product: a line's SKU or GTIN is not in the catalogue</source>
        <translation>未知商品：某行的 SKU 或 GTIN 不在商品目录中</translation>
    </message>
    <message>
        <source>Large order: the amount is above the review threshold</source>
        <translation>大额订单：金额超过审核阈值</translation>
    </message>
    <message>
        <source>Large quantity: unusually many units</source>
        <translation>数量异常：件数过多</translation>
    </message>
    <message>
        <source>Restricted goods: the law or sales policy needs a check</source>
        <translation>受限商品：需核查法规或销售政策</translation>
    </message>
    <message>
        <source>Not paid: the payment is not confirmed</source>
        <translation>未付款：支付尚未确认</translation>
    </message>
    <message>
        <source>Payment mismatch: coupons, points or the amount paid do not add up</source>
        <translation>支付不符：优惠券、积分或实付金额对不上</translation>
    </message>
    <message>
        <source>Blocked customer</source>
        <translation>客户已被封禁</translation>
    </message>
    <message>
        <source>Poor credit: check the customer's history</source>
        <translation>信用较差：请查看客户历史</translation>
    </message>
    <message>
        <source>Incomplete address: something the carrier needs is missing</source>
        <translation>地址不完整：缺少承运商需要的信息</translation>
    </message>
    <message>
        <source>Unclear address: the postcode or region does not fit the country</source>
        <translation>地址存疑：邮编或省份与国家不符</translation>
    </message>
    <message>
        <source>Cancelled by the sales channel</source>
        <translation>销售渠道已取消</translation>
    </message>
    <message>
        <source>Cancelled by the shop after the label: void or intercept it</source>
        <translation>面单打印后被店铺取消：请作废面单或拦截包裹</translation>
    </message>
    <message>
        <source>Changed by the shop after picking started: not applied</source>
        <translation>拣货开始后店铺修改了订单：未应用</translation>
    </message>
    <message>
        <source>Decimal quantity: a line's quantity is not a whole number of units</source>
        <translation>数量非整数：某行的数量不是整数件</translation>
    </message>
    <message>
        <source>Shipped by the shop: the sales channel says the goods already left</source>
        <translation>店铺已发货：销售渠道显示货物已发出</translation>
    </message>
</context>
<context>
    <name>GoodsInScreen</name>
    <message>
        <source>Goods in</source>
        <translation>收货</translation>
    </message>
    <message>
        <source>Delivery: our number, the supplier's reference or a pallet's SSCC</source>
        <translation>到货单：本系统单号、供应商单号或托盘 SSCC</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>No delivery open: scan one, or choose it below.</source>
        <translation>未打开到货单：请扫描，或在下方选择。</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>行</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>SKU</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>预报</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>已收</translation>
    </message>
    <message>
        <source>Damaged</source>
        <translation>残损</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>Delivery</source>
        <translation>到货单</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>供应商单号</translation>
    </message>
    <message>
        <source>Supplier</source>
        <translation>供应商</translation>
    </message>
    <message>
        <source>Expected on</source>
        <translation>预计到货</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Next scan</source>
        <translation>下一次扫描</translation>
    </message>
    <message>
        <source>as scanned</source>
        <translation>按扫描</translation>
    </message>
    <message>
        <source>Damaged: to quarantine</source>
        <translation>残损：放入隔离区</translation>
    </message>
    <message>
        <source>why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Lot</source>
        <translation>批号</translation>
    </message>
    <message>
        <source>Expiry</source>
        <translation>有效期</translation>
    </message>
    <message>
        <source>Type a code as the scanner would</source>
        <translation>像扫描枪一样输入编码</translation>
    </message>
    <message>
        <source>Put away</source>
        <translation>上架</translation>
    </message>
    <message>
        <source>scan the bin</source>
        <translation>扫描货位</translation>
    </message>
    <message>
        <source>why another bin than the one shown</source>
        <translation>改放其他货位的原因</translation>
    </message>
    <message>
        <source>Close delivery</source>
        <translation>关闭到货单</translation>
    </message>
    <message>
        <source>expected</source>
        <translation>待到货</translation>
    </message>
    <message>
        <source>receiving</source>
        <translation>收货中</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Put away to %1</source>
        <translation>上架到 %1</translation>
    </message>
    <message>
        <source>%1 · %2 · from %3</source>
        <translation>%1 · %2 · 供应商 %3</translation>
    </message>
    <message>
        <source>damaged</source>
        <translation>已损坏</translation>
    </message>
    <message>
        <source>Write the expiry as YYYY-MM-DD, e.g. 2027-06-30.</source>
        <translation>有效期请写成 YYYY-MM-DD，例如 2027-06-30。</translation>
    </message>
</context>
<context>
    <name>LoginScreen</name>
    <message>
        <source>Warehouse Station</source>
        <translation>仓库工作站</translation>
    </message>
    <message>
        <source>Station %1</source>
        <translation>工位 %1</translation>
    </message>
    <message>
        <source>Scan your badge to log in</source>
        <translation>请扫描工牌登录</translation>
    </message>
    <message>
        <source>Badge</source>
        <translation>工牌</translation>
    </message>
    <message>
        <source>or log in with your user name and PIN</source>
        <translation>或使用用户名和 PIN 码登录</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN 码</translation>
    </message>
    <message>
        <source>&amp;Log in</source>
        <translation>登录(&amp;L)</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Enter your user name and PIN.</source>
        <translation>请输入用户名和 PIN 码。</translation>
    </message>
    <message>
        <source>Not recognised: check the badge, or the user name and PIN.</source>
        <translation>无法识别：请检查工牌，或用户名和 PIN 码。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Warehouse Station — %1</source>
        <translation>仓库工作站 — %1</translation>
    </message>
    <message>
        <source>Station: %1</source>
        <translation>工位：%1</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>Not logged in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <source>Welcome, %1.</source>
        <translation>欢迎，%1。</translation>
    </message>
    <message>
        <source>%1 (%2) — Ctrl+L to log out</source>
        <translation>%1（%2）— 按 Ctrl+L 退出登录</translation>
    </message>
    <message>
        <source>You were logged out: your user was deactivated or signed out here.</source>
        <translation>您已被登出：您的账号已停用，或已在此工位被登出。</translation>
    </message>
    <message>
        <source>Unknown command barcode: %1</source>
        <translation>未知的指令条码：%1</translation>
    </message>
    <message>
        <source>Log in first: scan your badge.</source>
        <translation>请先登录：扫描您的工牌。</translation>
    </message>
    <message>
        <source>This screen does not take scans.</source>
        <translation>此界面不接受扫描。</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>● Live</source>
        <translation>● 实时同步</translation>
    </message>
    <message>
        <source>● Connection lost — reconnecting…</source>
        <translation>● 连接中断 — 正在重新连接…</translation>
    </message>
</context>
<context>
    <name>PackScreen</name>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>SKU</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Packed</source>
        <translation>已装</translation>
    </message>
    <message>
        <source>Handling</source>
        <translation>处理要求</translation>
    </message>
    <message>
        <source>Close box (F5)</source>
        <translation>封箱 (F5)</translation>
    </message>
    <message>
        <source>Cancel step</source>
        <translation>取消此步</translation>
    </message>
    <message>
        <source>Reprint label (F8)</source>
        <translation>重打面单 (F8)</translation>
    </message>
    <message>
        <source>Ship partial… (F9)</source>
        <translation>部分发货… (F9)</translation>
    </message>
    <message>
        <source>No order at this station</source>
        <translation>本工位没有订单</translation>
    </message>
    <message>
        <source>Scan NEXT ORDER or an order number</source>
        <translation>请扫描“下一单”或订单号</translation>
    </message>
    <message>
        <source>Order %1 — %2</source>
        <translation>订单 %1 — %2</translation>
    </message>
    <message>
        <source>Boxes packed: %1</source>
        <translation>已装箱数：%1</translation>
    </message>
    <message>
        <source>Box %1 open · %2 closed</source>
        <translation>第 %1 箱打开中 · 已封 %2 箱</translation>
    </message>
    <message>
        <source>No carton in the catalogue fits: measure and choose one.</source>
        <translation>目录中没有合适的纸箱：请测量后自行选择。</translation>
    </message>
    <message>
        <source>Some items have no dimensions: choose the carton yourself.</source>
        <translation>部分商品没有尺寸：请自行选择纸箱。</translation>
    </message>
    <message>
        <source>Recommended: %1 × %2</source>
        <translation>推荐：%1 × %2</translation>
    </message>
    <message>
        <source>Recommended carton: %1</source>
        <translation>推荐纸箱：%1</translation>
    </message>
    <message>
        <source>Material: %1</source>
        <translation>包材：%1</translation>
    </message>
    <message>
        <source>Use the recommendation</source>
        <translation>采用推荐</translation>
    </message>
    <message>
        <source>Scan the next item (%1 to go)</source>
        <translation>请扫描下一件商品（还剩 %1 件）</translation>
    </message>
    <message>
        <source>Scan the next item, or the count of the rest</source>
        <translation>请扫描下一件商品，或扫描剩余数量</translation>
    </message>
    <message>
        <source>Scan the lot number</source>
        <translation>请扫描批号</translation>
    </message>
    <message>
        <source>Scan the expiry date</source>
        <translation>请扫描有效期</translation>
    </message>
    <message>
        <source>Scan the serial number</source>
        <translation>请扫描序列号</translation>
    </message>
    <message>
        <source>A supervisor scans their badge</source>
        <translation>请主管扫描工牌</translation>
    </message>
    <message>
        <source>Done: scan NEXT ORDER</source>
        <translation>完成：请扫描“下一单”</translation>
    </message>
    <message>
        <source>Scan an order number</source>
        <translation>请扫描订单号</translation>
    </message>
    <message>
        <source>lot</source>
        <translation>批号</translation>
    </message>
    <message>
        <source>Captured</source>
        <translation>已采集</translation>
    </message>
    <message>
        <source>Box and scale</source>
        <translation>箱子与称重</translation>
    </message>
    <message>
        <source>Command barcodes (PDF)</source>
        <translation>指令条码（PDF）</translation>
    </message>
    <message>
        <source>Tare</source>
        <translation>去皮</translation>
    </message>
    <message>
        <source>Zero</source>
        <translation>置零</translation>
    </message>
    <message>
        <source>Scanner only: scan items; a number counts the rest of a bulk line; CMD:CLOSE-BOX, CMD:CANCEL, CMD:WEIGH, CMD:TARE, CMD:ZERO, CMD:REPRINT; a supervisor's badge approves a partial shipment or a box whose weight does not match.</source>
        <translation>仅用扫描枪：扫描商品；扫描数字可计入整行剩余数量；CMD:CLOSE-BOX 封箱、CMD:CANCEL 取消、CMD:WEIGH 称重、CMD:TARE 去皮、CMD:ZERO 置零、CMD:REPRINT 重打面单；主管刷工牌可批准部分发货或放行重量不符的箱子。</translation>
    </message>
    <message>
        <source>Press F2 or scan NEXT ORDER to take an order.</source>
        <translation>按 F2 或扫描“下一单”领取订单。</translation>
    </message>
    <message>
        <source>Ship to: %1</source>
        <translation>收件人：%1</translation>
    </message>
    <message>
        <source>Note on the order: %1</source>
        <translation>订单备注：%1</translation>
    </message>
    <message>
        <source>needs %1</source>
        <translation>需采集%1</translation>
    </message>
    <message>
        <source>take lot %1</source>
        <translation>请取批号 %1</translation>
    </message>
    <message>
        <source>expiry</source>
        <translation>有效期</translation>
    </message>
    <message>
        <source>serial</source>
        <translation>序列号</translation>
    </message>
    <message>
        <source>items packed</source>
        <translation>件已装箱</translation>
    </message>
    <message>
        <source>SKU %1</source>
        <translation>SKU %1</translation>
    </message>
    <message>
        <source>Weighed: %1 g</source>
        <translation>称重：%1 克</translation>
    </message>
    <message>
        <source>Box %1 should weigh %2 g</source>
        <translation>第 %1 箱应重 %2 克</translation>
    </message>
    <message>
        <source>Put the box on the scale</source>
        <translation>请将箱子放到秤上</translation>
    </message>
    <message>
        <source>fragile</source>
        <translation>易碎</translation>
    </message>
    <message>
        <source>liquid</source>
        <translation>液体</translation>
    </message>
    <message>
        <source>hazmat</source>
        <translation>危险品</translation>
    </message>
    <message>
        <source>high value</source>
        <translation>高价值</translation>
    </message>
    <message>
        <source>Ship partial</source>
        <translation>部分发货</translation>
    </message>
    <message>
        <source>Ship what is packed now. What becomes of the rest of the order?</source>
        <translation>现在先发出已装箱的商品。订单中其余商品如何处理？</translation>
    </message>
    <message>
        <source>Keep the rest open</source>
        <translation>其余商品保留待装</translation>
    </message>
    <message>
        <source>Backorder the rest</source>
        <translation>其余商品转为缺货待补</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cannot save the command sheet: %1</source>
        <translation>无法保存指令条码表：%1</translation>
    </message>
    <message>
        <source>Command barcodes saved to %1</source>
        <translation>指令条码已保存到 %1</translation>
    </message>
    <message>
        <source>— (%1)</source>
        <translation>—（%1）</translation>
    </message>
    <message>
        <source>%1 g</source>
        <translation>%1 克</translation>
    </message>
    <message>
        <source>overloaded</source>
        <translation>超载</translation>
    </message>
    <message>
        <source>below its range</source>
        <translation>低于量程</translation>
    </message>
    <message>
        <source>below zero</source>
        <translation>读数为负</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>no reading</source>
        <translation>无读数</translation>
    </message>
    <message>
        <source>Asking the scale to tare…</source>
        <translation>正在让电子秤去皮…</translation>
    </message>
    <message>
        <source>Asking the scale to zero…</source>
        <translation>正在让电子秤置零…</translation>
    </message>
    <message>
        <source>This station has no scale.</source>
        <translation>本工位没有电子秤。</translation>
    </message>
    <message>
        <source>The scale is not connected: plug it in.</source>
        <translation>电子秤未连接：请插好连接线。</translation>
    </message>
    <message>
        <source>This scale takes no commands: use the keys on its indicator.</source>
        <translation>这台电子秤不接受指令：请使用其仪表上的按键。</translation>
    </message>
    <message>
        <source>Scale tared: %1 g taken off.</source>
        <translation>电子秤已去皮：扣除 %1 克。</translation>
    </message>
    <message>
        <source>Scale zeroed.</source>
        <translation>电子秤已置零。</translation>
    </message>
    <message>
        <source>it is not steady: wait for it to settle and try again</source>
        <translation>读数不稳定，请等待稳定后再试</translation>
    </message>
    <message>
        <source>the load is beyond what it can take off: empty it first</source>
        <translation>秤上重量超出可扣除范围，请先清空秤台</translation>
    </message>
    <message>
        <source>it reads below zero: empty it, then zero it</source>
        <translation>读数为负，请清空秤台后置零</translation>
    </message>
    <message>
        <source>tare</source>
        <translation>去皮</translation>
    </message>
    <message>
        <source>zero</source>
        <translation>置零</translation>
    </message>
    <message>
        <source>The scale did not %1: %2</source>
        <translation>电子秤未能%1：%2</translation>
    </message>
    <message>
        <source>Scanner OK</source>
        <translation>扫描枪正常</translation>
    </message>
    <message>
        <source>Scanner unplugged</source>
        <translation>扫描枪未连接</translation>
    </message>
    <message>
        <source>Scale unplugged</source>
        <translation>电子秤未连接</translation>
    </message>
    <message>
        <source>Scale: moving</source>
        <translation>电子秤：读数变动中</translation>
    </message>
    <message>
        <source>Scale: empty</source>
        <translation>电子秤：空秤</translation>
    </message>
    <message>
        <source>Scale: no reading yet</source>
        <translation>电子秤：尚无读数</translation>
    </message>
    <message>
        <source>Order %1 was cancelled by the shop. Stop packing it and put its items back on their shelves.</source>
        <translation>订单 %1 已被店铺取消。请停止打包，并把商品放回原货位。</translation>
    </message>
    <message>
        <source>No scale</source>
        <translation>无电子秤</translation>
    </message>
    <message>
        <source>Scale: %1</source>
        <translation>电子秤：%1</translation>
    </message>
    <message>
        <source>Scale: %1 g</source>
        <translation>电子秤：%1 克</translation>
    </message>
    <message>
        <source>Printer problem</source>
        <translation>打印机故障</translation>
    </message>
    <message>
        <source>Printer: checking…</source>
        <translation>打印机：检查中…</translation>
    </message>
    <message>
        <source>No label printer set up: ask a supervisor to choose one in the printer settings</source>
        <translation>未设置面单打印机：请主管在打印机设置中选择一台</translation>
    </message>
    <message>
        <source>Label printer %1 cannot be reached: check its power and cable</source>
        <translation>无法连接面单打印机 %1：请检查电源和连接线</translation>
    </message>
    <message>
        <source> (%1 label(s) waiting)</source>
        <translation>（%1 张面单等待打印）</translation>
    </message>
    <message>
        <source>Printer ready: %1</source>
        <translation>打印机就绪：%1</translation>
    </message>
    <message>
        <source>Printer: %1</source>
        <translation>打印机：%1</translation>
    </message>
    <message>
        <source>Printer OK</source>
        <translation>打印机正常</translation>
    </message>
    <message>
        <source>Database unreachable: %1 scan(s) stored at this station</source>
        <translation>无法连接数据库：本工位已保存 %1 次扫描</translation>
    </message>
    <message>
        <source>Database back: checking %1 stored scan(s)…</source>
        <translation>数据库已恢复：正在核对 %1 次保存的扫描…</translation>
    </message>
</context>
<context>
    <name>Payment</name>
    <message>
        <source>paid</source>
        <translation>已付款</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>待支付</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>支付失败</translation>
    </message>
    <message>
        <source>refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <source>partially refunded</source>
        <translation>部分退款</translation>
    </message>
    <message>
        <source>authorized</source>
        <translation>已授权（账期）</translation>
    </message>
</context>
<context>
    <name>PdfPreview</name>
    <message>
        <source>No document to show</source>
        <translation>没有可显示的文档</translation>
    </message>
</context>
<context>
    <name>PickMessages</name>
    <message>
        <source>Every stop is done.</source>
        <translation>所有拣货点都已完成。</translation>
    </message>
    <message>
        <source>Empty scan: nothing read.</source>
        <translation>空扫描：没有读到内容。</translation>
    </message>
    <message>
        <source>Bin {bin} does not exist in this warehouse.</source>
        <translation>本仓库没有货位 {bin}。</translation>
    </message>
    <message>
        <source>Wrong bin {scanned}: go to {bin}.</source>
        <translation>货位错误（{scanned}）：请前往 {bin}。</translation>
    </message>
    <message>
        <source>Bin {bin} OK: take {quantity} x {item} into tote {tote}.</source>
        <translation>货位 {bin} 正确：取 {quantity} 件 {item} 放入周转箱 {tote}。</translation>
    </message>
    <message>
        <source>Scan the label of bin {bin} first.</source>
        <translation>请先扫描货位 {bin} 的标签。</translation>
    </message>
    <message>
        <source>Wrong item {scanned}: this stop wants {sku} ({item}).</source>
        <translation>商品错误（{scanned}）：此处应拣 {sku}（{item}）。</translation>
    </message>
    <message>
        <source>{sku}: {count} of {quantity}, into tote {tote}.</source>
        <translation>{sku}：第 {count} 件，共 {quantity} 件，放入周转箱 {tote}。</translation>
    </message>
    <message>
        <source>Quantity must be between 1 and {quantity}.</source>
        <translation>数量必须在 1 到 {quantity} 之间。</translation>
    </message>
    <message>
        <source>{sku}: {done} of {quantity} picked.</source>
        <translation>{sku}：已拣 {done} 件，共 {quantity} 件。</translation>
    </message>
    <message>
        <source>{quantity} x {sku} into tote {tote}.</source>
        <translation>{quantity} 件 {sku} 放入周转箱 {tote}。</translation>
    </message>
    <message>
        <source>{quantity} x {sku} into tote {tote}. Order {order} is picked.</source>
        <translation>{quantity} 件 {sku} 放入周转箱 {tote}。订单 {order} 已拣完。</translation>
    </message>
    <message>
        <source>This is the last stop: pick it or report it short.</source>
        <translation>这是最后一个拣货点：请拣货或报缺货。</translation>
    </message>
    <message>
        <source>Skipped {bin}: it comes back at the end. Next: {next}.</source>
        <translation>已跳过 {bin}：最后再回来拣。下一个：{next}。</translation>
    </message>
    <message>
        <source>Short pick of {sku} at {bin} recorded: order {order} is re-allocated; put the contents of tote {tote} back.</source>
        <translation>已记录 {bin} 的 {sku} 缺货：订单 {order} 已重新分配；请把周转箱 {tote} 里的商品放回。</translation>
    </message>
    <message>
        <source>Short pick of {sku} at {bin} recorded: order {order} is backordered; put the contents of tote {tote} back.</source>
        <translation>已记录 {bin} 的 {sku} 缺货：订单 {order} 转为缺货待补；请把周转箱 {tote} 里的商品放回。</translation>
    </message>
</context>
<context>
    <name>PickScreen</name>
    <message>
        <source>The cart of this station is back: %1 stop(s) to go. Scan the bin label of the next stop; units scanned at it before are scanned again.</source>
        <translation>本工位的拣货车已恢复：还剩 %1 个拣货点。请扫描下一个拣货点的货位标签；之前在该点扫过的商品需要重新扫描。</translation>
    </message>
    <message>
        <source>Pick</source>
        <translation>拣货</translation>
    </message>
    <message>
        <source>Next bin</source>
        <translation>下一个货位</translation>
    </message>
    <message>
        <source>Scan a bin label, an item or an order number</source>
        <translation>扫描货位标签、商品或订单号</translation>
    </message>
    <message>
        <source>Confirm quantity (F6)</source>
        <translation>确认数量 (F6)</translation>
    </message>
    <message>
        <source>Skip, come back later (F9)</source>
        <translation>跳过，稍后再拣 (F9)</translation>
    </message>
    <message>
        <source>Short: item not there (F8)</source>
        <translation>缺货：货位上没有 (F8)</translation>
    </message>
    <message>
        <source>Start picking (F5)</source>
        <translation>开始拣货 (F5)</translation>
    </message>
    <message>
        <source>Next batch</source>
        <translation>下一批</translation>
    </message>
    <message>
        <source>Order %1 is already on the cart.</source>
        <translation>订单 %1 已在拣货车上。</translation>
    </message>
    <message>
        <source>Order %1 added: tote %2. Press Start when the cart is full.</source>
        <translation>已加入订单 %1：周转箱 %2。拣货车装满后按“开始”。</translation>
    </message>
    <message>
        <source>This station has no warehouse set.</source>
        <translation>本工位未设置仓库。</translation>
    </message>
    <message>
        <source>No allocated order is waiting to be picked.</source>
        <translation>没有等待拣货的已分配订单。</translation>
    </message>
    <message>
        <source>%1 line(s) have no stock in any bin: report them short.</source>
        <translation>%1 行在所有货位都没有库存：请报缺货。</translation>
    </message>
    <message>
        <source>Route of %1 m for %2 stop(s), method %3.</source>
        <translation>路线 %1 米，共 %2 个拣货点，算法：%3。</translation>
    </message>
    <message>
        <source>No cart</source>
        <translation>没有拣货车</translation>
    </message>
    <message>
        <source>Tote %1: %2</source>
        <translation>周转箱 %1：%2</translation>
    </message>
    <message>
        <source>Stop %1 of %2</source>
        <translation>拣货点 %1/%2</translation>
    </message>
    <message>
        <source>All stops done</source>
        <translation>所有拣货点已完成</translation>
    </message>
    <message>
        <source>Scan order numbers, or take the next batch.</source>
        <translation>扫描订单号，或领取下一批。</translation>
    </message>
    <message>
        <source>left</source>
        <translation>左</translation>
    </message>
    <message>
        <source>right</source>
        <translation>右</translation>
    </message>
    <message>
        <source>Aisle %1, %2 m, %3 side, level %4</source>
        <translation>第 %1 通道，%2 米，%3侧，第 %4 层</translation>
    </message>
    <message>
        <source>Lot %1, expires %2</source>
        <translation>批号 %1，有效期至 %2</translation>
    </message>
    <message>
        <source>Lot %1</source>
        <translation>批号 %1</translation>
    </message>
    <message>
        <source>Tote %1</source>
        <translation>周转箱 %1</translation>
    </message>
    <message>
        <source>Scan the item</source>
        <translation>请扫描商品</translation>
    </message>
    <message>
        <source>Scan the bin label</source>
        <translation>请扫描货位标签</translation>
    </message>
</context>
<context>
    <name>PrintQueue</name>
    <message>
        <source>Printed: %1</source>
        <translation>已打印：%1</translation>
    </message>
    <message>
        <source>Printer not reachable: %1 waits and prints when it is back (%2)</source>
        <translation>无法连接打印机：%1 正在等待，打印机恢复后将打印（%2）</translation>
    </message>
    <message>
        <source>Check the printer, it may have printed part: %1 (%2)</source>
        <translation>请检查打印机，可能已打印了一部分：%1（%2）</translation>
    </message>
    <message>
        <source>Cannot print: %1 (%2)</source>
        <translation>无法打印：%1（%2）</translation>
    </message>
    <message>
        <source>Print queue: %1</source>
        <translation>打印队列：%1</translation>
    </message>
</context>
<context>
    <name>PrinterRow</name>
    <message>
        <source>Chinese: printer font</source>
        <translation>中文：使用打印机字体</translation>
    </message>
    <message>
        <source>Chinese: as bitmaps</source>
        <translation>中文：以位图发送</translation>
    </message>
    <message>
        <source>ZPL printers without a Chinese font need the text sent as bitmaps</source>
        <translation>没有中文字体的 ZPL 打印机需要把文字以位图发送</translation>
    </message>
    <message>
        <source>Test print</source>
        <translation>打印测试页</translation>
    </message>
</context>
<context>
    <name>Priority</name>
    <message>
        <source>normal</source>
        <translation>普通</translation>
    </message>
    <message>
        <source>high</source>
        <translation>高</translation>
    </message>
    <message>
        <source>urgent</source>
        <translation>紧急</translation>
    </message>
</context>
<context>
    <name>ProductsSection</name>
    <message>
        <source>SKU, GTIN or part of the name</source>
        <translation>SKU、GTIN 或名称中的字词</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>SKU</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>GTINs</source>
        <translation>GTIN</translation>
    </message>
    <message>
        <source>Weight (g)</source>
        <translation>重量（克）</translation>
    </message>
    <message>
        <source>Size (mm)</source>
        <translation>尺寸（毫米）</translation>
    </message>
    <message>
        <source>On hand</source>
        <translation>现有库存</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>any date not yet past</source>
        <translation>未过期即可</translation>
    </message>
    <message>
        <source>Fragile</source>
        <translation>易碎</translation>
    </message>
    <message>
        <source>High value</source>
        <translation>高价值</translation>
    </message>
    <message>
        <source>Hazardous</source>
        <translation>危险品</translation>
    </message>
    <message>
        <source>Liquid</source>
        <translation>液体</translation>
    </message>
    <message>
        <source>Restricted</source>
        <translation>限运</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Deactivate</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>English name</source>
        <translation>英文名称</translation>
    </message>
    <message>
        <source>Chinese name</source>
        <translation>中文名称</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>重量</translation>
    </message>
    <message>
        <source>Length × width × height (mm)</source>
        <translation>长 × 宽 × 高（毫米）</translation>
    </message>
    <message>
        <source>Handling</source>
        <translation>处理要求</translation>
    </message>
    <message>
        <source>Minimum shelf life</source>
        <translation>最短剩余保质期</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>缺少</translation>
    </message>
    <message>
        <source>These still pack and ship: the parcel takes the carton's size and the scale's weight, and the pack screen says so when the order opens.</source>
        <translation>这些商品照常打包发货：包裹按所用纸箱的尺寸和电子秤称出的重量计，订单打开时打包界面会提示。</translation>
    </message>
    <message>
        <source>%1 (inactive)</source>
        <translation>%1（已停用）</translation>
    </message>
    <message numerus="yes">
        <source>Catalogue gaps: %n active product(s) without a weight or a size.</source>
        <translation>
            <numerusform>商品资料缺项：%n 个在售商品没有重量或尺寸。</numerusform>
        </translation>
    </message>
    <message>
        <source>weight</source>
        <translation>重量</translation>
    </message>
    <message>
        <source>size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>Activate</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Product %1 saved.</source>
        <translation>商品 %1 已保存。</translation>
    </message>
    <message>
        <source>Product %1 is active again.</source>
        <translation>商品 %1 已重新启用。</translation>
    </message>
    <message>
        <source>Product %1 is deactivated.</source>
        <translation>商品 %1 已停用。</translation>
    </message>
</context>
<context>
    <name>QDockWidget</name>
    <message>
        <source>Virtual devices (demo)</source>
        <translation>虚拟设备（演示）</translation>
    </message>
</context>
<context>
    <name>Queue</name>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Warehouse</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>工位</translation>
    </message>
    <message>
        <source>Placed</source>
        <translation>下单时间</translation>
    </message>
    <message>
        <source>Ship by</source>
        <translation>最晚发货</translation>
    </message>
    <message>
        <source>Tracking number</source>
        <translation>运单号</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 天 %2 小时</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>late by %1</source>
        <translation>已超时 %1</translation>
    </message>
    <message>
        <source>in %1</source>
        <translation>剩余 %1</translation>
    </message>
</context>
<context>
    <name>QueueScreen</name>
    <message>
        <source>Next order (F2)</source>
        <translation>下一单 (F2)</translation>
    </message>
    <message>
        <source>Packing now: %1</source>
        <translation>正在打包：%1</translation>
    </message>
    <message>
        <source>No order at this station. Press F2 or scan NEXT ORDER.</source>
        <translation>本工位暂无订单。按 F2 或扫描“下一单”。</translation>
    </message>
    <message>
        <source>Order %1 was put on hold by a supervisor. Stop packing it; what you packed is kept.</source>
        <translation>主管已暂停订单 %1。请停止打包；已装的商品记录会保留。</translation>
    </message>
    <message>
        <source>Order %1 was cancelled by the shop. Stop packing it and put its items back on their shelves.</source>
        <translation>订单 %1 已被店铺取消。请停止打包，并把商品放回原货位。</translation>
    </message>
    <message>
        <source>Order %1 was cancelled. Stop packing it and put the items aside.</source>
        <translation>订单 %1 已取消。请停止打包并将商品放到一边。</translation>
    </message>
    <message>
        <source>Order %1 was moved to station %2 by a supervisor. Stop packing it; what you packed is kept.</source>
        <translation>主管已将订单 %1 转到工位 %2。请停止打包；已装的商品记录会保留。</translation>
    </message>
    <message>
        <source>Order %1 was taken away from this station by a supervisor. What you packed is kept.</source>
        <translation>主管已将订单 %1 从本工位撤回。已装的商品记录会保留。</translation>
    </message>
    <message>
        <source>Order %1 is open at this station: go on packing it.</source>
        <translation>订单 %1 正在本工位打包：请继续打包。</translation>
    </message>
    <message>
        <source>No order is waiting for this station.</source>
        <translation>没有等待本工位处理的订单。</translation>
    </message>
    <message>
        <source>Order %1 is yours: start packing.</source>
        <translation>订单 %1 已分配给您：开始打包。</translation>
    </message>
    <message numerus="yes">
        <source>Found %n order(s).</source>
        <translation>
            <numerusform>找到 %n 个订单。</numerusform>
        </translation>
    </message>
    <message>
        <source>No order matches %1.</source>
        <translation>没有与 %1 匹配的订单。</translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Waiting to pack</source>
        <translation>待打包</translation>
    </message>
    <message>
        <source>Waiting for a person</source>
        <translation>等待人工处理</translation>
    </message>
    <message>
        <source>Any priority</source>
        <translation>全部优先级</translation>
    </message>
    <message>
        <source>All warehouses</source>
        <translation>全部仓库</translation>
    </message>
    <message>
        <source>All stations</source>
        <translation>全部工位</translation>
    </message>
    <message>
        <source>No station</source>
        <translation>未分配工位</translation>
    </message>
    <message>
        <source>All channels</source>
        <translation>全部渠道</translation>
    </message>
    <message>
        <source>Any date</source>
        <translation>全部日期</translation>
    </message>
    <message>
        <source>Placed today</source>
        <translation>今天下单</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <source>Older than 30 days</source>
        <translation>30 天以前</translation>
    </message>
    <message>
        <source>Search: order, the shop's number, customer, SKU, tracking number or SSCC (Ctrl+F)</source>
        <translation>搜索：订单号、商店订单号、客户、SKU、运单号或 SSCC (Ctrl+F)</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Warehouse</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>工位</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message numerus="yes">
        <source>%n order(s)</source>
        <translation>
            <numerusform>%n 个订单</numerusform>
        </translation>
    </message>
    <message>
        <source>more than %1 orders, counting…</source>
        <translation>超过 %1 个订单，正在计数…</translation>
    </message>
</context>
<context>
    <name>ReportsScreen</name>
    <message>
        <source>Orders per hour</source>
        <translation>每小时订单数</translation>
    </message>
    <message>
        <source>Backlog by status</source>
        <translation>各状态积压订单</translation>
    </message>
    <message>
        <source>Time spent in each stage</source>
        <translation>各环节耗时</translation>
    </message>
    <message>
        <source>Picks and packs per person per hour</source>
        <translation>每人每小时拣货与打包数</translation>
    </message>
    <message>
        <source>Wrong-scan and short-pick rates</source>
        <translation>错扫率与缺货率</translation>
    </message>
    <message>
        <source>Where the peak bottleneck is</source>
        <translation>高峰瓶颈所在</translation>
    </message>
    <message>
        <source>Satisfaction survey scores</source>
        <translation>满意度调查得分</translation>
    </message>
    <message>
        <source>Product scores by SKU</source>
        <translation>各 SKU 商品评分</translation>
    </message>
    <message>
        <source>Returns and exchanges by reason</source>
        <translation>按原因统计的退换货</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>全部时间</translation>
    </message>
    <message>
        <source>&amp;Show</source>
        <translation>显示(&amp;S)</translation>
    </message>
    <message>
        <source>Export &amp;CSV…</source>
        <translation>导出 CSV(&amp;C)…</translation>
    </message>
    <message>
        <source>Export &amp;PDF…</source>
        <translation>导出 PDF(&amp;P)…</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
    <message>
        <source>hour (local time)</source>
        <translation>小时（本地时间）</translation>
    </message>
    <message>
        <source>Report saved to %1</source>
        <translation>报表已保存到 %1</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Export the report</source>
        <translation>导出报表</translation>
    </message>
    <message>
        <source>Could not save: %1</source>
        <translation>无法保存：%1</translation>
    </message>
</context>
<context>
    <name>Returns</name>
    <message>
        <source>resellable</source>
        <translation>可再售</translation>
    </message>
    <message>
        <source>damaged</source>
        <translation>已损坏</translation>
    </message>
    <message>
        <source>wrong item</source>
        <translation>商品不符</translation>
    </message>
    <message>
        <source>changed mind</source>
        <translation>不想要了</translation>
    </message>
    <message>
        <source>wrong size</source>
        <translation>尺码不合适</translation>
    </message>
    <message>
        <source>arrived damaged</source>
        <translation>到货破损</translation>
    </message>
    <message>
        <source>defective</source>
        <translation>质量问题</translation>
    </message>
    <message>
        <source>wrong item sent</source>
        <translation>发错商品</translation>
    </message>
    <message>
        <source>not as described</source>
        <translation>与描述不符</translation>
    </message>
    <message>
        <source>arrived too late</source>
        <translation>到货太晚</translation>
    </message>
    <message>
        <source>approved, waiting for the parcel</source>
        <translation>已批准，等待包裹寄回</translation>
    </message>
    <message>
        <source>label issued, waiting for the parcel</source>
        <translation>已开具面单，等待包裹寄回</translation>
    </message>
    <message>
        <source>received, inspect the items</source>
        <translation>已收货，请检验商品</translation>
    </message>
    <message>
        <source>inspected, ready to complete</source>
        <translation>已检验，可以完成</translation>
    </message>
    <message>
        <source>refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <source>exchanged</source>
        <translation>已换货</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>ReturnsDesk</name>
    <message>
        <source>Order number, the shop's number, return number or scan the label</source>
        <translation>订单号、商店订单号、退货单号，或扫描面单</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>查找(&amp;F)</translation>
    </message>
    <message>
        <source>Find the order to return, or scan a return parcel</source>
        <translation>查找要退货的订单，或扫描退回的包裹</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>SKU</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Can come back</source>
        <translation>可退数量</translation>
    </message>
    <message>
        <source>Return</source>
        <translation>退回</translation>
    </message>
    <message>
        <source>Exchange for</source>
        <translation>换成</translation>
    </message>
    <message>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <source>Exchange</source>
        <translation>换货</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>&amp;Check the policy</source>
        <translation>检查退货政策(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Open the return</source>
        <translation>创建退货单(&amp;O)</translation>
    </message>
    <message>
        <source>Print the return &amp;label</source>
        <translation>打印退货面单(&amp;L)</translation>
    </message>
    <message>
        <source>Parcel &amp;received</source>
        <translation>包裹已收到(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;New return for this order</source>
        <translation>为此订单新建退货(&amp;N)</translation>
    </message>
    <message>
        <source>Next scanned item is:</source>
        <translation>下一件扫描的商品：</translation>
    </message>
    <message>
        <source>bin (optional)</source>
        <translation>货位（可选）</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Inspected</source>
        <translation>已检验</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>状况</translation>
    </message>
    <message>
        <source>Where it went</source>
        <translation>去向</translation>
    </message>
    <message>
        <source>&amp;Inspect the selected item</source>
        <translation>检验所选商品(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Complete: refund or exchange</source>
        <translation>完成：退款或换货(&amp;C)</translation>
    </message>
    <message>
        <source>Nothing found for %1</source>
        <translation>未找到 %1</translation>
    </message>
    <message>
        <source>Return from %1 (%2)</source>
        <translation>订单 %1 退货（%2）</translation>
    </message>
    <message>
        <source>Units of %1 to return</source>
        <translation>%1 的退回数量</translation>
    </message>
    <message>
        <source>same item</source>
        <translation>同款商品</translation>
    </message>
    <message>
        <source>Refunded %1 and %2 points (coupon share kept: %3)</source>
        <translation>已退款 %1 和 %2 积分（优惠券分摊不退：%3）</translation>
    </message>
    <message>
        <source>Exchange order %1</source>
        <translation>换货订单 %1</translation>
    </message>
    <message>
        <source>exchange</source>
        <translation>换货</translation>
    </message>
    <message>
        <source>refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <source>%1 · reason: %2 · %3</source>
        <translation>%1 · 原因：%2 · %3</translation>
    </message>
    <message>
        <source>Return label %1</source>
        <translation>退货面单 %1</translation>
    </message>
    <message>
        <source>Outside the returns policy</source>
        <translation>不符合退货政策</translation>
    </message>
    <message>
        <source>Within the returns policy</source>
        <translation>符合退货政策</translation>
    </message>
    <message>
        <source>Return %1 opened</source>
        <translation>退货单 %1 已创建</translation>
    </message>
    <message>
        <source>Return label %1 sent to the label printer</source>
        <translation>退货面单 %1 已发送到面单打印机</translation>
    </message>
    <message>
        <source>Parcel received: scan each item</source>
        <translation>包裹已收到：请逐件扫描商品</translation>
    </message>
    <message>
        <source>%1: %2, put in %3</source>
        <translation>%1：%2，放入 %3</translation>
    </message>
    <message>
        <source>Select an item first</source>
        <translation>请先选择商品</translation>
    </message>
    <message>
        <source>Exchange order %1 created</source>
        <translation>换货订单 %1 已创建</translation>
    </message>
    <message>
        <source>Return %1 refunded</source>
        <translation>退货单 %1 已退款</translation>
    </message>
</context>
<context>
    <name>ReviewDesk</name>
    <message>
        <source>Why this order waits</source>
        <translation>此订单待审核的原因</translation>
    </message>
    <message>
        <source>Customer history</source>
        <translation>客户历史</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>支付</translation>
    </message>
    <message>
        <source>Shipping address</source>
        <translation>收货地址</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>收件人</translation>
    </message>
    <message>
        <source>Company</source>
        <translation>公司</translation>
    </message>
    <message>
        <source>Street</source>
        <translation>街道地址</translation>
    </message>
    <message>
        <source>Street (2)</source>
        <translation>街道地址（第二行）</translation>
    </message>
    <message>
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>省/地区</translation>
    </message>
    <message>
        <source>Postcode</source>
        <translation>邮编</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>国家</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>&amp;Fix address</source>
        <translation>修正地址(&amp;F)</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>商品明细</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <source>Reason (required to hold, reject or cancel)</source>
        <translation>原因（暂停、拒绝或取消时必填）</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>批准(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Hold</source>
        <translation>暂停(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Reject</source>
        <translation>拒绝(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Cancel order</source>
        <translation>取消订单(&amp;C)</translation>
    </message>
    <message numerus="yes">
        <source>%1 · %2 · %3 · %n flag(s)</source>
        <translation>
            <numerusform>%1 · %2 · %3 · %n 个标记</numerusform>
        </translation>
    </message>
    <message>
        <source>Waiting for review: %1 (the %2 most urgent shown)</source>
        <translation>待审核：%1（仅显示最紧急的 %2 单）</translation>
    </message>
    <message>
        <source>Waiting for review: %1</source>
        <translation>待审核：%1</translation>
    </message>
    <message>
        <source>No order is waiting for review.</source>
        <translation>没有待审核的订单。</translation>
    </message>
    <message>
        <source>Order %1 — %2, %3 priority</source>
        <translation>订单 %1 — %2，优先级：%3</translation>
    </message>
    <message>
        <source>No open flags.</source>
        <translation>没有未处理的标记。</translation>
    </message>
    <message>
        <source>Guest order: no customer record.</source>
        <translation>游客订单：没有客户档案。</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Credit standing</source>
        <translation>信用状况</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>订单数</translation>
    </message>
    <message>
        <source>Spent</source>
        <translation>累计消费</translation>
    </message>
    <message>
        <source>Returns</source>
        <translation>退货次数</translation>
    </message>
    <message>
        <source>Chargebacks</source>
        <translation>拒付次数</translation>
    </message>
    <message>
        <source>Points balance</source>
        <translation>积分余额</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Recent orders</source>
        <translation>最近订单</translation>
    </message>
    <message>
        <source>Goods</source>
        <translation>商品金额</translation>
    </message>
    <message>
        <source>Coupon %1</source>
        <translation>优惠券 %1</translation>
    </message>
    <message>
        <source>Points (%1 used)</source>
        <translation>积分（使用 %1）</translation>
    </message>
    <message>
        <source>Shipping</source>
        <translation>运费</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>应付</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>实付</translation>
    </message>
    <message>
        <source>Give a reason first.</source>
        <translation>请先填写原因。</translation>
    </message>
    <message>
        <source>Order %1 approved.</source>
        <translation>订单 %1 已批准。</translation>
    </message>
    <message>
        <source>Order %1 is on hold.</source>
        <translation>订单 %1 已暂停。</translation>
    </message>
    <message>
        <source>Order %1 rejected.</source>
        <translation>订单 %1 已拒绝。</translation>
    </message>
    <message>
        <source>Order %1 cancelled.</source>
        <translation>订单 %1 已取消。</translation>
    </message>
    <message>
        <source>Address saved, but it still looks wrong: %1</source>
        <translation>地址已保存，但仍有问题：%1</translation>
    </message>
    <message>
        <source>Address fixed.</source>
        <translation>地址已修正。</translation>
    </message>
</context>
<context>
    <name>Role</name>
    <message>
        <source>packer</source>
        <translation>打包员</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <source>shipping</source>
        <translation>发货员</translation>
    </message>
    <message>
        <source>customer service</source>
        <translation>客服</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>管理员</translation>
    </message>
</context>
<context>
    <name>Screens</name>
    <message>
        <source>Pick</source>
        <translation>拣货</translation>
    </message>
    <message>
        <source>Order queue</source>
        <translation>订单队列</translation>
    </message>
    <message>
        <source>Pack</source>
        <translation>打包</translation>
    </message>
    <message>
        <source>Review desk</source>
        <translation>审核台</translation>
    </message>
    <message>
        <source>Supervisor board</source>
        <translation>主管看板</translation>
    </message>
    <message>
        <source>Administration</source>
        <translation>系统管理</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Tracking</source>
        <translation>物流跟踪</translation>
    </message>
    <message>
        <source>Returns desk</source>
        <translation>退换货台</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>Shipping</source>
        <translation>发货</translation>
    </message>
    <message>
        <source>Service cases</source>
        <translation>客服工单</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Goods in</source>
        <translation>收货</translation>
    </message>
    <message>
        <source>Stock control</source>
        <translation>库存管理</translation>
    </message>
</context>
<context>
    <name>ServiceCasesScreen</name>
    <message>
        <source>open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>answered</source>
        <translation>已回复</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>Show closed cases</source>
        <translation>显示已关闭的工单</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Updated (UTC)</source>
        <translation>更新时间（UTC）</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>留言数</translation>
    </message>
    <message>
        <source>Last message</source>
        <translation>最新留言</translation>
    </message>
    <message>
        <source>Choose a case to read its messages</source>
        <translation>请选择一个工单查看留言</translation>
    </message>
    <message>
        <source>Your answer (sent to the customer by e-mail)</source>
        <translation>回复内容（将通过电子邮件发送给客户）</translation>
    </message>
    <message>
        <source>Send &amp;answer</source>
        <translation>发送回复(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Close case</source>
        <translation>关闭工单(&amp;C)</translation>
    </message>
    <message>
        <source>Case %1 · order %2</source>
        <translation>工单 %1 · 订单 %2</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>客服</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Reply saved on the case: the customer left no e-mail address, so no e-mail goes.</source>
        <translation>回复已保存在工单中：客户未留电子邮箱，不会发送邮件。</translation>
    </message>
    <message>
        <source>Reply queued, mail server unreachable: it goes by e-mail when the server answers again.</source>
        <translation>回复已排队，但邮件服务器无法连接：服务器恢复后将通过电子邮件发出。</translation>
    </message>
    <message>
        <source>Reply queued: it goes to the customer by e-mail.</source>
        <translation>回复已排队：将通过电子邮件发给客户。</translation>
    </message>
    <message>
        <source>e-mailed %1 UTC</source>
        <translation>已于 %1 UTC 发出邮件</translation>
    </message>
    <message>
        <source>reply queued, mail server unreachable</source>
        <translation>回复已排队，邮件服务器无法连接</translation>
    </message>
    <message>
        <source>not e-mailed: %1</source>
        <translation>邮件未发出：%1</translation>
    </message>
    <message>
        <source>no e-mail address: not e-mailed</source>
        <translation>无电子邮箱：未发邮件</translation>
    </message>
    <message>
        <source>reply queued</source>
        <translation>回复已排队</translation>
    </message>
    <message numerus="yes">
        <source>Mail server unreachable since %1: %n e-mail(s) wait in the outbox and go when it answers again.</source>
        <translation>
            <numerusform>邮件服务器自 %1 起无法连接：%n 封邮件在发件箱中等待，服务器恢复后发出。</numerusform>
        </translation>
    </message>
    <message>
        <source>Case closed</source>
        <translation>工单已关闭</translation>
    </message>
</context>
<context>
    <name>SettingsScreen</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Any warehouse</source>
        <translation>不限仓库</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Station name</source>
        <translation>工位名称</translation>
    </message>
    <message>
        <source>Warehouse of this station</source>
        <translation>本工位所属仓库</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>Config file</source>
        <translation>配置文件</translation>
    </message>
    <message>
        <source>A new station name takes effect at the next start.</source>
        <translation>新的工位名称在下次启动后生效。</translation>
    </message>
    <message>
        <source>Settings saved.</source>
        <translation>设置已保存。</translation>
    </message>
</context>
<context>
    <name>ShippingScreen</name>
    <message>
        <source>Labels</source>
        <translation>面单</translation>
    </message>
    <message>
        <source>Close-out</source>
        <translation>揽收交接</translation>
    </message>
    <message>
        <source>Printers</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Order number, tracking number or SSCC (type or scan)</source>
        <translation>订单号、运单号或 SSCC（输入或扫描）</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>Scan or type an order to start.</source>
        <translation>扫描或输入订单号开始。</translation>
    </message>
    <message>
        <source>Parcel</source>
        <translation>包裹</translation>
    </message>
    <message>
        <source>Tracking number</source>
        <translation>运单号</translation>
    </message>
    <message>
        <source>SSCC</source>
        <translation>SSCC</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>服务</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>重量</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Reprints</source>
        <translation>重打次数</translation>
    </message>
    <message>
        <source>from catalogue</source>
        <translation>按商品资料</translation>
    </message>
    <message>
        <source>Label and print</source>
        <translation>生成面单并打印</translation>
    </message>
    <message>
        <source>Label a packed order</source>
        <translation>为已打包订单生成面单</translation>
    </message>
    <message>
        <source>Weight per parcel</source>
        <translation>每个包裹的重量</translation>
    </message>
    <message>
        <source>Length x width x height</source>
        <translation>长 x 宽 x 高</translation>
    </message>
    <message>
        <source>Parcels</source>
        <translation>包裹数</translation>
    </message>
    <message>
        <source>Reason (needed to reprint or void)</source>
        <translation>原因（重打或作废时必填）</translation>
    </message>
    <message>
        <source>Reprint label</source>
        <translation>重打面单</translation>
    </message>
    <message>
        <source>Void labels</source>
        <translation>作废面单</translation>
    </message>
    <message>
        <source>Print label and slip</source>
        <translation>打印面单和装箱单</translation>
    </message>
    <message>
        <source>Show packing slip</source>
        <translation>显示装箱单</translation>
    </message>
    <message>
        <source>Labelled order</source>
        <translation>已生成面单的订单</translation>
    </message>
    <message>
        <source>Order %1: %2</source>
        <translation>订单 %1：%2</translation>
    </message>
    <message>
        <source>Cheapest that keeps the promise</source>
        <translation>满足时效承诺的最低价服务</translation>
    </message>
    <message>
        <source>Labelled: %1</source>
        <translation>已生成面单：%1</translation>
    </message>
    <message>
        <source>Choose the parcel whose label to print again.</source>
        <translation>请选择要重打面单的包裹。</translation>
    </message>
    <message>
        <source>Reprint queued.</source>
        <translation>重打任务已加入队列。</translation>
    </message>
    <message>
        <source>Labels voided; the order is back to packed.</source>
        <translation>面单已作废；订单退回“已打包”状态。</translation>
    </message>
    <message>
        <source>Already printed; use Reprint (with a reason) to print again.</source>
        <translation>已打印过；如需再次打印，请使用“重打面单”并填写原因。</translation>
    </message>
    <message>
        <source>Carrier</source>
        <translation>承运商</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Parcels waiting</source>
        <translation>待交接包裹</translation>
    </message>
    <message>
        <source>Close out the selected carrier</source>
        <translation>为所选承运商办理揽收交接</translation>
    </message>
    <message>
        <source>Manifest</source>
        <translation>交接单</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>交接时间</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Save manifest PDF and CSV…</source>
        <translation>保存交接单 PDF 和 CSV…</translation>
    </message>
    <message>
        <source>Parcels labelled and not yet handed over</source>
        <translation>已生成面单、尚未交接的包裹</translation>
    </message>
    <message>
        <source>Manifests</source>
        <translation>交接单</translation>
    </message>
    <message>
        <source>Choose a carrier first.</source>
        <translation>请先选择承运商。</translation>
    </message>
    <message>
        <source>%1: %2 parcels shipped</source>
        <translation>%1：已发出 %2 个包裹</translation>
    </message>
    <message>
        <source>Choose a manifest first.</source>
        <translation>请先选择交接单。</translation>
    </message>
    <message>
        <source>Save the manifest in</source>
        <translation>交接单保存位置</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>Printers of station %1</source>
        <translation>工位 %1 的打印机</translation>
    </message>
    <message>
        <source>Packing slips</source>
        <translation>装箱单</translation>
    </message>
    <message>
        <source>Save printers</source>
        <translation>保存打印机设置</translation>
    </message>
    <message>
        <source>System printers: %1. CUPS: %2.</source>
        <translation>系统打印机：%1。CUPS：%2。</translation>
    </message>
    <message>
        <source>none found</source>
        <translation>未找到</translation>
    </message>
    <message>
        <source>available</source>
        <translation>可用</translation>
    </message>
    <message>
        <source>not installed (no 'lp' command)</source>
        <translation>未安装（没有 lp 命令）</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Tries</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>信息</translation>
    </message>
    <message>
        <source>Send again</source>
        <translation>重新发送</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>忽略</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Print queue (jobs waiting or needing a decision)</source>
        <translation>打印队列（等待中或需要处理的任务）</translation>
    </message>
    <message>
        <source>Printers saved.</source>
        <translation>打印机设置已保存。</translation>
    </message>
    <message>
        <source>Test page queued.</source>
        <translation>测试页已加入队列。</translation>
    </message>
    <message>
        <source>Choose a job first.</source>
        <translation>请先选择打印任务。</translation>
    </message>
    <message>
        <source>The job goes to the printer again.</source>
        <translation>任务将重新发送到打印机。</translation>
    </message>
</context>
<context>
    <name>StaffSection</name>
    <message>
        <source>Packer</source>
        <translation>打包员</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <source>Shipping</source>
        <translation>发货员</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>客服</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Roles</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Badge</source>
        <translation>工牌</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>锁定</translation>
    </message>
    <message>
        <source>scan or type a new badge; empty keeps the badge</source>
        <translation>扫描或输入新工牌；留空则保留原工牌</translation>
    </message>
    <message>
        <source>Take the badge away</source>
        <translation>收回工牌</translation>
    </message>
    <message>
        <source>4 to 12 digits; empty keeps the PIN</source>
        <translation>4 到 12 位数字；留空则保留原 PIN 码</translation>
    </message>
    <message>
        <source>The station's</source>
        <translation>随工位设置</translation>
    </message>
    <message>
        <source>May log in</source>
        <translation>允许登录</translation>
    </message>
    <message>
        <source>New user</source>
        <translation>新建用户</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Print badge card…</source>
        <translation>打印工牌卡…</translation>
    </message>
    <message>
        <source>A card with the badge's barcode, for the badge typed above</source>
        <translation>为上面输入的工牌生成带条码的工牌卡</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Lift the lock after wrong PINs now, instead of when it runs out</source>
        <translation>立即解除因 PIN 码错误造成的锁定，无需等到锁定期满</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN 码</translation>
    </message>
    <message>
        <source>A user who is deactivated is logged out at every station at once.</source>
        <translation>停用的用户会立即从所有工位登出。</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>until %1</source>
        <translation>至 %1</translation>
    </message>
    <message>
        <source>User %1 added.</source>
        <translation>已添加用户 %1。</translation>
    </message>
    <message>
        <source>User %1 saved.</source>
        <translation>已保存用户 %1。</translation>
    </message>
    <message>
        <source>Choose a locked user first.</source>
        <translation>请先选择一个被锁定的用户。</translation>
    </message>
    <message>
        <source>User %1 unlocked.</source>
        <translation>用户 %1 已解锁。</translation>
    </message>
    <message>
        <source>Type or scan the user's badge first: the card prints that code.</source>
        <translation>请先输入或扫描该用户的工牌：工牌卡上印的就是这个编码。</translation>
    </message>
    <message>
        <source>Save badge card</source>
        <translation>保存工牌卡</translation>
    </message>
    <message>
        <source>Badge card saved to %1</source>
        <translation>工牌卡已保存到 %1</translation>
    </message>
</context>
<context>
    <name>Standing</name>
    <message>
        <source>good</source>
        <translation>良好</translation>
    </message>
    <message>
        <source>watch</source>
        <translation>需关注</translation>
    </message>
    <message>
        <source>poor</source>
        <translation>较差</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation>已封禁</translation>
    </message>
</context>
<context>
    <name>StationsSection</name>
    <message>
        <source>Pack bench</source>
        <translation>打包台</translation>
    </message>
    <message>
        <source>Picking</source>
        <translation>拣货</translation>
    </message>
    <message>
        <source>Shipping desk</source>
        <translation>发货台</translation>
    </message>
    <message>
        <source>Review desk</source>
        <translation>审核台</translation>
    </message>
    <message>
        <source>Customer service</source>
        <translation>客服</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>面单</translation>
    </message>
    <message>
        <source>Packing slips</source>
        <translation>装箱单</translation>
    </message>
    <message>
        <source>Manifests</source>
        <translation>交接清单</translation>
    </message>
    <message>
        <source>scanner</source>
        <translation>扫描枪</translation>
    </message>
    <message>
        <source>RFID reader</source>
        <translation>RFID 读写器</translation>
    </message>
    <message>
        <source>scale</source>
        <translation>电子秤</translation>
    </message>
    <message>
        <source>printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>工位</translation>
    </message>
    <message>
        <source>Warehouse</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Logged in</source>
        <translation>当前登录</translation>
    </message>
    <message>
        <source>Printers</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Register station</source>
        <translation>登记工位</translation>
    </message>
    <message>
        <source>New station</source>
        <translation>新工位</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Save printers</source>
        <translation>保存打印机</translation>
    </message>
    <message>
        <source>A test page goes to that station's print queue: the station prints it while it runs.</source>
        <translation>测试页进入该工位的打印队列：该工位运行时会打印。</translation>
    </message>
    <message>
        <source>not reported yet</source>
        <translation>尚未上报</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Any warehouse</source>
        <translation>任意仓库</translation>
    </message>
    <message>
        <source>nobody</source>
        <translation>无人</translation>
    </message>
    <message>
        <source>any</source>
        <translation>任意</translation>
    </message>
    <message>
        <source>Printers of station %1</source>
        <translation>工位 %1 的打印机</translation>
    </message>
    <message>
        <source>Station %1 registered.</source>
        <translation>已登记工位 %1。</translation>
    </message>
    <message>
        <source>Choose a station first.</source>
        <translation>请先选择一个工位。</translation>
    </message>
    <message>
        <source>Printers of %1 saved.</source>
        <translation>已保存 %1 的打印机。</translation>
    </message>
    <message>
        <source>Test page queued for %1.</source>
        <translation>已为 %1 排入测试页。</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <source>received</source>
        <translation>已接收</translation>
    </message>
    <message>
        <source>in review</source>
        <translation>审核中</translation>
    </message>
    <message>
        <source>on hold</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>backordered</source>
        <translation>缺货待补</translation>
    </message>
    <message>
        <source>confirmed</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>allocated</source>
        <translation>已分配</translation>
    </message>
    <message>
        <source>picking</source>
        <translation>拣货中</translation>
    </message>
    <message>
        <source>picked</source>
        <translation>已拣货</translation>
    </message>
    <message>
        <source>packing</source>
        <translation>打包中</translation>
    </message>
    <message>
        <source>packed</source>
        <translation>已打包</translation>
    </message>
    <message>
        <source>labelled</source>
        <translation>已贴面单</translation>
    </message>
    <message>
        <source>shipped</source>
        <translation>已发货</translation>
    </message>
    <message>
        <source>delivered</source>
        <translation>已签收</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>returned</source>
        <translation>已退货</translation>
    </message>
</context>
<context>
    <name>StockScreen</name>
    <message>
        <source>Stock control</source>
        <translation>库存管理</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>盘点</translation>
    </message>
    <message>
        <source>Today's plan</source>
        <translation>今日计划</translation>
    </message>
    <message>
        <source>Approvals</source>
        <translation>审批</translation>
    </message>
    <message>
        <source>Adjust</source>
        <translation>调整</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>SKU</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Lot</source>
        <translation>批号</translation>
    </message>
    <message>
        <source>Counted</source>
        <translation>已盘点</translation>
    </message>
    <message>
        <source>Type a code as the scanner would</source>
        <translation>像扫描枪一样输入编码</translation>
    </message>
    <message>
        <source>Words you may scan or type: qty N (the next scan counts N, qty -1 takes one back), lot X, expiry YYYY-MM-DD, close, cancel. The bin label again closes the count.</source>
        <translation>可扫描或输入的指令：qty N（下一次扫描计 N 件，qty -1 减去一件）、lot X（批号）、expiry YYYY-MM-DD（有效期）、close（结束）、cancel（取消）。再次扫描货位标签即结束盘点。</translation>
    </message>
    <message>
        <source>Close count</source>
        <translation>结束盘点</translation>
    </message>
    <message>
        <source>Cancel count</source>
        <translation>取消盘点</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Warehouse</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>Bin</source>
        <translation>货位</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>到期日</translation>
    </message>
    <message>
        <source>Days overdue</source>
        <translation>逾期天数</translation>
    </message>
    <message>
        <source>Fast mover</source>
        <translation>快速周转</translation>
    </message>
    <message>
        <source>Double-click a bin to count it.</source>
        <translation>双击货位开始盘点。</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>工位</translation>
    </message>
    <message>
        <source>Count number</source>
        <translation>盘点单号</translation>
    </message>
    <message>
        <source>Counted by</source>
        <translation>盘点人</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>结束时间</translation>
    </message>
    <message>
        <source>Differences</source>
        <translation>差异数</translation>
    </message>
    <message>
        <source>Need approval</source>
        <translation>需审批数</translation>
    </message>
    <message>
        <source>Books</source>
        <translation>账面</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>Needs approval</source>
        <translation>需审批</translation>
    </message>
    <message>
        <source>Note (optional)</source>
        <translation>备注（可选）</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>批准</translation>
    </message>
    <message>
        <source>Refuse: count again</source>
        <translation>驳回：重新盘点</translation>
    </message>
    <message>
        <source>Change the stock of a bin</source>
        <translation>调整货位库存</translation>
    </message>
    <message>
        <source>scan the bin</source>
        <translation>扫描货位</translation>
    </message>
    <message>
        <source>only for a product kept by lot</source>
        <translation>仅限按批号管理的商品</translation>
    </message>
    <message>
        <source>why (needed for the reason other)</source>
        <translation>原因（原因为“其他”时必填）</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>确认调整</translation>
    </message>
    <message>
        <source>Change (minus takes away)</source>
        <translation>变动数（负数为减少）</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Expiry</source>
        <translation>有效期</translation>
    </message>
    <message>
        <source>On hand</source>
        <translation>现有库存</translation>
    </message>
    <message>
        <source>Reserved</source>
        <translation>已预留</translation>
    </message>
    <message>
        <source>Where it lies (double-click a row to change it)</source>
        <translation>库存位置（双击一行进行调整）</translation>
    </message>
    <message>
        <source>Scan a bin label to count it</source>
        <translation>扫描货位标签开始盘点</translation>
    </message>
    <message>
        <source>No count open.</source>
        <translation>没有进行中的盘点。</translation>
    </message>
    <message>
        <source>Scan everything in bin %1, then scan its label again</source>
        <translation>扫描货位 %1 中的全部商品，然后再次扫描其标签</translation>
    </message>
    <message>
        <source>Bin %1 · count %2 · %3 unit(s) counted</source>
        <translation>货位 %1 · 盘点单 %2 · 已盘点 %3 件</translation>
    </message>
    <message>
        <source>Close or cancel the count of bin %1 first.</source>
        <translation>请先结束或取消货位 %1 的盘点。</translation>
    </message>
    <message>
        <source>No count is open: scan a bin label first.</source>
        <translation>没有进行中的盘点：请先扫描货位标签。</translation>
    </message>
    <message>
        <source>This station has no warehouse: choose one.</source>
        <translation>本工位没有所属仓库：请选择一个仓库。</translation>
    </message>
    <message>
        <source>%1 bin(s) to count today. Double-click a bin to count it.</source>
        <translation>今天有 %1 个货位要盘点。双击货位开始盘点。</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>Choose a count first.</source>
        <translation>请先选择一个盘点单。</translation>
    </message>
    <message>
        <source>%1 in %2: %3 before, %4 now</source>
        <translation>%1 在 %2：原为 %3，现为 %4</translation>
    </message>
</context>
<context>
    <name>SupervisorBoard</name>
    <message>
        <source>Station</source>
        <translation>工位</translation>
    </message>
    <message>
        <source>Warehouse</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>Logged in</source>
        <translation>登录人员</translation>
    </message>
    <message>
        <source>Current order</source>
        <translation>当前订单</translation>
    </message>
    <message>
        <source>Done today</source>
        <translation>今日完成</translation>
    </message>
    <message>
        <source>Per hour today</source>
        <translation>今日时均</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>最近一小时</translation>
    </message>
    <message>
        <source>Stations — drop orders on a station to give them to it</source>
        <translation>工位 — 将订单拖到工位上即可分配给它</translation>
    </message>
    <message>
        <source>Target station</source>
        <translation>目标工位</translation>
    </message>
    <message>
        <source>Move to &amp;station</source>
        <translation>转到工位(&amp;S)</translation>
    </message>
    <message>
        <source>Target warehouse</source>
        <translation>目标仓库</translation>
    </message>
    <message>
        <source>Move to &amp;warehouse</source>
        <translation>转到仓库(&amp;W)</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Set &amp;priority</source>
        <translation>设置优先级(&amp;P)</translation>
    </message>
    <message>
        <source>Reason to hold</source>
        <translation>暂停原因</translation>
    </message>
    <message>
        <source>&amp;Hold</source>
        <translation>暂停(&amp;H)</translation>
    </message>
    <message>
        <source>R&amp;elease</source>
        <translation>放行(&amp;E)</translation>
    </message>
    <message>
        <source>No station (back to the queue)</source>
        <translation>不指定工位（退回队列）</translation>
    </message>
    <message>
        <source>The station has not been heard of since %1: it may have crashed or lost its connection.</source>
        <translation>该工位自 %1 起无响应：可能已崩溃或断开连接。</translation>
    </message>
    <message>
        <source>nobody</source>
        <translation>无人</translation>
    </message>
    <message>
        <source>%1 — silent since %2</source>
        <translation>%1 — 自 %2 起无响应</translation>
    </message>
    <message numerus="yes">
        <source>%n order(s) selected</source>
        <translation>
            <numerusform>已选 %n 个订单</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 done, %2 refused: %3</source>
        <translation>%1 个已完成，%2 个被拒绝：%3</translation>
    </message>
    <message>
        <source>%1 order(s) moved to %2.</source>
        <translation>%1 个订单已转到 %2。</translation>
    </message>
    <message>
        <source>the queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>%1 order(s) moved to warehouse %2.</source>
        <translation>%1 个订单已转到仓库 %2。</translation>
    </message>
    <message>
        <source>Priority changed on %1 order(s).</source>
        <translation>已更改 %1 个订单的优先级。</translation>
    </message>
    <message>
        <source>Give a reason to hold.</source>
        <translation>请填写暂停原因。</translation>
    </message>
    <message>
        <source>%1 order(s) on hold.</source>
        <translation>%1 个订单已暂停。</translation>
    </message>
    <message>
        <source>%1 order(s) released.</source>
        <translation>%1 个订单已放行。</translation>
    </message>
</context>
<context>
    <name>Tracking</name>
    <message>
        <source>returned to the warehouse</source>
        <translation>已退回仓库</translation>
    </message>
    <message>
        <source>delivered to %1</source>
        <translation>已送达 %1</translation>
    </message>
    <message>
        <source>cancelled: nothing will be shipped</source>
        <translation>已取消：不会发货</translation>
    </message>
    <message>
        <source>in transit, last seen at %1</source>
        <translation>运输中，最近位置：%1</translation>
    </message>
    <message>
        <source>out for delivery from %1</source>
        <translation>正在从 %1 派送</translation>
    </message>
    <message>
        <source>held by the carrier at %1</source>
        <translation>被承运商滞留于 %1</translation>
    </message>
    <message>
        <source>handed to %1</source>
        <translation>已交付 %1</translation>
    </message>
    <message>
        <source>labelled, waiting for the carrier's pick-up at %1</source>
        <translation>已贴面单，在 %1 等待承运商揽收</translation>
    </message>
    <message>
        <source>not yet in work</source>
        <translation>尚未开始处理</translation>
    </message>
    <message>
        <source>in the warehouse: %1</source>
        <translation>仓库处理中：%1</translation>
    </message>
    <message>
        <source>Delayed: the carrier reports a problem (%1)</source>
        <translation>延误：承运商报告异常（%1）</translation>
    </message>
    <message>
        <source>Delayed: %1 day(s) past the expected delivery day</source>
        <translation>延误：已超过预计送达日 %1 天</translation>
    </message>
    <message>
        <source>Delayed: not yet shipped, it was promised to leave by %1</source>
        <translation>延误：尚未发货，承诺的发货时间为 %1</translation>
    </message>
    <message>
        <source>labelled</source>
        <translation>已贴面单</translation>
    </message>
    <message>
        <source>shipped</source>
        <translation>已发货</translation>
    </message>
    <message>
        <source>delivered</source>
        <translation>已签收</translation>
    </message>
    <message>
        <source>returned</source>
        <translation>已退回</translation>
    </message>
    <message>
        <source>voided</source>
        <translation>已作废</translation>
    </message>
</context>
<context>
    <name>TrackingScreen</name>
    <message>
        <source>Order number, the shop's number, tracking number, SSCC or scan the label</source>
        <translation>订单号、商店订单号、运单号、SSCC，或扫描面单</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>查找(&amp;F)</translation>
    </message>
    <message>
        <source>Type or scan to look an order up</source>
        <translation>输入或扫描以查询订单</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>当前位置</translation>
    </message>
    <message>
        <source>Expected delivery</source>
        <translation>预计送达</translation>
    </message>
    <message>
        <source>Parcels</source>
        <translation>包裹</translation>
    </message>
    <message>
        <source>Returns</source>
        <translation>退货</translation>
    </message>
    <message>
        <source>Time (UTC)</source>
        <translation>时间（UTC）</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>工位</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Open a &amp;return…</source>
        <translation>发起退货(&amp;R)…</translation>
    </message>
    <message>
        <source>delivered on %1</source>
        <translation>已于 %1 签收</translation>
    </message>
    <message>
        <source>not known until the parcel is labelled</source>
        <translation>生成面单后才能确定</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>暂无</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
</context>
<context>
    <name>VirtualPrinterDialog</name>
    <message>
        <source>Virtual label printer</source>
        <translation>虚拟面单打印机</translation>
    </message>
    <message>
        <source>Nothing printed yet: pack an order, and its label comes out here (%1).</source>
        <translation>尚未打印任何内容：打包一个订单，面单就会在这里出现（%1）。</translation>
    </message>
    <message>
        <source>The last label printed: %1</source>
        <translation>最近打印的面单：%1</translation>
    </message>
    <message>
        <source>Open the file</source>
        <translation>打开文件</translation>
    </message>
</context>
<context>
    <name>VirtualScanner</name>
    <message>
        <source>Next order</source>
        <translation>下一单</translation>
    </message>
    <message>
        <source>Close box</source>
        <translation>封箱</translation>
    </message>
    <message>
        <source>Reprint label</source>
        <translation>重打面单</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Weigh now</source>
        <translation>立即称重</translation>
    </message>
    <message>
        <source>Tare scale</source>
        <translation>去皮</translation>
    </message>
    <message>
        <source>Zero scale</source>
        <translation>置零</translation>
    </message>
    <message>
        <source>Virtual devices (demo)</source>
        <translation>虚拟设备（演示）</translation>
    </message>
    <message>
        <source>Demo:</source>
        <translation>演示：</translation>
    </message>
    <message>
        <source>Barcode: GTIN, ]C1 GS1 data, SKU, CMD:...</source>
        <translation>条码：GTIN、]C1 GS1 数据、SKU、CMD:...</translation>
    </message>
    <message>
        <source>Scan</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>More</source>
        <translation>更多</translation>
    </message>
    <message>
        <source>Take box off</source>
        <translation>取下箱子</translation>
    </message>
    <message>
        <source>Last label…</source>
        <translation>最近面单…</translation>
    </message>
    <message>
        <source>Scale:</source>
        <translation>电子秤：</translation>
    </message>
    <message>
        <source>box on: its weight</source>
        <translation>放箱：正确重量</translation>
    </message>
    <message>
        <source>box on: a wrong weight</source>
        <translation>放箱：错误重量</translation>
    </message>
    <message>
        <source>box on: nothing</source>
        <translation>放箱：不放</translation>
    </message>
    <message>
        <source>What the scale weighs when a box is closed</source>
        <translation>封箱时秤上称得的重量</translation>
    </message>
    <message>
        <source>%1 g</source>
        <translation>%1 克</translation>
    </message>
</context>
</TS>