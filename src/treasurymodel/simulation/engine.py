"""The scenario engine: a company stepped through given price paths, all paths at once.

:func:`simulate_paths` takes a matrix of asset prices (one row a path) and the dates of its
columns, and runs the company's obligations, the funding policy, the premium model and the
market-impact model along every path at once. ``docs/theory/simulation.rst`` states the order
of operations, the funding waterfall and every formula.

How the work is organised (for speed):

* An *event calendar* (:mod:`.calendar`) is computed once per company, dates and policy (and
  cached): the steps on which something is due (coupons, dividends, puts, maturities,
  amortization, springing tests) with the scheduled amounts. An event dated ``d`` falls on the
  first step whose date is on or after ``d``; events in ``(as_of, dates[0]]`` fall on step 0.
  Securities sold on the paths add their events to the steps still to come.
* The paths' state lives in one :class:`~.state.PathState`; a step runs one function per
  phase, in the documented order of operations (``docs/theory/simulation.rst``), passing a
  :class:`~.state.StepWork` between them.
* Between events only the price moves, so the engine visits only event steps, plus every step
  while a collateralized loan is outstanding (a margin check: one vectorized comparison; only
  breaching paths do more), plus every step when the flywheel or ``record`` needs it.
* Per-path state lives in arrays of shape ``(paths,)``; the loops are over visited steps and
  over the company's (few) instruments, never over paths.
* A path's own sales (and purchases) move its later prices through a per-path factor applied
  when a price column is read; the price matrix itself is never rewritten.
"""

from __future__ import annotations

import datetime as _dt
import heapq
import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np

from .._typing import FloatArray, IntArray
from ..company import Company, check_company
from ..errors import ValidationError
from .calendar import (
    Plan,
    Pref,
    check_dates,
    merge,
    ordered_sum,
    plan_for,
    schedule_dividends,
    schedule_loan_tranche,
    schedule_note_tranche,
)
from .channels import (
    ChannelState,
    ConvertibleIssuance,
    PreferredAtm,
    PreferredIssuance,
    TermLoanIssuance,
    channel_amount,
    period_ends,
)
from .credit_events import CreditRecorder
from .fx import FxRevaluation, convert
from .impact import ImpactModel, _sell_units
from .models import _PRICE_RANGE
from .policy import FundingPolicy
from .premium import ConstantPremium, PremiumModel, PremiumState
from .recording import RECORDABLE, record_values
from .result import SimulationResult, StepHistogram
from .state import (
    LazyPrices,
    PathState,
    Run,
    StepWork,
    _at,
    _average,
    _claim,
    _final_fields,
    _full,
    _hist,
    _one,
    _share_price,
    _snapshot,
    _steps,
    _unclaimed,
    _view,
    _zero,
)
from .trace import PathTraces, check_record_paths, choose

__all__ = ["RECORDABLE", "simulate_paths", "trace_paths"]

_DEFAULT_BINS: Final = 800
"""Bins of a default ``record`` histogram (between the outer ``-inf``/``+inf`` bins)."""


# --- input checks -------------------------------------------------------------------------


def _check_prices(prices: Any, n_dates: int) -> FloatArray:
    """``prices`` as a float64 ``(paths, steps + 1)`` array, every price in the price range.

    Prices must lie in :data:`~treasurymodel.simulation.models._PRICE_RANGE` (1e-200 to
    1e200, the range the Monte Carlo driver holds its models to): beyond it the coins that
    pay an amount, or the value of the holdings, leave float64. The first offending price is
    named with its path and step.
    """
    try:
        raw = np.asarray(prices)
        if raw.dtype.kind not in "iufO":  # bool, complex, text, dates...
            raise TypeError
        arr = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int beyond float64
        raise ValidationError("prices", prices, "must be an array of numbers") from None
    if arr.ndim == 1:
        arr = arr[np.newaxis, :]
    if arr.ndim != 2 or arr.shape[0] < 1:
        raise ValidationError("prices", arr.shape, "must have shape (paths, steps + 1)")
    if arr.shape[1] != n_dates:
        raise ValidationError(
            "prices", arr.shape, f"must have one column per date ({n_dates} dates)"
        )
    low, high = _PRICE_RANGE
    # min and max are NaN if any price is NaN: one comparison covers every case
    if not (low <= float(arr.min()) and float(arr.max()) <= high):
        inside = (arr >= low) & (arr <= high)  # False for NaN
        path = int(np.flatnonzero(~inside.all(axis=1))[0])
        step = int(np.flatnonzero(~inside[path])[0])
        raise ValidationError(
            "prices",
            float(arr[path, step]),
            f"must be finite and lie in [{low:g}, {high:g}] (path {path}, step {step})",
        )
    return arr


def _inputs(
    company: Any, dates: Any, policy: Any, premium: Any, impact: Any
) -> tuple[Company, tuple[_dt.date, ...], FundingPolicy, PremiumModel]:
    """The checks every entry to the engine makes: the company, its dates, the policy and
    premium model (the defaults for None: the default policy and an mNAV of 1) and the
    impact model."""
    company = check_company(company)
    the_dates = check_dates(company, dates)
    policy = FundingPolicy() if policy is None else policy
    premium = ConstantPremium(mnav=1.0) if premium is None else premium
    _check_models(policy, premium, impact)
    return company, the_dates, policy, premium


def _check_models(policy: Any, premium: Any, impact: Any) -> None:
    if not isinstance(policy, FundingPolicy):
        raise ValidationError("policy", policy, "must be a FundingPolicy or None")
    if not isinstance(premium, PremiumModel):
        raise ValidationError(
            "premium", premium, "must be a premium model (mnav(state) and uses_peak) or None"
        )
    if impact is not None and not isinstance(impact, ImpactModel):
        raise ValidationError("impact", impact, "must be an ImpactModel or None")


def check_record(record: Any, record_edges: Any) -> tuple[str, ...]:
    """Check the ``record`` names and the shape of ``record_edges``; return the names.

    Shared by :func:`simulate_paths` and the Monte Carlo driver, which checks before any
    path is drawn. The edges themselves are checked where they are used.
    """
    if isinstance(record, str) or not isinstance(record, Sequence | set | frozenset):
        raise ValidationError("record", record, "must be a sequence of names (not one string)")
    for name in record:
        if name not in RECORDABLE:
            raise ValidationError("record", name, f"must be one of {RECORDABLE}")
    if record_edges is not None and not isinstance(record_edges, Mapping):
        raise ValidationError("record_edges", record_edges, "must be a mapping of name to edges")
    return tuple(record)


def _record_edges(
    names: Sequence[str],
    edges: Mapping[str, Any] | None,
    plan: Plan,
    price0: float,
) -> dict[str, FloatArray]:
    check_record(names, edges)
    out: dict[str, FloatArray] = {}
    given = dict(edges or {})
    for key in given:
        if key not in names:
            raise ValidationError("record_edges", key, "names a quantity not in record")
    reserve_ps = plan.initial_units * price0 / plan.initial_shares
    for name in names:
        if name in given:
            field = f"record_edges[{name!r}]"
            try:
                raw = np.asarray(given[name])
                if raw.dtype.kind not in "iufO":  # bool, complex, text...
                    raise TypeError
                e = np.asarray(raw, dtype=np.float64)
            except (TypeError, ValueError):
                raise ValidationError(field, given[name], "must be numbers") from None
            if bool(np.any(np.isnan(e))):
                raise ValidationError(field, e, "must not hold NaN")
            if e.ndim != 1 or e.size < 2 or not bool(np.all(np.diff(e) > 0)):
                raise ValidationError(field, e, "must be increasing, 2 or more (1-d)")
        else:
            if name == "units":
                top = 4.0 * max(plan.initial_units, 1e-12)
                inner = np.linspace(0.0, top, _DEFAULT_BINS - 1)
            elif name == "cash":
                scale = max(plan.initial_cash, 0.05 * plan.initial_units * price0, 1.0)
                inner = np.linspace(0.0, 4.0 * scale, _DEFAULT_BINS - 1)
            elif name == "shares":
                inner = np.linspace(
                    plan.initial_shares, 8.0 * plan.initial_shares, _DEFAULT_BINS - 1
                )
            elif name == "nav_per_share":
                scale = max(reserve_ps, 1e-12)
                inner = np.linspace(-2.0 * scale, 6.0 * scale, _DEFAULT_BINS - 1)
            elif name == "units_per_share":
                top = 4.0 * max(plan.initial_units / plan.initial_diluted, 1e-300)
                inner = np.linspace(0.0, top, _DEFAULT_BINS - 1)
            elif name == "price":
                inner = np.linspace(0.0, 4.0 * price0, _DEFAULT_BINS - 1)
            else:
                inner = _default_inner(name, plan, price0)
            e = np.concatenate(([-np.inf], inner, [np.inf]))
        if e[0] != -np.inf:
            e = np.concatenate(([-np.inf], e))
        if e[-1] != np.inf:
            e = np.concatenate((e, [np.inf]))
        out[name] = e
    return out


def _default_inner(name: str, plan: Plan, price0: float) -> FloatArray:
    """Default inner bin edges of the quantities added to the first release's six."""
    reserve = plan.initial_units * price0
    debt0 = float(sum(d.principal for d in plan.debts))
    pref0 = float(sum(p.notional for p in plan.prefs))
    money = max(debt0 + pref0, 0.05 * reserve, plan.initial_cash, 1.0)
    bins = _DEFAULT_BINS - 1
    if name == "share_price":
        return np.linspace(0.0, 8.0 * max(reserve / plan.initial_shares, 1e-12), bins)
    if name in ("mnav", "mnav_simple"):
        return np.linspace(0.0, 5.0, bins)
    if name == "price_impact":
        return np.linspace(-0.5, 0.5, bins)
    if name in ("units_sold", "units_bought", "units_seized"):
        return np.linspace(0.0, 2.0 * max(plan.initial_units, 1e-12), bins)
    if name in ("shares_issued", "shares_converted"):
        return np.linspace(0.0, 4.0 * plan.initial_shares, bins)
    return np.linspace(0.0, 2.0 * money, bins)  # amounts of money


# --- the engine -----------------------------------------------------------------------------


def simulate_paths(
    company: Company,
    *,
    prices: Any,
    dates: Sequence[_dt.date],
    policy: FundingPolicy | None = None,
    premium: PremiumModel | None = None,
    impact: ImpactModel | None = None,
    record: Sequence[str] = (),
    record_edges: Mapping[str, Any] | None = None,
    record_paths: int | Sequence[int] | None = None,
    choose_paths: str = "worst",
    fx: Mapping[str, Any] | None = None,
) -> SimulationResult:
    """Step ``company`` through given price paths of its reserve asset, all paths at once.

    At every step where something is due (interest, dividends, maturities, puts, springing
    tests, amortization), for every path, the engine: reads the price (after the path's own
    market impact); checks margin on collateralized loans (topping up from unencumbered
    coins, or the lender liquidating what covers the loan); prices the stock through the
    premium model; converts convertibles that are in the money at maturity (or called),
    decides puts and springing tests; and pays what is due from cash and the funding
    policy's channels in order (by default new shares behind the equity gate, new preferred,
    coin sales; new convertible notes and preferred series sold this way join the path's
    calendar). A debt payment left unpaid after every source is a default: the path is frozen
    from then on. See ``docs/theory/simulation.rst`` for every rule.

    Parameters
    ----------
    company
        The company on its as-of date.
    prices
        Asset prices, shape ``(paths, steps + 1)`` (a 1-d array is one path), finite and
        positive, in the asset's price currency (``Holdings.price_currency``; the reporting
        currency by default); column ``t`` is the price on ``dates[t]``. Any memory layout
        works; a column-major (Fortran-ordered) array reads fastest, e.g. the transpose of a
        C-ordered ``(steps + 1, paths)`` array.
    dates
        The dates of the columns, strictly increasing, the first on or after
        ``company.as_of``. An event dated ``d`` falls on the first step on or after ``d``.
    policy
        The :class:`~treasurymodel.simulation.FundingPolicy` (default: ``FundingPolicy()``).
    premium
        A premium model giving the mNAV, from which the share price follows (default:
        ``ConstantPremium(mnav=1.0)``).
    impact
        An :class:`~treasurymodel.simulation.ImpactModel` for the company's own trades, or
        ``None`` for
        none.
    record
        Names to follow step by step as per-step histograms, among
        ``treasurymodel.simulation.RECORDABLE`` (the balance sheet, the price, the share
        price and mNAV on each basis, what is outstanding, what was raised, sold and paid;
        see :meth:`SimulationResult.fan`).
        Recording visits every step, which costs time.
    record_edges
        Optional bin edges by recorded name. The default edges depend only on the company
        and ``prices[0, 0]``, so chunks of one simulation share them.
    record_paths
        Paths to trace: a sequence of path indices, or a count of paths chosen by
        ``choose_paths``. A traced path keeps every recordable quantity at every step
        (:attr:`SimulationResult.traces`) and its story (:meth:`SimulationResult.events`).
        The traced paths are run again on their own after the run, so tracing costs about
        what running that many paths costs.
    choose_paths
        With a count: ``"worst"`` (lowest final NAV per share, the default),
        ``"first_default"`` (earliest defaults; fewer if fewer paths default) or
        ``"random"`` (a sample drawn with a fixed seed).
    fx
        Exchange-rate paths: a mapping from a foreign currency (the asset's price currency
        or an instrument's) to its rates, reporting currency per unit, shape ``(steps + 1,)``
        (the same on every path) or ``(paths, steps + 1)``; column ``t`` is the rate on
        ``dates[t]``. A currency not given stays at its as-of rate (``Market.fx``). The asset
        price on step ``t`` is ``prices[:, t]`` times its currency's rate on step ``t``, and
        every amount in a foreign currency is converted at the rate of the step on which it
        is paid (see :mod:`treasurymodel.simulation.fx`).

    Returns
    -------
    SimulationResult
        Per-path outcomes (forced sales, defaults, coins sold, bought and seized, final
        state, NAV and BTC per share, cash flows) and summaries.

    Raises
    ------
    ValidationError
        If an input is invalid, before any work.

    Examples
    --------
    A company with a note due in six months, on a flat path and on a crash:

    >>> import datetime as dt, numpy as np
    >>> from treasurymodel import Company, Holdings, Note
    >>> from treasurymodel.simulation import FundingPolicy, simulate_paths
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
    ...     shares_basic=1e6, cash=10e6, instruments=[Note(name="N", principal=30e6,
    ...     maturity=dt.date(2026, 7, 1))])
    >>> dates = [dt.date(2026, 1, 1) + dt.timedelta(weeks=w) for w in range(53)]
    >>> prices = np.array([np.full(53, 50_000.0), np.full(53, 15_000.0)])
    >>> res = simulate_paths(co, prices=prices, dates=dates,
    ...                      policy=FundingPolicy(issue_equity=False))
    >>> res.units_sold.tolist(), res.default.tolist()
    ([400.0, 1000.0], [False, True])
    >>> str(res.date_of(res.default_time)[1])  # the first weekly step on or after 1 July
    '2026-07-02'

    A company reporting in yen owing $1M on 1 July (step 26), with a dollar worth 100 yen
    until then and 150 yen from then on: the maturity costs $1M x 150 in yen.

    >>> from treasurymodel import Market
    >>> yen = Company(name="Y", as_of=dt.date(2026, 1, 1), currency="JPY", shares_basic=1e6,
    ...     holdings=Holdings(units=1_000, price_currency="USD"), cash=1e10,
    ...     market=Market(fx={"USD": 100.0}), instruments=[Note(name="N", principal=1e6,
    ...     currency="USD", maturity=dt.date(2026, 7, 1))])
    >>> rates = np.where(np.arange(53) < 26, 100.0, 150.0)
    >>> simulate_paths(yen, prices=np.full(53, 50_000.0), dates=dates,
    ...                fx={"USD": rates}).principal_paid.tolist()
    [150000000.0]
    """
    company, the_dates, policy, premium = _inputs(company, dates, policy, premium, impact)
    arr = _check_prices(prices, len(the_dates))
    plan = plan_for(company, the_dates, policy, converts_fx=True)
    arr, reval = _convert_fx(company, plan, arr, fx)
    edges = _record_edges(record, record_edges, plan, float(arr[0, 0]))
    wanted = check_record_paths(record_paths, choose_paths, limit=None)
    if isinstance(wanted, np.ndarray) and wanted.size and int(wanted.max()) >= arr.shape[0]:
        raise ValidationError(
            "record_paths", int(wanted.max()), f"must index the {arr.shape[0]} paths"
        )
    result = _run(plan, arr, policy, premium, impact, edges, fx=reval)
    if wanted is None:
        return result
    if isinstance(wanted, int):
        wanted = choose(
            wanted,
            choose_paths,
            paths=result.paths,
            nav_per_share=result.nav_per_share,
            default_time=result.default_time,
        )
    sub = None if reval is None else reval.rows(wanted)
    return attrs.evolve(
        result, traces=trace_paths(plan, arr[wanted], wanted, policy, premium, impact, fx=sub)
    )


def _convert_fx(
    company: Company, plan: Plan, arr: FloatArray, fx: Any
) -> tuple[FloatArray, FxRevaluation | None]:
    """The prices in the reporting currency (checked again when converted) and the
    revaluation of foreign amounts at the rates' paths (see simulation/fx.py)."""
    out, reval = convert(company, arr, fx, debts=len(plan.debts), prefs=len(plan.prefs))
    if out is not arr:
        try:
            out = _check_prices(out, arr.shape[1])
        except ValidationError as exc:
            raise ValidationError(
                "fx", exc.value, f"takes the price in {company.currency} " + exc.reason
            ) from None
    return out, reval


def trace_paths(
    plan: Plan,
    prices: FloatArray,
    paths: Any,
    policy: FundingPolicy,
    premium: PremiumModel,
    impact: ImpactModel | None,
    fx: FxRevaluation | None = None,
) -> PathTraces:
    """Run the rows of ``prices`` (simulation paths ``paths``) again, keeping every
    recordable quantity at every step. Paths do not interact in the engine, so a traced
    path's arrays are those it has in any run."""
    steps = len(plan.dates)
    values = {name: np.empty((prices.shape[0], steps)) for name in RECORDABLE}
    if prices.shape[0] == 0:
        never = np.empty(0, dtype=np.int64)
        return PathTraces(
            paths=paths, dates=plan.dates, values=values, default_time=never,
            first_forced_sale=never, first_seizure=never,
        )  # fmt: skip
    sub = _run(plan, np.asfortranarray(prices), policy, premium, impact, {}, trace=values, fx=fx)
    return PathTraces(
        paths=paths,
        dates=plan.dates,
        values=values,
        default_time=sub.default_time,
        first_forced_sale=sub.first_forced_sale,
        first_seizure=sub.first_seizure,
    )


def simulate_paths_with_credit(
    company: Company,
    *,
    prices: Any,
    dates: Sequence[_dt.date],
    policy: FundingPolicy | None = None,
    premium: PremiumModel | None = None,
    impact: ImpactModel | None = None,
) -> tuple[SimulationResult, CreditRecorder]:
    """:func:`simulate_paths`, also recording the paths' credit events (not public).

    The same checks and the same run (the result is identical); the
    :class:`~.credit_events.CreditRecorder` holds each preferred series' first missed
    dividend and, on defaulted paths, the coins, cash and claims at default. Used by
    :func:`treasurymodel.credit.simulated_credit`.
    """
    company, the_dates, policy, premium = _inputs(company, dates, policy, premium, impact)
    arr = _check_prices(prices, len(the_dates))
    plan = plan_for(company, the_dates, policy, converts_fx=True)
    arr, _ = _convert_fx(company, plan, arr, None)  # rates at Market.fx
    recorder = CreditRecorder(arr.shape[0], len(plan.debts), len(plan.prefs))
    return _run(plan, arr, policy, premium, impact, {}, credit=recorder), recorder


def simulate_drawn(
    company: Company,
    *,
    prices: LazyPrices,
    dates: Sequence[_dt.date],
    policy: FundingPolicy | None,
    premium: PremiumModel | None,
    impact: ImpactModel | None,
    record: Sequence[str],
    record_edges: Mapping[str, Any] | None,
) -> SimulationResult:
    """:func:`simulate_paths` on prices the Monte Carlo driver drew (not public): the same
    checks and the same result, but the prices are already known to be in range, with one
    column per date, and each date's prices are computed when the engine first reads them."""
    company, the_dates, policy, premium = _inputs(company, dates, policy, premium, impact)
    if prices.shape[1] != len(the_dates):
        raise ValidationError(
            "prices", prices.shape, f"must have one column per date ({len(the_dates)} dates)"
        )
    plan = plan_for(company, the_dates, policy)
    edges = _record_edges(record, record_edges, plan, float(prices[:, 0][0]))
    return _run(plan, prices, policy, premium, impact, edges)


def _visits(plan: Plan, policy: FundingPolicy, *, recording: bool, last_step: int) -> set[int]:
    """The steps the engine visits whatever happens on the paths: the calendar's, every step
    while a collateralized loan is outstanding (margin checks), and every step when the
    flywheel buys, cash flows in or quantities are recorded. (Securities sold on the paths
    add the steps of their payments as they are sold.)"""
    visit: set[int] = set(plan.event_steps)
    if plan.margin_loans:
        visit.update(range(0, min(plan.margin_until, last_step) + 1))
    if policy.flywheel or recording or policy.inflows:
        visit.update(range(last_step + 1))
    return visit


_SELLS_SECURITIES: Final = (ConvertibleIssuance, PreferredIssuance, TermLoanIssuance)
"""Channels whose securities, sold on the paths, add the steps of their payments."""


def prices_read(
    company: Any,
    dates: Any,
    policy: Any,
    premium: Any,
    impact: Any,
    record: Sequence[str],
) -> tuple[frozenset[int], bool]:
    """The steps whose prices :func:`simulate_drawn` reads whatever the paths, and whether
    those are all it reads.

    They are the steps the engine visits (:func:`_visits`), the first (whose price places
    the recorded quantities' bins) and the last (the final price). They are not all when a
    channel sells new securities on the paths (their payments add steps as they are sold)
    or when the premium model reads the running peak (the price of every step). No step
    and False when the inputs are wrong (the engine then names what is wrong).

    Examples
    --------
    >>> import treasurymodel as tm
    >>> co = tm.datasets.load("mstr-2026-02")
    >>> dates = tm.simulation.simulation_dates(co.as_of, years=1)
    >>> read, complete = prices_read(co, dates, None, None, None, ())
    >>> sorted(read)[:3], max(read), len(read) < len(dates), complete
    ([0, 4, 6], 52, True, True)
    >>> peak = tm.simulation.PeakCompressionPremium(initial=1.3, floor=0.6, sensitivity=2.0)
    >>> prices_read(co, dates, None, peak, None, ())[1]
    False
    """
    try:
        company, the_dates, policy, premium = _inputs(company, dates, policy, premium, impact)
        plan = plan_for(company, the_dates, policy)
    except ValidationError:
        return frozenset(), False
    last = len(the_dates) - 1
    steps = _visits(plan, policy, recording=bool(record), last_step=last) | {0, last}
    complete = not premium.uses_peak and not any(
        isinstance(ch, _SELLS_SECURITIES) for ch in policy.channels
    )
    return frozenset(steps), complete


def _run(
    plan: Plan,
    prices: FloatArray | LazyPrices,
    policy: FundingPolicy,
    premium: PremiumModel,
    impact: ImpactModel | None,
    edges: Mapping[str, FloatArray],
    credit: CreditRecorder | None = None,
    trace: dict[str, FloatArray] | None = None,
    fx: FxRevaluation | None = None,
) -> SimulationResult:
    """Step every path through the visited steps, one phase after the other.

    With ``trace`` (name -> an array of shape (paths, steps + 1)), every step is visited and
    every recordable quantity is written into it (a traced run).

    The engine visits every step of the calendar, every step while a collateralized loan is
    outstanding (margin checks), every step when the flywheel buys or ``record`` is asked,
    and the steps on which securities sold on the paths have something due (added as they
    are sold). Every operation is written in the order of the scalar reference
    (tests/_reference_engine.py), which the engine matches bit for bit.

    With ``fx`` (exchange-rate paths), the foreign amounts held are restated at each visited
    step's rates before anything else happens on it, and at the last step's before the
    result.
    """
    c = Run(plan, prices, policy, premium, impact, edges)
    st = PathState(c)
    st.credit = credit
    st.fx_reval = fx
    kept: dict[str, FloatArray] = {} if trace is None else trace
    recording = bool(edges) or trace is not None
    st.heap = sorted(_visits(plan, policy, recording=recording, last_step=c.last_step))
    done = -1
    while st.heap:
        t = heapq.heappop(st.heap)
        if t <= done:
            continue
        done = t
        if fx is not None:
            fx.at(st, t)
        w = _begin_step(c, st, t)
        if c.inflows:
            _inflows(c, st, w)
        _margin_calls(c, st, w)
        if w.ev is None and not c.flywheel and _zero(w.opex_due):
            if recording:
                _record_step(c, st, w, kept)
            continue
        _price_the_stock(c, st, w)
        if w.ev is not None:
            _interest(c, st, w)
            _issuer_calls(c, st, w)
            _maturities(c, st, w)
            _holder_puts(c, st, w)
            _springing(c, st, w)
            _scheduled_principal(c, st, w)
            _dividends_due(c, st, w)
        _fund(c, st, w)
        _settle(c, st, w)
        _pay_dividends(c, st, w)
        _defaults(c, st, w)
        _flywheel(c, st, w)
        if recording:
            w.price = prices[:, t] if _one(st.factor) else prices[:, t] * st.factor
            _record_step(c, st, w, kept)
    if fx is not None:
        fx.at(st, c.last_step)
    return _results(c, st)


def _begin_step(c: Run, st: PathState, t: int) -> StepWork:
    """The step's events (planned, and of securities sold on the paths), its price (after the
    path's own market impact) and the running peak."""
    ev = c.plan.events.get(t)
    if t in st.extra:
        more = st.extra.pop(t)
        ev = merge(ev, more)
        if not (isinstance(st.live, bool) and st.live):
            # a defaulted path's notes were frozen with it: zero them before they are read
            for k in {entry[0] for entry in more["coupons"] + more["puts"]} | set(
                more["conv_maturities"]
            ):
                st.out[k] = np.where(st.live, st.out[k], 0.0)
    price: Any = c.prices[:, t] if _one(st.factor) else c.prices[:, t] * st.factor
    if st.peak is not None and (ev is not None or c.flywheel) and t > st.peak_done:
        # the running peak: the maximum since the last update (factor is constant there),
        # column by column (fast on a column-major matrix, one strided pass otherwise)
        top = c.prices[:, st.peak_done + 1].copy()
        for col in range(st.peak_done + 2, t + 1):
            np.maximum(top, c.prices[:, col], out=top)
        np.maximum(st.peak, top if _one(st.factor) else top * st.factor, out=st.peak)
        st.peak_done = t
    return StepWork(t, ev, price)


def _inflows(c: Run, st: PathState, w: StepWork) -> None:
    """Phase 1a: the operating cash flow and the production since the previous step.

    Both accrue over the calendar days from the previous date (``days / 365.25`` years; none
    on step 0) on live paths. A positive cash flow and the units produced are added at once;
    a burn falls due on this step and is funded by the waterfall like debt service.
    """
    if w.t == 0:
        return
    years = (c.ordinals[w.t] - c.ordinals[w.t - 1]) / 365.25
    live = st.live
    if c.production > 0.0:
        made = c.production * years
        if not (isinstance(live, bool) and live):
            made = np.where(live, made, 0.0)
        _both_units(st, made, add=True)
    if c.cash_flow != 0.0:
        flow = c.cash_flow * years
        if not (isinstance(live, bool) and live):
            flow = np.where(live, flow, 0.0)
        if c.cash_flow > 0.0:
            st.cash = st.cash + flow
        else:
            w.opex_due = -flow


def _accretive(c: Run, st: PathState, w: StepWork) -> Any:
    """The accretion gate's share price: margin × units × price / assumed-diluted shares.

    The diluted count is the basic shares, plus the conversion shares of the convertible
    principal outstanding (the company's own notes, summed once per state of its debt, and
    the notes sold on the paths), plus the company's other dilutive shares (options,
    restricted units, convertible preferred), all at the start of the step.
    """
    value = _start_value(w)
    # 1.0 * x is x for every float x: the default margin of 1 skips the multiplication
    return (value if c.margin == 1.0 else c.margin * value) / _diluted(c, st, w)


def _btc_rating(w: StepWork) -> Any:
    """BTC Rating of a security junior to everything outstanding: u P / (D + F) at the
    start of the step (infinite with nothing outstanding)."""
    senior = w.start_debt + w.start_pref
    return np.where(senior > 0.0, _start_value(w) / np.where(senior > 0.0, senior, 1.0), np.inf)


def _diluted(c: Run, st: PathState, w: StepWork) -> Any:
    """Assumed-diluted shares at the start of the step."""
    if st.conv_total is None:
        conv: Any = 0.0
        for k in range(len(w.start_out)):
            if st.debts[k].kind == "convertible":
                conv = conv + w.start_out[k] * st.debts[k].shares_per_principal
        st.conv_total = conv
    return (w.start_shares + c.plan.other_dilution) + (st.conv_total + w.start_conv)


def _start_value(w: StepWork) -> Any:
    """``w.start_units * w.price``, computed once a step (the share price, the accretion gate
    and the BTC Rating all read it: the same product, so the same numbers)."""
    if w.start_value is None:
        w.start_value = w.start_units * w.price
    return w.start_value


def _senior(st: PathState, w: StepWork) -> Any:
    """``w.start_debt + w.start_pref``, kept from step to step while both totals are the same
    objects (they are replaced, never changed in place, when the debt or preferred changes;
    the same sum of the same numbers)."""
    if st.senior is None or st.senior[0] is not w.start_debt or st.senior[1] is not w.start_pref:
        st.senior = (w.start_debt, w.start_pref, w.start_debt + w.start_pref)
    return st.senior[2]


def _ensure_share_price(w: StepWork, st: PathState) -> None:
    """The share price at the start of the step, computed the first time it is needed."""
    if w.share_price is None:
        w.share_price = _share_price(
            w.mnav,
            w.start_units,
            w.price,
            w.start_debt,
            w.start_pref,
            w.start_cash,
            w.start_shares,
            _start_value(w),
            _senior(st, w),
        )


def _record_step(c: Run, st: PathState, w: StepWork, trace: dict[str, FloatArray]) -> None:
    """Add the step's recorded quantities to their histograms; keep every recordable
    quantity of a traced run whole (``trace``: name -> (paths, steps + 1))."""
    names = tuple(trace) if trace else tuple(c.edges)
    values = record_values(c, st, w, names)
    for name, e in c.edges.items():
        st.counts[name][w.t] = _hist(values[name], e)
    for name, arr in trace.items():
        arr[:, w.t] = values[name]


def _margin_calls(c: Run, st: PathState, w: StepWork) -> None:
    """Phase 1: margin checks on collateralized loans (top-ups, liquidations): the company's
    own, then those made on the paths (a :class:`TermLoanIssuance`), in the order made."""
    if c.plan.margin_loans and w.t <= c.plan.margin_until:
        for k in c.plan.margin_loans:
            _margin_check(st, w, k)
    for k in st.loan_tranches:
        _margin_check(st, w, k)


def _margin_check(st: PathState, w: StepWork, k: int) -> None:
    """The margin check of loan ``k``."""
    if _zero(st.out[k]):
        return
    ltv = st.debts[k].max_ltv
    assert ltv is not None
    short = st.out[k] / (ltv * w.price) - st.pledged[k]
    breach = (short > 0.0) & st.margined[k]
    if not breach.any():
        return
    can = breach & (st.free >= short)
    topup = np.where(can, short, 0.0)
    st.free = st.free - topup
    st.pledged[k] = st.pledged[k] + topup
    lost = breach & ~can
    if lost.any():
        # the lender takes the coins worth what is owed plus the penalty (all of
        # the pledge if it is worth less, the rest then staying owed, unsecured)
        # and the rest of the pledge returns to the free coins
        pen = st.debts[k].penalty
        claim = st.out[k] * (1.0 + pen)
        cover = st.pledged[k] * w.price >= claim
        take = np.where(
            lost,
            np.where(cover, np.minimum(claim / w.price, st.pledged[k]), st.pledged[k]),
            0.0,
        )
        credited = np.where(cover, st.out[k], (take * w.price) / (1.0 + pen))
        st.penalty_paid = st.penalty_paid + np.where(
            lost, np.where(cover, st.out[k] * pen, take * w.price - credited), 0.0
        )
        st.units = st.units - take
        st.seized = st.seized + take
        st.free = st.free + np.where(lost, st.pledged[k] - take, 0.0)
        st.pledged[k] = np.where(lost, 0.0, st.pledged[k])
        st.out[k] = np.where(lost, st.out[k] - credited, st.out[k])
        if k >= st.issued.first:  # a loan made on the paths
            st.issued.debt = st.issued.debt - np.where(lost, credited, 0.0)
        st.margined[k] = st.margined[k] & ~lost
        st.debt_total = None
        st.first_seizure = np.where(lost & (st.first_seizure < 0), w.t, st.first_seizure)


def _price_the_stock(c: Run, st: PathState, w: StepWork) -> None:
    """Phase 2: the mNAV, the balance sheet at the start of the step, the share price."""
    # 2. mNAV (every visited event step) and the share price (when something needs it)
    if st.debt_total is None:
        st.debt_total = ordered_sum(st.out[: st.issued.first]) + st.issued.debt
        st.conv_total = None  # the company's conversion shares, summed again when needed
    if st.pref_total is None:
        st.pref_total = ordered_sum(st.notional)
    if c.constant_mnav is not None:
        w.mnav = c.constant_mnav
    else:
        w.mnav = c.premium.mnav(
            PremiumState(
                step=w.t,
                date=c.plan.dates[w.t],
                years=float(c.plan.years[w.t]),
                asset_price=w.price,
                peak=st.peak,
                units=_view(st.units, c.n),
                cash=_view(st.cash, c.n),
                debt=_view(st.debt_total, c.n),
                preferred=_view(st.pref_total, c.n),
                shares=_view(st.shares, c.n),
            )
        )
    # the share price is that of the start of the step (after margin calls)
    w.start_units, w.start_cash, w.start_shares = st.units, st.cash, st.shares
    w.start_debt, w.start_pref = st.debt_total, st.pref_total
    w.start_out = st.out[: st.issued.first]
    w.start_conv = st.issued.conv
    w.threshold = None  # the accretive share price, when needed
    w.share_price = None
    w.start_value = None
    if w.ev is not None and (w.ev.calls or w.ev.conv_maturities or w.ev.puts):
        _ensure_share_price(w, st)
    w.tdays = float(c.plan.trading_days[w.t])


def _interest(c: Run, st: PathState, w: StepWork) -> None:
    """Phase 3: interest on what is outstanding at the start of the step."""
    assert w.ev is not None
    # 3. interest on what is outstanding at the start of the step
    for k, amount, sched in w.ev.coupons:
        w.interest_due = w.interest_due + amount * (st.out[k] / sched)
    # principal of each debt already falling due on this step (calls, puts, springing):
    # a later claim on the same debt (two put dates in one step, a put after a cash
    # call, two springing clauses) only gets what the earlier ones left
    w.claimed = {}


def _issuer_calls(c: Run, st: PathState, w: StepWork) -> None:
    """Phase 4: issuer calls of convertibles (conversion, or cash)."""
    assert w.ev is not None
    # 4. issuer calls
    for k, accrued in w.ev.calls:
        d = st.debts[k]
        called = (w.share_price >= d.call_threshold) & (st.out[k] > 0.0)
        if not np.any(called):
            continue
        conv = called & (w.share_price >= d.call_price * d.conversion_price)
        new_shares = np.where(conv, st.out[k] * d.shares_per_principal, 0.0)
        st.shares = st.shares + new_shares
        st.shares_converted = st.shares_converted + new_shares
        st.out[k] = np.where(conv, 0.0, st.out[k])
        st.debt_total = None
        cash_call = called & ~conv
        if np.any(cash_call):
            owed = np.where(cash_call, _unclaimed(st.out, w.claimed, k), 0.0)
            _redeem(w, k, owed, price=d.call_price, accrued=accrued, principal=d.principal)


def _redeem(
    w: StepWork, k: int, owed: FloatArray, *, price: float, accrued: float, principal: float
) -> None:
    """Debt ``k`` redeemed early for cash (an issuer call or a holder put): ``owed`` of its
    principal at ``price`` per unit plus accrued interest falls due this step and is retired."""
    w.principal_due = w.principal_due + price * owed
    w.interest_due = w.interest_due + accrued * (owed / principal)
    w.retire.append((k, owed))
    _claim(w.claimed, k, owed)


def _maturities(c: Run, st: PathState, w: StepWork) -> None:
    """Phase 5: convertibles at maturity: shares if in the money, else cash."""
    assert w.ev is not None
    # 5. convertibles at maturity: shares if in the money, else cash
    for k in w.ev.conv_maturities:
        d = st.debts[k]
        conv = w.share_price >= d.conversion_price
        new_shares = np.where(conv, st.out[k] * d.shares_per_principal, 0.0)
        st.shares = st.shares + new_shares
        st.shares_converted = st.shares_converted + new_shares
        if k >= st.issued.first:
            st.issued.debt = st.issued.debt - np.where(conv, st.out[k], 0.0)
            st.issued.conv = st.issued.conv - new_shares
        st.out[k] = np.where(conv, 0.0, st.out[k])
        st.debt_total = None
        w.principal_due = w.principal_due + st.out[k]
        w.retire.append((k, st.out[k]))


def _holder_puts(c: Run, st: PathState, w: StepWork) -> None:
    """Phase 6: holder puts."""
    assert w.ev is not None
    # 6. holder puts
    if c.policy.holder_puts != "never":
        for k, accrued in w.ev.puts:
            d = st.debts[k]
            remaining = _unclaimed(st.out, w.claimed, k)
            if c.policy.holder_puts == "always":
                owed = remaining
            else:
                owed = np.where(w.share_price < d.put_price * d.conversion_price, remaining, 0.0)
            _redeem(w, k, owed, price=d.put_price, accrued=accrued, principal=d.principal)


def _springing(c: Run, st: PathState, w: StepWork) -> None:
    """Phase 7: springing maturities of secured notes."""
    assert w.ev is not None
    # 7. springing maturities
    w.released = []
    if c.policy.springing != "best":
        for k, ref, multiple, minimum, ref_acc, ref_principal, own_acc in w.ev.springs:
            if c.policy.springing == "worst":
                owed = _unclaimed(st.out, w.claimed, k)
            else:
                if ref >= 0:
                    ref_out = st.out[ref]
                    need = ref_out + ref_acc * (ref_out / ref_principal)
                else:
                    ref_out = st.notional[-1 - ref]
                    need = ref_out
                springs = st.cash + st.free * w.price < multiple * need
                if minimum > 0.0:
                    springs = springs & (ref_out >= minimum)
                owed = np.where(springs, _unclaimed(st.out, w.claimed, k), 0.0)
            w.principal_due = w.principal_due + owed
            w.interest_due = w.interest_due + own_acc * (owed / st.debts[k].principal)
            w.retire.append((k, owed))
            _claim(w.claimed, k, owed)
            w.released.append((k, owed > 0.0))


def _scheduled_principal(c: Run, st: PathState, w: StepWork) -> None:
    """Phase 8: maturities of other debt and amortization; pledges freed."""
    assert w.ev is not None
    # 8. scheduled principal of other debt
    for k in w.ev.maturities:
        w.principal_due = w.principal_due + st.out[k]
        w.retire.append((k, st.out[k]))
        if k in st.pledged:
            w.released.append((k, st.out[k] > 0.0))
    for k, amount, sched in w.ev.amortizations:
        owed = amount * (st.out[k] / sched)
        w.principal_due = w.principal_due + owed
        w.retire.append((k, owed))
    # coins pledged to debt repaid in full on this step can be sold to repay it
    for k, mask in w.released:
        freed = np.where(mask, st.pledged[k], 0.0)
        st.free = st.free + freed
        st.pledged[k] = st.pledged[k] - freed


def _dividends_due(c: Run, st: PathState, w: StepWork) -> None:
    """Phase 9: preferred dividends due (skipped, deferred or paid in shares)."""
    assert w.ev is not None
    # 9. dividends
    for j, rate_sum, periods in w.ev.dividends:
        p = st.prefs[j]
        if j in st.per_period:  # a series sold on the paths: its own dividend amounts
            regular = st.per_period[j][0] * float(periods) + st.per_period[j][1]
            st.per_period[j][1] = 0.0
        else:
            regular = st.notional[j] * rate_sum
        if p.cumulative:
            owed = st.arrears[j]
            if p.unpaid_rate is not None and not _zero(owed):
                growth = 1.0 + st.crate[j] / p.frequency
                for _ in range(periods):
                    owed = owed * growth
            # 0.0 + regular is regular (never -0.0: a product of non-negative numbers)
            owed = regular if _zero(owed) else owed + regular
            level = c.policy.defer_cumulative_below_mnav
        else:
            owed = regular
            level = c.policy.skip_noncumulative_below_mnav
        payable = owed
        if level is not None:
            payable = np.where(np.less(w.mnav, level), 0.0, owed)
        in_shares: Any = 0.0
        if p.in_shares and c.div_floor is not None:
            _ensure_share_price(w, st)
            by_shares = w.share_price >= c.div_floor
            in_shares = np.where(by_shares, payable, 0.0)
            payable = np.where(by_shares, 0.0, payable)
        w.owed_div.append((j, owed, payable, periods, in_shares))


def _fund(c: Run, st: PathState, w: StepWork) -> None:
    """Phase 10: the funding waterfall: cash, the channels in order, the cash reserve."""
    w.debt_due = w.principal_due + w.interest_due
    if not _zero(w.opex_due):  # an operating burn: due like debt service
        w.debt_due = w.debt_due + w.opex_due
    # ordered_sum from its first term: 0.0 + payable is payable (never -0.0: a dividend is a
    # product or sum of non-negative amounts, or 0.0 where it is not paid in cash)
    payables = [payable for _, _, payable, _, _ in w.owed_div]
    w.div_due = ordered_sum(payables[1:], payables[0]) if payables else 0.0

    # 10. the funding waterfall: each source serves debt first, then dividends
    w.du = w.debt_due  # debt not yet covered
    w.vu = w.div_due  # dividends not yet covered
    avail = st.cash if c.floor == 0.0 else np.maximum(st.cash - c.floor, 0.0)  # cash >= 0
    x: Any = 0.0
    # No cash above the floor on any path (the number 0.0): cash pays min(0, owed) = 0 of
    # each, and what is owed and the cash stay the same numbers, so the payments are skipped.
    if not _zero(w.du) and not _zero(avail):
        x = np.minimum(avail, w.du)
        w.du = w.du - x
    if not _zero(w.vu) and not _zero(avail):
        # with no debt due x is the untouched 0.0, and cash - 0.0 is cash (cash is never
        # -0.0): the subtraction is skipped
        y = np.minimum(avail if _zero(x) else avail - x, w.vu)
        w.vu = w.vu - y
        st.cash = (st.cash if _zero(x) else st.cash - x) - y
    elif not _zero(x):
        st.cash = st.cash - x
    if type(st.cash) is np.ndarray and not st.cash.any():
        # the cash is spent on every path: kept as the number 0.0 from now on (the same
        # numbers: cash less at most itself is +0.0, never -0.0)
        st.cash = 0.0
    w.e = 0.0
    w.raw_cap = None
    w.pf = 0.0
    left = _positive(w.du) or _vu_positive(w)
    # The sources below run on every path once any path still owes something: on a path
    # that owes nothing they add exactly 0 because every capacity is >= 0 (shares and
    # outstanding principal never go negative, since a debt falls due at most once a step).
    w.new_notes = []
    w.new_pref = []
    for position, channel in enumerate(c.channels if left else ()):
        if channel == "common":
            _from_common(c, st, w)
        elif channel == "preferred":
            _from_preferred_atm(c, st, w)
        elif channel == "coins":
            _from_coins(c, st, w)
        elif isinstance(channel, PreferredAtm):
            _from_series_atm(c, w, position, channel)
        elif isinstance(channel, TermLoanIssuance):
            _from_loans(c, st, w, position, channel)
        elif isinstance(channel, ConvertibleIssuance):
            _from_notes(c, st, w, position, channel)
        elif isinstance(channel, PreferredIssuance):
            _from_new_preferred(c, st, w, position, channel)
        else:
            _from_user_channel(c, st, w, channel)
    if left and c.floor > 0.0:  # the cash below the floor, for debt only
        x = np.minimum(st.cash, w.du)
        w.du = w.du - x
        st.cash = st.cash - x


def _serve(w: StepWork, cap: Any) -> Any:
    """What a source with capacity ``cap`` (>= 0 on every path) raises: first for the debt
    not yet covered, ``x = min(cap, du)``, then for the dividends, ``min(cap - x, vu)``.

    With no debt left to cover (``du`` the untouched 0.0, as on the steps with dividends
    only), ``x`` is 0 on every path, ``cap - x`` is ``cap`` and ``x + y`` is ``y`` (never
    -0.0: both are >= 0), so the debt's part is skipped and ``du`` stays the number 0.0 (the
    same numbers, and the later phases keep their shortcuts for no debt).
    """
    w.du, w.vu, raised = _split(cap, w.du, w.vu)
    return raised


def _split(cap: Any, du: Any, vu: Any) -> tuple[Any, Any, Any]:
    """What a capacity ``cap`` raises for debt ``du`` and then dividends ``vu`` not yet
    covered (on every path, or on some paths' parts of them): the debt and dividends left
    and the amount raised, ``x = min(cap, du)`` then ``y = min(cap - x, vu)``, ``x + y``;
    the debt's part skipped when ``du`` is the untouched 0.0 (see :func:`_serve`)."""
    if _zero(du):
        y = np.minimum(cap, vu)
        return du, vu - y, y
    x = np.minimum(cap, du)
    y = np.minimum(cap - x, vu)
    return du - x, vu - y, x + y


def _from_common(c: Run, st: PathState, w: StepWork) -> None:
    """New common shares at the market, behind the equity gate."""
    if not c.issue:
        return
    _ensure_share_price(w, st)
    if c.accretion:
        w.threshold = _accretive(c, st, w)
        if _few_common(c, st, w, w.share_price >= w.threshold):
            return
    w.raw_cap = c.turnover * w.tdays * (w.start_shares * w.share_price)
    cap: Any
    if c.accretion:
        cap = np.where(w.share_price >= w.threshold, w.raw_cap, 0.0)
    elif c.constant_mnav is not None:
        cap = w.raw_cap if c.constant_mnav >= c.policy.min_mnav_to_issue else 0.0
    else:
        cap = np.where(np.greater_equal(w.mnav, c.policy.min_mnav_to_issue), w.raw_cap, 0.0)
    w.e = _serve(w, cap)


def _few_common(c: Run, st: PathState, w: StepWork, open_: Any) -> bool:
    """New common shares when the gate is open on few paths (under a quarter): the same
    arithmetic as :func:`_from_common`, on those paths only (elsewhere the capacity is 0 and
    nothing changes). Returns False, doing nothing, when the gate is open more widely."""
    if np.ndim(open_) != 1 or np.ndim(w.share_price) != 1:
        return False
    idx = open_.nonzero()[0]  # np.flatnonzero's answer on a 1-D mask, without its wrappers
    if 4 * idx.size >= c.n:
        return False
    w.raw_cap = None  # the flywheel computes it on every path if it needs it
    if not idx.size:
        w.e = 0.0
        return True
    cap = c.turnover * w.tdays * (_at(w.start_shares, idx) * w.share_price[idx])
    no_debt = _zero(w.du)  # no debt left: the dividends only, as in _serve
    du, vu, part = _split(cap, w.du if no_debt else _at(w.du, idx), _at(w.vu, idx))
    if not no_debt:
        w.du = _put(w.du, idx, du, c.n)
    old = w.vu
    w.vu = _put(old, idx, vu, c.n)
    if w.vu_seen is old and w.vu_count > idx.size:
        # still owed on a path outside idx, which this left alone: still positive somewhere
        w.vu_seen, w.vu_count = w.vu, w.vu_count - idx.size
    w.e_idx, w.e_part = idx, part  # _settle adds the new shares on these paths only
    w.e = None  # on every path (0 elsewhere) when the flywheel asks: _raised_by_common
    return True


def _raised_by_common(c: Run, w: StepWork) -> Any:
    """What new common shares raised on this step, on every path (an array made from the
    few paths of _few_common, 0.0 elsewhere, when it was kept as those paths only)."""
    if w.e is None:
        w.e = np.zeros(c.n)
        w.e[w.e_idx] = w.e_part
    return w.e


def _any(mask: Any) -> bool:
    """``bool(np.any(mask))``, without ``np.any``'s dispatch on an array (the method gives
    the same answer, faster on the engine's small arrays)."""
    if type(mask) is bool:  # a comparison of floats (nothing on any path is an array)
        return mask
    return bool(mask.any()) if isinstance(mask, np.ndarray) else bool(np.any(mask))


def _add_at(total: Any, idx: IntArray, part: FloatArray, n: int) -> FloatArray:
    """A running total that only the path state holds, with ``part`` added at the paths
    ``idx``: in place once it is an array (the same numbers as ``_put(total, idx,
    total[idx] + part, n)``, without copying the other paths)."""
    if not _temporary(total):
        return _put(total, idx, _at(total, idx) + part, n)
    owned: FloatArray = total
    owned[idx] = owned[idx] + part
    return owned


def _vu_positive(w: StepWork) -> bool:
    """``_positive(w.vu)``, remembered for the array it was asked of (the dividends not yet
    covered are replaced, never changed in place, so the answer holds while it is the same
    object): the waterfall asks it before the channels and the coins again after them."""
    if w.vu_seen is not w.vu:
        vu = w.vu
        w.vu_count = int(np.count_nonzero(vu > 0.0)) if isinstance(vu, np.ndarray) else -1
        w.vu_seen, w.vu_positive = vu, w.vu_count > 0 if w.vu_count >= 0 else _positive(vu)
    return w.vu_positive


def _temporary(value: Any) -> bool:
    """Whether ``value`` is an array of the paths' float64 amounts: used for the running
    totals that only the path state holds (a float until the first array is added, a new
    array then), which are then added to in place."""
    return type(value) is np.ndarray and value.dtype == np.float64 and value.ndim == 1


def _positive(value: Any) -> bool:
    """Whether any element of ``value`` (a float or an array) is above 0."""
    return _any(value > 0.0)


def _few(mask: Any, n: int) -> IntArray | None:
    """The paths where ``mask`` (shape (n,)) holds when they are few (under a quarter), for
    arithmetic on those paths only; None when they are not few (whole-array arithmetic)."""
    idx = (
        mask.nonzero()[0]
        if isinstance(mask, np.ndarray) and mask.ndim == 1
        else np.flatnonzero(mask)
    )
    return idx if 4 * idx.size < n else None


def _put(value: Any, idx: IntArray, part: FloatArray, n: int) -> FloatArray:
    """A copy of ``value`` (a float or an array of shape (n,)) with ``part`` at ``idx``."""
    if isinstance(value, np.ndarray) and value.shape == (n,) and value.dtype == np.float64:
        out = value.copy()
    else:
        out = np.full(n, value, dtype=np.float64)
    out[idx] = part
    return out


def _from_preferred_atm(c: Run, st: PathState, w: StepWork) -> None:
    """The preferred series sold at the market (``preferred_series``)."""
    if c.target_pref < 0:
        return
    capp = np.where(
        np.greater_equal(w.mnav, c.policy.min_mnav_to_issue_preferred),
        c.policy.preferred_daily_capacity * w.tdays * c.policy.preferred_price,
        0.0,
    )
    w.pf = _serve(w, capp)


def _from_series_atm(c: Run, w: StepWork, position: int, channel: PreferredAtm) -> None:
    """A preferred series' own at-the-market program (a :class:`PreferredAtm` channel)."""
    capp = np.where(
        np.greater_equal(w.mnav, channel.min_mnav),
        channel.daily_capacity * w.tdays * channel.price,
        0.0,
    )
    w.atm.append((c.atm_series[position], _serve(w, capp), channel.price))


def _from_loans(
    c: Run, st: PathState, w: StepWork, position: int, channel: TermLoanIssuance
) -> None:
    """New term loans against free coins (a :class:`TermLoanIssuance` channel): the coins
    pledged leave the free coins at once, so a later channel cannot sell them."""
    year = c.plan.dates[w.t].year
    if st.budget_year.get(position) != year:
        st.capacity_left[position] = channel.capacity_per_year
        st.budget_year[position] = year
    capl = np.minimum(st.capacity_left[position], channel.origination_ltv * st.free * w.price)
    raised = _serve(w, capl)
    st.capacity_left[position] = st.capacity_left[position] - raised
    # raised <= ltv x free x price, but the division can round the pledge above the free coins
    pledge = np.minimum(raised / (channel.origination_ltv * w.price), st.free)
    st.free = st.free - pledge
    w.new_loans.append((channel, raised, pledge))


def _from_coins(c: Run, st: PathState, w: StepWork) -> None:
    """One sale of coins for what is left (of the dividends too, if the policy says so)."""
    if not c.policy.sell_asset:
        return
    td = w.du
    # No debt left to serve (the untouched 0.0, as on most steps with dividends only): the
    # target is the dividends (0.0 + vu is vu: vu is never -0.0), the debt paid is 0 on
    # every path (min(proceeds, 0.0) with proceeds >= 0) and the debt left stays 0.0, the
    # same numbers the arithmetic gives.
    no_debt = _zero(td)
    dividends_too = c.policy.sell_asset_for_dividends
    target = (w.vu if no_debt else w.du + w.vu) if dividends_too else w.du
    if _vu_positive(w) if target is w.vu else _positive(target):
        if c.a == 0.0:
            # the free units are the units of the step's start (nothing pledged, nothing sold
            # yet): their value is the one the share price read
            r_max = _start_value(w) if st.free is w.start_units else st.free * w.price
        else:
            r_max = st.free * w.price / (1.0 + c.a * np.sqrt(st.free))
        # short of coins: not (target <= r_max), which is target > r_max (neither is NaN)
        lacking = target > r_max
        short = _few(lacking, c.n) if isinstance(lacking, np.ndarray) else None
        proceeds: Any
        if short is not None:
            # Coins enough on most paths (the usual case): np.where(enough, a, b) is a
            # elsewhere, so a is computed on every path and b put on the paths short of coins
            # (the same operations on the same numbers); what is left of the dividends is 0.0
            # where coins were enough.
            q = np.minimum(_sell_units(target, w.price, c.a), st.free)  # a new array
            q[short] = _at(st.free, short)
            r_short = _at(r_max, short)
            # the proceeds: the target, r_max on the paths short of coins (built only when
            # read: with no debt, the running total of proceeds is added to in place)
            proceeds = None
            if not (no_debt and _temporary(st.sale_proceeds)):
                proceeds = _put(target, short, r_short, c.n)
            paid_d = 0.0 if no_debt else np.minimum(proceeds, td)
            if c.policy.sell_asset_for_dividends:
                vu: Any = 0.0  # every path with coins enough: nothing left
                if short.size:
                    left = np.maximum(_at(w.vu, short) - (r_short - _at(paid_d, short)), 0.0)
                    # nothing left on the paths short of coins either: one number 0.0
                    vu = _collapsed(left)
                    if vu is left:
                        vu = np.zeros(c.n)
                        vu[short] = left
                        w.vu_paths = (vu, short)  # 0 but on these paths
                w.vu = vu
            w.du = td if no_debt else td - paid_d
        else:
            # (where nothing is sold the target is 0: q and proceeds come out 0)
            enough = ~lacking
            q = np.where(enough, np.minimum(_sell_units(target, w.price, c.a), st.free), st.free)
            proceeds = np.where(enough, target, r_max)
            paid_d = 0.0 if no_debt else np.minimum(proceeds, td)
            w.du = td if no_debt else td - paid_d
            if c.policy.sell_asset_for_dividends:
                w.vu = np.where(enough, 0.0, np.maximum(w.vu - (proceeds - paid_d), 0.0))
        _both_units(st, q, add=False)
        st.sold = st.sold + q
        if proceeds is None:  # only the state holds this running total: added in place
            assert short is not None
            before = st.sale_proceeds[short]
            np.add(st.sale_proceeds, target, out=st.sale_proceeds)
            st.sale_proceeds[short] = before + r_short
        else:
            st.sale_proceeds = st.sale_proceeds + proceeds
        if c.a != 0.0:
            st.factor = st.factor / (1.0 + c.phi * (c.a * np.sqrt(q)))
        if not st.all_sold:
            _first_sales(st, w.t, q if np.shape(q) == (c.n,) else np.broadcast_to(q, (c.n,)))


def _both_units(st: PathState, q: Any, *, add: bool) -> None:
    """``q`` added to (or taken from) the units and the free units alike: one sum when they
    are one object (nothing pledged), which they stay; two otherwise."""
    if st.free is st.units:
        st.units = st.free = st.units + q if add else st.units - q
    else:
        st.units = st.units + q if add else st.units - q
        st.free = st.free + q if add else st.free - q


def _first_sales(st: PathState, t: int, q: FloatArray) -> None:
    """Mark step ``t`` as the first sale of the paths that sold ``q > 0`` for the first time;
    only the paths that have not sold yet (``st.unsold``, fewer as the run goes) are read."""
    if st.unsold is None:  # no path has sold before
        hit = q > 0.0
        if not hit.any():
            return
        st.first_sale = np.where(hit, t, -1)
        st.unsold = np.flatnonzero(~hit)
    else:
        hit = q[st.unsold] > 0.0
        if not hit.any():
            return
        st.first_sale[st.unsold[hit]] = t
        st.unsold = st.unsold[~hit]
    st.all_sold = st.unsold.size == 0


def _from_notes(
    c: Run, st: PathState, w: StepWork, position: int, channel: ConvertibleIssuance
) -> None:
    """New convertible notes (a :class:`ConvertibleIssuance` channel)."""
    _ensure_share_price(w, st)
    year = c.plan.dates[w.t].year
    if st.budget_year.get(position) != year:
        st.capacity_left[position] = channel.capacity_per_year
        st.budget_year[position] = year
    capn = np.where(
        (w.share_price >= channel.min_share_price) & np.greater_equal(w.mnav, channel.min_mnav),
        st.capacity_left[position],
        0.0,
    )
    raised = _serve(w, capn)
    st.capacity_left[position] = st.capacity_left[position] - raised
    w.new_notes.append((channel, raised))


def _from_new_preferred(
    c: Run, st: PathState, w: StepWork, position: int, channel: PreferredIssuance
) -> None:
    """A new preferred series (a :class:`PreferredIssuance` channel)."""
    _ensure_share_price(w, st)
    year = c.plan.dates[w.t].year
    if st.budget_year.get(position) != year:
        st.capacity_left[position] = channel.capacity_per_year
        st.budget_year[position] = year
    rating = _btc_rating(w)
    rate: Any = channel.rate
    if channel.rating_for_rate is not None:
        rate = channel.rate + channel.widening * np.maximum(channel.rating_for_rate - rating, 0.0)
    open_ = (
        (rating >= channel.min_rating)
        & np.less_equal(rate, channel.max_rate)
        & (w.share_price >= channel.min_share_price)
        & np.greater_equal(w.mnav, channel.min_mnav)
    )
    capq = np.where(open_, st.capacity_left[position], 0.0)
    raised = _serve(w, capq)
    st.capacity_left[position] = st.capacity_left[position] - raised
    w.new_pref.append((position, channel, raised, rate))


def _from_user_channel(c: Run, st: PathState, w: StepWork, channel: Any) -> None:
    """A user's channel (a :class:`FundingChannel`): cash with no later obligation."""
    _ensure_share_price(w, st)
    state = ChannelState(
        step=w.t,
        date=c.plan.dates[w.t],
        asset_price=_view(w.price, c.n),
        share_price=_view(w.share_price, c.n),
        mnav=_view(w.mnav, c.n),
        units=_view(w.start_units, c.n),
        cash=_view(w.start_cash, c.n),
        debt=_view(w.start_debt, c.n),
        preferred=_view(w.start_pref, c.n),
        shares=_view(w.start_shares, c.n),
        units_per_share=_full(w.start_units / _diluted(c, st, w), c.n),
        btc_rating=_full(_btc_rating(w), c.n),
        owed=_full(w.du + w.vu, c.n),
    )
    capo = channel_amount(channel, channel.available(state), c.n)
    st.other_raised = st.other_raised + _serve(w, capo)


def _settle(c: Run, st: PathState, w: StepWork) -> None:
    """Phase 10, continued: shares and preferred sold, debt paid (pro rata on a default),
    securities sold on the paths put on the calendar."""
    w.failed = w.du > 0.0
    w.any_failed = _any(w.failed)
    if w.e_idx is not None:
        # the shares sold on the few paths where the gate was open (_few_common): elsewhere
        # w.e is 0.0, the new shares 0.0 / share price = 0.0, and adding 0.0 changes nothing
        # (these sums are never -0.0), so only those paths are computed
        idx = w.e_idx
        new = w.e_part / w.share_price[idx]
        st.shares = _put(st.shares, idx, _at(st.shares, idx) + new, c.n)
        st.shares_issued = _add_at(st.shares_issued, idx, new, c.n)
        st.equity_raised = _add_at(st.equity_raised, idx, w.e_part, c.n)
    elif not _zero(w.e):
        new = w.e / w.share_price
        st.shares = st.shares + new
        st.shares_issued = st.shares_issued + new
        st.equity_raised = st.equity_raised + w.e
    if not _zero(w.pf):
        st.notional[c.target_pref] = st.notional[c.target_pref] + w.pf / c.policy.preferred_price
        st.pref_total = None
        st.pref_raised = st.pref_raised + w.pf
    for j, raised, price in w.atm:
        st.notional[j] = st.notional[j] + raised / price
        st.pref_total = None
        st.pref_raised = st.pref_raised + raised

    if w.any_failed:
        ratio: Any = np.where(
            w.failed, (w.debt_due - w.du) / np.where(w.failed, w.debt_due, 1.0), 1.0
        )
        st.interest_paid = st.interest_paid + w.interest_due * ratio
        st.principal_paid = st.principal_paid + w.principal_due * ratio
        for k, owed in w.retire:
            part = owed * ratio
            st.out[k] = st.out[k] - part
            if k >= st.issued.first:
                st.issued.retire(part, st.debts[k].shares_per_principal)
    else:
        # nothing due is the untouched 0.0, and adding 0.0 to these sums (never -0.0: they
        # start at +0.0) changes no number, so it is skipped
        if not _zero(w.interest_due):
            st.interest_paid = st.interest_paid + w.interest_due
        if not _zero(w.principal_due):
            st.principal_paid = st.principal_paid + w.principal_due
        for k, owed in w.retire:
            # all of it (a maturity): x - x is +0.0 on every path, kept as the number 0.0
            st.out[k] = 0.0 if owed is st.out[k] else st.out[k] - owed
            if k >= st.issued.first:
                st.issued.retire(owed, st.debts[k].shares_per_principal)
    if w.retire:
        st.debt_total = None
    for channel, raised in w.new_notes:
        if not np.any(raised > 0.0):
            continue
        k = len(st.debts)
        cp = w.share_price * (1.0 + channel.conversion_premium)
        tranche = schedule_note_tranche(channel, k, w.t, cp, c.plan, c.ordinals, st.extra, st.heap)
        st.debts.append(tranche)
        st.out.append(raised)
        st.issued.debt = st.issued.debt + raised
        st.issued.conv = st.issued.conv + raised * tranche.shares_per_principal
        st.debt_total = None
        st.notes_issued = st.notes_issued + raised
        st.notes_coupons = st.notes_coupons + raised * channel.coupon
        st.notes_premiums = st.notes_premiums + raised * channel.conversion_premium
    for position, pchannel, raised, rate in w.new_pref:
        if not np.any(raised > 0.0):
            continue
        ends = period_ends(c.plan.dates[w.t], pchannel.frequency, c.plan.dates[-1])
        if position not in st.series:
            j = st.series[position] = len(st.prefs)
            st.prefs.append(
                Pref(
                    name=pchannel.name,
                    notional=0.0,
                    frequency=pchannel.frequency,
                    cumulative=pchannel.cumulative,
                    unpaid_rate=None,
                    unpaid_step=0.0,
                    unpaid_cap=math.inf,
                )
            )
            st.notional.append(0.0)
            st.arrears.append(0.0)
            st.crate.append(0.0)
            st.per_period[j] = [0.0, 0.0]
            schedule_dividends(j, ends, c.ordinals, st.extra, st.heap)
        j = st.series[position]
        st.notional[j] = st.notional[j] + raised
        per = raised * rate / pchannel.frequency
        st.per_period[j][0] = st.per_period[j][0] + per
        if ends:  # the first period counts from the sale
            st.per_period[j][1] = st.per_period[j][1] + (per * ends[0][1] - per)
        st.pref_total = None
        st.pref_issued = st.pref_issued + raised
        st.pref_rates = st.pref_rates + raised * rate
    for lchannel, raised, pledge in w.new_loans:
        if not np.any(raised > 0.0):
            continue
        k = len(st.debts)
        st.debts.append(
            schedule_loan_tranche(lchannel, k, w.t, c.plan, c.ordinals, st.extra, st.heap)
        )
        st.out.append(raised)
        st.pledged[k] = pledge
        st.margined[k] = True
        st.loan_tranches.append(k)
        st.issued.debt = st.issued.debt + raised
        st.debt_total = None
        st.loans_issued = st.loans_issued + raised
        st.loan_rates = st.loan_rates + raised * lchannel.rate


def _pay_dividends(c: Run, st: PathState, w: StepWork) -> None:
    """Phase 11: dividends paid; what stays uncovered falls on the most junior series."""
    # 11. dividends: what stays uncovered falls on the most junior series first
    if w.owed_div:
        paid_total: Any = 0.0
        few = None
        if w.vu_paths is not None and w.vu_paths[0] is w.vu:
            # what the coins left uncovered, 0 but on the paths they fell short on: the
            # paths where it is > 0 are found among those (np.flatnonzero(w.vu > 0.0))
            short = w.vu_paths[1]
            few = short[w.vu[short] > 0.0]
            covered = not few.size
            if covered or 4 * few.size >= c.n:
                few = None
        else:
            uncovered = w.vu > 0.0
            covered = not _any(uncovered)  # then every payable dividend is paid in full
            # Dividends left uncovered on few paths (under a quarter): elsewhere w.vu is 0
            # (it is never negative), the shortfall min(payable, 0) is 0 and paid = payable
            # - 0 = payable exactly, so the shortfall is computed on those paths only.
            if not covered and isinstance(w.vu, np.ndarray) and w.vu.shape == (c.n,):
                few = _few(uncovered, c.n)
        if few is not None:
            vu_few = w.vu[few]
        in_shares_total: Any = 0.0
        # Dividends paid short on few paths, all in cash, each owed what is payable: what
        # is paid differs from what is payable on those paths only, and so do the arrears
        # and their rate (0 elsewhere), so these are computed there (_few_paths_short).
        if (
            few is not None
            and st.credit is None
            and _temporary(st.dividends_paid)
            and all(o is pay and _zero(sh) for _, o, pay, _, sh in w.owed_div)
        ):
            _few_paths_short(c, st, w, few, vu_few)
            return
        for j, owed, payable, periods, in_shares in reversed(w.owed_div):
            if covered:
                paid = payable
            elif few is not None:
                payable_few = _at(payable, few)
                short = np.minimum(payable_few, vu_few)
                vu_few = vu_few - short
                paid = _put(payable, few, payable_few - short, c.n)
            else:
                short = np.minimum(payable, w.vu)
                w.vu = w.vu - short
                paid = payable - short
            # 0.0 + paid is paid (never -0.0: payable minus at most itself)
            paid_total = paid if _zero(paid_total) else paid_total + paid
            if not _zero(in_shares):
                in_shares_total = in_shares_total + in_shares
                paid = paid + in_shares
            if st.credit is not None:  # a dividend missed, deferred or skipped
                st.credit.dividend(w.t, j, owed, paid)
            p = st.prefs[j]
            if not p.cumulative:
                continue
            before = st.arrears[j]
            # paid in full (paid is owed: x - x is 0 on every path) or not, path by path
            unpaid = 0.0 if paid is owed else owed - paid
            if not _any(unpaid != 0.0):
                # Nothing unpaid on any path: the arrears are 0 and so is the unpaid rate
                # (np.where(unpaid > 0.0, ..., 0.0)), kept as the scalar 0.0 so that the
                # next dividends skip their growth (the same numbers: unpaid is never -0.0,
                # a difference of non-negative amounts with paid <= owed).
                st.arrears[j] = 0.0
                if p.unpaid_rate is not None:
                    st.crate[j] = 0.0
                continue
            st.arrears[j] = unpaid
            if p.unpaid_rate is not None:
                first_rate = p.unpaid_rate
                for _ in range(periods - 1):
                    first_rate = min(first_rate + p.unpaid_step, p.unpaid_cap)
                stepped = st.crate[j]
                for _ in range(periods):
                    stepped = np.minimum(stepped + p.unpaid_step, p.unpaid_cap)
                st.crate[j] = np.where(
                    unpaid > 0.0, np.where(before > 0.0, stepped, first_rate), 0.0
                )
        if few is not None:
            w.vu = _put(w.vu, few, vu_few, c.n)
        st.dividends_paid = st.dividends_paid + paid_total
        if not _zero(in_shares_total):
            new = in_shares_total / w.share_price
            st.shares = st.shares + new
            st.dividend_shares = st.dividend_shares + new
            st.dividends_in_shares = st.dividends_in_shares + in_shares_total


def _few_paths_short(c: Run, st: PathState, w: StepWork, few: IntArray, vu_few: Any) -> None:
    """The dividends of :func:`_pay_dividends` when they are paid short on the paths ``few``
    only (``vu_few``: what is uncovered there), each owed what is payable, in cash: the
    numbers of the whole-array arithmetic on every path.

    Each series, the most junior first, is paid ``payable`` but on ``few``, where it takes
    its shortfall from what is uncovered. The running total of dividends paid (held by the
    state only) gets the sum of the payables in place, and the sum of what was paid on
    ``few``: the same sums in the same order (a sum starts from its first term, and no
    amount is -0.0). Elsewhere ``owed - paid`` is ``x - x = 0``, so a series' arrears are 0
    there, and so is their rate; on ``few`` they are computed as on every path.
    """
    payables: Any = 0.0
    paid_few: Any = 0.0
    for j, _, payable, periods, _ in reversed(w.owed_div):
        payable_few = _at(payable, few)
        short = np.minimum(payable_few, vu_few)
        vu_few = vu_few - short
        paid = payable_few - short
        payables = payable if _zero(payables) else payables + payable
        paid_few = paid if _zero(paid_few) else paid_few + paid
        p = st.prefs[j]
        if p.cumulative:
            _arrears_on_few(c, st, j, p, payable_few - paid, _at(st.arrears[j], few), few, periods)
    total = st.dividends_paid
    before_total = total[few]
    np.add(total, payables, out=total)
    total[few] = before_total + paid_few
    w.vu = _put(w.vu, few, vu_few, c.n)


def _arrears_on_few(
    c: Run,
    st: PathState,
    j: int,
    p: Pref,
    unpaid: FloatArray,
    before: Any,
    few: IntArray,
    periods: int,
) -> None:
    """Series ``j``'s arrears after a dividend left ``unpaid`` on the paths ``few`` (0
    elsewhere), ``before`` being its arrears there before: as :func:`_pay_dividends` sets
    them on every path."""
    if not _any(unpaid != 0.0):  # nothing unpaid on any path (see _pay_dividends)
        st.arrears[j] = 0.0
        if p.unpaid_rate is not None:
            st.crate[j] = 0.0
        return
    arrears = np.zeros(c.n)
    arrears[few] = unpaid
    st.arrears[j] = arrears
    if p.unpaid_rate is not None:
        first_rate = p.unpaid_rate
        for _ in range(periods - 1):
            first_rate = min(first_rate + p.unpaid_step, p.unpaid_cap)
        stepped = _at(st.crate[j], few)
        for _ in range(periods):
            stepped = np.minimum(stepped + p.unpaid_step, p.unpaid_cap)
        rate = np.zeros(c.n)
        rate[few] = np.where(unpaid > 0.0, np.where(before > 0.0, stepped, first_rate), 0.0)
        st.crate[j] = rate


def _defaults(c: Run, st: PathState, w: StepWork) -> None:
    """Phase 12: paths with debt left unpaid default and are frozen."""
    # 12. defaults: freeze the path
    if w.any_failed:
        newly = w.failed & st.live
        if st.credit is not None:  # what a liquidation would share out, before freezing
            st.credit.default(
                newly,
                price=w.price,
                units=st.units,
                cash=st.cash,
                out=st.out,
                first_issued=st.issued.first,
                notional=st.notional,
                arrears=st.arrears,
                impact=c.a,
            )
        st.default_time = np.where(newly, w.t, st.default_time)
        st.live = st.live & ~w.failed
        _snapshot(
            st.snap,
            newly,
            st.units,
            st.cash,
            st.shares,
            st.out,
            st.notional,
            st.arrears,
            st.debts,
            st.issued,
            c.n,
        )
        if st.fx_reval is not None:  # the snapshot's foreign parts, restated at later rates
            st.fx_reval.freeze(newly, st)
        for k in range(st.issued.first):
            st.out[k] = _frozen(newly, st.out[k])
        for k in st.loan_tranches:  # (margin checks read them on every step)
            st.out[k] = _frozen(newly, st.out[k])
        st.issued.debt = _frozen(newly, st.issued.debt)  # the notes are zeroed when read
        st.issued.conv = _frozen(newly, st.issued.conv)
        for j in range(len(st.prefs)):
            st.notional[j] = _frozen(newly, st.notional[j])
            st.arrears[j] = _frozen(newly, st.arrears[j])
        for amounts in st.per_period.values():
            amounts[0] = _frozen(newly, amounts[0])
            amounts[1] = _frozen(newly, amounts[1])
        # what is now zero on every path (a note repaid on the others) becomes one number
        for k in range(st.issued.first):
            st.out[k] = _collapsed(st.out[k])
        for j in range(len(st.prefs)):
            st.notional[j] = _collapsed(st.notional[j])
            st.arrears[j] = _collapsed(st.arrears[j])
        st.debt_total = st.pref_total = None


def _frozen(newly: Any, value: Any) -> Any:
    """``value`` zeroed on the paths that default now: ``np.where(newly, 0.0, value)``, or
    ``value`` itself when it is the number 0.0 (an amount nothing is left of on any path, a
    matured note or no arrears: zero everywhere already, and kept one number)."""
    return value if _zero(value) else np.where(newly, 0.0, value)


def _collapsed(value: Any) -> Any:
    """The number 0.0 for an array that is +0.0 on every path (the same numbers, and the
    later steps keep their shortcuts for nothing left), else ``value``."""
    if type(value) is np.ndarray and not value.any() and not np.signbit(value).any():
        return 0.0
    return value


def _flywheel(c: Run, st: PathState, w: StepWork) -> None:
    """Phase 13: the flywheel buys the asset with new shares."""
    # 13. the flywheel
    if c.flywheel:
        assert c.policy.buy_asset_above_mnav is not None
        buying = np.greater_equal(w.mnav, c.policy.buy_asset_above_mnav) & st.live
        if np.any(buying) and c.accretion:
            _ensure_share_price(w, st)
            if w.threshold is None:
                w.threshold = _accretive(c, st, w)
            buying = buying & (w.share_price >= w.threshold)
        if np.any(buying):
            _ensure_share_price(w, st)
            if w.raw_cap is None:
                w.raw_cap = c.turnover * w.tdays * (w.start_shares * w.share_price)
            budget = np.where(
                buying,
                c.policy.buy_fraction * np.maximum(w.raw_cap - _raised_by_common(c, w), 0.0),
                0.0,
            )
            if c.a == 0.0:
                q = budget / w.price
                cost = np.minimum(q * w.price, budget)  # never more than raised (rounding)
            else:
                q = budget / (w.price * (1.0 + c.a * np.sqrt(budget / w.price)))
                cost = np.minimum(q * w.price * (1.0 + c.a * np.sqrt(q)), budget)
            new = budget / w.share_price
            st.shares = st.shares + new
            st.shares_issued = st.shares_issued + new
            st.equity_raised = st.equity_raised + budget
            st.purchase_cost = st.purchase_cost + cost
            st.cash = st.cash + (budget - cost)
            _both_units(st, q, add=True)
            st.bought = st.bought + q
            if c.a != 0.0:
                st.factor = st.factor * (1.0 + c.phi * (c.a * np.sqrt(q)))
                if st.peak is not None:
                    np.maximum(st.peak, c.prices[:, w.t] * st.factor, out=st.peak)


def _results(c: Run, st: PathState) -> SimulationResult:
    """The result: live paths from the working state, defaulted ones from their snapshots."""
    # results: live paths from the working state, defaulted ones from their snapshots
    final_price = c.prices[:, c.last_step] * st.factor
    fields = _final_fields(
        st.units, st.cash, st.shares, st.out, st.notional, st.arrears, st.debts, st.issued, c.n
    )
    if st.snap:
        for name, value in fields.items():
            fields[name] = np.where(st.live, value, st.snap[name])
    f_units = fields["final_units"]
    f_cash = fields["final_cash"]
    f_shares = fields["final_shares"]
    nav = (
        f_units * final_price
        + f_cash
        + c.plan.other_assets
        - fields["final_debt"]
        - fields["final_preferred"]
        - fields["unpaid_dividends"]
    )
    sold_shares = _full(st.shares_issued, c.n)
    converted = _full(st.shares_converted, c.n)
    div_shares = _full(st.dividend_shares, c.n)
    diluted = (
        c.plan.initial_diluted
        - ordered_sum([d.conversion_shares for d in st.debts])
        + fields["conversion_left"]
        + sold_shares
        + converted
        + div_shares
    )
    first_sale_arr = _steps(st.first_sale, c.n)
    default_arr = _steps(st.default_time, c.n)
    return SimulationResult(
        dates=c.plan.dates,
        initial_units=c.plan.initial_units,
        initial_cash=c.plan.initial_cash,
        initial_shares=c.plan.initial_shares,
        forced_sale=first_sale_arr >= 0,
        first_forced_sale=first_sale_arr,
        default=default_arr >= 0,
        default_time=default_arr,
        first_seizure=_steps(st.first_seizure, c.n),
        units_sold=_full(st.sold, c.n),
        units_bought=_full(st.bought, c.n),
        units_seized=_full(st.seized, c.n),
        final_units=f_units,
        final_cash=f_cash,
        final_shares=f_shares,
        final_diluted_shares=diluted,
        final_price=_full(final_price, c.n),
        final_debt=fields["final_debt"],
        final_preferred=fields["final_preferred"],
        unpaid_dividends=fields["unpaid_dividends"],
        nav_per_share=nav / f_shares,
        units_per_share=f_units / diluted,
        equity_raised=_full(st.equity_raised, c.n),
        shares_issued=sold_shares,
        shares_converted=converted,
        preferred_raised=_full(st.pref_raised, c.n),
        sale_proceeds=_full(st.sale_proceeds, c.n),
        purchase_cost=_full(st.purchase_cost, c.n),
        interest_paid=_full(st.interest_paid, c.n),
        principal_paid=_full(st.principal_paid, c.n),
        dividends_paid=_full(st.dividends_paid, c.n),
        liquidation_penalty=_full(st.penalty_paid, c.n),
        dividend_shares=div_shares,
        dividends_paid_in_shares=_full(st.dividends_in_shares, c.n),
        notes_issued=_full(st.notes_issued, c.n),
        notes_average_coupon=_average(st.notes_coupons, st.notes_issued, c.n),
        notes_average_premium=_average(st.notes_premiums, st.notes_issued, c.n),
        other_raised=_full(st.other_raised, c.n),
        preferred_issued=_full(st.pref_issued, c.n),
        preferred_average_rate=_average(st.pref_rates, st.pref_issued, c.n),
        loans_issued=_full(st.loans_issued, c.n),
        loans_average_rate=_average(st.loan_rates, st.loans_issued, c.n),
        histograms={
            name: StepHistogram(edges=c.edges[name], counts=st.counts[name]) for name in c.edges
        },
    )
