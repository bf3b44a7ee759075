"""Treasury companies side by side: one row of metrics, ratings and break prices per company.

:func:`compare` reads every company at its own prices (the ``[market]`` table of its file,
unless prices are given) and returns a :class:`Comparison`. Because the companies may hold
different assets (BTC, ETH, SOL) at very different prices, every break price is given twice:
as a price of the company's own asset and as the fall from the current price that reaches it
(``0.8`` is an 80% fall), which compares across assets. NAV per share is also computed under
a common shock to every asset price (−80% to +100% by default), one array operation per
company.
"""

from __future__ import annotations

import datetime as _dt
import html
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from . import schedule
from ._render import fmt as _text
from ._results import frame
from ._typing import ArrayLike, FloatArray
from .company import Company
from .errors import ValidationError
from .kpi import btc_ratings, metrics
from .liquidation import (
    Springing,
    coverage_break_price,
    joint_margin_call_price,
    margin_call_assets,
    maturity_wall,
)
from .validators import check_choice, check_flag, check_number, price_array

__all__ = ["DEFAULT_SHOCKS", "Comparison", "ComparisonRow", "compare"]

DEFAULT_SHOCKS: Final = (-0.8, -0.6, -0.4, -0.2, 0.0, 0.25, 0.5, 1.0)
"""Default common shocks to every asset price: −80% to +100% (``0.0`` is today's price).

Examples
--------
>>> from treasurymodel.comparison import DEFAULT_SHOCKS
>>> [f"{s:+.0%}" for s in DEFAULT_SHOCKS][:3]
['-80%', '-60%', '-40%']
"""

_MAX_YEARS: Final = 1000.0
_MAX_SHOCK: Final = 100.0  # +10,000%: a 101-fold price


@attrs.frozen(kw_only=True)
class ComparisonRow:
    """One company's figures in a :class:`Comparison`.

    Amounts and prices are in the company's reporting currency (``currency``); prices of the
    reserve asset are per unit of the company's ``asset``. A field is ``None`` where the
    figure does not exist for the company (no share price, no loan with an LTV limit, no
    debt or preferred).

    Attributes
    ----------
    label
        The row's name (the company's name, or the key given to :func:`compare`).
    company, ticker, as_of, currency
        From the company's balance sheet.
    asset
        The reserve asset held (``"BTC"``, ``"ETH"``, ...).
    units
        Units of the asset held.
    asset_price, share_price
        The prices the row was computed at (``share_price`` may be ``None``).
    asset_reserve
        Units held × asset price.
    cash, debt, preferred
        Reported cash, aggregate debt principal and aggregate preferred notional (at the
        company's FX rates).
    nav, nav_per_share, nav_per_share_diluted
        Equity NAV, per basic share and per share by the if-converted method
        (:func:`~treasurymodel.metrics`).
    mnav, mnav_simple
        Enterprise value / reserve and market cap / reserve (``None`` without a share
        price).
    amplification, net_leverage
        (Debt + preferred) / reserve and (debt − cash) / reserve.
    cash_months_of_coverage
        12 × cash / annual interest and dividends (Strategy's "USD months of coverage",
        ``cash_months_of_coverage`` of :class:`~treasurymodel.Metrics`); ``inf`` with
        nothing to pay.
    asset_years_of_coverage
        Reserve / annual interest and dividends (Strategy's "BTC years of coverage",
        ``asset_years_of_coverage`` of :class:`~treasurymodel.Metrics`); ``inf`` with nothing
        to pay.
    junior_security, junior_rating
        The most junior debt or preferred security (the last of
        :meth:`~treasurymodel.Company.seniority_order`; all debt ranks together) and its BTC
        Rating, reserve / (its amount + everything senior or equal to it)
        (:func:`~treasurymodel.credit.btc_ratings`); ``None`` for a company with neither.
    common_rating
        The common stock's BTC Rating, (reserve − debt − preferred) / market cap
        (``btc_ratings(..., share_price=...)["common"]``); ``None`` without a share price.
    margin_call_price, margin_call_drop
        :func:`~treasurymodel.joint_margin_call_price`: the price below which the loans
        with an LTV limit can no longer be topped up together (the first margin call met
        as the price falls), and the fall to it; ``None`` without such a loan.
    wall_price, wall_drop
        The cumulative maturity-wall breakeven over the comparison's horizon (the last row
        of :func:`~treasurymodel.maturity_wall` up to ``as_of`` + ``years``): the price at
        which the holdings repay everything due by then; and the fall to it.
    wall_price_all, wall_drop_all
        The same up to the last debt maturity.
    coverage_price, coverage_drop
        :func:`~treasurymodel.coverage_break_price` over the horizon: the price below which
        cash and holdings cannot pay the interest, dividends and principal due; and the
        fall to it.

    Notes
    -----
    A fall ``d`` to break price ``P*`` from the current price ``P`` is ``d = 1 − P* / P``:
    ``0.8`` means that the asset must lose 80% before the break price is reached; ``1``
    that the break price is 0 (nothing breaks before the asset is worthless); a negative
    fall that the price is already below the break price (``-inf`` for an infinite one).

    Examples
    --------
    >>> from treasurymodel import compare, datasets
    >>> row = compare([datasets.load("mstr-2022q2")])["MicroStrategy"]
    >>> row.asset, round(row.margin_call_price, 2), round(row.margin_call_drop, 3)
    ('BTC', 3561.84, 0.82)
    """

    label: str
    company: str
    ticker: str | None
    as_of: _dt.date
    asset: str
    currency: str
    units: float
    asset_price: float
    share_price: float | None
    asset_reserve: float
    cash: float
    debt: float
    preferred: float
    nav: float
    nav_per_share: float
    nav_per_share_diluted: float
    mnav: float | None
    mnav_simple: float | None
    amplification: float
    net_leverage: float
    cash_months_of_coverage: float
    asset_years_of_coverage: float
    junior_security: str | None
    junior_rating: float | None
    common_rating: float | None
    margin_call_price: float | None
    margin_call_drop: float | None
    wall_price: float
    wall_drop: float
    wall_price_all: float
    wall_drop_all: float
    coverage_price: float
    coverage_drop: float

    def to_record(self) -> dict[str, Any]:
        """The row as a plain dict, field by field (``None`` kept).

        Examples
        --------
        >>> from treasurymodel import compare, datasets
        >>> rec = compare([datasets.load("sbet-2025-10")]).rows[0].to_record()
        >>> rec["asset"], rec["margin_call_price"], rec["wall_price_all"]
        ('ETH', None, 0.0)
        """
        return attrs.asdict(self, recurse=False)


_TEXT_FIELDS: Final = ("label", "company", "ticker", "asset", "currency", "junior_security")


@attrs.frozen(kw_only=True, eq=False)
class Comparison:
    """Treasury companies side by side: what :func:`compare` returns.

    Rows are in the order the companies were given; ``result["Strategy"]`` is the row of
    that label and iterating yields the rows. The figures read the same way as other
    results: a one-screen ``repr`` (companies across, figures down), an HTML table in
    notebooks, :meth:`to_dict` (columns of arrays) and :meth:`to_frame` (pandas, one row per
    company).

    Attributes
    ----------
    rows
        One :class:`ComparisonRow` per company.
    shocks
        The common relative shocks to every asset price, shape ``(k,)`` (``-0.8`` is a fall
        of 80%).
    shock_nav_per_share, shock_nav_per_share_diluted
        NAV per share (basic; if-converted) at ``asset_price × (1 + shock)``, shape
        ``(companies, k)``.
    years
        The horizon of ``wall_price`` and ``coverage_price``.
    springing, puts
        The maturity-wall options used (see :func:`~treasurymodel.maturity_wall`).

    Examples
    --------
    >>> from treasurymodel import compare, datasets
    >>> result = compare([datasets.load("mstr-2026-02"), datasets.load("xxi-2026-01")])
    >>> result.labels
    ('Strategy', 'Twenty One Capital')
    >>> result.to_dict()["amplification"].round(3).tolist()
    [0.342, 0.123]
    """

    rows: tuple[ComparisonRow, ...]
    shocks: FloatArray
    shock_nav_per_share: FloatArray
    shock_nav_per_share_diluted: FloatArray
    years: float
    springing: Springing
    puts: bool

    # --- access ---------------------------------------------------------------------

    @property
    def labels(self) -> tuple[str, ...]:
        """The rows' labels, in order."""
        return tuple(r.label for r in self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[ComparisonRow]:
        return iter(self.rows)

    def __getitem__(self, label: str) -> ComparisonRow:
        for row in self.rows:
            if row.label == label:
                return row
        raise ValidationError("label", label, f"is not a row (rows: {', '.join(self.labels)})")

    def shock_relative(self) -> FloatArray:
        """NAV per share under each shock relative to today's, shape ``(companies, k)``.

        ``shock_nav_per_share / nav_per_share``: ``1 + shock`` for a company without debt,
        preferred or cash, more (in both directions) for a leveraged one. NaN for a company
        whose NAV per share today is not positive (no ratio means anything there): like
        :meth:`to_dict`, an array export that marks a missing figure NaN.

        Examples
        --------
        >>> from treasurymodel import compare, datasets
        >>> result = compare([datasets.load("mstr-2026-02")], shocks=[-0.5, 0.5])
        >>> result.shock_relative().round(3).tolist()  # 1 ± 0.5 × asset_reserve / NAV
        [[0.29, 1.71]]
        """
        base = np.array([r.nav_per_share for r in self.rows], dtype=np.float64)[:, None]
        ok = base > 0.0
        out = np.where(ok, self.shock_nav_per_share / np.where(ok, base, 1.0), np.nan)
        return np.asarray(out, dtype=np.float64)

    # --- exports --------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Columns by name, one entry per company.

        Text columns (``label``, ``company``, ``ticker``, ``asset``, ``currency``,
        ``junior_security``) are object arrays of strings (``None`` where absent); ``as_of`` is a
        ``datetime64[D]`` array; every other column a float64 array with NaN where the row
        has ``None`` (the missing-value mark of numpy and pandas, as in
        :meth:`CreditTable.to_dict <treasurymodel.credit.CreditTable.to_dict>`; the rows themselves
        never hold NaN). Then one column per shock, ``nav_per_share_-80%`` and so on, and the
        same for the diluted figure. ``pandas.DataFrame(result.to_dict())`` gives one row per
        company.

        Examples
        --------
        >>> from treasurymodel import compare, datasets
        >>> d = compare([datasets.load("mstr-2026-02"), datasets.load("sbet-2025-10")]).to_dict()
        >>> d["asset"].tolist(), d["mnav"].round(3).tolist()
        (['BTC', 'ETH'], [1.078, nan])
        >>> [key for key in d if key.startswith("nav_per_share_")][:2]
        ['nav_per_share_diluted', 'nav_per_share_-80%']
        """
        out: dict[str, Any] = {}
        for field in attrs.fields(ComparisonRow):
            values = [getattr(r, field.name) for r in self.rows]
            if field.name in _TEXT_FIELDS:
                out[field.name] = np.array(values, dtype=object)
            elif field.name == "as_of":
                out[field.name] = np.array(values, dtype="datetime64[D]")
            else:
                out[field.name] = np.array(
                    [np.nan if v is None else v for v in values], dtype=np.float64
                )
        for j, name in enumerate(_shock_names(self.shocks)):
            out[f"nav_per_share_{name}"] = self.shock_nav_per_share[:, j].copy()
        for j, name in enumerate(_shock_names(self.shocks)):
            out[f"nav_per_share_diluted_{name}"] = self.shock_nav_per_share_diluted[:, j].copy()
        return out

    def to_frame(self) -> Any:
        """The columns of :meth:`to_dict` as a pandas DataFrame indexed by label.

        Needs pandas (imported only here); returns a ``pandas.DataFrame``.

        Examples
        --------
        >>> from treasurymodel import compare, datasets
        >>> frame = compare([datasets.load("mstr-2022q2")]).to_frame()
        >>> frame.index.tolist(), frame.loc["MicroStrategy", "asset"]
        (['MicroStrategy'], 'BTC')
        """
        return frame(self.to_dict(), owner="Comparison", index="label")

    def table(self) -> list[list[str]]:
        """The figures as text, companies across and figures down (header row first).

        What ``repr`` and the command's table print; prices with two decimals, amounts in
        millions, falls in percent, ``-`` where a figure does not exist.

        Examples
        --------
        >>> from treasurymodel import compare, datasets
        >>> rows = compare([datasets.load("mstr-2022q2")]).table()
        >>> rows[0], rows[1]
        (['', 'MicroStrategy'], ['as of', '2022-06-30'])
        """
        return self._lines(short=True)

    def _lines(self, *, short: bool) -> list[list[str]]:
        """The text cells; ``short`` cuts long names to the text table's column width."""

        def shown(text: str | None) -> str:
            return _short(text) if short else ("-" if text is None else text)

        horizon = f"{self.years:g}y"
        lines: list[tuple[str, list[str]]] = []
        if any(r.label != r.company for r in self.rows):
            lines.append(("company", [shown(r.company) for r in self.rows]))
        lines += [
            ("as of", [r.as_of.isoformat() for r in self.rows]),
            ("asset (currency)", [f"{r.asset} ({r.currency})" for r in self.rows]),
            ("units held", [_text(r.units, "count") for r in self.rows]),
            ("asset price", [_text(r.asset_price, "price") for r in self.rows]),
            ("share price", [_text(r.share_price, "price") for r in self.rows]),
            ("reserve (M)", [_text(r.asset_reserve, "money") for r in self.rows]),
            ("debt + preferred (M)", [_text(r.debt + r.preferred, "money") for r in self.rows]),
            ("NAV (M)", [_text(r.nav, "money") for r in self.rows]),
            ("NAV per share", [_text(r.nav_per_share, "price") for r in self.rows]),
            ("  diluted", [_text(r.nav_per_share_diluted, "price") for r in self.rows]),
            ("mNAV (EV)", [_text(r.mnav, "ratio") for r in self.rows]),
            ("mNAV (market cap)", [_text(r.mnav_simple, "ratio") for r in self.rows]),
            ("amplification", [_text(r.amplification, "ratio") for r in self.rows]),
            ("net leverage", [_text(r.net_leverage, "ratio") for r in self.rows]),
            (
                "cash months of coverage",
                [_text(r.cash_months_of_coverage, "plain") for r in self.rows],
            ),
            (
                "asset years of coverage",
                [_text(r.asset_years_of_coverage, "plain") for r in self.rows],
            ),
            ("junior security", [shown(r.junior_security) for r in self.rows]),
            ("  its rating", [_text(r.junior_rating, "ratio") for r in self.rows]),
            ("common's rating", [_text(r.common_rating, "ratio") for r in self.rows]),
            ("margin call price", [_text(r.margin_call_price, "price") for r in self.rows]),
            ("  fall to it", [_text(r.margin_call_drop, "pct") for r in self.rows]),
            (f"wall price ({horizon})", [_text(r.wall_price, "price") for r in self.rows]),
            ("  fall to it", [_text(r.wall_drop, "pct") for r in self.rows]),
            ("wall price (all debt)", [_text(r.wall_price_all, "price") for r in self.rows]),
            ("  fall to it", [_text(r.wall_drop_all, "pct") for r in self.rows]),
            (f"coverage price ({horizon})", [_text(r.coverage_price, "price") for r in self.rows]),
            ("  fall to it", [_text(r.coverage_drop, "pct") for r in self.rows]),
        ]
        for j, name in enumerate(_shock_names(self.shocks)):
            values = self.shock_nav_per_share[:, j]
            lines.append((f"NAV/share, asset {name}", [_text(float(v), "price") for v in values]))
        return [["", *self.labels], *[[name, *cells] for name, cells in lines]]

    def _head(self) -> str:
        n = len(self.rows)
        return f"Comparison of {n} compan{'y' if n == 1 else 'ies'}"

    def _report(self) -> str:
        """Every line of :meth:`table`, aligned (what the ``compare`` command prints)."""
        foot = (
            "Prices per unit of each company's asset, in its currency; "
            "fall = 1 - break price / price."
        )
        return "\n".join([self._head(), *_aligned(self.table()), foot])

    def __repr__(self) -> str:
        """One screen: an indented line folded into the one above (``0.00 (-100.0%)``), the
        shocks left to :meth:`to_dict`, and as many companies as fit in 100 characters."""
        table = self.table()
        rows: list[list[str]] = [table[0]]
        shocks = 0
        for row in table[1:]:
            if row[0].startswith("NAV/share, asset"):
                shocks += 1
            elif row[0].startswith("  "):
                prev = rows[-1]
                label = row[0].strip().replace("fall to it", "fall")
                rows[-1] = [f"{prev[0]} ({label})"] + [
                    a if b == "-" else f"{a} ({b})" for a, b in zip(prev[1:], row[1:], strict=True)
                ]
            else:
                rows.append(row)
        lines = _aligned(rows)
        keep = len(rows[0])
        while keep > 2 and max(len(line) for line in _aligned([r[:keep] for r in rows])) > 100:
            keep -= 1
        lines = _aligned([r[:keep] for r in rows])
        notes = []
        if keep < len(rows[0]):
            notes.append(f"{len(rows[0]) - keep} more companies")
        if shocks:
            notes.append(f"NAV per share under {shocks} shocks")
        foot = "Prices per unit of each company's asset, in its currency; fall to the price"
        if notes:
            foot = " and ".join(notes) + ": to_dict() or the notebook view"
        return "\n".join([self._head(), *lines, foot])

    def _repr_html_(self) -> str:
        rows = self._lines(short=False)  # no text width to keep to: full names
        parts = ["<table>", "<thead><tr>"]
        parts += [f"<th>{html.escape(c)}</th>" for c in rows[0]]
        parts.append("</tr></thead><tbody>")
        for row in rows[1:]:
            label = row[0].lstrip()  # an indented line belongs to the one above: indent it
            pad = "padding-left:1.5em;" if label != row[0] else ""
            parts.append(f'<tr><th style="text-align:left;{pad}">{html.escape(label)}</th>')
            parts += [f'<td style="text-align:right">{html.escape(c)}</td>' for c in row[1:]]
            parts.append("</tr>")
        parts.append("</tbody></table>")
        return "".join(parts)


def _shock_names(shocks: FloatArray) -> list[str]:
    """Column names of the shocks: ``-80%``, ``+0%``, ``+12.5%``."""
    return [f"{s:+.0%}" if abs(s * 100 - round(s * 100)) < 1e-9 else f"{s:+.4g}" for s in shocks]


def _short(text: str | None, width: int = 20) -> str:
    if text is None:
        return "-"
    return text if len(text) <= width else text[: width - 3] + "..."


def _aligned(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(r)
        ).rstrip()
        for r in rows
    ]


# --- input checks ---------------------------------------------------------------------


def _labelled(companies: Any) -> list[tuple[str, Company]]:
    if isinstance(companies, Mapping):
        pairs = list(companies.items())
        for key, company in pairs:
            if not isinstance(key, str) or not key.strip():
                raise ValidationError("companies", key, "keys must be non-empty labels (str)")
            if not isinstance(company, Company):
                raise ValidationError(
                    f"companies[{key!r}]", company, "must be a treasurymodel.Company"
                )
    else:
        if isinstance(companies, str | bytes | Company) or not isinstance(companies, Sequence):
            raise ValidationError(
                "companies", companies, "must be a list of companies or a {label: company} dict"
            )
        pairs = []
        seen: set[str] = set()
        for i, company in enumerate(companies):
            if not isinstance(company, Company):
                raise ValidationError(
                    f"companies[{i}]", company, "must be a treasurymodel.Company"
                )
            if company.name in seen:
                raise ValidationError(
                    f"companies[{i}].name",
                    company.name,
                    "is the name of an earlier company; give a {label: company} dict to tell "
                    "them apart",
                )
            seen.add(company.name)
            pairs.append((company.name, company))
    if not pairs:
        raise ValidationError("companies", companies, "must hold at least one company")
    return pairs


def _price_map(field: str, value: Any, known: Sequence[str], what: str) -> dict[str, float]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError(field, value, f"must be a dict {{{what}: price}}")
    out: dict[str, float] = {}
    for key, price in value.items():
        if not isinstance(key, str) or key not in known:
            raise ValidationError(
                field, key, f"names no {what} of the companies compared ({', '.join(known)})"
            )
        arr = price_array(f"{field}[{key!r}]", price, positive=True)
        if arr.ndim != 0:
            raise ValidationError(f"{field}[{key!r}]", price, "must be one price")
        out[key] = float(arr)
    return out


def _shocks(value: Any) -> FloatArray:
    if value is None or isinstance(value, bool | str | bytes):
        raise ValidationError("shocks", value, "must be a number or a list of numbers >= -1")
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):
        raise ValidationError("shocks", value, "must be a number or a list of numbers") from None
    if raw.dtype.kind not in "iuf" or raw.ndim > 1:
        raise ValidationError("shocks", value, "must be a number or a 1-d list of numbers")
    arr = np.atleast_1d(raw.astype(np.float64))
    if arr.size == 0:
        raise ValidationError("shocks", value, "must hold at least one shock")
    bad = ~np.isfinite(arr) | (arr < -1.0) | (arr > _MAX_SHOCK)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValidationError(
            f"shocks[{i}]",
            float(arr[i]),
            f"must be finite and in [-1, {_MAX_SHOCK:g}] (a fall of 100% to a rise of "
            f"{_MAX_SHOCK:,.0%})",
        )
    arr.flags.writeable = False
    return arr


def _months(years: Any) -> int:
    y = check_number("years", years, minimum=0.0, strict=True)
    if y > _MAX_YEARS:
        raise ValidationError("years", years, f"must be at most {_MAX_YEARS:g}")
    months = round(y * 12.0)
    if months < 1 or abs(y * 12.0 - months) > 1e-9:
        raise ValidationError("years", years, "must be a positive whole number of months")
    return months


# --- the comparison -------------------------------------------------------------------


def _fall(price: float, break_price: float) -> float:
    """``1 - break_price / price`` (``-inf`` for an infinite break price)."""
    if math.isinf(break_price):
        return -math.inf
    return 1.0 - break_price / price


def _row(
    label: str,
    company: Company,
    *,
    every: dict[str, float],
    share_price: float | None,
    until: _dt.date,
    months: int,
    springing: Springing,
    puts: bool,
) -> ComparisonRow:
    """One company's row. With several assets the break prices are common shocks: the
    primary asset's price at which, every asset price scaled by the same factor, the
    threshold is met (so each fall is the common fall of all the asset prices).

    ``every`` prices every asset held, the primary first."""
    asset_price = every[company.assets[0]]
    m: Any  # Metrics[float] (the prices are numbers)
    ratings: Any  # Ratings[float]
    if len(every) == 1:  # one asset: the exact one-asset functions
        m = metrics(company, asset_price=asset_price, share_price=share_price)
        ratings = btc_ratings(company, asset_price=asset_price, share_price=share_price)
        call = joint_margin_call_price(company)
        near = maturity_wall(company, until=until, springing=springing, puts=puts).rows[-1]
        whole = maturity_wall(company, springing=springing, puts=puts).rows[-1]
        cover = coverage_break_price(company, years=months / 12, springing=springing, puts=puts)
        wall_near, wall_all = near.breakeven_price, whole.breakeven_price
    else:
        m = metrics(company, asset_price=every, share_price=share_price)
        ratings = btc_ratings(company, asset_price=every, share_price=share_price)
        near_scale = (
            maturity_wall(
                company, until=until, shock=True, asset_price=every, springing=springing, puts=puts
            )
            .rows[-1]
            .breakeven_price
        )
        all_scale = (
            maturity_wall(company, shock=True, asset_price=every, springing=springing, puts=puts)
            .rows[-1]
            .breakeven_price
        )
        cover_scale = coverage_break_price(
            company,
            years=months / 12,
            shock=True,
            asset_price=every,
            springing=springing,
            puts=puts,
        )
        wall_near, wall_all = asset_price * near_scale, asset_price * all_scale
        cover = None if cover_scale is None else asset_price * cover_scale
        call = joint_margin_call_price(company)
        if call is not None:  # in the pledged asset's price: the same fall of the primary's
            (pledged,) = margin_call_assets(company)  # one, or the joint price was refused
            call = asset_price * call / every[pledged]
    order = company.seniority_order()
    junior = order[-1].name if order else None
    rating = ratings[junior] if junior else None
    return ComparisonRow(
        label=label,
        company=company.name,
        ticker=company.ticker,
        as_of=company.as_of,
        asset=company.holdings[0].asset,
        currency=company.currency,
        units=company.holdings[0].units,
        asset_price=asset_price,
        share_price=share_price,
        asset_reserve=m.asset_reserve,
        cash=m.cash,
        debt=m.debt,
        preferred=m.preferred,
        nav=m.nav,
        nav_per_share=m.nav_per_share,
        nav_per_share_diluted=m.nav_per_share_diluted,
        mnav=m.mnav,
        mnav_simple=m.mnav_simple,
        amplification=m.amplification,
        net_leverage=m.net_leverage,
        cash_months_of_coverage=m.cash_months_of_coverage,
        asset_years_of_coverage=m.asset_years_of_coverage,
        junior_security=junior,
        junior_rating=rating,
        common_rating=ratings.get("common"),
        margin_call_price=call,
        margin_call_drop=None if call is None else _fall(asset_price, call),
        wall_price=wall_near,
        wall_drop=_fall(asset_price, wall_near),
        wall_price_all=wall_all,
        wall_drop_all=_fall(asset_price, wall_all),
        coverage_price=cover,
        coverage_drop=_fall(asset_price, cover),
    )


def compare(
    companies: Sequence[Company] | Mapping[str, Company],
    *,
    asset_prices: Mapping[str, float] | None = None,
    share_prices: Mapping[str, float] | None = None,
    shocks: ArrayLike | Sequence[float] = DEFAULT_SHOCKS,
    years: float = 2.0,
    springing: Springing = "worst",
    puts: bool = False,
) -> Comparison:
    """Metrics, ratings, break prices and coverage of several companies, side by side.

    Parameters
    ----------
    companies
        A list of companies (each row labelled by the company's name, which must then be
        unique) or a dict ``{label: company}`` (to compare a company with a variant of
        itself, or two dates of one company under the same name).
    asset_prices
        Prices of the reserve assets by ticker, e.g. ``{"BTC": 70_000, "ETH": 2_500}``: every
        company holding that asset is read at that price (a price in the company's reporting
        currency). A company whose asset is not listed uses its ``[market]`` asset price;
        to give one company a price of its own, give it its own ``market``
        (``attrs.evolve(company, market=Market(asset_price=...))``).
    share_prices
        Share prices by row label. A company not listed uses its ``[market]`` share price;
        without one its mNAV is ``None``. As for ``treasurymodel report``, a share price is
        not changed when another asset price is given.
    shocks
        Common relative shocks applied to every asset price for the NAV-per-share columns
        (``-0.8`` is a fall of 80%; each from -1 to 100, a 101-fold price); default
        ``DEFAULT_SHOCKS``, −80% to +100%. A shocked price that leaves the float range is
        refused, naming the asset price.
    years
        Horizon of the near maturity wall and the coverage break price: a positive whole
        number of months, in years (default 2).
    springing, puts
        Maturity-wall options (see :func:`~treasurymodel.maturity_wall`): by default every
        secured note springs and no convertible is put (the published convention).

    Returns
    -------
    Comparison
        One :class:`ComparisonRow` per company, in the order given, and NAV per share under
        the shocks.

    Raises
    ------
    ValidationError
        Before any work, if ``companies`` is empty, holds something that is not a
        :class:`~treasurymodel.Company` or two companies of the same name (in a list); if a
        price key names no compared asset or company, or a price is not a positive finite
        number, or one that the largest shock takes out of the float range; if a company has
        no asset price (none given, none in its file); if a shock is below -1, above 100 or
        not finite; or if ``years``, ``springing`` or ``puts`` is invalid.
        A company holding several assets is compared on its primary asset's price, every
        other asset priced too (``asset_prices`` or its file) and moved with it: its break
        prices are common shocks (see :func:`~treasurymodel.maturity_wall` with ``shock=True``;
        the one-asset functions for a single asset's break price).

    Notes
    -----
    Each row is what the single-company functions give for that company at its prices:
    :func:`~treasurymodel.metrics`, :func:`~treasurymodel.credit.btc_ratings`,
    :func:`~treasurymodel.joint_margin_call_price`, :func:`~treasurymodel.maturity_wall`
    and :func:`~treasurymodel.coverage_break_price`. The shocked NAV per share is one call
    of :func:`~treasurymodel.metrics` per company on the array ``asset_price × (1 + shocks)``.

    Examples
    --------
    >>> from treasurymodel import compare, datasets
    >>> result = compare([datasets.load(n) for n in ("mstr-2026-02", "sbet-2025-10")])
    >>> for row in result:
    ...     print(row.label, row.asset, round(row.amplification, 3), round(row.wall_drop_all, 3))
    Strategy BTC 0.342 0.83
    SharpLink Gaming ETH 0.0 1.0
    >>> compare([datasets.load("sbet-2025-10")], asset_prices={"ETH": 2_000.0})[
    ...     "SharpLink Gaming"].asset_price
    2000.0
    """
    pairs = _labelled(companies)
    labels = [label for label, _ in pairs]
    held = sorted({asset for _, co in pairs for asset in co.assets})
    given_assets = _price_map("asset_prices", asset_prices, held, "asset")
    given_shares = _price_map("share_prices", share_prices, labels, "company label")
    grid = _shocks(shocks)
    months = _months(years)
    check_choice("springing", springing, ("worst", "best", "test"))
    puts = check_flag("puts", puts)

    prices: list[tuple[float | None, _dt.date, dict[str, float]]] = []
    for label, co in pairs:
        try:
            until = schedule.add_months(co.as_of, months, end_of_month=True)
        except ValidationError:
            raise ValidationError("years", years, "reaches past the year 9999") from None
        market = co.market
        # every asset's price: given, else the file's (as treasurymodel.assets looks it up)
        every: dict[str, float] = {}
        for i, held_asset in enumerate(co.assets):
            price = given_assets.get(held_asset)
            if price is None and market is not None:
                price = market.price_of(held_asset, primary=i == 0)
            if price is None:
                raise ValidationError(
                    "asset_prices",
                    None,
                    f"gives no {held_asset} price for {label!r}, whose file states none",
                )
            every[held_asset] = price
        asset_price = every[co.assets[0]]  # the primary asset's: the row's price
        share = given_shares.get(label)
        if share is None and market is not None:
            share = market.share_price
        if not math.isfinite(asset_price * (1.0 + float(grid.max()))):  # floats: no warning
            raise ValidationError(
                "asset_prices",
                asset_price,
                f"is too large for {label!r}: the price at the largest shock is not finite",
            )
        # Amounts must stay finite at the largest shock (Python floats: inf, no warning).
        if not math.isfinite(co.holdings[0].units * asset_price * (1.0 + float(grid.max()))):
            raise ValidationError(
                "asset_prices",
                asset_price,
                f"is too large for {label!r}: its reserve at the largest shock is not finite",
            )
        if share is not None and not math.isfinite(co.shares_basic * share):
            raise ValidationError(
                "share_prices", share, f"is too large for {label!r}: its market cap is not finite"
            )
        prices.append((share, until, every))

    rows: list[ComparisonRow] = []
    shocked: list[npt.NDArray[np.float64]] = []
    shocked_diluted: list[npt.NDArray[np.float64]] = []
    for (label, co), (share, until, every) in zip(pairs, prices, strict=True):
        rows.append(
            _row(
                label,
                co,
                every=every,
                share_price=share,
                until=until,
                months=months,
                springing=springing,
                puts=puts,
            )
        )
        # the shock scales every asset price together (one asset: its price)
        under = metrics(co, asset_price={a: p * (1.0 + grid) for a, p in every.items()})
        shocked.append(np.asarray(under.nav_per_share, dtype=np.float64))
        shocked_diluted.append(np.asarray(under.nav_per_share_diluted, dtype=np.float64))

    def frozen(parts: list[npt.NDArray[np.float64]]) -> FloatArray:
        arr = np.vstack(parts)
        arr.flags.writeable = False
        return arr

    return Comparison(
        rows=tuple(rows),
        shocks=grid,
        shock_nav_per_share=frozen(shocked),
        shock_nav_per_share_diluted=frozen(shocked_diluted),
        years=months / 12.0,
        springing=springing,
        puts=puts,
    )
