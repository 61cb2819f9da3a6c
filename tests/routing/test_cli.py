"""``station route`` as contracts.md fixes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.main import main
from app.routing import Layout, load_picks

LAYOUTS = Path(__file__).resolve().parents[2] / "resources" / "layouts"


@pytest.mark.parametrize("name", ["one_block.json", "two_blocks.json", "three_blocks.json"])
def test_route_json_is_the_length_of_its_sequence(name, capsys):
    layout_file, picks_file = LAYOUTS / name, LAYOUTS / "example_picks.json"
    assert main(["route", "--layout", str(layout_file), "--picks", str(picks_file), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"length", "sequence", "method"}
    layout = Layout.load(layout_file)
    picks = {p.id: p for p in load_picks(picks_file, layout)}
    assert sorted(out["sequence"]) == sorted(picks)
    assert out["length"] == pytest.approx(layout.sequence_length([picks[i] for i in out["sequence"]]))


def test_route_compare_and_methods(capsys):
    args = ["route", "--layout", str(LAYOUTS / "two_blocks.json"), "--picks", str(LAYOUTS / "example_picks.json")]
    assert main([*args, "--json", "--compare"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [c["method"] for c in out["compare"]] == ["s-shape", "largest-gap"]
    assert all(out["length"] <= c["walk"] for c in out["compare"])
    assert main([*args, "--method", "s-shape", "--json"]) == 0
    s_shape = json.loads(capsys.readouterr().out)
    assert s_shape["method"] == "s-shape" and s_shape["length"] <= s_shape["walk"]
    assert main(args) == 0
    assert "roodbergen-de-koster" in capsys.readouterr().out


@pytest.mark.parametrize("layout, picks, words", [
    ({"aisles": 4, "aisle_width": 0, "aisle_length": 30, "depot": {"x": 0, "y": 0}}, [], "overlap"),
    ({"aisles": 4, "aisle_width": 3, "aisle_length": 30, "depot": {"x": 1, "y": 4}}, [], "off the cross aisles"),
    ({"aisles": 4, "aisle_width": 3, "aisle_length": 30, "depot": {"x": 0, "y": 0}},
     [{"id": "a", "bin": "A09-01-1"}], "does not exist"),
    ({"aisles": 4, "aisle_width": 3, "aisle_length": 30, "depot": {"x": 0, "y": 0}},
     [{"id": "a", "aisle": 2, "position": 40}], "outside the aisle"),
])
def test_bad_input_is_one_line_and_exit_1(layout, picks, words, tmp_path, capsys):
    (tmp_path / "layout.json").write_text(json.dumps(layout))
    (tmp_path / "picks.json").write_text(json.dumps(picks))
    code = main(["route", "--layout", str(tmp_path / "layout.json"), "--picks", str(tmp_path / "picks.json"), "--json"])
    captured = capsys.readouterr()
    assert code == 1 and captured.out == ""
    assert words in captured.err and captured.err.count("\n") == 1 and "Traceback" not in captured.err
