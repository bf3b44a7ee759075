"""Capital events: each takes a company and returns a new one; nothing mutates in place.

Every event validates all of its inputs before doing anything, and raises
:class:`~treasurymodel.ValidationError` naming the bad field and value; the original company
is never changed (it is frozen). Events happen on the company's as-of date, which they leave
as it is, and take one price each (a float, not an array: a company is one balance sheet).

Share counts
------------
When a company carries a *reported* assumed-diluted count (``shares_diluted``), an event moves
it by exactly what it would add to a derived count (basic + conversion shares + other
dilutive shares): an equity raise adds the new shares; issuing a convertible adds its
conversion shares; repaying one removes them; a conversion moves shares from "convertible"
to basic and leaves the diluted count unchanged. Without a reported count the derived one
follows by itself.

Cost basis
----------
A purchase adds exactly the cash it spent (net of fees) to the cost basis; a sale removes the
sold fraction of the cost basis (average cost), so the average cost per unit is unchanged by
sales.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, Final, ParamSpec, TypeVar

import attrs
import numpy as np

from .company import Company, Holdings, check_company
from .errors import ValidationError
from .instruments import (
    Instrument,
    SecuredNote,
    TermLoan,
)
from .instruments.capabilities import Collateralized, Convertible, HasSpringing
from .instruments.registry import is_instrument
from .validators import check_finite, check_flag, check_number

__all__ = [
    "buy_asset",
    "convert",
    "issue_instrument",
    "pledge",
    "raise_equity",
    "release",
    "repay",
    "sell_asset",
]

_REL_TOL = 1e-12
"""Relative slack when comparing an amount with what is available (float rounding only)."""


# --- input checks ---------------------------------------------------------------------


def _number(field: str, value: Any) -> float:
    if isinstance(value, np.ndarray) and value.ndim != 0:
        raise ValidationError(
            field, value, "must be a single number (an event applies to one balance sheet)"
        )
    return check_finite(field, value)


def _positive(field: str, value: Any) -> float:
    _number(field, value)
    return check_number(field, value, minimum=0.0, strict=True)


def _fits(field: str, value: float, available: float, what: str) -> float:
    """``value`` if it does not exceed ``available`` (up to rounding), else an error."""
    if value > available + abs(available) * _REL_TOL:
        raise ValidationError(field, value, f"exceeds the {_amount(available)} {what}")
    return min(value, available)


def _amount(x: float) -> str:
    """An amount with every digit needed to tell it apart (``2,250,000,000.0001``).

    Examples
    --------
    >>> _amount(2.25e9 + 1e-4), _amount(1e6), _amount(1e300)
    ('2,250,000,000.0001', '1,000,000.0', '1e+300')
    """
    return f"{x:,}" if abs(x) < 1e16 else repr(x)


_P = ParamSpec("_P")
_R = TypeVar("_R")

_INTERNAL: Final = (
    "Company.",
    "Holdings.",
    "ConvertibleNote.",
    "Note.",
    "SecuredNote.",
    "TermLoan.",
    "PreferredStock.",
    "Amortization.",
)
"""Field prefixes of the checks of the records an event builds (not the user's arguments)."""


def _blames(argument: str, **by_field: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Decorator: a check of the new balance sheet that fails is reported against one of the
    event's arguments (``units: gives a balance sheet that breaks a rule ...``), not as an
    internal field the caller never gave (``Company.shares_basic``).

    ``by_field`` maps an internal field (``Company_shares_basic`` for ``Company.shares_basic``)
    to the argument that sets it (the share price sets the new share count); any other field
    is reported against ``argument``."""

    def decorate(event: Callable[_P, _R]) -> Callable[_P, _R]:
        signature = inspect.signature(event)

        @functools.wraps(event)
        def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return event(*args, **kwargs)
            except ValidationError as err:
                if not err.field.startswith(_INTERNAL):
                    raise
                bound = signature.bind(*args, **kwargs)
                blamed = by_field.get(err.field.replace(".", "_"), argument)
                value = bound.arguments.get(blamed)
                raise ValidationError(
                    blamed,
                    value,
                    f"gives a balance sheet that breaks a rule ({err.field}: {err.reason})",
                ) from None

        return run

    return decorate


def _face(instrument: Instrument) -> float:
    return instrument.face


def _dilutive_shares(instrument: Instrument) -> float:
    return instrument.shares_if_converted if isinstance(instrument, Convertible) else 0.0


def _rebuild(company: Company, *, diluted_delta: float = 0.0, **changes: Any) -> Company:
    """``attrs.evolve`` plus the rule for a reported diluted count (module docstring)."""
    if company.shares_diluted is not None and diluted_delta != 0.0:
        changes["shares_diluted"] = company.shares_diluted + diluted_delta
    if isinstance(changes.get("holdings"), Holdings):
        # The events buy and sell the primary asset; the others are kept as they are.
        changes["holdings"] = (changes["holdings"], *company.holdings[1:])
    return attrs.evolve(company, **changes)


def _replace(company: Company, name: str, new: Instrument | None) -> tuple[Instrument, ...]:
    """The instruments with ``name`` replaced by ``new`` (removed when ``None``).

    A secured note's springing clauses that refer to a removed instrument are dropped:
    nothing remains for them to test.
    """
    result: list[Instrument] = []
    for inst in company.instruments:
        if inst.name == name:
            if new is not None:
                result.append(new)
            continue
        if new is None and isinstance(inst, HasSpringing):
            kept = tuple(c for c in inst.springing if c.reference != name)
            if len(kept) != len(inst.springing):
                inst = attrs.evolve(inst, springing=kept)
        result.append(inst)
    return tuple(result)


def _retire(inst: Instrument, amount: Any) -> tuple[float, Instrument | None]:
    """(face retired, what remains of ``inst``: ``None`` when all of it goes)."""
    outstanding = _face(inst)
    face = outstanding if amount is None else _positive("amount", amount)
    face = _fits("amount", face, outstanding, f"outstanding of {inst.name!r}")
    return face, (None if face >= outstanding else _shrink(inst, outstanding - face))


def _shrink(instrument: Instrument, remaining: float) -> Instrument:
    """``instrument`` with its principal or notional cut to ``remaining`` (the kind knows how:
    a loan's scheduled repayments shrink in proportion)."""
    return instrument.with_face(remaining)


# --- equity and coins -----------------------------------------------------------------


@_blames("amount", Company_shares_basic="share_price", Holdings_units="asset_price")
def raise_equity(
    company: Company, amount: float, *, share_price: float, asset_price: float, fee: float = 0.0
) -> Company:
    """Sell new common shares for ``amount`` and buy BTC with the net proceeds.

    ``amount / share_price`` new basic shares are issued (and added to a reported diluted
    count); ``amount × (1 − fee)`` buys ``amount × (1 − fee) / asset_price`` units, which are
    unencumbered, and is added to the cost basis. Cash is unchanged.

    BTC per diluted share rises exactly when ``share_price × (1 − fee)`` exceeds
    BTC per diluted share × ``asset_price``.

    Parameters
    ----------
    company
        The balance sheet before the raise.
    amount
        Gross proceeds, reporting currency; positive.
    share_price
        Price per new share (gross of fees); positive.
    asset_price
        Price paid per unit bought; positive.
    fee
        Fees as a fraction of gross proceeds, in ``[0, 1)`` (``0.02`` for 2%).

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1),
    ...     holdings=Holdings(units=1_000, cost_basis=50e6), shares_basic=1e6)
    >>> new = raise_equity(co, 10e6, share_price=125.0, asset_price=100_000.0, fee=0.02)
    >>> new.shares_basic, new.holdings[0].units, new.holdings[0].cost_basis
    (1080000.0, 1098.0, 59800000.0)
    >>> co.holdings[0].units  # the original is unchanged
    1000.0
    """
    check_company(company)
    gross = _positive("amount", amount)
    price = _positive("share_price", share_price)
    btc = _positive("asset_price", asset_price)
    rate = _number("fee", fee)
    if not 0.0 <= rate < 1.0:
        raise ValidationError("fee", fee, "must lie in [0, 1)")
    net = gross * (1.0 - rate)
    new_shares = gross / price
    holdings = attrs.evolve(
        company.holdings[0],
        units=company.holdings[0].units + net / btc,
        cost_basis=company.holdings[0].cost_basis + net,
    )
    return _rebuild(
        company,
        diluted_delta=new_shares,
        holdings=holdings,
        shares_basic=company.shares_basic + new_shares,
    )


@_blames("units")
def buy_asset(company: Company, units: float, *, asset_price: float) -> Company:
    """Buy ``units`` at ``asset_price``, paid from cash.

    Cash falls by ``units × asset_price`` and the cost basis rises by as much; the new units
    are unencumbered. To buy with the proceeds of a raise, use :func:`raise_equity` or
    :func:`issue_instrument`.

    Raises
    ------
    ValidationError
        If ``units`` or ``asset_price`` is not positive, or the purchase costs more than the
        company's cash.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=10),
    ...              shares_basic=1e6, cash=1e6)
    >>> new = buy_asset(co, 5, asset_price=100_000.0)
    >>> new.holdings[0].units, new.cash, new.holdings[0].cost_basis
    (15.0, 500000.0, 500000.0)
    >>> buy_asset(co, 20, asset_price=100_000.0)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: units: costs 2,000,000.0, more than the
    1,000,000.0 of cash, got 20
    """
    check_company(company)
    qty = _positive("units", units)
    btc = _positive("asset_price", asset_price)
    cost = qty * btc
    if not np.isfinite(cost):
        raise ValidationError("asset_price", asset_price, "is too large: units x price overflows")
    if cost > company.cash * (1.0 + _REL_TOL):
        raise ValidationError(
            "units", units, f"costs {_amount(cost)}, more than the {_amount(company.cash)} of cash"
        )
    holdings = attrs.evolve(
        company.holdings[0],
        units=company.holdings[0].units + qty,
        cost_basis=company.holdings[0].cost_basis + cost,
    )
    return _rebuild(company, holdings=holdings, cash=max(company.cash - cost, 0.0))


@_blames("units", Company_cash="asset_price")
def sell_asset(company: Company, units: float, *, asset_price: float) -> Company:
    """Sell ``units`` of unencumbered coins at ``asset_price``; the proceeds go to cash.

    The cost basis falls in proportion (``cost_basis × units / units held``), so the
    average cost of the coins kept is unchanged. Pledged coins cannot be sold: release them
    first (:func:`release`).

    Raises
    ------
    ValidationError
        If ``units`` or ``asset_price`` is not positive, or ``units`` exceeds the
        unencumbered units.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1),
    ...     holdings=Holdings(units=100, cost_basis=5e6), shares_basic=1e6)
    >>> new = sell_asset(co, 25, asset_price=80_000.0)
    >>> new.holdings[0].units, new.holdings[0].cost_basis, new.cash
    (75.0, 3750000.0, 2000000.0)
    """
    check_company(company)
    qty = _positive("units", units)
    btc = _positive("asset_price", asset_price)
    qty = _fits("units", qty, company.unencumbered_units, "unencumbered units")
    held = company.holdings[0].units
    remaining = max(held - qty, 0.0)
    basis = company.holdings[0].cost_basis * (remaining / held) if remaining > 0.0 else 0.0
    holdings = attrs.evolve(company.holdings[0], units=remaining, cost_basis=basis)
    return _rebuild(company, holdings=holdings, cash=company.cash + qty * btc)


# --- instruments ----------------------------------------------------------------------


@_blames("instrument", Holdings_units="asset_price", Company_cash="proceeds")
def issue_instrument(
    company: Company,
    instrument: Instrument,
    *,
    proceeds: float,
    asset_price: float | None = None,
    buy: bool = True,
) -> Company:
    """Add a new debt or preferred instrument; its proceeds buy BTC or go to cash.

    Parameters
    ----------
    company
        The balance sheet before the issue.
    instrument
        The new instrument; its name must be new to the company (a currency other than the
        reporting one needs an FX rate in ``company.market.fx``). Coins it lists as pledged must
        be available: pledged units in total may not exceed the units held after the
        purchase.
    proceeds
        Cash received, net of everything, reporting currency; positive.
    asset_price
        Price per unit bought; required when ``buy`` is true.
    buy
        ``True``: the proceeds buy ``proceeds / asset_price`` units (added to the cost
        basis). ``False``: they are added to cash.

    Notes
    -----
    A convertible note or convertible preferred series adds its conversion shares to a
    reported diluted count.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, ConvertibleNote, Holdings
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=100),
    ...     shares_basic=1e6, shares_diluted=1.1e6)
    >>> cvt = ConvertibleNote(name="new cvt", principal=10e6, issued=dt.date(2026, 1, 1),
    ...     maturity=dt.date(2031, 1, 1), conversion_price=200.0)
    >>> new = issue_instrument(co, cvt, proceeds=9.8e6, asset_price=98_000.0)
    >>> new.holdings[0].units, new.total_debt, new.shares_diluted
    (200.0, 10000000.0, 1150000.0)
    """
    check_company(company)
    if not is_instrument(instrument):
        raise ValidationError("instrument", instrument, "is not an instrument")
    cash_in = _positive("proceeds", proceeds)
    buy = check_flag("buy", buy)
    if any(i.name == instrument.name for i in company.instruments):
        raise ValidationError("instrument.name", instrument.name, "is already used by the company")
    changes: dict[str, Any] = {"instruments": (*company.instruments, instrument)}
    if buy:
        if asset_price is None:
            raise ValidationError("asset_price", None, "is needed when the proceeds buy BTC")
        btc = _positive("asset_price", asset_price)
        changes["holdings"] = attrs.evolve(
            company.holdings[0],
            units=company.holdings[0].units + cash_in / btc,
            cost_basis=company.holdings[0].cost_basis + cash_in,
        )
    else:
        if asset_price is not None:
            _positive("asset_price", asset_price)
        changes["cash"] = company.cash + cash_in
    return _rebuild(company, diluted_delta=_dilutive_shares(instrument), **changes)


@_blames("amount")
def repay(
    company: Company, name: str, amount: float | None = None, *, price: float = 1.0
) -> Company:
    """Repay (redeem) ``amount`` of an instrument's principal or notional from cash.

    Cash falls by ``amount × price`` (times the FX rate for a foreign-currency instrument).
    A partial repayment cuts the principal or notional (and a term loan's scheduled
    amortizations in proportion); repaying all of it removes the instrument, releases any
    coins pledged to it, and drops springing clauses of secured notes that refer to it.
    Repaying a convertible removes its conversion shares from a reported diluted count.

    Parameters
    ----------
    company
        The balance sheet.
    name
        Name of the instrument.
    amount
        Face amount to retire, in the instrument's currency; ``None`` for all of it.
    price
        Price paid as a fraction of face (``1.03063`` for a redemption at 103.063%).

    Raises
    ------
    ValidationError
        If ``name`` names no instrument, ``amount`` is not positive or exceeds what is
        outstanding, ``price`` is not positive, or cash does not cover the payment.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Note
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=100),
    ...     shares_basic=1e6, cash=50e6,
    ...     instruments=[Note(name="n", principal=40e6, maturity=dt.date(2030, 1, 1))])
    >>> part = repay(co, "n", 10e6)
    >>> part.instrument("n").principal, part.cash
    (30000000.0, 40000000.0)
    >>> repay(co, "n", price=1.05).instruments, repay(co, "n", price=1.05).cash
    ((), 8000000.0)
    """
    check_company(company)
    inst = company.instrument(name)
    face, new_inst = _retire(inst, amount)
    pay_price = _positive("price", price)
    cost = face * pay_price * company.fx_rate(inst.currency)
    if not np.isfinite(cost):
        raise ValidationError("price", price, "is too large: amount x price overflows")
    if cost > company.cash * (1.0 + _REL_TOL):
        raise ValidationError(
            "amount", face, f"costs {_amount(cost)}, more than the {_amount(company.cash)} of cash"
        )
    kept_shares = 0.0 if new_inst is None else _dilutive_shares(new_inst)
    return _rebuild(
        company,
        diluted_delta=kept_shares - _dilutive_shares(inst),
        instruments=_replace(company, name, new_inst),
        cash=max(company.cash - cost, 0.0),
    )


@_blames("amount")
def convert(company: Company, name: str, amount: float | None = None) -> Company:
    """Convert ``amount`` of a convertible note or convertible preferred into common shares.

    A note delivers ``amount / 1000 × conversion_rate`` shares; a preferred series
    ``amount / 100 × conversion_ratio``. The instrument shrinks by ``amount`` (removed when
    all of it converts); basic shares rise; a reported diluted count is unchanged (the shares
    were already in it). No cash moves.

    Raises
    ------
    ValidationError
        If ``name`` names no instrument or a non-convertible one, or ``amount`` is not
        positive or exceeds what is outstanding.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, ConvertibleNote, Holdings
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=100),
    ...     shares_basic=1e6, instruments=[ConvertibleNote(name="c", principal=10e6,
    ...     issued=dt.date(2025, 1, 1), maturity=dt.date(2030, 1, 1), conversion_price=200.0)])
    >>> new = convert(co, "c", 4e6)
    >>> new.shares_basic, new.instrument("c").principal
    (1020000.0, 6000000.0)
    >>> convert(co, "c").instruments
    ()
    """
    check_company(company)
    inst = company.instrument(name)
    if isinstance(inst, Convertible) and inst.converts:
        per_unit = inst.shares_per_face
    else:
        raise ValidationError("name", name, "is not a convertible instrument")
    face, new_inst = _retire(inst, amount)
    return _rebuild(
        company,
        instruments=_replace(company, name, new_inst),
        shares_basic=company.shares_basic + face * per_unit,
    )


def _pledgeable(company: Company, name: str) -> SecuredNote | TermLoan:
    check_company(company)
    inst = company.instrument(name)
    if not isinstance(inst, Collateralized):
        raise ValidationError("name", name, "is not a secured note or term loan")
    return inst


@_blames("units")
def pledge(company: Company, name: str, units: float) -> Company:
    """Pledge ``units`` more unencumbered coins to a secured note or term loan.

    Raises
    ------
    ValidationError
        If ``name`` names no secured note or term loan, or ``units`` is not positive or
        exceeds the unencumbered units.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, TermLoan
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=100),
    ...     shares_basic=1e6, instruments=[TermLoan(name="L", principal=1e6, max_ltv=0.5,
    ...     pledged_units=30, issued=dt.date(2025, 1, 1), maturity=dt.date(2028, 1, 1))])
    >>> pledge(co, "L", 20).unencumbered_units
    50.0
    """
    inst = _pledgeable(company, name)
    qty = _positive("units", units)
    qty = _fits("units", qty, company.unencumbered(inst.collateral_asset), "unencumbered units")
    new_inst = attrs.evolve(inst, pledged_units=inst.pledged_units + qty)
    return _rebuild(company, instruments=_replace(company, name, new_inst))


@_blames("units")
def release(company: Company, name: str, units: float) -> Company:
    """Release ``units`` of the coins pledged to a secured note or term loan.

    Raises
    ------
    ValidationError
        If ``name`` names no secured note or term loan, or ``units`` is not positive or
        exceeds the units pledged to it.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, TermLoan
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=100),
    ...     shares_basic=1e6, instruments=[TermLoan(name="L", principal=1e6, max_ltv=0.5,
    ...     pledged_units=30, issued=dt.date(2025, 1, 1), maturity=dt.date(2028, 1, 1))])
    >>> release(co, "L", 10).instrument("L").pledged_units
    20.0
    """
    inst = _pledgeable(company, name)
    qty = _positive("units", units)
    qty = _fits("units", qty, inst.pledged_units, f"units pledged to {name!r}")
    new_inst = attrs.evolve(inst, pledged_units=max(inst.pledged_units - qty, 0.0))
    return _rebuild(company, instruments=_replace(company, name, new_inst))
