"""Shared hypothesis strategies: valid instruments, companies and BTC prices.

Import them as ``from tests.strategies import companies, asset_prices``.

Every strategy draws *valid* objects directly (no heavy ``filter``/``assume``), with
realistic magnitudes so that downstream properties are meaningful:

* principals and notionals 1e6 .. 5e9, coin units 1 .. 1e6;
* coupons and loan rates in [0, 0.1], preferred dividend rates in [0, 0.15];
* dates between 2010 and 2060, lives of 30 days to 10 years.

When ``as_of`` is given, every drawn debt instrument was issued on or before ``as_of`` and
matures strictly after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from treasurymodel import (
    Company,
    ConvertibleNote,
    Holdings,
    Market,
    Note,
    PreferredStock,
    SecuredNote,
    TermLoan,
)
from treasurymodel.instruments import Amortization, Instrument, RateStep, SpringingMaturity

__all__ = [
    "MAX_DATE",
    "MIN_DATE",
    "asset_price_arrays",
    "asset_prices",
    "companies",
    "companies_with_springing",
    "convertible_notes",
    "dates",
    "funding_policies",
    "impact_models",
    "instruments",
    "notes",
    "preferred_stocks",
    "premium_models",
    "price_paths",
    "scale_company",
    "secured_notes",
    "term_loans",
    "usd_amounts",
]

MIN_DATE = dt.date(2010, 1, 1)
"""Earliest date any strategy draws."""

MAX_DATE = dt.date(2060, 12, 31)
"""Latest date any strategy draws."""

_MAX_LIFE_DAYS = 3650
_MIN_LIFE_DAYS = 30
_FREQUENCIES = (1, 2, 4, 12)
_ONE_DAY = dt.timedelta(days=1)


# --- scalars --------------------------------------------------------------------------


def dates(
    min_value: dt.date = MIN_DATE, max_value: dt.date = MAX_DATE
) -> st.SearchStrategy[dt.date]:
    """Calendar dates in ``[min_value, max_value]`` (month ends and 29-31 included)."""
    return st.dates(min_value=min_value, max_value=max_value)


def usd_amounts(min_value: float = 1e6, max_value: float = 5e9) -> st.SearchStrategy[float]:
    """Finite positive amounts (principal, notional) in ``[min_value, max_value]``."""
    return st.floats(
        min_value=min_value, max_value=max_value, allow_nan=False, allow_infinity=False
    )


def _units(min_value: float = 1.0, max_value: float = 1e6) -> st.SearchStrategy[float]:
    return st.floats(
        min_value=min_value, max_value=max_value, allow_nan=False, allow_infinity=False
    )


def _rates(max_value: float) -> st.SearchStrategy[float]:
    """Rates in ``[0, max_value]`` on a 0.1 basis-point grid (no subnormal degenerate rates)."""
    top = round(max_value * 100_000)
    return st.integers(min_value=0, max_value=top).map(lambda k: k / 100_000)


def asset_prices() -> st.SearchStrategy[float]:
    """BTC prices: finite floats in ``[1, 1e7]``."""
    return st.floats(min_value=1.0, max_value=1e7, allow_nan=False, allow_infinity=False)


def asset_price_arrays(
    min_size: int = 1, max_size: int = 50
) -> st.SearchStrategy[npt.NDArray[np.float64]]:
    """1-d float64 arrays of BTC prices (finite, in ``[1, 1e7]``)."""
    return hnp.arrays(
        dtype=np.float64,
        shape=st.integers(min_value=min_size, max_value=max_size),
        elements=st.floats(min_value=1.0, max_value=1e7, allow_nan=False, allow_infinity=False),
    )


# --- helpers --------------------------------------------------------------------------


@st.composite
def _life(draw: st.DrawFn, as_of: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """(issued, maturity) with ``issued < maturity``; around ``as_of`` when given."""
    if as_of is None:
        issued = draw(dates(MIN_DATE, MAX_DATE - dt.timedelta(days=_MAX_LIFE_DAYS)))
        days = draw(st.integers(min_value=_MIN_LIFE_DAYS, max_value=_MAX_LIFE_DAYS))
        return issued, issued + dt.timedelta(days=days)
    issued = as_of - dt.timedelta(days=draw(st.integers(min_value=0, max_value=_MAX_LIFE_DAYS)))
    maturity = as_of + dt.timedelta(days=draw(st.integers(min_value=1, max_value=_MAX_LIFE_DAYS)))
    return issued, maturity


def _dates_in_life(
    issued: dt.date, maturity: dt.date, *, max_size: int
) -> st.SearchStrategy[tuple[dt.date, ...]]:
    """Strictly increasing dates in ``(issued, maturity]``."""
    return st.lists(dates(issued + _ONE_DAY, maturity), max_size=max_size, unique=True).map(
        lambda ds: tuple(sorted(ds))
    )


# --- instruments ----------------------------------------------------------------------


@st.composite
def convertible_notes(
    draw: st.DrawFn, as_of: dt.date | None = None, *, name: str | None = None
) -> ConvertibleNote:
    """Valid convertible notes (conversion price 10..2000, or the equivalent rate)."""
    issued, maturity = draw(_life(as_of))
    price = draw(st.floats(min_value=10.0, max_value=2000.0))
    by_rate = draw(st.booleans())
    call_from = draw(st.none() | dates(issued + _ONE_DAY, maturity))
    trigger = (
        None if call_from is None else draw(st.none() | st.floats(min_value=1.0, max_value=1.5))
    )
    return ConvertibleNote(
        name=name if name is not None else draw(_names("CVT")),
        principal=draw(usd_amounts()),
        coupon=draw(_rates(0.1)),
        frequency=draw(st.sampled_from(_FREQUENCIES)),
        issued=issued,
        maturity=maturity,
        conversion_price=None if by_rate else price,
        conversion_rate=1000.0 / price if by_rate else None,
        puts=draw(_dates_in_life(issued, maturity, max_size=2)),
        put_price=draw(st.sampled_from((1.0, 1.0, 1.01))),
        call_from=call_from,
        call_trigger=trigger,
        call_price=draw(st.sampled_from((1.0, 1.0, 1.02))),
        currency=draw(st.sampled_from((None, "USD"))),
    )


@st.composite
def secured_notes(
    draw: st.DrawFn,
    references: Sequence[ConvertibleNote] = (),
    as_of: dt.date | None = None,
    *,
    name: str | None = None,
    pledged_units: float | None = None,
) -> SecuredNote:
    """Valid secured notes, with springing clauses referencing some of ``references``.

    Each clause's test date lies within the note's life, after ``as_of`` when given, and
    strictly before the referenced convertible's maturity. A reference whose window is
    empty is skipped, so the note may carry fewer clauses than references.
    """
    issued, maturity = draw(_life(as_of))
    clauses: list[SpringingMaturity] = []
    used: set[dt.date] = set()
    for ref in references:
        if not draw(st.booleans()):
            continue
        low = issued + _ONE_DAY
        if as_of is not None:
            low = max(low, as_of + _ONE_DAY)
        high = min(maturity, ref.maturity - _ONE_DAY)
        if low > high:
            continue
        when = draw(dates(low, high))
        if when in used:
            continue
        used.add(when)
        clauses.append(
            SpringingMaturity(
                date=when,
                reference=ref.name,
                liquidity_multiple=draw(st.floats(min_value=1.0, max_value=2.0)),
                min_outstanding=draw(st.none() | usd_amounts(0.0, 5e8)),
            )
        )
    return SecuredNote(
        name=name if name is not None else draw(_names("SEC")),
        principal=draw(usd_amounts()),
        coupon=draw(_rates(0.1)),
        frequency=draw(st.sampled_from(_FREQUENCIES)),
        issued=issued,
        maturity=maturity,
        pledged_units=draw(_units()) if pledged_units is None else pledged_units,
        springing=clauses,
    )


@st.composite
def term_loans(
    draw: st.DrawFn,
    as_of: dt.date | None = None,
    *,
    name: str | None = None,
    pledged_units: float | None = None,
) -> TermLoan:
    """Valid term loans: fixed or floating, with or without max LTV and amortization."""
    issued, maturity = draw(_life(as_of))
    principal = draw(usd_amounts())
    floating = draw(st.booleans())
    amort_dates = draw(_dates_in_life(issued, maturity, max_size=3))
    # Each step takes at most a quarter of the principal, so the total stays below it.
    amortization = [
        Amortization(date=d, amount=principal * draw(st.floats(min_value=0.01, max_value=0.25)))
        for d in amort_dates
    ]
    return TermLoan(
        name=name if name is not None else draw(_names("LOAN")),
        principal=principal,
        rate=draw(_rates(0.1)),
        frequency=draw(st.sampled_from(_FREQUENCIES)),
        issued=issued,
        maturity=maturity,
        spread=draw(_rates(0.05)) if floating else None,
        floor=draw(st.none() | _rates(0.05)) if floating else None,
        max_ltv=draw(st.none() | st.floats(min_value=0.05, max_value=1.0)),
        pledged_units=draw(_units()) if pledged_units is None else pledged_units,
        liquidation_penalty=draw(st.sampled_from((0.0, 0.0, 0.05))),
        amortization=amortization,
    )


@st.composite
def notes(draw: st.DrawFn, as_of: dt.date | None = None, *, name: str | None = None) -> Note:
    """Valid plain notes (issue date sometimes unknown)."""
    issued, maturity = draw(_life(as_of))
    return Note(
        name=name if name is not None else draw(_names("NOTE")),
        principal=draw(usd_amounts()),
        coupon=draw(_rates(0.1)),
        frequency=draw(st.sampled_from(_FREQUENCIES)),
        issued=draw(st.sampled_from((issued, None))),
        maturity=maturity,
    )


@st.composite
def preferred_stocks(
    draw: st.DrawFn, currency: str | None = None, *, name: str | None = None
) -> PreferredStock:
    """Valid perpetual preferred series.

    ``currency=None`` draws one of ``None`` (reporting currency), ``"USD"`` or ``"EUR"``;
    a code fixes it. A company holding a EUR series needs ``fx={"EUR": ...}``.
    """
    rate = draw(_rates(0.15))
    cumulative = draw(st.booleans())
    steps = draw(_dates_in_life(MIN_DATE, MAX_DATE, max_size=3))
    schedule = [RateStep(date=d, rate=draw(_rates(0.15))) for d in steps]
    unpaid_rate: float | None = None
    unpaid_step = 0.0
    unpaid_cap: float | None = None
    if cumulative and draw(st.booleans()):
        unpaid_rate = draw(st.floats(min_value=rate, max_value=0.2))
        unpaid_step = draw(_rates(0.02))
        unpaid_cap = draw(st.none() | st.floats(min_value=unpaid_rate, max_value=0.3))
    ccy = draw(st.sampled_from((None, "USD", "EUR"))) if currency is None else currency
    issued = draw(st.none() | dates(MIN_DATE, dt.date(2030, 12, 31)))
    call_from = draw(st.none() | dates(MIN_DATE if issued is None else issued, MAX_DATE))
    return PreferredStock(
        name=name if name is not None else draw(_names("PREF")),
        notional=draw(usd_amounts()),
        rate=rate,
        frequency=draw(st.sampled_from(_FREQUENCIES)),
        cumulative=cumulative,
        dividends_in_shares=draw(st.booleans()),
        seniority=draw(st.integers(min_value=1, max_value=4)),
        conversion_ratio=draw(st.sampled_from((0.0, 0.0, 0.1, 0.5))),
        stated_amount=draw(st.sampled_from((100.0, 100.0, 10.0, 1000.0))),
        rate_schedule=schedule,
        unpaid_rate=unpaid_rate,
        unpaid_step=unpaid_step,
        unpaid_cap=unpaid_cap,
        call_from=call_from,  # a first call date is never before the issue date
        call_price=draw(st.sampled_from((1.0, 1.0, 1.01))),
        issued=issued,
        currency=ccy,
    )


def instruments(as_of: dt.date | None = None) -> st.SearchStrategy[Instrument]:
    """Any single valid instrument (secured notes without springing clauses)."""
    return st.one_of(
        convertible_notes(as_of),
        secured_notes((), as_of),
        term_loans(as_of),
        notes(as_of),
        preferred_stocks(),
    )


def _names(prefix: str) -> st.SearchStrategy[str]:
    return st.integers(min_value=1, max_value=999).map(lambda i: f"{prefix} {i}")


# --- companies ------------------------------------------------------------------------

_KINDS = ("convertible", "secured", "loan", "note", "preferred")


@st.composite
def companies(
    draw: st.DrawFn,
    min_instruments: int = 0,
    max_instruments: int = 6,
    as_of: dt.date | None = None,
    with_loans: bool | None = None,
    with_preferred: bool | None = None,
) -> Company:
    """Valid random companies.

    Guarantees: unique instrument names; all debt issued on or before ``as_of`` and maturing
    after it; total pledged units at most the units held; every springing clause names a
    convertible of the company that matures after the clause's test date; an ``fx`` entry
    for EUR (any non-reporting currency in use); positive shares; cash >= 0.

    ``with_loans`` / ``with_preferred``: ``True`` forces at least one term loan / preferred
    series (so ``max_instruments`` must then leave room), ``False`` forbids them, ``None``
    leaves it to chance.
    """
    if as_of is None:
        as_of = draw(dates(dt.date(2015, 1, 1), dt.date(2040, 12, 31)))
    kinds = [
        k
        for k in _KINDS
        if not (k == "loan" and with_loans is False)
        and not (k == "preferred" and with_preferred is False)
    ]
    forced = [k for k, flag in (("loan", with_loans), ("preferred", with_preferred)) if flag]
    low = max(min_instruments, len(forced))
    if low > max_instruments:
        raise ValueError("max_instruments leaves no room for the forced instrument kinds")
    count = draw(st.integers(min_value=low, max_value=max_instruments))
    chosen = forced + draw(
        st.lists(
            st.sampled_from(kinds), min_size=count - len(forced), max_size=count - len(forced)
        )
    )

    units = draw(_units())
    n_pledging = sum(1 for k in chosen if k in ("secured", "loan"))

    def pledge() -> float:
        # Each pledging instrument takes at most 1/n of the holdings: the total fits.
        return units * draw(st.floats(min_value=0.0, max_value=1.0)) / max(n_pledging, 1)

    result: list[Instrument] = []
    # Convertibles first, so secured notes can reference them.
    order = sorted(range(len(chosen)), key=lambda i: chosen[i] != "convertible")
    convertibles: list[ConvertibleNote] = []
    for idx in order:
        kind = chosen[idx]
        name = f"{kind} {idx + 1}"
        inst: Instrument
        if kind == "convertible":
            cvt = draw(convertible_notes(as_of, name=name))
            convertibles.append(cvt)
            inst = cvt
        elif kind == "secured":
            inst = draw(secured_notes(convertibles, as_of, name=name, pledged_units=pledge()))
        elif kind == "loan":
            inst = draw(term_loans(as_of, name=name, pledged_units=pledge()))
        elif kind == "note":
            inst = draw(notes(as_of, name=name))
        else:
            inst = draw(preferred_stocks(name=name))
        result.append(inst)

    return Company(
        name=draw(st.sampled_from(("Example Corp", "Treasury Inc", "Coin Holdings plc"))),
        as_of=as_of,
        holdings=Holdings(
            units=units, cost_basis=units * draw(st.floats(min_value=100.0, max_value=2e5))
        ),
        shares_basic=draw(st.floats(min_value=1e6, max_value=1e9)),
        cash=draw(st.floats(min_value=0.0, max_value=1e10)),
        ticker=draw(st.none() | st.just("TRSY")),
        other_assets=draw(st.floats(min_value=0.0, max_value=1e9)),
        other_dilutive_shares=draw(st.floats(min_value=0.0, max_value=1e7)),
        market=Market(fx={"EUR": draw(st.floats(min_value=0.8, max_value=1.5))}),
        instruments=result,
    )


# --- liquidation (issue 5): companies whose secured notes carry springing clauses ---------


@st.composite
def companies_with_springing(draw: st.DrawFn, max_other: int = 3) -> Company:
    """A random company plus one or two convertibles and a secured note with clauses on them.

    The base company comes from :func:`companies` (up to ``max_other`` instruments). The
    added secured note carries at least one springing clause whenever a referenced
    convertible matures late enough to leave room for a test date; its pledged units fit in
    what the base company leaves unpledged; its cash is 0 to 1.5 times the referenced
    principal, so the liquidity tests can pass or fail.
    """
    base = draw(companies(max_instruments=max_other))
    as_of = base.as_of
    refs = [
        draw(convertible_notes(as_of, name=f"springing ref {i + 1}"))
        for i in range(draw(st.integers(min_value=1, max_value=2)))
    ]
    free = base.holdings[0].units - base.pledged_units
    secured = draw(
        secured_notes(
            refs,
            as_of,
            name="springing secured",
            pledged_units=max(free, 0.0) * draw(st.floats(min_value=0.0, max_value=0.9)),
        )
    )
    # Cash comparable with the referenced principal, so that liquidity tests can go both ways.
    cash = sum(r.principal for r in refs) * draw(st.floats(min_value=0.0, max_value=1.5))
    return attrs.evolve(base, cash=cash, instruments=(*base.instruments, *refs, secured))


# --- simulation (issue 8): funding policies, premium and impact models, price paths -------

from treasurymodel.simulation import (  # noqa: E402
    ChannelState,
    ConstantPremium,
    ConvertibleIssuance,
    FundingPolicy,
    ImpactModel,
    PeakCompressionPremium,
    PreferredIssuance,
    PremiumModel,
    TermLoanIssuance,
)


def funding_policies() -> st.SearchStrategy[FundingPolicy]:
    """Valid :class:`treasurymodel.simulation.FundingPolicy` records covering every switch.

    ``preferred_series`` is left ``None`` (it must name a series of the company in use).
    """
    return st.builds(
        FundingPolicy,
        cash_reserve_floor=st.sampled_from((0.0, 1e6, 1e8)),
        issue_equity=st.booleans(),
        equity_gate=st.sampled_from(("accretion", "mnav")),
        accretion_margin=st.sampled_from((1.0, 0.5, 1.2)),
        min_mnav_to_issue=st.sampled_from((0.0, 1.0, 1.5)),
        max_issuance_fraction=st.sampled_from((0.0, 0.1, 1.0)),
        daily_turnover=st.sampled_from((0.01, 0.05)),
        sell_asset=st.booleans(),
        sell_asset_for_dividends=st.booleans(),
        skip_noncumulative_below_mnav=st.sampled_from((None, 1.0)),
        defer_cumulative_below_mnav=st.sampled_from((None, 0.9)),
        buy_asset_above_mnav=st.sampled_from((None, None, 1.2)),
        buy_fraction=st.sampled_from((0.5, 1.0)),
        issuer_calls=st.booleans(),
        holder_puts=st.sampled_from(("rational", "always", "never")),
        springing=st.sampled_from(("test", "worst", "best")),
        pay_dividends_in_shares_above=st.sampled_from((None, 0.0, 50.0)),
        channels=funding_channels(),
    )


class UnitsGrant:
    """A user-defined funding channel: a share of the reserve's value each step, no strings."""

    name = "units grant"

    def __init__(self, share: float) -> None:
        self.share = share

    def available(self, state: ChannelState) -> npt.NDArray[np.float64]:
        return self.share * (state.units * state.asset_price)


def convertible_issuances() -> st.SearchStrategy[ConvertibleIssuance]:
    """New-convertible channels whose tranches mature, or are put, within a year or two."""
    return st.builds(
        ConvertibleIssuance,
        capacity_per_year=st.sampled_from((0.0, 1e8, 1e10)),
        coupon=st.sampled_from((0.0, 0.05)),
        frequency=st.sampled_from((2, 4)),
        conversion_premium=st.sampled_from((0.0, 0.35)),
        tenor_years=st.sampled_from((1, 2)),
        put_years=st.none(),
        min_share_price=st.sampled_from((0.0, 50.0)),
        min_mnav=st.sampled_from((0.0, 1.0)),
    ) | st.builds(
        ConvertibleIssuance,
        capacity_per_year=st.just(1e10),
        coupon=st.just(0.02),
        tenor_years=st.just(2),
        put_years=st.just(1),
    )


def preferred_issuances() -> st.SearchStrategy[PreferredIssuance]:
    """New-preferred channels: fixed or rating-dependent rates, some closing on the rating."""
    return st.builds(
        PreferredIssuance,
        capacity_per_year=st.sampled_from((0.0, 1e8, 1e10)),
        rate=st.sampled_from((0.0, 0.1)),
        frequency=st.sampled_from((4, 12)),
        cumulative=st.booleans(),
        rating_for_rate=st.sampled_from((None, 2.0, 20.0)),
        widening=st.sampled_from((0.0, 0.01)),
        max_rate=st.sampled_from((0.12, 0.5)),
        min_rating=st.sampled_from((0.0, 1.0)),
        min_share_price=st.sampled_from((0.0, 50.0)),
    )


def term_loan_issuances() -> st.SearchStrategy[TermLoanIssuance]:
    """New-loan channels, some with margin calls close to the origination LTV."""
    return st.builds(
        TermLoanIssuance,
        capacity_per_year=st.sampled_from((0.0, 1e8, 1e10)),
        rate=st.sampled_from((0.0, 0.08)),
        frequency=st.sampled_from((4, 12)),
        tenor_years=st.sampled_from((1, 3)),
        origination_ltv=st.sampled_from((0.25, 0.5)),
        max_ltv=st.just(0.5),
        liquidation_penalty=st.sampled_from((0.0, 0.05)),
    )


@st.composite
def funding_channels(draw: st.DrawFn) -> tuple[Any, ...]:
    """Ordered channel lists: the default, with new convertibles or a user channel between."""
    kind = draw(
        st.sampled_from(
            (
                "default",
                "convertible",
                "convertible first",
                "user",
                "preferred",
                "both",
                "loans",
            )
        )
    )
    if kind == "default":
        return ("common", "preferred", "coins")
    if kind == "convertible":
        return ("common", draw(convertible_issuances()), "preferred", "coins")
    if kind == "convertible first":
        return (draw(convertible_issuances()), "coins", "common")
    if kind == "preferred":
        return ("common", "preferred", draw(preferred_issuances()), "coins")
    if kind == "loans":
        return ("common", draw(term_loan_issuances()), draw(convertible_issuances()), "coins")
    if kind == "both":
        return (draw(preferred_issuances()), draw(convertible_issuances()), "coins")
    return ("common", UnitsGrant(draw(st.sampled_from((0.0, 1e-3)))), "coins")


def premium_models() -> st.SearchStrategy[PremiumModel]:
    """Constant and peak-compression premium models."""
    return st.one_of(
        st.builds(ConstantPremium, mnav=st.sampled_from((0.5, 1.0, 2.0))),
        st.builds(
            PeakCompressionPremium,
            initial=st.sampled_from((1.5, 2.5)),
            floor=st.sampled_from((0.5, 1.0)),
            sensitivity=st.sampled_from((0.0, 3.0)),
            peak=st.none() | st.just(150_000.0),
        ),
    )


def impact_models() -> st.SearchStrategy[ImpactModel | None]:
    """``None`` (no impact) or a square-root impact model with a strong coefficient."""
    return st.none() | st.builds(
        ImpactModel,
        daily_volume=st.sampled_from((1_000.0, 50_000.0)),
        coefficient=st.sampled_from((0.03, 0.5)),
        permanent_fraction=st.sampled_from((0.0, 2.0 / 3.0, 1.0)),
    )


@st.composite
def price_paths(
    draw: st.DrawFn,
    paths: int = 4,
    steps: int = 40,
    step_days: int = 14,
    as_of: dt.date | None = None,
) -> tuple[npt.NDArray[np.float64], tuple[dt.date, ...], dt.date]:
    """(prices of shape (paths, steps + 1), dates, as_of): lognormal paths on a regular grid.

    The grid starts on ``as_of`` (drawn when not given) or up to 20 days later; volatility
    30% to 150% a year.
    """
    if as_of is None:
        as_of = draw(dates(dt.date(2016, 1, 1), dt.date(2040, 12, 31)))
    start = as_of + dt.timedelta(days=draw(st.integers(min_value=0, max_value=20)))
    grid = tuple(start + dt.timedelta(days=step_days * k) for k in range(steps + 1))
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    vol = draw(st.sampled_from((0.3, 0.8, 1.5)))
    asset_price = draw(st.floats(min_value=1e3, max_value=2e5))
    rng = np.random.default_rng(seed)
    returns = rng.standard_normal((paths, steps)) * vol * np.sqrt(step_days / 365.0)
    log_path = np.concatenate((np.zeros((paths, 1)), np.cumsum(returns, axis=1)), axis=1)
    return asset_price * np.exp(log_path), grid, as_of


# --- helpers for scaling properties (metrics and liquidation tests) ---------------------------


def scale_company(company: Company, k: float) -> Company:
    """``company`` with every amount in the reporting currency multiplied by ``k``.

    Cash, other assets, cost basis, every principal, notional and scheduled amortization, a
    springing clause's minimum outstanding, and the conversion prices (a note's conversion
    price; a preferred series' stated amount, with its conversion ratio divided by ``k``) all
    scale; units, share counts, rates and dates do not. Every USD figure of the company then
    scales by ``k``, every ratio and break price per unit of asset likewise by ``k``.
    """

    def one(inst: Instrument) -> Instrument:
        if isinstance(inst, ConvertibleNote):
            return attrs.evolve(
                inst,
                principal=inst.principal * k,
                conversion_price=inst.conversion_price * k,
                conversion_rate=inst.conversion_rate / k,
            )
        if isinstance(inst, SecuredNote):
            clauses = [
                attrs.evolve(
                    c, min_outstanding=None if c.min_outstanding is None else c.min_outstanding * k
                )
                for c in inst.springing
            ]
            return attrs.evolve(inst, principal=inst.principal * k, springing=clauses)
        if isinstance(inst, TermLoan):
            steps = [attrs.evolve(a, amount=a.amount * k) for a in inst.amortization]
            return attrs.evolve(inst, principal=inst.principal * k, amortization=steps)
        if isinstance(inst, PreferredStock):
            return attrs.evolve(
                inst,
                notional=inst.notional * k,
                stated_amount=inst.stated_amount * k,
                conversion_ratio=inst.conversion_ratio / k,
            )
        return attrs.evolve(inst, principal=inst.principal * k)

    return attrs.evolve(
        company,
        cash=company.cash * k,
        other_assets=company.other_assets * k,
        holdings=attrs.evolve(company.holdings[0], cost_basis=company.holdings[0].cost_basis * k),
        instruments=[one(i) for i in company.instruments],
    )
