"""What a raw scan at the pick cart is: a bin label, an item (GTIN from any GS1 barcode, or an SGTIN
RFID tag sent as ``epc:HEX``), or other text such as a SKU. Parsing is biip's and pyepc's."""

from __future__ import annotations

from dataclasses import dataclass

import biip
import pyepc

from app.routing.layout import BIN_CODE

GS = "\x1d"
_BIIP = biip.ParseConfig(separator_chars=(GS,))


@dataclass(frozen=True)
class PickScan:
    kind: str  # bin, item, text, empty
    text: str
    gtin: str | None = None  # 14 digits, zero-padded, as in product_gtins.gtin


def classify(raw: str) -> PickScan:
    text = raw.strip().strip("\r\n")
    if not text:
        return PickScan("empty", "")
    if text.lower().startswith("epc:"):
        try:
            tag = pyepc.decode(text[4:].strip())
            gtin = getattr(tag, "gtin", None)
        except Exception:  # noqa: BLE001 - any undecodable tag is simply not an item
            gtin = None
        return PickScan("item", text, str(gtin).zfill(14)) if gtin else PickScan("text", text)
    payload = text
    if payload.startswith("]") and len(payload) > 3:
        payload_wo_aim = payload[3:]
    else:
        payload_wo_aim = payload
    if BIN_CODE.match(payload_wo_aim.strip()):
        return PickScan("bin", payload_wo_aim.strip().upper())
    try:
        result = biip.parse(text, config=_BIIP)
    except Exception:  # noqa: BLE001
        result = None
    if result is not None:
        if result.gtin is not None:
            return PickScan("item", text, result.gtin.value.zfill(14))
        if result.gs1_message is not None:
            for element in result.gs1_message.element_strings:
                if element.ai.ai in ("01", "02"):
                    return PickScan("item", text, element.value.zfill(14))
    return PickScan("text", payload_wo_aim.strip())
