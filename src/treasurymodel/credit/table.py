"""The credit view of every security at once: :class:`CreditTable` and :func:`credit_table`."""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from typing import Any, ClassVar, Final

import attrs
import numpy as np
import numpy.typing as npt

from .._render import fit_columns, html_table, text_table
from .._results import frame
from .._typing import FloatArray, IntArray
from ..company import Company, check_company
from ..errors import ValidationError
from ..validators import check_finite
from ._claims import COMMON, Definition, Seniority, barrier_price, claims, offsets, simple
from .market import YieldTo, effective_yield
from .rating import btc_rating
from .risk import Event, _inputs, spread_from_risk
from .simulated import SimulatedCredit

__all__ = ["CreditTable", "credit_table"]

_NAME_WIDTH: Final = 28


def _ro(values: Any, dtype: Any = np.float64) -> Any:
    arr = np.array(values, dtype=dtype)
    arr.flags.writeable = False
    return arr


_MARKET: Final = ("market_price", "effective_yield", "market_spread", "credit_surplus")
"""The market columns: ``None`` where a security has no market price (or no risk-free rate)."""


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.2f}%"


def _bp(x: float | None) -> str:
    if x is None:
        return "-"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{1e4 * x:,.0f}bp"


def _num(x: float | None, spec: str) -> str:
    if x is None:
        return "-"
    return "inf" if math.isinf(x) else format(x, spec)


@attrs.frozen(kw_only=True, eq=False)
class CreditTable:
    """One row per debt and preferred security, most senior first: rating, risk, spread.

    Build it with :func:`credit_table`. The columns are read-only arrays, one entry per
    security, except ``security`` and ``kind`` (tuples of strings) and the four market
    columns (tuples of floats, ``None`` where the figure does not exist). The table never
    holds NaN: a missing figure is ``None`` in the columns and in :meth:`row`, as in a
    :class:`~treasurymodel.comparison.ComparisonRow`; only the array exports (:meth:`to_dict`,
    :meth:`to_frame`) mark it NaN, the missing-value convention of numpy and pandas.

    Attributes
    ----------
    security, kind, rank
        Names, ``"debt"`` or ``"preferred"``, and tier (1 is the most senior; securities of
        one tier rank together).
    amount, claim
        The security's own amount and its cumulative claim (itself plus everything ranking
        with or ahead of it), in the reporting currency.
    rating
        BTC Rating under ``definition`` at ``asset_price``.
    break_price
        The asset price at which the rating is 1 (0 when it can never fall that low). For a
        company holding several assets (or one priced in another currency) the model is a
        common shock to every asset price: the primary asset's price at which, every price
        scaled by the same factor, the rating is 1 (``asset_price`` times the barrier's
        fraction of today's reserve value).
    risk, spread
        BTC Risk over ``horizon`` (``event``) and the BTC Credit spread it implies (``inf``
        where the risk is 1, as at a price so low that impairment is certain: see
        :func:`~treasurymodel.credit.btc_credit_spread`).
    market_price, effective_yield, market_spread, credit_surplus
        The market side where a price was given: ``None`` for a security without one, and
        ``market_spread``/``credit_surplus`` are ``None`` without a risk-free rate.
        ``credit_surplus`` is ``-inf`` where ``spread`` is ``inf`` (a BTC Risk of 1).
    asset_price, share_price, asset_volatility, expected_return, horizon, event, definition
        The scalar inputs the table was computed with.
    common_rating
        The common stock's BTC Rating (``None`` without a share price).
    asset
        The reserve asset whose price ``asset_price`` is (``"BTC"``, ``"ETH"``, ...): the
        primary asset for a company holding several.
    impairment, expected_loss, simulated
        With a simulated view (``credit_table(..., simulated=...)``): each security's
        probability of impairment by the end of that run and its expected loss as a fraction
        of its notional, and the :class:`~treasurymodel.credit.SimulatedCredit` itself
        (``None`` otherwise; the columns are then left out).

    Examples
    --------
    >>> from treasurymodel import credit_table, datasets
    >>> t = credit_table(datasets.load("mstr-2026-02"), asset_volatility=0.5,
    ...                  expected_return=0.0)
    >>> len(t), t.security[7], round(float(t.rating[7]), 3)   # 48,619M / 9,528M
    (12, 'STRF', 5.103)
    >>> sorted(t.to_dict())[:3]
    ['amount', 'break_price', 'claim']
    """

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "security",
        "kind",
        "rank",
        "amount",
        "claim",
        "rating",
        "break_price",
        "risk",
        "spread",
        "market_price",
        "effective_yield",
        "market_spread",
        "credit_surplus",
    )

    company: str
    as_of: _dt.date
    definition: str
    event: str
    asset_price: float
    share_price: float | None
    asset_volatility: float
    expected_return: float
    horizon: float
    risk_free_rate: float | None
    security: tuple[str, ...]
    kind: tuple[str, ...]
    rank: IntArray
    amount: FloatArray
    claim: FloatArray
    rating: FloatArray
    break_price: FloatArray
    risk: FloatArray
    spread: FloatArray
    market_price: tuple[float | None, ...]
    effective_yield: tuple[float | None, ...]
    market_spread: tuple[float | None, ...]
    credit_surplus: tuple[float | None, ...]
    common_rating: float | None
    asset: str = "BTC"
    impairment: FloatArray | None = None
    expected_loss: FloatArray | None = None
    simulated: SimulatedCredit | None = attrs.field(default=None, repr=False)

    SIMULATED_COLUMNS: ClassVar[tuple[str, ...]] = ("impairment", "expected_loss")

    def columns(self) -> tuple[str, ...]:
        """The table's columns: ``COLUMNS``, and the simulated ones when present.

        Examples
        --------
        >>> from treasurymodel import credit_table, datasets
        >>> t = credit_table(datasets.load("mstr-2026-02"), asset_volatility=0.5,
        ...                  expected_return=0.0)
        >>> t.columns()[-1]
        'credit_surplus'
        """
        return self.COLUMNS + (self.SIMULATED_COLUMNS if self.simulated is not None else ())

    def __len__(self) -> int:
        return len(self.security)

    def row(self, security: str) -> dict[str, Any]:
        """One security's row as a dict of plain Python values (``None`` where missing).

        Examples
        --------
        >>> from treasurymodel import credit_table, datasets
        >>> t = credit_table(datasets.load("mstr-2026-02"), asset_volatility=0.5,
        ...                  expected_return=0.0)
        >>> t.row("STRF")["rank"], t.row("STRF")["kind"], t.row("STRF")["market_price"]
        (2, 'preferred', None)
        """
        if security not in self.security:
            raise ValidationError("security", security, "is not a row of this table")
        i = self.security.index(security)
        return {
            c: (
                getattr(self, c)[i]
                if c in ("security", "kind", *_MARKET)
                else getattr(self, c)[i].item()
            )
            for c in self.columns()
        }

    def to_dict(self) -> dict[str, npt.NDArray[Any]]:
        """The columns as numpy arrays (names and kinds as string arrays).

        The market columns become float arrays with NaN where the table holds ``None`` (no
        market price, or no risk-free rate): NaN is the missing-value mark of numpy and
        pandas, here and in
        :meth:`Comparison.to_dict <treasurymodel.comparison.Comparison.to_dict>`.

        Examples
        --------
        >>> from treasurymodel import credit_table, datasets
        >>> t = credit_table(datasets.load("mstr-2026-02"), asset_volatility=0.5,
        ...                  expected_return=0.0)
        >>> d = t.to_dict()
        >>> import numpy as np
        >>> d["security"][7], d["rating"].shape, bool(np.isnan(d["market_price"]).all())
        (np.str_('STRF'), (12,), True)
        """
        out: dict[str, npt.NDArray[Any]] = {}
        for c in self.columns():
            value = getattr(self, c)
            if c in ("security", "kind"):
                out[c] = np.array(value)
            elif c in _MARKET:
                out[c] = np.array([np.nan if v is None else v for v in value], dtype=np.float64)
            else:
                out[c] = value
        return out

    def to_frame(self) -> Any:
        """The table as a :class:`pandas.DataFrame` indexed by security (needs pandas).

        Examples
        --------
        >>> from treasurymodel import credit_table, datasets
        >>> t = credit_table(datasets.load("mstr-2026-02"), asset_volatility=0.5,
        ...                  expected_return=0.0)
        >>> t.to_frame().loc["STRD", "kind"]
        'preferred'
        """
        return frame(self.to_dict(), owner="CreditTable", index="security")

    def _header(self) -> str:
        return (
            f"{self.company} as of {self.as_of.isoformat()}: "
            f"{self.asset} {self.asset_price:,.2f}, "
            f"vol {self.asset_volatility:.0%}, return {self.expected_return:.0%}, "
            f"horizon {self.horizon:g}y;\n  definition {self.definition!r}, event {self.event!r}"
        )

    def _cells(self, *, short: bool = True) -> tuple[list[str], list[list[str]]]:
        market = any(p is not None for p in self.market_price)
        header = ["security", "rank", "claim (M)", "rating", "break price", "risk", "spread"]
        if market:
            header += ["price", "yield", "mkt sprd", "surplus"]
        sim = self.simulated
        if sim is not None:
            header += [f"impaired {sim.horizons[-1]:g}y", "exp. loss"]
        rows = []
        for i, name in enumerate(self.security):
            shown = name  # too long: keep both ends, where names differ
            if short and len(name) > _NAME_WIDTH:
                shown = name[:10] + "…" + name[len(name) - (_NAME_WIDTH - 11) :]
            cells = [
                shown,
                str(int(self.rank[i])),
                f"{self.claim[i] / 1e6:,.1f}",
                _num(float(self.rating[i]), ".3f"),
                _num(float(self.break_price[i]), ",.2f"),
                _pct(float(self.risk[i])),
                _bp(float(self.spread[i])),
            ]
            if market:
                cells += [
                    _num(self.market_price[i], ",.2f"),
                    _pct(self.effective_yield[i]),
                    _bp(self.market_spread[i]),
                    _bp(self.credit_surplus[i]),
                ]
            if self.impairment is not None and self.expected_loss is not None:
                cells += [_pct(float(self.impairment[i])), _pct(float(self.expected_loss[i]))]
            rows.append(cells)
        return header, rows

    def _footer(self) -> str:
        sim = self.simulated
        tail = (
            ""
            if sim is None
            else f"; simulated: {sim.paths:,} paths, {sim.years:g}y, "
            f"default {_pct(float(sim.default_probability[-1]))}"
        )
        if self.common_rating is None:
            return "common: no share price, no rating" + tail
        return (
            f"common: BTC Rating {self.common_rating:.3f} at share price {self.share_price:,.2f}"
            + tail
        )

    def __repr__(self) -> str:
        header, rows, left = fit_columns(*self._cells())
        footer = self._footer()
        if left:
            footer += f";\n  {', '.join(left)}: in to_dict() and the notebook view"
        return text_table(f"CreditTable({self._header()})", header, rows, footer)

    def _repr_html_(self) -> str:
        header, rows = self._cells(short=False)  # no text width to keep to: full names
        return html_table(self._header(), header, rows, self._footer())


def _scalar(field: str, value: Any, *, positive: bool = False) -> float:
    x = check_finite(field, value)
    if positive and x <= 0.0:
        raise ValidationError(field, value, "must be positive")
    return x


def credit_table(
    company: Company,
    *,
    asset_volatility: float,
    expected_return: float,
    horizon: float | None = None,
    asset_price: float | Mapping[str, float] | None = None,
    share_price: float | None = None,
    event: Event = "at_horizon",
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
    market_prices: Mapping[str, float] | None = None,
    risk_free_rate: float | None = None,
    to: YieldTo = "maturity",
    simulated: SimulatedCredit | None = None,
) -> CreditTable:
    """The credit view of every debt and preferred security, and the common's rating.

    One scenario (scalar inputs); for grids call :func:`~treasurymodel.credit.btc_risks`.

    Parameters
    ----------
    company
        The balance sheet.
    asset_volatility, expected_return, horizon, event
        The lognormal model of :func:`~treasurymodel.credit.btc_risk` (``horizon`` ``None``
        is one year).
    asset_price, share_price
        Prices now; ``None`` takes the company's ``[market]`` prices (the common's rating is
        left out if there is no share price). ``asset_price`` may be ``{asset: price}``
        for a company holding several assets (an asset left out takes its market price).
    definition, seniority
        As for :func:`~treasurymodel.credit.btc_rating`.
    market_prices
        Optional dict of market prices by security name (per share for a preferred series,
        per 100 of principal for a note; each positive), for the market columns.
    risk_free_rate
        Optional risk-free rate for the market spread and the credit surplus.
    to
        ``"maturity"`` or ``"put"``: the yield of a note (see
        :func:`~treasurymodel.credit.effective_yield`).
    simulated
        A :class:`~treasurymodel.credit.SimulatedCredit` of the same company with the same
        seniority (from :func:`~treasurymodel.credit.simulated_credit`): adds the columns
        ``impairment`` (by the end of its run) and ``expected_loss``.

    Examples
    --------
    >>> from treasurymodel import credit_table, datasets
    >>> co = datasets.load("mstr-2026-02")
    >>> t = credit_table(co, asset_volatility=0.5, expected_return=0.0,
    ...     market_prices={"STRF": 110.0}, risk_free_rate=0.04)
    >>> round(t.row("STRF")["effective_yield"], 6)   # $10 on $110
    0.090909
    >>> round(t.common_rating, 2)   # (reserve - debt - pref) / market cap at $114.45
    0.84
    """
    check_company(company)
    market = company.market
    ranked = claims(company, seniority)
    if simulated is not None and not (
        isinstance(simulated, SimulatedCredit)
        and simulated.company == company.name
        and simulated.as_of == company.as_of
        and simulated.security == tuple(c.name for c in ranked)
        and simulated.rank.tolist() == [c.rank for c in ranked]
    ):
        raise ValidationError(
            "simulated",
            simulated if not isinstance(simulated, SimulatedCredit) else simulated.company,
            "must be the SimulatedCredit of this company with the same seniority",
        )
    offsets(company, definition)
    reference: Any = None
    if isinstance(asset_price, Mapping):
        reference = {
            k: _scalar(f"asset_price.{k}", v, positive=True) for k, v in asset_price.items()
        }
    elif asset_price is not None:
        reference = _scalar("asset_price", asset_price, positive=True)
    grid = _inputs(
        company,
        reference,
        _scalar("asset_volatility", asset_volatility),
        _scalar("expected_return", expected_return),
        None if horizon is None else _scalar("horizon", horizon),
        event,
    )
    reserve: float | None = None  # the model's variable when it is not the asset price
    if simple(company):
        btc = float(grid.asset_price)
    else:
        reserve = float(grid.asset_price)
        primary = company.assets[0]
        given = reference if isinstance(reference, Mapping) else {primary: reference}
        observed = given.get(primary)
        if observed is None and market is not None:
            observed = market.price_of(primary, primary=True)
        assert observed is not None  # else _inputs refused the missing price
        btc = float(observed)
    years = 1.0 if horizon is None else float(horizon)
    if share_price is None and market is not None:
        share_price = market.share_price
    share = None if share_price is None else _scalar("share_price", share_price, positive=True)
    # Python floats: an overflow is inf, not a warning; a rating of inf would be a wrong number.
    held = company.holdings[0].units * btc if reserve is None else reserve
    if not math.isfinite(held + company.cash + company.other_assets):
        raise ValidationError("asset_price", btc, "is too large: the reserve is not finite")
    if share is not None and not math.isfinite(company.shares_basic * share):
        raise ValidationError("share_price", share, "is too large: the market cap is not finite")
    rate = None if risk_free_rate is None else _scalar("risk_free_rate", risk_free_rate)
    if rate is not None and not -1.0 < rate < 1.0:
        raise ValidationError("risk_free_rate", risk_free_rate, "must be a rate in (-1, 1)")
    if market_prices is not None and not isinstance(market_prices, Mapping):
        raise ValidationError(
            "market_prices", market_prices, "must be a dict {security name: price}"
        )
    given = dict(market_prices or {})
    rows = {c.name for c in ranked}
    for name, value in given.items():
        if name not in rows:
            raise ValidationError(
                "market_prices", name, "names no debt or preferred security of the company"
            )
        _scalar(f"market_prices[{name!r}]", value, positive=True)

    barriers = [barrier_price(company, c.claim, definition) for c in ranked]
    risk = [float(grid.probability(b, event)) for b in barriers]
    spread = [float(spread_from_risk(p, horizon=years)) for p in risk]
    if reserve is None:
        breaks = barriers
    else:  # the barrier's share of today's reserve, as a price of the primary asset
        breaks = [
            0.0 if b <= 0.0 else (btc * (b / reserve) if reserve > 0.0 else math.inf)
            for b in barriers
        ]
    priced: Any = reference if isinstance(reference, Mapping) else btc
    rating = [
        btc_rating(company, c.name, asset_price=priced, definition=definition, seniority=seniority)
        for c in ranked
    ]
    price = [float(given[c.name]) if c.name in given else None for c in ranked]
    yields: list[float | None] = []
    for c, p in zip(ranked, price, strict=True):
        try:
            yields.append(None if p is None else effective_yield(company, c.name, price=p, to=to))
        except ValidationError as err:
            field = f"market_prices[{c.name!r}]" if err.field == "price" else err.field
            raise ValidationError(field, err.value, err.reason) from None
    mkt = [None if rate is None or y is None else y - rate for y in yields]
    surplus = [None if m is None else m - s for m, s in zip(mkt, spread, strict=True)]
    common = (
        None
        if share is None
        else btc_rating(
            company, COMMON, asset_price=priced, share_price=share, definition=definition
        )
    )
    return CreditTable(
        company=company.name,
        as_of=company.as_of,
        definition=definition,
        event=event,
        asset_price=btc,
        share_price=share,
        asset_volatility=float(asset_volatility),
        expected_return=float(expected_return),
        horizon=years,
        risk_free_rate=rate,
        security=tuple(c.name for c in ranked),
        kind=tuple(c.kind for c in ranked),
        rank=_ro([c.rank for c in ranked], np.int64),
        amount=_ro([c.amount for c in ranked]),
        claim=_ro([c.claim for c in ranked]),
        rating=_ro(rating),
        break_price=_ro(breaks),
        risk=_ro(risk),
        spread=_ro(spread),
        market_price=tuple(price),
        effective_yield=tuple(yields),
        market_spread=tuple(mkt),
        credit_surplus=tuple(surplus),
        common_rating=common,
        asset=company.holdings[0].asset,
        impairment=None if simulated is None else _ro(simulated.impairment[:, -1]),
        expected_loss=None if simulated is None else simulated.expected_loss,
        simulated=simulated,
    )
