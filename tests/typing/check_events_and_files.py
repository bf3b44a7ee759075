"""Capital events, files and the side-by-side comparison, as the documentation shows them."""

from __future__ import annotations

import datetime as dt
from typing import assert_type

import treasurymodel as tm

co = tm.Company(
    name="Example",
    as_of=dt.date(2026, 2, 1),
    holdings=tm.Holdings(units=10_000, cost_basis=700e6),
    shares_basic=10e6,
    cash=50e6,
    instruments=[
        tm.ConvertibleNote(
            name="0% due 2030", principal=200e6, issued=dt.date(2025, 3, 1),
            maturity=dt.date(2030, 3, 1), conversion_price=80.0,
        ),
        tm.PreferredStock(name="Pref", notional=100e6, rate=0.10),
        tm.TermLoan(
            name="Loan", principal=50e6, rate=0.05, issued=dt.date(2025, 1, 1),
            maturity=dt.date(2028, 1, 1), max_ltv=0.5, pledged_units=2_000,
        ),
    ],
)  # fmt: skip

raised = tm.raise_equity(co, 100e6, share_price=45.0, asset_price=68_000.0, fee=0.01)
assert_type(raised, tm.Company)
bought = tm.buy_asset(co, 100, asset_price=68_000)
assert_type(bought, tm.Company)
sold = tm.sell_asset(co, 200, asset_price=68_000.0)
assert_type(sold, tm.Company)
repaid = tm.repay(co, "Loan", 10e6)
assert_type(repaid, tm.Company)
converted = tm.convert(co, "0% due 2030", 50e6)
assert_type(converted, tm.Company)
pledged = tm.pledge(co, "Loan", 500)
assert_type(tm.release(pledged, "Loan", 500), tm.Company)
issued = tm.issue_instrument(
    co, tm.Note(name="New", principal=20e6, maturity=dt.date(2029, 1, 1)), proceeds=20e6, buy=False
)
assert_type(issued, tm.Company)
assert issued.cash == co.cash + 20e6

text = tm.dumps(co)
assert_type(text, str)
assert_type(tm.loads(text), tm.Company)
assert tm.loads(tm.dumps(co, format="json"), format="json") == co

pair = tm.compare(
    {"today": co, "after the raise": raised},
    asset_prices={"BTC": 68_000.0},
    share_prices={"today": 45, "after the raise": 45.0},
)
assert_type(pair, tm.comparison.Comparison)
assert_type(pair["today"], tm.comparison.ComparisonRow)
shocked = tm.compare([tm.datasets.load("mstr-2026-02")], shocks=(-0.5, -0.25, 0.0))
assert_type(shocked, tm.comparison.Comparison)
