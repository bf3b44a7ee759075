"""
Treasury companies side by side
===============================

The four bundled data sets compared with :func:`~treasurymodel.compare`: Strategy in June
2022 and February 2026, SharpLink (an ether treasury, October 2025) and Twenty One Capital
(January 2026). Each company is read at the prices of its own data file, and every asset
price is then moved by the same fractions (the *common shock*), so companies holding different
assets, in different sizes, compare on one scale: the fall in the asset price at which
something breaks, and NAV per share relative to today.
"""

import matplotlib.pyplot as plt

import treasurymodel as tm
from treasurymodel.plot import comparison

companies = {
    "MSTR 2022": tm.datasets.load("mstr-2022q2"),
    "MSTR 2026": tm.datasets.load("mstr-2026-02"),
    "SharpLink": tm.datasets.load("sbet-2025-10"),
    "Twenty One": tm.datasets.load("xxi-2026-01"),
}
result = tm.compare(companies)
print(result)

# %%
# Each row is a record; a figure that needs a share price (mNAV) is ``None`` where the data
# file gives none (``to_dict()`` and ``to_frame()`` give the same as columns):

for row in result.rows:
    mnav = "   -" if row.mnav is None else f"{row.mnav:4.2f}"
    print(
        f"{row.label:>11} ({row.asset}): mNAV {mnav}   amplification {row.amplification:5.1%}"
        f"   NAV per share {row.nav_per_share:8.2f} {row.currency}"
    )

# %%
# mNAV and leverage, and NAV per share under the common shock:

fig = comparison(result, figure=plt.figure(figsize=(11, 8), layout="constrained"))
plt.show()
