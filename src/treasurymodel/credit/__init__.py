"""The credit view of every security: BTC Rating, BTC Risk, BTC Credit and market spreads.

One job per module:

* ``treasurymodel.credit.rating``: :func:`btc_rating`, :func:`btc_ratings` (explicit
  seniority; the ``"reserve"``, ``"dashboard"`` and ``"asset_coverage"`` definitions; the
  common stock);
* ``treasurymodel.credit.risk``: :func:`btc_risk`, :func:`btc_risks`,
  :func:`btc_credit_spread`, :func:`spread_from_risk`, :func:`risk_from_spread` (closed
  forms under a lognormal asset, at the horizon or before it);
* ``treasurymodel.credit.market``: :func:`effective_yield`, :func:`market_spread`,
  :func:`credit_surplus` (market prices are inputs);
* ``treasurymodel.credit.table``: :class:`CreditTable` and :func:`credit_table`;
* ``treasurymodel.credit.simulated``: :func:`simulated_credit`,
  :func:`simulated_credit_paths` and :class:`SimulatedCredit` (impairment probabilities and
  expected losses through the scenario engine), :func:`liquidation_waterfall`.

The theory page *Credit* gives every definition and its source.
"""

from __future__ import annotations

from ._claims import COMMON, DEFINITIONS
from .market import YIELD_TO, credit_surplus, effective_yield, market_spread
from .rating import Ratings, btc_rating, btc_ratings
from .risk import (
    EVENTS,
    btc_credit_spread,
    btc_risk,
    btc_risks,
    risk_from_spread,
    spread_from_risk,
)
from .simulated import (
    SimulatedCredit,
    liquidation_waterfall,
    simulated_credit,
    simulated_credit_paths,
)
from .table import CreditTable, credit_table

__all__ = [
    "COMMON",
    "DEFINITIONS",
    "EVENTS",
    "YIELD_TO",
    "CreditTable",
    "SimulatedCredit",
    "Ratings",
    "btc_credit_spread",
    "btc_rating",
    "btc_ratings",
    "btc_risk",
    "btc_risks",
    "credit_surplus",
    "credit_table",
    "effective_yield",
    "liquidation_waterfall",
    "market_spread",
    "risk_from_spread",
    "simulated_credit",
    "simulated_credit_paths",
    "spread_from_risk",
]
