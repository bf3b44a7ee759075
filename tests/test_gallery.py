"""The gallery scripts in docs/examples: figures whose panels read together line up."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

import matplotlib.pyplot as plt

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


def test_nav_and_mnav_panels_share_the_price_axis(monkeypatch: pytest.MonkeyPatch) -> None:
    # NAV per share above, mNAV below, both against the bitcoin price: the top panel marks
    # the maturity-wall breakeven ($11,554), so without a shared axis its x range started
    # near $5,000 and the bottom one's at $20,000, and a price did not read the same on both.
    monkeypatch.setattr(plt, "show", lambda: None)
    plt.close("all")
    try:
        namespace = runpy.run_path(str(EXAMPLES / "plot_nav_sensitivity.py"))
        top, bottom = namespace["top"], namespace["bottom"]
        assert top.get_xlim() == bottom.get_xlim()
        low = top.get_xlim()[0]
        assert low < 8_243.75e6 / 713_502  # the wall's breakeven is inside both panels
    finally:
        plt.close("all")
