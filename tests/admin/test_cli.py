"""``station users|stations|warehouses`` as an integrator runs them: the real entry point in a subprocess (PINs on
standard input, STATION_PIN for --user), --json shapes of contracts.md, one line and a non-zero exit on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

STATION = [sys.executable, "-m", "app.cli.main"]


def run(db_url, *args, stdin: str = "", env: dict | None = None):
    done = subprocess.run([*STATION, "--db", db_url, *args], input=stdin, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)
    return done.returncode, done.stdout, done.stderr


def test_staff_stations_and_warehouses_from_nothing(db_url, tmp_path):
    code, out, err = run(db_url, "warehouses", "add", "SZ1", "--name", "Shenzhen 1", "--country", "CN", "--json")
    assert code == 0, err
    assert json.loads(out)["code"] == "SZ1" and json.loads(out)["latitude"] is None
    code, out, err = run(db_url, "stations", "add", "BENCH-7", "--warehouse", "SZ1", "--json")
    assert code == 0, err
    code, out, err = run(db_url, "users", "add", "mei", "--name", "王美", "--role", "packer,shipping", "--badge",
                         "BADGE-MEI", "--language", "zh_CN", "--card", str(tmp_path / "mei.pdf"), "--json",
                         stdin="4826\n")
    assert code == 0, err
    code, out, err = run(db_url, "users", "add", "boss", "--name", "Boss", "--role", "admin", stdin="2580\n")
    assert code == 0, err
    code, out, _ = run(db_url, "users", "list", "--json")
    users = {u["username"]: u for u in json.loads(out)}
    assert users["mei"] == {"username": "mei", "name": "王美", "role": "packer,shipping", "roles": ["packer", "shipping"],
                            "active": True, "language": "zh_CN", "badge": True}
    assert "BADGE-MEI" not in out and "4826" not in out
    code, out, _ = run(db_url, "stations", "list", "--json")
    assert json.loads(out) == [{"name": "BENCH-7", "warehouse": "SZ1", "kind": "pack", "user": None, "printers": {},
                                "devices": None}]
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(tmp_path / "mei.pdf"), str(tmp_path / "mei")], check=True)
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(next(tmp_path.glob("mei*.png")))], capture_output=True,
                             text=True)
    assert decoded.returncode == 0 and decoded.stdout.strip() == "BADGE-MEI"

    # Who acts: --user proved by STATION_PIN; a wrong PIN or a role that does not allow it exits 2, nothing changed.
    code, out, err = run(db_url, "users", "set", "mei", "--deactivate", "--user", "boss", "--json",
                         env={"STATION_PIN": "2580"})
    assert code == 0, err
    assert json.loads(out)["active"] is False
    code, _, err = run(db_url, "users", "set", "mei", "--activate", "--user", "boss", env={"STATION_PIN": "1357"})
    assert code == 2 and err.strip() == "station: --user boss: unknown user or wrong PIN"
    run(db_url, "users", "set", "mei", "--activate")
    code, _, err = run(db_url, "stations", "add", "BENCH-8", "--user", "mei", env={"STATION_PIN": "4826"})
    assert code == 2 and "may not do this" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(db_url, "users", "set-pin", "mei", "--user", "mei", stdin="9514\n", env={"STATION_PIN": "4826"})
    assert code == 0, err
    code, out, _ = run(db_url, "stations", "list", "--json")
    assert [s["name"] for s in json.loads(out)] == ["BENCH-7"]


@pytest.mark.parametrize("args, stdin, line", [
    (("users", "add", "kim", "--name", "Kim", "--role", "packer"), "7777\n",
     "station: user kim: pin: a PIN of one digit repeated is too easy to guess"),
    (("users", "add", "kim", "--name", "Kim", "--role", "packer"), "123\n", "station: user kim: pin: a PIN is 4 to 12 digits"),
    (("users", "add", "kim", "--name", "Kim", "--role", "chef"), "4826\n",
     "station: user kim: role: no role 'chef'; the roles are packer, supervisor, shipping, service, admin"),
    (("users", "add", "kim", "--name", "Kim", "--role", "packer", "--badge", "B-1"), "4826\n",
     "station: user kim: badge: that badge is already ann's"),
    (("users", "set", "nobody", "--name", "X"), "", "station: no user 'nobody': add one with 'station users add'"),
    (("stations", "add", "B9", "--kind", "forklift"), "",
     "station: station B9: kind: 'forklift' is not one of pack, pick, ship, review, service"),
    (("claim", "--station", "BENCH-9"), "",
     "station: no station named BENCH-9: register it with 'station stations add BENCH-9'"),
])
def test_bad_input_is_one_line_and_changes_nothing(db_url, args, stdin, line):
    assert run(db_url, "users", "add", "ann", "--name", "Ann", "--role", "packer", "--badge", "B-1",
               stdin="4826\n")[0] == 0
    code, out, err = run(db_url, *args, stdin=stdin)
    assert code != 0 and err.strip() == line and "Traceback" not in err
    _, out, _ = run(db_url, "users", "list", "--json")
    assert [u["username"] for u in json.loads(out)] == ["ann"]
    _, out, _ = run(db_url, "stations", "list", "--json")
    assert json.loads(out) == []


def test_a_pin_is_never_an_argument(db_url):
    code, _, err = run(db_url, "users", "add", "kim", "--name", "Kim", "--role", "packer", "--pin", "4826")
    assert code == 2 and "unrecognized arguments: --pin" in err
    code, _, err = run(db_url, "users", "add", "kim", "--name", "Kim", "--role", "packer", stdin="")
    assert code == 1 and "pin: give the PIN on standard input" in err


def test_pack_refuses_a_station_the_database_does_not_know(db_url, tmp_path):
    scans = tmp_path / "scans.txt"
    scans.write_text("x\n")
    code, _, err = run(db_url, "pack", "WS-1", "--scans", str(scans), "--station", "ANY")
    assert code == 1 and err.strip() == "station: no station named ANY: register it with 'station stations add ANY'"
    _, out, _ = run(db_url, "stations", "list", "--json")
    assert json.loads(out) == []
