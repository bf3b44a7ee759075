"""
The credit of each security: BTC Rating and BTC Risk
=====================================================

Strategy's securities on 1 February 2026 (the bundled data set ``mstr-2026-02``), read the way
its credit buyers read them: the BTC Rating of each (the bitcoin reserve over the claims that
rank with it or ahead of it, here with the USD Reserve taken off the claims as on the company's
dashboard), the break price at which that rating is 1, and BTC Risk, the probability that
bitcoin is below the break price one year ahead with 50% volatility and no expected return
(:func:`~treasurymodel.credit_table`). All the debt ranks as one class ahead of the preferred
series, which rank STRF, STRC, STRE, STRK, STRD.

The figure shows the rating of each class against the bitcoin price, and how BTC Risk grows
with the volatility assumed, one curve per class.
"""

import matplotlib.pyplot as plt
import numpy as np

import treasurymodel as tm

company = tm.datasets.load("mstr-2026-02")
table = tm.credit_table(
    company,
    asset_volatility=0.5,
    expected_return=0.0,
    definition="dashboard",
    market_prices={"STRF": 105.0, "STRD": 80.0},
    risk_free_rate=0.04,
)
print(table)

# %%
# One class per rank: the debt (rank 1), then each preferred series. The ratings are vectorized
# over the bitcoin price, and the risks over the volatility, so each curve is one call.

rows = table.to_dict()
one_per_rank: dict[int, str] = {}  # rank -> a security of that rank (all debt is rank 1)
for name, rank in zip(rows["security"], rows["rank"], strict=True):
    one_per_rank.setdefault(int(rank), str(name))

btc = np.linspace(10_000.0, 150_000.0, 300)
vols = np.linspace(0.2, 1.2, 101)

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
for rank, security in one_per_rank.items():
    label = "all debt" if rank == 1 else security
    rating = tm.credit.btc_rating(company, security, asset_price=btc, definition="dashboard")
    left.plot(btc / 1e3, rating, label=label)
    risk = tm.credit.btc_risk(
        company, security, asset_volatility=vols, expected_return=0.0, definition="dashboard"
    )
    right.plot(vols * 100, risk * 100, label=label)
left.axhline(1.0, color="0.5", linewidth=1, linestyle=":")
left.axvline(68.141, color="0.7", linewidth=1)
left.set_xlabel("bitcoin price (thousand USD)")
left.set_ylabel("BTC Rating (x)")
left.set_ylim(0, 12)
left.legend(fontsize="small")
right.set_xlabel("assumed bitcoin volatility (% a year)")
right.set_ylabel("BTC Risk, one year (%)")
right.set_title("probability the rating is below 1x in a year", fontsize="medium")
plt.show()
