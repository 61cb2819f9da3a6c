"""What the services tell an operator when they refuse (``StationError`` messages), for the screens.

The services raise English sentences (the CLI, the logs and the tests read them); each one a screen may show is
here, written with the same fields as the service's f-string, and its Chinese is the glossary's (context
"Errors", :mod:`app.i18n`). ``operator_text(message, language)``
gives a message in the screen's language: a service error, a review rule's reason, a returns policy answer; a
message it does not know stays as it is. tests/domain/test_error_texts.py keeps this table in step with the
services' ``raise`` statements.
"""

from __future__ import annotations

from app import i18n
from app.domain.names import chinese_wanted, role_name, status_predicate
from app.domain.wording import Wording

# Codes a sentence names in words (their Chinese: the glossary's, in the context named): a return's or a parcel's
# status as a sentence says it ("退货单 RT1 已收货：..."), an action on an order, a printer's kind.
_CODE_WORDS: dict[str, dict[str, str]] = {
    "ReturnStatus": {"approved": "approved", "label_issued": "label issued", "received": "received",
                     "inspected": "inspected", "refunded": "refunded", "exchanged": "exchanged",
                     "cancelled": "cancelled"},
    "ParcelStatus": {"labelled": "labelled", "shipped": "shipped", "delivered": "delivered", "returned": "returned",
                     "voided": "voided"},
    "Action": {"hold": "hold", "reject": "reject", "cancel": "cancel", "release": "release", "reassign": "reassign"},
    "DeliveryStatus": {"closed": "closed", "cancelled": "cancelled"},
    "ReceiptState": {"put away": "put away", "quarantined": "quarantined"},
    "CountStatus": {"counting": "being counted", "review": "waiting for approval", "posted": "posted",
                    "cancelled": "cancelled"},
    "AdjustReason": {"damaged": "damaged", "expired": "expired", "lost": "lost", "found": "found",
                     "miscount": "miscount", "sample": "sample", "other": "other"},
    "PrinterKind": {"label": "label", "packing_slip": "packing slip", "slip": "slip", "manifest": "manifest",
                    "document": "document"},
}
for _context, _words in _CODE_WORDS.items():
    i18n.register(_context, _words.values())
i18n.register("Separator", (" or ",))
i18n.register("Errors", ("none",))


def _code_zh(context: str):
    words = _CODE_WORDS[context]
    return lambda value: i18n.translation(words[value], "zh_CN", context) if value in words else value


def _roles(value: str) -> str:
    return i18n.translation(" or ", "zh_CN", "Separator").join(role_name(part, "zh_CN") for part in value.split(" or "))


ERRORS = Wording(
    "Errors",
    {
        # people
        "pin": "a PIN is 4 to 12 digits",
        "role": "{user} ({role}) may not do this: it needs {needed}",
        "badge": "badge not recognised",
        "login": "unknown user or wrong PIN",
        "login_locked": "{user} is locked after {tries} wrong PINs until {until}: try again then, or ask a supervisor "
                        "to unlock it",
        "login_not_locked": "user {user} is not locked",
        "station": "no station named {name}",
        "station_name": "the station needs a name",
        # orders
        "no_order": "no order {number}",
        "order_gone": "order {number} is gone",
        "changed": "order {number} was changed by someone else while you were looking at it; it has been reloaded, "
                    "check it and try again",
        "changed_same_moment": "order {number} was changed at another station at the same moment; it has been "
                                "reloaded, try again",
        "reason": "a reason is required to {action} an order",
        "not_in_review": "order {number} is {status}, not waiting for review",
        "address_field": "not an address field: {fields}",
        "unknown_skus": "order {number} has lines with unknown SKUs ({skus}): fix them first",
        "hold_here": "order {number} is {status}: only an order in review can be held here",
        "address_fixed": "order {number} is {status}: its address can no longer change",
        "address_same": "the address is unchanged",
        "priority": "priority is 0 (normal), 1 (high) or 2 (urgent)",
        "reassign": "order {number} is {status} and cannot be reassigned",
        "reassign_sealed": "order {number} is already {status}: its boxes are closed and it waits at the shipping desk, so "
                            "it does not go back to the queue or to another station (hold it if something is wrong with it)",
        "other_warehouse": "station {station} works in another warehouse than order {number}: move the order's "
                            "warehouse first",
        "no_warehouse": "no warehouse {code}",
        "change_warehouse": "order {number} is {status}: only an order not yet in picking can change warehouse",
        "priority_late": "order {number} is {status}; its priority no longer matters",
        "already_held": "order {number} is already on hold",
        "not_held": "order {number} is {status}, not on hold",
        # picking
        "pick_conflict": "another station changed this order just now: nothing was recorded, try again",
        "pick_none": "no order to pick",
        "pick_twice": "an order appears twice on the cart",
        "pick_quantity": "the quantity picked must be at least 1",
        "pick_only": "only {n} of {sku} are to be picked at {bin}",
        "pick_short": "a short pick needs fewer than {n} units found",
        "pick_warehouse": "the orders on one cart must be allocated to the same warehouse",
        "pick_layout": "bin {bin} lies outside the warehouse layout: reload the layout",
        "pick_gone": "order {number} is {status}, no longer being picked",
        "pick_line": "order {number} has no such line any more",
        "pick_needs": "line {line} of {number} needs only {n}",
        "pick_status": "order {number} is {status}: only allocated orders can be picked",
        "pick_elsewhere": "order {number} is being picked at {holder}",
        # shipping
        "ship_find": "no order, tracking number or SSCC {query}",
        "label_format": "unknown label format {fmt}: use pdf or zpl",
        "service": "no active carrier service {code}: choose one of {options}",
        "label_status": "order {number} is {status}: only a packed order can be labelled",
        "no_parcel": "no parcel with tracking number or SSCC {query}",
        "document_kind": "unknown document kind {kind}: use one of {kinds}",
        "printer_format": "unknown printer format {fmt}: use pdf or zpl",
        "dpi": "printer resolution must be 203 or 300 dpi",
        "cjk_mode": "unknown Chinese text mode {mode}: use font or graphic",
        "no_labels": "order {number} has no labels to print: label it first",
        "reprint_why": "say why the label is printed again (for example: label torn, printer jammed)",
        "label_voided": "label {tracking} was voided: label the order again instead",
        "void_why": "say why the label is voided (for example: wrong address, repacked)",
        "void_status": "order {number} is {status}: only a labelled order's labels can be voided",
        "no_printer": "station {station} has no {kind} printer: set one up first",
        "already_labelled": "order {number} is already labelled: reprint its label, or void it first",
        "parcel_status": "parcel {tracking} is already {pstatus}: it cannot be voided",
        "printer_uri": "printer address {uri} is not understood: use tcp://HOST:9100, serial:///dev/ttyUSB0, "
                        "cups://QUEUE, qt://PRINTER or file:///FOLDER",
        "printer_host": "printer address {uri} needs a host and a port, e.g. tcp://192.168.1.50:9100",
        "no_carrier": "no carrier {code}: known carriers are {codes}",
        "close_out_empty": "nothing to close out for {carrier}: no labelled parcels wait for a manifest",
        "no_manifest": "no manifest {number}",
        # returns
        "no_pickup": "no carrier service collects from {place}: arrange the pickup by hand",
        "no_bin_yet": "the product has no bin in this warehouse yet: scan or type the bin to put it in",
        "return_label": "return {number} is {rstatus}: its label can no longer be issued",
        "return_no_label": "return {number} has no label yet: issue it first",
        "return_scan": "scan the return label or type the return number",
        "return_already": "return {number} is already {rstatus}",
        "return_received": "return {number} is {rstatus}: it cannot be received again",
        "return_not_on": "{item} is not on return {number}: if it came in the parcel instead, inspect a line as wrong item",
        "return_inspected": "every unit of {sku} on return {number} is already inspected",
        "return_no_warehouse": "the order has no warehouse: choose the bin to put the item in",
        "condition": "unknown condition {condition}: use {conditions}",
        "return_inspect": "return {number} is {rstatus}: its items cannot be inspected now",
        "inspect_left": "{sku}: {left} unit(s) left to inspect, not {quantity}",
        "return_complete": "return {number} is {rstatus}: {left} unit(s) still to inspect before it can be completed",
        "exchange_refused": "the exchange order was refused: {error}",
        "cancel_why": "say why the return is cancelled",
        "return_cancel": "return {number} is {rstatus}: only a return not yet received can be cancelled",
        "order_no_return": "order {number} has no return: open one first",
        "no_bin": "no bin {bin} in this warehouse",
        "not_quarantine": "bin {bin} is not a quarantine bin: a damaged or wrong item goes to quarantine",
        "no_quarantine": "this warehouse has no quarantine bin: set one up first",
        "refund_not_exchange": "return {number} is a refund, not an exchange",
        "exchange_inspect": "return {number} is {rstatus}: inspect every unit before sending the exchange",
        "exchange_nothing": "nothing on return {number} came back in a state to exchange",
        "exchange_missing": "the exchange order for {number} was not created",
        "no_return": "no return for {text}: scan the return label, or open a return for the order first",
        # tracking
        "track_find": "no order, tracking number, SSCC or return {text}",
        "track_empty": "type or scan an order number, tracking number or label",
        "track_page": "no parcel for the tracking page {text}",
        "track_none": "no such tracking page",
        # the one look-up by reference (app.orders.references)
        "ambiguous": "{text} names more than one order: {candidates}; choose one by its number",
        # the customer's pages and the service cases
        "too_long": "at most {limit} characters",
        "message_empty": "the message is empty",
        "email": "the e-mail address does not look right",
        "return_reason": "choose a reason",
        "survey_early": "the survey opens once the order is delivered",
        "no_case": "no service case {case}",
        "answer_empty": "write the answer first",
        # staff, stations, warehouses (issue 23: app/admin)
        "admin_pin_digits": "user {user}: pin: a PIN is 4 to 12 digits",
        "admin_pin_repeated": "user {user}: pin: a PIN of one digit repeated is too easy to guess",
        "admin_pin_differ": "user {user}: pin: the two PINs differ",
        "admin_role_unknown": "user {user}: role: no role {value}; the roles are {roles}",
        "admin_role_none": "user {user}: role: give at least one of {roles}",
        "admin_role_own": "user {user}: role: you cannot take your own admin role",
        "admin_active_own": "user {user}: active: you cannot deactivate yourself",
        "admin_badge_taken": "user {user}: badge: that badge is already {holder}'s",
        "admin_badge_empty": "user {user}: badge: the badge code is empty",
        "admin_badge_long": "user {user}: badge: at most 64 printable characters",
        "admin_badge_wrong": "user {user}: badge: that is not this user's badge",
        "admin_badge_race": "user {user}: badge: already taken",
        "admin_taken_race": "user {user}: username or badge: already taken",
        "admin_badge_card": "user {user}: badge: too long to print on a card",
        "admin_user_taken": "user {user}: username: there is already a user {other}",
        "admin_username": "user {user}: username: use 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a "
                          "letter or digit",
        "admin_name_empty": "user {user}: name: give the person's name",
        "admin_name_long": "user {user}: name: at most 200 characters",
        "admin_name_control": "user {user}: name: no control characters",
        "admin_language": "user {user}: language: {value} is not one of en, zh_CN (or empty: the station's)",
        "admin_no_user": "no user {user}: add one with 'station users add'",
        "admin_no_station": "no station named {name}: register it with 'station stations add {again}'",
        "admin_station_name": "station {name}: name: use 1 to 64 letters, digits, '.', '_' or '-'",
        "admin_station_kind": "station {name}: kind: {value} is not one of {kinds}",
        "admin_station_taken": "station {name}: name: there is already a station {other}",
        "admin_no_warehouse": "{what}: warehouse: no warehouse {code}: add it with 'station warehouses add'",
        "admin_wh_code": "warehouse {code}: code: use 1 to 32 letters, digits, '.', '_' or '-'",
        "admin_wh_name": "warehouse {code}: name: give a name of at most 200 characters",
        "admin_wh_country": "warehouse {code}: country: {value} is not a two-letter country code (CN, US...)",
        "admin_wh_both": "warehouse {code}: latitude/longitude: give both or neither",
        "admin_wh_range": "warehouse {code}: latitude/longitude: out of range",
        "admin_wh_long": "warehouse {code}: {field}: at most {limit} characters",
        "admin_wh_taken": "warehouse {code}: code: there is already a warehouse {other}",
        # catalogue and stock (issue 23: app/catalogue)
        "stock_take": "stock of product {product} in bin {bin}: {before} on hand, cannot take {take}",
        "stock_reserved": "stock of product {product} in bin {bin}: {reserved} reserved, cannot bring on hand down to "
                          "{after}",
        "gtin": "{text} is not a GTIN (8, 12, 13 or 14 digits)",
        "gtin_check": "{text} has a wrong check digit (it should end in {expected})",
        "product_name": "product {sku}: name_en: is missing",
        "product_negative": "product {sku}: {field}: {value} must be 0 or more",
        "no_product": "no product {sku}",
        # carriers and rate cards (issue 23: app/shipping/ratecard_service.py)
        "no_carrier_account": "no carrier {code} (known: {known}); add it with: station carriers add NAME --connector table",
        "carrier_code": "carrier {code}: a code is 1 to 16 letters, digits, - or _ (e.g. OWNFLEET)",
        "connector_karrio": "connector {connector}: the carriers' own systems (karrio) are not installed in this "
                            "station yet; use --connector table with a rate card",
        "connector_unknown": "connector {connector} is unknown: use one of {known}",
        "carrier_mode": "mode {mode}: use test or production",
        "tracking_format": "tracking format {value}: use one of {known}",
        "origin_country": "origin country {value} is not a two-letter country code",
        "cutoff": "cut-off hour {value} is not between 0 and 24",
        "carrier_taken": "carrier {code} exists already: 'station carriers list' shows it",
        "carrier_connector": "carrier {code} uses the connector {connector}: its rates come from the carrier, not from "
                             "a rate card",
        "price_negative": "price {value} is negative",
        "no_rate": "no rate {rate}: another station may have replaced the card; reload the list",
        "no_service": "no carrier service {service}",
        "service_name": "service {service}: the name is empty",
        "service_limit": "service {service}: {field} {value} is not above 0",
        "country_code": "country {value} is not a two-letter country code",
        # goods in (issue 18: app/goodsin/service.py)
        "gi_scan_delivery": "scan or type the delivery: its number, the supplier's reference or a pallet's SSCC",
        "gi_no_delivery": "no delivery {text}: import the supplier's advice with 'station deliveries import'",
        "gi_ambiguous": "{text} names more than one delivery: {numbers}; scan our number instead",
        "gi_no_warehouse": "no warehouse {code}: add it with 'station warehouses add'",
        "gi_finished": "delivery {number} is {dstatus}: nothing more can be received",
        "gi_other_station": "delivery {number} is being received at station {station}",
        "gi_not_open": "delivery {number} is not open at this station: scan it first",
        "gi_no_quarantine": "this warehouse has no quarantine bin: mark one in its layout ('quarantine': true) first",
        "gi_no_units": "no received units {entry}",
        "gi_units_done": "those units are {rstate} already",
        "gi_no_bin": "no bin {code} in this warehouse",
        "gi_quarantine_bin": "bin {code} is the quarantine: set damaged units apart when you scan them",
        "gi_other_bin": "{sku} goes to {proposed}: say why it goes to {code} instead",
        "gi_waiting": "delivery {number}: {count} unit(s) wait for put-away: put them away first",
        "gi_supplier": "supplier: say who the goods are ordered from",
        "gi_no_requests": "no replenishment request waits for warehouse {code}",
        "gi_reference_taken": "{supplier} already has a delivery {reference}",
        # cycle counts (issue 18: app/counting)
        "cc_no_count": "no count {text}",
        "cc_no_bin": "bin: no bin {code}",
        "cc_bin_ambiguous": "bin: {code} is in more than one warehouse: give the warehouse",
        "cc_not_here": "count {number} is not open at this station ({cstatus})",
        "cc_elsewhere": "bin {bin} is being counted at {station} ({number})",
        "cc_not_review": "count {number} does not wait for approval ({cstatus})",
        "cc_not_counting": "count {number} is not being counted ({cstatus})",
        "cc_held": "count {number}: {units} unit(s) in this bin are held by orders being picked or packed ({orders}): "
                   "post it when they have shipped",
        "cc_review": "bin {bin}: count {number} waits for a supervisor's approval; it can be counted again once that "
                     "is decided",
        "cc_race": "bin {bin} is being counted at another station just now",
        "cc_none_open": "no count is open here: scan a bin label first",
        "cc_lot": "lot: give the lot number",
        "cc_qty": "'{text}': qty needs a whole number",
        "cc_expiry": "expiry: {text} is not a date (YYYY-MM-DD)",
        # stock by hand (app/catalogue/stock.py)
        "st_not_utf8": "the stock file is not UTF-8 text (byte {byte})",
        "st_columns": "the stock file lacks the column(s) {columns} (columns: {all})",
        "st_unknown_columns": "the stock file has columns stock does not know: {columns} (columns: {all})",
        "st_no_file": "no such file: {path}",
        "st_reason": "reason: {reason} is not a reason code; the codes are {codes}",
        "st_note": "note: say why the stock changes (reason other)",
        "st_found": "reason found adds stock: the change must be more than 0",
        "st_takes": "reason {areason} takes stock away: the change must be less than 0",
        "st_zero": "DELTA: give a change other than 0",
        "st_no_product": "sku: no product {sku} in the catalogue",
        "st_bin_ambiguous": "bin: {code} is in more than one warehouse: give --warehouse",
        "st_none_lot": "{sku} lot {lot} has no stock in {bin} to take from",
        "st_none": "{sku} has no stock in {bin} to take from",
        # packing
        "rest_of_order": "the rest of the order either stays open or goes to backorder",
        # input a station takes in (issue 19, items 7, 9, 10: app/intake, app/aftersales/carrier_events.py, db/session.py)
        "db_missing": "no database at {path}: make it with 'station db upgrade' (or 'station demo seed'), or check the path",
        "db_memory": "the database sqlite:/// is kept in memory and gone when the command ends (each connection even "
                     "gets its own): give a file, e.g. sqlite:///station.db",
        "import_too_big": "{path}: larger than {mb} MB, the most one import file may hold: split it into smaller files",
        "held_none": "no held carrier event {event}",
        "held_decided": "held carrier event {event} was decided already",
        # the shops (issue 20: app/channels/service.py)
        "channel_url": "url: {url} is not a shop's address (https://shop.example.com)",
        "channel_name": "channel {name}: a name is 1-40 letters, digits, '-', '_' or '.'",
        "channel_kind": "channel {name}: kind: {kind} is not one of {kinds}",
        "channel_write_back": "channel {name}: write-back: {value} is not one of {choices}",
        "channel_exists": "channel {name} exists already: change it instead",
        "channel_setting": "channel {name}: {key} cannot be set (these can: {keys})",
        "channel_none": "no channel {name}",
        "channel_every": "channel {name}: pull every: {value} s is not 5-86400",
        "channel_credentials": "channel {name}: no {what}: set {variable} or channels.{name2}.{what2} in the config "
                               "file",
        "channel_no_failed": "no failed message for {refs}",
    },
    fields={
        "status": lambda value: status_predicate(value, "zh_CN"),
        "rstatus": _code_zh("ReturnStatus"),
        "pstatus": _code_zh("ParcelStatus"),
        "role": lambda value: role_name(value, "zh_CN"),
        "needed": _roles,
        "action": _code_zh("Action"),
        "kind": _code_zh("PrinterKind"),
        "dstatus": _code_zh("DeliveryStatus"),
        "rstate": _code_zh("ReceiptState"),
        "cstatus": _code_zh("CountStatus"),
        "areason": _code_zh("AdjustReason"),
        "codes": lambda value: i18n.translation("none", "zh_CN", "Errors") if value.startswith("none") else value,
    },
)


# The reasons the services write on the timeline themselves (a person's typed reason stays as typed).
EVENT_REASONS = Wording(
    "EventReasons",
    {
        "urgent": "urgent: nearest warehouse with the stock, {code} ({km} km)",
        "allocated": "{code}: {km} km, load {load}",
        "allocated_next": "{code}: {km} km, load {load} (next best {code2}: {km2} km, load {load2})",
        "rest_of": "rest of {number}",
        "short_pick": "short_pick",
        "all_back": "every unit came back",
        "scan_before_close_out": "carrier scan before close-out",
        "customer_cancel": "customer asked to cancel",
        # what the shop said after intake (issue 20, item 3: app/intake/updates.py)
        "shop_cancelled_label": "cancelled by the shop after its label: void the label or intercept the parcel",
        "shop_address_check": "the shop changed the address and the new one needs a check",
        "shop_lines_held": "the shop changed the lines while the order was held: approve it to reserve its stock again",
        "shop_lines": "the shop changed the lines",
    },
)


def operator_text(message: str, language: str | None) -> str:
    """A message a service gave an operator, in ``language``: its Chinese where one of the wordings made it."""
    if not chinese_wanted(language) or not message:
        return message
    from app.aftersales.policy import PROBLEMS
    from app.domain.rules import REASONS

    for wording in (ERRORS, PROBLEMS, REASONS, EVENT_REASONS):
        parsed = wording.parse(message)
        if parsed is not None:
            return wording.zh(*parsed[:1], **parsed[1])
    return message
