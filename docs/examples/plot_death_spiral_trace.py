"""
One path of a death spiral, step by step
========================================

Strategy on 1 February 2026 (``mstr-2026-02``) through a falling market: bitcoin as geometric
Brownian motion drifting down 40% a year at 60% volatility, a premium to NAV that compresses
as the price falls from its peak (:class:`~treasurymodel.simulation.PeakCompressionPremium`), and
the
company's own coin sales moving the price (:class:`~treasurymodel.simulation.ImpactModel`). The
run keeps
every recordable quantity of the first path to default (``record_paths=1,
choose_paths="first_default"``), so the stages of the spiral can be read off one path: the
asset falls, the stock falls harder as the premium compresses, financing closes, what falls
due is met by selling coins, and the sales deepen the fall.
"""

import matplotlib.pyplot as plt
import numpy as np

import treasurymodel as tm
from treasurymodel.plot import traced_path

company = tm.datasets.load("mstr-2026-02")
result = tm.simulate(
    company,
    model=tm.GBM(asset_price=68_141.0, drift=-0.4, volatility=0.6),
    years=4,
    paths=2_000,
    seed=7,
    premium=tm.simulation.PeakCompressionPremium(initial=1.3, floor=0.6, sensitivity=2.0),
    impact=tm.simulation.ImpactModel(daily_volume=15_000.0),
    record_paths=1,
    choose_paths="first_default",
)
path = int(result.traces.paths[0])
print(
    f"forced sale on {result.probability('forced_sale'):.1%} of paths, "
    f"default on {result.probability('default'):.1%}"
)
print(f"path {path} defaults on {result.dates[result.default_time[path]]}")

# %%
# The story of that path, in order: its last twelve events (``to_frame()`` gives them all).

events = result.events(path).to_dict()
rows = zip(events["date"], events["event"], events["amount"], events["unit"], strict=True)
for date, event, amount, unit in list(rows)[-12:]:
    figure = "" if np.isnan(amount) else f"{amount:>18,.0f} {unit}"  # a default has none
    print(f"{date}  {event:<28} {figure}")

# %%
# The four panels: the asset price with and without the company's own sales, the share price
# and mNAV, cash and coins, and what fell due and how it was paid.

fig = traced_path(
    result,
    path,
    title=f"{company.name}: path {path}",
    figure=plt.figure(figsize=(10, 11), layout="constrained"),
)
plt.show()
