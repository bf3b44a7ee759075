"""The command line on a company holding several assets, and on one priced in another currency.

The fixture ``tests/data/two-assets.toml``: 1,000 BTC and 20,000 ETH, $5M of cash, 1M shares,
a $20M term loan due 2028-01-01 pledging 15,000 ETH (max LTV 70%), ``[market]`` BTC $100,000,
ETH $3,000, share $150. The reading (documented in the how-to "A company holding several
assets"): a price given is the primary asset's (BTC), ETH moves in proportion from its
``[market]`` price unless fixed with ``--asset-price ETH=P``; break prices are common shocks,
stated as BTC prices. Every expected figure is worked by hand in the comment beside it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treasurymodel import Company, Holdings, Market, TermLoan, ValidationError
from treasurymodel.cli import load_source, main, render_json, render_table, report_data
from treasurymodel.cli._common import SeveralAssets
from treasurymodel.instruments import ConvertibleNote, SecuredNote, SpringingMaturity
from treasurymodel.io import load

from ._figures import png_size

TWO = str(Path(__file__).parent / "data" / "two-assets.toml")
M = 1e6


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command in this process: (exit code, stdout, stderr)."""
    try:
        code = main(list(args))
    except SystemExit as stop:  # usage errors, as argparse raises them
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    """The error line of a refusal (a usage error prints the usage first)."""
    lines = err.strip().splitlines()
    assert lines, "no error printed"
    assert "Traceback" not in err
    return lines[-1]


# --- report --------------------------------------------------------------------------------


def test_report_json_at_the_file_prices(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "report", TWO, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    (m,) = doc["metrics"]
    # Reserve = 1,000 x 100,000 + 20,000 x 3,000 = 160M; NAV = 160M + 5M - 20M = 145M.
    assert m["asset_price"] == 100_000.0
    assert m["asset_reserve"] == pytest.approx(160 * M, rel=1e-12)
    assert m["nav"] == pytest.approx(145 * M, rel=1e-12)
    assert m["nav_per_share"] == pytest.approx(145.0, rel=1e-12)
    # mNAV = EV / reserve = (150M + 20M - 5M) / 160M.
    assert m["mnav"] == pytest.approx(165 / 160, rel=1e-12)
    several = doc["several_assets"]
    assert several["reference_prices"] == {"BTC": 100_000.0, "ETH": 3_000.0}
    assert several["fixed"] == []
    assert several["reading"].startswith(
        "several assets: prices move together from BTC 100,000.00, ETH 3,000.00"
    )
    # The wall under a common shock: the holdings are worth 160M at the reference prices,
    # as 1,600 BTC; the $20M loan needs BTC at 20M / 1,600 = 12,500.
    last = doc["maturity_wall"]["rows"][-1]
    assert last["period"] == "2028"
    assert last["breakeven_price"] == pytest.approx(12_500.0, rel=1e-12)
    # The margin call is an ETH price: 15,000 pledged + 5,000 free ETH can top up, so the
    # limit fails below 20M / (0.7 x 20,000) = 1,428.57.
    (call,) = doc["margin_call_prices"]["instruments"]
    assert call["asset"] == "ETH"
    assert call["price"] == pytest.approx(20 * M / (0.7 * 20_000), rel=1e-12)
    assert doc["margin_call_prices"]["joint_asset"] == "ETH"
    # NAV grid at 0.25x: BTC 25,000 with ETH 750, reserve 40M, NAV 25M, 25 per share.
    first = doc["nav_sensitivity"]["rows"][0]
    assert first["asset_price"] == pytest.approx(25_000.0)
    assert first["nav_per_share"] == pytest.approx(25.0, rel=1e-12)
    assert first["mnav"] == pytest.approx(165 / 40, rel=1e-12)


def test_report_a_primary_price_moves_the_others(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "report", TWO, "--asset-price", "50,000", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    # BTC halves, so ETH halves too: 1,500. Reserve 50M + 30M = 80M; NAV 65M.
    assert doc["several_assets"]["prices"] == [{"BTC": 50_000.0, "ETH": 1_500.0}]
    (m,) = doc["metrics"]
    assert m["asset_reserve"] == pytest.approx(80 * M, rel=1e-12)
    assert m["nav_per_share"] == pytest.approx(65.0, rel=1e-12)
    # The common-shock wall price does not depend on where the shock starts: 12,500.
    assert doc["maturity_wall"]["rows"][-1]["breakeven_price"] == pytest.approx(12_500.0)


def test_report_a_fixed_price_stays(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(
        capsys,
        "report",
        TWO,
        *("--asset-price", "50000", "--asset-price", "ETH=3000", "--asset-price", "100000"),
        "--format",
        "json",
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["several_assets"]["fixed"] == ["ETH"]
    reserves = [m["asset_reserve"] for m in doc["metrics"]]
    # ETH stays at 3,000 (60M): 50M + 60M and 100M + 60M.
    assert reserves == pytest.approx([110 * M, 160 * M], rel=1e-12)
    # Break prices are common shocks from the [market] ratio (ETH 3,000 per BTC 100,000):
    # the holdings are worth 160M at BTC 100,000, so 20M / 160M x 100,000 = 12,500, whatever
    # the order of the rows and although ETH was fixed for the metrics.
    assert doc["maturity_wall"]["rows"][-1]["breakeven_price"] == pytest.approx(
        100_000 * 20 / 160, rel=1e-12
    )
    assert doc["several_assets"]["shock_reference_prices"] == {"BTC": 50_000.0, "ETH": 1_500.0}
    code, out, err = cli(
        capsys,
        "report",
        TWO,
        *("--asset-price", "100000", "--asset-price", "ETH=3000", "--asset-price", "50000"),
        "--format",
        "json",
    )
    swapped = json.loads(out)
    assert swapped["maturity_wall"] == doc["maturity_wall"]
    # The grid at 0.25 x 50,000 = 12,500 keeps ETH at 3,000: NAV 12.5M + 60M - 15M = 57.5M.
    assert doc["nav_sensitivity"]["rows"][0]["nav"] == pytest.approx(57.5 * M, rel=1e-12)


def test_report_table_says_the_reading(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "report", TWO)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[1].startswith("  BTC held 1,000 (0 pledged); ETH held 20,000; cash 5.0M")
    assert lines[3:5] == [
        "  several assets: prices move together from BTC 100,000.00, ETH 3,000.00",
        "  break prices are BTC prices, every asset price moving in proportion (a common shock)",
    ]
    loan = next(line for line in lines if line.strip().startswith("ETH loan"))
    assert loan.split() == ["ETH", "loan", "ETH", "70%", "1,428.57"]
    wall = next(line for line in lines if line.strip().startswith("2028"))
    assert wall.split()[-1] == "12,500.00"


def test_report_csv_says_the_reading(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "report", TWO, "--format", "csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["section", "subject", "date", "asset_price", "field", "value"]
    several = [r for r in rows if r[0] == "several_assets"]
    assert ["several_assets", "BTC", "", "", "reference_price", "100000.0"] in several
    assert ["several_assets", "ETH", "", "", "reference_price", "3000.0"] in several
    (reading,) = [r for r in several if r[4] == "reading"]
    assert reading[5].startswith("several assets: prices move together")
    assert ["company", "ETH", "", "", "units", "20000.0"] in rows
    assert ["margin_call_prices", "ETH loan", "", "", "asset", "ETH"] in rows
    (wall,) = [r for r in rows if r[:2] == ["maturity_wall", "2028"] and r[4] == "breakeven_price"]
    assert float(wall[5]) == pytest.approx(12_500.0)


def _springing_company() -> Company:
    """1,000 BTC (200 pledged to a $50M secured note due 2029) and 20,000 ETH at 100,000 and
    3,000, $10M cash; the note springs on 2027-09-15 unless liquidity >= 1.3 x the $100M
    zero-coupon convertible due 2027-12-15."""
    cvt = ConvertibleNote(
        name="cvt",
        principal=100 * M,
        coupon=0.0,
        issued=dt.date(2024, 1, 1),
        maturity=dt.date(2027, 12, 15),
        conversion_price=50.0,
    )
    sec = SecuredNote(
        name="sec",
        principal=50 * M,
        issued=dt.date(2024, 1, 1),
        maturity=dt.date(2029, 1, 1),
        pledged_units=200,
        springing=[
            SpringingMaturity(date=dt.date(2027, 9, 15), reference="cvt", liquidity_multiple=1.3)
        ],
    )
    return Company(
        name="Two",
        as_of=dt.date(2026, 1, 1),
        shares_basic=1e6,
        cash=10 * M,
        holdings=[Holdings(asset="BTC", units=1_000), Holdings(asset="ETH", units=20_000)],
        instruments=[cvt, sec],
        market=Market(asset_prices={"BTC": 100_000.0, "ETH": 3_000.0}),
    )


def test_report_springing_trigger_is_a_common_shock() -> None:
    # The test needs 130M. Unencumbered value at the reference: 800 x 100,000 + 60M = 140M;
    # 10M + 140M x s = 130M gives s = 6/7, a BTC price of 85,714.29.
    (test,) = report_data(_springing_company())["maturity_wall"]["springing_tests"]
    assert test["trigger_price"] == pytest.approx(100_000 * 6 / 7, rel=1e-12)


@pytest.mark.parametrize(
    ("springing", "by_2027"),
    [
        # The holdings are worth 1,600 BTC at any common level (ETH at 3/100 of BTC).
        ("worst", 150 * M / 1_600),  # the note springs: 100M + 50M due in 2027
        ("best", 100 * M / 1_600),  # it does not: the convertible alone
        ("test", 100_000 * 6 / 7),  # it springs below the trigger, where 150M is not covered
    ],
)
def test_report_wall_springing_options(springing: str, by_2027: float) -> None:
    wall = report_data(_springing_company(), springing=springing)["maturity_wall"]
    rows = {r["period"]: r["breakeven_price"] for r in wall["rows"]}
    assert rows["2027"] == pytest.approx(by_2027, rel=1e-12)
    # Everything by 2029: 150M, without cash (the wall counts holdings only).
    assert rows["2029"] == pytest.approx(150 * M / 1_600, rel=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    btc=st.floats(1_000.0, 1e6),
    eth=st.floats(10.0, 1e5),
    units_eth=st.floats(0.0, 1e5),
)
def test_common_shock_wall_equals_one_asset_of_the_same_value(
    btc: float, eth: float, units_eth: float
) -> None:
    """Two assets moved together break where one asset holding their total value breaks."""
    loan = TermLoan(
        name="loan",
        principal=20 * M,
        rate=0.08,
        issued=dt.date(2025, 1, 1),
        maturity=dt.date(2028, 1, 1),
    )
    common: dict[str, Any] = {"as_of": dt.date(2026, 1, 1), "shares_basic": 1e6, "cash": 5 * M}
    two = Company(
        name="Two",
        holdings=[Holdings(asset="BTC", units=1_000), Holdings(asset="ETH", units=units_eth)],
        instruments=[loan],
        market=Market(asset_prices={"BTC": btc, "ETH": eth}),
        **common,
    )
    one = Company(
        name="One",
        holdings=Holdings(asset="BTC", units=1_000 + units_eth * eth / btc),
        instruments=[loan],
        market=Market(asset_price=btc),
        **common,
    )
    a, b = report_data(two), report_data(one)
    for x, y in zip(a["maturity_wall"]["rows"], b["maturity_wall"]["rows"], strict=True):
        assert x["breakeven_price"] == pytest.approx(y["breakeven_price"], rel=1e-9)
    assert a["metrics"][0]["nav"] == pytest.approx(b["metrics"][0]["nav"], rel=1e-9)
    for x, y in zip(a["nav_sensitivity"]["rows"], b["nav_sensitivity"]["rows"], strict=True):
        assert x["nav_per_share"] == pytest.approx(y["nav_per_share"], rel=1e-9, abs=1e-9)


def test_report_one_asset_named_price_is_its_price(capsys: pytest.CaptureFixture[str]) -> None:
    code, named, _ = cli(capsys, "report", "mstr-2022q2", "--asset-price", "BTC=20000")
    assert code == 0
    code, bare, _ = cli(capsys, "report", "mstr-2022q2", "--asset-price", "20000")
    assert code == 0
    assert named == bare


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--asset-price", "XRP=1"], "argument --asset-price: names no asset held (BTC, ETH)"),
        (["--asset-price", "ETH=1", "--asset-price", "ETH=2"], "is given twice"),
        (["--asset-price", "BTC=1", "--asset-price", "2"], "give its price once"),
        (["--asset-price", "ETH=-1"], "argument --asset-price: must be a positive number"),
    ],
)
def test_report_refuses_bad_prices_in_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    code, out, err = cli(capsys, "report", TWO, *args)
    assert (code, out) == (2, "")
    assert expected in one_line_error(err)


def test_report_file_without_a_price_to_move_from(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = Path(TWO).read_text().replace("{ BTC = 100000.0, ETH = 3000.0 }", "{ BTC = 100000.0 }")
    path = tmp_path / "no-eth.toml"
    path.write_text(text)
    code, out, err = cli(capsys, "report", str(path))
    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert "states no [market] price of ETH" in err
    assert "ETH=P" in err
    # Fixing ETH is the way out: 100,000 x 1,000 + 2,000 x 20,000 = 140M.
    code, out, err = cli(
        capsys, "report", str(path), "--asset-price", "ETH=2000", "--format", "json"
    )
    assert code == 0, err
    assert json.loads(out)["metrics"][0]["asset_reserve"] == pytest.approx(140 * M)


# --- the other commands --------------------------------------------------------------------


def test_plot_nav_of_several_assets(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    out_file = tmp_path / "nav.png"
    code, _out, err = cli(capsys, "plot", TWO, "--kind", "nav", "-o", str(out_file))
    assert code == 0, err
    assert err == f"wrote {out_file}\n"
    assert png_size(out_file)[0] > 0
    code, _, err = cli(
        capsys, "plot", TWO, "--kind", "nav", "-o", str(out_file), *("--asset-price", "1") * 2
    )
    assert code == 2
    assert "takes one price of the primary asset" in one_line_error(err)


def test_credit_on_the_common_shock_reading(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "credit", TWO, "--vol", "0.5", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    (loan,) = doc["securities"]
    # BTC Rating = reserve / claim = 160M / 20M; break price 12,500 as for the wall.
    assert loan["rating"] == pytest.approx(8.0, rel=1e-12)
    assert loan["break_price"] == pytest.approx(12_500.0, rel=1e-12)
    # The common's rating: (160M - 20M) / 150M.
    assert doc["common"]["btc_rating"] == pytest.approx(140 / 150, rel=1e-12)
    assert doc["several_assets"]["reference_prices"] == {"BTC": 100_000.0, "ETH": 3_000.0}
    code, out, err = cli(capsys, "credit", TWO, "--vol", "0.5", "--asset-price", "50000")
    assert code == 0, err
    # ETH moves to 1,500: reserve 80M, rating 4; the common (80M - 20M) / 150M = 0.4.
    loan_line = next(line for line in out.splitlines() if line.startswith("ETH loan"))
    assert loan_line.split()[4:6] == ["4.000", "12,500.00"]
    assert "Common stock: BTC Rating 0.400" in out
    assert "several assets: prices move together from BTC 50,000.00, ETH 1,500.00" in out
    code, out, err = cli(capsys, "credit", TWO, "--vol", "0.5", "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[1].startswith("ETH loan,debt,1,")


def test_credit_simulate_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "credit", TWO, "--vol", "0.5", "--simulate")
    assert (code, out) == (2, "")
    assert one_line_error(err) == (
        "treasurymodel credit: error: argument --simulate: simulates one asset's price; "
        "'Two' holds several (BTC, ETH): leave out --simulate (the closed form reads them "
        "together)"
    )


@pytest.mark.parametrize("sources", [[TWO], ["mstr-2022q2", TWO]])
def test_stress_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], sources: list[str]
) -> None:
    code, out, err = cli(capsys, "stress", *sources, "--vol", "0.5", "--paths", "10")
    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert err.startswith("treasurymodel: error: DATASET|FILE: 'Two' holds several assets")
    assert "(--asset-price, --vol)" in err
    assert err.rstrip().endswith(
        "use treasurymodel credit SOURCE --vol V, got '" + sources[-1] + "'"
    )


def test_validate_and_compare(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "validate", TWO)
    assert (code, out) == (0, f"{TWO}: valid 'Two' as of 2026-01-01, 1 instrument(s)\n")
    code, out, err = cli(capsys, "compare", TWO, "--format", "json")
    assert code == 0, err
    # compare reads the same way: the wall over the whole debt at BTC 12,500.
    assert json.loads(out)["companies"][0]["wall_price_all"] == pytest.approx(12_500.0)


def test_reading_at_an_array_keeps_fixed_prices() -> None:
    import numpy as np

    reading = SeveralAssets.of(load(TWO), [("ETH", 2_000.0)])
    prices = reading.at(np.array([50_000.0, 100_000.0]))
    assert prices["ETH"].tolist() == [2_000.0, 2_000.0]
    assert SeveralAssets.of(load(TWO), [80_000.0]).at(40_000.0) == {
        "BTC": 40_000.0,
        "ETH": 1_200.0,
    }


# --- a company whose asset is priced in another currency (Metaplanet) ----------------------

# mtplf-2025-11: 30,823 BTC at $87,500, 156 yen per dollar, $100M + $130M of BTC-backed
# drawings, 1,142M shares at 365 yen.
USD_DEBT = 230 * M
UNITS = 30_823
FX = 156.0


def test_report_metaplanet(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "report", "mtplf-2025-11", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert "several_assets" not in doc
    (m,) = doc["metrics"]
    # Reserve in yen: 30,823 x 87,500 x 156; debt 230M x 156 yen.
    assert m["asset_reserve"] == pytest.approx(UNITS * 87_500 * FX, rel=1e-12)
    assert m["debt"] == pytest.approx(USD_DEBT * FX, rel=1e-12)
    # The wall's breakeven is a dollar price of BTC: $230M / 30,823.
    assert doc["maturity_wall"]["rows"][-1]["breakeven_price"] == pytest.approx(
        USD_DEBT / UNITS, rel=1e-12
    )
    assert (doc["company"]["currency"], doc["company"]["price_currency"]) == ("JPY", "USD")
    code, out, err = cli(capsys, "report", "mtplf-2025-11")
    assert code == 0, err
    lines = out.splitlines()
    assert "  BTC prices are in USD, amounts in JPY (at the file's [market] fx)" in lines
    assert any(line.startswith("Balance-sheet metrics") and line.endswith("at BTC 87,500.00 USD")
               for line in lines)  # fmt: skip


def test_a_company_priced_in_its_own_currency_says_nothing_of_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = cli(capsys, "report", "mstr-2026-02")
    assert code == 0
    assert "prices are in" not in out
    (header,) = [line for line in out.splitlines() if line.startswith("Balance-sheet metrics")]
    assert header.endswith(" at BTC 68,141.00")  # no currency after the price
    code, out, _ = cli(capsys, "report", "mstr-2026-02", "--format", "json")
    assert json.loads(out)["company"]["price_currency"] == "USD"


def test_plot_and_credit_metaplanet(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    out_file = tmp_path / "m.svg"
    code, _, err = cli(capsys, "plot", "mtplf-2025-11", "--kind", "nav", "-o", str(out_file))
    assert code == 0, err
    assert out_file.read_text().lstrip().startswith("<?xml")
    code, out, err = cli(capsys, "credit", "mtplf-2025-11", "--vol", "0.5", "--format", "json")
    assert code == 0, err
    first = json.loads(out)["securities"][0]
    # Both drawings rank together: BTC Rating = 30,823 x 87,500 / 230M; break $230M / 30,823.
    assert first["rating"] == pytest.approx(UNITS * 87_500 / USD_DEBT, rel=1e-12)
    assert first["break_price"] == pytest.approx(USD_DEBT / UNITS, rel=1e-12)


def test_several_assets_priced_in_dollars_for_a_yen_company() -> None:
    # 1,000 BTC at $100,000 and 20,000 ETH at $3,000 held by a yen company (150 yen a
    # dollar) owing a $20M loan: the reserve is $160M = 24,000M yen; the wall needs $20M from
    # holdings worth 1,600 BTC at any common level: a BTC price of $12,500.
    loan = TermLoan(
        name="USD loan",
        principal=20 * M,
        rate=0.05,
        currency="USD",
        issued=dt.date(2025, 1, 1),
        maturity=dt.date(2028, 1, 1),
    )
    co = Company(
        name="Yen Two",
        as_of=dt.date(2026, 1, 1),
        currency="JPY",
        shares_basic=1e6,
        holdings=[
            Holdings(asset="BTC", units=1_000, price_currency="USD"),
            Holdings(asset="ETH", units=20_000, price_currency="USD"),
        ],
        instruments=[loan],
        market=Market(asset_prices={"BTC": 100_000.0, "ETH": 3_000.0}, fx={"USD": 150.0}),
    )
    data = report_data(co)
    assert data["metrics"][0]["asset_reserve"] == pytest.approx(24_000 * M, rel=1e-12)
    assert data["maturity_wall"]["rows"][-1]["breakeven_price"] == pytest.approx(12_500.0)
    assert data["several_assets"]["reading"].startswith(
        "several assets: prices move together from BTC 100,000.00 USD, ETH 3,000.00 USD;"
    )


def test_report_data_fixed_prices_checked() -> None:
    two = load(TWO)
    with pytest.raises(ValidationError, match="fixed_prices"):
        report_data(two, fixed_prices=[("ETH", 1.0)])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="must be positive"):
        report_data(two, fixed_prices={"ETH": 0.0})
    with pytest.raises(ValidationError, match="names no asset held"):
        report_data(two, fixed_prices={"SOL": 1.0})
    one = load_source("mstr-2022q2")[0]
    with pytest.raises(ValidationError, match="is for a company holding several assets"):
        report_data(one, fixed_prices={"BTC": 1.0})
    # By hand: ETH fixed at 1,000 with BTC at 100,000: reserve 100M + 20M = 120M.
    data = report_data(two, fixed_prices={"ETH": 1_000.0})
    assert data["metrics"][0]["asset_reserve"] == pytest.approx(120 * M, rel=1e-12)


def test_report_json_keys_are_documented() -> None:
    from .test_cli import _HOWTO, _documented, _keys, _strict_json

    if not _HOWTO.exists():
        pytest.skip("docs not in this tree")
    documented = _documented("The JSON report")
    doc = _strict_json(render_json(report_data(load(TWO))))
    assert set(doc) == set(documented)
    several = doc.pop("several_assets")
    # reference_prices and each of prices are keyed by asset, the rest as documented
    assert set(several) <= documented["several_assets"]
    assert set(several["reference_prices"]) == {"BTC", "ETH"}
    for key, value in doc.items():
        assert _keys(value) <= documented[key], (key, _keys(value) - documented[key])


def test_margin_calls_of_loans_on_two_assets() -> None:
    # A $10M loan on 500 of 1,000 BTC at a 50% LTV: called below 10M / (0.5 x 1,000) =
    # 20,000 (all the bitcoin can top up); the ETH loan as in the file, 1,428.57. The loans
    # pledge two assets: no joint price.
    btc_loan = TermLoan(
        name="BTC loan",
        principal=10 * M,
        rate=0.05,
        max_ltv=0.5,
        pledged_units=500,
        issued=dt.date(2025, 1, 1),
        maturity=dt.date(2028, 1, 1),
    )
    two = load(TWO)
    both = attrs.evolve(two, instruments=[btc_loan, *two.instruments])
    calls = report_data(both)["margin_call_prices"]
    prices = {r["instrument"]: (r["asset"], r["price"]) for r in calls["instruments"]}
    assert prices["BTC loan"] == ("BTC", pytest.approx(20_000.0))
    assert prices["ETH loan"] == ("ETH", pytest.approx(20 * M / (0.7 * 20_000)))
    assert (calls["joint"], calls["joint_asset"]) == (None, None)
    table = render_table(report_data(both))
    assert "  all loans together  several                none\n" in table


def test_report_table_labels_the_reserve_of_every_asset(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = cli(capsys, "report", TWO)
    assert code == 0
    rows = {line[:30].strip(): line[30:].strip() for line in out.splitlines()}
    assert rows["Reserve, every asset (USD M)"] == "160.0"  # 100M of BTC + 60M of ETH
    assert "BTC Reserve (USD M)" not in rows
    code, out, _ = cli(capsys, "report", "mstr-2026-02")
    assert any(line.startswith("BTC Reserve (USD M)") for line in out.splitlines())
