"""Tests of treasurymodel.plot: figures drawn from the bundled data sets, rendered to PNG.

Expected bar heights and marked prices come from strategy-facts.md and the primer, summed by
hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("matplotlib")

import matplotlib.image
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from treasurymodel import Company, Holdings, ValidationError, datasets
from treasurymodel.plot import maturity_ladder, nav_chart

from ._figures import png_size, svg_size
from .strategies import companies


def _bars(ax: Axes) -> dict[str, dict[int, float]]:
    """Heights of each labelled bar series, by year."""
    out: dict[str, dict[int, float]] = {}
    for container in ax.containers:
        assert isinstance(container, BarContainer)
        series = out.setdefault(str(container.get_label()), {})
        for patch in container.patches:
            year = round(patch.get_x() + patch.get_width() / 2)
            if patch.get_height() > 0:
                series[year] = series.get(year, 0.0) + patch.get_height()
    return out


def _solid_totals(bars: dict[str, dict[int, float]]) -> dict[int, float]:
    totals: dict[int, float] = {}
    for label, series in bars.items():
        if label in ("Convertible notes", "Secured notes", "Term loans", "Other debt"):
            for year, height in series.items():
                totals[year] = totals.get(year, 0.0) + height
    return totals


def _check_png(path: Path, size: tuple[int, int]) -> None:
    """A valid PNG of exactly ``size`` pixels (figure inches x dpi) with something drawn."""
    assert png_size(path) == size
    image = matplotlib.image.imread(path)
    assert image.shape[1::-1] == size
    assert float(np.std(image[..., :3])) > 0.05  # something was drawn, not a blank canvas


def test_ladder_2022(tmp_path: Path) -> None:
    fig = maturity_ladder(datasets.load("mstr-2022q2"))
    bars = _bars(fig.axes[0])
    # $M by stated maturity: 2025 = 205 loan + 650 converts; 2027 = 1,050 converts + 11
    # other; 2028 = 500 secured notes.
    assert _solid_totals(bars) == pytest.approx({2025: 855.0, 2027: 1_061.0, 2028: 500.0})
    assert bars["Term loans"] == pytest.approx({2025: 205.0})
    # The $500M secured notes may spring to 2025-09-15 or 2026-11-16.
    assert bars["Secured principal if its maturity springs"] == pytest.approx(
        {2025: 500.0, 2026: 500.0}
    )
    assert "Convertible principal at first holder put" not in bars  # no puts in 2022
    path = tmp_path / "ladder-2022.png"
    fig.savefig(path, dpi=100)
    _check_png(path, (1000, 480))  # 10 x 4.8 inches at 100 dpi


def test_ladder_2026_marks_the_puts(tmp_path: Path) -> None:
    fig = maturity_ladder(datasets.load("mstr-2026-02"))
    bars = _bars(fig.axes[0])
    # Stated maturities ($M): 2028 1,010; 2029 3,000; 2030 800 + 2,000; 2031 603.75;
    # 2032 800 + the ~30M other secured debt (assumed due end 2032).
    assert _solid_totals(bars) == pytest.approx(
        {2028: 1_010.0, 2029: 3_000.0, 2030: 2_800.0, 2031: 603.75, 2032: 830.0}
    )
    # First holder puts: 2027-09-15 (2028 notes, 1,010); 2028: 2029 notes 3,000 (Jun 1),
    # 2030 A 800 and 2031 603.75 (Sep 15), 2030 B 2,000 (Mar 1); 2029-06-15 (2032, 800).
    assert bars["Convertible principal at first holder put"] == pytest.approx(
        {2027: 1_010.0, 2028: 6_403.75, 2029: 800.0}
    )
    path = tmp_path / "ladder-2026.png"
    fig.savefig(path, dpi=80)
    _check_png(path, (800, 384))  # 10 x 4.8 inches at 80 dpi


@settings(max_examples=20)
@given(company=companies(max_instruments=4), scale=st.sampled_from([1.0, 1e6, 1e9]))
def test_ladder_bars_add_up_to_the_principal_outstanding(company: Company, scale: float) -> None:
    # Conservation: the solid bars hold every unit of principal still owed after the as-of
    # date (the principal less amortization paid by then), in the reporting currency.
    owed = 0.0
    for debt in company.debts:
        if debt.maturity > company.as_of:
            paid = sum(
                a.amount for a in getattr(debt, "amortization", ()) if a.date <= company.as_of
            )
            owed += (debt.principal - paid) * company.fx_rate(debt.currency)
    fig = maturity_ladder(company, scale=scale)
    drawn = sum(_solid_totals(_bars(fig.axes[0])).values())
    assert drawn * scale == pytest.approx(owed, rel=1e-9, abs=1e-6)


def test_nav_chart_2022_marks_the_break_prices(tmp_path: Path) -> None:
    fig = nav_chart(datasets.load("mstr-2022q2"))
    ax = fig.axes[0]
    by_prefix: dict[str, float] = {}
    for line in ax.get_lines():
        xs = np.asarray(line.get_xdata(), dtype=float)
        if np.ptp(xs) == 0:  # a vertical line
            by_prefix[str(line.get_label()).split(":")[0]] = float(xs[0])
    # Margin call: 410M / 115,109 = 3,561.84. NAV = 0 at (2,416M − 60M cash) / 129,699.
    # Maturity-wall breakeven over all debt: 2,416M / 129,699 = 18,627.75.
    assert by_prefix["Margin call"] == pytest.approx(410e6 / 115_109)
    assert by_prefix["NAV breakeven (NAV = 0)"] == pytest.approx((2_416e6 - 60e6) / 129_699)
    assert by_prefix["Maturity-wall breakeven (all debt)"] == pytest.approx(2_416e6 / 129_699)
    assert by_prefix["BTC price"] == 19_785.0
    nav_line = next(line for line in ax.get_lines() if line.get_label() == "NAV per share")
    x = np.asarray(nav_line.get_xdata(), dtype=float)
    y = np.asarray(nav_line.get_ydata(), dtype=float)
    # At BTC = 0 NAV per share is (60M − 2,416M) / 11.3M shares.
    assert x[0] == 0.0
    assert y[0] == pytest.approx((60e6 - 2_416e6) / 11.3e6)
    path = tmp_path / "nav-2022.png"
    fig.savefig(path, dpi=100)
    _check_png(path, (1000, 500))  # 10 x 5 inches at 100 dpi
    fig.savefig(tmp_path / "nav-2022.svg")
    assert svg_size(tmp_path / "nav-2022.svg") == ("720pt", "360pt")  # 10 x 5 inches


def test_nav_chart_on_a_grid_and_into_given_axes() -> None:
    fig = Figure()
    ax = fig.add_subplot()
    grid = [10_000.0, 50_000.0, 100_000.0]
    returned = nav_chart(
        datasets.load("mstr-2026-02"), asset_prices=grid, share_price=100.0, ax=ax
    )
    assert returned is fig
    line = next(line for line in ax.get_lines() if line.get_label() == "NAV per share")
    assert list(np.asarray(line.get_xdata(), dtype=float)) == grid
    # NAV per share at $100,000: (713,502 × 100,000 + 2,250M − 8,243.75M − 8,388.7M) / 332,431k.
    nav = 713_502 * 100_000 + 2_250e6 - 8_243.75e6 - 8_388.7e6
    assert float(np.asarray(line.get_ydata())[2]) == pytest.approx(nav / 332_431e3)
    labels = [str(label) for label in ax.get_legend_handles_labels()[1]]
    assert "Share price 100.00" in labels


def test_ladder_of_a_company_without_debt(tmp_path: Path) -> None:
    co = Company(
        name="No debt", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=10), shares_basic=1
    )
    fig = maturity_ladder(co)
    assert fig.axes[0].containers == []
    assert any("No debt falls due" in t.get_text() for t in fig.axes[0].texts)
    fig.savefig(tmp_path / "empty.png")
    fig = nav_chart(co, asset_price=50_000.0)
    fig.savefig(tmp_path / "nav.svg")
    assert "<svg" in (tmp_path / "nav.svg").read_text()


_2022 = datasets.load("mstr-2022q2")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"company": "mstr-2022q2"}, "company"),
        ({"company": None}, "company"),
        ({"scale": 0}, "scale"),
        ({"scale": -1e6}, "scale"),
        ({"scale": float("nan")}, "scale"),
        ({"scale": float("inf")}, "scale"),
        ({"scale": "1e6"}, "scale"),
        ({"scale": True}, "scale"),
        ({"title": 5}, "title"),
        ({"ax": "axes"}, "ax"),
    ],
)
def test_ladder_refuses_bad_arguments(kwargs: dict[str, Any], field: str) -> None:
    args = {"company": _2022, **kwargs}
    with pytest.raises(ValidationError) as info:
        maturity_ladder(**args)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"company": None}, "company"),
        ({"asset_prices": "abc"}, "asset_prices"),
        ({"asset_prices": ["1", "2"]}, "asset_prices"),
        ({"asset_prices": []}, "asset_prices"),
        ({"asset_prices": 50_000.0}, "asset_prices"),  # one price: use asset_price
        ({"asset_prices": [[1.0, 2.0], [3.0, 4.0]]}, "asset_prices"),
        ({"asset_prices": [True, False]}, "asset_prices"),
        ({"asset_prices": [1.0, None]}, "asset_prices"),
        ({"asset_prices": [5.0, -1.0]}, "asset_prices[1]"),  # its position as given, not sorted
        ({"asset_prices": [2.0, float("nan")]}, "asset_prices[1]"),
        ({"asset_price": "abc"}, "asset_price"),
        ({"asset_price": -1.0}, "asset_price"),
        ({"asset_price": 0.0}, "asset_price"),
        ({"asset_price": float("inf")}, "asset_price"),
        ({"asset_price": np.array([1.0, 2.0])}, "asset_price"),
        ({"asset_price": True}, "asset_price"),
        ({"share_price": float("nan")}, "share_price"),
        ({"share_price": -5.0}, "share_price"),
        ({"title": b"title"}, "title"),
        ({"ax": object()}, "ax"),
    ],
)
def test_nav_chart_refuses_bad_arguments(kwargs: dict[str, Any], field: str) -> None:
    args = {"company": _2022, **kwargs}
    with pytest.raises(ValidationError) as info:
        nav_chart(**args)
    assert info.value.field == field


def test_nav_chart_takes_prices_of_any_numeric_kind() -> None:
    # A list, an int array and a float array of the same prices draw the same line.
    lines = []
    for grid in ([10_000, 20_000], np.array([10_000, 20_000]), np.array([20_000.0, 10_000.0])):
        fig = nav_chart(_2022, asset_prices=grid, asset_price=np.float64(19_785), share_price=164)
        line = fig.axes[0].get_lines()[0]
        lines.append(np.asarray(line.get_ydata(), dtype=float))
    # NAV per share at 10,000 and 20,000: (129,699 P + 60M - 2,416M) / 11.3M.
    expected = [(129_699 * p + 60e6 - 2_416e6) / 11.3e6 for p in (10_000, 20_000)]
    for y in lines:
        assert y == pytest.approx(expected, rel=1e-12)


def test_missing_matplotlib_points_at_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r"pip install 'treasurymodel\[plot\]'"):
        maturity_ladder(datasets.load("mstr-2022q2"))
