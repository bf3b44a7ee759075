"""The funding policy: how a simulated company pays what falls due, and when it buys.

A :class:`FundingPolicy` is a frozen, validated record of choices. The scenario engine
(:func:`treasurymodel.simulation.simulate_paths`) reads it at every step on which something is
due; see
``docs/theory/simulation.rst`` for the order of operations.
"""

from __future__ import annotations

from typing import Any, Literal, overload

import attrs
import numpy as np

from .._typing import ArrayInput, ArrayLike, FloatArray
from ..company import Company, check_company
from ..errors import ValidationError
from ..validators import (
    boolean,
    check_reserve,
    finite_result,
    in_range,
    name_text,
    non_negative,
    one_of,
    optional,
    positive,
    price_array,
    real_number,
    to_float,
)
from .channels import BUILTIN_CHANNELS, check_channel

__all__ = ["FundingPolicy", "accretive_share_price"]

SpringingMode = Literal["test", "worst", "best"]
"""How springing-maturity clauses are decided: by their liquidity test, always, or never
(the names of :func:`treasurymodel.maturity_wall`)."""

PutMode = Literal["rational", "always", "never"]
"""How holders decide a put: when the conversion value is below the put price, always, never."""

EquityGate = Literal["accretion", "mnav"]
"""When common shares may be sold: only at an accretive share price, or above an mNAV level."""


def _channels(value: Any) -> tuple[Any, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ValidationError("FundingPolicy.channels", value, "must be a list or tuple")
    return tuple(value)


def _check_channels(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    seen: set[str] = set()
    for i, channel in enumerate(value):
        check_channel(channel, i)
        if isinstance(channel, str):
            if channel in seen:
                raise ValidationError(f"FundingPolicy.channels[{i}]", channel, "appears twice")
            seen.add(channel)


def _choice(*allowed: str) -> Any:
    return one_of(*allowed)


@attrs.frozen(kw_only=True)
class FundingPolicy:
    """How a simulated company meets what falls due (and, optionally, keeps buying).

    On every step where something is due the engine adds up the debt service (interest,
    principal at maturity, amortization, puts, sprung secured notes, cash calls) and the
    preferred dividends, then raises the money from these sources, in this order:

    1. cash above ``cash_reserve_floor``;
    2. new common shares at the market (``issue_equity``), only while the equity gate is open
       (``equity_gate``, below), at most ``max_issuance_fraction`` of the step's traded value
       (share price × ``daily_turnover`` × basic shares × trading days in the step, with
       ``trading_days_per_year / 365`` trading days per calendar day);
    3. new preferred stock of the series ``preferred_series`` (``preferred_daily_capacity``
       of notional a trading day, sold at ``preferred_price`` per unit of notional), while the
       mNAV is at or above ``min_mnav_to_issue_preferred``;
    4. sales of the reserve asset (``sell_asset``): unencumbered coins, plus the coins pledged
       to a secured note or loan that is repaid on that step;
    5. for debt only, the cash below the floor.

    Sources 2 to 4 are the default ``channels``, ``("common", "preferred", "coins")``: the
    list orders them, leaves some out, and adds others between them, such as new convertible
    notes (:class:`~treasurymodel.simulation.ConvertibleIssuance`) or an object of your own
    following the
    :class:`~treasurymodel.simulation.FundingChannel` protocol. The cash above the floor always
    comes
    first and the cash below it last.

    Dividends of a series whose terms allow payment in common shares
    (:attr:`PreferredStock.dividends_in_shares <treasurymodel.PreferredStock.dividends_in_shares>`)
    are paid in new shares at the share price when ``pay_dividends_in_shares_above`` is set
    and the share price is at or above it; they then need no funding.

    The equity gate decides when common shares may be sold (to pay what is due, and for the
    flywheel): ``"accretion"`` (the default) sells only at a share price at or above
    ``accretion_margin`` × BTC per assumed-diluted share × asset price, the price at which a
    sale does not lower BTC per assumed-diluted share (``docs/theory/simulation.rst`` derives
    it for both uses of the money); ``"mnav"`` sells while the premium model's mNAV is at or
    above ``min_mnav_to_issue``, the rule of version 0.1 (:meth:`legacy`).

    Debt is served first; dividends take what is left, the most senior series first. A debt
    payment left unpaid after all five sources is a default. A dividend left unpaid is not:
    on a cumulative series it accrues (compounding as the series' terms say), on a
    non-cumulative series it is lost.

    Parameters
    ----------
    cash_reserve_floor
        Cash kept back (reporting currency) while any other source is left; used last, and
        for debt only.
    issue_equity
        Whether new common shares may be sold at the market.
    equity_gate
        ``"accretion"`` or ``"mnav"`` (above).
    accretion_margin
        Multiple of the accretive share price required by the ``"accretion"`` gate (> 0; 1.0:
        at the break-even price itself; 1.1: 10% above it).
    min_mnav_to_issue
        Lowest mNAV (the premium model's) at which shares are sold under the ``"mnav"`` gate.
        The mNAV is EV over the reserve, so at 1.0 a company with net debt sells its shares
        below BTC per share × asset price: the sale is dilutive.
    max_issuance_fraction
        Share of the traded value the company may sell, in ``[0, 1]``.
    daily_turnover
        Fraction of the basic shares traded on a trading day, in ``(0, 1]``. The default 2% is
        an assumption, not a sourced figure; set it from the stock's own volume.
    trading_days_per_year
        Trading days in 365 calendar days (252).
    preferred_series
        Name of one of the company's preferred series sold at the market when money is
        needed (its notional, and so its dividends, grow), or ``None`` for no preferred
        issuance.
    preferred_daily_capacity
        Notional of that series that can be sold per trading day (reporting currency).
    preferred_price
        Proceeds per unit of notional sold (1.0: at the stated amount).
    min_mnav_to_issue_preferred
        Lowest mNAV at which preferred stock is sold (0: always).
    sell_asset
        Whether the reserve asset may be sold. If ``False``, debt service that the other
        sources cannot cover is a default.
    sell_asset_for_dividends
        Whether coins are sold to pay preferred dividends (if ``False``, dividends are paid
        only from cash above the floor and issuance).
    skip_noncumulative_below_mnav
        When set, dividends of non-cumulative series are not paid (and are lost) on dividend
        dates where the mNAV is below this level.
    defer_cumulative_below_mnav
        When set, dividends of cumulative series are not paid (they accrue) on dividend dates
        where the mNAV is below this level.
    buy_asset_above_mnav
        The flywheel: when set, on every step where the mNAV is at or above this level the
        company sells new shares worth ``buy_fraction`` of the step's issuance capacity left
        after funding, and buys the asset with the proceeds. Every step is then processed, so
        simulations run slower.
    buy_fraction
        Fraction of the remaining issuance capacity used for buying, in ``[0, 1]``.
    issuer_calls
        Whether the issuer calls convertible notes (from ``call_from``) on steps where the
        share price is at or above ``call_trigger`` × conversion price (1 × when the note
        has no trigger). Holders then convert if the conversion value is at least the call
        price, and are paid the call price plus accrued interest in cash otherwise.
    holder_puts
        ``"rational"`` (holders put when the conversion value is below the put price),
        ``"always"`` or ``"never"``.
    channels
        The ordered funding channels between the cash above the floor and the cash below it:
        ``"common"``, ``"preferred"`` and ``"coins"`` (each at most once; their terms are the
        fields above), :class:`~treasurymodel.simulation.ConvertibleIssuance` records and
        :class:`~treasurymodel.simulation.FundingChannel` objects.
    pay_dividends_in_shares_above
        When set, dividends of series that allow it are paid in common shares on dividend
        dates where the share price is at or above this level (reporting currency per share);
        ``None``: always in cash.
    springing
        ``"test"`` (a clause springs when liquidity is below its multiple of the reference
        repayment, liquidity being cash + unencumbered units × price, as in
        :func:`treasurymodel.springing_trigger_price`), ``"worst"`` (every clause springs: the
        published maturity-wall assumption) or ``"best"`` (none does).
    operating_cash_flow
        An annual operating cash flow in the reporting currency (a software business's, a
        miner's margin), accrued step by step over the calendar days between steps
        (``days / 365.25`` years): a positive flow adds to cash; a negative one (a burn) falls
        due on each step like debt service and is funded by the waterfall, so a path that
        cannot fund it defaults. ``0.0``: none.
    production
        Units of the reserve asset added a year (a miner keeping its output; in basket units
        for a :class:`~treasurymodel.simulation.Basket`), accrued like ``operating_cash_flow``,
        >= 0.
        With either inflow the engine visits every step.

    Examples
    --------
    >>> p = FundingPolicy()
    >>> p.issue_equity, p.equity_gate, p.sell_asset
    (True, 'accretion', True)
    >>> FundingPolicy.legacy().equity_gate
    'mnav'
    >>> FundingPolicy(issue_equity=False, sell_asset=False).sell_asset
    False
    >>> FundingPolicy(operating_cash_flow=-5e6, production=120.0).inflows
    True
    >>> FundingPolicy(max_issuance_fraction=1.5)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: FundingPolicy.max_issuance_fraction: must lie in \
[0.0, 1.0], got 1.5
    """

    cash_reserve_floor: float = attrs.field(
        default=0.0, converter=to_float, validator=non_negative
    )
    issue_equity: bool = attrs.field(default=True, validator=boolean)
    equity_gate: EquityGate = attrs.field(
        default="accretion", validator=_choice("accretion", "mnav")
    )
    accretion_margin: float = attrs.field(default=1.0, converter=to_float, validator=positive)
    min_mnav_to_issue: float = attrs.field(default=1.0, converter=to_float, validator=non_negative)
    max_issuance_fraction: float = attrs.field(
        default=0.1, converter=to_float, validator=in_range(0.0, 1.0, high_closed=True)
    )
    daily_turnover: float = attrs.field(
        default=0.02,
        converter=to_float,
        validator=in_range(0.0, 1.0, low_closed=False, high_closed=True),
    )
    trading_days_per_year: float = attrs.field(
        default=252.0,
        converter=to_float,
        validator=in_range(0.0, 365.0, low_closed=False, high_closed=True),
    )
    preferred_series: str | None = attrs.field(default=None, validator=optional(name_text))
    preferred_daily_capacity: float = attrs.field(
        default=0.0, converter=to_float, validator=non_negative
    )
    preferred_price: float = attrs.field(default=1.0, converter=to_float, validator=positive)
    min_mnav_to_issue_preferred: float = attrs.field(
        default=0.0, converter=to_float, validator=non_negative
    )
    sell_asset: bool = attrs.field(default=True, validator=boolean)
    sell_asset_for_dividends: bool = attrs.field(default=True, validator=boolean)
    skip_noncumulative_below_mnav: float | None = attrs.field(
        default=None, converter=to_float, validator=optional(non_negative)
    )
    defer_cumulative_below_mnav: float | None = attrs.field(
        default=None, converter=to_float, validator=optional(non_negative)
    )
    buy_asset_above_mnav: float | None = attrs.field(
        default=None, converter=to_float, validator=optional(non_negative)
    )
    buy_fraction: float = attrs.field(
        default=1.0, converter=to_float, validator=in_range(0.0, 1.0, high_closed=True)
    )
    issuer_calls: bool = attrs.field(default=False, validator=boolean)
    holder_puts: PutMode = attrs.field(
        default="rational", validator=_choice("rational", "always", "never")
    )
    springing: SpringingMode = attrs.field(
        default="test", validator=_choice("test", "worst", "best")
    )
    pay_dividends_in_shares_above: float | None = attrs.field(
        default=None, converter=to_float, validator=optional(non_negative)
    )
    channels: tuple[Any, ...] = attrs.field(
        default=BUILTIN_CHANNELS, converter=_channels, validator=_check_channels
    )
    operating_cash_flow: float = attrs.field(
        default=0.0, converter=to_float, validator=real_number
    )
    production: float = attrs.field(default=0.0, converter=to_float, validator=non_negative)

    @classmethod
    def legacy(cls, **changes: Any) -> FundingPolicy:
        """The funding rules of version 0.1: common shares sold on the mNAV gate.

        Every other default is unchanged, so ``FundingPolicy.legacy()`` reproduces the
        results of version 0.1 except on paths where a margin call failed (the lender now
        takes only the coins that cover what is owed; the 0.1 engine took the whole pledge,
        which was a defect, not a policy).

        Parameters
        ----------
        **changes
            Any other field of :class:`FundingPolicy`.

        Examples
        --------
        >>> p = FundingPolicy.legacy(min_mnav_to_issue=1.2)
        >>> p.equity_gate, p.min_mnav_to_issue
        ('mnav', 1.2)
        """
        changes.setdefault("equity_gate", "mnav")
        return cls(**changes)

    @property
    def inflows(self) -> bool:
        """Whether an operating cash flow or a production accrues on every step.

        Examples
        --------
        >>> FundingPolicy().inflows, FundingPolicy(operating_cash_flow=1e6).inflows
        (False, True)
        """
        return self.operating_cash_flow != 0.0 or self.production > 0.0

    @property
    def flywheel(self) -> bool:
        """Whether the policy buys the asset with new shares when the mNAV is high.

        Examples
        --------
        >>> FundingPolicy().flywheel, FundingPolicy(buy_asset_above_mnav=1.5).flywheel
        (False, True)
        """
        return self.buy_asset_above_mnav is not None and self.buy_fraction > 0.0


@overload
def accretive_share_price(
    company: Company, *, asset_price: float, amount: ArrayLike = ...
) -> float: ...
@overload
def accretive_share_price(
    company: Company, *, asset_price: ArrayInput, amount: ArrayLike = ...
) -> FloatArray: ...
def accretive_share_price(company: Company, *, asset_price: Any, amount: Any = 0.0) -> Any:
    """The share price at which selling common shares keeps BTC per diluted share whole.

    With :math:`u` units held, :math:`N` assumed-diluted shares and the asset at :math:`P`:

    * to **buy coins** (``amount=0``), new shares sold at :math:`S` add :math:`S/P` coins per
      share, and BTC per assumed-diluted share is unchanged at :math:`S^* = uP/N`, rises above
      it and falls below it;
    * to **pay an obligation** of ``amount`` :math:`A` instead of selling :math:`A/P` coins,
      the sale leaves BTC per assumed-diluted share where the coin sale would at
      :math:`S^* = (uP - A)/N` (floored at 0), and higher above it.

    The ``"accretion"`` gate of :class:`FundingPolicy` uses the first (``amount=0``), which is
    never below the second: a price that passes it is accretive for either use.

    Parameters
    ----------
    company
        The company (its units and assumed-diluted shares).
    asset_price
        Asset price(s), a float or an array (non-negative). A price at which the BTC Reserve
        (units held x price) or the threshold leaves the float range is refused.
    amount
        The obligation paid with the proceeds instead of a coin sale (reporting currency,
        non-negative; broadcasts with ``asset_price``).

    Returns
    -------
    float or numpy.ndarray
        The threshold share price, shaped like the broadcast inputs.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
    ...              shares_basic=1e6)
    >>> accretive_share_price(co, asset_price=50_000.0)
    50.0
    >>> accretive_share_price(co, asset_price=50_000.0, amount=10e6)
    40.0
    """
    check_company(company)
    price = price_array("asset_price", asset_price)
    owed = price_array("amount", amount)
    try:
        price, owed = np.broadcast_arrays(price, owed)
    except ValueError:
        raise ValidationError(
            "amount", np.shape(owed), f"does not broadcast with asset_price {np.shape(price)}"
        ) from None
    with np.errstate(over="ignore"):
        reserve = company.holdings[0].units * price
        check_reserve(reserve, asset_price)
        per_share = finite_result(
            "asset_price", asset_price, (reserve - owed) / company.diluted_shares, "the price"
        )
    value = np.maximum(per_share, 0.0)
    return float(value) if value.ndim == 0 else np.asarray(value, dtype=np.float64)
