"""
NAV per share and mNAV as bitcoin moves
=======================================

Strategy on 1 February 2026 (``mstr-2026-02``). At the top,
:func:`~treasurymodel.plot.nav_chart` draws NAV per share against the bitcoin price with the
break prices marked; below it, :func:`~treasurymodel.nav_sensitivity` gives the mNAV
(enterprise value over the BTC reserve) at each price with the share price held where it is.
The table adds the share price at which the market would value the company at 1.5 times its
reserve.
"""

import matplotlib.pyplot as plt
import numpy as np

import treasurymodel as tm
from treasurymodel.plot import nav_chart

company = tm.datasets.load("mstr-2026-02")
prices = np.linspace(20_000.0, 150_000.0, 131)
held = tm.nav_sensitivity(company, asset_prices=prices, share_price=114.45)
premium = tm.nav_sensitivity(company, asset_prices=prices, mnav=1.5)

# %%
# A few rows of the table:

print("   BTC price  NAV/share   mNAV  share price at mNAV 1.5")
for i in range(0, len(prices), 26):
    print(
        f"{prices[i]:>12,.0f} {held.nav_per_share[i]:>10.2f}"
        f" {held.mnav[i]:>6.2f} {premium.share_price[i]:>24.2f}"
    )

# %%
# The figure. ``nav_chart`` draws into the axes it is given; the two panels share the price
# axis, so a price reads the same on both.

fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 8), layout="constrained", sharex=True)
nav_chart(company, asset_prices=prices, ax=top, title="NAV per share")
top.set_xlabel("")  # the shared axis is labelled once, at the bottom
bottom.plot(prices, held.mnav, label="share price held at $114.45")
bottom.axhline(1.0, color="0.5", linewidth=0.8)
bottom.set_xlabel("BTC price (USD)")
bottom.set_ylabel("mNAV (EV / BTC reserve)")
bottom.xaxis.set_major_formatter("{x:,.0f}")
bottom.set_title("mNAV")
bottom.legend()
plt.show()
