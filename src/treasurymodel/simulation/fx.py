"""Exchange rates in the simulation: a path of each foreign currency's rate.

A company reports in one currency (``company.currency``) but may hold an asset priced in
another (``Holdings.price_currency``) and owe debt or preferred stock in others
(``currency`` of an instrument). The simulation converts every such amount into the
reporting currency at the rate **of the step on which it is converted**:

* the asset price in the reporting currency on step ``t`` is the model's price (in the
  asset's price currency) times the rate of that currency on step ``t``;
* the principal outstanding of a debt, the notional and unpaid dividends of a preferred
  series in currency ``C`` are held in the reporting currency at the rate of ``C`` on the
  last step the engine visited, and restated at the new rate at the start of every visited
  step, before anything else happens on it; a coupon, amortization, maturity, put, call or
  dividend in ``C`` on step ``t`` is therefore paid at the rate of step ``t``;
* a margin check compares the loan and its collateral both in the reporting currency on
  the same step, so when the loan and the collateral's price share a currency the
  loan-to-value is that of the foreign amounts: an exchange-rate move alone calls no margin.

Without a path for a currency, its rate stays at the company's as-of rate (``Market.fx``)
on every step, which is what the simulation did before rates could move. A rate is given
as an :class:`FxGBM` (drawn with the asset's paths, reproducibly from the seed and
independently of the chunk size) or as an explicit array of rates per step.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np

from .._typing import FloatArray
from ..company import Company
from ..errors import ValidationError
from ..instruments.capabilities import Convertible, HasSpringing
from ..validators import in_range, non_negative, real_number, required_currency, to_float
from .models import _MAX_RATE, GBM, _limit

__all__ = [
    "FxGBM",
    "FxRevaluation",
    "check_fx",
    "convert",
    "fx_paths",
    "prices_in_reporting_currency",
]

_FX_RANGE: Final = (1e-100, 1e100)
"""Rates a path may take (far wider than any currency's history)."""


@attrs.frozen(kw_only=True)
class FxGBM:
    """A simulated exchange rate: reporting currency per unit of ``currency``, lognormal.

    The rate starts on the simulation's first date at the company's as-of rate
    (``Market.fx``) and its log moves over a step of ``dt`` years by

    .. math:: (\\mu - \\tfrac12\\sigma^2)\\,dt + \\sigma\\sqrt{dt}\\,
              \\bigl(\\rho Z + \\sqrt{1 - \\rho^2}\\,W\\bigr),

    with :math:`Z` the standard normal shock of the asset price on that step (a
    :class:`~treasurymodel.GBM` asset model) and :math:`W` a standard normal of the rate's own,
    so :math:`E[X_t] = X_0 e^{\\mu t}` and :math:`\\rho` is the correlation of the rate's log
    returns with the asset's. Under the risk-neutral measure :math:`\\mu` is the interest rate
    differential (reporting currency's rate minus ``currency``'s). Two rates correlated with
    the asset are correlated with each other through it only (:math:`\\rho_1\\rho_2`).

    Parameters
    ----------
    currency
        The foreign currency (three-letter code): the asset's price currency or an
        instrument's currency, not the reporting currency.
    volatility
        Annual volatility :math:`\\sigma` of the rate's log, from 0 to 10 (``0.1`` for 10%).
    drift
        Annual drift :math:`\\mu` of the rate, from -10 to 10 (default 0).
    correlation
        Correlation :math:`\\rho` with the asset's log returns, from -1 to 1 (default 0).
        Other than 0 it needs a :class:`~treasurymodel.GBM` asset model, whose shocks are
        known.

    Examples
    --------
    >>> FxGBM(currency="USD", volatility=0.10, drift=-0.03, correlation=0.2)
    FxGBM(currency='USD', volatility=0.1, drift=-0.03, correlation=0.2)
    >>> FxGBM(currency="USD", volatility=0.1, correlation=1.5)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: FxGBM.correlation: must lie in [-1.0, 1.0], got 1.5
    """

    currency: str = attrs.field(validator=required_currency)
    volatility: float = attrs.field(
        converter=to_float, validator=[non_negative, _limit(_MAX_RATE, "1,000% a year")]
    )
    drift: float = attrs.field(
        default=0.0,
        converter=to_float,
        validator=[real_number, _limit(_MAX_RATE, "±1,000% a year", signed=True)],
    )
    correlation: float = attrs.field(
        default=0.0, converter=to_float, validator=in_range(-1.0, 1.0, high_closed=True)
    )


def _foreign(company: Company) -> tuple[str, ...]:
    """The currencies other than the reporting one that the company's amounts are in."""
    found: list[str] = []
    for held in company.holdings:
        code = held.price_currency
        if code is not None and code != company.currency and code not in found:
            found.append(code)
    for inst in company.instruments:
        code = inst.currency
        if code is not None and code != company.currency and code not in found:
            found.append(code)
    return tuple(found)


def check_fx(
    fx: Any, company: Company, *, dates: int, paths: int | None = None
) -> dict[str, FxGBM | FloatArray]:
    """``fx`` as a mapping currency -> :class:`FxGBM` or array of rates, checked.

    ``fx`` is ``None`` (every rate constant at ``Market.fx``), an :class:`FxGBM` or a
    sequence of them, or a mapping from currency codes to rates: an array of shape
    ``(dates,)`` (one rate a date, the same on every path) or ``(paths, dates)``. Each
    currency must be one the company's amounts are in, other than the reporting currency;
    a path for the currency of a convertible note, or of a note with springing clauses (or
    of the instrument a clause refers to) is refused: the engine holds their conversion
    prices and thresholds at the as-of rate.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Market
    >>> co = Company(name="Yen", as_of=dt.date(2026, 1, 1), currency="JPY", shares_basic=1e3,
    ...     holdings=Holdings(units=1.0, price_currency="USD"), market=Market(fx={"USD": 150.0}))
    >>> check_fx({"USD": [150.0, 160.0]}, co, dates=2)["USD"].tolist()
    [150.0, 160.0]
    >>> check_fx({"EUR": [1.0, 1.1]}, co, dates=2)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: fx: must name currencies the company's amounts are \
in, other than its reporting currency JPY (('USD',)), got 'EUR'
    """
    if fx is None:
        return {}
    items: list[tuple[Any, Any]]
    if isinstance(fx, FxGBM):
        items = [(fx.currency, fx)]
    elif isinstance(fx, Mapping):
        items = list(fx.items())
    elif isinstance(fx, Sequence) and not isinstance(fx, str | bytes):
        items = []
        for entry in fx:
            if not isinstance(entry, FxGBM):
                raise ValidationError("fx", entry, "a sequence must hold FxGBM models")
            items.append((entry.currency, entry))
    else:
        raise ValidationError(
            "fx", fx, "must be None, an FxGBM, a sequence of them or a mapping currency -> rates"
        )
    foreign = _foreign(company)
    out: dict[str, FxGBM | FloatArray] = {}
    for code, value in items:
        if code not in foreign:
            raise ValidationError(
                "fx",
                code,
                "must name currencies the company's amounts are in, other than its reporting"
                f" currency {company.currency} ({foreign})",
            )
        if code in out:
            raise ValidationError("fx", code, "gives this currency twice")
        if isinstance(value, FxGBM):
            if value.currency != code:
                raise ValidationError(f"fx[{code!r}]", value, f"must be an FxGBM of {code}")
            out[code] = value
            continue
        out[code] = _rates(f"fx[{code!r}]", value, dates=dates, paths=paths)
    for inst in company.debts:
        codes = {inst.currency}
        if isinstance(inst, HasSpringing):
            codes |= {company.instrument(c.reference).currency for c in inst.springing}
            what = "a note with springing clauses"
        else:
            what = "a convertible"
        if not isinstance(inst, Convertible | HasSpringing) or not codes & set(out):
            continue
        raise ValidationError(
            "fx",
            sorted(c for c in codes & set(out) if c),
            f"moves a currency of {inst.name!r}, {what}: not supported (its conversion price"
            " and springing thresholds are held at the as-of rate; leave the rate at"
            " Market.fx)",
        )
    return out


def _rates(field: str, value: Any, *, dates: int, paths: int | None) -> FloatArray:
    try:
        raw = np.asarray(value)
        if raw.dtype.kind not in "iuf":
            raise TypeError
        arr = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError(field, value, "must be an array of rates") from None
    shapes = f"({dates},)" + ("" if paths is None else f" or ({paths}, {dates})")
    ok = arr.shape == (dates,) or (
        arr.ndim == 2 and arr.shape[1] == dates and (paths is None or arr.shape[0] == paths)
    )
    if not ok:
        raise ValidationError(field, arr.shape, f"must have shape {shapes}: one rate a date")
    low, high = _FX_RANGE
    if not (low <= float(arr.min()) and float(arr.max()) <= high):  # NaN fails both
        bad = float(arr.flat[int(np.flatnonzero(~((arr >= low) & (arr <= high)).ravel())[0])])
        raise ValidationError(field, bad, f"must be finite rates in [{low:g}, {high:g}]")
    return arr


def _stream(code: str) -> int:
    """The second spawn key of currency ``code``'s rate draws: ``1 +`` its three ASCII
    letters as a big-endian integer (never 0, the asset's own stream has no second key).

    Examples
    --------
    >>> _stream("USD") == 1 + 0x555344
    True
    """
    return 1 + int.from_bytes(code.encode("ascii"), "big")


def fx_paths(
    fx: Mapping[str, FxGBM | FloatArray],
    company: Company,
    *,
    model: Any,
    prices: FloatArray,
    seed: int,
    start: int,
    total: int,
    dt: float,
) -> dict[str, FloatArray]:
    """The rates on paths ``start .. start + len(prices)`` of a ``total``-path simulation.

    ``prices`` are the asset's prices on those paths (shape ``(size, steps + 1)``, in its
    price currency); the result maps each currency of ``fx`` to a ``(size, steps + 1)``
    array of rates. An :class:`FxGBM` of currency ``C`` draws its own normals in block ``i``
    of ``BLOCK_PATHS`` paths from ``SeedSequence(seed, spawn_key=(i, 1 + k))``, ``k`` the
    three ASCII letters of ``C`` read as a big-endian integer (the asset's block draws from
    ``spawn_key=(i,)``), so the asset paths are those of a run without ``fx``, no rate
    depends on the chunk size, and a currency's rates do not depend on the order of ``fx``
    or on the other currencies in it.

    Examples
    --------
    >>> import datetime as dt
    >>> import numpy as np
    >>> from treasurymodel import GBM, Company, Holdings, Market
    >>> co = Company(name="Yen", as_of=dt.date(2026, 1, 1), currency="JPY", shares_basic=1e3,
    ...     holdings=Holdings(units=1.0, price_currency="USD"), market=Market(fx={"USD": 150.0}))
    >>> m = GBM(asset_price=1.0, volatility=0.0)
    >>> r = fx_paths({"USD": FxGBM(currency="USD", volatility=0.0, drift=0.1)}, co, model=m,
    ...     prices=np.ones((2, 3)), seed=0, start=0, total=2, dt=1.0)
    >>> r["USD"].round(6).tolist()[0]  # 150 x e^(0.1 t)
    [150.0, 165.775638, 183.210414]
    """
    from .montecarlo import BLOCK_PATHS

    size, width = prices.shape
    steps = width - 1
    out: dict[str, FloatArray] = {}
    for code, value in fx.items():
        if not isinstance(value, FxGBM):
            out[code] = (
                np.broadcast_to(value, (size, width))
                if value.ndim == 1
                else value[start : start + size]
            )
            continue
        rho = value.correlation
        if rho != 0.0 and not (isinstance(model, GBM) and model.volatility > 0.0):
            raise ValidationError(
                f"fx[{code!r}].correlation",
                rho,
                "needs a GBM asset model with a positive volatility (whose shocks are known)",
            )
        # Date-major (a date's values contiguous, as the prices' transpose is), in place.
        log_rate = np.empty((width, size))
        log_rate[0] = 0.0
        shocks = log_rate[1:]
        for block in range(start // BLOCK_PATHS, (start + size - 1) // BLOCK_PATHS + 1):
            lo = block * BLOCK_PATHS
            rows = min(BLOCK_PATHS, total - lo)
            rng = np.random.Generator(
                np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block, _stream(code))))
            )
            take = min(rows, start + size - lo)
            # a date at a time (every path's normal of a date before the next date's), as
            # the asset's GBM draws them, straight into place
            drawn = rng.standard_normal((steps, rows))
            shocks[:, lo - start : lo - start + take] = drawn[:, :take]
        sigma = value.volatility
        scale = sigma * math.sqrt(dt)
        if rho != 0.0:
            assert isinstance(model, GBM)
            # the asset's shock on each step: (log return - its mean) / (sigma_a sqrt(dt))
            mean = (model.drift - 0.5 * model.volatility**2) * dt
            log_price = np.log(prices.T)
            z = np.subtract(log_price[1:], log_price[:-1])
            z -= mean
            z *= rho * scale / (model.volatility * math.sqrt(dt))
            shocks *= math.sqrt(1.0 - rho * rho) * scale
            shocks += z
        else:
            shocks *= scale
        shocks += (value.drift - 0.5 * sigma * sigma) * dt
        for k in range(2, width):
            np.add(log_rate[k - 1], log_rate[k], out=log_rate[k])
        log_rate += math.log(company.fx_rate(code))
        with np.errstate(over="ignore", under="ignore"):
            np.exp(log_rate, out=log_rate)
        log_rate[0] = company.fx_rate(code)  # exactly the as-of rate on the first date
        rates = log_rate.T
        low, high = _FX_RANGE
        if not (low <= float(rates.min()) and float(rates.max()) <= high):
            path, step = (int(k) for k in np.argwhere(~((rates >= low) & (rates <= high)))[0])
            raise ValidationError(
                f"fx[{code!r}]",
                float(rates[path, step]),
                f"took the rate of path {start + path} out of [{low:g}, {high:g}] at step {step}",
            )
        out[code] = rates
    return out


def prices_in_reporting_currency(
    company: Company, prices: FloatArray, rates: Mapping[str, FloatArray]
) -> FloatArray:
    """The asset prices converted into the reporting currency, step by step.

    ``prices`` (in the asset's price currency) times the rate of that currency on each step
    (``rates``, else the as-of rate); unchanged when the asset is priced in the reporting
    currency.

    Examples
    --------
    >>> import datetime as dt
    >>> import numpy as np
    >>> from treasurymodel import Company, Holdings, Market
    >>> co = Company(name="Yen", as_of=dt.date(2026, 1, 1), currency="JPY", shares_basic=1e3,
    ...     holdings=Holdings(units=1.0, price_currency="USD"), market=Market(fx={"USD": 150.0}))
    >>> prices_in_reporting_currency(co, np.array([[10.0, 20.0]]), {}).tolist()
    [[1500.0, 3000.0]]
    >>> prices_in_reporting_currency(co, np.array([[10.0, 20.0]]),
    ...     {"USD": np.array([[150.0, 100.0]])}).tolist()
    [[1500.0, 2000.0]]
    """
    code = company.holdings[0].price_currency
    if code is None or code == company.currency:
        return prices
    if code in rates:
        converted: FloatArray = np.asfortranarray(prices * rates[code])
        return converted
    return np.asfortranarray(prices * company.fx_rate(code))


class FxRevaluation:
    """Restates the foreign amounts the engine holds at each visited step's rates (internal).

    The engine holds a debt's principal outstanding, a preferred series' notional and its
    unpaid dividends in the reporting currency; for a currency with a path, :meth:`at`
    multiplies them by the ratio of the step's rate to the rate they were last held at (the
    as-of rate at first). A defaulted path's balance sheet is frozen in its snapshot: the
    foreign parts of its debt, preferred notional and unpaid dividends are kept apart when it
    defaults (:meth:`freeze`) and the snapshot is restated with them, so a frozen dollar debt
    is still worth its dollars at each later rate. One object per run: it keeps the rates
    last applied.
    """

    _SNAP_FIELDS: Final = ("final_debt", "final_preferred", "unpaid_dividends")

    def __init__(
        self, company: Company, rates: Mapping[str, FloatArray], *, debts: int, prefs: int
    ) -> None:
        self.rates = dict(rates)
        self.base = {code: company.fx_rate(code) for code in rates}
        self.current: dict[str, Any] = dict(self.base)
        self.debts = {
            code: [k for k, d in enumerate(company.debts[:debts]) if d.currency == code]
            for code in rates
        }
        self.prefs = {
            code: [j for j, p in enumerate(company.preferreds[:prefs]) if p.currency == code]
            for code in rates
        }
        self.frozen: dict[str, tuple[Any, Any, Any]] = {}

    def rows(self, which: Any) -> FxRevaluation:
        """A fresh revaluation of rows ``which`` of the paths (``slice(None)``: all)."""
        sub = object.__new__(FxRevaluation)
        sub.rates = {code: path[which] for code, path in self.rates.items()}
        sub.base = self.base
        sub.current = dict(self.base)
        sub.debts, sub.prefs = self.debts, self.prefs
        sub.frozen = {}
        return sub

    def freeze(self, newly: Any, st: Any) -> None:
        """Keep the foreign parts of the paths ``newly`` defaulted (called with their
        snapshot, before their debt is zeroed)."""
        for code in self.rates:
            if not (self.debts[code] or self.prefs[code]):
                continue
            parts = (
                sum((st.out[k] for k in self.debts[code]), 0.0),
                sum((st.notional[j] for j in self.prefs[code]), 0.0),
                sum((st.arrears[j] for j in self.prefs[code]), 0.0),
            )
            before = self.frozen.get(code, (0.0, 0.0, 0.0))
            self.frozen[code] = tuple(
                np.where(newly, part, old) for part, old in zip(parts, before, strict=True)
            )  # type: ignore[assignment]

    def at(self, st: Any, t: int) -> None:
        """Restate ``st``'s foreign amounts at the rates of step ``t``."""
        for code, path in self.rates.items():
            if not (self.debts[code] or self.prefs[code]):
                continue
            new = path[:, t]
            ratio = new / self.current[code]
            self.current[code] = new
            frozen = self.frozen.get(code)
            if frozen is not None:  # defaulted paths: their snapshot's foreign parts
                restated = tuple(part * ratio for part in frozen)
                for name, old, part in zip(self._SNAP_FIELDS, frozen, restated, strict=True):
                    st.snap[name] = st.snap[name] + (part - old)
                self.frozen[code] = restated
            for k in self.debts[code]:
                st.out[k] = st.out[k] * ratio
            for j in self.prefs[code]:
                st.notional[j] = st.notional[j] * ratio
                st.arrears[j] = st.arrears[j] * ratio
            st.debt_total = None
            st.pref_total = None


def convert(
    company: Company, prices: FloatArray, fx: Any, *, debts: int, prefs: int
) -> tuple[FloatArray, FxRevaluation | None]:
    """``simulate_paths``' conversion: the prices in the reporting currency and the
    revaluation of the foreign amounts (``None`` when every rate stays at the as-of rate).

    ``fx`` maps currencies to arrays of rates (``(dates,)`` or ``(paths, dates)``, as
    :func:`check_fx` checks them); an :class:`FxGBM` is refused here (draw it with
    :func:`~treasurymodel.simulate`).
    """
    given = check_fx(fx, company, dates=prices.shape[1], paths=prices.shape[0])
    rates: dict[str, FloatArray] = {}
    for code, value in given.items():
        if isinstance(value, FxGBM):
            raise ValidationError(
                f"fx[{code!r}]",
                value,
                "must be an array of rates here (simulate draws an FxGBM with the prices)",
            )
        rates[code] = np.broadcast_to(value, prices.shape) if value.ndim == 1 else value
    out = prices_in_reporting_currency(company, prices, rates)
    reval = FxRevaluation(company, rates, debts=debts, prefs=prefs)
    used = any(reval.debts[code] or reval.prefs[code] for code in rates)
    return out, (reval if used else None)
