"""A readable scalar reference of the scenario engine: one path, one step at a time.

:func:`reference_path` runs one price path through the same rules as
:func:`treasurymodel.simulation.simulate_paths`, with plain Python floats and ``if`` statements
instead
of arrays and masks, visiting every step. It builds its own calendar by looking at each step's
window ``(previous date, date]`` (``(as_of, dates[0]]`` for step 0) with the schedule
functions, so it shares no state with the engine's event calendar. The securities a path sells
through funding channels (new convertible notes, a new preferred series) get their dates from
their terms here, computed independently of the engine's calendar module; their principal and
conversion shares are kept as running totals, as in the engine (same operations, same order).

The arithmetic follows the engine's order of operations exactly (IEEE doubles give the same
result only for the same sequence of operations), so the engine must match it bit for bit,
path by path. The rules themselves are checked independently by the hand-worked cases in
``tests/test_simulation_engine.py``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from treasurymodel import (
    Company,
    ConvertibleNote,
    PreferredStock,
    SecuredNote,
    TermLoan,
    schedule,
)
from treasurymodel.simulation import (
    ChannelState,
    ConvertibleIssuance,
    FundingPolicy,
    ImpactModel,
    PreferredAtm,
    PreferredIssuance,
    PremiumState,
    TermLoanIssuance,
)
from treasurymodel.simulation.premium import MIN_SHARE_PRICE, PremiumModel

__all__ = ["PathOutcome", "reference_path"]


@attrs.define
class PathOutcome:
    """The per-path fields of a SimulationResult, for one path."""

    forced_sale: bool = False
    first_forced_sale: int = -1
    default: bool = False
    default_time: int = -1
    first_seizure: int = -1
    units_sold: float = 0.0
    units_bought: float = 0.0
    units_seized: float = 0.0
    final_units: float = 0.0
    final_cash: float = 0.0
    final_shares: float = 0.0
    final_diluted_shares: float = 0.0
    final_price: float = 0.0
    final_debt: float = 0.0
    final_preferred: float = 0.0
    unpaid_dividends: float = 0.0
    nav_per_share: float = 0.0
    units_per_share: float = 0.0
    equity_raised: float = 0.0
    shares_issued: float = 0.0
    shares_converted: float = 0.0
    preferred_raised: float = 0.0
    sale_proceeds: float = 0.0
    purchase_cost: float = 0.0
    interest_paid: float = 0.0
    principal_paid: float = 0.0
    dividends_paid: float = 0.0
    liquidation_penalty: float = 0.0
    dividend_shares: float = 0.0
    dividends_paid_in_shares: float = 0.0
    notes_issued: float = 0.0
    notes_average_coupon: float = 0.0
    notes_average_premium: float = 0.0
    other_raised: float = 0.0
    preferred_issued: float = 0.0
    preferred_average_rate: float = 0.0
    loans_issued: float = 0.0
    loans_average_rate: float = 0.0


@attrs.frozen
class _Loan:
    """Term loans made on one step: their terms and dated events."""

    max_ltv: float
    penalty: float
    rate: float
    frequency: int
    payments: tuple[tuple[dt.date, float], ...]  # (date, fraction of a period's interest)
    maturity: dt.date


@attrs.frozen
class _Tranche:
    """New convertible notes sold on one step: their terms and dated events."""

    conversion_price: float
    shares_per_principal: float
    coupon: float
    frequency: int
    coupon_dates: tuple[tuple[dt.date, float], ...]  # (date, fraction of a coupon)
    put: dt.date | None
    maturity: dt.date


def _period_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _tranche(channel: ConvertibleIssuance, issue: dt.date, share_price: float) -> _Tranche:
    # coupons on the calendar's period ends (month ends every 12 / frequency months), the
    # first after the issue for the elapsed part of its period; the last is the maturity
    months = 12 // channel.frequency
    count = channel.tenor_years * channel.frequency
    ends: list[dt.date] = []  # period ends from the year before the issue on
    year, month = issue.year - 1, months
    while len([e for e in ends if e > issue]) < count:
        ends.append(_period_end(year, month))
        month += months
        if month > 12:
            year, month = year + 1, month - 12
    previous = max(e for e in ends if e <= issue)
    dates = [e for e in ends if e > issue]
    first = (dates[0] - issue).days / (dates[0] - previous).days
    coupons = tuple((d, first if i == 0 else 1.0) for i, d in enumerate(dates))
    cp = share_price * (1.0 + channel.conversion_premium)
    return _Tranche(
        conversion_price=cp,
        shares_per_principal=1.0 / cp,
        coupon=channel.coupon,
        frequency=channel.frequency,
        coupon_dates=coupons,
        put=(
            dates[channel.put_years * channel.frequency - 1]
            if channel.put_years is not None
            else None
        ),
        maturity=dates[-1],
    )


def _in(day: dt.date, lo: dt.date, hi: dt.date) -> bool:
    return lo < day <= hi


def _mnav(premium: PremiumModel, state: dict[str, Any], t: int, dates: Sequence[dt.date]) -> float:
    one = np.ones(1)
    s = PremiumState(
        step=t,
        date=dates[t],
        years=(dates[t] - dates[0]).days / 365.25,
        asset_price=one * state["price"],
        peak=one * state["peak"] if premium.uses_peak else None,
        units=one * state["units"],
        cash=one * state["cash"],
        debt=one * state["debt"],
        preferred=one * state["preferred"],
        shares=one * state["shares"],
    )
    value = premium.mnav(s)
    return float(np.asarray(value).reshape(-1)[0])


def _unclaimed(out: Sequence[float], claimed: dict[int, float], k: int) -> float:
    """Principal of debt ``k`` not yet due on this step."""
    return out[k] - claimed[k] if k in claimed else out[k]


def _claim(claimed: dict[int, float], k: int, owed: float) -> None:
    claimed[k] = claimed[k] + owed if k in claimed else owed


def reference_path(
    company: Company,
    path: Sequence[float],
    dates: Sequence[dt.date],
    policy: FundingPolicy,
    premium: PremiumModel,
    impact: ImpactModel | None,
) -> PathOutcome:
    """Run one price path through the engine's rules, scalar and step by step."""
    debts = list(company.debts)
    prefs = list(company.preferreds)
    a = impact.scale if impact is not None else 0.0
    phi = impact.permanent_fraction if impact is not None else 0.0
    res = PathOutcome()

    # --- balance sheet -------------------------------------------------------------------
    units = company.holdings[0].units
    pledged = {
        k: d.pledged_units for k, d in enumerate(debts) if isinstance(d, SecuredNote | TermLoan)
    }
    free = max(
        units - sum(d.pledged_units for d in debts if isinstance(d, SecuredNote | TermLoan)), 0.0
    )
    cash = company.cash
    shares = company.shares_basic
    fx = [company.fx_rate(d.currency) for d in debts]
    principal = [d.principal * fx[k] for k, d in enumerate(debts)]
    out = list(principal)
    sched = []  # scheduled outstanding of each debt (amortizing loans move)
    for k, d in enumerate(debts):
        value = principal[k]
        if isinstance(d, TermLoan):
            for step_ in d.amortization:
                if step_.date <= company.as_of:
                    value = value - step_.amount * fx[k]
        sched.append(value)
    margined = dict.fromkeys(range(len(debts)), True)  # False after a seizure
    notional = [p.notional * company.fx_rate(p.currency) for p in prefs]
    arrears = [0.0 for _ in prefs]
    crate = [0.0 for _ in prefs]
    factor = 1.0
    peak = path[0]
    total_conv0 = 0.0
    for d in debts:
        total_conv0 = total_conv0 + (
            d.shares_on_conversion if isinstance(d, ConvertibleNote) else 0.0
        )
    other_dil = company.diluted_shares - company.shares_basic - total_conv0
    pref_target = (
        [p.name for p in prefs].index(policy.preferred_series)
        if policy.preferred_series is not None
        else -1
    )

    tranches: dict[int, _Tranche] = {}  # notes issued on this path, by debt index
    capacity_left: dict[int, float] = {}  # convertible channels: left in the year
    budget_year: dict[int, int] = {}
    coupon_sum = 0.0
    premium_sum = 0.0
    series: dict[int, int] = {}  # PreferredIssuance channel position -> index into prefs
    per_period: dict[int, list[float]] = {}  # its series -> [dividend a period, next stub]
    rate_sum_new = 0.0
    loans: dict[int, _Loan] = {}  # term loans made on this path, by debt index
    loan_rate_sum = 0.0
    new_debt = 0.0  # principal of the notes issued on the path (a running total, as the engine)
    new_conv = 0.0  # and their conversion shares

    def is_convertible(k: int) -> bool:
        if k in loans:
            return False
        return k in tranches or isinstance(debts[k], ConvertibleNote)

    def conversion_price(k: int) -> float:
        if k in tranches:
            return tranches[k].conversion_price
        d = debts[k]
        assert isinstance(d, ConvertibleNote)
        return d.conversion_price * fx[k]

    def spp(k: int) -> float:
        if k in tranches:
            return tranches[k].shares_per_principal
        if k in loans:
            return 0.0
        d = debts[k]
        assert isinstance(d, ConvertibleNote)
        return d.shares_on_conversion / principal[k]

    for t in range(len(dates)):
        lo = company.as_of if t == 0 else dates[t - 1]
        hi = dates[t]
        raw = path[t]
        price = raw * factor
        peak = max(peak, price)

        # --- 1. margin checks ---------------------------------------------------------
        margin_items = [
            (k, d.max_ltv, d.liquidation_penalty)
            for k, d in enumerate(debts)
            if isinstance(d, TermLoan) and d.max_ltv is not None
        ] + [(k, ln.max_ltv, ln.penalty) for k, ln in sorted(loans.items())]
        for k, max_ltv, pen in margin_items:
            if margined[k] and out[k] > 0.0:
                required = out[k] / (max_ltv * price)
                short = required - pledged[k]
                if short > 0.0:
                    if free >= short:
                        free = free - short
                        pledged[k] = pledged[k] + short
                    else:
                        # the lender takes the coins worth what is owed plus the penalty (the
                        # whole pledge if worth less: the rest stays owed); the rest comes back
                        claim = out[k] * (1.0 + pen)
                        if pledged[k] * price >= claim:
                            take = min(claim / price, pledged[k])
                            res.liquidation_penalty = res.liquidation_penalty + out[k] * pen
                            if k in loans:
                                new_debt = new_debt - out[k]
                            out[k] = 0.0
                        else:
                            take = pledged[k]
                            credited = (take * price) / (1.0 + pen)
                            res.liquidation_penalty = res.liquidation_penalty + (
                                take * price - credited
                            )
                            out[k] = out[k] - credited
                            if k in loans:
                                new_debt = new_debt - credited
                        units = units - take
                        res.units_seized = res.units_seized + take
                        free = free + (pledged[k] - take)
                        pledged[k] = 0.0
                        margined[k] = False
                        if res.first_seizure < 0:
                            res.first_seizure = t

        # --- what is scheduled in this step's window ------------------------------------
        coupons: list[tuple[int, float]] = []
        for k, d in enumerate(debts):
            flows = schedule.cash_flows(d, start=lo, end=hi)
            total = 0.0
            found = False
            for interest in flows.interest:
                if interest > 0.0:
                    total = total + float(interest) * fx[k]
                    found = True
            if found:
                coupons.append((k, total))
        for k in sorted(set(tranches) | set(loans)):  # in the order they were made
            if k in tranches:
                tr = tranches[k]
                rate_, freq_, dates_ = tr.coupon, tr.frequency, tr.coupon_dates
            else:
                ln = loans[k]
                rate_, freq_, dates_ = ln.rate, ln.frequency, ln.payments
            total = 0.0
            found = False
            for day, fraction in dates_:
                if _in(day, lo, hi) and rate_ > 0.0:
                    total = total + rate_ / freq_ * fraction
                    found = True
            if found:
                coupons.append((k, total))
        maturing = [k for k, d in enumerate(debts) if _in(d.maturity, lo, hi)]
        maturing += [
            k
            for k in sorted(set(tranches) | set(loans))
            if _in((tranches[k].maturity if k in tranches else loans[k].maturity), lo, hi)
        ]
        amortizing: list[tuple[int, float]] = []
        for k, d in enumerate(debts):
            if isinstance(d, TermLoan) and k not in maturing:
                for step_ in d.amortization:
                    if _in(step_.date, lo, hi):
                        amortizing.append((k, step_.amount * fx[k]))
        putting = [
            (k, p)
            for k, d in enumerate(debts)
            if isinstance(d, ConvertibleNote) and k not in maturing
            for p in d.puts
            if _in(p, lo, hi)
        ]
        springing = [
            (k, c)
            for k, d in enumerate(debts)
            if isinstance(d, SecuredNote) and k not in maturing
            for c in d.springing
            if _in(c.date, lo, hi)
        ]
        putting_new = [
            k
            for k, tr in tranches.items()
            if tr.put is not None and k not in maturing and _in(tr.put, lo, hi)
        ]
        dividends: list[tuple[int, float, int]] = []
        own_dividends = False
        for j, p in enumerate(prefs):
            days = schedule.dividend_dates(p, after=lo, until=hi)
            if days and j not in per_period:
                own_dividends = True
            if days:
                total = 0.0
                for day in days:
                    start = schedule.add_months(day, -(12 // p.frequency), end_of_month=True)
                    total = total + p.rate_on(start + dt.timedelta(days=1)) / p.frequency
                dividends.append((j, total, len(days)))
        # issuer calls are looked at on the company's own event steps only (not on steps
        # where only notes issued on the path have something due)
        own_event = bool(
            [c for c in coupons if c[0] < len(debts)]
            or [k for k in maturing if k < len(debts)]
            or amortizing
            or putting
            or springing
            or own_dividends
        )
        event = own_event or bool(coupons or maturing or putting_new or dividends)
        if not event and not policy.flywheel:
            continue

        # --- 2. share price -----------------------------------------------------------
        debt_total = 0.0
        for k in range(len(debts)):
            debt_total = debt_total + out[k]
        debt_total = debt_total + new_debt
        pref_total = 0.0
        for j in range(len(prefs)):
            pref_total = pref_total + notional[j]
        mnav = _mnav(
            premium,
            {
                "price": price,
                "peak": peak,
                "units": units,
                "cash": cash,
                "debt": debt_total,
                "preferred": pref_total,
                "shares": shares,
            },
            t,
            dates,
        )
        share_price = max(
            (mnav * (units * price) - (debt_total + pref_total - cash)) / shares, MIN_SHARE_PRICE
        )
        units_start, cash_start, shares_start = units, cash, shares
        # the accretion gate: units x price / assumed-diluted shares, at the start of the step
        conv_now = 0.0
        for k in range(len(debts)):
            if is_convertible(k):
                conv_now = conv_now + out[k] * spp(k)
        conv_now = conv_now + new_conv
        diluted_now = (shares + other_dil) + conv_now
        accretive = policy.accretion_margin * (units * price) / diluted_now
        senior_now = debt_total + pref_total
        rating_now = (units * price) / senior_now if senior_now > 0.0 else math.inf
        gate_open = (
            share_price >= accretive
            if policy.equity_gate == "accretion"
            else mnav >= policy.min_mnav_to_issue
        )
        days_in_step = (hi - lo).days
        tdays = days_in_step * (policy.trading_days_per_year / 365.0)
        raw_cap = 0.0
        if policy.issue_equity or policy.flywheel:
            raw_cap = (
                policy.max_issuance_fraction
                * policy.daily_turnover
                * tdays
                * (shares * share_price)
            )

        debt_due = 0.0
        interest_due = 0.0
        retire: list[tuple[int, float]] = []
        released: list[int] = []
        owed_div: list[tuple[int, float, float, int, float]] = []
        if event:
            # 3. interest
            for k, amount in coupons:
                interest_due = interest_due + amount * (out[k] / sched[k])
            # principal of each debt already due on this step: a debt falls due at most once
            # (a second put date, a put after a cash call, a second springing clause in the
            # same step only get what the earlier claims left)
            claimed: dict[int, float] = {}
            # 4. issuer calls
            if policy.issuer_calls and own_event:
                for k, d in enumerate(debts):
                    if not isinstance(d, ConvertibleNote) or d.call_from is None:
                        continue
                    if k in maturing or d.maturity <= lo or hi < max(d.call_from, dates[0]):
                        continue
                    trigger = d.call_trigger if d.call_trigger is not None else 1.0
                    if share_price >= trigger * conversion_price(k) and out[k] > 0.0:
                        if share_price >= d.call_price * conversion_price(k):
                            new_shares = out[k] * spp(k)
                            shares = shares + new_shares
                            res.shares_converted = res.shares_converted + new_shares
                            out[k] = 0.0
                        else:
                            accrued = (
                                schedule.accrued_interest(d, hi) * fx[k]
                                if hi < d.maturity
                                else 0.0
                            )
                            owed = _unclaimed(out, claimed, k)
                            debt_due = debt_due + d.call_price * owed
                            interest_due = interest_due + accrued * (owed / principal[k])
                            retire.append((k, owed))
                            _claim(claimed, k, owed)
            # 5. convertibles at maturity
            for k in maturing:
                if is_convertible(k):
                    if share_price >= conversion_price(k):
                        new_shares = out[k] * spp(k)
                        shares = shares + new_shares
                        res.shares_converted = res.shares_converted + new_shares
                        if k in tranches:
                            new_debt = new_debt - out[k]
                            new_conv = new_conv - new_shares
                        out[k] = 0.0
                    debt_due = debt_due + out[k]
                    retire.append((k, out[k]))
            # 6. puts
            for k, when in putting:
                note = debts[k]
                assert isinstance(note, ConvertibleNote)
                if policy.holder_puts == "never":
                    continue
                exercise = policy.holder_puts == "always" or (
                    share_price < note.put_price * conversion_price(k)
                )
                owed = _unclaimed(out, claimed, k) if exercise else 0.0
                accrued = schedule.accrued_interest(note, when) * fx[k]
                debt_due = debt_due + note.put_price * owed
                interest_due = interest_due + accrued * (owed / principal[k])
                retire.append((k, owed))
                _claim(claimed, k, owed)
            for k in putting_new:  # notes issued on the path: put at par, no accrued interest
                if policy.holder_puts == "never":
                    continue
                exercise = policy.holder_puts == "always" or (
                    share_price < 1.0 * conversion_price(k)
                )
                owed = _unclaimed(out, claimed, k) if exercise else 0.0
                debt_due = debt_due + 1.0 * owed
                interest_due = interest_due + 0.0 * (owed / 1.0)
                retire.append((k, owed))
                _claim(claimed, k, owed)
            # 7. springing maturities
            for k, clause in springing:
                if policy.springing == "best":
                    continue
                if policy.springing == "worst":
                    owed = _unclaimed(out, claimed, k)
                else:
                    ref = company.instrument(clause.reference)
                    ref_fx = company.fx_rate(ref.currency)
                    if isinstance(ref, PreferredStock):
                        ref_out = notional[prefs.index(ref)]
                        need = ref_out
                    else:
                        ref_accrued = (
                            schedule.accrued_interest(ref, clause.date) * ref_fx
                            if clause.date <= ref.maturity
                            else 0.0
                        )
                        ref_out = out[debts.index(ref)]
                        need = ref_out + ref_accrued * (ref_out / (ref.principal * ref_fx))
                    liquidity = cash + free * price
                    springs = liquidity < clause.liquidity_multiple * need
                    if (
                        clause.min_outstanding is not None
                        and clause.min_outstanding * ref_fx > 0.0
                    ):
                        springs = springs and ref_out >= clause.min_outstanding * ref_fx
                    owed = _unclaimed(out, claimed, k) if springs else 0.0
                own_accrued = schedule.accrued_interest(debts[k], clause.date) * fx[k]
                debt_due = debt_due + owed
                interest_due = interest_due + own_accrued * (owed / principal[k])
                retire.append((k, owed))
                _claim(claimed, k, owed)
                if owed > 0.0:
                    released.append(k)
            # 8. other maturities and amortization
            for k in maturing:
                if not is_convertible(k):
                    debt_due = debt_due + out[k]
                    retire.append((k, out[k]))
                    if k in pledged and out[k] > 0.0:
                        released.append(k)
            for k, amount in amortizing:
                owed = amount * (out[k] / sched[k])
                debt_due = debt_due + owed
                retire.append((k, owed))
            for k in released:
                free = free + pledged[k]
                pledged[k] = 0.0
            # 9. dividends
            for j, rate_sum, periods in dividends:
                p = prefs[j]
                if j in per_period:  # a series sold on the path
                    regular = per_period[j][0] * float(periods) + per_period[j][1]
                    per_period[j][1] = 0.0
                else:
                    regular = notional[j] * rate_sum
                if p.cumulative:
                    owed_arrears = arrears[j]
                    if p.unpaid_rate is not None:
                        growth = 1.0 + crate[j] / p.frequency
                        for _ in range(periods):
                            owed_arrears = owed_arrears * growth
                    owed = owed_arrears + regular
                    threshold = policy.defer_cumulative_below_mnav
                else:
                    owed = regular
                    threshold = policy.skip_noncumulative_below_mnav
                payable = 0.0 if threshold is not None and mnav < threshold else owed
                in_shares = 0.0
                floor_ = policy.pay_dividends_in_shares_above
                if p.dividends_in_shares and floor_ is not None and share_price >= floor_:
                    in_shares = payable
                    payable = 0.0
                owed_div.append((j, owed, payable, periods, in_shares))
        principal_due = debt_due
        debt_due = debt_due + interest_due
        div_due = 0.0
        for _, _, payable, _, _ in owed_div:
            div_due = div_due + payable

        # --- 10. the funding waterfall: each source serves debt first, then dividends --
        du = debt_due  # debt not yet covered
        vu = div_due  # dividends not yet covered
        avail = max(cash - policy.cash_reserve_floor, 0.0)
        x = min(avail, du)
        du = du - x
        y = min(avail - x, vu)
        vu = vu - y
        cash = cash - x - y
        e = 0.0
        pf = 0.0
        new_notes: list[tuple[ConvertibleIssuance, float]] = []
        new_pref: list[tuple[int, PreferredIssuance, float, float]] = []
        atm: list[tuple[int, float, float]] = []
        new_loans: list[tuple[TermLoanIssuance, float, float]] = []
        if du > 0.0 or vu > 0.0:
            for position, channel in enumerate(policy.channels):
                if channel == "common" and policy.issue_equity:  # new shares
                    cap = raw_cap if gate_open else 0.0
                    x = min(cap, du)
                    du = du - x
                    y = min(cap - x, vu)
                    vu = vu - y
                    e = x + y
                elif channel == "preferred" and pref_target >= 0:  # new preferred
                    cap = 0.0
                    if mnav >= policy.min_mnav_to_issue_preferred:
                        cap = policy.preferred_daily_capacity * tdays * policy.preferred_price
                    x = min(cap, du)
                    du = du - x
                    y = min(cap - x, vu)
                    vu = vu - y
                    pf = x + y
                elif isinstance(channel, TermLoanIssuance):  # term loans against free coins
                    year = dates[t].year
                    if budget_year.get(position) != year:
                        capacity_left[position] = channel.capacity_per_year
                        budget_year[position] = year
                    cap = min(capacity_left[position], channel.origination_ltv * free * price)
                    x = min(cap, du)
                    du = du - x
                    y = min(cap - x, vu)
                    vu = vu - y
                    capacity_left[position] = capacity_left[position] - (x + y)
                    pledge = (x + y) / (channel.origination_ltv * price)
                    free = free - pledge
                    new_loans.append((channel, x + y, pledge))
                elif isinstance(channel, PreferredAtm):  # a series' own program
                    cap = 0.0
                    if mnav >= channel.min_mnav:
                        cap = channel.daily_capacity * tdays * channel.price
                    x = min(cap, du)
                    du = du - x
                    y = min(cap - x, vu)
                    vu = vu - y
                    j = [p.name for p in prefs].index(channel.series)
                    atm.append((j, x + y, channel.price))
                elif channel == "coins" and policy.sell_asset:  # coin sales, one trade
                    owed_debt = du
                    target = du + vu if policy.sell_asset_for_dividends else du
                    if target > 0.0:
                        r_max = (
                            free * price
                            if a == 0.0
                            else free * price / (1.0 + a * math.sqrt(free))
                        )
                        enough = target <= r_max
                        if enough:
                            if a == 0.0:
                                q = target / price
                            else:
                                ra = target * a
                                s = (ra + math.sqrt(ra * ra + 4.0 * price * target)) / (
                                    2.0 * price
                                )
                                q = s * s
                            q = min(q, free)
                            proceeds = target
                        else:  # everything goes, and it is not enough
                            q = free
                            proceeds = r_max
                        paid_debt = min(proceeds, owed_debt)
                        du = owed_debt - paid_debt
                        if policy.sell_asset_for_dividends:
                            vu = 0.0 if enough else max(vu - (proceeds - paid_debt), 0.0)
                        units = units - q
                        free = free - q
                        res.units_sold = res.units_sold + q
                        res.sale_proceeds = res.sale_proceeds + proceeds
                        if a != 0.0:
                            factor = factor / (1.0 + phi * (a * math.sqrt(q)))
                        if q > 0.0 and res.first_forced_sale < 0:
                            res.first_forced_sale = t
                elif isinstance(channel, ConvertibleIssuance):  # new convertible notes
                    year = dates[t].year
                    if budget_year.get(position) != year:
                        capacity_left[position] = channel.capacity_per_year
                        budget_year[position] = year
                    cap = 0.0
                    if share_price >= channel.min_share_price and mnav >= channel.min_mnav:
                        cap = capacity_left[position]
                    x = min(cap, du)
                    du = du - x
                    y = min(cap - x, vu)
                    vu = vu - y
                    capacity_left[position] = capacity_left[position] - (x + y)
                    new_notes.append((channel, x + y))
                elif isinstance(channel, PreferredIssuance):  # a new preferred series
                    year = dates[t].year
                    if budget_year.get(position) != year:
                        capacity_left[position] = channel.capacity_per_year
                        budget_year[position] = year
                    senior = debt_total + pref_total
                    rating = (units_start * price) / senior if senior > 0.0 else math.inf
                    rate = channel.rate
                    if channel.rating_for_rate is not None:
                        rate = channel.rate + channel.widening * max(
                            channel.rating_for_rate - rating, 0.0
                        )
                    cap = 0.0
                    if (
                        rating >= channel.min_rating
                        and rate <= channel.max_rate
                        and share_price >= channel.min_share_price
                        and mnav >= channel.min_mnav
                    ):
                        cap = capacity_left[position]
                    x = min(cap, du)
                    du = du - x
                    y = min(cap - x, vu)
                    vu = vu - y
                    capacity_left[position] = capacity_left[position] - (x + y)
                    new_pref.append((position, channel, x + y, rate))
                elif not isinstance(channel, str):  # a user's channel
                    one = np.ones(1)
                    state = ChannelState(
                        step=t,
                        date=dates[t],
                        asset_price=one * price,
                        share_price=one * share_price,
                        mnav=one * mnav,
                        units=one * units_start,
                        cash=one * cash_start,
                        debt=one * debt_total,
                        preferred=one * pref_total,
                        shares=one * shares_start,
                        units_per_share=one * (units_start / diluted_now),
                        btc_rating=one * rating_now,
                        owed=one * (du + vu),
                    )
                    cap = float(np.asarray(channel.available(state), dtype=float).reshape(-1)[0])
                    x = min(cap, du)
                    du = du - x
                    y = min(cap - x, vu)
                    vu = vu - y
                    res.other_raised = res.other_raised + (x + y)
            if policy.cash_reserve_floor > 0.0:  # cash below the floor, for debt only
                x = min(cash, du)
                du = du - x
                cash = cash - x
        failed = du > 0.0
        if e != 0.0:
            new = e / share_price
            shares = shares + new
            res.shares_issued = res.shares_issued + new
            res.equity_raised = res.equity_raised + e
        if pf != 0.0:
            notional[pref_target] = notional[pref_target] + pf / policy.preferred_price
            res.preferred_raised = res.preferred_raised + pf
        for j, raised, atm_price in atm:
            notional[j] = notional[j] + raised / atm_price
            res.preferred_raised = res.preferred_raised + raised

        if failed:  # what was raised is shared pro rata among the debt due
            ratio = (debt_due - du) / debt_due
            res.interest_paid = res.interest_paid + interest_due * ratio
            res.principal_paid = res.principal_paid + principal_due * ratio
            for k, owed in retire:
                part = owed * ratio
                out[k] = out[k] - part
                if k in tranches or k in loans:
                    new_debt = new_debt - part
                    new_conv = new_conv - part * spp(k)
        else:
            res.interest_paid = res.interest_paid + interest_due
            res.principal_paid = res.principal_paid + principal_due
            for k, owed in retire:
                out[k] = out[k] - owed
                if k in tranches or k in loans:
                    new_debt = new_debt - owed
                    new_conv = new_conv - owed * spp(k)
        for channel, raised in new_notes:
            if raised > 0.0:
                k = len(out)
                tranches[k] = _tranche(channel, dates[t], share_price)
                out.append(raised)
                sched.append(1.0)
                new_debt = new_debt + raised
                new_conv = new_conv + raised * spp(k)
                res.notes_issued = res.notes_issued + raised
                coupon_sum = coupon_sum + raised * channel.coupon
                premium_sum = premium_sum + raised * channel.conversion_premium
        for position, pchannel, raised, rate in new_pref:
            if raised > 0.0:
                if position not in series:
                    j = series[position] = len(prefs)
                    prefs.append(
                        PreferredStock(
                            name=f"{pchannel.name} (sold on the path)",
                            notional=1.0,  # (a placeholder: the amounts below are used)
                            rate=pchannel.rate,
                            frequency=pchannel.frequency,
                            cumulative=pchannel.cumulative,
                        )
                    )
                    notional.append(0.0)
                    arrears.append(0.0)
                    crate.append(0.0)
                    per_period[j] = [0.0, 0.0]
                j = series[position]
                notional[j] = notional[j] + raised
                per = raised * rate / pchannel.frequency
                per_period[j][0] = per_period[j][0] + per
                nxt = schedule.dividend_dates(prefs[j], after=dates[t], until=dates[-1])
                if nxt:  # the first period counts from the sale
                    months = 12 // pchannel.frequency
                    prior = schedule.add_months(nxt[0], -months, end_of_month=True)
                    fraction = (nxt[0] - dates[t]).days / (nxt[0] - prior).days
                    per_period[j][1] = per_period[j][1] + (per * fraction - per)
                res.preferred_issued = res.preferred_issued + raised
                rate_sum_new = rate_sum_new + raised * rate
        for lchannel, raised, pledge in new_loans:
            if raised > 0.0:
                k = len(out)
                pays = lchannel.payment_dates(dates[t])
                loans[k] = _Loan(
                    max_ltv=lchannel.max_ltv,
                    penalty=lchannel.liquidation_penalty,
                    rate=lchannel.rate,
                    frequency=lchannel.frequency,
                    payments=pays,
                    maturity=pays[-1][0],
                )
                out.append(raised)
                sched.append(1.0)
                pledged[k] = pledge
                margined[k] = True
                new_debt = new_debt + raised
                res.loans_issued = res.loans_issued + raised
                loan_rate_sum = loan_rate_sum + raised * lchannel.rate

        # --- 11. dividends: the uncovered part falls on the most junior series first ----
        if owed_div:
            paid_total = 0.0
            in_shares_total = 0.0
            for j, owed, payable, periods, in_shares in reversed(owed_div):
                short = min(payable, vu)
                vu = vu - short
                paid = payable - short
                paid_total = paid_total + paid
                if in_shares != 0.0:
                    in_shares_total = in_shares_total + in_shares
                    paid = paid + in_shares
                p = prefs[j]
                if p.cumulative:
                    before = arrears[j]
                    unpaid = owed - paid
                    arrears[j] = unpaid
                    if p.unpaid_rate is not None:
                        cap = p.unpaid_cap if p.unpaid_cap is not None else math.inf
                        if unpaid > 0.0:
                            if before > 0.0:
                                rate = crate[j]
                                for _ in range(periods):
                                    rate = min(rate + p.unpaid_step, cap)
                                crate[j] = rate
                            else:
                                rate = p.unpaid_rate
                                for _ in range(periods - 1):
                                    rate = min(rate + p.unpaid_step, cap)
                                crate[j] = rate
                        else:
                            crate[j] = 0.0
            res.dividends_paid = res.dividends_paid + paid_total
            if in_shares_total != 0.0:
                new = in_shares_total / share_price
                shares = shares + new
                res.dividend_shares = res.dividend_shares + new
                res.dividends_paid_in_shares = res.dividends_paid_in_shares + in_shares_total

        # sched of amortizing loans moves with the calendar
        for k, amount in amortizing:
            sched[k] = sched[k] - amount

        # --- 12. default: freeze ------------------------------------------------------
        if failed:
            res.default = True
            res.default_time = t
            break

        # --- 13. the flywheel -----------------------------------------------------------
        if policy.flywheel:
            assert policy.buy_asset_above_mnav is not None
            if mnav >= policy.buy_asset_above_mnav and (
                policy.equity_gate != "accretion" or share_price >= accretive
            ):
                budget = policy.buy_fraction * max(raw_cap - e, 0.0)
                if a == 0.0:
                    q = budget / price
                    cost = min(q * price, budget)
                else:
                    q = budget / (price * (1.0 + a * math.sqrt(budget / price)))
                    cost = min(q * price * (1.0 + a * math.sqrt(q)), budget)
                new = budget / share_price
                shares = shares + new
                res.shares_issued = res.shares_issued + new
                res.equity_raised = res.equity_raised + budget
                res.purchase_cost = res.purchase_cost + cost
                cash = cash + (budget - cost)
                units = units + q
                free = free + q
                res.units_bought = res.units_bought + q
                if a != 0.0:
                    factor = factor * (1.0 + phi * (a * math.sqrt(q)))
                    peak = max(peak, raw * factor)

    # --- results -----------------------------------------------------------------------
    final_price = path[-1] * factor
    debt_total = 0.0
    conv_left = 0.0
    for k in range(len(debts)):
        debt_total = debt_total + out[k]
        if is_convertible(k):
            conv_left = conv_left + out[k] * spp(k)
    debt_total = debt_total + new_debt  # the notes issued on the path, kept as running totals
    conv_left = conv_left + new_conv
    pref_total = 0.0
    unpaid_total = 0.0
    for j in range(len(prefs)):
        pref_total = pref_total + notional[j]
        unpaid_total = unpaid_total + arrears[j]
    total_conv = 0.0
    for d in debts:
        total_conv = total_conv + (
            d.shares_on_conversion if isinstance(d, ConvertibleNote) else 0.0
        )
    nav = (
        units * final_price + cash + company.other_assets - debt_total - pref_total - unpaid_total
    )
    diluted = (
        company.diluted_shares
        - total_conv
        + conv_left
        + res.shares_issued
        + res.shares_converted
        + res.dividend_shares
    )
    if res.loans_issued > 0.0:
        res.loans_average_rate = loan_rate_sum / res.loans_issued
    if res.preferred_issued > 0.0:
        res.preferred_average_rate = rate_sum_new / res.preferred_issued
    if res.notes_issued > 0.0:
        res.notes_average_coupon = coupon_sum / res.notes_issued
        res.notes_average_premium = premium_sum / res.notes_issued
    res.forced_sale = res.first_forced_sale >= 0
    res.final_units = units
    res.final_cash = cash
    res.final_shares = shares
    res.final_diluted_shares = diluted
    res.final_price = final_price
    res.final_debt = debt_total
    res.final_preferred = pref_total
    res.unpaid_dividends = unpaid_total
    res.nav_per_share = nav / shares
    res.units_per_share = units / diluted
    return res
