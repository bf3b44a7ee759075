"""Valuation of convertible notes and preferred stock (issue 7).

* :func:`value_convertible`: Tsiveriotis–Fernandes on a CRR tree, vectorized over scenarios;
* :func:`value_zero_coupon_convertible`: the closed form for a plain zero-coupon note;
* :func:`parity`, :func:`bond_floor`, :func:`conversion_premium`;
* :func:`convertible_sensitivities`: delta, gamma, vega and credit rho in one tree pass;
* :func:`implied_volatility`, :func:`implied_credit_spread`;
* :func:`value_preferred`: fixed or variable perpetual preferred, with a conversion option;
* :func:`convertible_value_at_asset_price`: a note's value at a BTC price through an mNAV;
* :class:`Curve`: zero rates at times, for ``rate`` and ``credit_spread``.

:doc:`/theory/valuation` states the model, its conventions and its accuracy.
"""

from __future__ import annotations

from .balance_sheet import convertible_value_at_asset_price
from .closed_form import value_zero_coupon_convertible
from .convertible import bond_floor, conversion_premium, parity, value_convertible
from .curve import Curve
from .implied import implied_credit_spread, implied_volatility
from .preferred import value_preferred
from .sensitivity import ConvertibleSensitivities, convertible_sensitivities

__all__ = [
    "ConvertibleSensitivities",
    "Curve",
    "bond_floor",
    "conversion_premium",
    "convertible_sensitivities",
    "convertible_value_at_asset_price",
    "implied_credit_spread",
    "implied_volatility",
    "parity",
    "value_convertible",
    "value_preferred",
    "value_zero_coupon_convertible",
]
