"""What both checkers refuse, and the run time refuses too: not every argument is a price.

Each refused call carries ``# type: ignore[<mypy code>]``: mypy --strict fails if the ignore is
unused (``warn_unused_ignores``), and pyright if it is unnecessary
(``reportUnnecessaryTypeIgnoreComment`` in [tool.pyright]), so both must reject the call.
A boolean array is refused at run time and by pyright, but mypy accepts it through an
overload (its ``dtype[bool[Any]]`` holds an ``Any``), so it is not listed here.
"""

from __future__ import annotations

import treasurymodel as tm
from tests.typing._runtime import rejected

co = tm.datasets.load("mstr-2026-02")

with rejected():
    tm.metrics(co, asset_price="68141")  # type: ignore[arg-type]
with rejected():
    tm.metrics(co, asset_price=None)  # type: ignore[call-overload]
with rejected():
    tm.credit.btc_risk(co, "STRK", asset_volatility="50%", expected_return=0.0)  # type: ignore[arg-type]
with rejected():
    tm.GBM(asset_price="68141", volatility=0.5)  # type: ignore[arg-type]
