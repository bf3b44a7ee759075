"""The result of a scenario simulation: per-path outcomes, summaries and plain exports."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Literal

import attrs
import numpy as np
import numpy.typing as npt

from .._results import Tabular
from .._typing import BoolArray, FloatArray, IntArray
from ..errors import ValidationError
from ..validators import check_date, price_array
from .trace import EventTable, PathTraces

__all__ = ["PATH_FIELDS", "SimulationResult", "StepHistogram"]

Event = Literal["default", "forced_sale", "seizure"]
"""Events a result can give probabilities and survival curves for."""

PATH_FIELDS: Final[tuple[str, ...]] = (
    "forced_sale",
    "first_forced_sale",
    "default",
    "default_time",
    "first_seizure",
    "units_sold",
    "units_bought",
    "units_seized",
    "final_units",
    "final_cash",
    "final_shares",
    "final_diluted_shares",
    "final_price",
    "final_debt",
    "final_preferred",
    "unpaid_dividends",
    "nav_per_share",
    "units_per_share",
    "equity_raised",
    "shares_issued",
    "shares_converted",
    "preferred_raised",
    "sale_proceeds",
    "purchase_cost",
    "interest_paid",
    "principal_paid",
    "dividends_paid",
    "liquidation_penalty",
    "dividend_shares",
    "dividends_paid_in_shares",
    "notes_issued",
    "notes_average_coupon",
    "notes_average_premium",
    "other_raised",
    "preferred_issued",
    "preferred_average_rate",
    "loans_issued",
    "loans_average_rate",
)
"""Names of the per-path arrays of a :class:`SimulationResult`, in export order.

Examples
--------
>>> from treasurymodel.simulation import PATH_FIELDS
>>> PATH_FIELDS[:4]
('forced_sale', 'first_forced_sale', 'default', 'default_time')
"""

_BOOL_FIELDS = frozenset({"forced_sale", "default"})
_STEP_FIELDS = frozenset({"first_forced_sale", "default_time", "first_seizure"})
_EVENT_FIELDS: Final[dict[str, str]] = {
    "default": "default_time",
    "forced_sale": "first_forced_sale",
    "seizure": "first_seizure",
}


def _dtype(name: str) -> type[np.generic]:
    if name in _BOOL_FIELDS:
        return np.bool_
    if name in _STEP_FIELDS:
        return np.int64
    return np.float64


def _floats(value: Any) -> FloatArray:
    return np.asarray(value, dtype=np.float64)


def _bools(value: Any) -> BoolArray:
    return np.asarray(value, dtype=np.bool_)


def _steps(value: Any) -> IntArray:
    return np.asarray(value, dtype=np.int64)


def _date_tuple(value: Iterable[_dt.date]) -> tuple[_dt.date, ...]:
    return tuple(value)


def _probabilities(q: Any) -> FloatArray:
    """``q`` (a number or an array of them) as float64 probabilities in [0, 1]."""
    probs = price_array("q", q)  # numbers only: no text, bools, complex or ragged lists
    if bool(np.any(probs > 1.0)):
        raise ValidationError("q", q, "must lie in [0, 1]")
    return probs


@attrs.frozen(kw_only=True, eq=False, repr=False)
class StepHistogram(Tabular):
    """Counts of paths per bin at every step, for one recorded quantity (mergeable).

    Attributes
    ----------
    edges
        Bin edges, increasing, shape ``(bins + 1,)``; the outer edges are ``-inf`` and
        ``+inf`` so that every path falls in a bin.
    counts
        Paths per bin, shape ``(steps + 1, bins)``; every row sums to the number of paths.

    Examples
    --------
    >>> import numpy as np
    >>> h = StepHistogram(edges=np.array([-np.inf, 0.0, 1.0, np.inf]),
    ...                   counts=np.array([[0, 4, 0], [1, 2, 1]]))
    >>> h.quantiles([0.5]).tolist()
    [[0.5], [0.5]]
    """

    edges: FloatArray = attrs.field(converter=_floats)
    counts: IntArray = attrs.field(converter=_steps)

    def __attrs_post_init__(self) -> None:
        e, c = self.edges, self.counts
        if e.ndim != 1 or e.size < 2 or bool(np.any(np.diff(e) <= 0)):
            raise ValidationError("StepHistogram.edges", e, "must be increasing, 2 or more")
        if c.ndim != 2 or c.shape[1] != e.size - 1:
            raise ValidationError(
                "StepHistogram.counts", c.shape, f"must have shape (steps + 1, {e.size - 1})"
            )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StepHistogram):
            return NotImplemented
        return bool(np.array_equal(self.edges, other.edges)) and bool(
            np.array_equal(self.counts, other.counts)
        )

    __hash__ = None  # type: ignore[assignment]

    def quantiles(self, q: float | Sequence[float] | FloatArray) -> FloatArray:
        """Quantiles ``q`` at every step, shape ``(steps + 1, len(q))``.

        Linear interpolation of the empirical distribution inside a bin; a quantile falling
        in an outer (infinite) bin is reported at that bin's finite edge. The error is at
        most one bin width.

        Examples
        --------
        >>> import numpy as np
        >>> h = StepHistogram(edges=np.array([-np.inf, 0.0, 10.0, np.inf]),
        ...                   counts=np.array([[0, 10, 0]]))
        >>> h.quantiles([0.1, 0.9]).tolist()
        [[1.0, 9.0]]
        """
        probs = np.atleast_1d(_probabilities(q))
        counts = self.counts.astype(np.float64)
        total = counts.sum(axis=1, keepdims=True)
        cum = np.cumsum(counts, axis=1) / np.where(total > 0, total, 1.0)
        lo_edges = self.edges[:-1].copy()
        hi_edges = self.edges[1:].copy()
        lo_edges[0] = hi_edges[0]
        hi_edges[-1] = lo_edges[-1]
        out = np.empty((counts.shape[0], probs.size))
        for j, p in enumerate(probs):
            idx = np.minimum((cum < p).sum(axis=1), counts.shape[1] - 1)
            rows = np.arange(counts.shape[0])
            before = np.where(idx > 0, cum[rows, np.maximum(idx - 1, 0)], 0.0)
            inside = cum[rows, idx] - before
            frac = np.where(inside > 0, (p - before) / np.where(inside > 0, inside, 1.0), 0.0)
            out[:, j] = lo_edges[idx] + np.clip(frac, 0.0, 1.0) * (hi_edges[idx] - lo_edges[idx])
        return out

    def to_dict(self) -> dict[str, npt.NDArray[Any]]:
        """One row per step and bin: ``step``, ``lower`` and ``upper`` (the bin's edges) and
        ``count`` (paths in the bin at that step), steps first.

        Examples
        --------
        >>> import numpy as np
        >>> h = StepHistogram(edges=np.array([-np.inf, 0.0, np.inf]), counts=[[3, 1], [2, 2]])
        >>> d = h.to_dict()
        >>> d["step"].tolist(), d["upper"].tolist(), d["count"].tolist()
        ([0, 0, 1, 1], [0.0, inf, 0.0, inf], [3, 1, 2, 2])
        """
        steps, bins = self.counts.shape
        return {
            "step": np.repeat(np.arange(steps, dtype=np.int64), bins),
            "lower": np.tile(self.edges[:-1], steps),
            "upper": np.tile(self.edges[1:], steps),
            "count": self.counts.reshape(-1).astype(np.int64),
        }

    def _title(self) -> str:
        steps, bins = self.counts.shape
        return f"StepHistogram ({steps:,} steps x {bins:,} bins)"

    def _footer(self) -> str:
        return "paths whose value lies in [lower, upper) at each step"


def _histograms(value: Any) -> dict[str, StepHistogram]:
    return dict(value)


@attrs.frozen(kw_only=True, eq=False, repr=False)
class SimulationResult(Tabular):
    """Outcome of a scenario simulation: one entry per path, plus the simulation's dates.

    Only per-path outcomes are kept (no path-by-step matrices), so memory grows with the
    number of paths alone, plus optional per-step histograms (``record``).

    Steps are indices into :attr:`dates` (0 is the first date); ``-1`` means "never".

    Attributes
    ----------
    dates
        The simulation's dates, ``steps + 1`` of them.
    initial_units, initial_cash, initial_shares
        The company's units held, cash and basic shares at the start.
    forced_sale
        Whether the path sold any of the reserve asset to meet an obligation.
    first_forced_sale
        Step of the first such sale, or -1.
    default
        Whether a debt payment was left unpaid after every source was used (cash, allowed
        issuance and every coin the company may sell). A defaulted path is frozen.
    default_time
        Step of the default, or -1.
    first_seizure
        Step of the first failed margin call, or -1: the lender took the coins worth what is
        owed plus the loan's liquidation penalty (all of the pledge if it is worth less; the
        remainder then stays owed) and returned the rest of the pledge to the free coins.
    units_sold, units_bought, units_seized
        Units sold, bought and seized by lenders over the path.
    final_units, final_cash, final_shares
        Units held, cash and basic shares at the end (at the default, for a defaulted path).
    final_diluted_shares
        Assumed diluted shares at the end: the company's diluted count plus shares issued
        (for cash and as dividends), less the conversion shares of notes retired for cash.
    final_price
        Asset price at the last step, after the path's own market impact.
    final_debt, final_preferred
        Outstanding debt principal and preferred notional at the end (reporting currency).
    unpaid_dividends
        Unpaid cumulative dividends (with their compounding) at the end.
    nav_per_share
        (units × final price + cash + other assets − debt − preferred − unpaid dividends)
        / basic shares, at the end.
    units_per_share
        Units / assumed diluted shares, at the end.
    equity_raised, shares_issued
        Cash raised by selling common shares, and the shares sold (funding and flywheel).
    shares_converted
        Shares issued on conversion of notes.
    preferred_raised
        Cash raised by selling preferred stock.
    sale_proceeds, purchase_cost
        Cash received for coins sold and paid for coins bought.
    interest_paid, principal_paid, dividends_paid
        Cash paid as interest (including accrued interest on puts, calls and sprung notes),
        as principal (maturities, amortization, puts, calls, springing) and as dividends.
    liquidation_penalty
        Value of the coins lenders took beyond what was owed (the liquidation penalty), at
        the prices of the seizures.
    dividend_shares, dividends_paid_in_shares
        Common shares issued to pay preferred dividends, and the dividends so paid.
    notes_issued, notes_average_coupon, notes_average_premium
        Principal of new convertible notes sold through
        :class:`~treasurymodel.simulation.ConvertibleIssuance` channels (at par: also the cash
        raised),
        and their principal-weighted average coupon and conversion premium (0 where none).
    other_raised
        Cash raised through user-defined :class:`~treasurymodel.simulation.FundingChannel` objects.
    preferred_issued, preferred_average_rate
        Stated amount of new preferred stock sold through
        :class:`~treasurymodel.simulation.PreferredIssuance` channels (at par: also the cash
        raised), and
        its amount-weighted average dividend rate (0 where none).
    loans_issued, loans_average_rate
        Principal borrowed through :class:`~treasurymodel.simulation.TermLoanIssuance` channels,
        and its
        principal-weighted average rate (0 where none).
    histograms
        Per-step histograms of recorded quantities (see
        :func:`~treasurymodel.simulation.simulate_paths`
        ``record``), by name.
    traces
        Every recordable quantity of the traced paths at every step (see
        :func:`~treasurymodel.simulation.simulate_paths` ``record_paths``), or ``None``.

    Notes
    -----
    The identities every path satisfies (up to rounding):

    * final_units = initial_units + units_bought − units_sold − units_seized;
    * final_cash = initial_cash + equity_raised + preferred_raised + notes_issued
      + preferred_issued + loans_issued + other_raised + sale_proceeds − purchase_cost
      − interest_paid − principal_paid − dividends_paid;
    * final_shares = initial_shares + shares_issued + shares_converted + dividend_shares.

    Examples
    --------
    >>> import datetime as dt, numpy as np
    >>> from treasurymodel import Company, Holdings, Note
    >>> from treasurymodel.simulation import FundingPolicy, simulate_paths
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=100),
    ...     shares_basic=1e6, instruments=[Note(name="N", principal=2e6, coupon=0.0,
    ...     maturity=dt.date(2026, 6, 30))])
    >>> dates = [dt.date(2026, 1, 1), dt.date(2026, 7, 1)]
    >>> res = simulate_paths(co, prices=np.array([[50e3, 50e3], [10e3, 10e3]]), dates=dates,
    ...                      policy=FundingPolicy(issue_equity=False))
    >>> res.units_sold.tolist(), res.default.tolist()
    ([40.0, 100.0], [False, True])
    >>> res.probability("default")
    0.5
    """

    dates: tuple[_dt.date, ...] = attrs.field(converter=_date_tuple)
    initial_units: float
    initial_cash: float
    initial_shares: float
    forced_sale: BoolArray = attrs.field(converter=_bools)
    first_forced_sale: IntArray = attrs.field(converter=_steps)
    default: BoolArray = attrs.field(converter=_bools)
    default_time: IntArray = attrs.field(converter=_steps)
    first_seizure: IntArray = attrs.field(converter=_steps)
    units_sold: FloatArray = attrs.field(converter=_floats)
    units_bought: FloatArray = attrs.field(converter=_floats)
    units_seized: FloatArray = attrs.field(converter=_floats)
    final_units: FloatArray = attrs.field(converter=_floats)
    final_cash: FloatArray = attrs.field(converter=_floats)
    final_shares: FloatArray = attrs.field(converter=_floats)
    final_diluted_shares: FloatArray = attrs.field(converter=_floats)
    final_price: FloatArray = attrs.field(converter=_floats)
    final_debt: FloatArray = attrs.field(converter=_floats)
    final_preferred: FloatArray = attrs.field(converter=_floats)
    unpaid_dividends: FloatArray = attrs.field(converter=_floats)
    nav_per_share: FloatArray = attrs.field(converter=_floats)
    units_per_share: FloatArray = attrs.field(converter=_floats)
    equity_raised: FloatArray = attrs.field(converter=_floats)
    shares_issued: FloatArray = attrs.field(converter=_floats)
    shares_converted: FloatArray = attrs.field(converter=_floats)
    preferred_raised: FloatArray = attrs.field(converter=_floats)
    sale_proceeds: FloatArray = attrs.field(converter=_floats)
    purchase_cost: FloatArray = attrs.field(converter=_floats)
    interest_paid: FloatArray = attrs.field(converter=_floats)
    principal_paid: FloatArray = attrs.field(converter=_floats)
    dividends_paid: FloatArray = attrs.field(converter=_floats)
    liquidation_penalty: FloatArray = attrs.field(converter=_floats)
    dividend_shares: FloatArray = attrs.field(converter=_floats)
    dividends_paid_in_shares: FloatArray = attrs.field(converter=_floats)
    notes_issued: FloatArray = attrs.field(converter=_floats)
    notes_average_coupon: FloatArray = attrs.field(converter=_floats)
    notes_average_premium: FloatArray = attrs.field(converter=_floats)
    other_raised: FloatArray = attrs.field(converter=_floats)
    preferred_issued: FloatArray = attrs.field(converter=_floats)
    preferred_average_rate: FloatArray = attrs.field(converter=_floats)
    loans_issued: FloatArray = attrs.field(converter=_floats)
    loans_average_rate: FloatArray = attrs.field(converter=_floats)
    histograms: Mapping[str, StepHistogram] = attrs.field(factory=dict, converter=_histograms)
    traces: PathTraces | None = None

    def __attrs_post_init__(self) -> None:
        n = self.forced_sale.shape[0] if self.forced_sale.ndim == 1 else -1
        for name in PATH_FIELDS:
            if getattr(self, name).shape != (n,):
                raise ValidationError(
                    f"SimulationResult.{name}", getattr(self, name).shape, f"must be ({n},)"
                )
        if len(self.dates) < 1:
            raise ValidationError("SimulationResult.dates", self.dates, "must not be empty")
        for name, hist in self.histograms.items():
            if not isinstance(hist, StepHistogram) or hist.counts.shape[0] != len(self.dates):
                raise ValidationError(
                    f"SimulationResult.histograms[{name!r}]",
                    getattr(hist, "counts", hist),
                    f"must be a StepHistogram with {len(self.dates)} rows",
                )

    # --- basics ---------------------------------------------------------------------

    @property
    def paths(self) -> int:
        """Number of paths.

        Examples
        --------
        >>> import datetime as dt
        >>> import numpy as np
        >>> import treasurymodel as tm
        >>> co = tm.Company(name="X", as_of=dt.date(2026, 1, 1),
        ...                 holdings=tm.Holdings(units=1_000), shares_basic=1e6)
        >>> r = tm.simulation.simulate_paths(co, prices=np.full((3, 2), 50_000.0),  # 3 quiet paths
        ...                       dates=[co.as_of, dt.date(2026, 1, 8)])
        >>> r.paths
        3
        """
        return int(self.forced_sale.shape[0])

    @property
    def steps(self) -> int:
        """Number of steps (``len(dates) - 1``)."""
        return len(self.dates) - 1

    def __len__(self) -> int:
        return self.paths

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SimulationResult):
            return NotImplemented
        if (
            self.dates != other.dates
            or self.initial_units != other.initial_units
            or self.initial_cash != other.initial_cash
            or self.initial_shares != other.initial_shares
            or dict(self.histograms) != dict(other.histograms)
        ):
            return False
        return all(
            np.array_equal(getattr(self, n), getattr(other, n), equal_nan=_dtype(n) is np.float64)
            for n in PATH_FIELDS
        )

    __hash__ = None  # type: ignore[assignment]

    # --- joining chunks ---------------------------------------------------------------

    @classmethod
    def concat(cls, results: Iterable[SimulationResult]) -> SimulationResult:
        """Join the results of chunks of paths, in the order given.

        Contract: every result must come from the same company, dates, policy and models,
        and so share ``dates`` and the initial state; their per-path arrays are joined in
        order (path ``i`` of the second result becomes path ``len(first) + i``), and their
        histograms, which must have the same names and edges, are added. Summaries are
        computed from the joined arrays, so the joined result is exactly the result of one
        simulation over all the paths. Traces are not joined (the joined result has none):
        :func:`~treasurymodel.simulate` traces its paths after joining.

        Raises
        ------
        ValidationError
            If ``results`` is empty or the results do not match.

        Examples
        --------
        >>> import datetime as dt
        >>> import numpy as np
        >>> import treasurymodel as tm
        >>> co = tm.Company(name="X", as_of=dt.date(2026, 1, 1),
        ...                 holdings=tm.Holdings(units=1_000), shares_basic=1e6)
        >>> r = tm.simulation.simulate_paths(co, prices=np.full((3, 2), 50_000.0),  # 3 quiet paths
        ...                       dates=[co.as_of, dt.date(2026, 1, 8)])
        >>> joined = tm.simulation.SimulationResult.concat([r, r])
        >>> joined.paths
        6
        """
        items = list(results)
        if not items:
            raise ValidationError("results", items, "must hold at least one result")
        first = items[0]
        for i, item in enumerate(items):
            if not isinstance(item, SimulationResult):
                raise ValidationError(f"results[{i}]", item, "is not a SimulationResult")
            same = (
                item.dates == first.dates
                and item.initial_units == first.initial_units
                and item.initial_cash == first.initial_cash
                and item.initial_shares == first.initial_shares
            )
            if not same:
                raise ValidationError(
                    f"results[{i}]", item.dates[:1], "has other dates or another start state"
                )
            if set(item.histograms) != set(first.histograms) or any(
                not np.array_equal(item.histograms[k].edges, first.histograms[k].edges)
                for k in first.histograms
            ):
                raise ValidationError(
                    f"results[{i}].histograms",
                    sorted(item.histograms),
                    "must record the same quantities on the same bin edges",
                )
        arrays: dict[str, Any] = {
            n: np.concatenate([getattr(r, n) for r in items]) for n in PATH_FIELDS
        }
        hists: dict[str, StepHistogram] = {}
        for k in first.histograms:
            total = first.histograms[k].counts.copy()
            for r in items[1:]:
                total += r.histograms[k].counts
            hists[k] = StepHistogram(edges=first.histograms[k].edges, counts=total)
        return cls(
            dates=first.dates,
            initial_units=first.initial_units,
            initial_cash=first.initial_cash,
            initial_shares=first.initial_shares,
            histograms=hists,
            **arrays,
        )

    # --- summaries ------------------------------------------------------------------

    def _event_steps(self, event: str) -> IntArray:
        if not isinstance(event, str) or event not in _EVENT_FIELDS:
            raise ValidationError("event", event, "must be 'default', 'forced_sale' or 'seizure'")
        steps: IntArray = getattr(self, _EVENT_FIELDS[event])
        return steps

    def step_of(self, when: _dt.date) -> int:
        """Index of the last step on or before ``when`` (-1 if ``when`` is before the start).

        Examples
        --------
        >>> import datetime as dt
        >>> import numpy as np
        >>> import treasurymodel as tm
        >>> co = tm.Company(name="X", as_of=dt.date(2026, 1, 1),
        ...                 holdings=tm.Holdings(units=1_000), shares_basic=1e6)
        >>> r = tm.simulation.simulate_paths(co, prices=np.full((3, 2), 50_000.0),  # 3 quiet paths
        ...                       dates=[co.as_of, dt.date(2026, 1, 8)])
        >>> r.step_of(dt.date(2026, 1, 5)), r.step_of(dt.date(2025, 1, 1))
        (0, -1)
        """
        check_date("by", when)
        ordinals = np.fromiter((d.toordinal() for d in self.dates), dtype=np.int64)
        return int(np.searchsorted(ordinals, when.toordinal(), side="right")) - 1

    def probability(self, event: Event = "default", *, by: _dt.date | None = None) -> float:
        """Fraction of paths on which ``event`` happened on or before ``by`` (default: the end).

        ``event`` is ``"default"``, ``"forced_sale"`` or ``"seizure"``.

        Examples
        --------
        >>> import datetime as dt
        >>> import numpy as np
        >>> import treasurymodel as tm
        >>> co = tm.Company(name="X", as_of=dt.date(2026, 1, 1),
        ...                 holdings=tm.Holdings(units=1_000), shares_basic=1e6)
        >>> r = tm.simulation.simulate_paths(co, prices=np.full((3, 2), 50_000.0),  # 3 quiet paths
        ...                       dates=[co.as_of, dt.date(2026, 1, 8)])
        >>> r.probability("forced_sale")
        0.0
        """
        steps = self._event_steps(event)
        last = self.steps if by is None else self.step_of(by)
        if self.paths == 0:
            return 0.0
        hit = (steps >= 0) & (steps <= last)
        return float(np.count_nonzero(hit)) / self.paths

    def survival_curve(self, event: Event = "default") -> FloatArray:
        """Fraction of paths on which ``event`` has not happened by each step, ``(steps + 1,)``.

        Pair it with :attr:`dates`.

        Examples
        --------
        >>> import datetime as dt
        >>> import numpy as np
        >>> import treasurymodel as tm
        >>> co = tm.Company(name="X", as_of=dt.date(2026, 1, 1),
        ...                 holdings=tm.Holdings(units=1_000), shares_basic=1e6)
        >>> r = tm.simulation.simulate_paths(co, prices=np.full((3, 2), 50_000.0),  # 3 quiet paths
        ...                       dates=[co.as_of, dt.date(2026, 1, 8)])
        >>> r.survival_curve().tolist()
        [1.0, 1.0]
        """
        steps = self._event_steps(event)
        hits = np.bincount(steps[steps >= 0], minlength=self.steps + 1)[: self.steps + 1]
        if self.paths == 0:
            return np.ones(self.steps + 1)
        return 1.0 - np.cumsum(hits) / self.paths

    def quantiles(self, field: str, q: float | Sequence[float] | FloatArray) -> FloatArray:
        """Quantiles of a per-path field (``"final_units"``, ``"units_sold"``, ...).

        Examples
        --------
        >>> import datetime as dt
        >>> import numpy as np
        >>> import treasurymodel as tm
        >>> co = tm.Company(name="X", as_of=dt.date(2026, 1, 1),
        ...                 holdings=tm.Holdings(units=1_000), shares_basic=1e6)
        >>> r = tm.simulation.simulate_paths(co, prices=np.full((3, 2), 50_000.0),  # 3 quiet paths
        ...                       dates=[co.as_of, dt.date(2026, 1, 8)])
        >>> r.quantiles("units_sold", [0.5]).tolist()
        [0.0]
        """
        if not isinstance(field, str) or field not in PATH_FIELDS or field in _BOOL_FIELDS:
            raise ValidationError("field", field, "names no numeric per-path field")
        probs = _probabilities(q)
        values = np.asarray(getattr(self, field), dtype=np.float64)
        return np.asarray(np.quantile(values, probs), dtype=np.float64)

    def fan(self, name: str, q: float | Sequence[float] | FloatArray) -> FloatArray:
        """Per-step quantiles of a recorded quantity, shape ``(steps + 1, len(q))``.

        Only for quantities named in ``record`` when simulating (see
        :class:`StepHistogram` for the accuracy).

        Examples
        --------
        >>> import datetime as dt
        >>> import numpy as np
        >>> import treasurymodel as tm
        >>> co = tm.Company(name="X", as_of=dt.date(2026, 1, 1),
        ...                 holdings=tm.Holdings(units=1_000), shares_basic=1e6)
        >>> r = tm.simulation.simulate_paths(co, prices=np.full((3, 2), 50_000.0),  # 3 quiet paths
        ...                       dates=[co.as_of, dt.date(2026, 1, 8)])
        >>> r.fan("units", [0.5])
        Traceback (most recent call last):
        ...
        treasurymodel.errors.ValidationError: name: was not recorded (recorded: []), got 'units'
        """
        if not isinstance(name, str) or name not in self.histograms:
            raise ValidationError(
                "name", name, f"was not recorded (recorded: {sorted(self.histograms)})"
            )
        return self.histograms[name].quantiles(q)

    def events(self, path: int) -> EventTable:
        """What happened on traced path ``path``, in date order: an :class:`EventTable`.

        Only for paths traced with ``record_paths``; the table is read off the traced arrays
        (:attr:`traces`), so the two agree.

        Examples
        --------
        >>> import datetime as dt, numpy as np
        >>> import treasurymodel as tm
        >>> co = tm.Company(name="X", as_of=dt.date(2026, 1, 1),
        ...     holdings=tm.Holdings(units=100), shares_basic=1e6, instruments=[tm.Note(
        ...     name="N", principal=2e6, coupon=0.0, maturity=dt.date(2026, 6, 30))])
        >>> res = tm.simulation.simulate_paths(co, prices=np.array([[50e3, 50e3], [10e3, 10e3]]),
        ...     dates=[co.as_of, dt.date(2026, 7, 1)],
        ...     policy=tm.simulation.FundingPolicy(issue_equity=False), record_paths=[1])
        >>> for row in res.events(1).table()[1:]:
        ...     print(row)
        ['2026-07-01', '1', 'principal paid', '1,000,000', 'cash']
        ['2026-07-01', '1', 'coins sold', '100', 'units']
        ['2026-07-01', '1', 'default', '-', '']
        """
        if self.traces is None:
            raise ValidationError("path", path, "was not traced (no record_paths)")
        return self.traces.events(path)

    def date_of(self, steps: IntArray) -> npt.NDArray[np.datetime64]:
        """Dates of step indices as ``datetime64[D]`` (``NaT`` for -1).

        Examples
        --------
        >>> import datetime as dt
        >>> import numpy as np
        >>> import treasurymodel as tm
        >>> co = tm.Company(name="X", as_of=dt.date(2026, 1, 1),
        ...                 holdings=tm.Holdings(units=1_000), shares_basic=1e6)
        >>> r = tm.simulation.simulate_paths(co, prices=np.full((3, 2), 50_000.0),  # 3 quiet paths
        ...                       dates=[co.as_of, dt.date(2026, 1, 8)])
        >>> r.date_of(np.array([1, -1])).tolist()
        [datetime.date(2026, 1, 8), None]
        """
        table = np.array([np.datetime64(d, "D") for d in self.dates] + [np.datetime64("NaT")])
        idx = np.asarray(steps, dtype=np.int64)
        return table[np.where(idx >= 0, idx, len(self.dates))]

    def summary(self) -> dict[str, float]:
        """Headline figures: paths, event probabilities and medians of the main outcomes.

        Examples
        --------
        >>> import datetime as dt
        >>> import numpy as np
        >>> import treasurymodel as tm
        >>> co = tm.Company(name="X", as_of=dt.date(2026, 1, 1),
        ...                 holdings=tm.Holdings(units=1_000), shares_basic=1e6)
        >>> r = tm.simulation.simulate_paths(co, prices=np.full((3, 2), 50_000.0),  # 3 quiet paths
        ...                       dates=[co.as_of, dt.date(2026, 1, 8)])
        >>> s = r.summary()
        >>> s["paths"], s["p_default"]
        (3.0, 0.0)
        """
        out: dict[str, float] = {"paths": float(self.paths)}
        for event in _EVENT_FIELDS:
            out[f"p_{event}"] = self.probability(event)  # type: ignore[arg-type]
        if self.paths:
            for name in ("units_sold", "final_units", "nav_per_share", "units_per_share"):
                out[f"median_{name}"] = float(np.median(getattr(self, name)))
        return out

    # --- plain exports --------------------------------------------------------------

    def to_dict(self) -> dict[str, npt.NDArray[Any]]:
        """Columns by name: ``path``, every per-path field, and the event dates.

        Every value is a one-dimensional numpy array of length ``paths``, so
        ``pandas.DataFrame(result.to_dict())`` gives one row per path. Step columns keep -1
        for "never"; the ``*_date`` columns hold ``datetime64[D]`` with ``NaT``.

        Examples
        --------
        >>> import datetime as dt
        >>> import numpy as np
        >>> import treasurymodel as tm
        >>> co = tm.Company(name="X", as_of=dt.date(2026, 1, 1),
        ...                 holdings=tm.Holdings(units=1_000), shares_basic=1e6)
        >>> r = tm.simulation.simulate_paths(co, prices=np.full((3, 2), 50_000.0),  # 3 quiet paths
        ...                       dates=[co.as_of, dt.date(2026, 1, 8)])
        >>> d = r.to_dict()
        >>> list(d)[:3], d["units_sold"].tolist()
        (['path', 'forced_sale', 'first_forced_sale'], [0.0, 0.0, 0.0])
        """
        out: dict[str, npt.NDArray[Any]] = {"path": np.arange(self.paths, dtype=np.int64)}
        for name in PATH_FIELDS:
            out[name] = getattr(self, name)
        for event, field in _EVENT_FIELDS.items():
            out[f"{event}_date"] = self.date_of(getattr(self, field))
        return out

    def _title(self) -> str:
        return (
            f"SimulationResult ({self.paths:,} paths, {len(self.dates) - 1:,} steps, "
            f"{self.dates[0].isoformat()} to {self.dates[-1].isoformat()})"
        )

    def _footer(self) -> str:
        return (
            f"P(forced sale) {self.probability('forced_sale'):.4f}, "
            f"P(default) {self.probability('default'):.4f}; one row per path"
        )


def _empty_result(paths: int) -> SimulationResult:
    """A result with ``paths`` untouched paths over one weekly step (for the tests)."""
    zeros = np.zeros(paths)
    never = np.full(paths, -1, dtype=np.int64)
    arrays: dict[str, Any] = {}
    for name in PATH_FIELDS:
        dtype = _dtype(name)
        if dtype is np.bool_:
            arrays[name] = np.zeros(paths, dtype=bool)
        elif dtype is np.int64:
            arrays[name] = never.copy()
        else:
            arrays[name] = zeros.copy()
    return SimulationResult(
        dates=(_dt.date(2026, 1, 1), _dt.date(2026, 1, 8)),
        initial_units=0.0,
        initial_cash=0.0,
        initial_shares=1.0,
        **arrays,
    )
