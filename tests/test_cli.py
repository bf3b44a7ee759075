"""Tests of the ``treasurymodel`` command, through its entry point (``python -m``).

Expected figures come from the primer's worked 2022 case and strategy-facts.md, worked by
hand in the comments, never from the command's own output.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings

from treasurymodel import Company, ValidationError, datasets
from treasurymodel.cli import load_source, main, render_csv, render_json, render_table, report_data

from ._figures import png_size, svg_size
from .strategies import asset_price_arrays, companies
from .test_io import BASE


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "treasurymodel", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=cwd,
    )


# --- report ------------------------------------------------------------------------------


def test_report_json_2026_at_the_data_set_prices() -> None:
    result = run("report", "mstr-2026-02", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    doc = json.loads(result.stdout)
    assert set(doc) == {
        "company",
        "metrics",
        "margin_call_prices",
        "maturity_wall",
        "nav_sensitivity",
    }
    assert doc["company"]["as_of"] == "2026-02-01"
    (m,) = doc["metrics"]
    # Default prices are the data set's [market]: BTC $68,141, MSTR $114.45.
    assert (m["asset_price"], m["share_price"]) == (68_141.0, 114.45)
    # NAV = 713,502 × 68,141 + 2,250M − 8,243.75M − 8,388.7M (STRE at 775M × 1.188).
    nav = 713_502 * 68_141 + 2_250e6 - 8_243.75e6 - 8_388.7e6
    assert m["nav"] == pytest.approx(nav, rel=1e-12)
    assert m["asset_reserve"] == pytest.approx(713_502 * 68_141, rel=1e-12)
    assert m["market_cap"] == pytest.approx(332_431e3 * 114.45, rel=1e-12)
    # No loan with an LTV limit in 2026.
    assert doc["margin_call_prices"] == {"joint": None, "instruments": []}
    wall = {row["period"]: row for row in doc["maturity_wall"]["rows"]}
    # 2028: the $1,010M 0.625% notes; 2030: $800M (A) + $2,000M (B).
    assert wall["2028"]["due"] == pytest.approx(1_010e6)
    assert wall["2030"]["due"] == pytest.approx(2_800e6)
    assert wall["2032"]["cumulative_due"] == pytest.approx(8_243.75e6)
    assert doc["maturity_wall"]["springing_tests"] == []
    grid = [row["asset_price"] for row in doc["nav_sensitivity"]["rows"]]
    assert grid == pytest.approx([68_141 * k for k in (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)])


def test_report_json_2022_at_several_prices_reproduces_the_primer() -> None:
    result = run(
        "report",
        "mstr-2022q2",
        "--asset-price",
        "20000",
        "--asset-price",
        "10,000",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [m["asset_price"] for m in doc["metrics"]] == [20_000.0, 10_000.0]
    # Equity NAV at $10,000: 1,296.99M + 60M cash − 2,416M debt.
    assert doc["metrics"][1]["nav"] == pytest.approx(129_699 * 10_000 + 60e6 - 2_416e6)
    calls = doc["margin_call_prices"]
    # $410M of collateral over the 115,109 BTC available: $3,561.84.
    assert calls["instruments"][0]["instrument"] == "BTC-backed term loan"
    assert calls["instruments"][0]["price"] == pytest.approx(410e6 / 115_109)
    assert calls["joint"] == pytest.approx(410e6 / 115_109)
    wall = {row["period"]: row for row in doc["maturity_wall"]["rows"]}
    assert doc["maturity_wall"]["springing"] == "worst"
    assert wall["2025"]["breakeven_price"] == pytest.approx(1_355e6 / 129_699)  # $10,447.27
    assert wall["2027"]["breakeven_price"] == pytest.approx(2_416e6 / 129_699)  # $18,627.75
    tests = doc["maturity_wall"]["springing_tests"]
    assert [(t["date"], t["reference"]) for t in tests] == [
        ("2025-09-15", "0.75% convertible notes due 2025"),
        ("2026-11-16", "0% convertible notes due 2027"),
    ]
    # First test: (1.3 × (650M + accrued 650M × 0.75% × 90/360) − 60M cash) / 85,058 free BTC.
    accrued = 650e6 * 0.0075 * 90 / 360
    expected = (1.3 * (650e6 + accrued) - 60e6) / (129_699 - 30_051 - 14_590)
    assert tests[0]["trigger_price"] == pytest.approx(expected, rel=1e-9)


def test_report_table_and_csv_2022() -> None:
    table = run("report", "mstr-2022q2")
    assert table.returncode == 0, table.stderr
    for figure in ("3,561.84", "10,447.27", "18,627.75", "data set mstr-2022q2"):
        assert figure in table.stdout
    result = run("report", "mstr-2022q2", "--format", "csv", "--asset-price", "20000")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["section", "subject", "date", "asset_price", "field", "value"]
    calls = [r for r in rows if r["section"] == "margin_call_prices"]
    assert float(calls[0]["value"]) == pytest.approx(410e6 / 115_109)
    nav = [r for r in rows if r["section"] == "metrics" and r["field"] == "nav"]
    assert [float(r["asset_price"]) for r in nav] == [20_000.0]
    assert float(nav[0]["value"]) == pytest.approx(129_699 * 20_000 + 60e6 - 2_416e6)
    walls = {r["subject"]: r for r in rows if r["field"] == "breakeven_price"}
    assert float(walls["2025"]["value"]) == pytest.approx(1_355e6 / 129_699)


# --- datasets, validate -------------------------------------------------------------------


def test_datasets_lists_and_prints() -> None:
    listing = run("datasets")
    assert listing.returncode == 0
    assert "mstr-2022q2" in listing.stdout
    assert "mstr-2026-02" in listing.stdout
    printed = run("datasets", "mstr-2026-02")
    assert printed.returncode == 0
    assert printed.stdout.startswith("# Strategy (formerly MicroStrategy) on 1 February 2026.")


def test_validate_good_and_bad_files(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(BASE)
    ok = run("validate", str(good))
    assert ok.returncode == 0, ok.stderr
    assert "valid" in ok.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text(BASE.replace("principal = 500_000_000", "principal = -5"))
    result = run("validate", str(bad))
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("treasurymodel: error: ")
    assert str(bad) in lines[0]
    assert "instrument 'SN28'" in lines[0]
    assert "instruments[2].principal" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["validate", "{tmp}/missing.toml"], "no such file"),
        (["validate", "{tmp}"], "is a directory"),
        (["report", "{tmp}/empty.toml"], "is empty"),
        (["report", "no-such-dataset"], "neither a bundled data set"),
        (["report", "{tmp}/nomarket.toml"], "--asset-price"),
        (["report", "{tmp}/missing.toml"], "no such file"),
        (["report", "{tmp}"], "is a directory"),
        (["report", "{tmp}/latin1.toml"], "not UTF-8"),
        (["plot", "{tmp}/empty.toml", "-o", "{tmp}/x.png"], "is empty"),
        (["plot", "mstr-2022q2", "-o", "{tmp}/no/dir/x.png"], "--output: cannot be written"),
        (["plot", "mstr-2022q2", "-o", "{tmp}/empty.toml/x.png"], "--output: cannot be written"),
        (["plot", "mstr-2022q2", "-o", "{tmp}/folder.png"], "--output: cannot be written"),
        (["stress", "mstr-2022q2", "--vol", "0.5", "--plot", "{tmp}/no/fan.svg"], "--plot"),
        (["stress", "{tmp}/empty.toml", "--vol", "0.5"], "is empty"),
        (["datasets", "mstr-2030"], "not a bundled data set"),
    ],
)
def test_invalid_input_exits_1_with_one_line(
    tmp_path: Path, args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty.toml").write_text("")
    (tmp_path / "nomarket.toml").write_text(BASE)
    (tmp_path / "latin1.toml").write_bytes(
        BASE.replace("Test Co", "Soci\xe9t\xe9").encode("latin-1")
    )
    (tmp_path / "folder.png").mkdir()
    # In-process through main(): the same code path as the entry point, without a subprocess.
    code = main([a.format(tmp=tmp_path) for a in args])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1
    assert captured.err.startswith("treasurymodel: error: ")
    assert words in captured.err


def test_invalid_input_through_the_entry_point_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "v3.toml"
    path.write_text(BASE.replace('"treasurymodel/1"', '"treasurymodel/3"'))
    result = run("report", str(path))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "treasurymodel/2" in result.stderr


SUBCOMMANDS = ["report", "datasets", "validate", "plot", "stress"]

# --- usage errors: exit code 2 ------------------------------------------------------------


def test_usage_errors_exit_2_through_the_entry_point() -> None:
    result = run("report", "mstr-2026-02", "--format", "xml")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ([], "required: COMMAND"),
        (["frobnicate"], "invalid choice"),
        (["report"], "required: DATASET|FILE"),
        (["report", "mstr-2026-02", "--asset-price", "-5"], "--asset-price: must be a positive"),
        (["report", "mstr-2026-02", "--asset-price=-5"], "--asset-price: must be a positive"),
        # exponent form: a value (judged by the option), not an unknown option
        (["report", "mstr-2026-02", "--asset-price", "-1e3"], "--asset-price: must be a positive"),
        (["report", "mstr-2026-02", "--asset-price", "-inf"], "--asset-price: must be a finite"),
        (["report", "mstr-2026-02", "--asset-price", "0"], "--asset-price: must be a positive"),
        (["report", "mstr-2026-02", "--asset-price", "abc"], "--asset-price: not a number"),
        (["report", "mstr-2026-02", "--asset-price", "1e400"], "--asset-price: must be a finite"),
        (["report", "mstr-2026-02", "--share-price", "nan"], "--share-price: must be a finite"),
        (["report", "mstr-2026-02", "--grid", ""], "--grid: no prices given"),
        (["report", "mstr-2026-02", "--grid", "1,x"], "--grid: not a number"),
        (["report", "mstr-2026-02", "--format", "bogus"], "--format: invalid choice"),
        (["report", "mstr-2026-02", "--springing", "never"], "--springing: invalid choice"),
        (["plot", "mstr-2026-02"], "required: -o/--output"),
        (["plot", "mstr-2026-02", "-o", "figure.pdf"], "--output: must end in .png or .svg"),
        (["plot", "mstr-2026-02", "-o", "figure"], "--output: must end in .png or .svg"),
        (["plot", "mstr-2026-02", "--kind", "pie", "-o", "x.png"], "--kind: invalid choice"),
        (["plot", "mstr-2026-02", "--asset-price", "5", "-o", "x.png"], "only for --kind nav"),
        (["stress", "mstr-2026-02"], "required: --vol"),
        (["stress", "mstr-2026-02", "--vol", "0.5", "--paths", "0"], "--paths: must be a"),
        (["stress", "mstr-2026-02", "--vol", "0.5", "--paths", "1.5"], "--paths: not a whole"),
        (["stress", "mstr-2026-02", "--vol", "-1"], "--vol: must not be negative"),
        (["stress", "mstr-2026-02", "--vol", "-5E-1"], "--vol: must not be negative"),
        (["stress", "mstr-2026-02", "--vol", "0.5", "--years", "0"], "--years: must be a pos"),
        (["stress", "mstr-2026-02", "--vol", "0.5", "--seed", "-1"], "--seed: must not be neg"),
        (["stress", "mstr-2026-02", "--vol", "0.5", "--steps-per-year", "366"], "at most 365"),
        (["stress", "mstr-2026-02", "--vol", "0.5", "--plot", "fan.pdf"], "--plot: must end"),
        (["stress", "mstr-2026-02", "--vol", "0.5", "--workers", "2"], "--executor processes"),
    ],
)
def test_usage_errors_exit_2(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    # The usage of the subcommand at fault, then one line naming the problem.
    command = f"treasurymodel {args[0]}" if args and args[0] in SUBCOMMANDS else "treasurymodel"
    assert captured.err.startswith(f"usage: {command} ")
    last = captured.err.splitlines()[-1]
    assert last.startswith(f"{command}: error: ")
    assert words in last
    assert "Traceback" not in captured.err


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_has_help_with_an_example(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out
    assert f"treasurymodel {command}" in out


def test_help_and_version_through_the_entry_point() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in SUBCOMMANDS:
        assert command in result.stdout
    assert "exit codes" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["report", "mstr-2022q2", "--format", "csv"],  # exit code 0
        ["validate", "no-such-file.toml"],  # 1
        ["report", "mstr-2022q2", "--asset-price", "x"],  # 2
    ],
)
def test_python_m_equals_the_console_script(args: list[str]) -> None:
    script = Path(sys.executable).with_name("treasurymodel")
    if not script.exists():
        script_path = shutil.which("treasurymodel")
        if script_path is None:
            pytest.skip("the treasurymodel console script is not installed")
        script = Path(script_path)
    by_script = subprocess.run(
        [str(script), *args], capture_output=True, text=True, timeout=60, check=False
    )
    by_module = run(*args)
    assert by_script.returncode == by_module.returncode
    assert by_script.stdout == by_module.stdout
    assert by_script.stderr == by_module.stderr
    assert by_script.stdout or by_script.stderr


# --- plot ---------------------------------------------------------------------------------


def test_plot_writes_png_and_svg(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "ladder.png"
    result = run("plot", "mstr-2022q2", "-o", str(png))
    assert result.returncode == 0, result.stderr
    # The status line goes to standard error, like stress --plot's (standard output is data).
    assert result.stdout == ""
    assert result.stderr == f"wrote {png}\n"
    # A valid PNG of the documented size: 10 x 4.8 inches at 150 dots per inch.
    assert png_size(png) == (1500, 720)
    nav_png = tmp_path / "NAV.PNG"  # the extension is read in any case
    assert main(["plot", "mstr-2026-02", "--kind", "nav", "-o", str(nav_png)]) == 0
    assert png_size(nav_png) == (1500, 750)  # 10 x 5 inches
    svg = tmp_path / "nav.svg"
    code = main(
        ["plot", "mstr-2026-02", "--kind", "nav", "--asset-price", "50000", "-o", str(svg)]
    )
    assert code == 0
    assert svg_size(svg) == ("720pt", "360pt")  # well-formed XML, 10 x 5 inches at 72 pt


# --- the Python functions behind the command ----------------------------------------------

_2022 = datasets.load("mstr-2022q2")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"company": "mstr-2022q2"}, "company"),
        ({"asset_prices": "20000"}, "asset_prices"),  # a string is not a list of prices
        ({"asset_prices": ["20000"]}, "asset_prices[0]"),
        ({"asset_prices": [True]}, "asset_prices[0]"),
        ({"asset_prices": [None]}, "asset_prices[0]"),
        ({"asset_prices": []}, "asset_prices"),
        ({"asset_prices": [20_000.0, -1.0]}, "asset_prices[1]"),
        ({"asset_prices": [math.nan]}, "asset_prices[0]"),
        ({"asset_prices": np.array([[1.0, 2.0]])}, "asset_prices[0]"),  # 1-d only
        ({"grid": [math.inf]}, "grid[0]"),
        ({"grid": "1,2"}, "grid"),
        ({"share_price": -1.0}, "share_price"),
        ({"share_price": "114"}, "share_price"),
        ({"springing": "never"}, "springing"),
        ({"puts": "yes"}, "puts"),
        ({"source": 5}, "source"),
    ],
)
def test_report_data_refuses_bad_arguments(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"company": _2022, "asset_prices": [20_000.0], **kwargs}
    company = args.pop("company")
    with pytest.raises(ValidationError) as info:
        report_data(company, **args)
    assert info.value.field == field


@pytest.mark.parametrize(
    "prices",
    [20_000, 20_000.0, np.float64(20_000.0), [20_000.0], np.array([20_000.0]), (20_000,)],
)
def test_report_data_takes_a_price_of_any_numeric_kind(prices: Any) -> None:
    data = report_data(_2022, asset_prices=prices, grid=prices)
    (row,) = data["metrics"]
    assert type(row["asset_price"]) is float
    # NAV at $20,000: 129,699 x 20,000 + 60M - 2,416M = 237.98M.
    assert row["nav"] == pytest.approx(129_699 * 20_000 + 60e6 - 2_416e6, rel=1e-12)
    assert [r["asset_price"] for r in data["nav_sensitivity"]["rows"]] == [20_000.0]


@settings(max_examples=25)
@given(company=companies(max_instruments=4), prices=asset_price_arrays(max_size=5))
def test_report_rows_of_an_array_equal_the_rows_of_each_price(
    company: Company, prices: npt.NDArray[np.float64]
) -> None:
    whole = report_data(company, asset_prices=prices, share_price=50.0)["metrics"]
    assert len(whole) == prices.size
    for price, row in zip(prices, whole, strict=True):
        (alone,) = report_data(company, asset_prices=float(price), share_price=50.0)["metrics"]
        assert row.keys() == alone.keys()
        for key, value in row.items():  # equal, NaN (no meaning at this price) included
            assert value == alone[key] or (value != value and alone[key] != alone[key]), key


def test_report_rows_follow_the_prices_in_the_order_given() -> None:
    data = report_data(_2022, asset_prices=np.array([30_000.0, 10_000.0, 20_000.0]))
    navs = [row["nav"] for row in data["metrics"]]
    assert navs == pytest.approx([129_699 * p + 60e6 - 2_416e6 for p in (30e3, 10e3, 20e3)])


@pytest.mark.parametrize("render", [render_json, render_csv, render_table])
@pytest.mark.parametrize("data", [{}, [], None, {"company": {}}])
def test_renderers_refuse_what_report_data_did_not_make(render: Any, data: Any) -> None:
    with pytest.raises(ValidationError, match="report_data"):
        render(data)


@pytest.mark.parametrize("source", [5, None, Path("mstr-2022q2")])
def test_load_source_refuses_what_is_not_a_name(source: Any) -> None:
    with pytest.raises(ValidationError, match="source"):
        load_source(source)


# --- the JSON and CSV layouts are the documented ones ---------------------------------------

_HOWTO = Path(__file__).resolve().parents[1] / "docs" / "howto" / "files-and-cli.rst"


def _documented(section: str) -> dict[str, set[str]]:
    """Each top-level key of a JSON layout in the docs, with the words quoted in its entry."""
    text = _HOWTO.read_text(encoding="utf-8")
    title = f"\n{section}\n{'-' * len(section)}\n"
    body = text[text.index(title) + len(title) :]
    end = body.find("\n----")  # the underline of the next section, if any
    body = body if end < 0 else body[:end]
    entries = re.findall(r"^``(\w+)``\n((?:   .*\n)+)", body, flags=re.MULTILINE)
    return {
        key: set(re.findall(r"\w+", " ".join(re.findall(r"``([^`]+)``", entry, re.DOTALL))))
        for key, entry in entries
    }


def _keys(value: Any) -> set[str]:
    """Every key of every object in a JSON document."""
    if isinstance(value, dict):
        return set(value).union(*(_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_keys(v) for v in value))
    return set()


def _strict_json(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.skipif(not _HOWTO.exists(), reason="docs not in this tree")
def test_report_json_keys_are_the_documented_ones() -> None:
    documented = _documented("The JSON report")
    for name in datasets.names():
        doc = _strict_json(render_json(report_data(datasets.load(name))))
        assert set(doc) == set(documented) - {"several_assets"}  # one asset held
        for key, value in doc.items():
            assert _keys(value) <= documented[key], (key, _keys(value) - documented[key])


@pytest.mark.skipif(not _HOWTO.exists(), reason="docs not in this tree")
def test_stress_json_keys_are_the_documented_ones(capsys: pytest.CaptureFixture[str]) -> None:
    documented = _documented("The stress JSON")
    args = ["stress", "mstr-2022q2", "--vol", "0.7", "--paths", "200", "--years", "1.5"]
    assert main([*args, "--asset-price", "20000", "--format", "json"]) == 0
    doc = _strict_json(capsys.readouterr().out)
    assert set(doc) == set(documented)
    for key, value in doc.items():
        assert _keys(value) <= documented[key], (key, _keys(value) - documented[key])
    # A whole year, then the horizon: 1.5 years of 52 weekly steps is 78 steps.
    assert [row["year"] for row in doc["by_year"]] == [1.0, 1.5]
    assert doc["simulation"]["steps"] == 78


@pytest.mark.parametrize("drift", ["-1e-1", "-1.0E-1", "-.1", "-0.1"])
def test_negative_drift_in_any_number_form_is_a_value(
    drift: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # argparse's own test of a negative number misses the exponent form ("expected one
    # argument" for --drift -1e-1): every spelling of -0.1 must reach the model.
    args = ["stress", "mstr-2022q2", "--vol", "0.5", "--paths", "50", "--years", "0.5"]
    assert main([*args, "--drift", drift, "--format", "json"]) == 0
    doc = _strict_json(capsys.readouterr().out)
    assert doc["simulation"]["drift"] == -0.1


def test_json_has_no_infinity_or_nan_literals(tmp_path: Path) -> None:
    # No debt, no preferred: the coverage ratios are infinite, written as the string "inf".
    path = tmp_path / "no-debt.toml"
    path.write_text(BASE[: BASE.index("[[instruments]]")])
    doc = _strict_json(render_json(report_data(load_source(str(path))[0], asset_prices=[1.0])))
    assert doc["metrics"][0]["asset_years_of_coverage"] == "inf"
    assert doc["metrics"][0]["share_price"] is None


_ALWAYS = {"company", "instrument", "metrics", "maturity_wall", "nav_sensitivity"}


@pytest.mark.parametrize(
    ("name", "sections"),
    [
        ("mstr-2026-02", _ALWAYS),  # no loan with an LTV limit, no springing clause
        ("mstr-2022q2", _ALWAYS | {"margin_call_prices", "springing_tests"}),
    ],
)
def test_csv_parses_into_six_columns_of_documented_sections(name: str, sections: set[str]) -> None:
    text = render_csv(report_data(datasets.load(name)))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["section", "subject", "date", "asset_price", "field", "value"]
    assert all(len(row) == 6 for row in rows)
    assert {row[0] for row in rows[1:]} == sections
    for section, _subject, date, price, _field, value in rows[1:]:
        if date:
            dt.date.fromisoformat(date)
        if price:
            assert float(price) > 0
        numeric = section in ("metrics", "nav_sensitivity", "maturity_wall", "margin_call_prices")
        if numeric and value:
            float(value)  # a number, "inf" included


@pytest.mark.parametrize(
    ("argv", "old"),
    [
        (["report", "mstr-2026-02", "--btc-price", "50000"], "--btc-price"),
        (["report", "mstr-2026-02", "--btc-price=50000"], "--btc-price"),
        (["stress", "mstr-2026-02", "--vol", "0.5", "--spot", "60000"], "--spot"),
    ],
)
def test_a_0_1_option_says_its_0_2_name(
    argv: list[str], old: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from treasurymodel.cli import main

    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert f"{old} was renamed --asset-price in treasurymodel 0.2" in capsys.readouterr().err
