"""Break prices: margin calls, maturity walls, springing maturities and obligation coverage.

The question a user brings in a sell-off is *at what price of the reserve asset does this
company face a margin call, a maturity it cannot pay, a maturity that springs forward, or
obligations it cannot cover?* Each function here answers one form of it from the company's
as-of balance sheet. :doc:`/theory/liquidation` states every formula; the how-to page
:doc:`/howto/break-prices` reproduces the published 2022 figures step by step.

Conventions shared by every function:

* Amounts are in the company's reporting currency (foreign-currency instruments at the
  company's ``fx`` rates). Prices are per unit of the held asset.
* The balance sheet is static: units held, unencumbered units, cash and share counts are
  those of the as-of date. Nothing is bought, sold or raised along the way.
* Break prices are computed analytically. Where what falls due itself depends on the price
  (springing tests, conversion into shares), every regime switch is a price found in closed
  form and the break price is found by an exact, vectorized search over those switch prices.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal

import attrs
import numpy as np

from . import schedule
from ._results import Tabular
from ._typing import ArrayLike, FloatArray, IntArray
from .company import Company, Holdings, Market, check_company
from .errors import ValidationError
from .instruments import (
    ConvertibleNote,
    Debt,
    Instrument,
    SecuredNote,
    SpringingMaturity,
    TermLoan,
)
from .instruments.capabilities import (
    Convertible,
    DividendPaying,
    HasMaturity,
    HasSpringing,
    MarginCallable,
)
from .kpi import _market, metrics, share_price_for_mnav
from .validators import check_choice, check_date, check_flag, check_number, price_array

__all__ = [
    "DueItem",
    "MaturityWall",
    "MaturityWallRow",
    "NavSensitivity",
    "SpringingTriggers",
    "coverage_break_price",
    "dividend_coverage_months",
    "joint_margin_call_price",
    "margin_call_price",
    "maturity_wall",
    "nav_sensitivity",
    "springing_trigger_price",
]

Springing = Literal["worst", "best", "test"]
"""How springing-maturity clauses are treated: every one springs, none does, or tested."""

Conversion = Literal["cash", "shares"]
"""How convertible principal is settled: always in cash, or in shares when in the money."""

By = Literal["year", "date"]
"""Row granularity of a maturity wall: calendar years, or each date something falls due."""

MnavBasis = Literal["ev", "market_cap"]
"""Which mNAV an assumed multiple refers to (:func:`treasurymodel.kpi.share_price_for_mnav`)."""

DueKind = Literal["maturity", "amortization", "put", "springing", "interest", "dividend"]
"""Why an amount falls due."""

_SPRINGING = ("worst", "best", "test")
_CONVERSION = ("cash", "shares")
_BY = ("year", "date")
_BASIS = ("ev", "market_cap")
_MAX_YEARS = 1000.0  # a coverage horizon beyond this is surely a mistake (and a slow one)


# --- input checks ---------------------------------------------------------------------


def _index_level(value: Any) -> float | None:
    return None if value is None else check_number("index_level", value)


def _prices(field: str, value: Any) -> FloatArray:
    """A 1-d float64 array of finite non-negative prices (a number gives one price)."""
    arr = price_array(field, value)
    if arr.ndim > 1:
        raise ValidationError(field, value, "must be a number or a 1-d array of prices")
    return np.array(arr.reshape(-1), dtype=np.float64)


# --- small helpers ----------------------------------------------------------------------


def _outstanding(instrument: Debt, on: _dt.date) -> float:
    """Principal outstanding just after ``on`` on the stated schedule (instrument currency)."""
    if on >= instrument.maturity:
        return 0.0
    return max(schedule._outstanding(instrument, on), 0.0)


def _per_unit(amount: float, units: float) -> float:
    """``amount / units`` with ``x / 0 = inf`` for ``x > 0`` and ``0 / 0 = 0``."""
    if amount <= 0.0:
        return 0.0
    return amount / units if units > 0.0 else math.inf


def _pass_threshold(level: float, slope: float, target: float) -> float:
    """Lowest price ``P >= 0`` with ``level + slope × P >= target`` (``inf`` if none)."""
    if level >= target:
        return 0.0
    if slope <= 0.0:
        return math.inf
    return (target - level) / slope


# --- margin calls -----------------------------------------------------------------------


def _collateral_need(company: Company, loan: TermLoan) -> float:
    """Collateral value the loan needs: outstanding balance / max LTV (reporting currency)."""
    assert loan.max_ltv is not None
    owed = _outstanding(loan, company.as_of) * company.fx_rate(loan.currency)
    return owed / loan.max_ltv


def margin_call_price(company: Company, name: str) -> float | None:
    """The price below which a collateralized loan's LTV limit can no longer be met.

    The borrower tops the collateral up from its unencumbered units; coins pledged to
    other instruments are not available. The margin-call price is where even every
    pledgeable unit is not enough::

        P* = outstanding / (max LTV × (units pledged to this loan + unencumbered units))

    Parameters
    ----------
    company
        The balance sheet.
    name
        Name of one of the company's instruments.

    Returns
    -------
    float or None
        The price, or ``None`` when the instrument has no asset trigger: a convertible, a
        secured note, a plain note, a preferred series, a loan without ``max_ltv`` or a loan
        with nothing outstanding on the as-of date. ``inf`` when no unit can be pledged.

    Raises
    ------
    ValidationError
        If ``name`` names no instrument of the company.

    Notes
    -----
    The balance is the principal outstanding on the company's as-of date (scheduled
    amortization paid by then is deducted). Units pledged to the loan plus unencumbered
    units equals units held minus units pledged to other instruments, so the price does not
    depend on how many coins are already pledged to the loan itself.

    Examples
    --------
    The 2022 BTC-backed term loan: $205M at a 50% max LTV, with 129,699 BTC held of which
    14,590 are pledged to the secured notes (primer, "A worked case").

    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, SecuredNote, TermLoan
    >>> co = Company(name="MSTR", as_of=dt.date(2022, 6, 30),
    ...     holdings=Holdings(units=129_699), shares_basic=11.3e6, instruments=[
    ...         TermLoan(name="loan", principal=205e6, rate=0.0375, max_ltv=0.5,
    ...                  pledged_units=30_051, issued=dt.date(2022, 3, 23),
    ...                  maturity=dt.date(2025, 3, 23)),
    ...         SecuredNote(name="secured", principal=500e6, coupon=0.06125,
    ...                     issued=dt.date(2021, 6, 14), maturity=dt.date(2028, 6, 15),
    ...                     pledged_units=14_590)])
    >>> round(margin_call_price(co, "loan"), 2)
    3561.84
    >>> margin_call_price(co, "secured") is None
    True
    """
    company = check_company(company)
    if not isinstance(name, str):
        raise ValidationError("name", name, "must be an instrument name")
    inst = company.instrument(name)
    if not isinstance(inst, MarginCallable) or inst.max_ltv is None:
        return None
    # The price of the pledged asset (the primary unless the loan names another), in the
    # currency that asset is quoted in: the need is in the reporting currency.
    need = _collateral_need(company, inst) / _price_rate(company, inst.collateral_asset)
    if need <= 0.0:
        return None
    return _per_unit(need, inst.pledged_units + company.unencumbered(inst.collateral_asset))


def margin_call_assets(company: Company) -> set[str]:
    """The assets pledged to the loans with a loan-to-value limit (their margin calls are in
    these assets' prices).

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, TermLoan
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), shares_basic=1,
    ...     holdings=[Holdings(asset="BTC", units=10), Holdings(asset="ETH", units=300)],
    ...     instruments=[TermLoan(name="L", principal=1e5, max_ltv=0.5, pledged_units=100,
    ...         collateral_asset="ETH", issued=dt.date(2025, 1, 1),
    ...         maturity=dt.date(2028, 1, 1))])
    >>> margin_call_assets(co)
    {'ETH'}
    """
    return {
        inst.collateral_asset or company.assets[0]
        for inst in company.debts
        if isinstance(inst, MarginCallable) and inst.max_ltv is not None
    }


def _price_rate(company: Company, asset: str | None) -> float:
    """Reporting currency per unit of the currency ``asset``'s price is quoted in (the
    company's as-of rate; 1 when quoted in the reporting currency)."""
    code = company.holding(asset).price_currency
    return 1.0 if code in (None, company.currency) else company.fx_rate(code)


def joint_margin_call_price(company: Company, *, release_excess: bool = False) -> float | None:
    """The price below which the collateralized loans together can no longer be topped up.

    Every loan with a max LTV needs collateral worth ``R_i = outstanding_i / max LTV_i``
    and holds ``p_i`` pledged units; all of them draw on the same ``U`` unencumbered units.

    With ``release_excess=False`` (the default) coins pledged to one loan stay with it, so
    at a price ``P`` the loans need ``sum_i max(R_i - p_i P, 0)`` of fresh collateral; they
    fail when that exceeds ``U P``. The joint price is the largest root::

        P* = max over S of  sum_{i in S} R_i / (U + sum_{i in S} p_i)

    (maximum over sets of loans; the maximizing set is the loans whose own collateral is
    short at ``P*``). It is never below any single loan's :func:`margin_call_price`.

    With ``release_excess=True`` a loan's collateral beyond its need can be released and
    pledged to another, so the coins are one pool::

        P* = sum_i R_i / (U + sum_i p_i)

    Returns
    -------
    float or None
        ``None`` when the company has no loan with a max LTV and a balance outstanding;
        ``inf`` when no unit can be pledged.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, TermLoan
    >>> def loan(name, principal, pledged):
    ...     return TermLoan(name=name, principal=principal, max_ltv=0.5, pledged_units=pledged,
    ...                     issued=dt.date(2025, 1, 1), maturity=dt.date(2028, 1, 1))
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
    ...     shares_basic=1e6, instruments=[loan("A", 10e6, 0), loan("B", 1e6, 900)])
    >>> margin_call_price(co, "A"), joint_margin_call_price(co)   # B's coins stay with B
    (200000.0, 200000.0)
    >>> joint_margin_call_price(co, release_excess=True)           # one pool of 1,000 BTC
    22000.0
    """
    company = check_company(company)
    release_excess = check_flag("release_excess", release_excess)
    need: list[float] = []
    pledged: list[float] = []
    for inst in company.debts:
        if isinstance(inst, MarginCallable) and inst.max_ltv is not None:
            r = _collateral_need(company, inst)
            if r > 0.0:
                need.append(r)
                pledged.append(inst.pledged_units)
    if not need:
        return None
    pledged_assets = margin_call_assets(company)
    if len(pledged_assets) > 1:
        raise ValidationError(
            "company",
            company.name,
            f"has loans secured by several assets {sorted(pledged_assets)}: their margin "
            "calls have no joint price of one asset (use margin_call_price per loan)",
        )
    asset = pledged_assets.pop()
    free = company.unencumbered(asset)
    # needs in the currency the pledged asset is quoted in
    R = np.asarray(need, dtype=np.float64) / _price_rate(company, asset)
    p = np.asarray(pledged, dtype=np.float64)
    if release_excess:
        return _per_unit(float(R.sum()), float(p.sum()) + free)
    # Sort by the price R_i / p_i at which a loan's own coins stop sufficing (highest first);
    # the maximizing set is a prefix of that order.
    with np.errstate(divide="ignore", over="ignore"):
        own = np.where(p > 0.0, R / np.where(p > 0.0, p, 1.0), np.inf)
    order = np.argsort(-own, kind="stable")
    cum_R = np.cumsum(R[order])
    cum_p = np.cumsum(p[order]) + free
    with np.errstate(divide="ignore", over="ignore"):
        candidates = np.where(cum_p > 0.0, cum_R / np.where(cum_p > 0.0, cum_p, 1.0), np.inf)
    return float(candidates.max())


# --- maturity wall: records -------------------------------------------------------------


@attrs.frozen(kw_only=True)
class DueItem:
    """One amount that falls due: which instrument, when, why and how much.

    Attributes
    ----------
    instrument
        Name of the instrument.
    date
        Date it falls due.
    kind
        ``"maturity"``, ``"amortization"``, ``"put"`` (a holder put assumed exercised),
        ``"springing"`` (a sprung maturity), ``"interest"`` (coupons, and interest accrued
        to an early repayment) or ``"dividend"`` (preferred dividends).
    amount
        Amount, in the company's reporting currency.

    Examples
    --------
    >>> import datetime as dt
    >>> DueItem(instrument="loan", date=dt.date(2025, 3, 23), kind="maturity",
    ...         amount=205e6).amount
    205000000.0
    """

    instrument: str
    date: _dt.date
    kind: DueKind
    amount: float

    def to_record(self) -> dict[str, Any]:
        """The item as a plain dict.

        Examples
        --------
        >>> import datetime as dt
        >>> DueItem(instrument="n", date=dt.date(2027, 1, 1), kind="maturity",
        ...         amount=5.0).to_record()["kind"]
        'maturity'
        """
        return {
            "instrument": self.instrument,
            "date": self.date,
            "kind": self.kind,
            "amount": self.amount,
        }


@attrs.frozen(kw_only=True)
class MaturityWallRow:
    """One period of a maturity wall.

    Attributes
    ----------
    period
        ``"2025"`` (``by="year"``) or ``"2025-03-23"`` (``by="date"``).
    end
        Last day of the period (the horizon's end for a last, partial year).
    due
        What falls due in the period.
    cumulative_due
        What falls due from the as-of date through ``end``.
    breakeven_price
        The lowest price at and above which the holdings (plus cash when counted) cover
        everything due through ``end``; 0 when cash alone covers it, ``inf`` when no price
        does.
    items
        What falls due in the period, instrument by instrument.

    Notes
    -----
    In the modes where what falls due depends on the price (``springing="test"``,
    ``conversion="shares"``) a row's amounts and items are those of the scenario that
    binds its breakeven price (the one in force just below it); different rows may then
    be under different scenarios.

    Examples
    --------
    >>> import datetime as dt
    >>> row = MaturityWallRow(period="2025", end=dt.date(2025, 12, 31), due=1.355e9,
    ...     cumulative_due=1.355e9, breakeven_price=10_447.27)
    >>> row.to_record()["breakeven_price"]
    10447.27
    """

    period: str
    end: _dt.date
    due: float
    cumulative_due: float
    breakeven_price: float
    items: tuple[DueItem, ...] = ()

    def to_record(self) -> dict[str, Any]:
        """The row as a plain dict (items as a list of dicts).

        Examples
        --------
        >>> import datetime as dt
        >>> MaturityWallRow(period="2027", end=dt.date(2027, 12, 31), due=0.0,
        ...     cumulative_due=0.0, breakeven_price=0.0).to_record()["items"]
        []
        """
        return {
            "period": self.period,
            "end": self.end,
            "due": self.due,
            "cumulative_due": self.cumulative_due,
            "breakeven_price": self.breakeven_price,
            "items": [item.to_record() for item in self.items],
        }


@attrs.frozen(kw_only=True, repr=False)
class MaturityWall(Tabular):
    """A maturity wall: its rows and the assumptions they were computed under.

    Iterating over a wall yields its rows; ``len`` counts them.

    Attributes
    ----------
    rows
        One :class:`MaturityWallRow` per period, in date order.
    as_of, until
        The window ``(as_of, until]`` covered.
    by, springing, conversion, puts, include_interest, include_cash
        The options used (see :func:`maturity_wall`).
    mnav, mnav_basis
        The assumed multiple and its basis (``conversion="shares"``; otherwise ``None``).
    units
        Units whose sale covers what falls due (all units held).
    cash
        Cash counted as a resource (0 unless ``include_cash``).

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Note
    >>> co = Company(name="X", as_of=dt.date(2025, 6, 30), holdings=Holdings(units=100),
    ...     shares_basic=1e6, instruments=[Note(name="n", principal=5e6,
    ...     maturity=dt.date(2026, 3, 1))])
    >>> wall = maturity_wall(co)
    >>> [(r.period, r.breakeven_price) for r in wall]
    [('2025', 0.0), ('2026', 50000.0)]
    >>> wall.row("2026").items[0].kind
    'maturity'
    """

    rows: tuple[MaturityWallRow, ...]
    as_of: _dt.date
    until: _dt.date
    by: By
    springing: Springing
    conversion: Conversion
    puts: bool
    include_interest: bool
    include_cash: bool
    mnav: float | None
    mnav_basis: MnavBasis | None
    units: float
    cash: float

    def __iter__(self) -> Iterator[MaturityWallRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def row(self, period: str) -> MaturityWallRow:
        """The row of ``period`` (``"2025"`` or ``"2025-03-23"``).

        Raises
        ------
        ValidationError
            If the wall has no such period.

        Examples
        --------
        >>> import datetime as dt
        >>> from treasurymodel import Company, Holdings, Note
        >>> co = Company(name="X", as_of=dt.date(2025, 6, 30), holdings=Holdings(units=100),
        ...     shares_basic=1e6, instruments=[Note(name="n", principal=5e6,
        ...     maturity=dt.date(2026, 3, 1))])
        >>> maturity_wall(co).row("2026").due
        5000000.0
        """
        for r in self.rows:
            if r.period == period:
                return r
        raise ValidationError("period", period, "is not a period of this wall")

    @property
    def breakeven_prices(self) -> FloatArray:
        """The rows' breakeven prices as an array.

        Examples
        --------
        >>> import datetime as dt
        >>> from treasurymodel import Company, Holdings, Note
        >>> co = Company(name="X", as_of=dt.date(2025, 6, 30), holdings=Holdings(units=100),
        ...     shares_basic=1e6, instruments=[Note(name="n", principal=5e6,
        ...     maturity=dt.date(2026, 3, 1))])
        >>> maturity_wall(co).breakeven_prices.tolist()
        [0.0, 50000.0]
        """
        return np.asarray([r.breakeven_price for r in self.rows], dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        """Columns by name, one entry per period: ``period``, ``end`` (``datetime64[D]``),
        ``due``, ``cumulative_due``, ``breakeven_price`` and ``items`` (how many amounts fall
        due in the period; the amounts themselves are in each row's ``items``).

        Examples
        --------
        >>> import datetime as dt
        >>> from treasurymodel import Company, Holdings, Note
        >>> co = Company(name="X", as_of=dt.date(2025, 6, 30), holdings=Holdings(units=100),
        ...     shares_basic=1e6, instruments=[Note(name="n", principal=5e6,
        ...     maturity=dt.date(2026, 3, 1))])
        >>> d = maturity_wall(co).to_dict()
        >>> d["period"].tolist(), d["cumulative_due"].tolist(), str(d["end"][1])
        (['2025', '2026'], [0.0, 5000000.0], '2026-03-01')
        """
        rows = self.rows
        return {
            "period": np.array([r.period for r in rows], dtype=object),
            "end": np.array([r.end for r in rows], dtype="datetime64[D]"),
            "due": np.array([r.due for r in rows], dtype=np.float64),
            "cumulative_due": np.array([r.cumulative_due for r in rows], dtype=np.float64),
            "breakeven_price": np.array([r.breakeven_price for r in rows], dtype=np.float64),
            "items": np.array([len(r.items) for r in rows], dtype=np.int64),
        }

    _index = "period"

    def _title(self) -> str:
        return (
            f"MaturityWall ({self.as_of.isoformat()} to {self.until.isoformat()}, by {self.by}; "
            f"springing {self.springing}, conversion {self.conversion})"
        )

    def _footer(self) -> str:
        return (
            f"breakeven price: the asset price at which {self.units:,.6g} units cover what is due"
        )


# --- maturity wall: scenarios -----------------------------------------------------------


@attrs.frozen
class _Plan:
    """One way an instrument's obligations can play out in the window."""

    items: tuple[DueItem, ...]
    repaid: _dt.date | None  # the date its principal stops being outstanding


@attrs.frozen
class _Switching:
    """An instrument's plans and the rule choosing one at each price.

    ``select(P)`` returns, for each price of the 1-d array ``P``, the index of the plan in
    force. Every switch happens at one of ``thresholds`` (a plan rule only tests ``P < t``).
    """

    instrument: Instrument
    plans: tuple[_Plan, ...]
    select: Callable[[FloatArray], IntArray]
    thresholds: tuple[float, ...] = ()


def _constant(index: int) -> Callable[[FloatArray], IntArray]:
    def select(prices: FloatArray) -> IntArray:
        return np.full(prices.shape, index, dtype=np.int64)

    return select


@attrs.frozen
class _Options:
    start: _dt.date
    end: _dt.date
    include_interest: bool
    include_principal: bool
    index_level: float | None
    liquidity: float = 0.0  # fixed liquidity besides the cash (other assets' free value)


def _debt_plan(
    company: Company,
    inst: Debt,
    opts: _Options,
    *,
    early: _dt.date | None = None,
    kind: DueKind = "maturity",
    price: float = 1.0,
    principal: bool = True,
) -> _Plan:
    """Flows of ``inst`` in the window: as scheduled, or repaid on ``early`` at ``price``.

    ``principal=False`` drops the principal (a note converted into shares at maturity).
    """
    fx = company.fx_rate(inst.currency)
    items: list[DueItem] = []
    if early is not None and early >= inst.maturity:
        early = None
    stop = opts.end if early is None else min(early, opts.end)
    flows = schedule.cash_flows(inst, start=opts.start, end=stop, index_level=opts.index_level)
    for i, day in enumerate(flows.dates):
        if opts.include_interest and flows.interest[i] > 0.0:
            items.append(
                DueItem(
                    instrument=inst.name,
                    date=day,
                    kind="interest",
                    amount=float(flows.interest[i]) * fx,
                )
            )
        if opts.include_principal and principal and flows.principal[i] > 0.0:
            what: DueKind = "maturity" if day == inst.maturity else "amortization"
            items.append(
                DueItem(
                    instrument=inst.name,
                    date=day,
                    kind=what,
                    amount=float(flows.principal[i]) * fx,
                )
            )
    if early is None:
        return _Plan(items=tuple(items), repaid=inst.maturity)
    if early <= opts.end:
        if opts.include_interest:
            accrued = schedule.accrued_interest(inst, early, index_level=opts.index_level)
            if accrued > 0.0:
                items.append(
                    DueItem(instrument=inst.name, date=early, kind="interest", amount=accrued * fx)
                )
        owed = _outstanding(inst, early - _dt.timedelta(days=1)) * price
        if opts.include_principal and principal and owed > 0.0:
            items.append(DueItem(instrument=inst.name, date=early, kind=kind, amount=owed * fx))
    return _Plan(items=tuple(items), repaid=early)


def _share_threshold(company: Company, target: float, mnav: float, mnav_basis: MnavBasis) -> float:
    """Lowest asset price at which the implied share price reaches ``target``.

    The implied share price is ``share_price_for_mnav(company, mnav=mnav, asset_price=P,
    mnav_basis=mnav_basis)``, linear in ``P``.
    """
    slope = mnav * company.holdings[0].units / company.shares_basic
    level = 0.0
    if mnav_basis == "ev":
        level = (
            company.cash - company.total_debt - company.total_preferred
        ) / company.shares_basic
    return _pass_threshold(level, slope, target)


def _first_put(note: ConvertibleNote, after: _dt.date) -> _dt.date | None:
    for day in note.puts:
        if after < day < note.maturity:
            return day
    return None


def _convertible(
    company: Company,
    note: ConvertibleNote,
    opts: _Options,
    *,
    conversion: Conversion,
    puts: bool,
    mnav: float,
    mnav_basis: MnavBasis,
) -> _Switching:
    put_day = _first_put(note, opts.start) if puts else None
    put_plan = (
        _debt_plan(company, note, opts, early=put_day, kind="put", price=note.put_price)
        if put_day is not None
        else None
    )
    cash_plan = _debt_plan(company, note, opts)
    if conversion == "cash":
        return _Switching(note, (put_plan or cash_plan,), _constant(0))
    converted = _debt_plan(company, note, opts, principal=False)
    conv_price = note.conversion_price * company.fx_rate(note.currency)
    t_conv = _share_threshold(company, conv_price, mnav, mnav_basis)
    if put_plan is None:

        def select(prices: FloatArray) -> IntArray:
            return np.where(prices < t_conv, 0, 1).astype(np.int64)

        return _Switching(note, (cash_plan, converted), select, (t_conv,))
    # Holders put when the conversion value is below the put price, i.e. when the share
    # price is below conversion price × put price; otherwise they hold and, at maturity,
    # convert if the share price is at least the conversion price.
    t_put = _share_threshold(company, conv_price * note.put_price, mnav, mnav_basis)

    def select_put(prices: FloatArray) -> IntArray:
        return np.where(prices < t_put, 0, np.where(prices < t_conv, 1, 2)).astype(np.int64)

    return _Switching(note, (put_plan, cash_plan, converted), select_put, (t_put, t_conv))


def _reference_amount(
    company: Company, reference: Instrument, on: _dt.date, repaid: _dt.date | None
) -> tuple[float, float]:
    """(principal outstanding in its currency, repayment need in the reporting currency).

    The need is principal plus interest accrued on ``on``; a reference repaid on or before
    ``on`` has nothing outstanding.
    """
    if not isinstance(reference, HasMaturity):
        return reference.face, company.amount(reference)
    if repaid is not None and repaid <= on:
        return 0.0, 0.0
    owed = _outstanding(reference, on)
    if owed <= 0.0:
        return 0.0, 0.0
    accrued = schedule.accrued_interest(reference, on)
    return owed, (owed + accrued) * company.fx_rate(reference.currency)


def _clause_threshold(
    company: Company,
    clause: SpringingMaturity,
    outstanding: float,
    need: float,
    liquidity: float = 0.0,
) -> float | None:
    """Price below which ``clause``'s liquidity test fails; ``None`` if it cannot fail.

    Liquidity = cash + ``liquidity`` (the fixed free value of other assets) + unencumbered
    units × P; the test fails when liquidity is below ``liquidity_multiple × need``, unless
    less than ``min_outstanding`` remains.
    """
    if clause.min_outstanding is not None and outstanding < clause.min_outstanding:
        return None
    t = _pass_threshold(
        company.cash + liquidity, company.unencumbered_units, clause.liquidity_multiple * need
    )
    return None if t <= 0.0 else t


def _secured(
    company: Company,
    note: SecuredNote,
    opts: _Options,
    *,
    springing: Springing,
    references: dict[str, _Switching],
) -> _Switching:
    clauses = [c for c in note.springing if c.date > opts.start]
    plans = [_debt_plan(company, note, opts, early=c.date, kind="springing") for c in clauses]
    plans.append(_debt_plan(company, note, opts))
    last = len(clauses)
    if springing == "worst" or not clauses:
        return _Switching(note, tuple(plans), _constant(0 if springing == "worst" else last))
    if springing == "best":
        return _Switching(note, tuple(plans), _constant(last))
    # 'test': clause c springs at P when the reference is in plan r (chosen by its own rule)
    # and P is below the threshold of (c, r). The first clause that springs wins.
    rules: list[list[tuple[int, float]]] = []  # per clause: (reference plan, threshold)
    ref_selects: list[Callable[[FloatArray], IntArray]] = []
    thresholds: list[float] = []
    for clause in clauses:
        ref = references.get(clause.reference)
        if ref is None:  # a secured note as reference: its stated schedule
            ref = _Switching(
                company.instrument(clause.reference),
                (_Plan(items=(), repaid=_stated_repaid(company.instrument(clause.reference))),),
                _constant(0),
            )
        rule: list[tuple[int, float]] = []
        for r, plan in enumerate(ref.plans):
            outstanding, need = _reference_amount(
                company, ref.instrument, clause.date, plan.repaid
            )
            t = _clause_threshold(company, clause, outstanding, need, opts.liquidity)
            rule.append((r, 0.0 if t is None else t))
            if t is not None and math.isfinite(t):
                thresholds.append(t)
        rules.append(rule)
        ref_selects.append(ref.select)

    def select(prices: FloatArray) -> IntArray:
        chosen = np.full(prices.shape, last, dtype=np.int64)
        # Walk clauses from the last to the first so the earliest springing one wins.
        for c in range(last - 1, -1, -1):
            ref_plan = ref_selects[c](prices)
            springs = np.zeros(prices.shape, dtype=bool)
            for r, t in rules[c]:
                springs |= (ref_plan == r) & (prices < t)
            chosen = np.where(springs, c, chosen)
        return chosen

    return _Switching(note, tuple(plans), select, tuple(thresholds))


def _stated_repaid(inst: Instrument) -> _dt.date | None:
    return inst.maturity if isinstance(inst, HasMaturity) else None


def _plain(company: Company, inst: Instrument, opts: _Options) -> _Switching:
    if isinstance(inst, DividendPaying):
        items: list[DueItem] = []
        if opts.include_interest:
            fx = company.fx_rate(inst.currency)
            flows = schedule.cash_flows(inst, start=opts.start, end=opts.end)
            items = [
                DueItem(instrument=inst.name, date=d, kind="dividend", amount=float(a) * fx)
                for d, a in zip(flows.dates, flows.dividends, strict=True)
                if a > 0.0
            ]
        return _Switching(inst, (_Plan(items=tuple(items), repaid=None),), _constant(0))
    return _Switching(inst, (_debt_plan(company, inst, opts),), _constant(0))


def _structure(
    company: Company,
    opts: _Options,
    *,
    springing: Springing,
    conversion: Conversion,
    puts: bool,
    mnav: float,
    mnav_basis: MnavBasis,
) -> list[_Switching]:
    out: dict[str, _Switching] = {}
    for inst in company.instruments:
        if isinstance(inst, Convertible) and isinstance(inst, HasMaturity):
            out[inst.name] = _convertible(
                company,
                inst,
                opts,
                conversion=conversion,
                puts=puts,
                mnav=mnav,
                mnav_basis=mnav_basis,
            )
        elif not isinstance(inst, HasSpringing):
            out[inst.name] = _plain(company, inst, opts)
    plain = dict(out)
    for inst in company.instruments:
        if isinstance(inst, HasSpringing):
            out[inst.name] = _secured(company, inst, opts, springing=springing, references=plain)
    return [out[i.name] for i in company.instruments]


# --- maturity wall: the computation ---------------------------------------------------


def _periods(
    plans: list[_Plan], opts: _Options, by: By
) -> tuple[list[str], list[_dt.date], Callable[[_dt.date], int]]:
    """Row labels, row end dates and the row of a date; ``plans`` are those ever in force."""
    if by == "year":
        years = list(range(opts.start.year, opts.end.year + 1))
        labels = [str(y) for y in years]
        ends = [min(_dt.date(y, 12, 31), opts.end) for y in years]
        first = opts.start.year
        return labels, ends, lambda d: d.year - first
    days = sorted({i.date for p in plans for i in p.items})
    index = {d: k for k, d in enumerate(days)}
    return [d.isoformat() for d in days], days, index.__getitem__


@attrs.frozen
class _Solved:
    labels: list[str]
    ends: list[_dt.date]
    due: FloatArray  # (periods,) under each row's binding scenario
    cumulative: FloatArray  # (periods,)
    breakeven: FloatArray  # (periods,)
    items: list[tuple[DueItem, ...]]


def _solve(
    company: Company,
    opts: _Options,
    *,
    by: By,
    springing: Springing,
    conversion: Conversion,
    puts: bool,
    include_cash: bool,
    mnav: float,
    mnav_basis: MnavBasis,
    extra: float = 0.0,
) -> _Solved:
    structure = _structure(
        company,
        opts,
        springing=springing,
        conversion=conversion,
        puts=puts,
        mnav=mnav,
        mnav_basis=mnav_basis,
    )
    # Regime boundaries: every price at which some plan switches; the plans in force are
    # constant on each interval [b_k, b_{k+1}).
    cuts = {t for s in structure for t in s.thresholds if 0.0 < t < math.inf}
    bounds = np.asarray(sorted({0.0, *cuts}), dtype=np.float64)
    upper = np.append(bounds[1:], np.inf)
    chosen = [s.select(bounds) for s in structure]
    used = [sorted({int(k) for k in pick}) for pick in chosen]
    labels, ends, period_of = _periods(
        [s.plans[k] for s, ks in zip(structure, used, strict=True) for k in ks], opts, by
    )
    n_periods = len(labels)
    due = np.zeros((bounds.size, n_periods))
    for s, pick, ks in zip(structure, chosen, used, strict=True):
        matrix = np.zeros((len(s.plans), n_periods))
        for k in ks:
            for item in s.plans[k].items:
                matrix[k, period_of(item.date)] += item.amount
        due += matrix[pick]
    cumulative = np.cumsum(due, axis=1)
    cash = company.cash if include_cash else 0.0
    units = company.holdings[0].units
    short = np.maximum(cumulative - cash - extra, 0.0)
    with np.errstate(over="ignore"):
        needed = short / units if units > 0.0 else np.where(short > 0.0, np.inf, 0.0)
    # In interval k the uncovered prices are [b_k, min(b_{k+1}, needed_k)); the breakeven is
    # the supremum of the union over k (0 when nothing is uncovered).
    reach = np.where(needed > bounds[:, None], np.minimum(upper[:, None], needed), 0.0)
    binding = np.argmax(reach, axis=0) if n_periods else np.zeros(0, dtype=np.int64)
    cols = np.arange(n_periods)
    items: list[tuple[DueItem, ...]] = []
    for j in range(n_periods):
        k = int(binding[j])
        row = [
            item
            for s, pick in zip(structure, chosen, strict=True)
            for item in s.plans[int(pick[k])].items
            if period_of(item.date) == j
        ]
        items.append(tuple(sorted(row, key=lambda i: (i.date, i.instrument, i.kind))))
    return _Solved(
        labels=labels,
        ends=ends,
        due=due[binding, cols],
        cumulative=cumulative[binding, cols],
        breakeven=reach[binding, cols],
        items=items,
    )


def _default_until(company: Company) -> _dt.date:
    maturities = [d.maturity for d in company.debts if d.maturity > company.as_of]
    if maturities:
        return max(maturities)
    return _dt.date(company.as_of.year, 12, 31)


def _checked_solve(
    company: Company,
    *,
    by: Any,
    springing: Any,
    conversion: Any,
    puts: Any,
    include_interest: Any,
    include_principal: bool,
    include_cash: Any,
    mnav: Any,
    mnav_basis: Any,
    until: Any,
    index_level: Any,
    extra: float = 0.0,
) -> tuple[_Solved, _dt.date, float]:
    """Check the options of a wall, then solve it: (solution, end of window, mNAV)."""
    check_choice("by", by, _BY)
    check_choice("springing", springing, _SPRINGING)
    check_choice("conversion", conversion, _CONVERSION)
    check_choice("mnav_basis", mnav_basis, _BASIS)
    puts = check_flag("puts", puts)
    include_interest = check_flag("include_interest", include_interest)
    include_cash = check_flag("include_cash", include_cash)
    m = check_number("mnav", mnav, minimum=0.0)
    level = _index_level(index_level)
    if until is None:
        end = _default_until(company)
    else:
        end = check_date("until", until)
        if end <= company.as_of:
            raise ValidationError("until", until, f"must be after as_of ({company.as_of})")
    opts = _Options(
        start=company.as_of,
        end=end,
        include_interest=include_interest,
        include_principal=include_principal,
        index_level=level,
        liquidity=extra,
    )
    solved = _solve(
        company,
        opts,
        by=by,
        springing=springing,
        conversion=conversion,
        puts=puts,
        include_cash=include_cash,
        mnav=m,
        mnav_basis=mnav_basis,
        extra=extra,
    )
    return solved, end, m


def _one_asset_view(
    company: Company,
    *,
    asset: Any,
    shock: Any,
    asset_price: Any,
    fx: Any,
    conversion: Any,
    springing: Any,
    pledges_fixed: bool = False,
) -> tuple[Company, float]:
    """The company as one asset whose price is the break price asked for, and a fixed extra
    resource: itself for one asset priced in the reporting currency (the exact old path).

    * ``shock=True``: one synthetic asset worth ``V0`` (every asset at its reference price,
      reporting currency) at "price" 1; a price ``s`` of it is the common scale factor
      applied to all asset prices. Pledged units become pledged value (units × reference
      price), so every threshold scales with ``s`` exactly.
    * otherwise the asset ``asset`` (the primary by default), its units counted in the
      reporting currency per unit of its price currency, and the other assets' value at
      their fixed reference prices as an extra resource. Pledged units of ``asset`` count
      in the same measure as its units (× its FX rate). Another asset pledged is refused
      (its margin calls would move with a price held fixed), unless ``pledges_fixed``
      (a liquidity test: only the unencumbered units of the other assets then count in the
      extra resource, and their pledges leave the view).
    """
    check_flag("shock", shock)
    if asset is not None and (not isinstance(asset, str) or asset not in company.assets):
        raise ValidationError("asset", asset, f"names no asset held by {company.name!r}")
    if shock and asset is not None:
        raise ValidationError("asset", asset, "cannot be given with shock=True (all assets move)")
    target = company.holding(asset)
    simple = (
        not shock
        and len(company.holdings) == 1
        and target.price_currency in (None, company.currency)
        and fx is None
    )
    from .assets import asset_prices, fx_rates

    if simple:
        if asset_price is not None:  # not needed here, but a bad argument is still refused
            asset_prices(company, asset_price, field="asset_price")
        return company, 0.0

    reference: Any = {} if asset_price is None else asset_price
    if not shock:
        given = reference if isinstance(reference, Mapping) else {company.assets[0]: reference}
        if target.asset in given:  # replaced below, but a bad reference is still refused
            field = (
                f"asset_price.{target.asset}" if isinstance(reference, Mapping) else "asset_price"
            )
            if np.ndim(price_array(field, given[target.asset])):
                raise ValidationError(
                    "asset_price",
                    asset_price,
                    "must give one reference price per asset (numbers, not arrays)",
                )
        # The target's own price is what is solved for: at 1 its "price" is its FX rate.
        reference = {**dict(given), target.asset: 1.0}
    rates = fx_rates(company, fx)
    if any(np.ndim(r) for r in rates.values()):
        raise ValidationError("fx", fx, "must give numbers here, not arrays")
    prices, scalar = asset_prices(company, reference, fx=fx, field="asset_price")
    if not scalar:
        raise ValidationError(
            "asset_price",
            asset_price,
            "must give one reference price per asset (numbers, not arrays)",
        )
    value = {a: float(p) for a, p in prices.items()}
    if not math.isfinite(sum(h.units * value[h.asset] for h in company.holdings)):
        raise ValidationError(
            "asset_price",
            asset_price,
            "is too large: the holdings' value at these prices leaves the float range",
        )
    if fx is not None:
        company = attrs.evolve(
            company,
            market=attrs.evolve(
                company.market or Market(),
                fx={k: float(v) for k, v in rates.items() if k != company.currency},
            ),
        )
    primary = company.assets[0]
    instruments = []
    for inst in company.instruments:
        if isinstance(inst, SecuredNote | TermLoan):
            pledged_on = inst.collateral_asset or primary
            if shock:
                inst = attrs.evolve(
                    inst,
                    pledged_units=inst.pledged_units * value[pledged_on],
                    collateral_asset=None,
                )
            elif pledged_on != target.asset and inst.pledged_units > 0.0 and pledges_fixed:
                inst = attrs.evolve(inst, pledged_units=0.0, collateral_asset=None)
            elif pledged_on != target.asset and inst.pledged_units > 0.0:
                raise ValidationError(
                    "asset",
                    target.asset,
                    f"is not the collateral of {inst.name!r} (it is {pledged_on}): the break "
                    "price of one asset with the others fixed is refused when another asset "
                    "is pledged; use shock=True",
                )
            else:  # pledged on the target: in the measure of its units (× its FX rate)
                inst = attrs.evolve(
                    inst,
                    pledged_units=inst.pledged_units * value[target.asset],
                    collateral_asset=None,
                )
        instruments.append(inst)
    if shock:
        units = math.fsum(h.units * value[h.asset] for h in company.holdings)
        name, extra = "common shock", 0.0
    else:
        units = target.units * value[target.asset]  # value per unit of the solved price
        name = target.asset
        extra = math.fsum(
            (company.unencumbered(h.asset) if pledges_fixed else h.units) * value[h.asset]
            for h in company.holdings
            if h is not target
        )
        if conversion == "shares":
            raise ValidationError(
                "asset",
                target.asset,
                "with the other assets fixed, conversion='shares' is not supported (the "
                "implied share price values all the assets); use shock=True",
            )
    view = attrs.evolve(
        company,
        holdings=Holdings(
            asset=name,
            units=units,
            cost_basis=math.fsum(h.cost_basis for h in company.holdings),
        ),
        instruments=instruments,
        market=None
        if company.market is None
        else attrs.evolve(company.market, asset_price=None, asset_prices={}),
    )
    return view, extra


def maturity_wall(
    company: Company,
    *,
    by: By = "year",
    springing: Springing = "worst",
    include_interest: bool = False,
    include_cash: bool = False,
    conversion: Conversion = "cash",
    puts: bool = False,
    mnav: float = 1.0,
    mnav_basis: MnavBasis = "ev",
    until: _dt.date | None = None,
    index_level: float | None = None,
    asset: str | None = None,
    shock: bool = False,
    asset_price: float | Mapping[str, float] | None = None,
    fx: Mapping[str, float] | None = None,
) -> MaturityWall:
    """What falls due, period by period, and the price at which the holdings cover it.

    Each row gives what falls due in a calendar year (or on a date) and the *cumulative*
    breakeven price: the lowest price at and above which selling the holdings (plus the
    cash, when counted) pays everything due from the as-of date through the row's end::

        breakeven = max(cumulative due - cash, 0) / units held

    when what falls due does not depend on the price. All units count, pledged ones too:
    selling a pledged coin repays the lender it is pledged to, which is part of what is due.

    Parameters
    ----------
    company
        The balance sheet; the wall covers ``(company.as_of, until]``.
    by
        ``"year"`` (a row per calendar year, zero rows included) or ``"date"`` (a row per
        date on which something may fall due).
    springing
        ``"worst"``: every secured note's maturity springs to its first test date after the
        as-of date (the published convention). ``"best"``: none springs. ``"test"``: a
        clause springs when, on its date, liquidity = cash + unencumbered units × price is
        below its multiple of the reference's principal plus accrued interest, unless less
        than its ``min_outstanding`` of the reference remains; the earliest failing clause
        wins (see :func:`springing_trigger_price`).
    include_interest
        Add scheduled interest (to maturity, or to an early repayment plus the interest
        accrued then) and preferred dividends.
    include_cash
        Count the company's cash as a resource besides the holdings.
    conversion
        ``"cash"``: every convertible's principal is repaid in cash (the published
        convention). ``"shares"``: a convertible needs no cash at maturity when the share
        price implied by ``mnav`` is at least its conversion price; holders then convert.
    puts
        Treat holder puts as exercised: a convertible's principal (at its put price) falls
        due on its first put date after the as-of date instead of at maturity. With
        ``conversion="shares"`` holders put only when the implied share price is below
        conversion price × put price. Off by default (the published convention counts
        maturities only).
    mnav, mnav_basis
        The assumed multiple for ``conversion="shares"``: share price =
        ``share_price_for_mnav(company, mnav=mnav, asset_price=P, mnav_basis=mnav_basis)``, i.e.
        (mNAV × units × P − debt − pref + cash) / basic shares on the ``"ev"`` basis, or
        mNAV × units × P / basic shares on the ``"market_cap"`` basis.
    until
        Last date covered; default the latest stated debt maturity (the end of the as-of
        year when there is no debt).
    index_level
        Level of the floating index for floating-rate loans (``None``: their ``rate``).
    asset
        For a company holding several assets: the asset whose break price is solved for,
        the others held at their prices in ``asset_price`` (or ``company.market``) and counted
        as a fixed resource (and, in a springing test, as fixed liquidity). Default the
        primary asset. Refused with ``conversion="shares"`` or another asset pledged (use
        ``shock``).
    shock
        Solve instead for the common scale factor ``s`` applied to every asset's price (1 =
        the reference prices, 0.6 = all 40% lower): the breakeven "prices" are then factors.
        Pledged units count at their value, and a margin call may draw on any unencumbered
        asset.
    asset_price
        Reference prices (the primary's, or ``{asset: price}``) for ``asset`` and ``shock``;
        default ``company.market``'s.
    fx
        FX rates (numbers) replacing ``company.market.fx``; a break price of an asset priced
        in another currency than the reporting one is in its price currency.

    Returns
    -------
    MaturityWall
        The rows and the assumptions used. ``units`` is then the value of the assets at
        the reference prices (``shock``), or the units of ``asset`` times its FX rate.

    Notes
    -----
    With ``springing="test"`` or ``conversion="shares"`` what falls due depends on the
    price, so the breakeven is not a single ratio. Every switch (a clause passing, a note
    moving into the money) happens at a price found in closed form; between two switches
    what falls due is fixed, and the breakeven is the supremum of the prices left
    uncovered over all intervals, computed for all rows at once. See
    :doc:`/theory/liquidation`.

    Examples
    --------
    The published 2022 wall (primer, "A worked case"): with the secured notes springing to
    September 2025 and only the 129,699 BTC as a resource, everything due by the end of
    2025 needs BTC at $10,447 and everything due by the end of 2027 $18,627.

    >>> import datetime as dt
    >>> from treasurymodel import (
    ...     Company, ConvertibleNote, Holdings, Note, SecuredNote, TermLoan)
    >>> from treasurymodel.instruments import SpringingMaturity
    >>> cvt25 = ConvertibleNote(name="cvt 2025", principal=650e6, coupon=0.0075,
    ...     issued=dt.date(2020, 12, 11), maturity=dt.date(2025, 12, 15), conversion_price=397.99)
    >>> cvt27 = ConvertibleNote(name="cvt 2027", principal=1_050e6,
    ...     issued=dt.date(2021, 2, 19), maturity=dt.date(2027, 2, 15), conversion_price=1432.46)
    >>> secured = SecuredNote(name="secured 2028", principal=500e6, coupon=0.06125,
    ...     issued=dt.date(2021, 6, 14), maturity=dt.date(2028, 6, 15), pledged_units=14_590,
    ...     springing=[SpringingMaturity(date=dt.date(2025, 9, 15), reference="cvt 2025",
    ...                                  liquidity_multiple=1.3, min_outstanding=100e6)])
    >>> loan = TermLoan(name="loan", principal=205e6, rate=0.0375, max_ltv=0.5,
    ...     issued=dt.date(2022, 3, 23), maturity=dt.date(2025, 3, 23))
    >>> other = Note(name="other", principal=11e6, maturity=dt.date(2027, 6, 30))
    >>> co = Company(name="MSTR", as_of=dt.date(2022, 6, 30), holdings=Holdings(units=129_699),
    ...     shares_basic=11.3e6, cash=60e6, instruments=[loan, cvt25, cvt27, secured, other])
    >>> for row in maturity_wall(co):
    ...     print(row.period, f"{row.due / 1e6:6,.0f}M", f"{row.breakeven_price:10,.2f}")
    2022      0M       0.00
    2023      0M       0.00
    2024      0M       0.00
    2025  1,355M  10,447.27
    2026      0M  10,447.27
    2027  1,061M  18,627.75
    2028      0M  18,627.75
    """
    company = check_company(company)
    company, extra = _one_asset_view(
        company,
        asset=asset,
        shock=shock,
        asset_price=asset_price,
        fx=fx,
        conversion=conversion,
        springing=springing,
    )
    solved, end, m = _checked_solve(
        company,
        by=by,
        springing=springing,
        conversion=conversion,
        puts=puts,
        include_interest=include_interest,
        include_principal=True,
        include_cash=include_cash,
        mnav=mnav,
        mnav_basis=mnav_basis,
        until=until,
        index_level=index_level,
        extra=extra,
    )
    rows = tuple(
        MaturityWallRow(
            period=solved.labels[j],
            end=solved.ends[j],
            due=float(solved.due[j]),
            cumulative_due=float(solved.cumulative[j]),
            breakeven_price=float(solved.breakeven[j]),
            items=solved.items[j],
        )
        for j in range(len(solved.labels))
    )
    shares = conversion == "shares"
    return MaturityWall(
        rows=rows,
        as_of=company.as_of,
        until=end,
        by=by,
        springing=springing,
        conversion=conversion,
        puts=puts,
        include_interest=include_interest,
        include_cash=include_cash,
        mnav=m if shares else None,
        mnav_basis=mnav_basis if shares else None,
        units=company.holdings[0].units,
        cash=company.cash if include_cash else 0.0,
    )


# --- springing tests --------------------------------------------------------------------


@attrs.frozen(kw_only=True, repr=False)
class SpringingTriggers(Tabular):
    """The trigger prices of a secured note's springing clauses (:func:`springing_trigger_price`).

    A sequence of ``(date, price)`` pairs, one per clause dated after the as-of date: iterate,
    index or unpack it as before; ``to_dict()`` gives the columns.

    Attributes
    ----------
    instrument
        The secured note.
    date
        The clauses' test dates, in order.
    reference
        The instrument each clause tests liquidity against.
    trigger_price
        The asset price below which each test fails (the common scale factor of every price
        with ``shock=True``): ``None`` when it cannot fail at any price, ``inf`` when it
        fails at every price.

    Examples
    --------
    >>> import datetime as dt
    >>> t = SpringingTriggers(instrument="sec", date=(dt.date(2027, 9, 15),),
    ...                       reference=("cvt",), trigger_price=(120_000.0,))
    >>> [(str(d), p) for d, p in t]
    [('2027-09-15', 120000.0)]
    >>> t.to_dict()["trigger_price"].tolist()
    [120000.0]
    """

    instrument: str
    date: tuple[_dt.date, ...]
    reference: tuple[str, ...]
    trigger_price: tuple[float | None, ...]

    def __len__(self) -> int:
        return len(self.date)

    def __iter__(self) -> Iterator[tuple[_dt.date, float | None]]:
        return iter(zip(self.date, self.trigger_price, strict=True))

    def __getitem__(self, index: int) -> tuple[_dt.date, float | None]:
        return self.date[index], self.trigger_price[index]

    def to_dict(self) -> dict[str, Any]:
        """Columns ``date`` (``datetime64[D]``), ``reference`` and ``trigger_price`` (NaN where
        the test cannot fail).

        Examples
        --------
        >>> import datetime as dt
        >>> t = SpringingTriggers(instrument="sec", date=(dt.date(2027, 9, 15),),
        ...                       reference=("cvt",), trigger_price=(None,))
        >>> d = t.to_dict()
        >>> str(d["date"][0]), d["reference"].tolist(), d["trigger_price"].tolist()
        ('2027-09-15', ['cvt'], [nan])
        """
        return {
            "date": np.array(self.date, dtype="datetime64[D]"),
            "reference": np.array(self.reference, dtype=object),
            "trigger_price": np.array(
                [np.nan if p is None else p for p in self.trigger_price], dtype=np.float64
            ),
        }

    def _title(self) -> str:
        return f"SpringingTriggers of {self.instrument!r}"

    def _footer(self) -> str:
        return "trigger price: the asset price below which the test fails (- : never)"


def springing_trigger_price(
    company: Company,
    name: str,
    *,
    asset: str | None = None,
    shock: bool = False,
    asset_price: float | Mapping[str, float] | None = None,
    fx: Mapping[str, float] | None = None,
) -> SpringingTriggers:
    """Per springing clause of a secured note: the price below which its test fails.

    On the clause's test date the note's maturity springs to that date unless liquidity is
    at least ``liquidity_multiple × (principal + accrued interest)`` of the reference
    instrument, where liquidity is the company's cash plus the value of its unencumbered
    units::

        P* = (multiple × (principal + accrued) - cash) / unencumbered units

    The reference's principal is what its stated schedule leaves outstanding on the test
    date (nothing once it has matured); balances are those of the as-of date.

    A company holding several assets (or one priced in another currency than the reporting
    one) takes the conventions of :func:`maturity_wall`: the price of ``asset`` (default the
    primary) with the unencumbered units of the others counted in liquidity at their
    reference prices, or with ``shock=True`` the common scale factor of every asset price
    (1 = the reference prices; liquidity is then the cash plus the unencumbered value at the
    reference prices times the factor).

    Parameters
    ----------
    company
        The balance sheet.
    name
        Name of an instrument of the company.
    asset
        The asset whose price is solved for, the others fixed at their reference prices
        (their unencumbered units count in liquidity, their pledged units do not); default
        the primary asset. Not with ``shock=True``.
    shock
        Solve for the common scale factor of every asset price instead: each trigger is
        then a factor (0.6 = every price 40% below its reference).
    asset_price
        Reference prices (the primary's, or ``{asset: price}``); default
        ``company.market``'s. Needed only for several assets or another price currency.
    fx
        FX rates (numbers) replacing ``company.market.fx``; a trigger of an asset priced in
        another currency is in that currency.

    Returns
    -------
    SpringingTriggers
        A sequence of ``(date, price)`` pairs, one per clause dated after the as-of date,
        in date order: ``None`` when the test cannot fail at any price (less than
        ``min_outstanding`` of the reference remains, or cash alone passes it); ``inf`` when
        it fails at every price (no unencumbered units and too little cash). Empty for an
        instrument without clauses.

    Raises
    ------
    ValidationError
        If ``name`` names no instrument of the company.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, ConvertibleNote, Holdings, SecuredNote
    >>> from treasurymodel.instruments import SpringingMaturity
    >>> cvt = ConvertibleNote(name="cvt", principal=100e6, issued=dt.date(2024, 1, 1),
    ...     maturity=dt.date(2027, 12, 15), conversion_price=50.0)
    >>> sec = SecuredNote(name="sec", principal=50e6, issued=dt.date(2024, 1, 1),
    ...     maturity=dt.date(2029, 1, 1), pledged_units=200,
    ...     springing=[SpringingMaturity(date=dt.date(2027, 9, 15), reference="cvt",
    ...                                  liquidity_multiple=1.3)])
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_200),
    ...     shares_basic=1e6, cash=10e6, instruments=[cvt, sec])
    >>> tuple(springing_trigger_price(co, "sec"))    # (1.3 × 100M − 10M) / 1,000 BTC
    ((datetime.date(2027, 9, 15), 120000.0),)

    With ether besides: 10,000 ETH at $3,000 add $30M of liquidity, and all prices together
    fall to ``(130M − 10M) / (1,000 × 100,000 + 30M)`` of today's:

    >>> from treasurymodel import Market
    >>> two = Company(name="Y", as_of=dt.date(2026, 1, 1), shares_basic=1e6, cash=10e6,
    ...     holdings=[Holdings(asset="BTC", units=1_200), Holdings(asset="ETH", units=10_000)],
    ...     instruments=[cvt, sec], market=Market(asset_price=100_000.0,
    ...                                          asset_prices={"ETH": 3_000.0}))
    >>> springing_trigger_price(two, "sec").trigger_price    # (130M − 10M − 30M) / 1,000
    (90000.0,)
    >>> round(springing_trigger_price(two, "sec", shock=True).trigger_price[0], 6)  # 120 / 130
    0.923077
    """
    company = check_company(company)
    if not isinstance(name, str):
        raise ValidationError("name", name, "must be an instrument name")
    company.instrument(name)  # an unknown name is refused before the prices are read
    view, extra = _one_asset_view(
        company,
        asset=asset,
        shock=shock,
        asset_price=asset_price,
        fx=fx,
        conversion="cash",
        springing="worst",
        pledges_fixed=True,
    )
    company = view  # the other assets' unencumbered value at their fixed prices: ``extra``
    inst = company.instrument(name)
    dates: list[_dt.date] = []
    references: list[str] = []
    prices: list[float | None] = []
    for clause in inst.springing if isinstance(inst, HasSpringing) else ():
        if clause.date <= company.as_of:
            continue
        ref = company.instrument(clause.reference)
        outstanding, need = _reference_amount(company, ref, clause.date, _stated_repaid(ref))
        dates.append(clause.date)
        references.append(clause.reference)
        prices.append(_clause_threshold(company, clause, outstanding, need, extra))
    return SpringingTriggers(
        instrument=name,
        date=tuple(dates),
        reference=tuple(references),
        trigger_price=tuple(prices),
    )


# --- obligation coverage ------------------------------------------------------------------


def coverage_break_price(
    company: Company,
    *,
    years: float,
    include_principal: bool = True,
    springing: Springing = "worst",
    conversion: Conversion = "cash",
    puts: bool = False,
    mnav: float = 1.0,
    mnav_basis: MnavBasis = "ev",
    index_level: float | None = None,
    asset: str | None = None,
    shock: bool = False,
    asset_price: float | Mapping[str, float] | None = None,
    fx: Mapping[str, float] | None = None,
) -> float:
    """The price below which cash plus holdings cannot cover the next ``years`` of obligations.

    The obligations are scheduled interest, preferred dividends and (unless
    ``include_principal=False``) principal falling due in ``(as_of, as_of + years]``; the
    resources are the company's cash and all units held::

        P* = max(obligations - cash, 0) / units held

    It is the last row of :func:`maturity_wall` with ``include_interest=True`` and
    ``include_cash=True`` over that window, and takes the same options.

    Parameters
    ----------
    company
        The balance sheet.
    years
        Horizon in years, a whole number of months (``0.5``, ``1``, ``2.25``), at most
        1,000 years.
    include_principal
        Count principal as well as interest and dividends.
    springing, conversion, puts, mnav, mnav_basis, index_level, asset, shock, asset_price, fx
        As for :func:`maturity_wall`: with several assets, the price of ``asset`` with the
        others fixed, or (``shock=True``) the common scale factor of all asset prices.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Note, PreferredStock
    >>> co = Company(name="X", as_of=dt.date(2025, 12, 31), holdings=Holdings(units=1_000),
    ...     shares_basic=1e6, cash=20e6, instruments=[
    ...         Note(name="n", principal=100e6, coupon=0.04, frequency=1,
    ...              issued=dt.date(2024, 12, 31), maturity=dt.date(2027, 12, 31)),
    ...         PreferredStock(name="P", notional=200e6, rate=0.10, frequency=4)])
    >>> coverage_break_price(co, years=2)  # (8M + 100M + 40M − 20M) / 1,000 BTC
    128000.0
    >>> coverage_break_price(co, years=2, include_principal=False)
    28000.0
    """
    company = check_company(company)
    y = check_number("years", years, minimum=0.0, strict=True)
    if y > _MAX_YEARS:
        raise ValidationError("years", years, f"must be at most {_MAX_YEARS:g}")
    months = round(y * 12.0)
    if months < 1 or abs(y * 12.0 - months) > 1e-9:
        raise ValidationError("years", years, "must be a positive whole number of months")
    include_principal = check_flag("include_principal", include_principal)
    try:
        end = schedule.add_months(company.as_of, months, end_of_month=True)
    except ValidationError:
        raise ValidationError("years", years, "reaches past the year 9999") from None
    company, extra = _one_asset_view(
        company,
        asset=asset,
        shock=shock,
        asset_price=asset_price,
        fx=fx,
        conversion=conversion,
        springing=springing,
    )
    solved, _, _ = _checked_solve(
        company,
        by="year",
        springing=springing,
        conversion=conversion,
        puts=puts,
        include_interest=True,
        include_principal=include_principal,
        include_cash=True,
        mnav=mnav,
        mnav_basis=mnav_basis,
        until=end,
        index_level=index_level,
        extra=extra,
    )
    return float(solved.breakeven.max()) if solved.breakeven.size else 0.0


def dividend_coverage_months(
    company: Company, *, include_interest: bool = False, index_level: float | None = None
) -> float:
    """Months of preferred dividends the company's cash covers: 12 × cash / annual dividends.

    Annual dividends are each series' notional times the rate in force on the as-of date,
    in the reporting currency. With ``include_interest=True`` annualized interest on debt is
    added to the denominator, which gives the company's published "USD months of coverage"
    (also ``metrics(...).cash_months_of_coverage``).

    Returns
    -------
    float
        ``inf`` when there is nothing to pay.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Note, PreferredStock
    >>> co = Company(name="X", as_of=dt.date(2026, 2, 1), holdings=Holdings(units=1_000),
    ...     shares_basic=1e6, cash=150e6, instruments=[
    ...         PreferredStock(name="P", notional=1e9, rate=0.10),
    ...         Note(name="n", principal=1e9, coupon=0.02, maturity=dt.date(2030, 1, 1))])
    >>> dividend_coverage_months(co)
    18.0
    >>> dividend_coverage_months(co, include_interest=True)
    15.0
    """
    company = check_company(company)
    include_interest = check_flag("include_interest", include_interest)
    level = _index_level(index_level)
    chosen: list[Instrument] = list(company.preferreds)
    if include_interest:
        chosen.extend(company.debts)
    annual = schedule.annual_obligations(
        chosen,
        on=company.as_of,
        fx=dict(company.fx),
        currency=company.currency,
        index_level=level,
    )
    if annual <= 0.0:
        return math.inf
    return 12.0 * company.cash / annual


# --- NAV sensitivity ------------------------------------------------------------------


def _frozen(value: FloatArray) -> FloatArray:
    arr = np.array(value, dtype=np.float64)
    arr.flags.writeable = False
    return arr


@attrs.frozen(kw_only=True, eq=False, repr=False)
class NavSensitivity(Tabular):
    """NAV, NAV per share and mNAV over a grid of asset prices, as parallel 1-d arrays.

    Attributes
    ----------
    asset_price
        The grid of asset prices.
    nav, nav_per_share, nav_per_share_diluted
        As in :class:`treasurymodel.Metrics`.
    share_price
        The share price at each grid point (given, or implied by ``mnav``); ``None`` when
        neither was given.
    mnav, mnav_simple
        EV / BTC Reserve and market cap / BTC Reserve at that share price; ``None``
        without one.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
    ...     shares_basic=1e6)
    >>> table = nav_sensitivity(co, asset_prices=[50_000.0, 100_000.0], share_price=75.0)
    >>> table.mnav.tolist()
    [1.5, 0.75]
    >>> table.to_dict()["nav_per_share"].tolist()
    [50.0, 100.0]
    """

    asset_price: FloatArray
    nav: FloatArray
    nav_per_share: FloatArray
    nav_per_share_diluted: FloatArray
    share_price: FloatArray | None = None
    mnav: FloatArray | None = None
    mnav_simple: FloatArray | None = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NavSensitivity):
            return NotImplemented
        for field in attrs.fields(NavSensitivity):
            a, b = getattr(self, field.name), getattr(other, field.name)
            if (a is None) != (b is None):
                return False
            if a is not None and not np.array_equal(a, b):
                return False
        return True

    __hash__ = None  # type: ignore[assignment]

    def __len__(self) -> int:
        return int(self.asset_price.size)

    def to_dict(self) -> dict[str, Any]:
        """Every field as a float column, one entry per grid point (NaN for an absent one).

        Examples
        --------
        >>> import datetime as dt
        >>> from treasurymodel import Company, Holdings
        >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=10),
        ...     shares_basic=100)
        >>> nav_sensitivity(co, asset_prices=[1_000.0]).to_dict()  # doctest: +NORMALIZE_WHITESPACE
        {'asset_price': array([1000.]), 'nav': array([10000.]), 'nav_per_share': array([100.]),
         'nav_per_share_diluted': array([100.]), 'share_price': array([nan]),
         'mnav': array([nan]), 'mnav_simple': array([nan])}
        """
        n = len(self)
        out: dict[str, Any] = {}
        for field in attrs.fields(NavSensitivity):
            value = getattr(self, field.name)
            out[field.name] = np.full(n, np.nan) if value is None else np.array(value)
        return out

    _turn = True

    def _title(self) -> str:
        return f"NavSensitivity at {len(self):,} asset price{'' if len(self) == 1 else 's'}"


def nav_sensitivity(
    company: Company,
    *,
    asset_prices: ArrayLike,
    share_price: float | None = None,
    mnav: float | None = None,
    mnav_basis: MnavBasis = "ev",
) -> NavSensitivity:
    """NAV, NAV per share (basic and diluted) and mNAV over a grid of asset prices.

    Parameters
    ----------
    company
        The balance sheet.
    asset_prices
        The grid: a number or a 1-d array (or list) of finite non-negative prices; a 2-d
        array is refused (flatten it first if that is what you mean). They are prices of the
        primary asset; a company holding several assets values the others at their
        ``company.market`` prices (for a common move of all of them, call
        :func:`~treasurymodel.metrics` with a price mapping).
    share_price
        A fixed share price: mNAV then varies along the grid.
    mnav
        A fixed multiple (on ``mnav_basis``): the share price is implied at each grid point
        by :func:`treasurymodel.kpi.share_price_for_mnav` (on the ``"ev"`` basis it can be
        negative where the multiple is below (debt + pref − cash) / BTC Reserve). Give at
        most one of ``share_price`` and ``mnav``.
    mnav_basis
        ``"ev"`` (EV / BTC Reserve, the company's mNAV) or ``"market_cap"``.

    Returns
    -------
    NavSensitivity
        Arrays over the grid, from :func:`treasurymodel.metrics`.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Note
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
    ...     shares_basic=1e6, cash=5e6, instruments=[Note(name="n", principal=40e6,
    ...     maturity=dt.date(2030, 1, 1))])
    >>> table = nav_sensitivity(co, asset_prices=[50_000.0, 100_000.0], mnav=1.5)
    >>> table.nav.tolist(), table.share_price.tolist()
    ([15000000.0, 65000000.0], [40.0, 115.0])
    >>> table.mnav.tolist()
    [1.5, 1.5]
    """
    company = check_company(company)
    prices = _prices("asset_prices", asset_prices)
    check_choice("mnav_basis", mnav_basis, _BASIS)
    if share_price is not None and mnav is not None:
        raise ValidationError("mnav", mnav, "give share_price or mnav, not both")
    implied: FloatArray | None = None
    if share_price is not None:
        sp = check_number("share_price", share_price, minimum=0.0)
        implied = np.full(prices.shape, sp)
    elif mnav is not None:
        target = check_number("mnav", mnav, minimum=0.0)
        implied = np.asarray(
            share_price_for_mnav(company, mnav=target, asset_price=prices, mnav_basis=mnav_basis),
            dtype=np.float64,
        )
    try:
        m = metrics(company, asset_price=prices)
    except ValidationError as err:  # named as this function's argument
        if err.field != "asset_price":
            raise
        raise ValidationError("asset_prices", asset_prices, err.reason) from None
    ratio: FloatArray | None = None
    simple: FloatArray | None = None
    if implied is not None:
        # mNAV at the share price: EV and market cap over the reserve (as metrics does,
        # without its non-negativity check, since an implied share price may be negative).
        with np.errstate(over="ignore"):
            cap, ev, ratio, simple = _market(company, implied, m.asset_reserve)
        if not bool(np.isfinite(cap).all() & np.isfinite(ev).all()):
            field, value = ("share_price", share_price) if mnav is None else ("mnav", mnav)
            raise ValidationError(
                field,
                value,
                "is too large: the market cap (basic shares x price) leaves the float range",
            )
        if mnav is not None:
            exact = np.full(prices.shape, float(mnav))
            if mnav_basis == "ev":
                ratio = exact
            else:
                simple = exact
    return NavSensitivity(
        asset_price=_frozen(prices),
        nav=_frozen(np.asarray(m.nav)),
        nav_per_share=_frozen(np.asarray(m.nav_per_share)),
        nav_per_share_diluted=_frozen(np.asarray(m.nav_per_share_diluted)),
        share_price=None if implied is None else _frozen(implied),
        mnav=None if ratio is None else _frozen(ratio),
        mnav_simple=None if simple is None else _frozen(simple),
    )
