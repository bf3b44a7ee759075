"""Streaming aggregates of a simulation: what a bounded-memory run keeps instead of paths.

:class:`SimulationAggregates` holds, for any number of paths, only quantities of fixed size
that combine exactly across chunks and workers:

* event counts by step (forced sale, default, seizure), hence probabilities and survival
  curves, exactly as a run keeping every path gives them;
* moments of every numeric per-path outcome (count, mean, sum of squared deviations,
  minimum, maximum), combined with the pairwise formulas of Chan, Golub and LeVeque, so equal
  to those of the kept arrays up to floating-point rounding;
* fixed-bin histograms of the main per-path outcomes (quantiles within one bin width);
* the per-step histograms of ``record`` (added), and the traced paths.

See ``docs/theory/monte-carlo.rst`` ("Bounded memory").
"""

from __future__ import annotations

import datetime as _dt
import html
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from .._results import frame
from .._typing import FloatArray, IntArray
from ..errors import ValidationError
from ..validators import check_date
from .result import PATH_FIELDS, Event, SimulationResult, StepHistogram
from .trace import PathTraces

__all__ = ["MOMENT_FIELDS", "OUTCOME_FIELDS", "SimulationAggregates", "outcome_edges"]

_EVENTS: Final[dict[str, str]] = {
    "default": "default_time",
    "forced_sale": "first_forced_sale",
    "seizure": "first_seizure",
}

MOMENT_FIELDS: Final[tuple[str, ...]] = tuple(
    n
    for n in PATH_FIELDS
    if n not in ("forced_sale", "default", "first_forced_sale", "default_time", "first_seizure")
)
"""The per-path outcomes whose moments a bounded run keeps."""

OUTCOME_FIELDS: Final[tuple[str, ...]] = (
    "units_sold",
    "final_units",
    "final_cash",
    "final_debt",
    "final_preferred",
    "unpaid_dividends",
    "nav_per_share",
    "units_per_share",
    "final_price",
    "equity_raised",
    "preferred_raised",
    "sale_proceeds",
)
"""The per-path outcomes a bounded run keeps as fixed-bin histograms (for quantiles)."""

_BINS: Final = 4000


def outcome_edges(
    *, units: float, cash: float, shares: float, diluted: float, claims: float, asset_price: float
) -> dict[str, FloatArray]:
    """Fixed bin edges of ``OUTCOME_FIELDS`` from the company at the start and the spot
    price (the same for every chunk of a run; outer bins open to infinity)."""
    reserve = units * asset_price
    money = max(claims, 0.05 * reserve, cash, 1.0)
    ps = max(reserve / shares, 1e-12)
    out: dict[str, FloatArray] = {}
    for name in OUTCOME_FIELDS:
        if name in ("units_sold", "final_units"):
            inner = np.linspace(0.0, 4.0 * max(units, 1e-12), _BINS - 1)
        elif name == "nav_per_share":
            inner = np.linspace(-4.0 * ps, 12.0 * ps, _BINS - 1)
        elif name == "units_per_share":
            inner = np.linspace(0.0, 4.0 * max(units / diluted, 1e-300), _BINS - 1)
        elif name == "final_price":
            inner = np.linspace(0.0, 10.0 * asset_price, _BINS - 1)
        else:
            inner = np.linspace(0.0, 4.0 * money, _BINS - 1)
        out[name] = np.concatenate(([-np.inf], inner, [np.inf]))
    return out


def _date_tuple(value: Iterable[_dt.date]) -> tuple[_dt.date, ...]:
    return tuple(value)


def _hist(values: FloatArray, edges: FloatArray) -> IntArray:
    """Counts of ``values`` in the bins ``[edges[k], edges[k + 1])`` (below the first edge:
    the first bin; from the last edge or NaN: the last bin), as ``np.searchsorted(edges,
    values, side="right") - 1`` clipped to the bins gives them.

    Each value's bin is first computed from the spacing of the inner edges (evenly spaced
    when ``numpy.linspace`` made them), then checked against the edges themselves; only
    values that fail the check (rounding at an edge, uneven edges, infinities, NaN) are
    looked up by binary search. The counts are exactly those of the binary search.

    Examples
    --------
    >>> e = np.array([-np.inf, 0.0, 1.0, 2.0, np.inf])
    >>> _hist(np.array([-5.0, 0.0, 0.5, 1.0, 1.999, 2.0, np.inf, np.nan]), e).tolist()
    [1, 2, 2, 3]
    """
    nb = edges.size - 1
    inner = edges[1:-1]
    if inner.size < 2 or values.size == 0:
        return _hist_search(values, edges)
    lo = inner[0]
    width = (inner[-1] - lo) / (inner.size - 1)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        g = np.subtract(values, lo)
        g /= width
        np.floor(g, out=g)
        np.clip(g, -1.0, inner.size - 1.0, out=g)
        np.nan_to_num(g, copy=False, nan=0.0)
        idx = g.astype(np.intp)
    idx += 1  # inner[j] is edges[j + 1]
    ok = edges[idx] <= values
    ok &= values < edges[idx + 1]
    if not ok.all():
        bad = np.flatnonzero(~ok)
        fix = np.searchsorted(edges, values[bad], side="right") - 1
        np.clip(fix, 0, nb - 1, out=fix)
        idx[bad] = fix
    return np.bincount(idx, minlength=nb)


def _hist_search(values: FloatArray, edges: FloatArray) -> IntArray:
    idx = np.searchsorted(edges, values, side="right") - 1
    np.clip(idx, 0, edges.size - 2, out=idx)
    return np.bincount(idx, minlength=edges.size - 1)


def _same_numbers(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    """Whether two mappings of floats hold the same names and numbers (NaN equal to NaN)."""
    return a.keys() == b.keys() and all(
        a[k] == b[k] or (math.isnan(a[k]) and math.isnan(b[k])) for k in a
    )


@attrs.frozen(kw_only=True, eq=False)
class SimulationAggregates:
    """What a bounded-memory simulation keeps: counts, moments and histograms, no paths.

    Memory does not grow with the number of paths. Combine two with :meth:`merge` (or many
    with :meth:`combine`): counts add exactly; moments combine pairwise.

    Attributes
    ----------
    dates
        The simulation's dates.
    paths
        Number of paths aggregated.
    event_counts
        By event (``"default"``, ``"forced_sale"``, ``"seizure"``), the number of paths on
        which it first happened at each step, shape ``(steps + 1,)``.
    count, mean, m2, minimum, maximum
        By field of ``MOMENT_FIELDS``: paths, mean, sum of squared deviations from the
        mean, smallest and largest value.
    outcomes
        By field of ``OUTCOME_FIELDS``, a one-row :class:`~treasurymodel.simulation.StepHistogram`
        of
        the values.
    histograms
        The per-step histograms of ``record``, as in
        :class:`~treasurymodel.simulation.SimulationResult`.
    traces
        The traced paths (``record_paths``), or ``None``.

    Examples
    --------
    >>> import datetime as dt
    >>> import treasurymodel as tm
    >>> co = tm.datasets.load("mstr-2026-02")
    >>> agg = tm.simulate(co, model=tm.GBM(asset_price=68_141.0, volatility=0.6), years=2,
    ...                   paths=4_000, seed=1, keep_paths=False)
    >>> agg.paths, 0.0 < agg.probability("forced_sale") < 1.0
    (4000, True)
    """

    dates: tuple[_dt.date, ...] = attrs.field(converter=_date_tuple)
    paths: int
    event_counts: Mapping[str, IntArray]
    count: int
    mean: Mapping[str, float]
    m2: Mapping[str, float]
    minimum: Mapping[str, float]
    maximum: Mapping[str, float]
    outcomes: Mapping[str, StepHistogram]
    histograms: Mapping[str, StepHistogram] = attrs.field(factory=dict)
    traces: PathTraces | None = None

    def __eq__(self, other: object) -> bool:
        """Equal when every count, moment, histogram and trace is (a NaN moment equals NaN),
        as two results are. The same inputs, seed and chunk size give equal aggregates; with
        other chunks the counts and histograms are equal and the moments may differ in their
        last digits (they combine chunk by chunk).

        Examples
        --------
        >>> import treasurymodel as tm
        >>> co = tm.datasets.load("mstr-2026-02")
        >>> kw = dict(model=tm.GBM(asset_price=68_141.0, volatility=0.6), years=1,
        ...           steps_per_year=12, paths=2048, seed=3, keep_paths=False)
        >>> tm.simulate(co, **kw) == tm.simulate(co, **kw)
        True
        >>> tm.simulate(co, **kw) == tm.simulate(co, **{**kw, "seed": 4})
        False
        """
        if not isinstance(other, SimulationAggregates):
            return NotImplemented
        return (
            self.dates == other.dates
            and self.paths == other.paths
            and self.count == other.count
            and self.event_counts.keys() == other.event_counts.keys()
            and all(np.array_equal(v, other.event_counts[k]) for k, v in self.event_counts.items())
            and all(
                _same_numbers(getattr(self, f), getattr(other, f))
                for f in ("mean", "m2", "minimum", "maximum")
            )
            and dict(self.outcomes) == dict(other.outcomes)
            and dict(self.histograms) == dict(other.histograms)
            and self.traces == other.traces
        )

    __hash__ = None  # type: ignore[assignment]

    # --- building and combining -----------------------------------------------------------

    @classmethod
    def from_result(
        cls, result: SimulationResult, *, edges: Mapping[str, FloatArray]
    ) -> SimulationAggregates:
        """The aggregates of a result's per-path arrays (``edges``: see
        ``outcome_edges``).

        Examples
        --------
        >>> import datetime as dt, numpy as np
        >>> import treasurymodel as tm
        >>> from treasurymodel.simulation.aggregates import outcome_edges
        >>> co = tm.Company(name="X", as_of=dt.date(2026, 1, 1),
        ...                 holdings=tm.Holdings(units=1_000), shares_basic=1e6)
        >>> r = tm.simulation.simulate_paths(co, prices=np.full((3, 2), 50_000.0),
        ...                       dates=[co.as_of, dt.date(2026, 1, 8)])
        >>> e = outcome_edges(units=1e3, cash=0.0, shares=1e6, diluted=1e6, claims=0.0,
        ...                   asset_price=5e4)
        >>> tm.simulation.SimulationAggregates.from_result(r, edges=e).mean["final_units"]
        1000.0
        """
        n = result.paths
        counts = {
            event: np.bincount(
                (s := getattr(result, field))[s >= 0], minlength=result.steps + 1
            ).astype(np.int64)
            for event, field in _EVENTS.items()
        }
        mean: dict[str, float] = {}
        m2: dict[str, float] = {}
        lo: dict[str, float] = {}
        hi: dict[str, float] = {}
        for name in MOMENT_FIELDS:
            v = np.asarray(getattr(result, name), dtype=np.float64)
            if n:
                mu = float(v.mean())
                mean[name], m2[name] = mu, float(np.sum((v - mu) ** 2))
                lo[name], hi[name] = float(v.min()), float(v.max())
            else:
                mean[name], m2[name], lo[name], hi[name] = 0.0, 0.0, np.inf, -np.inf
        outcomes = {
            name: StepHistogram(
                edges=e, counts=_hist(np.asarray(getattr(result, name)), e)[np.newaxis, :]
            )
            for name, e in edges.items()
        }
        return cls(
            dates=result.dates,
            paths=n,
            event_counts=counts,
            count=n,
            mean=mean,
            m2=m2,
            minimum=lo,
            maximum=hi,
            outcomes=outcomes,
            histograms=dict(result.histograms),
            traces=result.traces,
        )

    def merge(self, other: SimulationAggregates) -> SimulationAggregates:
        """The aggregates of both runs' paths (counts added; moments combined pairwise).

        Traces are not merged (a run traces its paths after all chunks are in).

        Examples
        --------
        >>> import datetime as dt
        >>> import treasurymodel as tm
        >>> co = tm.datasets.load("mstr-2026-02")
        >>> agg = tm.simulate(co, model=tm.GBM(asset_price=68_141.0, volatility=0.6), years=1,
        ...                   paths=2_000, seed=1, keep_paths=False)
        >>> agg.merge(agg).paths
        4000
        """
        if not isinstance(other, SimulationAggregates):
            raise ValidationError("other", other, "is not a SimulationAggregates")
        if other.dates != self.dates or set(other.outcomes) != set(self.outcomes):
            raise ValidationError("other", other.dates[:1], "has other dates or outcomes")
        if set(other.histograms) != set(self.histograms):
            raise ValidationError("other", sorted(other.histograms), "records other names")
        na, nb = self.count, other.count
        n = na + nb
        mean: dict[str, float] = {}
        m2: dict[str, float] = {}
        for name in MOMENT_FIELDS:
            if nb == 0:
                mean[name], m2[name] = self.mean[name], self.m2[name]
            elif na == 0:
                mean[name], m2[name] = other.mean[name], other.m2[name]
            else:
                delta = other.mean[name] - self.mean[name]
                mean[name] = self.mean[name] + delta * (nb / n)
                m2[name] = self.m2[name] + other.m2[name] + delta * delta * (na * nb / n)
        return SimulationAggregates(
            dates=self.dates,
            paths=self.paths + other.paths,
            event_counts={
                k: self.event_counts[k] + other.event_counts[k] for k in self.event_counts
            },
            count=n,
            mean=mean,
            m2=m2,
            minimum={k: min(v, other.minimum[k]) for k, v in self.minimum.items()},
            maximum={k: max(v, other.maximum[k]) for k, v in self.maximum.items()},
            outcomes={
                k: StepHistogram(edges=h.edges, counts=h.counts + other.outcomes[k].counts)
                for k, h in self.outcomes.items()
            },
            histograms={
                k: StepHistogram(edges=h.edges, counts=h.counts + other.histograms[k].counts)
                for k, h in self.histograms.items()
            },
            traces=self.traces,
        )

    @classmethod
    def combine(cls, items: Iterable[SimulationAggregates]) -> SimulationAggregates:
        """Merge aggregates in the order given (see :meth:`merge`).

        Examples
        --------
        >>> import treasurymodel as tm
        >>> co = tm.datasets.load("mstr-2026-02")
        >>> agg = tm.simulate(co, model=tm.GBM(asset_price=68_141.0, volatility=0.6), years=1,
        ...                   paths=1_000, seed=1, keep_paths=False)
        >>> tm.simulation.SimulationAggregates.combine([agg, agg, agg]).paths
        3000
        """
        out: SimulationAggregates | None = None
        for item in items:
            out = item if out is None else out.merge(item)
        if out is None:
            raise ValidationError("items", [], "must hold at least one SimulationAggregates")
        return out

    # --- what a result gives too ----------------------------------------------------------

    @property
    def steps(self) -> int:
        """Number of steps (``len(dates) - 1``)."""
        return len(self.dates) - 1

    def probability(self, event: Event = "default", *, by: _dt.date | None = None) -> float:
        """Fraction of paths on which ``event`` happened on or before ``by`` (default: the
        end), exactly as :meth:`~treasurymodel.simulation.SimulationResult.probability` gives it.

        Examples
        --------
        >>> import treasurymodel as tm
        >>> co = tm.datasets.load("mstr-2026-02")
        >>> agg = tm.simulate(co, model=tm.GBM(asset_price=68_141.0, volatility=0.6), years=1,
        ...                   paths=1_000, seed=1, keep_paths=False)
        >>> agg.probability("default")
        0.0
        """
        if event not in self.event_counts:
            raise ValidationError("event", event, f"must be one of {tuple(self.event_counts)}")
        last = self.steps
        if by is not None:
            check_date("by", by)
            ords = np.array([d.toordinal() for d in self.dates])
            last = int(np.searchsorted(ords, by.toordinal(), side="right")) - 1
        if self.paths == 0 or last < 0:
            return 0.0
        return float(self.event_counts[event][: last + 1].sum()) / self.paths

    def survival_curve(self, event: Event = "default") -> FloatArray:
        """Fraction of paths on which ``event`` has not happened by each step.

        Examples
        --------
        >>> import treasurymodel as tm
        >>> co = tm.datasets.load("mstr-2026-02")
        >>> agg = tm.simulate(co, model=tm.GBM(asset_price=68_141.0, volatility=0.6), years=1,
        ...                   paths=1_000, seed=1, keep_paths=False)
        >>> float(agg.survival_curve("default")[-1])
        1.0
        """
        if event not in self.event_counts:
            raise ValidationError("event", event, f"must be one of {tuple(self.event_counts)}")
        if self.paths == 0:
            return np.ones(self.steps + 1)
        return 1.0 - np.cumsum(self.event_counts[event]) / self.paths

    def variance(self, field: str) -> float:
        """Sample variance of a per-path outcome (``m2 / (count - 1)``; 0 for one path).

        Examples
        --------
        >>> import treasurymodel as tm
        >>> co = tm.datasets.load("mstr-2026-02")
        >>> agg = tm.simulate(co, model=tm.GBM(asset_price=68_141.0, volatility=0.6), years=1,
        ...                   paths=1_000, seed=1, keep_paths=False)
        >>> agg.variance("final_price") > 0.0
        True
        """
        if field not in self.m2:
            raise ValidationError("field", field, "names no numeric per-path field")
        return self.m2[field] / (self.count - 1) if self.count > 1 else 0.0

    def quantiles(self, field: str, q: float | Sequence[float] | FloatArray) -> FloatArray:
        """Quantiles of a per-path outcome of ``OUTCOME_FIELDS``, from its histogram
        (within one bin width of the exact ones).

        Examples
        --------
        >>> import treasurymodel as tm
        >>> co = tm.datasets.load("mstr-2026-02")
        >>> agg = tm.simulate(co, model=tm.GBM(asset_price=68_141.0, volatility=0.6), years=1,
        ...                   paths=1_000, seed=1, keep_paths=False)
        >>> agg.quantiles("final_price", [0.05, 0.95]).round(-3).tolist()  # exact: 21,214, 152,737
        [21000.0, 150000.0]
        """
        if field not in self.outcomes:
            raise ValidationError("field", field, f"must be one of {tuple(self.outcomes)}")
        return np.asarray(self.outcomes[field].quantiles(q)[0], dtype=np.float64)

    def fan(self, name: str, q: float | Sequence[float] | FloatArray) -> FloatArray:
        """Per-step quantiles of a recorded quantity (as
        :meth:`~treasurymodel.simulation.SimulationResult.fan`).

        Examples
        --------
        >>> import treasurymodel as tm
        >>> co = tm.datasets.load("mstr-2026-02")
        >>> agg = tm.simulate(co, model=tm.GBM(asset_price=68_141.0, volatility=0.6), years=1,
        ...                   paths=1_000, seed=1, keep_paths=False, record=["cash"])
        >>> agg.fan("cash", [0.5]).shape
        (53, 1)
        """
        if name not in self.histograms:
            raise ValidationError(
                "name", name, f"was not recorded (recorded: {sorted(self.histograms)})"
            )
        return self.histograms[name].quantiles(q)

    def events(self, path: int) -> Any:
        """What happened on traced path ``path`` (see
        :meth:`~treasurymodel.simulation.SimulationResult.events`).

        Examples
        --------
        >>> import treasurymodel as tm
        >>> co = tm.datasets.load("mstr-2026-02")
        >>> agg = tm.simulate(co, model=tm.GBM(asset_price=68_141.0, volatility=0.6), years=1,
        ...                   paths=1_000, seed=1, keep_paths=False, record_paths=[7])
        >>> agg.events(7).path
        7
        """
        if self.traces is None:
            raise ValidationError("path", path, "was not traced (no record_paths)")
        return self.traces.events(path)

    def summary(self) -> dict[str, float]:
        """Headline figures: paths, event probabilities and medians (from the histograms).

        Examples
        --------
        >>> import treasurymodel as tm
        >>> co = tm.datasets.load("mstr-2026-02")
        >>> agg = tm.simulate(co, model=tm.GBM(asset_price=68_141.0, volatility=0.6), years=1,
        ...                   paths=1_000, seed=1, keep_paths=False)
        >>> agg.summary()["p_default"]
        0.0
        """
        out: dict[str, float] = {"paths": float(self.paths)}
        for event in self.event_counts:
            out[f"p_{event}"] = self.probability(event)  # type: ignore[arg-type]
        if self.paths:
            for name in ("units_sold", "final_units", "nav_per_share", "units_per_share"):
                out[f"median_{name}"] = float(self.quantiles(name, [0.5])[0])
        return out

    def to_dict(self) -> dict[str, npt.NDArray[Any]]:
        """Columns by outcome field: ``field``, ``count``, ``mean``, ``std``, ``min``,
        ``max`` (``pandas.DataFrame(agg.to_dict())`` gives one row per field).

        Examples
        --------
        >>> import treasurymodel as tm
        >>> co = tm.datasets.load("mstr-2026-02")
        >>> agg = tm.simulate(co, model=tm.GBM(asset_price=68_141.0, volatility=0.6), years=1,
        ...                   paths=1_000, seed=1, keep_paths=False)
        >>> agg.to_dict()["field"][0]
        'units_sold'
        """
        names = list(MOMENT_FIELDS)
        return {
            "field": np.array(names, dtype=object),
            "count": np.full(len(names), self.count, dtype=np.int64),
            "mean": np.array([self.mean[n] for n in names]),
            "std": np.sqrt(np.array([self.variance(n) for n in names])),
            "min": np.array([self.minimum[n] for n in names]),
            "max": np.array([self.maximum[n] for n in names]),
        }

    def to_frame(self) -> Any:
        """:meth:`to_dict` as a pandas DataFrame indexed by field (needs pandas).

        Examples
        --------
        >>> import treasurymodel as tm
        >>> co = tm.datasets.load("mstr-2026-02")
        >>> agg = tm.simulate(co, model=tm.GBM(asset_price=68_141.0, volatility=0.6), years=1,
        ...                   paths=1_000, seed=1, keep_paths=False)
        >>> agg.to_frame().loc["units_sold", "count"]
        np.int64(1000)
        """
        return frame(self.to_dict(), owner="SimulationAggregates", index="field")

    def __repr__(self) -> str:
        s = self.summary()
        return (
            f"SimulationAggregates({self.paths:,} paths, {self.steps} steps, "
            f"P(forced sale) {s['p_forced_sale']:.4f}, P(default) {s['p_default']:.4f})"
        )

    def _repr_html_(self) -> str:
        rows = [f"<tr><th>{html.escape(k)}</th><td>{v:,.6g}</td></tr>" for k, v in
                self.summary().items()]  # fmt: skip
        return "<table>" + "".join(rows) + "</table>"
