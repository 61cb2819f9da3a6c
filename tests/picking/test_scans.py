from app.picking.scans import classify


def test_scans_are_classified():
    assert classify("A03-12-2").kind == "bin"
    assert classify("]C0a03-12-2") == classify("A03-12-2")  # Code 128 identifier, lower case
    item = classify("]E05901234123457")
    assert (item.kind, item.gtin) == ("item", "05901234123457")
    gs1 = classify("]C1010950600013435210ABC\x1d17261231")
    assert (gs1.kind, gs1.gtin) == ("item", "09506000134352")
    rfid = classify("epc:3074257BF7194E4000001A85")  # SGTIN-96 of GTIN 80614141123458, serial 6789
    assert (rfid.kind, rfid.gtin) == ("item", "80614141123458")
    assert classify("epc:ZZ").kind == "text"
    assert classify("MUG-1").kind == "text"
    assert classify("  \r\n").kind == "empty"


def test_every_session_sentence_is_marked_for_translation():
    import re
    from pathlib import Path

    from app.ui.pick.messages import TEMPLATES

    source = (Path(__file__).resolve().parents[2] / "app" / "picking" / "session.py").read_text()
    used = set(re.findall(r'"([^"]*\{[a-z]+\}[^"]*|Every stop is done\.|Empty scan: nothing read\.|'
                          r'This is the last stop: pick it or report it short\.)"', source))
    used = {u for u in used if "\n" not in u and "``" not in u}
    assert used <= set(TEMPLATES)
    assert len(used) >= 15
