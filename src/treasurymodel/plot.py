"""Figures for reports: the debt maturity ladder and NAV per share against the asset price.

Needs matplotlib (``pip install 'treasurymodel[plot]'``), imported only when a figure is
drawn. The functions build a :class:`matplotlib.figure.Figure` directly, without pyplot, so
they work on headless machines and in threads (no GUI backend, no global figure state);
save one with ``fig.savefig("ladder.png")``. Give ``ax`` to draw into your own axes.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import numpy.typing

from .company import Company
from .errors import ValidationError
from .instruments import Debt
from .instruments.capabilities import Amortizing, HasSpringing, MarginCallable, Puttable

if TYPE_CHECKING:  # pragma: no cover - matplotlib is imported only when a figure is drawn
    import matplotlib.axes
    import matplotlib.figure

__all__ = [
    "comparison",
    "holdings_fan",
    "maturity_ladder",
    "nav_chart",
    "simulation_fan",
    "survival",
    "traced_path",
]

_INSTALL_HINT: Final = "plotting needs matplotlib: pip install 'treasurymodel[plot]'"

# Colour-blind-safe palette (Okabe-Ito), one colour per kind of debt.
_KIND_STYLE: Final = {
    "convertible_note": ("Convertible notes", "#0072B2"),
    "secured_note": ("Secured notes", "#D55E00"),
    "term_loan": ("Term loans", "#E69F00"),
    "note": ("Other debt", "#999999"),
}


def _new_figure(figure: Any, size: tuple[float, float]) -> matplotlib.figure.Figure:
    """A new figure of ``size`` (constrained layout, no pyplot), or ``figure`` if it is an
    empty matplotlib figure the caller gives (a ValidationError naming ``figure`` if not)."""
    figure_class = _figure_class()
    if figure is None:
        new: matplotlib.figure.Figure = figure_class(figsize=size, layout="constrained")
        return new
    if not isinstance(figure, figure_class) or figure.axes:
        raise ValidationError("figure", figure, "must be an empty matplotlib Figure")
    given: matplotlib.figure.Figure = figure
    return given


def _figure_class() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(_INSTALL_HINT) from None
    return Figure


def _check_company(company: Any) -> Company:
    if not isinstance(company, Company):
        raise ValidationError("company", company, "must be a treasurymodel.Company")
    return company


def _positive(field: str, value: Any) -> float:
    """``value`` as a float if it is a finite number > 0, else a ValidationError."""
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, int | float | np.integer | np.floating
    ):
        raise ValidationError(field, value, "must be a positive number")
    number = float(value)
    if not (math.isfinite(number) and number > 0):
        raise ValidationError(field, value, "must be a positive finite number")
    return number


def _price_grid(value: Any) -> numpy.typing.NDArray[np.float64]:
    """The x axis of a chart: a sorted 1-d array of at least two finite prices >= 0."""
    reason = "must be a 1-d list or array of at least two prices (mark one with asset_price=)"
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):  # a ragged list
        raise ValidationError("asset_prices", value, reason) from None
    if raw.dtype.kind not in "iuf" or raw.ndim != 1 or raw.size < 2:  # booleans, strings, ...
        raise ValidationError("asset_prices", value, reason)
    grid = raw.astype(np.float64)
    bad = ~np.isfinite(grid) | (grid < 0.0)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValidationError(f"asset_prices[{i}]", float(grid[i]), "must be finite and >= 0")
    return np.sort(grid)


def _check_title(title: Any) -> str | None:
    if title is not None and not isinstance(title, str):
        raise ValidationError("title", title, "must be a string or None")
    return title


def _check_ax(ax: Any) -> Any:
    """``ax`` if it is None or matplotlib axes (imports matplotlib when axes are given)."""
    if ax is None:
        return None
    _figure_class()  # the install hint if matplotlib is missing
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise ValidationError("ax", ax, "must be matplotlib Axes or None")
    return ax


def _axes(
    ax: Any, size: tuple[float, float]
) -> tuple[matplotlib.figure.Figure, matplotlib.axes.Axes]:
    figure_class = _figure_class()
    if ax is None:
        fig = figure_class(figsize=size, layout="constrained")
        return fig, fig.add_subplot()
    return ax.figure, ax


def _principal_flows(company: Company, debt: Debt) -> list[tuple[_dt.date, float]]:
    """Principal repaid on each date after the as-of date, at the stated schedule."""
    rate = company.fx_rate(debt.currency)
    flows: list[tuple[_dt.date, float]] = []
    remaining = debt.principal
    if isinstance(debt, Amortizing):
        for step in debt.amortization:
            remaining -= step.amount
            if step.date > company.as_of:
                flows.append((step.date, step.amount * rate))
    if debt.maturity > company.as_of and remaining > 0:
        flows.append((debt.maturity, remaining * rate))
    return flows


def maturity_ladder(
    company: Company,
    *,
    ax: matplotlib.axes.Axes | None = None,
    scale: float = 1e6,
    title: str | None = None,
) -> matplotlib.figure.Figure:
    """The debt maturity ladder: principal falling due each year, stacked by kind of debt.

    Solid bars are principal at stated maturity (and scheduled amortization), one colour per
    kind of debt, in the reporting currency. Outlined bars mark what could fall due earlier:
    a convertible's principal at its first holder put after the as-of date (dashed) and a
    secured note's principal at each springing-maturity test date (hatched). Perpetual
    preferred stock has no maturity and is not drawn. This is the chart of company
    presentations, read off the contract terms.

    Parameters
    ----------
    company
        The balance sheet; years after its as-of date are drawn.
    ax
        Axes to draw into; a new figure when ``None``.
    scale
        Divisor of the amounts on the y axis (``1e6``: millions).
    title
        Figure title; default names the company and the as-of date.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (``ax.figure`` when ``ax`` was given).

    Raises
    ------
    ValidationError
        If ``company`` is not a :class:`~treasurymodel.Company`, ``scale`` not a positive
        finite number, ``title`` not a string or ``ax`` not matplotlib axes.
    ImportError
        If matplotlib is not installed (``pip install 'treasurymodel[plot]'``).

    Examples
    --------
    >>> from treasurymodel import datasets
    >>> from treasurymodel.plot import maturity_ladder
    >>> fig = maturity_ladder(datasets.load("mstr-2022q2"))
    >>> ax = fig.axes[0]
    >>> [label for label in ax.get_legend_handles_labels()[1]][:3]
    ['Convertible notes', 'Secured notes', 'Term loans']
    """
    company = _check_company(company)
    scale = _positive("scale", scale)
    title = _check_title(title)
    fig, axes = _axes(_check_ax(ax), (10.0, 4.8))

    debts = company.debts
    by_kind: dict[str, dict[int, float]] = {kind: {} for kind in _KIND_STYLE}
    puts: dict[int, float] = {}
    springs: dict[int, float] = {}
    years: set[int] = set()
    for debt in debts:
        # A kind with no colour of its own (a newly registered one) stacks as "other debt".
        bucket = by_kind[type(debt).KIND if type(debt).KIND in by_kind else "note"]
        for when, amount in _principal_flows(company, debt):
            bucket[when.year] = bucket.get(when.year, 0.0) + amount / scale
            years.add(when.year)
        rate = company.fx_rate(debt.currency)
        if isinstance(debt, Puttable):
            first = next((p for p in debt.puts if p > company.as_of), None)
            if first is not None and first.year != debt.maturity.year:
                value = debt.principal * debt.put_price * rate / scale
                puts[first.year] = puts.get(first.year, 0.0) + value
                years.add(first.year)
        if isinstance(debt, HasSpringing):
            for clause in debt.springing:
                if clause.date > company.as_of and clause.date.year != debt.maturity.year:
                    value = debt.principal * rate / scale
                    springs[clause.date.year] = max(springs.get(clause.date.year, 0.0), value)
                    years.add(clause.date.year)

    unit = {1.0: "", 1e3: " thousands", 1e6: " millions", 1e9: " billions"}.get(float(scale))
    ylabel = f"Principal ({company.currency}{unit if unit is not None else f' / {scale:g}'})"
    if years:
        xs = np.arange(min(years), max(years) + 1)
        bottom = np.zeros(xs.size)
        for kind, (label, colour) in _KIND_STYLE.items():
            heights = np.array([by_kind[kind].get(int(x), 0.0) for x in xs])
            if heights.any():
                axes.bar(xs, heights, bottom=bottom, color=colour, label=label, width=0.7)
                bottom = bottom + heights
        for x, total in zip(xs, bottom, strict=True):
            if total > 0:
                axes.annotate(
                    f"{total:,.0f}",
                    (float(x), float(total)),
                    ha="center",
                    va="bottom",
                    fontsize=8,
                    xytext=(0, 2),
                    textcoords="offset points",
                )
        if puts:
            px = np.array(sorted(puts))
            ph = np.array([puts[int(x)] for x in px])
            pb = np.array([bottom[int(x) - xs[0]] for x in px])
            axes.bar(
                px,
                ph,
                bottom=pb,
                width=0.7,
                fill=False,
                edgecolor=_KIND_STYLE["convertible_note"][1],
                linestyle="--",
                linewidth=1.2,
                label="Convertible principal at first holder put",
            )
        if springs:
            sx = np.array(sorted(springs))
            sh = np.array([springs[int(x)] for x in sx])
            sb = np.array([bottom[int(x) - xs[0]] for x in sx])
            axes.bar(
                sx,
                sh,
                bottom=sb,
                width=0.7,
                fill=False,
                hatch="//",
                edgecolor=_KIND_STYLE["secured_note"][1],
                linewidth=1.2,
                label="Secured principal if its maturity springs",
            )
        axes.set_xticks(xs)
        axes.set_xticklabels([str(int(x)) for x in xs])
    else:
        axes.text(
            0.5, 0.5, "No debt falls due", ha="center", va="center", transform=axes.transAxes
        )
    axes.set_ylabel(ylabel)
    axes.set_xlabel("Year")
    axes.yaxis.set_major_formatter(_thousands())
    axes.spines[["top", "right"]].set_visible(False)
    if axes.get_legend_handles_labels()[0]:
        axes.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    axes.set_title(
        title
        if title is not None
        else f"{company.name}: debt maturities after {company.as_of.isoformat()}"
    )
    return fig


def _thousands() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _pos: f"{value:,.0f}")


def nav_chart(
    company: Company,
    *,
    asset_prices: numpy.typing.ArrayLike | None = None,
    asset_price: float | Mapping[str, float] | None = None,
    share_price: float | None = None,
    asset: str | None = None,
    shock: bool = False,
    fx: Mapping[str, float] | None = None,
    ax: matplotlib.axes.Axes | None = None,
    title: str | None = None,
) -> matplotlib.figure.Figure:
    """NAV per share (basic and diluted) against the asset price, with break prices marked.

    Vertical lines mark the current asset price, the NAV breakeven (the price at which
    equity NAV is zero: (debt + preferred − cash − other assets) / units held), the
    margin-call price of each loan with an LTV limit, and the maturity-wall breakeven
    over the whole debt (the price at which the holdings cover every maturity, secured
    notes springing). A horizontal line shows the share price (mNAV of 1 on the basic
    market-cap basis where it meets the basic line).

    A company holding several assets (or one priced in another currency) is drawn with the
    conventions of :func:`~treasurymodel.maturity_wall`: against the price of ``asset`` (the
    primary by default), the others fixed at their reference prices; or, with
    ``shock=True``, against the primary asset's price with every asset price moving in the
    same proportion (a common shock). The axis label says which. Prices are in each asset's
    price currency, NAV per share in the reporting currency.

    Parameters
    ----------
    company
        The balance sheet.
    asset_prices
        The x grid: a 1-d list or array of at least two prices, drawn in increasing order;
        default 400 prices from 0 to twice the largest marked price.
    asset_price
        Current asset price to mark; default ``company.market.asset_price``. With several
        assets: the reference prices, the primary's or ``{asset: price}`` (an asset left
        out takes its market price).
    share_price
        Share price to draw; default ``company.market.share_price``.
    asset
        The asset on the x axis, the others fixed (several assets); default the primary.
    shock
        Every asset price moves in proportion to the primary's, which is on the x axis.
    fx
        FX rates (numbers) replacing ``company.market.fx``.
    ax
        Axes to draw into; a new figure when ``None``.
    title
        Figure title; default names the company and the as-of date.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (``ax.figure`` when ``ax`` was given).

    Raises
    ------
    ValidationError
        If ``company`` is not a :class:`~treasurymodel.Company`; ``asset_prices`` not a 1-d
        list or array of at least two finite prices >= 0; ``asset_price`` or ``share_price``
        not a positive finite number; ``title`` not a string or ``ax`` not matplotlib axes;
        ``asset``, ``shock`` or ``fx`` refused as by :func:`~treasurymodel.maturity_wall`
        (another asset pledged with the others fixed: use ``shock=True``); a common shock
        whose primary asset has no positive reference price.
    ImportError
        If matplotlib is not installed (``pip install 'treasurymodel[plot]'``).

    Examples
    --------
    >>> from treasurymodel import datasets
    >>> from treasurymodel.plot import nav_chart
    >>> fig = nav_chart(datasets.load("mstr-2022q2"))
    >>> [text for text in fig.axes[0].get_legend_handles_labels()[1]][:2]
    ['NAV per share', 'NAV per share, diluted']

    Several assets, all moving together:

    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Market
    >>> two = Company(name="Y", as_of=dt.date(2026, 1, 1), shares_basic=1e6,
    ...     holdings=[Holdings(asset="BTC", units=1_000), Holdings(asset="ETH", units=20_000)],
    ...     market=Market(asset_price=100_000.0, asset_prices={"ETH": 3_000.0}))
    >>> nav_chart(two, shock=True).axes[0].get_xlabel()
    'BTC price (USD), every asset price moving in proportion'
    """
    from .liquidation import _one_asset_view, margin_call_price, maturity_wall, nav_sensitivity

    company = _check_company(company)
    given_grid = None if asset_prices is None else _price_grid(asset_prices)
    market = company.market
    plain = (
        asset is None
        and shock is False
        and fx is None
        and not isinstance(asset_price, Mapping)
        and len(company.holdings) == 1
        and company.holdings[0].price_currency in (None, company.currency)
    )
    if asset_price is None and market is not None and plain:
        asset_price = market.asset_price
    if share_price is None and market is not None:
        share_price = market.share_price
    if asset_price is not None and not isinstance(asset_price, Mapping):
        asset_price = _positive("asset_price", asset_price)
    if share_price is not None:
        share_price = _positive("share_price", share_price)
    title = _check_title(title)
    ax = _check_ax(ax)
    marks: list[tuple[float, str, str, str]] = []  # price, label, colour, style
    if plain:  # one asset in the reporting currency: the one-asset chart
        units = company.holdings[0].units
        x_asset, x_currency, axis_note = company.holdings[0].asset, company.currency, ""
        view, extra, scale = company, 0.0, 1.0
        x0: float | None = None if not isinstance(asset_price, float) else asset_price
    else:
        view, extra = _one_asset_view(
            company,
            asset=asset,
            shock=shock,
            asset_price=asset_price,
            fx=fx,
            conversion="cash",
            springing="worst",
        )
        primary = company.holdings[0]
        held = primary if shock else company.holding(asset)
        x_asset, x_currency = held.asset, held.price_currency or company.currency
        given: Mapping[str, Any] = (
            asset_price
            if isinstance(asset_price, Mapping)
            else ({} if asset_price is None else {primary.asset: asset_price})
        )
        observed = given.get(x_asset)
        if observed is None and market is not None:
            observed = market.price_of(x_asset, primary=held is primary)
        x0 = None if observed is None else float(observed)
        units = view.holdings[0].units
        if shock:
            if x0 is None or not x0 > 0.0:
                raise ValidationError(
                    "asset_price",
                    asset_price,
                    f"gives no positive {x_asset} price: a common shock is drawn against "
                    "the primary asset's price",
                )
            scale = x0  # the view's "price" is the common factor: x = factor × x0
            axis_note = ", every asset price moving in proportion"
        else:
            scale = 1.0
            axis_note = ", other assets at fixed prices" if len(company.holdings) > 1 else ""
    if x0 is not None:
        marks.append((x0, f"{x_asset} price", "#000000", "-"))
    if units > 0:
        claims = view.total_debt + view.total_preferred - view.cash - view.other_assets - extra
        marks.append(
            (scale * max(claims, 0.0) / units, "NAV breakeven (NAV = 0)", "#CC79A7", "--")
        )
    for inst in view.instruments:
        if isinstance(inst, MarginCallable) and inst.max_ltv is not None:
            if shock:
                # A loan is topped up with its own collateral asset only: its margin-call
                # price on the company, as the same fall of the primary's price (the merged
                # view would let every asset top it up).
                pledged_on = company.instrument(inst.name)
                collateral = (
                    getattr(pledged_on, "collateral_asset", None) or company.holdings[0].asset
                )
                own = given.get(collateral)
                if own is None and market is not None:
                    own = market.price_of(collateral, primary=collateral == primary.asset)
                if own is None or not float(own) > 0.0:
                    continue  # no reference price of the collateral: no mark
                at_rates = attrs.evolve(company, market=view.market)  # the fx= given, if any
                call = margin_call_price(at_rates, inst.name)
                price = None if call is None else float(call) / float(own)
            else:
                price = margin_call_price(view, inst.name)
            if price is not None and np.isfinite(price):
                marks.append((scale * price, f"Margin call: {inst.name}", "#D55E00", ":"))
    if company.debts:
        wall = (
            maturity_wall(company)
            if plain
            else maturity_wall(company, asset=asset, shock=shock, asset_price=asset_price, fx=fx)
        )
        last = scale * wall.rows[-1].breakeven_price if wall.rows else 0.0
        if np.isfinite(last) and last > 0:
            marks.append((last, "Maturity-wall breakeven (all debt)", "#009E73", "-."))

    if given_grid is None:
        top = max([m[0] for m in marks] + [1.0]) * 2.0
        if not np.isfinite(top):
            field = "asset_price" if x0 is not None and not np.isfinite(2.0 * x0) else "company"
            raise ValidationError(
                field,
                asset_price if field == "asset_price" else company.name,
                "is too large to chart: the price axis goes to twice the highest marked price, "
                "beyond the float range (give asset_prices)",
            )
        grid = np.linspace(0.0, top, 400)
    else:
        grid = given_grid
    if plain or shock:
        table = nav_sensitivity(view, asset_prices=grid / scale if shock else grid)
        per_share, per_share_diluted = table.nav_per_share, table.nav_per_share_diluted
    else:  # the x asset at the grid, the others at their reference prices
        from .kpi import metrics

        m = metrics(company, asset_price={**dict(given), x_asset: grid}, fx=fx)
        per_share = np.asarray(m.nav_per_share, dtype=np.float64)
        per_share_diluted = np.asarray(m.nav_per_share_diluted, dtype=np.float64)

    fig, axes = _axes(ax, (10.0, 5.0))
    axes.plot(grid, per_share, color="#0072B2", label="NAV per share")
    axes.plot(
        grid,
        per_share_diluted,
        color="#56B4E9",
        linestyle="--",
        label="NAV per share, diluted",
    )
    if share_price is not None:
        axes.axhline(
            float(share_price),
            color="#999999",
            linewidth=1.0,
            label=f"Share price {float(share_price):,.2f}",
        )
    axes.axhline(0.0, color="#000000", linewidth=0.6)
    for price, label, colour, style in marks:
        axes.axvline(
            price, color=colour, linestyle=style, linewidth=1.2, label=f"{label}: {price:,.0f}"
        )
    axes.set_xlabel(f"{x_asset} price ({x_currency}){axis_note}")
    axes.set_ylabel(f"NAV per share ({company.currency})")
    axes.xaxis.set_major_formatter(_thousands())
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    axes.set_title(
        title
        if title is not None
        else f"{company.name}: NAV per share against the "
        f"{x_asset} price ({company.as_of.isoformat()})"
    )
    return fig


# --- companies side by side (issue 19) ----------------------------------------------------


def comparison(
    result: Any,
    *,
    title: str | None = None,
    figure: matplotlib.figure.Figure | None = None,
) -> matplotlib.figure.Figure:
    """Companies side by side: mNAV, leverage, and NAV per share under a common shock.

    Three panels from a :class:`~treasurymodel.comparison.Comparison`: bars of mNAV on both bases
    (enterprise value and market cap over the reserve; none for a company without a share
    price), bars of amplification and net leverage, and, against the common shock to every
    asset price, each company's NAV per share relative to today's
    (:meth:`~treasurymodel.comparison.Comparison.shock_relative`). The dotted line ``1 + shock``
    is a
    holder of the asset alone; a steeper line is a leveraged company. A company whose NAV
    per share is not positive today has no relative line (the legend says so).

    Parameters
    ----------
    result
        What :func:`treasurymodel.compare` returned.
    title
        Figure title; default "Treasury companies side by side".
    figure
        An empty figure to draw into, for instance ``matplotlib.pyplot.figure(figsize=(11,
        8), layout="constrained")`` to have pyplot show it; default a new figure of that size,
        built without pyplot.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn (``figure`` when one is given).

    Raises
    ------
    ValidationError
        If ``result`` is not a :class:`~treasurymodel.comparison.Comparison`, ``title`` not a
        string, or
        ``figure`` not an empty matplotlib figure.
    ImportError
        If matplotlib is not installed (``pip install 'treasurymodel[plot]'``).

    Examples
    --------
    >>> from treasurymodel import compare, datasets
    >>> from treasurymodel.plot import comparison
    >>> fig = comparison(compare([datasets.load("mstr-2026-02"), datasets.load("sbet-2025-10")]))
    >>> [ax.get_title() for ax in fig.axes]
    ['mNAV', 'Leverage', 'NAV per share relative to today under a common shock']
    """
    from .comparison import Comparison

    if not isinstance(result, Comparison):
        raise ValidationError("result", result, "must be a treasurymodel.comparison.Comparison")
    title = _check_title(title)
    fig = _new_figure(figure, (11.0, 8.0))
    axes = fig.subplot_mosaic([["mnav", "leverage"], ["shock", "shock"]], height_ratios=[1, 1.2])
    rows = result.rows
    x = np.arange(len(rows), dtype=np.float64)
    names = [f"{row.label}\n({row.asset})" for row in rows]
    width = 0.38

    def bars(ax: Any, pairs: list[tuple[str, list[float | None], str]], name: str) -> None:
        for k, (label, values, colour) in enumerate(pairs):
            heights = [np.nan if v is None else float(v) for v in values]
            ax.bar(x + (k - 0.5) * width, heights, width, label=label, color=colour)
        ax.set_xticks(x, names, fontsize=8)
        ax.axhline(0.0, color="#000000", linewidth=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        low, high = ax.get_ylim()
        ax.set_ylim(low, high + 0.3 * (high - low))  # room for the legend
        ax.legend(frameon=False, fontsize=8, loc="upper right")
        ax.set_title(name)

    bars(
        axes["mnav"],
        [
            ("EV / reserve", [r.mnav for r in rows], "#0072B2"),
            ("Market cap / reserve", [r.mnav_simple for r in rows], "#56B4E9"),
        ],
        "mNAV",
    )
    axes["mnav"].axhline(1.0, color="#999999", linewidth=0.8, linestyle=":")
    for i, row in enumerate(rows):
        if row.mnav is None:
            axes["mnav"].text(
                x[i], 0.0, "no share\nprice", ha="center", va="bottom", fontsize=8, color="#666666"
            )
    bars(
        axes["leverage"],
        [
            ("Amplification (debt + pref) / reserve", [r.amplification for r in rows], "#D55E00"),
            ("Net leverage (debt − cash) / reserve", [r.net_leverage for r in rows], "#E69F00"),
        ],
        "Leverage",
    )

    ax = axes["shock"]
    order = np.argsort(result.shocks, kind="stable")
    shocks = result.shocks[order]
    relative = result.shock_relative()[:, order]
    palette = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
    for i, row in enumerate(rows):
        colour = palette[i % len(palette)]
        if row.nav_per_share > 0:
            ax.plot(
                100 * shocks,
                relative[i],
                marker="o",
                markersize=3,
                color=colour,
                label=f"{row.label} ({row.asset})",
            )
        else:
            ax.plot([], [], color=colour, label=f"{row.label}: NAV per share ≤ 0 today")
    ax.plot(
        100 * shocks,
        1.0 + shocks,
        color="#999999",
        linestyle=":",
        label="The asset alone (1 + shock)",
    )
    ax.axhline(0.0, color="#000000", linewidth=0.6)
    ax.set_xlabel("Common shock to every asset price (%)")
    ax.set_ylabel("NAV per share / today's")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    ax.set_title("NAV per share relative to today under a common shock")
    fig.suptitle(title if title is not None else "Treasury companies side by side")
    return fig


# --- simulations: fan charts, survival curves, one traced path ----------------------------

_FAN_QUANTILES: Final = (0.05, 0.25, 0.5, 0.75, 0.95)


def _simulation(result: Any, field: str = "result") -> Any:
    from .simulation import SimulationAggregates, SimulationResult

    if not isinstance(result, SimulationResult | SimulationAggregates):
        raise ValidationError(field, result, "must be a SimulationResult or SimulationAggregates")
    return result


def _date_axis(dates: Any) -> numpy.typing.NDArray[np.datetime64]:
    return np.array([np.datetime64(d, "D") for d in dates])


def simulation_fan(
    result: Any,
    name: str,
    *,
    label: str | None = None,
    ax: matplotlib.axes.Axes | None = None,
    title: str | None = None,
) -> matplotlib.figure.Figure:
    """Fan chart of a recorded quantity: its 5-95% and 25-75% bands and median, by step.

    Parameters
    ----------
    result
        A :class:`~treasurymodel.simulation.SimulationResult` or
        :class:`~treasurymodel.simulation.SimulationAggregates` simulated with ``name`` in
        ``record``
        (any of ``treasurymodel.simulation.RECORDABLE``).
    name
        The recorded quantity.
    label
        The y-axis label (default: ``name``).
    ax, title
        Axes to draw into (default: a new figure) and a title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import treasurymodel as tm
    >>> from treasurymodel.plot import simulation_fan
    >>> co = tm.datasets.load("mstr-2026-02")
    >>> res = tm.simulate(co, model=tm.GBM(asset_price=68_141.0, volatility=0.5), years=1,
    ...                   paths=300, seed=1, record=["mnav_simple"])
    >>> fig = simulation_fan(res, "mnav_simple", label="mNAV (market cap)")
    >>> fig.axes[0].get_ylabel()
    'mNAV (market cap)'
    """
    result = _simulation(result)
    q = result.fan(name, list(_FAN_QUANTILES))  # refuses a name not recorded
    title = _check_title(title)
    fig, axis = _axes(_check_ax(ax), (9.0, 4.0))
    _draw_fan(axis, _date_axis(result.dates), q, label if label is not None else name)
    axis.legend(loc="best", fontsize="small")
    if title is not None:
        axis.set_title(title)
    return fig


def _draw_fan(axis: Any, dates: numpy.typing.NDArray[np.datetime64], q: Any, label: str) -> None:
    """The 5-95% and 25-75% bands and the median of quantiles ``q`` (one column each)."""
    axis.fill_between(dates, q[:, 0], q[:, 4], color="#0072B2", alpha=0.18, label="5-95%")
    axis.fill_between(dates, q[:, 1], q[:, 3], color="#0072B2", alpha=0.35, label="25-75%")
    axis.plot(dates, q[:, 2], color="#0072B2", linewidth=1.6, label="median")
    axis.set_ylabel(label)
    axis.grid(True, alpha=0.3)


def holdings_fan(
    result: Any,
    *,
    asset: str = "BTC",
    currency: str = "USD",
    title: str | None = None,
    figure: matplotlib.figure.Figure | None = None,
) -> matplotlib.figure.Figure:
    """Fan charts of the coins held and of NAV per share, two panels sharing the date axis.

    Each panel shows the 5-95% and 25-75% bands and the median at every step; NAV per share
    has a line at zero. This is the figure of ``treasurymodel stress --plot``.

    Parameters
    ----------
    result
        A :class:`~treasurymodel.simulation.SimulationResult` or
        :class:`~treasurymodel.simulation.SimulationAggregates` simulated with
        ``record=("units", "nav_per_share")``.
    asset, currency
        Names for the axis labels: the reserve asset and the currency of NAV per share.
    title
        The title (default: the number of simulated paths).
    figure
        An empty figure to draw into (a pyplot figure, to have pyplot show it), as for
        :func:`comparison`; default a new one built without pyplot.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import treasurymodel as tm
    >>> from treasurymodel.plot import holdings_fan
    >>> co = tm.datasets.load("mstr-2026-02")
    >>> res = tm.simulate(co, model=tm.GBM(asset_price=68_141.0, volatility=0.5), years=1,
    ...                   paths=200, seed=1, record=("units", "nav_per_share"))
    >>> fig = holdings_fan(res)
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['BTC held', 'NAV per share (USD)']
    """
    result = _simulation(result)
    for field, text in (("asset", asset), ("currency", currency)):
        if not isinstance(text, str):
            raise ValidationError(field, text, "must be a string")
    title = _check_title(title)
    bands = [result.fan(name, list(_FAN_QUANTILES)) for name in ("units", "nav_per_share")]
    fig = _new_figure(figure, (9.0, 6.5))
    axes = fig.subplots(2, 1, sharex=True)
    dates = _date_axis(result.dates)
    for axis, q, label in zip(
        axes, bands, (f"{asset} held", f"NAV per share ({currency})"), strict=True
    ):
        _draw_fan(axis, dates, q, label)
        axis.yaxis.set_major_formatter(_thousands())
    axes[1].axhline(0.0, color="#999999", linewidth=0.8)
    axes[0].legend(loc="upper right", fontsize="small")
    axes[0].set_title(title if title is not None else f"{result.paths:,} simulated paths")
    return fig


def survival(
    result: Any,
    *,
    events: tuple[str, ...] = ("forced_sale", "default"),
    ax: matplotlib.axes.Axes | None = None,
    title: str | None = None,
) -> matplotlib.figure.Figure:
    """Survival curves: the fraction of paths on which each event has not happened yet.

    Examples
    --------
    >>> import treasurymodel as tm
    >>> from treasurymodel.plot import survival
    >>> co = tm.datasets.load("mstr-2026-02")
    >>> res = tm.simulate(co, model=tm.GBM(asset_price=68_141.0, volatility=0.5), years=2,
    ...                   paths=300, seed=1)
    >>> fig = survival(res)
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['no forced sale yet', 'no default yet']
    """
    result = _simulation(result)
    title = _check_title(title)
    if isinstance(events, str) or not all(
        e in ("forced_sale", "default", "seizure") for e in events
    ):
        raise ValidationError("events", events, "must name forced_sale, default or seizure")
    fig, axis = _axes(_check_ax(ax), (9.0, 4.0))
    dates = _date_axis(result.dates)
    colours = {"forced_sale": "#E69F00", "default": "#D55E00", "seizure": "#CC79A7"}
    for event in events:
        curve = result.survival_curve(event)
        axis.step(dates, curve, where="post", color=colours[event],
                  label=f"no {event.replace('_', ' ')} yet")  # fmt: skip
    axis.set_ylim(-0.02, 1.02)
    axis.set_ylabel("fraction of paths")
    axis.grid(True, alpha=0.3)
    axis.legend(loc="lower left", fontsize="small")
    axis.set_title(title if title is not None else f"{result.paths:,} simulated paths")
    return fig


def traced_path(
    result: Any,
    path: int,
    *,
    currency: str = "USD",
    title: str | None = None,
    figure: matplotlib.figure.Figure | None = None,
) -> matplotlib.figure.Figure:
    """One traced path as four panels sharing the date axis.

    1. the asset price the company faces (after its own sales) and without its own impact;
    2. the share price and the mNAV on both bases;
    3. cash and the coins held;
    4. what fell due and how it was paid, step by step: bars of the cash raised by each
       source (shares, preferred, notes and loans, coin sales) and the amount paid (debt
       service and dividends) as a line; dividends left unpaid below zero.

    A default is marked on every panel. ``result`` must have traced ``path``
    (``record_paths``). ``figure``: an empty figure to draw into (a pyplot figure, to have
    pyplot show it), as for :func:`comparison`; default a new one built without pyplot.

    Examples
    --------
    >>> import treasurymodel as tm
    >>> from treasurymodel.plot import traced_path
    >>> co = tm.datasets.load("mstr-2026-02")
    >>> res = tm.simulate(co, model=tm.GBM(asset_price=68_141.0, volatility=0.7), years=2,
    ...                   paths=300, seed=1, record_paths=1)
    >>> fig = traced_path(res, int(res.traces.paths[0]))
    >>> len(fig.axes)
    6
    """
    result = _simulation(result)
    title = _check_title(title)
    if result.traces is None:
        raise ValidationError("path", path, "was not traced (simulate with record_paths)")
    v = result.traces.path(path)
    i = result.traces.row(path)
    fig = _new_figure(figure, (10.0, 11.0))
    axes = fig.subplots(4, 1, sharex=True)
    dates = _date_axis(result.dates)
    scale, unit = (1e9, "bn") if float(np.max(np.abs(v["cash"]))) >= 1e9 else (1e6, "M")

    ax = axes[0]
    ax.plot(dates, v["price"], color="#0072B2", label="price faced")
    ax.plot(dates, v["price"] / (1.0 + v["price_impact"]), color="#999999", linewidth=0.9,
            linestyle="--", label="without the company's own sales")  # fmt: skip
    ax.set_ylabel(f"asset price ({currency})")
    ax.legend(loc="best", fontsize="small")

    ax = axes[1]
    ax.plot(dates, v["share_price"], color="#009E73", label="share price")
    ax.set_ylabel(f"share price ({currency})")
    twin = ax.twinx()
    twin.plot(dates, v["mnav"], color="#CC79A7", linewidth=1.0, label="mNAV (EV)")
    twin.plot(dates, v["mnav_simple"], color="#CC79A7", linewidth=1.0, linestyle=":",
              label="mNAV (market cap)")  # fmt: skip
    twin.axhline(1.0, color="#CC79A7", linewidth=0.5, alpha=0.5)
    top = float(np.nanmax(np.where(np.isfinite(v["mnav"]), v["mnav"], np.nan), initial=1.0))
    twin.set_ylim(0.0, min(5.0, max(1.5, 1.1 * top)))  # a reserve near zero sends it far up
    twin.set_ylabel("mNAV (axis cut at 5)" if top > 5.0 else "mNAV")
    lines = ax.get_lines() + twin.get_lines()[:2]
    ax.legend(lines, [ln.get_label() for ln in lines], loc="best", fontsize="small")

    ax = axes[2]
    ax.plot(dates, v["cash"] / scale, color="#56B4E9", label=f"cash ({currency} {unit})")
    ax.set_ylabel(f"cash ({currency} {unit})")
    twin2 = ax.twinx()
    twin2.plot(dates, v["units"], color="#E69F00", label="coins held")
    twin2.set_ylabel("coins held")
    lines = ax.get_lines() + twin2.get_lines()
    ax.legend(lines, [ln.get_label() for ln in lines], loc="best", fontsize="small")

    ax = axes[3]

    def step(*names: str) -> numpy.typing.NDArray[np.float64]:
        total = sum(v[n] for n in names)
        return np.diff(np.asarray(total, dtype=np.float64), prepend=0.0) / scale

    sources = (
        ("shares sold", step("equity_raised"), "#009E73"),
        ("preferred sold", step("preferred_raised"), "#56B4E9"),
        ("notes and loans", step("notes_issued", "loans_issued", "other_raised"), "#0072B2"),
        ("coins sold", step("sale_proceeds"), "#E69F00"),
    )
    width = np.timedelta64(max(1, int(0.8 * (dates[-1] - dates[0]).astype(int) / len(dates))), "D")
    bottom = np.zeros(len(dates))
    for name, heights, colour in sources:
        if np.any(heights > 0.0):
            ax.bar(dates, heights, width=width, bottom=bottom, color=colour, label=name)
            bottom = bottom + heights
    unpaid = step("unpaid_dividends")
    if np.any(unpaid > 0.0):
        ax.bar(dates, -np.maximum(unpaid, 0.0), width=width, color="#D55E00",
               label="dividends unpaid")  # fmt: skip
    paid = step("interest_paid", "principal_paid", "dividends_paid")
    ax.step(dates, paid, where="mid", color="#000000", linewidth=0.9, label="paid")
    ax.axhline(0.0, color="#000000", linewidth=0.5)
    ax.set_ylabel(f"per step ({currency} {unit})")
    ax.legend(loc="best", fontsize="small")

    default = int(result.traces.default_time[i])
    for axis in axes:
        axis.grid(True, alpha=0.3)
        if default >= 0:
            axis.axvline(dates[default], color="#D55E00", linewidth=1.2, linestyle="--")
    head = title if title is not None else f"Path {path}"
    if default >= 0:
        head += f" (default on {result.dates[default].isoformat()})"
    axes[0].set_title(head)
    return fig
