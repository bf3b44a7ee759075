r"""
Monte Carlo: survival and a fan chart of NAV per share
======================================================

Strategy on 1 February 2026 (``mstr-2026-02``), with bitcoin as geometric Brownian motion
at 50% volatility and no drift, over five years of weekly steps
(:func:`~treasurymodel.simulate`). The engine pays every coupon, dividend, put and maturity on
its date, from cash, new shares and coin sales, path by path. Recording ``nav_per_share``
keeps a histogram per step, from which the fan chart reads its quantiles
(:meth:`~treasurymodel.simulation.SimulationResult.fan`).

A few thousand paths keep the build fast; use far more for real estimates (the sampling error
of a probability *p* from *N* paths is :math:`\sqrt{p(1-p)/N}`).
"""

import matplotlib.pyplot as plt
import numpy as np

import treasurymodel as tm

company = tm.datasets.load("mstr-2026-02")
model = tm.GBM(asset_price=68_141.0, drift=0.0, volatility=0.5)
result = tm.simulate(
    company, model=model, years=5, paths=2_048, seed=42, record=("nav_per_share",)
)

# %%
# Headline figures:

for event in ("forced_sale", "default"):
    print(f"P({event} within 5 years) = {result.probability(event):.3f}")
low, mid, high = result.quantiles("nav_per_share", [0.05, 0.5, 0.95])
print(f"NAV per share in 5 years: median {mid:,.0f}")
print(f"90% of paths between {low:,.0f} and {high:,.0f}")

# %%
# The fan chart (5-95% and 25-75% bands and the median) and the share of paths with no
# forced coin sale yet.

q = [0.05, 0.25, 0.5, 0.75, 0.95]
bands = result.fan("nav_per_share", q)
dates = np.array(result.dates, dtype="datetime64[D]")

fig, (top, bottom) = plt.subplots(
    2,
    1,
    figsize=(8, 6.5),
    sharex=True,
    height_ratios=[3, 1.4],
    layout="constrained",
)
blue = "C0"
top.fill_between(dates, bands[:, 0], bands[:, 4], color=blue, alpha=0.2, label="5-95%")
top.fill_between(dates, bands[:, 1], bands[:, 3], color=blue, alpha=0.4, label="25-75%")
top.plot(dates, bands[:, 2], color=blue, label="median")
top.axhline(0.0, color="0.3", linewidth=0.8)
top.set_ylabel("NAV per share (USD)")
top.set_title("Strategy from 1 February 2026, BTC at 50% volatility")
top.legend(loc="upper left")
bottom.plot(dates, result.survival_curve("forced_sale"), color="C3")
bottom.set_ylabel("no forced sale yet")
bottom.set_ylim(0, 1.05)
plt.show()
