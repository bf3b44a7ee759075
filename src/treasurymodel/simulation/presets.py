"""Named stress scenarios: deterministic price paths a user can run in one line.

Each preset builds one weekly price path from the company's as-of date and a starting price
(``asset_price``, or the company's ``market.asset_price``):

``"crash-and-stay"``
    The price falls geometrically to ``to`` (default: 30% of the start) over ``crash_weeks``
    weeks (4), then stays there for ``years`` years (2): "BTC falls to $20,000 within weeks
    and stays there for two years".
``"slow-bleed"``
    The price declines geometrically, at a constant weekly rate, to ``to`` (default: 40% of
    the start) over ``years`` years (3).
``"v-shape"``
    A fall to ``to`` (default: 40% of the start) over ``crash_weeks`` weeks (12), a recovery
    to the starting price over ``recovery_weeks`` weeks (26), then flat until ``years`` years
    (2) have passed since the start.
``"crash-in-put-window"``
    Flat until ``crash_weeks`` weeks (8) before the company's first holder put date after the
    as-of date, then a geometric fall to ``to`` (default: 40% of the start) reached on the put
    date, then flat for ``years`` years (1) after it: puts are exercised at the bottom.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any, Final

import numpy as np

from .._typing import FloatArray
from ..company import Company
from ..errors import ValidationError
from ..validators import check_finite
from .engine import simulate_paths
from .impact import ImpactModel
from .models import _PRICE_RANGE
from .policy import FundingPolicy
from .premium import PremiumModel
from .result import SimulationResult

__all__ = ["PRESETS", "preset_names", "preset_path", "run_preset"]

PRESETS: Final[tuple[str, ...]] = (
    "crash-and-stay",
    "slow-bleed",
    "v-shape",
    "crash-in-put-window",
)
"""The names of the stress presets.

Examples
--------
>>> from treasurymodel.simulation import PRESETS
>>> PRESETS[0]
'crash-and-stay'
"""

_DEFAULT_LEVEL: Final = {
    "crash-and-stay": 0.3,
    "slow-bleed": 0.4,
    "v-shape": 0.4,
    "crash-in-put-window": 0.4,
}
_DEFAULT_YEARS: Final = {
    "crash-and-stay": 2.0,
    "slow-bleed": 3.0,
    "v-shape": 2.0,
    "crash-in-put-window": 1.0,
}
_DEFAULT_CRASH_WEEKS: Final = {"crash-and-stay": 4, "v-shape": 12, "crash-in-put-window": 8}
_WEEK: Final = _dt.timedelta(days=7)


def preset_names() -> tuple[str, ...]:
    """The names of the stress presets, for :func:`run_preset` and :func:`preset_path`.

    Examples
    --------
    >>> preset_names()
    ('crash-and-stay', 'slow-bleed', 'v-shape', 'crash-in-put-window')
    """
    return PRESETS


_MAX_YEARS: Final = 1_000.0
"""Longest span of a preset, in years."""

_MAX_WEEKS: Final = 52_200
"""Most weeks of a crash or a recovery (about 1,000 years)."""


def _positive(field: str, value: Any) -> float:
    x = check_finite(field, value)
    if x <= 0.0:
        raise ValidationError(field, value, "must be positive")
    return x


def _price(field: str, value: Any) -> float:
    """A price in the range every simulated price must stay in, [1e-200, 1e200]."""
    x = _positive(field, value)
    low, high = _PRICE_RANGE
    if not low <= x <= high:
        raise ValidationError(field, value, f"must lie between {low:g} and {high:g}")
    return x


def _weeks(field: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _MAX_WEEKS:
        raise ValidationError(
            field, value, f"must be a whole number of weeks from 1 to {_MAX_WEEKS:,}"
        )
    return value


def _glide(start: float, end: float, steps: int) -> FloatArray:
    """``steps + 1`` prices from ``start`` to ``end`` at a constant rate (geometric)."""
    k = np.arange(steps + 1, dtype=np.float64) / steps
    path = start * np.exp(k * math.log(end / start))
    path[-1] = end
    return path


def preset_path(
    company: Company,
    name: str,
    *,
    asset_price: float | None = None,
    to: float | None = None,
    years: float | None = None,
    crash_weeks: int | None = None,
    recovery_weeks: int = 26,
) -> tuple[FloatArray, tuple[_dt.date, ...]]:
    """The price path and dates of a stress preset (see the module docstring for each).

    Parameters
    ----------
    company
        The company: its as-of date starts the path, its ``market.asset_price`` is the
        default starting price, and its first put date places ``"crash-in-put-window"``.
    name
        One of :func:`preset_names`.
    asset_price
        Price on the as-of date (default: ``company.market.asset_price``), from 1e-200 to
        1e200 like every simulated price.
    to
        The bottom price (defaults: a fraction of the start, per preset), from 1e-200 to
        1e200.
    years
        Length of the stay after the crash (``"crash-and-stay"``, ``"crash-in-put-window"``),
        of the decline (``"slow-bleed"``), or of the whole path (``"v-shape"``); positive,
        at most 1,000, and the path must end by 9999-12-31.
    crash_weeks
        Weeks the fall takes (not used by ``"slow-bleed"``), 1 to 52,200.
    recovery_weeks
        Weeks of the recovery of ``"v-shape"``, 1 to 52,200.

    Returns
    -------
    (prices, dates)
        ``prices`` of shape ``(1, steps + 1)`` and the matching weekly ``dates``: ready for
        :func:`~treasurymodel.simulation.simulate_paths`.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1),
    ...              shares_basic=1)
    >>> prices, dates = preset_path(co, "crash-and-stay", asset_price=100_000.0, to=20_000.0,
    ...                             years=2)
    >>> prices.shape, dates[4], float(prices[0, 4]), float(prices[0, -1])
    ((1, 109), datetime.date(2026, 1, 29), 20000.0, 20000.0)
    """
    if not isinstance(company, Company):
        raise ValidationError("company", company, "must be a treasurymodel.Company")
    if not isinstance(name, str) or name not in PRESETS:
        raise ValidationError("name", name, f"must be one of {PRESETS}")
    if asset_price is None:
        asset_price = company.market.asset_price if company.market is not None else None
        if asset_price is None:
            raise ValidationError(
                "asset_price", None, "is needed: the company has no market.asset_price"
            )
    p0 = _price("asset_price", asset_price)
    bottom = _price("to", p0 * _DEFAULT_LEVEL[name] if to is None else to)
    span = _positive("years", _DEFAULT_YEARS[name] if years is None else years)
    if span > _MAX_YEARS:
        raise ValidationError("years", years, f"must be at most {_MAX_YEARS:,.0f}")
    span_weeks = max(1, round(span * 365.25 / 7))
    crash = _weeks(
        "crash_weeks", _DEFAULT_CRASH_WEEKS.get(name, 1) if crash_weeks is None else crash_weeks
    )
    recovery = _weeks("recovery_weeks", recovery_weeks)

    if name == "crash-and-stay":
        path = np.concatenate((_glide(p0, bottom, crash), np.full(span_weeks, bottom)))
    elif name == "slow-bleed":
        path = _glide(p0, bottom, span_weeks)
    elif name == "v-shape":
        down = _glide(p0, bottom, crash)
        up = _glide(bottom, p0, recovery)[1:]
        rest = max(span_weeks - crash - recovery, 0)
        path = np.concatenate((down, up, np.full(rest, p0)))
    else:
        puts = sorted(p for c in company.convertibles for p in c.puts if p > company.as_of)
        if not puts:
            raise ValidationError(
                "name",
                name,
                f"needs a holder put after {company.as_of}; {company.name!r} has none",
            )
        weeks_to_put = math.ceil((puts[0] - company.as_of).days / 7)
        flat = max(weeks_to_put - crash, 0)
        fall = weeks_to_put - flat
        head = np.full(flat, p0)
        down = _glide(p0, bottom, fall) if fall > 0 else np.array([p0])
        path = np.concatenate((head, down, np.full(span_weeks, bottom)))
    room = (_dt.date.max - company.as_of).days // 7
    if path.size - 1 > room:
        raise ValidationError("years", years, f"takes the path past the last date, {_dt.date.max}")
    dates = tuple(company.as_of + i * _WEEK for i in range(path.size))
    return path[np.newaxis, :], dates


def run_preset(
    company: Company,
    name: str,
    *,
    policy: FundingPolicy | None = None,
    premium: PremiumModel | None = None,
    impact: ImpactModel | None = None,
    **path_options: Any,
) -> SimulationResult:
    """Run a stress preset through :func:`~treasurymodel.simulation.simulate_paths` in one line.

    ``path_options`` go to :func:`preset_path` (``asset_price``, ``to``, ``years``,
    ``crash_weeks``, ``recovery_weeks``); ``policy``, ``premium`` and ``impact`` to the
    engine.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Note
    >>> from treasurymodel.simulation import run_preset
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
    ...     shares_basic=1e6, instruments=[Note(name="N", principal=30e6, coupon=0.05,
    ...     maturity=dt.date(2027, 1, 1))])
    >>> res = run_preset(co, "crash-and-stay", asset_price=100_000.0, to=20_000.0)
    >>> res.default.tolist(), res.forced_sale.tolist()
    ([True], [True])
    """
    prices, dates = preset_path(company, name, **path_options)
    return simulate_paths(
        company, prices=prices, dates=dates, policy=policy, premium=premium, impact=impact
    )
