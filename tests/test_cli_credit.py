"""Tests of the ``treasurymodel credit`` subcommand (treasurymodel.cli.credit)."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

import pytest

from treasurymodel import credit_table, datasets
from treasurymodel.cli import main
from treasurymodel.credit import COMMON, btc_rating, btc_risk


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_rows_are_the_library_figures(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(
        [
            "credit", "mstr-2026-02", "--vol", "0.6", "--return", "0.1", "--horizon", "3",
            "--definition", "dashboard", "--price", "STRF=105", "--risk-free", "0.04",
            "--format", "json",
        ],
        capsys,
    )  # fmt: skip
    assert (code, err) == (0, "")
    doc = json.loads(out)
    co = datasets.load("mstr-2026-02")
    rows = {r["security"]: r for r in doc["securities"]}
    assert list(rows)[-1] == "STRD"
    kw: dict[str, Any] = {"asset_volatility": 0.6, "expected_return": 0.1, "horizon": 3.0}
    for name, row in rows.items():
        assert row["rating"] == btc_rating(co, name, asset_price=68_141.0, definition="dashboard")
        assert row["risk"] == btc_risk(co, name, definition="dashboard", **kw)
    assert rows["STRF"]["effective_yield"] == pytest.approx(10 / 105)
    assert rows["STRF"]["market_spread"] == pytest.approx(10 / 105 - 0.04)
    assert rows["STRD"]["market_price"] is None  # JSON null: no price given
    assert doc["common"]["btc_rating"] == btc_rating(
        co, COMMON, asset_price=68_141.0, share_price=114.45, definition="dashboard"
    )
    assert doc["inputs"]["definition"] == "dashboard"


def test_csv_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["credit", "mstr-2026-02", "--vol", "0.5", "--format", "csv"], capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    table = credit_table(datasets.load("mstr-2026-02"), asset_volatility=0.5, expected_return=0)
    assert [r["security"] for r in rows] == [*table.security, "common"]
    assert float(rows[-2]["rating"]) == float(table.rating[-1])
    assert rows[-2]["market_price"] == ""
    assert math.isclose(float(rows[-1]["rating"]), table.common_rating or 0.0)
    code, out, _ = _run(
        ["credit", "mstr-2022q2", "--vol", "0.8", "--asset-price", "20000"], capsys
    )
    assert code == 0
    assert out.splitlines()[0].startswith("MicroStrategy (MSTR), credit view as of 2022-06-30")
    assert "BTC-backed term loan" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ([], "required: --vol"),
        (["--vol", "0"], "--vol: must be a positive"),
        (["--vol", "11"], "--vol: must be at most 10"),
        (["--vol", "0.5", "--price", "STRF"], "--price: must be NAME=PRICE"),
        (["--vol", "0.5", "--price", "STRF=-1"], "--price: must be a positive"),
        (["--vol", "0.5", "--definition", "textbook"], "--definition: invalid choice"),
        (["--vol", "0.5", "--event", "touch"], "--event: invalid choice"),
    ],
)
def test_usage_errors_exit_2(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["credit", "mstr-2026-02", *args])
    assert info.value.code == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith("treasurymodel credit: error: ")
    assert words in last


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--price", "NOPE=5"], "--price: names no debt or preferred security"),
        (["--horizon", "5000"], "--horizon: must be finite and in (0, 1000]"),
        (["--return", "20"], "--return: must be finite and in [-10, 10]"),
        (["--price", "Other secured debt=90", "--yield-to", "put"], "--yield-to: 'Other"),
        (["--price", "Other secured debt=1e17"], "--price: implies a yield outside"),
        (["--price", "STRF=105", "--price", "STRF=106"], "--price: is given twice, got 'STRF'"),
        (["--price", "STRF=1e-9"], "--price: implies a yield above 10,000%"),
        (["--asset-price", "1e308"], "--asset-price: is too large"),
    ],
)
def test_invalid_input_exits_1_naming_the_option(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(["credit", "mstr-2026-02", "--vol", "0.5", *args], capsys)
    assert code == 1
    assert out == ""
    assert len(err.splitlines()) == 1
    assert words in err


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["credit", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out
    assert "treasurymodel credit mstr-2026-02 --vol 0.5" in out


def test_an_ether_treasury_is_labelled_with_its_asset(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # SharpLink holds 859,853 ETH at $4,028 (data set sbet-2025-10) and has no debt and no
    # preferred stock: the price line names ETH, and the empty table says why it is empty.
    code, out, err = _run(["credit", "sbet-2025-10", "--vol", "0.5"], capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[1].startswith("  ETH 4,028.00; ")
    assert "BTC 4,028" not in out
    assert "horizon 1 year (" in lines[1]
    assert "No debt and no preferred stock" in out
    doc = json.loads(
        _run(["credit", "sbet-2025-10", "--vol", "0.5", "--format", "json"], capsys)[1]
    )
    assert doc["company"]["asset"] == "ETH"
    assert doc["securities"] == []
    table = credit_table(datasets.load("sbet-2025-10"), asset_volatility=0.5, expected_return=0.0)
    assert table.asset == "ETH"
    assert repr(table).splitlines()[0].endswith(": ETH 4,028.00, vol 50%, return 0%, horizon 1y;")
    _, out, _ = _run(["credit", "mstr-2026-02", "--vol", "0.5", "--horizon", "2"], capsys)
    assert out.splitlines()[1].startswith("  BTC 68,141.00; ")
    assert "horizon 2 years (" in out.splitlines()[1]
