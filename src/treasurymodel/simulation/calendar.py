"""The event calendar of the scenario engine: what falls due on which step.

:func:`build_plan` turns a company, the dates of the price columns and a funding policy into a
:class:`Plan`: the company's debts and preferred series as the engine sees them (amounts in
the reporting currency) and, for every step on which something is due, a :class:`Step` listing
it (coupons, dividends, puts, maturities, amortization, springing tests, issuer calls). An
event dated ``d`` falls on the first step whose date is on or after ``d``; events in
``(as_of, dates[0]]`` fall on step 0. The plan is computed once per company, dates and policy
(and cached).

Securities sold on the paths (by :class:`~treasurymodel.simulation.ConvertibleIssuance` and
:class:`~treasurymodel.simulation.PreferredIssuance` channels) join a path's calendar while it
runs:
:func:`schedule_note_tranche` and :func:`schedule_dividends` add their events to the steps
still to come, and :func:`merge` puts a step's planned and added events together.
"""

from __future__ import annotations

import datetime as _dt
import functools
import heapq
import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from .. import schedule
from .._typing import FloatArray, IntArray
from ..company import Company, one_asset
from ..errors import ValidationError
from ..instruments.capabilities import (
    Amortizing,
    Collateralized,
    Convertible,
    HasMaturity,
    HasSpringing,
    MarginCallable,
    Puttable,
)
from .channels import ConvertibleIssuance, TermLoanIssuance
from .policy import FundingPolicy

__all__ = ["Debt", "Plan", "Pref", "Step", "build_plan", "check_dates", "merge", "plan_for"]


def ordered_sum(values: Sequence[Any], start: Any = 0.0) -> Any:
    """Sum in order, starting from ``start`` (the reference sums in the same order)."""
    acc: Any = start
    for v in values:
        acc = acc + v
    return acc


@attrs.frozen(kw_only=True)
class Debt:
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
class Pref:
    name: str
    notional: float  # reporting currency
    frequency: int
    cumulative: bool
    unpaid_rate: float | None
    unpaid_step: float
    unpaid_cap: float
    in_shares: bool = False  # dividends may be paid in common shares


@attrs.frozen(kw_only=True)
class Step:
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
class Plan:
    dates: tuple[_dt.date, ...]
    debts: tuple[Debt, ...]
    prefs: tuple[Pref, ...]  # most senior first
    events: Mapping[int, Step]
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


def check_dates(company: Company, dates: Any) -> tuple[_dt.date, ...]:
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


def build_plan(company: Company, dates: tuple[_dt.date, ...], policy: FundingPolicy) -> Plan:
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

    debts: list[Debt] = []
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
        if isinstance(inst, Convertible):
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
        elif isinstance(inst, MarginCallable):
            kind = "loan"
            pledged = inst.pledged_units
            max_ltv = inst.max_ltv
            penalty = inst.liquidation_penalty
        elif isinstance(inst, Collateralized):
            kind = "secured"
            pledged = inst.pledged_units
        debts.append(
            Debt(
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
        if isinstance(inst, Amortizing):
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
        if isinstance(inst, Puttable):
            for put in inst.puts:
                s = cal.step(put)
                if s >= 0 and s != mat_step:
                    accrued = schedule.accrued_interest(inst, put) * fx
                    at(s)["puts"].append((k, accrued))
        # springing
        if isinstance(inst, HasSpringing):
            for clause in inst.springing:
                s = cal.step(clause.date)
                if s < 0 or s == mat_step:
                    continue
                ref = company.instrument(clause.reference)
                ref_fx = company.fx_rate(ref.currency)
                if not isinstance(ref, HasMaturity):
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

    prefs: list[Pref] = []
    for j, pref in enumerate(company.preferreds):
        fx = company.fx_rate(pref.currency)
        prefs.append(
            Pref(
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

    events = {s: Step(**{k: tuple(v) for k, v in d.items()}) for s, d in steps.items()}
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

    return Plan(
        dates=dates,
        debts=tuple(debts),
        prefs=tuple(prefs),
        events=events,
        event_steps=tuple(sorted(events)),
        margin_loans=margin,
        margin_until=margin_until,
        trading_days=trading_days,
        years=years,
        initial_units=company.holdings[0].units,
        initial_cash=company.cash,
        initial_shares=company.shares_basic,
        initial_diluted=company.diluted_shares,
        other_dilution=(
            company.diluted_shares
            - company.shares_basic
            - ordered_sum([d.conversion_shares for d in debts])
        ),
        other_assets=company.other_assets,
        preferred_target=target,
    )


@functools.lru_cache(maxsize=16)
def _cached_plan(company: Company, dates: tuple[_dt.date, ...], policy: FundingPolicy) -> Plan:
    return build_plan(company, dates, policy)


def plan_for(
    company: Company,
    dates: tuple[_dt.date, ...],
    policy: FundingPolicy,
    *,
    converts_fx: bool = False,
) -> Plan:
    # The engine steps one asset. Its callers that convert the prices into the reporting
    # currency (``converts_fx``: simulate_paths and simulate, see simulation/fx.py) take an
    # asset priced in another currency; the others only one priced in the reporting currency.
    instead = (
        "simulate several assets through "
        "treasurymodel.simulation.Basket.for_company(company, model=...)"
    )
    if not converts_fx:
        if len(company.holdings) == 1:
            instead = (
                "simulate it on its own: treasurymodel.simulate and simulate_paths convert its"
                " price (fx=)"
            )
        one_asset(company, "this simulation", instead)
    elif len(company.holdings) > 1:
        raise ValidationError(
            "company",
            company.name,
            f"holds several assets {company.assets!r}; the simulation's engine steps one"
            f" asset ({instead})",
        )
    try:
        return _cached_plan(company, dates, policy)
    except TypeError:  # pragma: no cover - an unhashable field
        return build_plan(company, dates, policy)


def merge(ev: Step | None, more: Mapping[str, list[Any]]) -> Step:
    """A step's calendar events followed by those of notes issued on the paths."""
    if ev is None:
        return Step(**{k: tuple(v) for k, v in more.items()})
    return attrs.evolve(ev, **{k: getattr(ev, k) + tuple(v) for k, v in more.items()})


def _slot(extra: dict[int, dict[str, list[Any]]], heap: list[int], s: int) -> dict[str, list[Any]]:
    """The events of securities sold on the paths that fall on step ``s`` (a new, empty entry
    the first time, with ``s`` put on the engine's heap of steps to visit)."""
    if s not in extra:
        extra[s] = {
            "coupons": [],
            "conv_maturities": [],
            "maturities": [],
            "puts": [],
            "dividends": [],
        }
        heapq.heappush(heap, s)
    return extra[s]


def _step_on_or_after(plan: Plan, ordinals: IntArray, when: _dt.date) -> int:
    """The first step on or after ``when``; -1 after the last date."""
    if when > plan.dates[-1]:
        return -1
    return int(np.searchsorted(ordinals, when.toordinal(), side="left"))


def _schedule_interest(
    k: int,
    payments: Sequence[tuple[_dt.date, float]],
    rate: float,
    frequency: int,
    plan: Plan,
    ordinals: IntArray,
    extra: dict[int, dict[str, list[Any]]],
    heap: list[int],
) -> int:
    """Put debt ``k``'s interest (``rate`` a year, ``frequency`` payments, each date with the
    fraction of a period it pays) on the calendar, summed per step; the maturity step (the
    last payment's) is returned, -1 past the last date."""
    mat_step = _step_on_or_after(plan, ordinals, payments[-1][0])
    sums: dict[int, float] = {}
    for when, fraction in payments:
        s = _step_on_or_after(plan, ordinals, when)
        if s < 0:
            break
        if rate > 0.0:
            sums[s] = sums.get(s, 0.0) + rate / frequency * fraction
    for s, amount in sums.items():
        _slot(extra, heap, s)["coupons"].append((k, amount, 1.0))
    return mat_step


def schedule_note_tranche(
    channel: ConvertibleIssuance,
    k: int,
    t: int,
    conversion_price: Any,
    plan: Plan,
    ordinals: IntArray,
    extra: dict[int, dict[str, list[Any]]],
    heap: list[int],
) -> Debt:
    """The notes a channel sold on step ``t`` (debt ``k``), their events put on the calendar.

    Coupons fall on the calendar's period ends (:meth:`ConvertibleIssuance.coupon_dates`,
    issued on the step's date), the put and the maturity on coupon dates, so no interest is
    accrued at either. Events after the last date are dropped; an event dated ``d`` falls on
    the first step on or after ``d``.
    """
    issue = plan.dates[t]
    coupons = channel.coupon_dates(issue)
    mat_step = _schedule_interest(
        k, coupons, channel.coupon, channel.frequency, plan, ordinals, extra, heap
    )
    if mat_step >= 0:
        _slot(extra, heap, mat_step)["conv_maturities"].append(k)
    if channel.put_years is not None:
        when = coupons[channel.put_years * channel.frequency - 1][0]
        s = _step_on_or_after(plan, ordinals, when)
        if s >= 0 and s != mat_step:
            _slot(extra, heap, s)["puts"].append((k, 0.0))
    return Debt(
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


def schedule_dividends(
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
        _slot(extra, heap, s)["dividends"].append((j, 0.0, periods))


def schedule_loan_tranche(
    channel: TermLoanIssuance,
    k: int,
    t: int,
    plan: Plan,
    ordinals: IntArray,
    extra: dict[int, dict[str, list[Any]]],
    heap: list[int],
) -> Debt:
    """The loans a channel made on step ``t`` (debt ``k``): interest dates and maturity on the
    calendar, and every later step until the maturity visited for the margin check."""
    issue = plan.dates[t]
    payments = channel.payment_dates(issue)
    mat_step = _schedule_interest(
        k, payments, channel.rate, channel.frequency, plan, ordinals, extra, heap
    )
    if mat_step >= 0:
        _slot(extra, heap, mat_step)["maturities"].append(k)
    for s in range(t + 1, (mat_step if mat_step >= 0 else len(plan.dates) - 1) + 1):
        heapq.heappush(heap, s)  # margin checks
    return Debt(
        name=f"{channel.name} ({issue.isoformat()})",
        kind="loan",
        principal=1.0,
        fx=1.0,
        maturity_step=mat_step,
        conversion_price=math.inf,
        shares_per_principal=0.0,
        conversion_shares=0.0,
        pledged=0.0,
        max_ltv=channel.max_ltv,
        call_step=-1,
        call_threshold=math.inf,
        call_price=1.0,
        put_price=1.0,
        penalty=channel.liquidation_penalty,
    )
