"""BTC Rating of every debt and preferred security and of the common stock.

The BTC Rating of a security is the reserve over the claims that rank with it or ahead of it.
Three definitions are computed, named apart (the theory page *Credit* gives each one with its
source):

``"reserve"``
    BTC Reserve / cumulative claim. The primer's definition, and the one behind Strategy's
    figure of 2 December 2025 for its convertible debt (5.9x at $74,000, 2.0x at $25,000).
``"dashboard"``
    BTC Reserve / (cumulative claim - USD Reserve): the cash comes off the senior claims. The
    only one of the three that reproduces the preferred ratings on Strategy's dashboard of
    18 January 2026 (STRF 9.1x, STRC 6.4x, STRK 5.2x, STRD 4.7x); for the common it is the
    formula the company published that day, (BTC Reserve - debt - preferred + USD Reserve) /
    market cap.
``"asset_coverage"``
    (BTC Reserve + cash + other assets) / cumulative claim: the textbook asset coverage of a
    senior security (U.S. Investment Company Act of 1940, section 18(h)).

The ranking is explicit: by default all debt ranks as one class ahead of the preferred series,
which follow their ``seniority`` ranks (equal ranks together), as the company file states it;
``seniority=[...]`` overrides it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar, overload

import attrs
import numpy as np

from .._render import cell, fit_columns, text_table
from .._results import Tabular, broadcast_columns
from .._typing import ArrayInput, ArrayLike, FloatArray
from ..assets import asset_prices
from ..company import Company, check_company
from ..errors import ValidationError
from ..validators import finite_result, price_array
from ._claims import (
    COMMON,
    Definition,
    Seniority,
    claims,
    common_extra,
    offsets,
    out,
    resolve,
)

__all__ = ["Ratings", "btc_rating", "btc_ratings"]

_T = TypeVar("_T", float, FloatArray)

PRICE_COLUMN = "asset_price"
"""The column of :meth:`Ratings.to_dict` holding the asset prices."""


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Ratings(Tabular, Mapping[str, _T]):
    """BTC Ratings by security (what :func:`btc_ratings` returns): a read-only mapping.

    ``ratings["STRF"]``, ``list(ratings)``, ``dict(ratings)`` and ``ratings == {...}`` work as
    on the dict of 0.1; each rating is a float at a float price, an array at an array of
    prices. ``to_dict()`` gives one row per price: the price, then one column per security.

    Attributes
    ----------
    asset_price
        The asset price(s) the ratings are computed at.
    definition
        The definition used (see :func:`btc_rating`).
    ratings
        The ratings by security name, most senior first (the common last, under
        ``"common"``, when a share price was given).

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Note
    >>> from treasurymodel.credit import btc_ratings
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
    ...     shares_basic=1e6, instruments=[Note(name="debt", principal=5e6,
    ...     maturity=dt.date(2030, 1, 1))])
    >>> r = btc_ratings(co, asset_price=[50_000.0, 100_000.0])
    >>> r["debt"].tolist(), list(r)
    ([10.0, 20.0], ['debt'])
    >>> r.to_dict()["debt"].tolist()
    [10.0, 20.0]
    """

    asset_price: _T
    definition: str
    ratings: Mapping[str, _T] = attrs.field(converter=dict)

    def __getitem__(self, security: str) -> _T:
        return self.ratings[security]

    def __iter__(self) -> Iterator[str]:
        return iter(self.ratings)

    def __len__(self) -> int:
        return len(self.ratings)

    def to_dict(self) -> dict[str, Any]:
        """``asset_price``, then one float column per security, one entry per price.

        A security named ``asset_price`` gets the column ``asset_price (security)``.

        Examples
        --------
        >>> import datetime as dt
        >>> from treasurymodel import Company, Holdings, PreferredStock
        >>> from treasurymodel.credit import btc_ratings
        >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
        ...     shares_basic=1e6, instruments=[PreferredStock(name="P", notional=50e6, rate=0.1)])
        >>> btc_ratings(co, asset_price=100_000.0).to_dict()
        {'asset_price': array([100000.]), 'P': array([2.])}
        """
        values: dict[str, Any] = {PRICE_COLUMN: self.asset_price}
        for name, value in self.ratings.items():
            values[f"{name} (security)" if name == PRICE_COLUMN else name] = value
        return dict(broadcast_columns(values))

    _turn = True

    def _title(self) -> str:
        return f"BTC Ratings ({self.definition!r} definition)"

    def _footer(self) -> str:
        return "rating: reserve over the claims ranking with or ahead of the security"

    def __repr__(self) -> str:
        """Securities down and (up to six) prices across; more prices: one row per price.

        Examples
        --------
        >>> import datetime as dt
        >>> from treasurymodel import Company, Holdings, Note
        >>> from treasurymodel.credit import btc_ratings
        >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
        ...     shares_basic=1e6, instruments=[Note(name="debt", principal=5e6,
        ...     maturity=dt.date(2030, 1, 1))])
        >>> print(repr(btc_ratings(co, asset_price=[50_000.0, 100_000.0])))
        BTC Ratings ('reserve' definition)
          security  at 50,000  at 100,000
          debt             10          20
          rating: reserve over the claims ranking with or ahead of the security
        """
        columns: dict[str, FloatArray] = self.to_dict()
        grid: FloatArray = columns.pop(PRICE_COLUMN)
        if not 1 < grid.size <= 6 or len(columns) > 21:  # else one row per price
            return super().__repr__()
        header = ["security", *(f"at {cell(float(p))}" for p in grid.tolist())]
        rows: list[list[str]] = []
        for security in columns:
            figures: list[float] = columns[security].tolist()
            rows.append([security, *[cell(v) for v in figures]])
        header, rows, _ = fit_columns(header, rows)
        return text_table(self._title(), header, rows, self._footer())


def _reserve(company: Company, asset_price: Any) -> FloatArray:
    """Σ units x price of every asset held, refused (naming ``asset_price``) where it leaves
    the float range; a mapping gives a price per asset
    (:func:`treasurymodel.assets.asset_prices`)."""
    from ..assets import _reserve as reserve_value

    reserve, _ = reserve_value(company, asset_price, fx=None, field="asset_price")
    return reserve


def _security_rating(
    company: Company, claim: float, definition: str, reserve: FloatArray, asset_price: Any
) -> Any:
    extra, offset = offsets(company, definition)
    denominator = claim - offset
    if denominator <= 0.0:  # the cash alone covers every claim up to this one
        return np.full_like(reserve, math.inf)
    with np.errstate(over="ignore"):
        rating = (reserve + extra) / denominator
    return finite_result("asset_price", asset_price, rating, "the BTC Rating")


def _common_rating(
    company: Company, definition: str, reserve: FloatArray, share: FloatArray, share_price: Any
) -> FloatArray:
    if bool((share <= 0.0).any()):
        raise ValidationError("share_price", share.tolist(), "must be positive for the common")
    try:
        reserve, share = np.broadcast_arrays(reserve, share)
    except ValueError:
        raise ValidationError(
            "share_price", share.shape, f"does not broadcast with asset_price {reserve.shape}"
        ) from None
    with np.errstate(over="ignore"):
        cap = company.shares_basic * share
        if not bool(np.isfinite(cap).all()):
            raise ValidationError(
                "share_price", share_price, "is too large: the market cap leaves the float range"
            )
        value: FloatArray = (reserve + common_extra(company, definition)) / cap
    return finite_result(
        "share_price", share_price, value, "the common's BTC Rating (over the market cap)"
    )


@overload
def btc_rating(
    company: Company,
    security: str,
    *,
    asset_price: float,
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
    share_price: float | None = None,
) -> float: ...
@overload
def btc_rating(
    company: Company,
    security: str,
    *,
    asset_price: ArrayInput,
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
    share_price: ArrayLike | None = None,
) -> FloatArray: ...
@overload
def btc_rating(
    company: Company,
    security: str,
    *,
    asset_price: ArrayLike,
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
    share_price: ArrayInput,
) -> FloatArray: ...
@overload
def btc_rating(
    company: Company,
    security: str,
    *,
    asset_price: Mapping[str, ArrayLike],
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
    share_price: ArrayLike | None = None,
) -> float | FloatArray: ...
def btc_rating(
    company: Company,
    security: str,
    *,
    asset_price: ArrayLike | Mapping[str, ArrayLike],
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
    share_price: ArrayLike | None = None,
) -> float | FloatArray:
    """BTC Rating of one security: the reserve over the claims ranking with or ahead of it.

    Parameters
    ----------
    company
        The balance sheet.
    security
        Name of a debt or preferred instrument, or ``"common"`` (or the company's ticker)
        for the common stock.
    asset_price
        Price of one unit of the primary reserve asset (float or array), finite and
        non-negative, or ``{asset: price}`` for a company holding several assets (an asset
        left out takes its ``company.market`` price; see
        :func:`treasurymodel.assets.asset_prices`).
        A price at which the reserve (units held x price, summed over the assets) or the
        rating leaves the float range (about 1.8e308) is refused.
    definition
        ``"reserve"`` (default), ``"dashboard"`` or ``"asset_coverage"``; see Notes.
    seniority
        The ranking, most senior first: a list of instrument names, where an entry may be a
        list of names that rank together. It must name every instrument once. ``None``
        (default): all debt as one class, then the preferred series by ``seniority`` rank.
    share_price
        Price of one common share, positive; needed for the common only (broadcasts with
        ``asset_price``), and checked whenever it is given. A price so large that the market
        cap, or so small that the common's rating, leaves the float range is refused.

    Returns
    -------
    float or numpy.ndarray
        The rating (``inf`` when the cash alone covers the claim under ``"dashboard"``).

    Notes
    -----
    With :math:`K` the security's cumulative claim (its amount plus every amount ranking with
    or ahead of it), :math:`U P` the BTC Reserve, :math:`C` cash, :math:`A` other assets,
    :math:`D` and :math:`Q` all debt and all preferred, :math:`M` the market cap:

    * ``"reserve"``: :math:`U P / K`; common :math:`(U P - D - Q) / M`;
    * ``"dashboard"``: :math:`U P / (K - C)`; common :math:`(U P - D - Q + C) / M`;
    * ``"asset_coverage"``: :math:`(U P + C + A) / K`; common :math:`(U P + C + A - D - Q) / M`.

    Raises
    ------
    ValidationError
        If ``security`` names nothing, a price is invalid, ``seniority`` does not rank every
        instrument exactly once, ``definition`` is unknown, the common is asked for
        without a positive ``share_price``, or a figure would leave the float range (see
        ``asset_price`` and ``share_price``).

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Note, PreferredStock
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
    ...     shares_basic=1e6, cash=5e6, instruments=[
    ...         Note(name="debt", principal=10e6, maturity=dt.date(2030, 1, 1)),
    ...         PreferredStock(name="A", notional=10e6, rate=0.1, seniority=1),
    ...         PreferredStock(name="B", notional=30e6, rate=0.1, seniority=2)])
    >>> btc_rating(co, "B", asset_price=100_000.0)               # 100M / 50M
    2.0
    >>> btc_rating(co, "B", asset_price=100_000.0, definition="dashboard")  # 100M / 45M
    2.2222222222222223
    >>> btc_rating(co, "B", asset_price=100_000.0, definition="asset_coverage")  # 105M / 50M
    2.1
    >>> btc_rating(co, "A", asset_price=100_000.0, seniority=["B", "A", "debt"])
    2.5
    >>> btc_rating(co, "common", asset_price=100_000.0, share_price=40.0, definition="dashboard")
    1.375
    """
    check_company(company)
    share = None if share_price is None else price_array("share_price", share_price)
    claim = resolve(company, security, seniority)
    offsets(company, definition)  # checks the definition first
    reserve = _reserve(company, asset_price)
    if claim is None:
        if share is None:
            raise ValidationError(
                "share_price", None, f"is required for the rating of the common ({COMMON!r})"
            )
        return out(_common_rating(company, definition, reserve, share, share_price))
    return out(_security_rating(company, claim.claim, definition, reserve, asset_price))


@overload
def btc_ratings(
    company: Company,
    *,
    asset_price: float,
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
    share_price: float | None = None,
) -> Ratings[float]: ...
@overload
def btc_ratings(
    company: Company,
    *,
    asset_price: ArrayInput,
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
    share_price: ArrayLike | None = None,
) -> Ratings[FloatArray]: ...
@overload
def btc_ratings(
    company: Company,
    *,
    asset_price: Mapping[str, ArrayLike],
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
    share_price: ArrayLike | None = None,
) -> Ratings[float] | Ratings[FloatArray]: ...
def btc_ratings(
    company: Company,
    *,
    asset_price: ArrayLike | Mapping[str, ArrayLike],
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
    share_price: ArrayLike | None = None,
) -> Ratings[float] | Ratings[FloatArray]:
    """BTC Rating of every debt and preferred security, most senior first, then the common.

    The common (key ``"common"``) is included when ``share_price`` is given. See
    :func:`btc_rating` for the definitions and the arguments.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Note, PreferredStock
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
    ...     shares_basic=1e6, instruments=[
    ...         PreferredStock(name="P", notional=15e6, rate=0.1),
    ...         Note(name="debt", principal=5e6, maturity=dt.date(2030, 1, 1))])
    >>> dict(btc_ratings(co, asset_price=100_000.0))
    {'debt': 20.0, 'P': 5.0}
    >>> btc_ratings(co, asset_price=100_000.0, share_price=100.0)["common"]
    0.8
    """
    check_company(company)
    offsets(company, definition)
    share = None if share_price is None else price_array("share_price", share_price)
    reserve = _reserve(company, asset_price)
    result: dict[str, Any] = {
        c.name: out(_security_rating(company, c.claim, definition, reserve, asset_price))
        for c in claims(company, seniority)
    }
    if share is not None:
        result[COMMON] = out(_common_rating(company, definition, reserve, share, share_price))
    # the primary asset's price (in the reporting currency), the rows' key
    btc = asset_prices(company, asset_price)[0][company.holdings[0].asset]
    ratings: Ratings[Any] = Ratings(asset_price=out(btc), definition=definition, ratings=result)
    return ratings
