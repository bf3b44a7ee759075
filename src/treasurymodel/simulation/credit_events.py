"""Credit events recorded along the paths, for the simulated credit view.

Not public: :func:`treasurymodel.credit.simulated_credit` builds a :class:`CreditRecorder`,
hands it to the engine and reads it back. The engine calls it in two places only:

* :meth:`CreditRecorder.dividend`, once per preferred series with a dividend due on a step,
  after the step's dividends are paid (a dividend not paid in full, whether missed for want
  of money, deferred or skipped by the policy, is the series' first impairment);
* :meth:`CreditRecorder.default`, on the step a path defaults, before the engine freezes it:
  the coins, the cash, the price and every claim outstanding at that moment.

A plain run (no recorder) never calls either, so it costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._typing import FloatArray, IntArray

__all__ = ["CreditRecorder"]


class CreditRecorder:
    """Per-path credit events of one chunk of paths.

    Attributes
    ----------
    missed
        ``(series, paths)`` int: the first step on which the company's preferred series
        ``j`` (``Company.preferreds`` order) was not paid its dividend in full; ``-1`` never.
    proceeds
        ``(paths,)``: what selling every coin at the default step's price raises, after the
        square-root impact of that one sale (0 where the path did not default).
    cash, price, units
        ``(paths,)``: the cash, the price and the coins at default.
    debt, preferred
        ``(debts, paths)`` and ``(series, paths)``: the company's own debt outstanding
        (principal), and its preferred series' notional plus unpaid cumulative dividends,
        at default.
    new_debt, new_preferred
        ``(paths,)``: the same for securities sold on the paths by funding channels.
    """

    def __init__(self, paths: int, debts: int, series: int) -> None:
        self.n = paths
        self.n_debts = debts
        self.n_series = series
        self.missed: IntArray = np.full((series, paths), -1, dtype=np.int64)
        self.proceeds: FloatArray = np.zeros(paths)
        self.cash: FloatArray = np.zeros(paths)
        self.price: FloatArray = np.zeros(paths)
        self.units: FloatArray = np.zeros(paths)
        self.debt: FloatArray = np.zeros((debts, paths))
        self.preferred: FloatArray = np.zeros((series, paths))
        self.new_debt: FloatArray = np.zeros(paths)
        self.new_preferred: FloatArray = np.zeros(paths)

    def dividend(self, t: int, j: int, owed: Any, paid: Any) -> None:
        """Series ``j`` owed ``owed`` on step ``t`` and was paid ``paid`` (cash or shares)."""
        if paid is owed or j >= self.n_series:  # paid in full; a series sold on the paths
            return
        miss = (owed - paid) > 1e-9 * np.abs(owed)
        if not np.any(miss):
            return
        row = self.missed[j]
        np.copyto(row, t, where=np.broadcast_to(miss, (self.n,)) & (row < 0))

    def default(
        self,
        newly: Any,
        *,
        price: Any,
        units: Any,
        cash: Any,
        out: Sequence[Any],
        first_issued: int,
        notional: Sequence[Any],
        arrears: Sequence[Any],
        impact: float,
    ) -> None:
        """Paths ``newly`` default now: record what a liquidation would share out."""
        mask = np.broadcast_to(np.asarray(newly, dtype=bool), (self.n,))
        if not mask.any():
            return

        def put(target: FloatArray, value: Any) -> None:
            np.copyto(
                target, np.broadcast_to(np.asarray(value, dtype=np.float64), (self.n,)), where=mask
            )

        u = np.maximum(np.broadcast_to(np.asarray(units, dtype=np.float64), (self.n,)), 0.0)
        p = np.broadcast_to(np.asarray(price, dtype=np.float64), (self.n,))
        raised = u * p if impact == 0.0 else u * p / (1.0 + impact * np.sqrt(u))
        put(self.units, u)
        put(self.price, p)
        put(self.proceeds, raised)
        put(self.cash, np.maximum(np.asarray(cash, dtype=np.float64), 0.0))
        for k in range(self.n_debts):
            put(self.debt[k], out[k])
        extra: Any = 0.0
        for k in range(first_issued, len(out)):
            extra = extra + out[k]
        put(self.new_debt, extra)
        for j in range(self.n_series):
            put(self.preferred[j], notional[j] + arrears[j])
        extra = 0.0
        for j in range(self.n_series, len(notional)):
            extra = extra + notional[j] + arrears[j]
        put(self.new_preferred, extra)
