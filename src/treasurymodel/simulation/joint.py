"""Streaming aggregates of several companies on one market: what a bounded market run keeps.

:class:`MarketAggregates` is to :class:`~treasurymodel.simulation.MarketResult` what
:class:`~treasurymodel.simulation.SimulationAggregates` is to a
:class:`~treasurymodel.simulation.SimulationResult`: for any number of paths it holds only
quantities of fixed size that combine exactly across chunks and workers,

* one :class:`~treasurymodel.simulation.SimulationAggregates` per company;
* ``seller_counts``: for each calendar quarter, the number of paths on which exactly ``j``
  companies were forced sellers in that quarter (``j = 0 .. companies``);
* ``most_sellers``: the number of paths whose busiest quarter had exactly ``j`` forced
  sellers, from which the probability that at least ``k`` companies were forced sellers in
  the same quarter follows exactly.

Both tables are counts, so they add exactly. The per-path table ``forced_sellers`` of a
kept run grows with the paths and is not kept.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from .._results import Tabular
from .._typing import FloatArray, IntArray
from ..errors import ValidationError
from .aggregates import SimulationAggregates

if TYPE_CHECKING:
    from .market import MarketResult

__all__ = ["MarketAggregates"]


def _tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value)


def _ints(value: Any) -> IntArray:
    return np.asarray(value, dtype=np.int64)


def _check_k(k: Any) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValidationError("k", k, "must be a whole number of companies >= 1")
    return int(k)


def joint_counts(forced_sellers: IntArray, companies: int) -> tuple[IntArray, IntArray]:
    """``seller_counts`` and ``most_sellers`` of a ``(paths, quarters)`` table of forced
    sellers (each entry from 0 to ``companies``)."""
    table = np.asarray(forced_sellers, dtype=np.int64)
    n_q = table.shape[1] if table.ndim == 2 else 0
    width = companies + 1
    by_quarter = np.zeros((n_q, width), dtype=np.int64)
    if table.shape[0] and n_q:
        # one bincount over (quarter, j) pairs: no loop over quarters
        flat = np.arange(n_q, dtype=np.int64)[np.newaxis, :] * width + table
        by_quarter = np.bincount(flat.ravel(), minlength=n_q * width).reshape(n_q, width)
    most = table.max(axis=1) if n_q else np.zeros(table.shape[0], dtype=np.int64)
    return by_quarter.astype(np.int64), np.bincount(most, minlength=width).astype(np.int64)


def _company_table(names: Sequence[str], results: Sequence[Any]) -> dict[str, npt.NDArray[Any]]:
    """The table of a market's result, kept or bounded: per company, ``name`` and its
    probabilities of a forced sale and of a default."""
    return {
        "name": np.array(names, dtype=object),
        "p_forced_sale": np.array([r.probability("forced_sale") for r in results]),
        "p_default": np.array([r.probability("default") for r in results]),
    }


def _same_market(a: Any, b: Any) -> bool:
    """Whether two results of a market (:class:`~.market.MarketResult` or
    :class:`MarketAggregates`) have the same companies, results and quarters."""
    return bool(a.names == b.names and a.results == b.results and a.quarters == b.quarters)


def _joint_footer(names: Sequence[str], probability_at_least: Callable[[int], float]) -> str:
    """The line under a market's table: the probability of two or more forced sellers in
    one quarter (nothing for one company)."""
    if len(names) < 2:
        return ""
    return f"P(2 or more forced sellers in one quarter) {probability_at_least(2):.3f}"


@attrs.frozen(kw_only=True, eq=False, repr=False)
class MarketAggregates(Tabular):
    """Several companies on one market, bounded memory: each one's aggregates, and the joint
    counts of forced sellers.

    What :func:`~treasurymodel.simulate` returns for a list of companies when it keeps no
    per-path arrays (``keep_paths=False``, or more than ``KEEP_PATHS_LIMIT`` paths). Its
    size does not grow with the number of paths; :meth:`merge` combines two runs exactly
    (counts add; moments combine pairwise, see
    :class:`~treasurymodel.simulation.SimulationAggregates`).

    Attributes
    ----------
    names
        The companies' names, in the order given.
    results
        One :class:`~treasurymodel.simulation.SimulationAggregates` per company (with its
        traced paths, if any: the same path indices for every company).
    quarters
        The first day of each calendar quarter the simulation covers.
    paths
        Number of paths aggregated.
    seller_counts
        Shape ``(quarters, companies + 1)``: the number of paths on which exactly ``j``
        companies were forced sellers (sold coins to meet an obligation) in that quarter.
    most_sellers
        Shape ``(companies + 1,)``: the number of paths whose busiest quarter had exactly
        ``j`` forced sellers.

    Examples
    --------
    >>> import datetime as dt
    >>> import treasurymodel as tm
    >>> mstr, xxi = tm.datasets.load("mstr-2026-02"), tm.datasets.load("xxi-2026-01")
    >>> m = tm.simulate([mstr, xxi], model=tm.GBM(asset_price=68_141.0, volatility=0.6),
    ...                 years=1, paths=2_000, seed=1, keep_paths=False,
    ...                 impact=tm.simulation.ImpactModel(daily_volume=15_000.0))
    >>> m.paths, int(m.most_sellers.sum()), m.seller_counts.shape
    (2000, 2000, (5, 3))
    >>> 0.0 <= m.probability_at_least(2) <= m.probability_at_least(1) <= 1.0
    True
    """

    names: tuple[str, ...] = attrs.field(converter=_tuple)
    results: tuple[SimulationAggregates, ...] = attrs.field(converter=_tuple)
    quarters: tuple[_dt.date, ...] = attrs.field(converter=_tuple)
    paths: int
    seller_counts: IntArray = attrs.field(converter=_ints)
    most_sellers: IntArray = attrs.field(converter=_ints)

    def __eq__(self, other: object) -> bool:
        """Equal when every company's aggregates and the joint counts are.

        Examples
        --------
        >>> import treasurymodel as tm
        >>> cos = [tm.datasets.load("mstr-2026-02"), tm.datasets.load("xxi-2026-01")]
        >>> kw = dict(model=tm.GBM(asset_price=68_141.0, volatility=0.6), years=1,
        ...           steps_per_year=12, paths=1024, seed=3, keep_paths=False)
        >>> tm.simulate(cos, **kw) == tm.simulate(cos, **kw)
        True
        """
        if not isinstance(other, MarketAggregates):
            return NotImplemented
        return (
            _same_market(self, other)
            and self.paths == other.paths
            and bool(np.array_equal(self.seller_counts, other.seller_counts))
            and bool(np.array_equal(self.most_sellers, other.most_sellers))
        )

    __hash__ = None  # type: ignore[assignment]

    def __attrs_post_init__(self) -> None:
        n_co = len(self.names)
        if self.seller_counts.shape != (len(self.quarters), n_co + 1):
            raise ValidationError(
                "seller_counts",
                self.seller_counts.shape,
                f"must have shape (quarters, companies + 1) = ({len(self.quarters)}, {n_co + 1})",
            )
        if self.most_sellers.shape != (n_co + 1,):
            raise ValidationError(
                "most_sellers", self.most_sellers.shape, f"must have shape ({n_co + 1},)"
            )

    @classmethod
    def from_result(
        cls, result: MarketResult, *, edges: Sequence[Mapping[str, FloatArray]]
    ) -> MarketAggregates:
        """The aggregates of a kept market run (``edges``: one mapping of outcome bin
        edges per company, see ``outcome_edges``).

        Examples
        --------
        >>> import datetime as dt, numpy as np
        >>> import treasurymodel as tm
        >>> from treasurymodel.simulation.aggregates import outcome_edges
        >>> m = tm.simulation.MarketResult(names=["A", "B"], results=[],
        ...     quarters=[dt.date(2026, 1, 1), dt.date(2026, 4, 1)],
        ...     forced_sellers=np.array([[2, 0], [1, 1], [0, 0]]))
        >>> agg = MarketAggregates.from_result(m, edges=[])
        >>> agg.seller_counts.tolist(), agg.most_sellers.tolist()
        ([[1, 1, 1], [2, 1, 0]], [1, 1, 1])
        """
        if len(edges) != len(result.results):
            raise ValidationError("edges", len(edges), "must give one mapping per company")
        by_quarter, most = joint_counts(result.forced_sellers, len(result.names))
        return cls(
            names=result.names,
            results=[
                SimulationAggregates.from_result(r, edges=e)
                for r, e in zip(result.results, edges, strict=True)
            ],
            quarters=result.quarters,
            paths=int(result.forced_sellers.shape[0]),
            seller_counts=by_quarter,
            most_sellers=most,
        )

    def merge(self, other: MarketAggregates) -> MarketAggregates:
        """The aggregates of both runs' paths: counts added, each company's aggregates
        merged (traces are not merged).

        Examples
        --------
        >>> import datetime as dt, numpy as np
        >>> m = MarketAggregates(names=["A"], results=[], quarters=[dt.date(2026, 1, 1)],
        ...     paths=3, seller_counts=[[2, 1]], most_sellers=[2, 1])
        >>> m.merge(m).most_sellers.tolist()
        [4, 2]
        """
        if not isinstance(other, MarketAggregates):
            raise ValidationError("other", other, "is not a MarketAggregates")
        if other.names != self.names or other.quarters != self.quarters:
            raise ValidationError("other", other.names, "has other companies or quarters")
        return MarketAggregates(
            names=self.names,
            results=[a.merge(b) for a, b in zip(self.results, other.results, strict=True)],
            quarters=self.quarters,
            paths=self.paths + other.paths,
            seller_counts=self.seller_counts + other.seller_counts,
            most_sellers=self.most_sellers + other.most_sellers,
        )

    @classmethod
    def combine(cls, items: Iterable[MarketAggregates]) -> MarketAggregates:
        """Merge aggregates in the order given (see :meth:`merge`).

        Examples
        --------
        >>> import datetime as dt
        >>> m = MarketAggregates(names=["A"], results=[], quarters=[dt.date(2026, 1, 1)],
        ...     paths=3, seller_counts=[[2, 1]], most_sellers=[2, 1])
        >>> MarketAggregates.combine([m, m, m]).paths
        9
        """
        out: MarketAggregates | None = None
        for item in items:
            out = item if out is None else out.merge(item)
        if out is None:
            raise ValidationError("items", [], "must hold at least one MarketAggregates")
        return out

    @property
    def forced_sellers(self) -> IntArray:
        """Not kept: the per-path table grows with the paths (refused, naming it).

        Examples
        --------
        >>> import datetime as dt
        >>> m = MarketAggregates(names=["A"], results=[], quarters=[dt.date(2026, 1, 1)],
        ...     paths=3, seller_counts=[[2, 1]], most_sellers=[2, 1])
        >>> from treasurymodel import ValidationError
        >>> try:
        ...     m.forced_sellers
        ... except ValidationError as err:
        ...     print(err.field)
        forced_sellers
        """
        raise ValidationError(
            "forced_sellers",
            "per path",
            "is not kept by a bounded run (its size grows with the paths); seller_counts and"
            " most_sellers hold its counts, or run with keep_paths=True",
        )

    def probability_at_least(self, k: int) -> float:
        """Fraction of paths on which at least ``k`` companies were forced sellers in the
        same calendar quarter (exactly as a kept run gives it).

        Examples
        --------
        >>> import datetime as dt
        >>> m = MarketAggregates(names=["A", "B"], results=[], quarters=[dt.date(2026, 1, 1)],
        ...     paths=4, seller_counts=[[2, 1, 1]], most_sellers=[2, 1, 1])
        >>> m.probability_at_least(1), m.probability_at_least(2), m.probability_at_least(3)
        (0.5, 0.25, 0.0)
        """
        k = _check_k(k)
        if self.paths == 0:
            return 0.0
        return int(self.most_sellers[k:].sum()) / self.paths

    def probability_by_quarter(self, k: int) -> FloatArray:
        """For each quarter, the fraction of paths on which at least ``k`` companies were
        forced sellers in it.

        Examples
        --------
        >>> import datetime as dt
        >>> m = MarketAggregates(names=["A", "B"], results=[],
        ...     quarters=[dt.date(2026, 1, 1), dt.date(2026, 4, 1)], paths=4,
        ...     seller_counts=[[2, 1, 1], [4, 0, 0]], most_sellers=[2, 1, 1])
        >>> m.probability_by_quarter(1).tolist()
        [0.5, 0.0]
        """
        k = _check_k(k)
        if self.paths == 0:
            return np.zeros(len(self.quarters))
        return np.asarray(self.seller_counts[:, k:].sum(axis=1) / self.paths, dtype=np.float64)

    def to_dict(self) -> dict[str, npt.NDArray[Any]]:
        """Per company: ``name``, and its probabilities of a forced sale and of a default.

        Examples
        --------
        >>> import datetime as dt
        >>> m = MarketAggregates(names=[], results=[], quarters=[dt.date(2026, 1, 1)],
        ...     paths=0, seller_counts=[[0]], most_sellers=[0])
        >>> m.to_dict()["name"].tolist()
        []
        """
        return _company_table(self.names, self.results)

    _index = "name"

    def _title(self) -> str:
        return f"MarketAggregates ({len(self.names)} companies, {self.paths:,} paths, bounded)"

    def _footer(self) -> str:
        return _joint_footer(self.names, self.probability_at_least)
