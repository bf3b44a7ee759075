"""The non-Strategy data sets: an ether treasury (SharpLink) and a bitcoin company funded by one
bitcoin-secured convertible (Twenty One Capital).

Every expected figure comes from ``tests/peer_facts.py`` (published figures with their source)
or is worked by hand in a comment; none is read off the library's output.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from treasurymodel import (
    ConvertibleNote,
    TermLoan,
    datasets,
    dumps,
    loads,
    maturity_wall,
    metrics,
)

from . import peer_facts as f

PEERS = ("mtplf-2025-11", "sbet-2025-10", "xxi-2026-01")


def _line_of(name: str, key: str, *, after: str | None = None) -> str:
    text = datasets.text(name)
    if after is not None:
        text = text[text.index(after) :]
    for line in text.splitlines():
        if re.match(rf"^\s*{key}\s*=", line):
            return line
    raise AssertionError(key)


@pytest.mark.parametrize("name", PEERS)
def test_peer_data_sets_are_registered_validate_and_round_trip(name: str) -> None:
    assert name in datasets.names()
    company = datasets.load(name)
    assert loads(datasets.text(name)) == company
    for syntax in ("toml", "json"):
        assert loads(dumps(company, format=syntax), format=syntax) == company


@pytest.mark.parametrize("name", PEERS)
def test_peer_headers_cite_dated_primary_sources(name: str) -> None:
    header = datasets.text(name).split("format =")[0]
    assert ("Sources (secondary" if name == "mtplf-2025-11" else "Sources (primary") in header
    assert "strategy-facts" not in datasets.text(name)
    labels = {
        "sbet-2025-10": ("PR 2025-10-21", "10-Q Q3 2025", "0001493152-25-021970"),
        "xxi-2026-01": ("S-1 2026-01-05", "0001213900-26-001285", "PR 2025-07-29"),
        "mtplf-2025-11": ("Notice 2025-10-28", "Notice 2025-11-04", "Notice 2025-11-25"),
    }
    for label in labels[name]:
        assert label in header


# --- SharpLink ------------------------------------------------------------------------------


def test_sbet_figures_are_the_published_ones() -> None:
    co = datasets.load("sbet-2025-10")
    assert co.as_of == f.SBET_AS_OF
    assert co.holdings[0].asset == "ETH"
    assert co.holdings[0].units == f.SBET_ETH == f.SBET_ETH_NATIVE + f.SBET_ETH_LSETH
    assert co.cash == f.SBET_CASH
    assert co.shares_diluted == f.SBET_DILUTED == 214_963_250.0
    assert co.shares_basic == f.SBET_BASIC
    assert co.instruments == ()
    assert co.market is not None
    assert co.market.asset_price == f.SBET_ETH_PRICE
    # (3,500M - 36.4M) / 859,853 = 4,028.13: the $3.5B rounded, so only about right.
    implied = (f.SBET_ETH_AND_CASH - f.SBET_CASH) / f.SBET_ETH
    assert implied == pytest.approx(4_028.13, abs=0.01)
    assert abs(co.market.asset_price - implied) < 1.0


def test_sbet_marks() -> None:
    name = "sbet-2025-10"
    assert "UNCONFIRMED" in _line_of(name, "shares_basic")
    assert "APPROXIMATE" in _line_of(name, "shares_diluted")
    assert "APPROXIMATE" in _line_of(name, "asset_price")
    assert "UNCONFIRMED" in _line_of(name, "cost_basis")  # unknown, written as 0
    assert "601,143" in _line_of(name, "units")
    assert "258,710" in _line_of(name, "units")
    assert "staking" in datasets.text(name).split("format =")[0]  # said to be left out


def test_sbet_report_metrics_by_hand() -> None:
    m = metrics(datasets.load("sbet-2025-10"), asset_price=4_028.0)
    # Reserve 859,853 x 4,028 = 3,463,487,884; NAV adds the $36.4M of cash (no debt, no
    # preferred): 3,499,887,884, over 196.69M shares = 17.794.
    assert m.asset_reserve == pytest.approx(3_463_487_884.0, rel=1e-12)
    assert m.nav == pytest.approx(3_499_887_884.0, rel=1e-12)
    assert m.nav_per_share == pytest.approx(3_499_887_884.0 / 196.69e6, rel=1e-12)
    assert m.annual_obligations == 0.0


# --- Twenty One Capital ---------------------------------------------------------------------


def test_xxi_figures_are_the_published_ones() -> None:
    co = datasets.load("xxi-2026-01")
    assert co.as_of == f.XXI_AS_OF
    assert co.shares_basic == f.XXI_CLASS_A
    assert co.holdings[0].units == f.XXI_BTC
    # 43,514 x 87,280.37 = 3,797,918,020.18, rounded to the dollar.
    assert co.holdings[0].cost_basis == round(f.XXI_BTC * f.XXI_AVERAGE_COST)
    assert co.market is not None
    assert co.market.asset_price == f.XXI_REFERENCE_PRICE
    reference = f.XXI_COLLATERAL_VALUE / f.XXI_COLLATERAL_BTC
    assert reference == pytest.approx(90_560.40, abs=0.005)
    (note,) = co.instruments
    assert isinstance(note, ConvertibleNote)
    assert (note.principal, note.coupon, note.maturity) == (
        f.XXI_NOTES_PRINCIPAL,
        f.XXI_NOTES_COUPON,
        f.XXI_NOTES_MATURITY,
    )
    # 486,500 thousands of principal x 72.08409455 per $1,000 = 35,068,911.998 shares.
    assert note.shares_on_conversion == pytest.approx(f.XXI_CONVERSION_SHARES, abs=0.01)
    assert note.conversion_price == pytest.approx(13.8727, abs=1e-4)


def test_xxi_marks() -> None:
    name = "xxi-2026-01"
    text = datasets.text(name)
    assert "UNCONFIRMED" in _line_of(name, "units")
    assert "UNCONFIRMED" in _line_of(name, "cash")
    assert "APPROXIMATE" in _line_of(name, "cost_basis")
    assert "APPROXIMATE" in _line_of(name, "conversion_rate")
    assert "ASSUMPTION" in _line_of(name, "frequency")
    assert "ASSUMPTION" in _line_of(name, "issued")
    # The 16,116.31574065 BTC of collateral cannot be carried by a convertible in format 1:
    # the file says so rather than pretending the coins are pledged.
    assert "16,116.31574065" in text
    assert "cannot be" in text
    assert datasets.load(name).pledged_units == 0.0


def test_xxi_report_figures_by_hand() -> None:
    co = datasets.load("xxi-2026-01")
    m = metrics(co, asset_price=90_560.40)
    # Reserve 43,514 x 90,560.40 = 3,940,645,245.6; NAV = reserve - 486.5M of notes (no cash
    # carried) = 3,454,145,245.6, over 346,548,153 class A shares = 9.9673.
    assert m.asset_reserve == pytest.approx(3_940_645_245.6, rel=1e-12)
    assert m.nav == pytest.approx(3_454_145_245.6, rel=1e-12)
    assert m.nav_per_share == pytest.approx(9.9673, abs=1e-4)
    # 1% of $486.5M a year.
    assert m.annual_obligations == pytest.approx(4.865e6, rel=1e-12)
    # The notes fall due in 2030: $486.5M / 43,514 BTC = $11,180.31.
    row = maturity_wall(co).row("2030")
    assert row.due == 486.5e6
    assert row.breakeven_price == pytest.approx(486.5e6 / 43_514, rel=1e-12)


# --- Metaplanet: a yen company with a dollar-priced reserve and dollar debt -----------------


def test_mtplf_figures_are_the_published_ones() -> None:
    co = datasets.load("mtplf-2025-11")
    assert co.as_of == f.MTPLF_AS_OF
    assert co.currency == "JPY"
    (btc,) = co.holdings
    assert (btc.asset, btc.units, btc.price_currency) == ("BTC", f.MTPLF_BTC, "USD")
    # 150,000,000 / 0.1313 = 1,142,422,000 shares, rounded to the million in the file.
    assert co.shares_basic == pytest.approx(
        f.MTPLF_BUYBACK_SHARES / f.MTPLF_BUYBACK_FRACTION, rel=5e-4
    )
    loans = [
        (i.principal, i.currency, i.issued) for i in co.instruments if isinstance(i, TermLoan)
    ]
    assert len(loans) == len(co.instruments)
    assert loans == [
        (f.MTPLF_LOAN_1, "USD", f.MTPLF_LOAN_1_DATE),
        (f.MTPLF_LOAN_2, "USD", f.MTPLF_LOAN_2_DATE),
    ]
    assert sum(p for p, _, _ in loans) == f.MTPLF_DRAWN
    assert co.market is not None
    assert (co.market.asset_price, co.market.share_price) == (
        f.MTPLF_BTC_PRICE,
        f.MTPLF_SHARE_PRICE,
    )


def test_mtplf_marks() -> None:
    name = "mtplf-2025-11"
    text = datasets.text(name)
    assert "APPROXIMATE" in _line_of(name, "shares_basic")
    assert "UNCONFIRMED" in _line_of(name, "cash")
    assert "UNCONFIRMED" in _line_of(name, "cost_basis")
    assert "ASSUMPTION" in _line_of(name, "fx")
    assert "ASSUMPTION" in _line_of(name, "rate")
    assert "ASSUMPTION" in _line_of(name, "maturity")
    # MERCURY was approved only on 22 Dec 2025: named, and not carried.
    assert "MERCURY" in text
    assert not any(i.CLAIM == "preferred" for i in datasets.load(name).instruments)


def test_mtplf_report_figures_by_hand() -> None:
    co = datasets.load("mtplf-2025-11")
    m = metrics(co, asset_price=87_500.0, share_price=365.0)
    assert m.asset_price == 87_500.0  # the price as quoted, in dollars; the amounts in yen
    # Reserve in yen: 30,823 BTC x $87,500 x 156 yen = 420,733,950,000.
    assert m.asset_reserve == pytest.approx(420_733_950_000.0, rel=1e-12)
    # Debt in yen: $230M x 156 = 35,880,000,000; NAV = 384,853,950,000 (no cash carried).
    assert m.debt == pytest.approx(35_880_000_000.0, rel=1e-12)
    assert m.nav == pytest.approx(384_853_950_000.0, rel=1e-12)
    # 384,853,950,000 / 1,142,000,000 = 337.000 yen a share.
    assert m.nav_per_share == pytest.approx(336.99996, abs=1e-4)
    # EV = 1,142M x 365 + 35.88bn = 452,710,000,000; / reserve = 1.07600.
    assert m.mnav == pytest.approx(452_710_000_000.0 / 420_733_950_000.0, rel=1e-12)
    # A weaker yen (170 per dollar) raises both the reserve and the debt in yen.
    weak = metrics(co, asset_price=87_500.0, share_price=365.0, fx={"USD": 170.0})
    assert weak.asset_reserve == pytest.approx(30_823 * 87_500 * 170.0, rel=1e-12)
    assert weak.debt == pytest.approx(230e6 * 170.0, rel=1e-12)


# --- the command ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sbet-2025-10", ["SharpLink Gaming (SBET)", "ETH held 859,853", "3,463.5", "17.79"]),
        ("xxi-2026-01", ["Twenty One Capital (XXI)", "BTC held 43,514", "3,940.6", "11,180.31"]),
        ("mtplf-2025-11", ["Metaplanet (MTPLF)", "BTC held 30,823", "JPY"]),
    ],
)
def test_report_command_on_the_peer_data_sets(name: str, expected: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "treasurymodel", "report", name],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"[data set {name}]" in result.stdout
    for figure in expected:
        assert figure in result.stdout
