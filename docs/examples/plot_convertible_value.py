"""
A convertible note's value against the share price
====================================================

Strategy's 0.625% convertible notes due 2028 (from the bundled data set ``mstr-2026-02``),
valued on a binomial tree (:func:`~treasurymodel.valuation.value_convertible`) at 200 share prices
in one
call. At low share prices the note trades like a bond, near its bond floor
(:func:`~treasurymodel.valuation.bond_floor`); at high share prices like the shares it converts
into, at
parity (:func:`~treasurymodel.valuation.parity`). The holder's 2027 put and the issuer's soft call
shape
the curve in between.
"""

import datetime as dt

import matplotlib.pyplot as plt
import numpy as np

import treasurymodel as tm

company = tm.datasets.load("mstr-2026-02")
note = company.instrument("0.625% convertible notes due 2028")
day = dt.date(2026, 2, 5)
market = {"volatility": 0.55, "rate": 0.04, "credit_spread": 0.03}

share_prices = np.linspace(20.0, 400.0, 200)
value = tm.valuation.value_convertible(
    note,
    valuation_date=day,
    share_price=share_prices,
    steps=400,
    method="shared",  # one tree, read at every share price
    **market,
)
conversion_value = tm.valuation.parity(note, share_price=share_prices)
floor = tm.valuation.bond_floor(note, valuation_date=day, rate=0.04, credit_spread=0.03)

# %%
# At the share price of the data set, and the conversion price:

spot = 114.45
at_market = tm.valuation.value_convertible(note, valuation_date=day, share_price=spot, **market)
at_parity = tm.valuation.parity(note, share_price=spot)
print(f"conversion price {note.conversion_price:,.2f}; bond floor {floor:.2f}")
print(f"at ${spot}: value {at_market:.2f} per 100, parity {at_parity:.2f}")

# %%
# The value always lies above both the bond floor and parity.

fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
ax.plot(share_prices, value, label="convertible (tree)", linewidth=2)
ax.plot(share_prices, conversion_value, "--", label="parity (conversion value)")
ax.axhline(floor, color="0.4", linestyle=":", label=f"bond floor ({floor:.1f})")
ax.axvline(note.conversion_price, color="0.7", linewidth=1)
ax.annotate(
    "conversion price",
    (note.conversion_price, 10),
    xytext=(4, 0),
    textcoords="offset points",
)
ax.set_xlabel("MSTR share price (USD)")
ax.set_ylabel("value per 100 of principal")
ax.set_ylim(0, None)
ax.set_title(note.name)
ax.legend(loc="upper left")
plt.show()
