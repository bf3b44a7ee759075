"""
The 2022 maturity wall, with and without a $500M raise
=======================================================

MicroStrategy on 30 June 2022 (the bundled data set ``mstr-2022q2``): for each year, the
bitcoin price below which everything due by the end of that year could not be repaid even by
selling every coin (:func:`~treasurymodel.maturity_wall`, secured notes springing forward at
their earliest test). Then the same after a $500M equity raise at $300 a share that buys
bitcoin at $20,000 (:func:`~treasurymodel.raise_equity`): more coins for the same debt lower
every breakeven.
"""

import matplotlib.pyplot as plt
import numpy as np

import treasurymodel as tm

mstr = tm.datasets.load("mstr-2022q2")
after = tm.raise_equity(mstr, 500e6, share_price=300.0, asset_price=20_000.0)
before_wall = tm.maturity_wall(mstr)
after_wall = tm.maturity_wall(after)

# %%
# The walls, year by year: what falls due, the cumulative total and the breakeven prices.

print(f"BTC held: {mstr.holdings[0].units:,.0f}, after: {after.holdings[0].units:,.0f}")
print("year  due (M)  total (M)    before     after")
for row in before_wall:
    if row.due > 0:
        due, total = row.due / 1e6, row.cumulative_due / 1e6
        old, new = row.breakeven_price, after_wall.row(row.period).breakeven_price
        print(f"{row.period}  {due:7,.0f}  {total:9,.0f}  {old:9,.2f} {new:9,.2f}")

# %%
# The breakeven prices as bars, with the loan's margin-call price for reference. The 2027
# bar before the raise is the filing's "$18,627" (all debt over all coins).

years = [row.period for row in before_wall]
x = np.arange(len(years))
fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
before = [row.breakeven_price for row in before_wall]
raised = [row.breakeven_price for row in after_wall]
ax.bar(x - 0.2, before, 0.4, label="as reported")
ax.bar(x + 0.2, raised, 0.4, label="after a $500M raise")
margin_call = tm.margin_call_price(mstr, "BTC-backed term loan")
ax.axhline(margin_call, color="0.3", linestyle="--", linewidth=1)
ax.annotate(
    f"term loan margin call, ${margin_call:,.0f}",
    (x[0] - 0.4, margin_call),
    xytext=(0, 4),
    textcoords="offset points",
    fontsize=9,
)
ax.set_xticks(x, years)
ax.set_xlabel("debt due by the end of")
ax.set_ylabel("breakeven BTC price (USD)")
ax.yaxis.set_major_formatter("{x:,.0f}")
ax.set_title("MicroStrategy, 30 June 2022: cumulative maturity wall")
ax.legend(loc="upper left")
plt.show()
