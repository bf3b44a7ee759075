"""The scenario engine: a company stepped through given price paths, all paths at once.

:func:`simulate_paths` takes a matrix of asset prices (one row a path) and the dates of its
columns, and runs the company's obligations, the funding policy, the premium model and the
market-impact model along every path at once. ``docs/theory/simulation.rst`` states the order
of operations, the funding waterfall and every formula.

How the work is organised (for speed):

* An *event calendar* is computed once per company, dates and policy (and cached): the steps on
  which something is due (coupons, dividends, puts, maturities, amortization, springing tests)
  with the scheduled amounts. An event dated ``d`` falls on the first step whose date is on or
  after ``d``; events in ``(as_of, dates[0]]`` fall on step 0.
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
import functools
import heapq
import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np

from .. import schedule
from .._typing import BoolArray, FloatArray, IntArray
from ..company import Company
from ..errors import ValidationError
from ..instruments import ConvertibleNote, PreferredStock, SecuredNote, TermLoan
from .channels import (
    ChannelState,
    ConvertibleIssuance,
    PreferredIssuance,
    channel_amount,
    period_ends,
)
from .impact import ImpactModel, _sell_units
from .models import _PRICE_RANGE
from .policy import FundingPolicy
from .premium import MIN_SHARE_PRICE, ConstantPremium, PremiumModel, PremiumState
from .result import SimulationResult, StepHistogram

__all__ = ["RECORDABLE", "simulate_paths"]

RECORDABLE: Final[tuple[str, ...]] = (
    "units",
    "cash",
    "shares",
    "nav_per_share",
    "btc_per_share",
    "price",
)
"""Quantities that ``record`` can follow step by step (as per-step histograms)."""

_DEFAULT_BINS: Final = 800
"""Bins of a default ``record`` histogram (between the outer ``-inf``/``+inf`` bins)."""


# --- the event calendar -----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Debt:
    """One debt instrument, as the engine sees it (amounts in the reporting currency)."""

    name: str
    kind: str  # "convertible", "secured", "loan" or "note"
    principal: float
    fx: float
    maturity_step: int  # -1: beyond the horizon
    # reporting currency; inf when not convertible (per path for notes issued on a path)
    conversion_price: Any
    shares_per_principal: Any  # conversion shares per unit of principal (reporting ccy)
    conversion_shares: float
    pledged: float
    max_ltv: float | None  # collateralized loans only
    call_step: int  # first step on which a call is possible; -1 for none
    call_threshold: float  # share price needed for a call
    call_price: float
    put_price: float
    penalty: float = 0.0  # collateralized loans: liquidation penalty, fraction of what is owed


@attrs.frozen(kw_only=True)
class _Pref:
    name: str
    notional: float  # reporting currency
    frequency: int
    cumulative: bool
    unpaid_rate: float | None
    unpaid_step: float
    unpaid_cap: float
    in_shares: bool = False  # dividends may be paid in common shares


@attrs.frozen(kw_only=True)
class _Step:
    """What falls due on one step."""

    coupons: tuple[tuple[int, float, float], ...] = ()  # (debt, amount, scheduled outstanding)
    conv_maturities: tuple[int, ...] = ()
    maturities: tuple[int, ...] = ()  # non-convertible debt
    amortizations: tuple[tuple[int, float, float], ...] = ()  # (debt, amount, sched. before)
    puts: tuple[tuple[int, float], ...] = ()  # (debt, accrued interest at full principal)
    springs: tuple[tuple[int, int, float, float, float, float, float], ...] = ()
    # (secured, reference (-1 - pref index for a preferred), multiple, min outstanding
    #  (reporting ccy, 0 for none), accrued on reference, reference principal, accrued on
    #  the secured note)
    calls: tuple[tuple[int, float], ...] = ()  # (debt, accrued at full principal)
    dividends: tuple[tuple[int, float, int], ...] = ()  # (pref, rate sum per notional, periods)


@attrs.frozen(kw_only=True)
class _Plan:
    dates: tuple[_dt.date, ...]
    debts: tuple[_Debt, ...]
    prefs: tuple[_Pref, ...]  # most senior first
    events: Mapping[int, _Step]
    event_steps: tuple[int, ...]
    margin_loans: tuple[int, ...]
    margin_until: int  # last step needing a margin check (inclusive), -1 for none
    trading_days: FloatArray  # per step
    years: FloatArray  # per step, since dates[0]
    initial_units: float
    initial_cash: float
    initial_shares: float
    initial_diluted: float
    other_dilution: float  # diluted shares that are neither basic nor debt conversion shares
    other_assets: float
    preferred_target: int  # index into prefs of the series sold at the market, -1 for none


def _check_dates(company: Company, dates: Any) -> tuple[_dt.date, ...]:
    try:
        out = tuple(dates)
    except TypeError:
        raise ValidationError("dates", dates, "must be a sequence of datetime.date") from None
    if not out:
        raise ValidationError("dates", dates, "must hold at least one date")
    for d in out:
        if not isinstance(d, _dt.date) or isinstance(d, _dt.datetime):
            raise ValidationError("dates", d, "must hold only datetime.date values")
    for a, b in itertools.pairwise(out):
        if b <= a:
            raise ValidationError("dates", b, f"must be strictly increasing (after {a})")
    if out[0] < company.as_of:
        raise ValidationError(
            "dates", out[0], f"must start on or after the company's as-of date {company.as_of}"
        )
    return out


class _Calendar:
    def __init__(self, company: Company, dates: tuple[_dt.date, ...]) -> None:
        self.as_of = company.as_of
        self.end = dates[-1]
        self.ordinals = np.array([d.toordinal() for d in dates], dtype=np.int64)

    def step(self, when: _dt.date) -> int:
        """Step on which an event dated ``when`` falls; -1 if before the start or after the end."""
        if when <= self.as_of or when > self.end:
            return -1
        return int(np.searchsorted(self.ordinals, when.toordinal(), side="left"))


def _build_plan(company: Company, dates: tuple[_dt.date, ...], policy: FundingPolicy) -> _Plan:
    cal = _Calendar(company, dates)
    end = dates[-1]
    steps: dict[int, dict[str, list[Any]]] = {}

    def at(step: int) -> dict[str, list[Any]]:
        return steps.setdefault(
            step,
            {
                k: []
                for k in (
                    "coupons",
                    "conv_maturities",
                    "maturities",
                    "amortizations",
                    "puts",
                    "springs",
                    "calls",
                    "dividends",
                )
            },
        )

    debts: list[_Debt] = []
    debt_index = {d.name: i for i, d in enumerate(company.debts)}
    amort_before: dict[int, list[tuple[int, float]]] = {}
    for k, inst in enumerate(company.debts):
        if inst.maturity <= company.as_of:
            raise ValidationError(
                f"{inst.name}.maturity",
                inst.maturity,
                f"is on or before the company's as-of date {company.as_of}",
            )
        fx = company.fx_rate(inst.currency)
        principal = inst.principal * fx
        mat_step = cal.step(inst.maturity)
        kind = "note"
        cp = math.inf
        spp = 0.0
        conv_shares = 0.0
        pledged = 0.0
        max_ltv: float | None = None
        penalty = 0.0
        call_step = -1
        call_threshold = math.inf
        call_price = 1.0
        put_price = 1.0
        if isinstance(inst, ConvertibleNote):
            kind = "convertible"
            cp = inst.conversion_price * fx
            conv_shares = inst.shares_on_conversion
            spp = conv_shares / principal
            put_price = inst.put_price
            call_price = inst.call_price
            if policy.issuer_calls and inst.call_from is not None:
                first = max(inst.call_from, dates[0])
                call_step = int(np.searchsorted(cal.ordinals, first.toordinal(), side="left"))
                if call_step >= len(dates):
                    call_step = -1
                trigger = inst.call_trigger if inst.call_trigger is not None else 1.0
                call_threshold = trigger * cp
        elif isinstance(inst, SecuredNote):
            kind = "secured"
            pledged = inst.pledged_units
        elif isinstance(inst, TermLoan):
            kind = "loan"
            pledged = inst.pledged_units
            max_ltv = inst.max_ltv
            penalty = inst.liquidation_penalty
        debts.append(
            _Debt(
                name=inst.name,
                kind=kind,
                principal=principal,
                fx=fx,
                maturity_step=mat_step,
                conversion_price=cp,
                shares_per_principal=spp,
                conversion_shares=conv_shares,
                pledged=pledged,
                max_ltv=max_ltv,
                call_step=call_step,
                call_threshold=call_threshold,
                call_price=call_price,
                put_price=put_price,
                penalty=penalty,
            )
        )
        # scheduled outstanding just before each step's payments (amortizing loans)
        outstanding = principal
        amort_steps: list[tuple[int, float]] = []
        if isinstance(inst, TermLoan):
            for a in inst.amortization:
                s = cal.step(a.date)
                if a.date <= company.as_of:
                    outstanding = outstanding - a.amount * fx
                elif s >= 0:
                    amort_steps.append((s, a.amount * fx))
        amort_before[k] = amort_steps
        start_outstanding = outstanding

        def sched_before(step: int, _k: int = k, _start: float = start_outstanding) -> float:
            value = _start
            for s, amount in amort_before[_k]:
                if s < step:
                    value = value - amount
            return value

        # coupons
        flows = schedule.cash_flows(inst, start=company.as_of, end=end)
        sums: dict[int, float] = {}
        for d, interest in zip(flows.dates, flows.interest, strict=True):
            if interest > 0.0:
                s = cal.step(d)
                sums[s] = sums.get(s, 0.0) + float(interest) * fx
        for s, amount in sums.items():
            at(s)["coupons"].append((k, amount, sched_before(s)))
        # amortization
        for s, amount in amort_steps:
            if s != mat_step:
                at(s)["amortizations"].append((k, amount, sched_before(s)))
        # maturity
        if mat_step >= 0:
            at(mat_step)["conv_maturities" if kind == "convertible" else "maturities"].append(k)
        # puts
        if isinstance(inst, ConvertibleNote):
            for put in inst.puts:
                s = cal.step(put)
                if s >= 0 and s != mat_step:
                    accrued = schedule.accrued_interest(inst, put) * fx
                    at(s)["puts"].append((k, accrued))
        # springing
        if isinstance(inst, SecuredNote):
            for clause in inst.springing:
                s = cal.step(clause.date)
                if s < 0 or s == mat_step:
                    continue
                ref = company.instrument(clause.reference)
                ref_fx = company.fx_rate(ref.currency)
                if isinstance(ref, PreferredStock):
                    ref_code = -1 - [p.name for p in company.preferreds].index(ref.name)
                    ref_accrued = 0.0
                    ref_principal = ref.notional * ref_fx
                else:
                    ref_code = debt_index[ref.name]
                    ref_accrued = (
                        schedule.accrued_interest(ref, clause.date) * ref_fx
                        if clause.date <= ref.maturity
                        else 0.0
                    )
                    ref_principal = ref.principal * ref_fx
                minimum = (
                    clause.min_outstanding * ref_fx if clause.min_outstanding is not None else 0.0
                )
                own_accrued = schedule.accrued_interest(inst, clause.date) * fx
                at(s)["springs"].append(
                    (
                        k,
                        ref_code,
                        clause.liquidity_multiple,
                        minimum,
                        ref_accrued,
                        ref_principal,
                        own_accrued,
                    )
                )

    prefs: list[_Pref] = []
    for j, pref in enumerate(company.preferreds):
        fx = company.fx_rate(pref.currency)
        prefs.append(
            _Pref(
                name=pref.name,
                notional=pref.notional * fx,
                frequency=pref.frequency,
                cumulative=pref.cumulative,
                unpaid_rate=pref.unpaid_rate,
                unpaid_step=pref.unpaid_step,
                unpaid_cap=pref.unpaid_cap if pref.unpaid_cap is not None else math.inf,
                in_shares=pref.dividends_in_shares,
            )
        )
        months = 12 // pref.frequency
        rates: dict[int, list[float]] = {}
        for d in schedule.dividend_dates(pref, after=company.as_of, until=end):
            start = schedule.add_months(d, -months, end_of_month=True) + _dt.timedelta(days=1)
            rates.setdefault(cal.step(d), []).append(pref.rate_on(start) / pref.frequency)
        for s, values in rates.items():
            total = 0.0
            for v in values:
                total = total + v
            at(s)["dividends"].append((j, total, len(values)))

    # issuer calls are considered on event steps (from the first call step, before maturity)
    for k, debt in enumerate(debts):
        if debt.call_step < 0:
            continue
        inst = company.debts[k]
        for s in sorted(steps):
            if s < debt.call_step or (debt.maturity_step >= 0 and s >= debt.maturity_step):
                continue
            when = dates[s]
            accrued = (
                schedule.accrued_interest(inst, when) * debt.fx if when < inst.maturity else 0.0
            )
            steps[s]["calls"].append((k, accrued))

    events = {s: _Step(**{k: tuple(v) for k, v in d.items()}) for s, d in steps.items()}
    margin = tuple(k for k, d in enumerate(debts) if d.max_ltv is not None)
    margin_until = -1
    for k in margin:
        m = debts[k].maturity_step
        margin_until = max(margin_until, len(dates) - 1 if m < 0 else m)

    days = np.array(
        [(dates[0] - company.as_of).days] + [(b - a).days for a, b in itertools.pairwise(dates)],
        dtype=np.float64,
    )
    trading_days = days * (policy.trading_days_per_year / 365.0)
    years = np.array([(d - dates[0]).days / 365.25 for d in dates])

    target = -1
    if policy.preferred_series is not None:
        names = [p.name for p in prefs]
        if policy.preferred_series not in names:
            raise ValidationError(
                "policy.preferred_series",
                policy.preferred_series,
                f"names no preferred series of {company.name!r} (has {names})",
            )
        target = names.index(policy.preferred_series)

    return _Plan(
        dates=dates,
        debts=tuple(debts),
        prefs=tuple(prefs),
        events=events,
        event_steps=tuple(sorted(events)),
        margin_loans=margin,
        margin_until=margin_until,
        trading_days=trading_days,
        years=years,
        initial_units=company.holdings.units,
        initial_cash=company.cash,
        initial_shares=company.shares_basic,
        initial_diluted=company.diluted_shares,
        other_dilution=(
            company.diluted_shares
            - company.shares_basic
            - _total([d.conversion_shares for d in debts])
        ),
        other_assets=company.other_assets,
        preferred_target=target,
    )


@functools.lru_cache(maxsize=16)
def _cached_plan(company: Company, dates: tuple[_dt.date, ...], policy: FundingPolicy) -> _Plan:
    return _build_plan(company, dates, policy)


def _plan(company: Company, dates: tuple[_dt.date, ...], policy: FundingPolicy) -> _Plan:
    try:
        return _cached_plan(company, dates, policy)
    except TypeError:  # pragma: no cover - an unhashable field
        return _build_plan(company, dates, policy)


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
    except (TypeError, ValueError):
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
    plan: _Plan,
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
            elif name == "btc_per_share":
                top = 4.0 * max(plan.initial_units / plan.initial_diluted, 1e-300)
                inner = np.linspace(0.0, top, _DEFAULT_BINS - 1)
            else:  # price
                inner = np.linspace(0.0, 4.0 * price0, _DEFAULT_BINS - 1)
            e = np.concatenate(([-np.inf], inner, [np.inf]))
        if e[0] != -np.inf:
            e = np.concatenate(([-np.inf], e))
        if e[-1] != np.inf:
            e = np.concatenate((e, [np.inf]))
        out[name] = e
    return out


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
) -> SimulationResult:
    """Step ``company`` through given price paths of its reserve asset, all paths at once.

    At every step where something is due (interest, dividends, maturities, puts, springing
    tests, amortization), for every path, the engine: reads the price (after the path's own
    market impact); checks margin on collateralized loans (topping up from unencumbered
    coins, or losing the collateral); prices the stock through the premium model; converts
    convertibles that are in the money at maturity (or called), decides puts and springing
    tests; and pays what is due through the funding policy's waterfall (cash, new shares, new
    preferred, coin sales). A debt payment left unpaid after every source is a default: the
    path is frozen from then on. See ``docs/theory/simulation.rst`` for every rule.

    Parameters
    ----------
    company
        The company on its as-of date.
    prices
        Asset prices, shape ``(paths, steps + 1)`` (a 1-d array is one path), finite and
        positive; column ``t`` is the price on ``dates[t]``. Any memory layout works; a
        column-major (Fortran-ordered) array reads fastest, e.g. the transpose of a C-ordered
        ``(steps + 1, paths)`` array.
    dates
        The dates of the columns, strictly increasing, the first on or after
        ``company.as_of``. An event dated ``d`` falls on the first step on or after ``d``.
    policy
        The :class:`~treasurymodel.FundingPolicy` (default: ``FundingPolicy()``).
    premium
        A premium model giving the mNAV, from which the share price follows (default:
        ``ConstantPremium(mnav=1.0)``).
    impact
        An :class:`~treasurymodel.ImpactModel` for the company's own trades, or ``None`` for
        none.
    record
        Names to follow step by step as per-step histograms, among ``"units"``, ``"cash"``,
        ``"shares"``, ``"nav_per_share"``, ``"btc_per_share"`` and ``"price"`` (see
        :meth:`SimulationResult.fan`). Recording visits every step, which costs time.
    record_edges
        Optional bin edges by recorded name. The default edges depend only on the company
        and ``prices[0, 0]``, so chunks of one simulation share them.

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
    >>> from treasurymodel import Company, Holdings, Note, FundingPolicy, simulate_paths
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
    ...     shares_basic=1e6, cash=10e6, instruments=[Note(name="N", principal=30e6,
    ...     maturity=dt.date(2026, 7, 1))])
    >>> dates = [dt.date(2026, 1, 1) + dt.timedelta(weeks=w) for w in range(53)]
    >>> prices = np.array([np.full(53, 50_000.0), np.full(53, 15_000.0)])
    >>> res = simulate_paths(co, prices=prices, dates=dates,
    ...                      policy=FundingPolicy(issue_equity=False))
    >>> res.btc_sold.tolist(), res.default.tolist()
    ([400.0, 1000.0], [False, True])
    >>> str(res.date_of(res.default_time)[1])  # the first weekly step on or after 1 July
    '2026-07-02'
    """
    if not isinstance(company, Company):
        raise ValidationError("company", company, "must be a treasurymodel.Company")
    the_dates = _check_dates(company, dates)
    policy = FundingPolicy() if policy is None else policy
    premium = ConstantPremium(mnav=1.0) if premium is None else premium
    _check_models(policy, premium, impact)
    arr = _check_prices(prices, len(the_dates))
    plan = _plan(company, the_dates, policy)
    edges = _record_edges(record, record_edges, plan, float(arr[0, 0]))
    return _run(plan, arr, policy, premium, impact, edges)


def _hist(values: FloatArray, edges: FloatArray) -> IntArray:
    idx = np.searchsorted(edges, values, side="right") - 1
    np.clip(idx, 0, edges.size - 2, out=idx)
    return np.bincount(idx, minlength=edges.size - 1)


def _total(values: Sequence[Any]) -> Any:
    """Sum in order, starting from 0.0 (the reference sums in the same order)."""
    acc: Any = 0.0
    for v in values:
        acc = acc + v
    return acc


def _share_price(
    mnav: Any, units: Any, price: Any, debt: Any, pref: Any, cash: Any, shares: Any
) -> Any:
    return np.maximum((mnav * (units * price) - (debt + pref - cash)) / shares, MIN_SHARE_PRICE)


def _accretive(
    margin: float,
    units: Any,
    price: Any,
    shares: Any,
    out: Sequence[Any],
    issued_conv: Any,
    debts: Sequence[_Debt],
    plan: _Plan,
) -> Any:
    """The accretion gate's share price: margin × units × price / assumed-diluted shares.

    The diluted count is the basic shares, plus the conversion shares of the convertible
    principal outstanding, plus the company's other dilutive shares (options, restricted
    units, convertible preferred), all at the start of the step.
    """
    conv: Any = 0.0
    for k in range(len(out)):
        if debts[k].kind == "convertible":
            conv = conv + out[k] * debts[k].shares_per_principal
    conv = conv + issued_conv
    return margin * (units * price) / ((shares + plan.other_dilution) + conv)


def _unclaimed(out: Sequence[Any], claimed: Mapping[int, Any], k: int) -> Any:
    """Principal of debt ``k`` not yet claimed on this step: a debt falls due at most once."""
    return out[k] if k not in claimed else out[k] - claimed[k]


def _claim(claimed: dict[int, Any], k: int, owed: Any) -> None:
    """Record that ``owed`` of debt ``k``'s principal falls due on this step."""
    claimed[k] = owed if k not in claimed else claimed[k] + owed


def _zero(value: Any) -> bool:
    """Whether ``value`` is the untouched scalar 0.0 (no path has anything there)."""
    return isinstance(value, float) and value == 0.0


def _run(
    plan: _Plan,
    prices: FloatArray,
    policy: FundingPolicy,
    premium: PremiumModel,
    impact: ImpactModel | None,
    edges: Mapping[str, FloatArray],
) -> SimulationResult:
    """Step every path through the visited steps (see the module docstring).

    State that is the same on every path stays a Python float until paths differ (a price
    enters it), so steps on which nothing depends on the price cost almost nothing. Every
    operation is written in the order of the scalar reference (tests/_reference_engine.py),
    which the engine matches bit for bit.
    """
    n = prices.shape[0]
    last_step = prices.shape[1] - 1
    debts: list[_Debt] = list(plan.debts)  # notes issued on the paths are added
    issued = _Issued(len(plan.debts))
    prefs: list[_Pref] = list(plan.prefs)  # a series per PreferredIssuance channel is added
    a = impact.scale if impact is not None else 0.0
    phi = impact.permanent_fraction if impact is not None else 0.0
    floor = policy.cash_reserve_floor
    constant_mnav = premium.mnav_level if isinstance(premium, ConstantPremium) else None
    flywheel = policy.flywheel
    issue = policy.issue_equity
    target_pref = plan.preferred_target
    turnover = policy.max_issuance_fraction * policy.daily_turnover
    accretion = policy.equity_gate == "accretion"
    margin = policy.accretion_margin
    div_floor = policy.pay_dividends_in_shares_above

    # --- state: floats while uniform across paths, arrays of shape (n,) once not ---
    units: Any = plan.initial_units
    free: Any = max(plan.initial_units - sum(d.pledged for d in debts), 0.0)
    cash: Any = plan.initial_cash
    shares: Any = plan.initial_shares
    out: list[Any] = [d.principal for d in debts]
    pledged: dict[int, Any] = {
        k: d.pledged for k, d in enumerate(debts) if d.kind in ("secured", "loan")
    }
    margined: dict[int, Any] = dict.fromkeys(plan.margin_loans, True)  # False after a seizure
    notional: list[Any] = [p.notional for p in prefs]
    arrears: list[Any] = [0.0 for _ in prefs]
    crate: list[Any] = [0.0 for _ in prefs]
    factor: Any = 1.0
    peak = prices[:, 0].copy() if premium.uses_peak else None
    peak_done = 0
    live: Any = True
    default_time: Any = -1
    first_sale: Any = -1
    all_sold = False
    first_seizure: Any = -1
    sold: Any = 0.0
    bought: Any = 0.0
    seized: Any = 0.0
    penalty_paid: Any = 0.0
    dividend_shares: Any = 0.0
    dividends_in_shares: Any = 0.0
    equity_raised: Any = 0.0
    shares_issued: Any = 0.0
    shares_converted: Any = 0.0
    pref_raised: Any = 0.0
    sale_proceeds: Any = 0.0
    purchase_cost: Any = 0.0
    interest_paid: Any = 0.0
    principal_paid: Any = 0.0
    dividends_paid: Any = 0.0
    snap: dict[str, FloatArray] = {}
    counts = {
        name: np.zeros((last_step + 1, e.size - 1), dtype=np.int64) for name, e in edges.items()
    }
    debt_total: Any = None  # cached sums, recomputed after a change
    pref_total: Any = None

    visit: set[int] = set(plan.event_steps)
    if plan.margin_loans:
        visit.update(range(0, min(plan.margin_until, last_step) + 1))
    if flywheel or edges:
        visit.update(range(last_step + 1))

    # funding channels; notes issued on a step join the calendar (`extra`) for later steps
    channels = policy.channels
    capacity_left: dict[int, Any] = {}  # this calendar year, by channel position
    budget_year: dict[int, int] = {}
    extra: dict[int, dict[str, list[Any]]] = {}
    notes_issued: Any = 0.0
    notes_coupons: Any = 0.0  # sum of principal x coupon
    notes_premiums: Any = 0.0  # sum of principal x conversion premium
    other_raised: Any = 0.0
    pref_issued: Any = 0.0
    pref_rates: Any = 0.0  # sum of stated amount x rate
    series: dict[int, int] = {}  # PreferredIssuance channel position -> index into prefs
    per_period: dict[int, list[Any]] = {}  # such a series -> [dividend a period, next stub]
    ordinals = np.array([d.toordinal() for d in plan.dates], dtype=np.int64)

    heap = sorted(visit)
    done = -1
    while heap:
        t = heapq.heappop(heap)
        if t <= done:
            continue
        done = t
        ev = plan.events.get(t)
        if t in extra:
            more = extra.pop(t)
            ev = _merge(ev, more)
            if not (isinstance(live, bool) and live):
                # a defaulted path's notes were frozen with it: zero them before they are read
                for k in {e[0] for e in more["coupons"] + more["puts"]} | set(
                    more["conv_maturities"]
                ):
                    out[k] = np.where(live, out[k], 0.0)
        price: Any = prices[:, t] if _one(factor) else prices[:, t] * factor
        if peak is not None and (ev is not None or flywheel) and t > peak_done:
            # the running peak: the maximum since the last update (factor is constant there),
            # column by column (fast on a column-major matrix, one strided pass otherwise)
            top = prices[:, peak_done + 1].copy()
            for c in range(peak_done + 2, t + 1):
                np.maximum(top, prices[:, c], out=top)
            np.maximum(peak, top if _one(factor) else top * factor, out=peak)
            peak_done = t

        # 1. margin checks on collateralized loans
        if plan.margin_loans and t <= plan.margin_until:
            for k in plan.margin_loans:
                if _zero(out[k]):
                    continue
                ltv = debts[k].max_ltv
                assert ltv is not None
                short = out[k] / (ltv * price) - pledged[k]
                breach = (short > 0.0) & margined[k]
                if not breach.any():
                    continue
                can = breach & (free >= short)
                topup = np.where(can, short, 0.0)
                free = free - topup
                pledged[k] = pledged[k] + topup
                lost = breach & ~can
                if lost.any():
                    # the lender takes the coins worth what is owed plus the penalty (all of
                    # the pledge if it is worth less, the rest then staying owed, unsecured)
                    # and the rest of the pledge returns to the free coins
                    pen = debts[k].penalty
                    claim = out[k] * (1.0 + pen)
                    cover = pledged[k] * price >= claim
                    take = np.where(
                        lost,
                        np.where(cover, np.minimum(claim / price, pledged[k]), pledged[k]),
                        0.0,
                    )
                    credited = np.where(cover, out[k], (take * price) / (1.0 + pen))
                    penalty_paid = penalty_paid + np.where(
                        lost, np.where(cover, out[k] * pen, take * price - credited), 0.0
                    )
                    units = units - take
                    seized = seized + take
                    free = free + np.where(lost, pledged[k] - take, 0.0)
                    pledged[k] = np.where(lost, 0.0, pledged[k])
                    out[k] = np.where(lost, out[k] - credited, out[k])
                    margined[k] = margined[k] & ~lost
                    debt_total = None
                    first_seizure = np.where(lost & (first_seizure < 0), t, first_seizure)

        if ev is None and not flywheel:
            if edges:
                _record(counts, edges, t, price, units, cash, shares, out, notional, arrears,
                        plan, debts, issued, live, snap, n)  # fmt: skip
            continue

        # 2. mNAV (every visited event step) and the share price (when something needs it)
        if debt_total is None:
            debt_total = _total(out[: issued.first]) + issued.debt
        if pref_total is None:
            pref_total = _total(notional)
        if constant_mnav is not None:
            mnav: Any = constant_mnav
        else:
            mnav = premium.mnav(
                PremiumState(
                    step=t,
                    date=plan.dates[t],
                    years=float(plan.years[t]),
                    price=price,
                    peak=peak,
                    units=_view(units, n),
                    cash=_view(cash, n),
                    debt=_view(debt_total, n),
                    preferred=_view(pref_total, n),
                    shares=_view(shares, n),
                )
            )
        # the share price is that of the start of the step (after margin calls)
        start_units, start_cash, start_shares = units, cash, shares
        start_debt, start_pref = debt_total, pref_total
        start_out = out[: issued.first] if accretion else out
        start_conv = issued.conv
        threshold: Any = None  # the accretive share price, when needed
        share_price: Any = None
        if ev is not None and (ev.calls or ev.conv_maturities or ev.puts):
            share_price = _share_price(
                mnav, start_units, price, start_debt, start_pref, start_cash, start_shares
            )
        tdays = float(plan.trading_days[t])

        interest_due: Any = 0.0
        principal_due: Any = 0.0
        retire: list[tuple[int, Any]] = []
        # (pref, owed, payable in cash, periods, paid in shares)
        owed_div: list[tuple[int, Any, Any, int, Any]] = []
        if ev is not None:
            # 3. interest on what is outstanding at the start of the step
            for k, amount, sched in ev.coupons:
                interest_due = interest_due + amount * (out[k] / sched)
            # principal of each debt already falling due on this step (calls, puts, springing):
            # a later claim on the same debt (two put dates in one step, a put after a cash
            # call, two springing clauses) only gets what the earlier ones left
            claimed: dict[int, Any] = {}
            # 4. issuer calls
            for k, accrued in ev.calls:
                d = debts[k]
                called = (share_price >= d.call_threshold) & (out[k] > 0.0)
                if not np.any(called):
                    continue
                conv = called & (share_price >= d.call_price * d.conversion_price)
                new_shares = np.where(conv, out[k] * d.shares_per_principal, 0.0)
                shares = shares + new_shares
                shares_converted = shares_converted + new_shares
                out[k] = np.where(conv, 0.0, out[k])
                debt_total = None
                cash_call = called & ~conv
                if np.any(cash_call):
                    owed = np.where(cash_call, _unclaimed(out, claimed, k), 0.0)
                    principal_due = principal_due + d.call_price * owed
                    interest_due = interest_due + accrued * (owed / d.principal)
                    retire.append((k, owed))
                    _claim(claimed, k, owed)
            # 5. convertibles at maturity: shares if in the money, else cash
            for k in ev.conv_maturities:
                d = debts[k]
                conv = share_price >= d.conversion_price
                new_shares = np.where(conv, out[k] * d.shares_per_principal, 0.0)
                shares = shares + new_shares
                shares_converted = shares_converted + new_shares
                if k >= issued.first:
                    issued.debt = issued.debt - np.where(conv, out[k], 0.0)
                    issued.conv = issued.conv - new_shares
                out[k] = np.where(conv, 0.0, out[k])
                debt_total = None
                principal_due = principal_due + out[k]
                retire.append((k, out[k]))
            # 6. holder puts
            if policy.holder_puts != "never":
                for k, accrued in ev.puts:
                    d = debts[k]
                    remaining = _unclaimed(out, claimed, k)
                    if policy.holder_puts == "always":
                        owed = remaining
                    else:
                        owed = np.where(
                            share_price < d.put_price * d.conversion_price, remaining, 0.0
                        )
                    principal_due = principal_due + d.put_price * owed
                    interest_due = interest_due + accrued * (owed / d.principal)
                    retire.append((k, owed))
                    _claim(claimed, k, owed)
            # 7. springing maturities
            released: list[tuple[int, Any]] = []
            if policy.springing != "best":
                for k, ref, multiple, minimum, ref_acc, ref_principal, own_acc in ev.springs:
                    if policy.springing == "worst":
                        owed = _unclaimed(out, claimed, k)
                    else:
                        if ref >= 0:
                            ref_out = out[ref]
                            need = ref_out + ref_acc * (ref_out / ref_principal)
                        else:
                            ref_out = notional[-1 - ref]
                            need = ref_out
                        springs = cash + free * price < multiple * need
                        if minimum > 0.0:
                            springs = springs & (ref_out >= minimum)
                        owed = np.where(springs, _unclaimed(out, claimed, k), 0.0)
                    principal_due = principal_due + owed
                    interest_due = interest_due + own_acc * (owed / debts[k].principal)
                    retire.append((k, owed))
                    _claim(claimed, k, owed)
                    released.append((k, owed > 0.0))
            # 8. scheduled principal of other debt
            for k in ev.maturities:
                principal_due = principal_due + out[k]
                retire.append((k, out[k]))
                if k in pledged:
                    released.append((k, out[k] > 0.0))
            for k, amount, sched in ev.amortizations:
                owed = amount * (out[k] / sched)
                principal_due = principal_due + owed
                retire.append((k, owed))
            # coins pledged to debt repaid in full on this step can be sold to repay it
            for k, mask in released:
                freed = np.where(mask, pledged[k], 0.0)
                free = free + freed
                pledged[k] = pledged[k] - freed
            # 9. dividends
            for j, rate_sum, periods in ev.dividends:
                p = prefs[j]
                if j in per_period:  # a series sold on the paths: its own dividend amounts
                    regular = per_period[j][0] * float(periods) + per_period[j][1]
                    per_period[j][1] = 0.0
                else:
                    regular = notional[j] * rate_sum
                if p.cumulative:
                    owed = arrears[j]
                    if p.unpaid_rate is not None and not _zero(owed):
                        growth = 1.0 + crate[j] / p.frequency
                        for _ in range(periods):
                            owed = owed * growth
                    owed = owed + regular
                    level = policy.defer_cumulative_below_mnav
                else:
                    owed = regular
                    level = policy.skip_noncumulative_below_mnav
                payable = owed
                if level is not None:
                    payable = np.where(np.less(mnav, level), 0.0, owed)
                in_shares: Any = 0.0
                if p.in_shares and div_floor is not None:
                    if share_price is None:
                        share_price = _share_price(
                            mnav, start_units, price, start_debt, start_pref, start_cash,
                            start_shares,
                        )  # fmt: skip
                    by_shares = share_price >= div_floor
                    in_shares = np.where(by_shares, payable, 0.0)
                    payable = np.where(by_shares, 0.0, payable)
                owed_div.append((j, owed, payable, periods, in_shares))
        debt_due = principal_due + interest_due
        div_due = _total([payable for _, _, payable, _, _ in owed_div])

        # 10. the funding waterfall: each source serves debt first, then dividends
        du: Any = debt_due  # debt not yet covered
        vu: Any = div_due  # dividends not yet covered
        avail = cash if floor == 0.0 else np.maximum(cash - floor, 0.0)  # cash >= 0
        x: Any = 0.0
        if not _zero(du):
            x = np.minimum(avail, du)
            du = du - x
        if not _zero(vu):
            y = np.minimum(avail - x, vu)
            vu = vu - y
            cash = cash - x - y
        elif not _zero(x):
            cash = cash - x
        e: Any = 0.0
        raw_cap: Any = None
        pf: Any = 0.0
        left = bool(np.any(du > 0.0)) or bool(np.any(vu > 0.0))
        # The sources below run on every path once any path still owes something: on a path
        # that owes nothing they add exactly 0 because every capacity is >= 0 (shares and
        # outstanding principal never go negative, since a debt falls due at most once a step).
        new_notes: list[tuple[ConvertibleIssuance, Any]] = []
        new_pref: list[tuple[int, PreferredIssuance, Any, Any]] = []
        for position, channel in enumerate(channels if left else ()):
            if channel == "common":
                if not issue:
                    continue
                if share_price is None:
                    share_price = _share_price(
                        mnav, start_units, price, start_debt, start_pref, start_cash,
                        start_shares,
                    )  # fmt: skip
                raw_cap = turnover * tdays * (start_shares * share_price)
                cap: Any
                if accretion:
                    threshold = _accretive(
                        margin, start_units, price, start_shares, start_out, start_conv, debts,
                        plan,
                    )  # fmt: skip
                    cap = np.where(share_price >= threshold, raw_cap, 0.0)
                elif constant_mnav is not None:
                    cap = raw_cap if constant_mnav >= policy.min_mnav_to_issue else 0.0
                else:
                    cap = np.where(np.greater_equal(mnav, policy.min_mnav_to_issue), raw_cap, 0.0)
                x = np.minimum(cap, du)
                du = du - x
                y = np.minimum(cap - x, vu)
                vu = vu - y
                e = x + y
            elif channel == "preferred":
                if target_pref < 0:
                    continue
                capp = np.where(
                    np.greater_equal(mnav, policy.min_mnav_to_issue_preferred),
                    policy.preferred_daily_capacity * tdays * policy.preferred_price,
                    0.0,
                )
                x = np.minimum(capp, du)
                du = du - x
                y = np.minimum(capp - x, vu)
                vu = vu - y
                pf = x + y
            elif channel == "coins":
                if not policy.sell_btc:
                    continue
                td = du
                target = du + vu if policy.sell_btc_for_dividends else du
                selling = target > 0.0
                if np.any(selling):
                    r_max = free * price if a == 0.0 else free * price / (1.0 + a * np.sqrt(free))
                    enough = target <= r_max
                    # (where nothing is sold the target is 0: q and proceeds come out 0)
                    q = np.where(enough, np.minimum(_sell_units(target, price, a), free), free)
                    proceeds = np.where(enough, target, r_max)
                    paid_d = np.minimum(proceeds, td)
                    du = td - paid_d
                    if policy.sell_btc_for_dividends:
                        vu = np.where(enough, 0.0, np.maximum(vu - (proceeds - paid_d), 0.0))
                    units = units - q
                    free = free - q
                    sold = sold + q
                    sale_proceeds = sale_proceeds + proceeds
                    if a != 0.0:
                        factor = factor / (1.0 + phi * (a * np.sqrt(q)))
                    if not all_sold:
                        first_sale = np.where((q > 0.0) & (first_sale < 0), t, first_sale)
                        all_sold = bool(np.all(first_sale >= 0))
            elif isinstance(channel, ConvertibleIssuance):
                if share_price is None:
                    share_price = _share_price(
                        mnav, start_units, price, start_debt, start_pref, start_cash,
                        start_shares,
                    )  # fmt: skip
                year = plan.dates[t].year
                if budget_year.get(position) != year:
                    capacity_left[position] = channel.capacity_per_year
                    budget_year[position] = year
                capn = np.where(
                    (share_price >= channel.min_share_price)
                    & np.greater_equal(mnav, channel.min_mnav),
                    capacity_left[position],
                    0.0,
                )
                x = np.minimum(capn, du)
                du = du - x
                y = np.minimum(capn - x, vu)
                vu = vu - y
                raised = x + y
                capacity_left[position] = capacity_left[position] - raised
                new_notes.append((channel, raised))
            elif isinstance(channel, PreferredIssuance):
                if share_price is None:
                    share_price = _share_price(
                        mnav, start_units, price, start_debt, start_pref, start_cash,
                        start_shares,
                    )  # fmt: skip
                year = plan.dates[t].year
                if budget_year.get(position) != year:
                    capacity_left[position] = channel.capacity_per_year
                    budget_year[position] = year
                senior = start_debt + start_pref
                rating = np.where(
                    senior > 0.0, (start_units * price) / np.where(senior > 0.0, senior, 1.0),
                    np.inf,
                )  # fmt: skip
                rate: Any = channel.rate
                if channel.rating_for_rate is not None:
                    rate = channel.rate + channel.widening * np.maximum(
                        channel.rating_for_rate - rating, 0.0
                    )
                open_ = (
                    (rating >= channel.min_rating)
                    & np.less_equal(rate, channel.max_rate)
                    & (share_price >= channel.min_share_price)
                    & np.greater_equal(mnav, channel.min_mnav)
                )
                capq = np.where(open_, capacity_left[position], 0.0)
                x = np.minimum(capq, du)
                du = du - x
                y = np.minimum(capq - x, vu)
                vu = vu - y
                raised = x + y
                capacity_left[position] = capacity_left[position] - raised
                new_pref.append((position, channel, raised, rate))
            else:  # a user's channel
                if share_price is None:
                    share_price = _share_price(
                        mnav, start_units, price, start_debt, start_pref, start_cash,
                        start_shares,
                    )  # fmt: skip
                state = ChannelState(
                    step=t,
                    date=plan.dates[t],
                    price=_view(price, n),
                    share_price=_view(share_price, n),
                    mnav=_view(mnav, n),
                    units=_view(start_units, n),
                    cash=_view(start_cash, n),
                    debt=_view(start_debt, n),
                    preferred=_view(start_pref, n),
                    shares=_view(start_shares, n),
                    owed=_full(du + vu, n),
                )
                capo = channel_amount(channel, channel.available(state), n)
                x = np.minimum(capo, du)
                du = du - x
                y = np.minimum(capo - x, vu)
                vu = vu - y
                other_raised = other_raised + (x + y)
        if left and floor > 0.0:  # the cash below the floor, for debt only
            x = np.minimum(cash, du)
            du = du - x
            cash = cash - x
        failed = du > 0.0
        any_failed = bool(np.any(failed))
        if not _zero(e):
            new = e / share_price
            shares = shares + new
            shares_issued = shares_issued + new
            equity_raised = equity_raised + e
        if not _zero(pf):
            notional[target_pref] = notional[target_pref] + pf / policy.preferred_price
            pref_total = None
            pref_raised = pref_raised + pf

        if any_failed:
            ratio: Any = np.where(failed, (debt_due - du) / np.where(failed, debt_due, 1.0), 1.0)
            interest_paid = interest_paid + interest_due * ratio
            principal_paid = principal_paid + principal_due * ratio
            for k, owed in retire:
                part = owed * ratio
                out[k] = out[k] - part
                if k >= issued.first:
                    issued.retire(part, debts[k].shares_per_principal)
        else:
            interest_paid = interest_paid + interest_due
            principal_paid = principal_paid + principal_due
            for k, owed in retire:
                out[k] = out[k] - owed
                if k >= issued.first:
                    issued.retire(owed, debts[k].shares_per_principal)
        if retire:
            debt_total = None
        for channel, raised in new_notes:
            if not np.any(raised > 0.0):
                continue
            k = len(debts)
            cp = share_price * (1.0 + channel.conversion_premium)
            tranche = _note_tranche(channel, k, t, cp, plan, ordinals, extra, heap)
            debts.append(tranche)
            out.append(raised)
            issued.debt = issued.debt + raised
            issued.conv = issued.conv + raised * tranche.shares_per_principal
            debt_total = None
            notes_issued = notes_issued + raised
            notes_coupons = notes_coupons + raised * channel.coupon
            notes_premiums = notes_premiums + raised * channel.conversion_premium
        for position, pchannel, raised, rate in new_pref:
            if not np.any(raised > 0.0):
                continue
            ends = period_ends(plan.dates[t], pchannel.frequency, plan.dates[-1])
            if position not in series:
                j = series[position] = len(prefs)
                prefs.append(
                    _Pref(
                        name=pchannel.name,
                        notional=0.0,
                        frequency=pchannel.frequency,
                        cumulative=pchannel.cumulative,
                        unpaid_rate=None,
                        unpaid_step=0.0,
                        unpaid_cap=math.inf,
                    )
                )
                notional.append(0.0)
                arrears.append(0.0)
                crate.append(0.0)
                per_period[j] = [0.0, 0.0]
                _schedule_dividends(j, ends, ordinals, extra, heap)
            j = series[position]
            notional[j] = notional[j] + raised
            per = raised * rate / pchannel.frequency
            per_period[j][0] = per_period[j][0] + per
            if ends:  # the first period counts from the sale
                per_period[j][1] = per_period[j][1] + (per * ends[0][1] - per)
            pref_total = None
            pref_issued = pref_issued + raised
            pref_rates = pref_rates + raised * rate

        # 11. dividends: what stays uncovered falls on the most junior series first
        if owed_div:
            paid_total: Any = 0.0
            covered = not np.any(vu > 0.0)  # then every payable dividend is paid in full
            in_shares_total: Any = 0.0
            for j, owed, payable, periods, in_shares in reversed(owed_div):
                if covered:
                    paid = payable
                else:
                    short = np.minimum(payable, vu)
                    vu = vu - short
                    paid = payable - short
                paid_total = paid_total + paid
                if not _zero(in_shares):
                    in_shares_total = in_shares_total + in_shares
                    paid = paid + in_shares
                p = prefs[j]
                if not p.cumulative:
                    continue
                before = arrears[j]
                unpaid = owed - paid
                if _zero(before) and not np.any(unpaid > 0.0):
                    continue  # nothing owed before or now: arrears and rate stay 0
                arrears[j] = unpaid
                if p.unpaid_rate is not None:
                    first_rate = p.unpaid_rate
                    for _ in range(periods - 1):
                        first_rate = min(first_rate + p.unpaid_step, p.unpaid_cap)
                    stepped = crate[j]
                    for _ in range(periods):
                        stepped = np.minimum(stepped + p.unpaid_step, p.unpaid_cap)
                    crate[j] = np.where(
                        unpaid > 0.0, np.where(before > 0.0, stepped, first_rate), 0.0
                    )
            dividends_paid = dividends_paid + paid_total
            if not _zero(in_shares_total):
                new = in_shares_total / share_price
                shares = shares + new
                dividend_shares = dividend_shares + new
                dividends_in_shares = dividends_in_shares + in_shares_total

        # 12. defaults: freeze the path
        if any_failed:
            newly = failed & live
            default_time = np.where(newly, t, default_time)
            live = live & ~failed
            _snapshot(snap, newly, units, cash, shares, out, notional, arrears, debts, issued, n)
            for k in range(issued.first):
                out[k] = np.where(newly, 0.0, out[k])
            issued.debt = np.where(newly, 0.0, issued.debt)  # the notes are zeroed when read
            issued.conv = np.where(newly, 0.0, issued.conv)
            for j in range(len(prefs)):
                notional[j] = np.where(newly, 0.0, notional[j])
                arrears[j] = np.where(newly, 0.0, arrears[j])
            for amounts in per_period.values():
                amounts[0] = np.where(newly, 0.0, amounts[0])
                amounts[1] = np.where(newly, 0.0, amounts[1])
            debt_total = pref_total = None

        # 13. the flywheel
        if flywheel:
            assert policy.buy_btc_above_mnav is not None
            buying = np.greater_equal(mnav, policy.buy_btc_above_mnav) & live
            if np.any(buying) and accretion:
                if share_price is None:
                    share_price = _share_price(
                        mnav, start_units, price, start_debt, start_pref, start_cash, start_shares
                    )
                if threshold is None:
                    threshold = _accretive(
                        margin, start_units, price, start_shares, start_out, start_conv, debts,
                        plan,
                    )  # fmt: skip
                buying = buying & (share_price >= threshold)
            if np.any(buying):
                if share_price is None:
                    share_price = _share_price(
                        mnav, start_units, price, start_debt, start_pref, start_cash, start_shares
                    )
                if raw_cap is None:
                    raw_cap = turnover * tdays * (start_shares * share_price)
                budget = np.where(buying, policy.buy_fraction * np.maximum(raw_cap - e, 0.0), 0.0)
                if a == 0.0:
                    q = budget / price
                    cost = np.minimum(q * price, budget)  # never more than raised (rounding)
                else:
                    q = budget / (price * (1.0 + a * np.sqrt(budget / price)))
                    cost = np.minimum(q * price * (1.0 + a * np.sqrt(q)), budget)
                new = budget / share_price
                shares = shares + new
                shares_issued = shares_issued + new
                equity_raised = equity_raised + budget
                purchase_cost = purchase_cost + cost
                cash = cash + (budget - cost)
                units = units + q
                free = free + q
                bought = bought + q
                if a != 0.0:
                    factor = factor * (1.0 + phi * (a * np.sqrt(q)))
                    if peak is not None:
                        np.maximum(peak, prices[:, t] * factor, out=peak)

        if edges:
            price = prices[:, t] if _one(factor) else prices[:, t] * factor
            _record(counts, edges, t, price, units, cash, shares, out, notional, arrears,
                    plan, debts, issued, live, snap, n)  # fmt: skip

    # results: live paths from the working state, defaulted ones from their snapshots
    final_price = prices[:, last_step] * factor
    fields = _final_fields(units, cash, shares, out, notional, arrears, debts, issued, n)
    if snap:
        for name, value in fields.items():
            fields[name] = np.where(live, value, snap[name])
    f_units = fields["final_units"]
    f_cash = fields["final_cash"]
    f_shares = fields["final_shares"]
    nav = (
        f_units * final_price
        + f_cash
        + plan.other_assets
        - fields["final_debt"]
        - fields["final_preferred"]
        - fields["unpaid_dividends"]
    )
    sold_shares = _full(shares_issued, n)
    converted = _full(shares_converted, n)
    div_shares = _full(dividend_shares, n)
    diluted = (
        plan.initial_diluted
        - _total([d.conversion_shares for d in debts])
        + fields["conversion_left"]
        + sold_shares
        + converted
        + div_shares
    )
    first_sale_arr = _steps(first_sale, n)
    default_arr = _steps(default_time, n)
    return SimulationResult(
        dates=plan.dates,
        initial_units=plan.initial_units,
        initial_cash=plan.initial_cash,
        initial_shares=plan.initial_shares,
        forced_sale=first_sale_arr >= 0,
        first_forced_sale=first_sale_arr,
        default=default_arr >= 0,
        default_time=default_arr,
        first_seizure=_steps(first_seizure, n),
        btc_sold=_full(sold, n),
        btc_bought=_full(bought, n),
        btc_seized=_full(seized, n),
        final_units=f_units,
        final_cash=f_cash,
        final_shares=f_shares,
        final_diluted_shares=diluted,
        final_price=_full(final_price, n),
        final_debt=fields["final_debt"],
        final_preferred=fields["final_preferred"],
        unpaid_dividends=fields["unpaid_dividends"],
        nav_per_share=nav / f_shares,
        btc_per_share=f_units / diluted,
        equity_raised=_full(equity_raised, n),
        shares_issued=sold_shares,
        shares_converted=converted,
        preferred_raised=_full(pref_raised, n),
        sale_proceeds=_full(sale_proceeds, n),
        purchase_cost=_full(purchase_cost, n),
        interest_paid=_full(interest_paid, n),
        principal_paid=_full(principal_paid, n),
        dividends_paid=_full(dividends_paid, n),
        liquidation_penalty=_full(penalty_paid, n),
        dividend_shares=div_shares,
        dividends_paid_in_shares=_full(dividends_in_shares, n),
        notes_issued=_full(notes_issued, n),
        notes_average_coupon=_average(notes_coupons, notes_issued, n),
        notes_average_premium=_average(notes_premiums, notes_issued, n),
        other_raised=_full(other_raised, n),
        preferred_issued=_full(pref_issued, n),
        preferred_average_rate=_average(pref_rates, pref_issued, n),
        histograms={name: StepHistogram(edges=edges[name], counts=counts[name]) for name in edges},
    )


class _Issued:
    """Running totals of the notes issued on the paths: principal and conversion shares.

    Kept by addition and subtraction (as the scalar reference does) so that a step costs the
    same however many tranches were issued; ``first`` is the index of the first tranche.
    """

    __slots__ = ("conv", "debt", "first")

    def __init__(self, first: int) -> None:
        self.first = first
        self.debt: Any = 0.0
        self.conv: Any = 0.0

    def retire(self, principal: Any, shares_per_principal: Any) -> None:
        self.debt = self.debt - principal
        self.conv = self.conv - principal * shares_per_principal


def _average(weighted: Any, total: Any, n: int) -> FloatArray:
    """``weighted / total`` per path, 0 where ``total`` is 0."""
    w = _full(weighted, n)
    d = _full(total, n)
    return np.where(d > 0.0, w / np.where(d > 0.0, d, 1.0), 0.0)


def _merge(ev: _Step | None, more: Mapping[str, list[Any]]) -> _Step:
    """A step's calendar events followed by those of notes issued on the paths."""
    if ev is None:
        return _Step(**{k: tuple(v) for k, v in more.items()})
    return attrs.evolve(ev, **{k: getattr(ev, k) + tuple(v) for k, v in more.items()})


def _note_tranche(
    channel: ConvertibleIssuance,
    k: int,
    t: int,
    conversion_price: Any,
    plan: _Plan,
    ordinals: IntArray,
    extra: dict[int, dict[str, list[Any]]],
    heap: list[int],
) -> _Debt:
    """The notes a channel sold on step ``t`` (debt ``k``), their events put on the calendar.

    Coupons fall on the calendar's period ends (:meth:`ConvertibleIssuance.coupon_dates`,
    issued on the step's date), the put and the maturity on coupon dates, so no interest is
    accrued at either. Events after the last date are dropped; an event dated ``d`` falls on
    the first step on or after ``d``.
    """
    issue = plan.dates[t]
    end = plan.dates[-1]

    def step(when: _dt.date) -> int:
        if when > end:
            return -1
        return int(np.searchsorted(ordinals, when.toordinal(), side="left"))

    def at(s: int) -> dict[str, list[Any]]:
        if s not in extra:
            extra[s] = {"coupons": [], "conv_maturities": [], "puts": [], "dividends": []}
            heapq.heappush(heap, s)
        return extra[s]

    coupons = channel.coupon_dates(issue)
    mat_step = step(coupons[-1][0])
    sums: dict[int, float] = {}
    for when, fraction in coupons:
        s = step(when)
        if s < 0:
            break
        if channel.coupon > 0.0:
            sums[s] = sums.get(s, 0.0) + channel.coupon / channel.frequency * fraction
    for s, amount in sums.items():
        at(s)["coupons"].append((k, amount, 1.0))
    if mat_step >= 0:
        at(mat_step)["conv_maturities"].append(k)
    if channel.put_years is not None:
        s = step(coupons[channel.put_years * channel.frequency - 1][0])
        if s >= 0 and s != mat_step:
            at(s)["puts"].append((k, 0.0))
    return _Debt(
        name=f"{channel.name} ({issue.isoformat()})",
        kind="convertible",
        principal=1.0,
        fx=1.0,
        maturity_step=mat_step,
        conversion_price=conversion_price,
        shares_per_principal=1.0 / conversion_price,
        conversion_shares=0.0,
        pledged=0.0,
        max_ltv=None,
        call_step=-1,
        call_threshold=math.inf,
        call_price=1.0,
        put_price=1.0,
    )


def _schedule_dividends(
    j: int,
    ends: Sequence[tuple[_dt.date, float]],
    ordinals: IntArray,
    extra: dict[int, dict[str, list[Any]]],
    heap: list[int],
) -> None:
    """Put the dividend dates of series ``j`` (sold on the paths) on the calendar: one entry
    a step, with the number of dividend dates falling on it."""
    counts: dict[int, int] = {}
    for when, _ in ends:
        s = int(np.searchsorted(ordinals, when.toordinal(), side="left"))
        counts[s] = counts.get(s, 0) + 1
    for s, periods in counts.items():
        if s not in extra:
            extra[s] = {"coupons": [], "conv_maturities": [], "puts": [], "dividends": []}
            heapq.heappush(heap, s)
        extra[s]["dividends"].append((j, 0.0, periods))


def _one(value: Any) -> bool:
    """Whether ``value`` is the untouched scalar 1.0 (no path's price has been moved)."""
    return isinstance(value, float) and value == 1.0


def _full(value: Any, n: int) -> FloatArray:
    """``value`` (a float or an array of shape (n,)) as a fresh float64 array of shape (n,)."""
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)).copy()


def _view(value: Any, n: int) -> FloatArray:
    """``value`` as a read-only float64 array of shape (n,), without copying an array."""
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (n,))


def _steps(value: Any, n: int) -> IntArray:
    """A step index or an array of them (-1 for never) as an int64 array of shape (n,)."""
    return np.broadcast_to(np.asarray(value, dtype=np.int64), (n,)).copy()


def _final_fields(
    units: Any,
    cash: Any,
    shares: Any,
    out: list[Any],
    notional: list[Any],
    arrears: list[Any],
    debts: Sequence[_Debt],
    issued: _Issued,
    n: int,
) -> dict[str, FloatArray]:
    conv: Any = 0.0
    for k in range(issued.first):
        if debts[k].kind == "convertible":
            conv = conv + out[k] * debts[k].shares_per_principal
    conv = conv + issued.conv
    return {
        "final_units": _full(units, n),
        "final_cash": _full(cash, n),
        "final_shares": _full(shares, n),
        "final_debt": _full(_total(out[: issued.first]) + issued.debt, n),
        "final_preferred": _full(_total(notional), n),
        "unpaid_dividends": _full(_total(arrears), n),
        "conversion_left": _full(conv, n),
    }


def _snapshot(
    snap: dict[str, FloatArray],
    newly: BoolArray,
    units: Any,
    cash: Any,
    shares: Any,
    out: list[Any],
    notional: list[Any],
    arrears: list[Any],
    debts: Sequence[_Debt],
    issued: _Issued,
    n: int,
) -> None:
    now = _final_fields(units, cash, shares, out, notional, arrears, debts, issued, n)
    for name, value in now.items():
        snap[name] = np.where(newly, value, snap.get(name, 0.0))


def _record(
    counts: dict[str, IntArray],
    edges: Mapping[str, FloatArray],
    t: int,
    price: FloatArray,
    units: Any,
    cash: Any,
    shares: Any,
    out: list[Any],
    notional: list[Any],
    arrears: list[Any],
    plan: _Plan,
    debts: Sequence[_Debt],
    issued: _Issued,
    live: Any,
    snap: Mapping[str, FloatArray],
    n: int,
) -> None:
    """Add step ``t``'s values of the recorded quantities to their histograms.

    Defaulted paths keep their frozen balance sheet (from ``snap``); their NAV moves with the
    price like any other path's.
    """
    fields: dict[str, FloatArray] | None = None
    for name, e in edges.items():
        if name == "units":
            values = _full(units, n)
        elif name == "cash":
            values = _full(cash, n)
        elif name == "shares":
            values = _full(shares, n)
        elif name == "price":
            values = price
        else:
            if fields is None:
                fields = _final_fields(
                    units, cash, shares, out, notional, arrears, debts, issued, n
                )
                if snap:
                    fields = {k: np.where(live, v, snap[k]) for k, v in fields.items()}
            if name == "nav_per_share":
                values = (
                    fields["final_units"] * price
                    + fields["final_cash"]
                    + plan.other_assets
                    - fields["final_debt"]
                    - fields["final_preferred"]
                    - fields["unpaid_dividends"]
                ) / fields["final_shares"]
            else:
                diluted = (
                    plan.initial_diluted
                    - _total([d.conversion_shares for d in plan.debts])
                    + fields["conversion_left"]
                    + (fields["final_shares"] - plan.initial_shares)
                )
                values = fields["final_units"] / diluted
        counts[name][t] = _hist(values, e)
