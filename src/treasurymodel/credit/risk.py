"""BTC Risk and BTC Credit: closed-form probabilities that a BTC Rating falls below 1.

The reserve asset follows geometric Brownian motion, ``dP / P = mu dt + sigma dW`` (the
lognormal model of Black and Scholes with the drift ``mu`` in place of the risk-free rate).
A security is *impaired* when its BTC Rating is below 1, that is when the asset price is below
the security's *break price* ``B`` (its claim, net as its definition says, over the units
held). Two events are named apart:

``"at_horizon"``
    the price is below ``B`` on the horizon date: ``N(-d2)``, the probability that a put struck
    at ``B`` ends in the money (the company's "Black-Scholes" BTC Risk);
``"before_horizon"``
    the price touches ``B`` at any time up to the horizon (first passage of the barrier).

BTC Credit is the continuously compounded spread ``s`` with ``exp(-s T) = 1 - risk``.

A company holding several assets, or one asset priced in another currency than the
reporting one, has no single asset price: the model's variable is then the *reserve's value*
in the reporting currency, every asset price scaled by one common factor (the common shock
of :func:`~treasurymodel.maturity_wall` with ``shock=True``). The volatility and the expected
return are those of that value (with FX held at the company's rates), and the break point is
the reserve value at which the rating is 1: a fraction of today's reserve, so the barrier is
a scale factor of every price. With one asset in the reporting currency this is exactly the
price model above.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final, Literal, TypeAlias, overload

import numpy as np

from .._typing import ArrayLike, FloatArray
from ..assets import _reserve as reserve_value
from ..assets import asset_prices
from ..company import Company, check_company
from ..errors import ValidationError
from ..validators import check_choice, finite_result
from ._claims import (
    Definition,
    Seniority,
    barrier_price,
    claims,
    out,
    prices,
    resolve,
    simple,
)

__all__ = [
    "EVENTS",
    "Event",
    "btc_credit_spread",
    "btc_risk",
    "btc_risks",
    "risk_from_spread",
    "spread_from_risk",
]

Event: TypeAlias = Literal["at_horizon", "before_horizon"]
EVENTS: Final[tuple[str, ...]] = ("at_horizon", "before_horizon")
"""The two impairment events of :func:`btc_risk`: at the horizon, or at any time before it.

Examples
--------
>>> from treasurymodel.credit import EVENTS
>>> EVENTS
('at_horizon', 'before_horizon')
"""

_MAX_VOL: Final = 10.0
_MAX_RETURN: Final = 10.0
_MAX_HORIZON: Final = 1_000.0
_LOG_CDF_SWITCH: Final = -30.0
_ERFC = np.frompyfunc(math.erfc, 1, 1)


def normal_cdf(x: Any) -> FloatArray:
    """Standard normal distribution function elementwise, ``0.5 erfc(-x / sqrt 2)``.

    The C library's ``erfc`` (through :func:`math.erfc`): accurate in both tails.
    """
    arr = np.asarray(x, dtype=np.float64)
    return 0.5 * np.asarray(_ERFC(-arr / math.sqrt(2.0)), dtype=np.float64)


def _ranged(field: str, value: Any, low: float, high: float, *, open_low: bool) -> FloatArray:
    """``value`` as a float array, every element finite and within the range."""
    reason = "must be a number or an array of numbers"
    if value is None or isinstance(value, bool | np.bool_ | str | bytes):
        raise ValidationError(field, value, reason)
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):
        raise ValidationError(field, value, reason) from None
    if raw.dtype.kind not in "iuf":
        raise ValidationError(field, value, reason)
    data = raw.astype(np.float64)
    bad = ~np.isfinite(data) | (data > high) | ((data <= low) if open_low else (data < low))
    if bad.any():
        bound = "(" if open_low else "["
        what = f"must be finite and in {bound}{low:g}, {high:g}]"
        if data.ndim == 0:
            raise ValidationError(field, value, what)
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValidationError(f"{field}[{', '.join(map(str, idx))}]", float(data[idx]), what)
    return data


def _model(
    asset_volatility: Any, expected_return: Any, horizon: Any
) -> tuple[FloatArray, FloatArray, FloatArray]:
    vol = _ranged("asset_volatility", asset_volatility, 0.0, _MAX_VOL, open_low=True)
    mu = _ranged("expected_return", expected_return, -_MAX_RETURN, _MAX_RETURN, open_low=False)
    years = _ranged(
        "horizon", 1.0 if horizon is None else horizon, 0.0, _MAX_HORIZON, open_low=True
    )
    return vol, mu, years


def _broadcast(**arrays: FloatArray) -> tuple[FloatArray, ...]:
    try:
        return tuple(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        shapes = {k: v.shape for k, v in arrays.items()}
        raise ValidationError(
            "asset_volatility", shapes, "the inputs' shapes do not broadcast"
        ) from None


def _log_normal_cdf(x: FloatArray) -> FloatArray:
    """``log N(x)``, finite far into the left tail (asymptotic series below -30)."""
    safe = np.maximum(x, _LOG_CDF_SWITCH)
    with np.errstate(divide="ignore"):
        direct = np.log(np.asarray(normal_cdf(safe), dtype=np.float64))
    far = np.minimum(x, _LOG_CDF_SWITCH)
    inv2 = 1.0 / (far * far)
    series = 1.0 - inv2 * (1.0 - 3.0 * inv2 * (1.0 - 5.0 * inv2 * (1.0 - 7.0 * inv2)))
    tail = -0.5 * far * far - np.log(-far) - 0.5 * math.log(2.0 * math.pi) + np.log(series)
    result: FloatArray = np.where(x > _LOG_CDF_SWITCH, direct, tail)
    return result


class _Grid:
    """The parts of the formulas that depend on the model inputs only, computed once."""

    def __init__(
        self, asset_price: FloatArray, vol: FloatArray, mu: FloatArray, years: FloatArray
    ):
        self.asset_price = asset_price
        self.vol = vol
        self.scale = vol * np.sqrt(years)  # sigma sqrt(T); 0 if it underflows
        self.drift = (mu - 0.5 * vol * vol) * years  # nu T
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            # nu / sigma^2 written as mu / sigma^2 - 1/2: no 0/0 when sigma^2 underflows
            # (mu = 0 gives -1/2 exactly; mu != 0 gives +-inf, handled in probability)
            self.nu_over_var = np.where(mu == 0.0, -0.5, mu / (vol * vol) - 0.5)
            self.log_spot = np.log(asset_price)

    def _z(self, numerator: FloatArray) -> FloatArray:
        """``numerator / (sigma sqrt T)``; +-inf when the scale underflows, 0 for 0 / 0."""
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            z = np.asarray(numerator / self.scale, dtype=np.float64)
        return np.where(np.isnan(z), 0.0, z)

    def probability(self, barrier: float, event: str) -> FloatArray:
        """P(impaired) for a break price ``barrier`` over the whole grid."""
        if barrier <= 0.0:
            return np.zeros(self.asset_price.shape)
        if math.isinf(barrier):
            return np.ones(self.asset_price.shape)
        log_ratio = math.log(barrier) - self.log_spot  # ln(B / P0); +inf when P0 = 0
        if event == "at_horizon":
            at: FloatArray = np.asarray(
                normal_cdf(self._z(log_ratio - self.drift)), dtype=np.float64
            )
            return at
        below = (self.asset_price <= barrier) | (log_ratio >= 0.0)
        x = np.where(below, -1.0, log_ratio)  # x < 0 where the barrier is still ahead
        z1 = self._z(x - self.drift)
        z2 = self._z(x + self.drift)
        first = np.asarray(normal_cdf(z1), dtype=np.float64)
        # exp(2 nu x / sigma^2) N(z2) in logs. Far in the left tail of z2 the two large
        # terms cancel: 2 nu x / sigma^2 - z2^2 / 2 = -z1^2 / 2 exactly, so the asymptotic
        # series of log N(z2) is written with z1 (finite where sigma^2 underflows).
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            direct = 2.0 * self.nu_over_var * x + _log_normal_cdf(np.maximum(z2, _LOG_CDF_SWITCH))
            far = np.minimum(z2, _LOG_CDF_SWITCH)
            inv2 = 1.0 / (far * far)
            series = 1.0 - inv2 * (1.0 - 3.0 * inv2 * (1.0 - 5.0 * inv2 * (1.0 - 7.0 * inv2)))
            tail = -0.5 * z1 * z1 - np.log(-far) - 0.5 * math.log(2.0 * math.pi) + np.log(series)
            exponent = np.where(z2 > _LOG_CDF_SWITCH, direct, tail)
        second = np.exp(np.minimum(np.nan_to_num(exponent, nan=-np.inf), 0.0))
        touched: FloatArray = np.where(below, 1.0, np.minimum(first + second, 1.0))
        return touched


def _state(company: Company, asset_price: Any) -> FloatArray:
    """The model's variable now: the asset price for one asset priced in the reporting
    currency (the exact one-asset path), else the reserve's value in the reporting currency
    at the prices given (the primary's, or ``{asset: price}``; the others the market's)."""
    if simple(company):
        if isinstance(asset_price, Mapping):
            converted, _ = asset_prices(company, asset_price, field="asset_price")
            return converted[company.assets[0]]
        default = company.market.asset_price if company.market is not None else None
        return prices("asset_price", asset_price, default)
    reserve, _ = reserve_value(
        company, {} if asset_price is None else asset_price, fx=None, field="asset_price"
    )
    return reserve


def _inputs(
    company: Company,
    asset_price: Any,
    asset_volatility: ArrayLike,
    expected_return: ArrayLike,
    horizon: ArrayLike | None,
    event: str,
) -> _Grid:
    check_choice("event", event, EVENTS)
    asset_price = _state(company, asset_price)
    vol, mu, years = _model(asset_volatility, expected_return, horizon)
    asset_price, vol, mu, years = _broadcast(asset_price=asset_price, vol=vol, mu=mu, years=years)
    return _Grid(asset_price, vol, mu, years)


@overload
def btc_risk(  # type: ignore[overload-overlap]
    company: Company,
    security: str,
    *,
    asset_volatility: float,
    expected_return: float,
    horizon: float | None = None,
    asset_price: float | Mapping[str, float] | None = None,
    event: Event = "at_horizon",
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
) -> float: ...
@overload
def btc_risk(
    company: Company,
    security: str,
    *,
    asset_volatility: ArrayLike,
    expected_return: ArrayLike,
    horizon: ArrayLike | None = None,
    asset_price: ArrayLike | Mapping[str, ArrayLike] | None = None,
    event: Event = "at_horizon",
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
) -> FloatArray: ...
def btc_risk(
    company: Company,
    security: str,
    *,
    asset_volatility: ArrayLike,
    expected_return: ArrayLike,
    horizon: ArrayLike | None = None,
    asset_price: ArrayLike | Mapping[str, ArrayLike] | None = None,
    event: Event = "at_horizon",
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
) -> float | FloatArray:
    """BTC Risk: the probability that a security's BTC Rating falls below 1 by the horizon.

    Closed form under geometric Brownian motion of the asset price (of the reserve's value,
    every asset price moving by one common factor, for a company holding several assets or
    one priced in another currency: see the module notes). Every model input
    (``asset_volatility``, ``expected_return``, ``horizon``, ``asset_price``) takes a float or
    an array, and they broadcast together.

    Parameters
    ----------
    company
        The balance sheet (units held, claims, cash).
    security
        Name of a debt or preferred instrument.
    asset_volatility
        Annual volatility ``sigma`` of the asset price, in ``(0, 10]``.
    expected_return
        Annual expected return ``mu`` (continuously compounded drift: ``E[P_T] = P_0 e^{mu
        T}``), in ``[-10, 10]``. For an annual compound rate ``a`` pass ``log(1 + a)``.
    horizon
        Years ahead, in ``(0, 1000]``; ``None`` is one year, the company's annual BTC Risk.
    asset_price
        The asset price now; ``None`` takes the company's ``[market]`` price. For a company
        holding several assets, the primary's price or ``{asset: price}`` (an asset left out
        takes its market price): they set today's reserve value.
    event
        ``"at_horizon"`` (default): the price is below the break price on the horizon date,
        ``N(-d2)``. ``"before_horizon"``: it touches the break price at any time up to it.
    definition, seniority
        As for :func:`~treasurymodel.credit.btc_rating`: they set the claim, hence the break
        price.

    Returns
    -------
    float or numpy.ndarray
        A probability in ``[0, 1]``: 1 if the rating is already below 1 (``before_horizon``),
        0 if it can never fall to 1 (the cash covers the claim).

    Notes
    -----
    With break price :math:`B` (the BTC price at which the rating is 1),
    :math:`\\nu = \\mu - \\sigma^2/2` and :math:`x = \\ln(B / P_0)`:

    .. math::

        p_\\text{at} = N\\!\\left(\\frac{x - \\nu T}{\\sigma\\sqrt T}\\right), \\qquad
        p_\\text{before} = N\\!\\left(\\frac{x - \\nu T}{\\sigma\\sqrt T}\\right)
          + e^{2\\nu x / \\sigma^2} N\\!\\left(\\frac{x + \\nu T}{\\sigma\\sqrt T}\\right)
          \\quad (x < 0).

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Note
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
    ...     shares_basic=1e6, instruments=[
    ...         Note(name="debt", principal=50e6, maturity=dt.date(2030, 1, 1))])
    >>> # break price $50,000 from $100,000: x = ln 0.5; with mu = sigma^2 / 2, nu = 0
    >>> round(btc_risk(co, "debt", asset_volatility=0.5, expected_return=0.125,
    ...                asset_price=100_000.0), 6)     # N(ln 0.5 / 0.5)
    0.082829
    >>> round(btc_risk(co, "debt", asset_volatility=0.5, expected_return=0.125,
    ...                asset_price=100_000.0, event="before_horizon"), 6)  # twice that
    0.165657

    Several assets: the reserve's value follows the model. 500 BTC at $100,000 and 10,000 ETH
    at $5,000 are a $100M reserve, as the 1,000 BTC above: the same risk.

    >>> two = Company(name="Y", as_of=dt.date(2026, 1, 1), shares_basic=1e6,
    ...     holdings=[Holdings(asset="BTC", units=500), Holdings(asset="ETH", units=10_000)],
    ...     instruments=co.instruments)
    >>> round(btc_risk(two, "debt", asset_volatility=0.5, expected_return=0.125,
    ...                asset_price={"BTC": 100_000.0, "ETH": 5_000.0}), 6)
    0.082829
    """
    check_company(company)
    claim = resolve(company, security, seniority)
    if claim is None:
        raise ValidationError("security", security, "the common has no claim: no BTC Risk")
    barrier = barrier_price(company, claim.claim, definition)
    grid = _inputs(company, asset_price, asset_volatility, expected_return, horizon, event)
    return out(grid.probability(barrier, event))


@overload
def btc_risks(  # type: ignore[overload-overlap]
    company: Company,
    *,
    asset_volatility: float,
    expected_return: float,
    horizon: float | None = None,
    asset_price: float | Mapping[str, float] | None = None,
    event: Event = "at_horizon",
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
) -> dict[str, float]: ...
@overload
def btc_risks(
    company: Company,
    *,
    asset_volatility: ArrayLike,
    expected_return: ArrayLike,
    horizon: ArrayLike | None = None,
    asset_price: ArrayLike | Mapping[str, ArrayLike] | None = None,
    event: Event = "at_horizon",
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
) -> dict[str, FloatArray]: ...
def btc_risks(
    company: Company,
    *,
    asset_volatility: ArrayLike,
    expected_return: ArrayLike,
    horizon: ArrayLike | None = None,
    asset_price: ArrayLike | Mapping[str, ArrayLike] | None = None,
    event: Event = "at_horizon",
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
) -> dict[str, float] | dict[str, FloatArray]:
    """BTC Risk of every debt and preferred security in one call, most senior first.

    The model inputs are checked and broadcast once; each distinct break price then costs
    one pass over the grid (securities ranking together share one). See :func:`btc_risk` for
    the arguments.

    Examples
    --------
    >>> import datetime as dt, numpy as np
    >>> from treasurymodel import Company, Holdings, Note, PreferredStock
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
    ...     shares_basic=1e6, instruments=[
    ...         Note(name="debt", principal=20e6, maturity=dt.date(2030, 1, 1)),
    ...         PreferredStock(name="P", notional=30e6, rate=0.1)])
    >>> r = btc_risks(co, asset_volatility=np.array([0.3, 0.6]), expected_return=0.0,
    ...               asset_price=100_000.0)
    >>> [name for name in r], bool((r["P"] > r["debt"]).all())
    (['debt', 'P'], True)
    """
    check_company(company)
    ranked = claims(company, seniority)
    barriers = [barrier_price(company, c.claim, definition) for c in ranked]
    grid = _inputs(company, asset_price, asset_volatility, expected_return, horizon, event)
    done: dict[float, float | FloatArray] = {}  # securities of one tier share a break price
    result: dict[str, Any] = {}
    for c, b in zip(ranked, barriers, strict=True):
        if b not in done:
            done[b] = out(grid.probability(b, event))
            result[c.name] = done[b]
        else:
            value = done[b]
            result[c.name] = value.copy() if isinstance(value, np.ndarray) else value
    return result


@overload
def spread_from_risk(risk: float, *, horizon: float = 1.0) -> float: ...  # type: ignore[overload-overlap]
@overload
def spread_from_risk(risk: ArrayLike, *, horizon: ArrayLike = 1.0) -> FloatArray: ...
def spread_from_risk(risk: ArrayLike, *, horizon: ArrayLike = 1.0) -> float | FloatArray:
    """BTC Credit from BTC Risk: ``-ln(1 - risk) / horizon`` (``inf`` when ``risk`` is 1).

    The constant default intensity that gives the same probability of impairment over the
    horizon; zero recovery. ``risk`` lies in ``[0, 1]`` and ``horizon`` in ``(0, 1000]``
    years. A certain impairment (``risk`` 1) has no finite spread and gives ``inf``; below
    1, ``-ln(1 - risk)`` is at most about 37, and a horizon so short (below about 1e-307
    years) that the spread would still leave the float range is refused, naming
    ``horizon``.

    Examples
    --------
    >>> round(spread_from_risk(0.05, horizon=2.0), 10)   # -ln(0.95) / 2
    0.0256466472
    >>> spread_from_risk(1.0)
    inf
    """
    p = _ranged("risk", risk, 0.0, 1.0, open_low=False)
    years = _ranged("horizon", horizon, 0.0, _MAX_HORIZON, open_low=True)
    p, years = _broadcast(risk=p, horizon=years)
    with np.errstate(divide="ignore", over="ignore"):
        spread = -np.log1p(-p) / years
    certain = p == 1.0  # the documented infinity; any other one is an overflow
    finite_result("horizon", horizon, np.where(certain, 0.0, spread), "the spread")
    return out(spread + 0.0)  # + 0.0 turns -0.0 into 0.0


@overload
def risk_from_spread(spread: float, *, horizon: float = 1.0) -> float: ...  # type: ignore[overload-overlap]
@overload
def risk_from_spread(spread: ArrayLike, *, horizon: ArrayLike = 1.0) -> FloatArray: ...
def risk_from_spread(spread: ArrayLike, *, horizon: ArrayLike = 1.0) -> float | FloatArray:
    """The probability of impairment a credit spread implies: ``1 - exp(-spread * horizon)``.

    The inverse of :func:`spread_from_risk`; ``spread`` is non-negative and may be ``inf``
    (certain impairment). ``horizon`` lies in ``(0, 1000]`` years. A product
    ``spread * horizon`` beyond the float range is the limit it tends to: a risk of 1.

    Examples
    --------
    >>> round(risk_from_spread(0.0256466472, horizon=2.0), 8)
    0.05
    """
    years = _ranged("horizon", horizon, 0.0, _MAX_HORIZON, open_low=True)
    if spread is None or isinstance(spread, bool | np.bool_ | str | bytes):
        raise ValidationError("spread", spread, "must be a number or an array of numbers")
    try:
        raw = np.asarray(spread)
    except (TypeError, ValueError):  # a ragged list
        raise ValidationError(
            "spread", spread, "must be a number or an array of numbers"
        ) from None
    if raw.dtype.kind not in "iuf":
        raise ValidationError("spread", spread, "must be a number or an array of numbers")
    s = raw.astype(np.float64)
    if bool((np.isnan(s) | (s < 0.0)).any()):
        raise ValidationError("spread", spread, "must be non-negative (inf allowed)")
    s, years = _broadcast(spread=s, horizon=years)
    with np.errstate(over="ignore"):  # spread x horizon = inf: exp(-inf) = 0, a risk of 1
        return out(-np.expm1(-s * years))


@overload
def btc_credit_spread(  # type: ignore[overload-overlap]
    company: Company,
    security: str,
    *,
    asset_volatility: float,
    expected_return: float,
    horizon: float | None = None,
    asset_price: float | Mapping[str, float] | None = None,
    event: Event = "at_horizon",
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
) -> float: ...
@overload
def btc_credit_spread(
    company: Company,
    security: str,
    *,
    asset_volatility: ArrayLike,
    expected_return: ArrayLike,
    horizon: ArrayLike | None = None,
    asset_price: ArrayLike | Mapping[str, ArrayLike] | None = None,
    event: Event = "at_horizon",
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
) -> FloatArray: ...
def btc_credit_spread(
    company: Company,
    security: str,
    *,
    asset_volatility: ArrayLike,
    expected_return: ArrayLike,
    horizon: ArrayLike | None = None,
    asset_price: ArrayLike | Mapping[str, ArrayLike] | None = None,
    event: Event = "at_horizon",
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
) -> float | FloatArray:
    """BTC Credit: the credit spread a security's BTC Risk implies over the horizon.

    ``-ln(1 - BTC Risk) / horizon``, a continuously compounded annual spread with no recovery
    (Strategy's BTC Credit; pass the security's duration as ``horizon``). Arguments as for
    :func:`btc_risk`.

    ``inf`` where the BTC Risk is 1: at a zero price (no reserve, every claim impaired), or
    at a price so far below the break price that the risk rounds to 1. A certain impairment
    with no recovery has no finite spread; the infinity says so rather than a large number.

    Examples
    --------
    >>> import datetime as dt, math
    >>> from treasurymodel import Company, Holdings, Note
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
    ...     shares_basic=1e6, instruments=[
    ...         Note(name="debt", principal=50e6, maturity=dt.date(2030, 1, 1))])
    >>> s = btc_credit_spread(co, "debt", asset_volatility=0.5, expected_return=0.125,
    ...                       asset_price=100_000.0, horizon=4.0)
    >>> p = btc_risk(co, "debt", asset_volatility=0.5, expected_return=0.125,
    ...              asset_price=100_000.0, horizon=4.0)
    >>> math.isclose(s, -math.log(1 - p) / 4.0)
    True
    """
    risk = btc_risk(
        company,
        security,
        asset_volatility=asset_volatility,
        expected_return=expected_return,
        horizon=horizon,
        asset_price=asset_price,
        event=event,
        definition=definition,
        seniority=seniority,
    )
    years = 1.0 if horizon is None else horizon
    return spread_from_risk(risk, horizon=years)
