"""The simulated credit view: impairment and expected loss of every security, by Monte Carlo.

One run of the scenario engine gives every debt and preferred security of the company at
once: on each path, the first step on which the security is *impaired* (a dividend not paid
in full, whether missed for want of money, deferred or skipped; a default of the company
while the security is outstanding) and, on paths that default, what it recovers when the
coins (sold at the path's price, with the impact of that one sale) and the cash are paid out
by seniority. See the theory page *Credit* for the definitions.
"""

from __future__ import annotations

import concurrent.futures
import datetime as _dt
import math
from collections.abc import Sequence
from typing import Any, ClassVar, Final

import attrs
import numpy as np
import numpy.typing as npt

from .._render import html_table, text_table
from .._results import frame
from .._typing import FloatArray, IntArray
from ..company import Company, check_company
from ..errors import ValidationError
from ..simulation.assets import Basket
from ..simulation.credit_events import CreditRecorder
from ..simulation.engine import _check_models, simulate_paths_with_credit
from ..simulation.impact import ImpactModel
from ..simulation.models import PriceModel, _whole
from ..simulation.montecarlo import (
    _MAX_PATHS,
    _check_model,
    _chunk_paths,
    price_paths,
    simulation_dates,
)
from ..simulation.policy import FundingPolicy
from ..simulation.premium import ConstantPremium, PremiumModel
from ..simulation.result import SimulationResult
from ..simulation.state import basket_company
from ..validators import check_finite
from ._claims import Seniority, claims

__all__ = [
    "SimulatedCredit",
    "liquidation_waterfall",
    "simulated_credit",
    "simulated_credit_paths",
]

_NAME_WIDTH: Final = 28
_MAX_HORIZONS: Final = 100


def liquidation_waterfall(available: Any, claims: Any, *, rank: Any = None) -> FloatArray:
    """What each claim recovers when ``available`` is paid out by seniority.

    Tiers are paid in order of ``rank`` (lowest first); a tier is paid in full before the
    next receives anything, and within a tier the claims share pro rata. What is left after
    every claim is paid (the equity's) is not returned.

    Parameters
    ----------
    available
        The money to share out: a number, or one per path (shape ``(paths,)``), >= 0.
    claims
        The claims, most senior first: shape ``(securities,)`` or ``(securities, paths)``,
        each >= 0.
    rank
        One whole number per claim (1 is the most senior; equal ranks share pro rata);
        ``None``: every claim its own tier, in the order given.

    Returns
    -------
    numpy.ndarray
        The recoveries, shape of ``claims`` broadcast against ``available``: each between 0
        and its claim, summing to ``min(available, total claims)`` on every path.

    Examples
    --------
    $100 for a senior claim of $60 and two junior claims of $40 and $20, ranking together:

    >>> from treasurymodel.credit import liquidation_waterfall
    >>> liquidation_waterfall(100.0, [60.0, 40.0, 20.0], rank=[1, 2, 2]).round(2).tolist()
    [60.0, 26.67, 13.33]
    """
    try:
        avail = np.asarray(available, dtype=np.float64)
        owed = np.asarray(claims, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationError("claims", claims, "must be numbers") from None
    if avail.ndim > 1 or not bool(np.all(np.isfinite(avail))) or bool(np.any(avail < 0.0)):
        raise ValidationError("available", available, "must be finite numbers >= 0 (1-d)")
    if owed.ndim not in (1, 2) or owed.shape[0] < 1:
        raise ValidationError(
            "claims", claims, "must have shape (securities,) or (securities, paths)"
        )
    if not bool(np.all(np.isfinite(owed))) or bool(np.any(owed < 0.0)):
        raise ValidationError("claims", claims, "must be finite numbers >= 0")
    if rank is None:
        ranks = np.arange(1, owed.shape[0] + 1)
    else:
        ranks = np.asarray(rank)
        if ranks.shape != (owed.shape[0],) or ranks.dtype.kind not in "iu":
            raise ValidationError("rank", rank, "must be one whole number per claim")
    try:
        shape = np.broadcast_shapes(owed.shape[1:], avail.shape)
    except ValueError:
        raise ValidationError("available", avail.shape, "must have one entry per path") from None
    out = np.zeros((owed.shape[0], *shape))
    left = np.broadcast_to(avail, shape).astype(np.float64, copy=True)
    for r in np.unique(ranks):
        rows = np.flatnonzero(ranks == r)
        tier = np.broadcast_to(owed[rows], (len(rows), *shape))
        total = tier.sum(axis=0)
        paid = np.minimum(left, total)
        share = np.where(total > 0.0, paid / np.where(total > 0.0, total, 1.0), 0.0)
        # in full where the tier is covered (no rounding below the claim)
        out[rows] = np.where(paid >= total, tier, tier * share)
        left = left - paid
    return out


def _pct(x: float) -> str:
    return "-" if math.isnan(x) else f"{100 * x:.2f}%"


@attrs.frozen(kw_only=True, eq=False)
class SimulatedCredit:
    """Impairment probabilities and expected losses of every security, from one simulation.

    Build it with :func:`simulated_credit` (Monte Carlo) or :func:`simulated_credit_paths`
    (given price paths). One entry per debt and preferred security of the company, most
    senior first (the seniority of :func:`~treasurymodel.credit.btc_rating`).

    Attributes
    ----------
    security, kind, rank, notional
        Names, ``"debt"`` or ``"preferred"``, tiers (1 most senior) and the notional on the
        as-of date (principal of a note, stated amount of a preferred series), reporting
        currency.
    horizons
        Years from the as-of date.
    impairment
        ``(securities, horizons)``: the probability that the security is impaired by each
        horizon (a dividend not paid in full, or a default while it is outstanding).
    expected_loss, expected_loss_by_horizon
        Expected loss at default over the whole run (and by each horizon), as a fraction of
        the notional: the claim at default less its recovery, discounted to the as-of date at
        ``discount_rate`` (continuously compounded; 0, the default, is undiscounted).
    loss_standard_error
        Monte Carlo standard error of ``expected_loss``.
    default_probability
        ``(horizons,)``: the probability that the company has defaulted by each horizon.
    impaired_step, claim, recovery, loss
        Per path and security (shape ``(paths, securities)``): the step of the first
        impairment (``-1`` never), the claim at default and what it recovered (0 on paths
        that do not default), and the discounted loss as a fraction of the notional.
    available
        Per path: what the liquidation at default raised plus the cash (0 without default).
    result
        The engine's :class:`~treasurymodel.simulation.SimulationResult` of the same paths.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, GBM, Holdings, Note
    >>> from treasurymodel.credit import simulated_credit
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
    ...     shares_basic=1e6, instruments=[Note(name="N", principal=30e6, coupon=0.05,
    ...     maturity=dt.date(2027, 1, 1))])
    >>> sc = simulated_credit(co, model=GBM(asset_price=50_000.0, volatility=0.8), years=2,
    ...                       paths=2_000, seed=1)
    >>> sc.security, sc.horizons.tolist()
    (('N',), [1.0, 2.0])
    >>> bool(0.0 < sc.expected_loss[0] < sc.impairment[0, -1])
    True
    """

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "security",
        "kind",
        "rank",
        "notional",
        "expected_loss",
        "loss_standard_error",
    )

    company: str
    as_of: _dt.date
    paths: int
    years: float
    discount_rate: float
    security: tuple[str, ...]
    kind: tuple[str, ...]
    rank: IntArray
    notional: FloatArray
    horizons: FloatArray
    impairment: FloatArray
    expected_loss: FloatArray
    expected_loss_by_horizon: FloatArray
    loss_standard_error: FloatArray
    default_probability: FloatArray
    impaired_step: IntArray
    claim: FloatArray
    recovery: FloatArray
    loss: FloatArray
    available: FloatArray
    result: SimulationResult = attrs.field(repr=False)

    def __len__(self) -> int:
        return len(self.security)

    def _horizon_names(self) -> list[str]:
        return [f"impairment_{h:g}y" for h in self.horizons.tolist()]

    def to_dict(self) -> dict[str, npt.NDArray[Any]]:
        """One numpy column per field, one entry per security (impairment by horizon too).

        Examples
        --------
        >>> import datetime as dt
        >>> from treasurymodel import Company, GBM, Holdings, Note
        >>> from treasurymodel.credit import simulated_credit
        >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
        ...     shares_basic=1e6, instruments=[Note(name="N", principal=30e6,
        ...     maturity=dt.date(2027, 1, 1))])
        >>> sc = simulated_credit(co, model=GBM(asset_price=50_000.0, volatility=0.8), years=1,
        ...                       paths=1_000, seed=1)
        >>> list(sc.to_dict())[4:]
        ['expected_loss', 'loss_standard_error', 'impairment_1y']
        """
        out: dict[str, npt.NDArray[Any]] = {}
        for c in self.COLUMNS:
            value = getattr(self, c)
            out[c] = np.array(value) if c in ("security", "kind") else value
        for i, name in enumerate(self._horizon_names()):
            out[name] = self.impairment[:, i]
        return out

    def to_frame(self) -> Any:
        """The columns as a :class:`pandas.DataFrame` indexed by security (needs pandas).

        Examples
        --------
        >>> import datetime as dt
        >>> from treasurymodel import Company, GBM, Holdings, Note
        >>> from treasurymodel.credit import simulated_credit
        >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
        ...     shares_basic=1e6, instruments=[Note(name="N", principal=30e6,
        ...     maturity=dt.date(2027, 1, 1))])
        >>> sc = simulated_credit(co, model=GBM(asset_price=50_000.0, volatility=0.8), years=1,
        ...                       paths=1_000, seed=1)
        >>> sc.to_frame().loc["N", "kind"]
        'debt'
        """
        return frame(self.to_dict(), owner="SimulatedCredit", index="security")

    def _cells(self) -> tuple[list[str], list[list[str]]]:
        shown = list(range(len(self.horizons)))
        if len(shown) > 5:  # one screen: the first four and the last
            shown = [*shown[:4], shown[-1]]
        header = ["security", "rank"]
        header += [f"impaired {self.horizons[i]:g}y" for i in shown]
        header += ["exp. loss", "s.e."]
        rows = []
        for s, name in enumerate(self.security):
            short = name
            if len(name) > _NAME_WIDTH:
                short = name[:10] + "…" + name[len(name) - (_NAME_WIDTH - 11) :]
            cells = [short, str(int(self.rank[s]))]
            cells += [_pct(float(self.impairment[s, i])) for i in shown]
            cells += [
                _pct(float(self.expected_loss[s])),
                _pct(float(self.loss_standard_error[s])),
            ]
            rows.append(cells)
        return header, rows

    def _header(self) -> str:
        rate = (
            "undiscounted"
            if self.discount_rate == 0.0
            else f"discounted at {self.discount_rate:.2%}"
        )
        return (
            f"{self.company} as of {self.as_of.isoformat()}: {self.paths:,} paths over "
            f"{self.years:g}y; losses {rate}, as a fraction of notional"
        )

    def _footer(self) -> str:
        return "company default: " + ", ".join(
            f"{_pct(float(p))} by {h:g}y"
            for h, p in zip(self.horizons.tolist(), self.default_probability.tolist(), strict=True)
        )

    def __repr__(self) -> str:
        header, rows = self._cells()
        title = f"SimulatedCredit({self._header()})".replace("; losses", ";\n  losses", 1)
        return text_table(title, header, rows, self._footer())

    def _repr_html_(self) -> str:
        header, rows = self._cells()
        return html_table(self._header(), header, rows, self._footer())


def _cutoff(years: Any) -> Any:
    """Days after the as-of date that ``years`` covers: ``round(years * 365.25)``, halves up
    (the rule of :func:`~treasurymodel.simulation.simulation_dates`, so that a whole year of a grid
    ends on its step)."""
    return np.floor(np.asarray(years, dtype=np.float64) * 365.25 + 0.5)


def _horizons(value: Any, run_days: int) -> FloatArray:
    """The horizons asked for (``None``: every whole year of the run, and its end)."""
    if value is None:
        whole = [float(y) for y in range(1, run_days // 365 + 2) if _cutoff(y) <= run_days]
        if not whole or _cutoff(whole[-1]) < run_days:
            whole.append(run_days / 365.25)
        return np.array(whole)
    if isinstance(value, np.ndarray):
        value = value.ravel().tolist()
    elif isinstance(value, str | bytes) or not isinstance(value, Sequence):
        value = [value]
    items = list(value)
    if not items or len(items) > _MAX_HORIZONS:
        raise ValidationError("horizons", value, f"must hold 1 to {_MAX_HORIZONS} horizons")
    out = []
    for i, h in enumerate(items):
        x = check_finite(f"horizons[{i}]", h)
        # runs are at most 10,000 years (simulation_dates): a larger x is out, unmultiplied
        if not (0.0 < x < 1e6 and _cutoff(x) <= run_days):
            raise ValidationError(
                f"horizons[{i}]",
                h,
                f"must be above 0 and within the run ({run_days} days, "
                f"{run_days / 365.25:.4g} years)",
            )
        out.append(x)
    return np.unique(np.array(out))


def _rate(value: Any) -> float:
    x = check_finite("discount_rate", value)
    if not -1.0 < x < 1.0:
        raise ValidationError("discount_rate", value, "must be a rate in (-1, 1)")
    return x


def _build(
    company: Company,
    *,
    result: SimulationResult,
    recorder: CreditRecorder,
    horizons: Any,
    seniority: Seniority | None,
    discount_rate: float,
    years: float | None = None,
) -> SimulatedCredit:
    """The credit view from a run's result and its recorded credit events."""
    ranked = claims(company, seniority)
    dates = result.dates
    step_days = np.array([(d - company.as_of).days for d in dates], dtype=np.float64)
    step_years = step_days / 365.25
    run_days = int(step_days[-1])
    run_years = run_days / 365.25 if years is None else years
    hz = _horizons(horizons, run_days)
    hz_days = _cutoff(hz)
    n = len(result.default)
    debt_index = {d.name: k for k, d in enumerate(company.debts)}
    pref_index = {p.name: j for j, p in enumerate(company.preferreds)}
    default = result.default
    dstep = result.default_time
    # claims at default, most senior first, then what funding channels sold on the paths:
    # their debt ranks with the most senior tier holding debt, their preferred last
    rows: list[FloatArray] = []
    for c in ranked:
        rows.append(
            recorder.debt[debt_index[c.name]]
            if c.kind == "debt"
            else recorder.preferred[pref_index[c.name]]
        )
    debt_ranks = [c.rank for c in ranked if c.kind == "debt"]
    ranks = [c.rank for c in ranked]
    last = max(ranks, default=0)
    rows.append(recorder.new_debt)
    ranks.append(min(debt_ranks) if debt_ranks else last + 1)
    rows.append(recorder.new_preferred)
    ranks.append(last + 2)
    owed = np.where(default, np.vstack(rows), 0.0) if rows else np.zeros((0, n))
    available = np.where(default, recorder.proceeds + recorder.cash, 0.0)
    paid = liquidation_waterfall(available, owed, rank=np.array(ranks, dtype=np.int64))
    s_count = len(ranked)
    claim = owed[:s_count]
    recovery = paid[:s_count]
    notional = np.array([c.amount for c in ranked], dtype=np.float64)
    default_years = np.where(default, step_years[np.maximum(dstep, 0)], np.inf)
    discount = np.where(
        default, np.exp(-discount_rate * np.where(default, default_years, 0.0)), 0.0
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = np.where(
            notional[:, None] > 0.0,
            (claim - recovery) * discount / np.where(notional > 0.0, notional, 1.0)[:, None],
            0.0,
        )
    loss = np.maximum(loss, 0.0)
    # first impairment: a dividend not paid in full, or the default while outstanding
    at_default = np.where(default & (claim > 0.0), dstep, -1)
    impaired = at_default.copy()
    for s, c in enumerate(ranked):
        if c.kind == "preferred":
            missed = recorder.missed[pref_index[c.name]]
            both = (missed >= 0) & (impaired[s] >= 0)
            impaired[s] = np.where(
                both, np.minimum(missed, impaired[s]), np.maximum(missed, impaired[s])
            )
    # by horizon: counts per step, summed up to the last step each horizon covers
    steps = len(step_days)
    last_step = np.searchsorted(step_days, hz_days, side="right") - 1  # >= 0: step 0 is day 0+
    by_h = np.empty((s_count, len(hz)))
    el_h = np.empty((s_count, len(hz)))
    at = np.where(default, dstep, steps)  # step of default, or past the end
    for s in range(s_count):
        counts = np.cumsum(
            np.bincount(np.where(impaired[s] >= 0, impaired[s], steps), minlength=steps + 1)[
                :steps
            ]
        )
        by_h[s] = counts[last_step] / n
        losses = np.cumsum(np.bincount(at, weights=loss[s], minlength=steps + 1)[:steps])
        el_h[s] = losses[last_step] / n
    el = loss.mean(axis=1)
    se = loss.std(axis=1, ddof=1) / math.sqrt(n) if n > 1 else np.full(s_count, math.nan)
    dp = np.cumsum(np.bincount(at, minlength=steps + 1)[:steps])[last_step] / n

    def ro(a: Any, dtype: Any = np.float64) -> Any:
        arr = np.ascontiguousarray(np.asarray(a, dtype=dtype))
        arr.flags.writeable = False
        return arr

    return SimulatedCredit(
        company=company.name,
        as_of=company.as_of,
        paths=n,
        years=run_years,
        discount_rate=discount_rate,
        security=tuple(c.name for c in ranked),
        kind=tuple(c.kind for c in ranked),
        rank=ro([c.rank for c in ranked], np.int64),
        notional=ro(notional),
        horizons=ro(hz),
        impairment=ro(by_h),
        expected_loss=ro(el),
        expected_loss_by_horizon=ro(el_h),
        loss_standard_error=ro(se),
        default_probability=ro(dp),
        impaired_step=ro(impaired.T, np.int64),
        claim=ro(claim.T),
        recovery=ro(recovery.T),
        loss=ro(loss.T),
        available=ro(available),
        result=result,
    )


def simulated_credit_paths(
    company: Company,
    *,
    prices: Any,
    dates: Sequence[_dt.date],
    horizons: Sequence[float] | None = None,
    policy: FundingPolicy | None = None,
    premium: PremiumModel | None = None,
    impact: ImpactModel | None = None,
    seniority: Seniority | None = None,
    discount_rate: float = 0.0,
) -> SimulatedCredit:
    """The simulated credit view on given price paths (as
    :func:`~treasurymodel.simulation.simulate_paths`).

    Parameters
    ----------
    company
        The company on its as-of date.
    prices, dates, policy, premium, impact
        As for :func:`~treasurymodel.simulation.simulate_paths`.
    horizons
        Years from the as-of date at which to read the impairment probabilities (``None``:
        every whole year of the run, and its end); at most the run's length.
    seniority
        The order in which the liquidation pays the securities, as for
        :func:`~treasurymodel.credit.btc_rating` (``None``: the file's order: all debt as
        one class, then the preferred series by rank).
    discount_rate
        Continuously compounded rate discounting a loss from its default date to the as-of
        date (0: undiscounted).

    Returns
    -------
    SimulatedCredit

    Examples
    --------
    A note of $30M due in six months on 1,000 coins and $10M of cash, the price falling to
    $15,000 (the coins raise $15M, the note recovers $25M of $30M: a loss of 1/6):

    >>> import datetime as dt, numpy as np
    >>> from treasurymodel import Company, Holdings, Note
    >>> from treasurymodel.simulation import FundingPolicy
    >>> from treasurymodel.credit import simulated_credit_paths
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
    ...     shares_basic=1e6, cash=10e6, instruments=[Note(name="N", principal=30e6,
    ...     maturity=dt.date(2026, 7, 1))])
    >>> dates = [dt.date(2026, 1, 1) + dt.timedelta(weeks=w) for w in range(53)]
    >>> sc = simulated_credit_paths(co, prices=np.full(53, 15_000.0), dates=dates,
    ...                             policy=FundingPolicy(issue_equity=False))
    >>> round(float(sc.expected_loss[0]), 6), sc.impairment[0].tolist()
    (0.166667, [1.0])
    """
    check_company(company)
    rate = _rate(discount_rate)
    claims(company, seniority)
    result, recorder = simulate_paths_with_credit(
        company, prices=prices, dates=dates, policy=policy, premium=premium, impact=impact
    )
    return _build(
        company,
        result=result,
        recorder=recorder,
        horizons=horizons,
        seniority=seniority,
        discount_rate=rate,
    )


def simulated_credit(
    company: Company,
    *,
    model: PriceModel,
    years: float,
    paths: int,
    seed: int,
    steps_per_year: int = 52,
    horizons: Sequence[float] | None = None,
    policy: FundingPolicy | None = None,
    premium: PremiumModel | None = None,
    impact: ImpactModel | None = None,
    seniority: Seniority | None = None,
    discount_rate: float = 0.0,
    chunk_size: int | None = None,
    executor: concurrent.futures.Executor | None = None,
) -> SimulatedCredit:
    """Impairment probability and expected loss of every security, by Monte Carlo.

    The paths are those of :func:`~treasurymodel.simulate` with the same ``model``,
    ``years``, ``steps_per_year``, ``paths`` and ``seed`` (and its result is the same), run
    through the scenario engine in chunks in this process, recording on each path:

    * the first *impairment* of each security: a preferred dividend not paid in full on its
      date (missed for want of money, deferred or skipped under the policy, or left unpaid
      on the default step), or the company's default while the security is outstanding;
    * at default, the *liquidation*: every coin sold at that step's price with the
      square-root impact of that one sale (``impact``), plus the cash, paid out by
      seniority (``seniority``, as for :func:`~treasurymodel.credit.btc_rating`) to each
      security's claim at default (principal outstanding; stated amount plus unpaid
      cumulative dividends).

    The loss of a security on a path is its claim less its recovery, discounted to the
    as-of date at ``discount_rate`` and divided by its notional on the as-of date.

    Parameters
    ----------
    company
        The company on its as-of date.
    model, years, paths, seed, steps_per_year
        As for :func:`~treasurymodel.simulate`.
    horizons
        Years at which to read the impairment probabilities (``None``: every whole year of
        the run, and its end).
    policy, premium, impact
        As for :func:`~treasurymodel.simulate`.
    seniority
        The liquidation's order of payment (``None``: all debt as one class, then the
        preferred series by rank).
    discount_rate
        Continuously compounded rate discounting losses to the as-of date (0: undiscounted).
    chunk_size
        Paths per chunk (memory only; never changes the result).
    executor
        A :class:`concurrent.futures.Executor` running the chunks (as for
        :func:`~treasurymodel.simulate`; the result does not depend on it), or ``None`` to run
        them one after another in this process.

    Returns
    -------
    SimulatedCredit

    Examples
    --------
    >>> from treasurymodel import GBM, datasets
    >>> from treasurymodel.credit import simulated_credit
    >>> co = datasets.load("mstr-2026-02")
    >>> sc = simulated_credit(co, model=GBM(asset_price=68_141.0, volatility=0.5), years=3,
    ...                       paths=1_000, seed=7)
    >>> len(sc), sc.security[0]
    (12, '0.625% convertible notes due 2028')
    >>> bool((sc.impairment[:, 0] <= sc.impairment[:, -1]).all())
    True
    """
    check_company(company)
    if isinstance(model, Basket):  # several assets: the engine holds basket units
        company = basket_company(company, model)
    dates = simulation_dates(company.as_of, years=years, steps_per_year=steps_per_year)
    steps = len(dates) - 1
    dt = 1.0 / steps_per_year
    _check_model(model, years=steps * dt)
    n_paths = _whole("paths", paths, minimum=1, maximum=_MAX_PATHS)
    seed_value = _whole("seed", seed, minimum=0)
    rate = _rate(discount_rate)
    claims(company, seniority)
    _horizons(horizons, (dates[-1] - company.as_of).days)
    _check_models(
        FundingPolicy() if policy is None else policy,
        ConstantPremium(mnav=1.0) if premium is None else premium,
        impact,
    )
    if executor is not None and (
        isinstance(executor, type) or not callable(getattr(executor, "submit", None))
    ):
        raise ValidationError(
            "executor", executor, "must be a concurrent.futures.Executor (with a submit method)"
        )
    size = _chunk_paths(chunk_size, paths=n_paths, steps=steps, executor=executor)
    tasks = [
        (company, model, seed_value, start, min(size, n_paths - start), n_paths, steps, dt,
         dates, policy, premium, impact)
        for start in range(0, n_paths, size)
    ]  # fmt: skip
    if executor is None:
        done = [_credit_chunk(*task) for task in tasks]
    else:
        try:
            futures = [executor.submit(_credit_chunk, *task) for task in tasks]
        except RuntimeError as exc:  # e.g. "cannot schedule new futures after shutdown"
            raise ValidationError("executor", executor, f"refused the work ({exc})") from None
        done = [future.result() for future in futures]
    results = [res for res, _ in done]
    recorders = [rec for _, rec in done]
    result = results[0] if len(results) == 1 else SimulationResult.concat(results)
    recorder = recorders[0] if len(recorders) == 1 else _join(recorders)
    return _build(
        company,
        result=result,
        recorder=recorder,
        horizons=horizons,
        seniority=seniority,
        discount_rate=rate,
        years=float(years),
    )


def _credit_chunk(
    company: Company,
    model: PriceModel,
    seed: int,
    start: int,
    size: int,
    total: int,
    steps: int,
    dt: float,
    dates: Sequence[_dt.date],
    policy: FundingPolicy | None,
    premium: PremiumModel | None,
    impact: ImpactModel | None,
) -> tuple[SimulationResult, CreditRecorder]:
    """One chunk's paths through the engine, with its credit events (picklable task)."""
    prices = price_paths(model, seed=seed, start=start, size=size, total=total, steps=steps, dt=dt)
    return simulate_paths_with_credit(
        company, prices=prices, dates=dates, policy=policy, premium=premium, impact=impact
    )


def _join(parts: Sequence[CreditRecorder]) -> CreditRecorder:
    """The recorders of consecutive chunks as one."""
    first = parts[0]
    out = CreditRecorder(sum(p.n for p in parts), first.n_debts, first.n_series)
    for name in ("proceeds", "cash", "price", "units", "new_debt", "new_preferred"):
        setattr(out, name, np.concatenate([getattr(p, name) for p in parts]))
    for name in ("missed", "debt", "preferred"):
        setattr(out, name, np.concatenate([getattr(p, name) for p in parts], axis=1))
    return out
