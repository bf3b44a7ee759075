"""The funding policy: how a simulated company pays what falls due, and when it buys.

A :class:`FundingPolicy` is a frozen, validated record of choices. The scenario engine
(:func:`treasurymodel.simulate_paths`) reads it at every step on which something is due; see
``docs/theory/simulation.rst`` for the order of operations.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

from ..errors import ValidationError
from ..instruments._common import boolean, name_text
from ..validators import in_range, non_negative, optional, positive, to_float

__all__ = ["FundingPolicy"]

SpringingMode = Literal["test", "worst", "best"]
"""How springing-maturity clauses are decided: by their liquidity test, always, or never
(the names of :func:`treasurymodel.maturity_wall`)."""

PutMode = Literal["rational", "always", "never"]
"""How holders decide a put: when the conversion value is below the put price, always, never."""


def _choice(*allowed: str) -> Any:
    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str) or value not in allowed:  # an array is not a choice
            raise ValidationError(
                f"{type(instance).__name__}.{attribute.name}",
                value,
                "must be one of " + ", ".join(repr(a) for a in allowed),
            )

    return validate


@attrs.frozen(kw_only=True)
class FundingPolicy:
    """How a simulated company meets what falls due (and, optionally, keeps buying).

    On every step where something is due the engine adds up the debt service (interest,
    principal at maturity, amortization, puts, sprung secured notes, cash calls) and the
    preferred dividends, then raises the money from these sources, in this order:

    1. cash above ``cash_reserve_floor``;
    2. new common shares at the market (``issue_equity``), only while the premium model's
       mNAV is at or above ``min_mnav_to_issue``, at most ``max_issuance_fraction`` of the
       step's traded value (share price × ``daily_turnover`` × basic shares × trading days in
       the step, with ``trading_days_per_year / 365`` trading days per calendar day);
    3. new preferred stock of the series ``preferred_series`` (``preferred_daily_capacity``
       of notional a trading day, sold at ``preferred_price`` per unit of notional), while the
       mNAV is at or above ``min_mnav_to_issue_preferred``;
    4. sales of the reserve asset (``sell_btc``): unencumbered coins, plus the coins pledged
       to a secured note or loan that is repaid on that step;
    5. for debt only, the cash below the floor.

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
    min_mnav_to_issue
        Lowest mNAV (the premium model's) at which shares are sold (1.0: only at or above
        NAV, i.e. when issuance is not dilutive to BTC per share).
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
    sell_btc
        Whether the reserve asset may be sold. If ``False``, debt service that the other
        sources cannot cover is a default.
    sell_btc_for_dividends
        Whether coins are sold to pay preferred dividends (if ``False``, dividends are paid
        only from cash above the floor and issuance).
    skip_noncumulative_below_mnav
        When set, dividends of non-cumulative series are not paid (and are lost) on dividend
        dates where the mNAV is below this level.
    defer_cumulative_below_mnav
        When set, dividends of cumulative series are not paid (they accrue) on dividend dates
        where the mNAV is below this level.
    buy_btc_above_mnav
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
    springing
        ``"test"`` (a clause springs when liquidity is below its multiple of the reference
        repayment, liquidity being cash + unencumbered units × price, as in
        :func:`treasurymodel.springing_trigger_price`), ``"worst"`` (every clause springs: the
        published maturity-wall assumption) or ``"best"`` (none does).

    Examples
    --------
    >>> p = FundingPolicy()
    >>> p.issue_equity, p.min_mnav_to_issue, p.sell_btc
    (True, 1.0, True)
    >>> FundingPolicy(issue_equity=False, sell_btc=False).sell_btc
    False
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
    sell_btc: bool = attrs.field(default=True, validator=boolean)
    sell_btc_for_dividends: bool = attrs.field(default=True, validator=boolean)
    skip_noncumulative_below_mnav: float | None = attrs.field(
        default=None, converter=to_float, validator=optional(non_negative)
    )
    defer_cumulative_below_mnav: float | None = attrs.field(
        default=None, converter=to_float, validator=optional(non_negative)
    )
    buy_btc_above_mnav: float | None = attrs.field(
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

    @property
    def flywheel(self) -> bool:
        """Whether the policy buys the asset with new shares when the mNAV is high.

        Examples
        --------
        >>> FundingPolicy().flywheel, FundingPolicy(buy_btc_above_mnav=1.5).flywheel
        (False, True)
        """
        return self.buy_btc_above_mnav is not None and self.buy_fraction > 0.0
