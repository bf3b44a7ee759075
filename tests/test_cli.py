"""Tests of the ``treasurymodel`` command, through its entry point (``python -m``).

Expected figures come from the primer's worked 2022 case and strategy-facts.md, worked by
hand in the comments, never from the command's own output.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from treasurymodel.cli import main

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
    assert (m["btc_price"], m["share_price"]) == (68_141.0, 114.45)
    # NAV = 713,502 × 68,141 + 2,250M − 8,243.75M − 8,388.7M (STRE at 775M × 1.188).
    nav = 713_502 * 68_141 + 2_250e6 - 8_243.75e6 - 8_388.7e6
    assert m["nav"] == pytest.approx(nav, rel=1e-12)
    assert m["btc_reserve"] == pytest.approx(713_502 * 68_141, rel=1e-12)
    assert m["market_cap"] == pytest.approx(332_431e3 * 114.45, rel=1e-12)
    # No loan with an LTV limit in 2026.
    assert doc["margin_call_prices"] == {"joint": None, "instruments": []}
    wall = {row["period"]: row for row in doc["maturity_wall"]["rows"]}
    # 2028: the $1,010M 0.625% notes; 2030: $800M (A) + $2,000M (B).
    assert wall["2028"]["due"] == pytest.approx(1_010e6)
    assert wall["2030"]["due"] == pytest.approx(2_800e6)
    assert wall["2032"]["cumulative_due"] == pytest.approx(8_243.75e6)
    assert doc["maturity_wall"]["springing_tests"] == []
    grid = [row["btc_price"] for row in doc["nav_sensitivity"]["rows"]]
    assert grid == pytest.approx([68_141 * k for k in (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)])


def test_report_json_2022_at_several_prices_reproduces_the_primer() -> None:
    result = run(
        "report",
        "mstr-2022q2",
        "--btc-price",
        "20000",
        "--btc-price",
        "10,000",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [m["btc_price"] for m in doc["metrics"]] == [20_000.0, 10_000.0]
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
    result = run("report", "mstr-2022q2", "--format", "csv", "--btc-price", "20000")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["section", "subject", "date", "btc_price", "field", "value"]
    calls = [r for r in rows if r["section"] == "margin_call_prices"]
    assert float(calls[0]["value"]) == pytest.approx(410e6 / 115_109)
    nav = [r for r in rows if r["section"] == "metrics" and r["field"] == "nav"]
    assert [float(r["btc_price"]) for r in nav] == [20_000.0]
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
        (["report", "{tmp}/nomarket.toml"], "--btc-price"),
        (["plot", "{tmp}/empty.toml", "-o", "{tmp}/x.png"], "is empty"),
    ],
)
def test_invalid_input_exits_1_with_one_line(
    tmp_path: Path, args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty.toml").write_text("")
    (tmp_path / "nomarket.toml").write_text(BASE)
    # In-process through main(): the same code path as the entry point, without a subprocess.
    code = main([a.format(tmp=tmp_path) for a in args])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1
    assert captured.err.startswith("treasurymodel: error: ")
    assert words in captured.err


def test_invalid_input_through_the_entry_point_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "v2.toml"
    path.write_text(BASE.replace('"treasurymodel/1"', '"treasurymodel/2"'))
    result = run("report", str(path))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "treasurymodel/2" in result.stderr


# --- usage errors: exit code 2 ------------------------------------------------------------


def test_usage_errors_exit_2_through_the_entry_point() -> None:
    result = run("report", "mstr-2026-02", "--format", "xml")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["frobnicate"],
        ["report"],
        ["report", "mstr-2026-02", "--btc-price", "-5"],
        ["report", "mstr-2026-02", "--btc-price", "abc"],
        ["report", "mstr-2026-02", "--share-price", "nan"],
        ["plot", "mstr-2026-02"],
        ["plot", "mstr-2026-02", "-o", "figure.pdf"],
        ["plot", "mstr-2026-02", "--kind", "pie", "-o", "x.png"],
    ],
)
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["report", "datasets", "validate", "plot"])
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
    for command in ("report", "datasets", "validate", "plot"):
        assert command in result.stdout
    assert "exit codes" in result.stdout


def test_console_script_if_installed(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("treasurymodel")
    if not script.exists():
        script_path = shutil.which("treasurymodel")
        if script_path is None:
            pytest.skip("the treasurymodel console script is not installed")
        script = Path(script_path)
    result = subprocess.run(
        [str(script), "datasets"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0
    assert "mstr-2026-02" in result.stdout


# --- plot ---------------------------------------------------------------------------------


def test_plot_writes_png_and_svg(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "ladder.png"
    result = run("plot", "mstr-2022q2", "-o", str(png))
    assert result.returncode == 0, result.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = tmp_path / "nav.svg"
    code = main(["plot", "mstr-2026-02", "--kind", "nav", "-o", str(svg)])
    assert code == 0
    assert "<svg" in svg.read_text()


def test_plot_into_a_missing_directory_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("matplotlib")
    code = main(["plot", "mstr-2022q2", "-o", str(tmp_path / "no" / "dir" / "x.png")])
    assert code == 1
    assert capsys.readouterr().err.startswith("treasurymodel: error: ")
