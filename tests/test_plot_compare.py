"""Tests of treasurymodel.plot.comparison: the side-by-side figure, read back from its artists.

Expected values are worked by hand from the bundled data files (the figures are quoted in the
comments); a PNG is written and checked with the readers of tests/_figures.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("matplotlib")

import numpy as np
from matplotlib.axes import Axes
from matplotlib.container import BarContainer

from treasurymodel import Company, Holdings, Market, Note, ValidationError, compare, datasets
from treasurymodel.plot import comparison

from ._figures import png_size

ONE_SET = ("mstr-2022q2", "sbet-2025-10")


def _bar_heights(ax: Axes) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for container in ax.containers:
        assert isinstance(container, BarContainer)
        out[str(container.get_label())] = [p.get_height() for p in container.patches]
    return out


def _xs(line: Any) -> list[float]:
    return [float(v) for v in np.asarray(line.get_xdata(), dtype=float)]


def _ys(line: Any) -> list[float]:
    return [float(v) for v in np.asarray(line.get_ydata(), dtype=float)]


def _panels(fig: Any) -> dict[str, Axes]:
    return {ax.get_title(): ax for ax in fig.axes}


def test_bars_show_mnav_and_leverage(tmp_path: Path) -> None:
    fig = comparison(compare([datasets.load(n) for n in ONE_SET]))
    axes = _panels(fig)
    mnav = _bar_heights(axes["mNAV"])
    # mstr-2022q2: (11.3M x $164 + $2,416M debt - $60M cash) / (129,699 x $19,785) = 1.6403;
    # market cap alone 1,853.2M / 2,566.09M = 0.7222. SharpLink's file has no share price.
    assert mnav["EV / reserve"][0] == pytest.approx(1.64031, abs=1e-5)
    assert mnav["Market cap / reserve"][0] == pytest.approx(0.72219, abs=1e-5)
    assert np.isnan(mnav["EV / reserve"][1])
    assert [t.get_text() for t in axes["mNAV"].texts] == ["no share\nprice"]
    leverage = _bar_heights(axes["Leverage"])
    amplification = leverage["Amplification (debt + pref) / reserve"]
    net = leverage["Net leverage (debt − cash) / reserve"]
    assert amplification == pytest.approx([2_416e6 / 2_566_094_715, 0.0])
    # SharpLink: no debt, $36.4M cash over 859,853 ETH x $4,028.
    assert net == pytest.approx([(2_416e6 - 60e6) / 2_566_094_715, -36.4e6 / (859_853 * 4_028)])
    path = tmp_path / "compare.png"
    fig.savefig(path, dpi=100)
    assert png_size(path) == (1100, 800)  # 11 x 8 inches at 100 dpi


def test_shock_panel_draws_nav_per_share_relative_to_today() -> None:
    result = compare([datasets.load(n) for n in ONE_SET], shocks=[0.5, -0.5, 0.0])
    ax = _panels(comparison(result))["NAV per share relative to today under a common shock"]
    lines = {str(line.get_label()): line for line in ax.get_lines()}
    sbet = lines["SharpLink Gaming (ETH)"]
    assert _xs(sbet) == [-50.0, 0.0, 50.0]  # drawn in increasing order
    # SharpLink: reserve R = 859,853 x 4,028, cash 36.4M: (R (1 + s) + cash) / (R + cash).
    reserve = 859_853 * 4_028.0
    expected = [(reserve * (1 + s) + 36.4e6) / (reserve + 36.4e6) for s in (-0.5, 0.0, 0.5)]
    assert _ys(sbet) == pytest.approx(expected, rel=1e-12)
    # MicroStrategy 2022: NAV 210.09M on a 2,566.09M reserve, so -50% gives
    # 1 - 0.5 x 2,566.09 / 210.09 = -5.107.
    mstr = lines["MicroStrategy (BTC)"]
    assert _ys(mstr)[0] == pytest.approx(1 - 0.5 * 2_566_094_715 / 210_094_715)
    alone = lines["The asset alone (1 + shock)"]
    assert _ys(alone) == pytest.approx([0.5, 1.0, 1.5])


def test_a_company_with_no_nav_today_has_no_line() -> None:
    broke = Company(
        name="Broke",
        as_of=dt.date(2026, 1, 1),
        holdings=Holdings(units=10),
        shares_basic=1e6,
        market=Market(asset_price=100_000.0),
        instruments=[Note(name="n", principal=2e6, maturity=dt.date(2027, 1, 1))],
    )  # NAV = 1M - 2M < 0
    fig = comparison(compare([broke, datasets.load("sbet-2025-10")]), title="Two")
    ax = _panels(fig)["NAV per share relative to today under a common shock"]
    lines = {str(line.get_label()): line for line in ax.get_lines()}
    assert len(_xs(lines["Broke: NAV per share ≤ 0 today"])) == 0
    assert fig.get_suptitle() == "Two"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"result": "x"}, "result"),
        ({"result": None}, "result"),
        ({"title": 3}, "title"),
        ({"figure": "fig"}, "figure"),
    ],
)
def test_bad_input(kwargs: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {"result": compare([datasets.load("sbet-2025-10")])}
    arguments.update(kwargs)
    result = arguments.pop("result")
    with pytest.raises(ValidationError) as info:
        comparison(result, **arguments)
    assert info.value.field == field


def test_draws_into_a_figure_it_is_given_and_refuses_one_already_drawn() -> None:
    # The gallery hands it a pyplot figure so that pyplot shows (and sphinx-gallery keeps) it.
    import matplotlib.pyplot as plt

    result = compare([datasets.load("sbet-2025-10"), datasets.load("mstr-2026-02")])
    given = plt.figure()
    try:
        drawn = comparison(result, figure=given)
        assert drawn is given
        alone = comparison(result)
        assert [ax.get_title() for ax in drawn.axes] == [ax.get_title() for ax in alone.axes]
        mnav = _panels(drawn)["mNAV"]
        assert len(mnav.patches) == len(_panels(alone)["mNAV"].patches) > 0
        with pytest.raises(ValidationError) as info:
            comparison(result, figure=given)  # it has axes now
        assert info.value.field == "figure"
    finally:
        plt.close(given)


def test_the_compare_command_draws_the_figure_and_still_prints_the_table(tmp_path: Path) -> None:
    import contextlib
    import io

    from treasurymodel.cli import main

    from ._figures import svg_size

    path = tmp_path / "side.svg"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["compare", *ONE_SET, "--plot", str(path)])
    assert code == 0
    assert "MicroStrategy" in out.getvalue()  # the table on standard output, as without --plot
    assert err.getvalue() == f"wrote {path}\n"
    assert svg_size(path) == ("792pt", "576pt")  # 11 x 8 inches
    missing = tmp_path / "no-such-folder" / "side.png"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["compare", *ONE_SET, "--plot", str(missing)]) == 1  # refused before work
    assert not missing.parent.exists()
