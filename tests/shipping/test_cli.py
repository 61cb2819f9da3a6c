"""``station label`` and ``station shipping ...`` through the real CLI entry point."""

import json

from app.cli.main import main
from app.uow import UnitOfWork
from tests.shipping.factories import packed_order


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_label_pdf_and_zpl_files(shipping_ctx, capsys, tmp_path):
    url = shipping_ctx.engine.url.render_as_string(hide_password=False)
    with UnitOfWork(shipping_ctx.sessions) as uow:
        packed_order(uow.session, number="CLI-1", region="Beijing")
        uow.commit()
    code, out, err = run(capsys, "--db", url, "shipping", "ship", "CLI-1", "--json", "--parcel", "1500:300x200x150:M")
    assert code == 0, err
    shipped = json.loads(out)
    assert shipped["status"] == "labelled" and shipped["parcels"][0]["weight_g"] == 1500

    pdf = tmp_path / "l.pdf"
    code, out, err = run(capsys, "--db", url, "label", "CLI-1", "--format", "pdf", "-o", str(pdf), "--json")
    assert code == 0, err
    assert json.loads(out)["parcels"][0]["tracking_number"] == shipped["tracking_number"]
    assert pdf.read_bytes().startswith(b"%PDF")

    zpl = tmp_path / "l.zpl"
    code, out, err = run(capsys, "--db", url, "label", shipped["tracking_number"], "--format", "zpl", "--dpi", "300", "-o", str(zpl))
    assert code == 0, err
    assert zpl.read_bytes().startswith(b"^XA") and shipped["tracking_number"].encode() in zpl.read_bytes()


def test_cli_errors_are_one_line(shipping_ctx, capsys, tmp_path):
    url = shipping_ctx.engine.url.render_as_string(hide_password=False)
    with UnitOfWork(shipping_ctx.sessions) as uow:
        packed_order(uow.session, number="CLI-2", country="BR", region="")
        uow.commit()
    code, out, err = run(capsys, "--db", url, "label", "CLI-2", "-o", str(tmp_path / "x.pdf"))
    assert code == 1 and err.count("\n") == 1 and "has no label" in err
    code, out, err = run(capsys, "--db", url, "shipping", "ship", "CLI-2")
    assert code == 1 and err.count("\n") == 1 and "no carrier delivers" in err
    code, out, err = run(capsys, "--db", url, "shipping", "ship", "CLI-2", "--parcel", "heavy")
    assert code == 1 and "not understood" in err
    assert not (tmp_path / "x.pdf").exists()


def test_closeout_writes_manifest_files(shipping_ctx, capsys, tmp_path):
    url = shipping_ctx.engine.url.render_as_string(hide_password=False)
    with UnitOfWork(shipping_ctx.sessions) as uow:
        packed_order(uow.session, number="CLI-3", region="Beijing")
        uow.commit()
    assert run(capsys, "--db", url, "shipping", "ship", "CLI-3", "--service", "EMS-STD")[0] == 0
    code, out, err = run(capsys, "--db", url, "shipping", "closeout", "EMS", "-o", str(tmp_path), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["parcels"] == 1
    assert "CLI-3" in (tmp_path / f"{result['manifest']}.csv").read_text()
    assert (tmp_path / f"{result['manifest']}.pdf").read_bytes().startswith(b"%PDF")
