"""The ``treasurymodel stress`` subcommand: Monte Carlo probabilities of forced sales and default.

Registered by :mod:`treasurymodel.cli` through :func:`add_parser`. It simulates the company's
reserve asset as geometric Brownian motion (:class:`~treasurymodel.GBM`) with the volatility
given, runs :func:`~treasurymodel.simulate` and prints, year by year, the probability that the
company has had to sell some of its asset and that it has defaulted, then the distribution of
the asset sold and of NAV per share at the horizon. With ``--plot`` it draws a fan chart of the
asset held and of NAV per share (5-95% and 25-75% bands and the median, step by step).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import io
import math
import os
import time
from typing import Any, Final

import attrs
import numpy as np

from ..company import Company
from ..errors import ValidationError
from ..simulation import (
    GBM,
    KEEP_PATHS_LIMIT,
    ConstantPremium,
    FundingPolicy,
    FxGBM,
    ImpactModel,
    SimulationAggregates,
    SimulationResult,
    estimate_memory,
    simulate,
    simulation_dates,
)
from ..simulation.montecarlo import _MAX_PATHS, BLOCK_PATHS
from ._common import (
    _check_figure_output,
    _figure_argument,
    _number_argument,
    _price,
    _save_figure,
    _source_argument,
    _subcommand,
    load_source,
    usage_error,
)
from .render import _json_text, _status, _table, _write

__all__ = [
    "QUANTILES",
    "add_parser",
    "check_memory",
    "market_data",
    "render_csv",
    "render_market_csv",
    "render_market_table",
    "render_table",
    "stress_data",
]


QUANTILES: Final = (0.05, 0.25, 0.5, 0.75, 0.95)
"""Quantiles printed for the distributions (and drawn as fan bands)."""

_EPILOG: Final = """examples:
  treasurymodel stress mstr-2026-02 --vol 0.5
  treasurymodel stress mstr-2026-02 --paths 1000000 --years 10 --vol 0.6 --seed 7 \\
      --executor processes --progress
  treasurymodel stress company.toml --vol 0.8 --mnav 1.2 --plot fan.png
  treasurymodel stress mstr-2026-02 --vol 0.8 --drift -0.5 --trace worst.png --format csv
  treasurymodel stress mstr-2026-02 xxi-2026-01 --vol 0.8 --daily-volume 15000

Above 1,000,000 paths only streaming aggregates are kept (memory does not grow with the
paths; quantiles then come from fixed-bin histograms); above 100,000 paths the estimated
time is printed to standard error before the run starts.

Several companies holding the same asset run on one market: the same paths, their coin
sales summed into one market impact (--daily-volume), and the probability that at least k of
them are forced sellers in the same calendar quarter is printed after their tables.

The probabilities are Monte Carlo estimates: their standard error is sqrt(p(1-p)/paths).
The same arguments and seed always give the same figures, whatever the executor."""


_count = _number_argument(whole=True, positive=True)

_OPTIONS: Final = {
    "GBM.volatility": "--vol",
    "GBM.drift": "--drift",
    "GBM.asset_price": "--asset-price",
    "years": "--years",
    "paths": "--paths",
    "steps_per_year": "--steps-per-year",
    "chunk_size": "--chunk-size",
    "ConstantPremium.mnav": "--mnav",
}
"""The option behind each field that the model and :func:`~treasurymodel.simulate` check."""


_MAX_WORKERS: Final = 256
"""Most worker processes ``--workers`` accepts (never more are started than chunks of work)."""


def _option_error(err: ValidationError, *, spot_given: bool) -> ValidationError:
    """``err`` naming the command-line option (or file field) the bad value came from.

    Examples
    --------
    >>> err = ValidationError("GBM.volatility", 1e10, "must be at most 10")
    >>> str(_option_error(err, spot_given=False))
    '--vol: must be at most 10, got 10000000000.0'
    >>> err = ValidationError("GBM.asset_price", 1e300, "is too large")
    >>> str(_option_error(err, spot_given=False))
    '[market] asset_price: is too large, got 1e+300'
    """
    option = _OPTIONS.get(err.field)
    if option is None:
        return err
    if option == "--asset-price" and not spot_given:
        option = "[market] asset_price"
    return ValidationError(option, err.value, err.reason, context=err.context)


def add_parser(subparsers: Any) -> None:
    """Register the ``stress`` subcommand on ``subparsers`` (from ``add_subparsers``).

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="treasurymodel")
    >>> add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["stress", "mstr-2026-02", "--vol", "0.5", "--paths", "2000"])
    >>> args.command, args.source, args.vol, args.paths, args.years, args.seed
    ('stress', 'mstr-2026-02', 0.5, 2000, 5.0, 1)
    """
    stress = _subcommand(
        subparsers,
        "stress",
        help="Monte Carlo probabilities of forced BTC sales and default, by year",
        description="Simulate the reserve asset as geometric Brownian motion with the volatility\n"
        "you believe in and print, by year, the probability that the company must sell some\n"
        "of it and that it defaults, and the distribution of the asset sold and of NAV per\n"
        "share at the horizon.",
        epilog=_EPILOG,
        handler=_cmd_stress,
    )
    _source_argument(stress)
    stress.add_argument(
        "more",
        nargs="*",
        metavar="DATASET|FILE",
        help="more companies holding the same asset, simulated on the same market",
    )
    stress.add_argument(
        "--vol",
        required=True,
        type=_number_argument(non_negative=True, at_most=10.0),
        metavar="V",
        help="annual volatility of the asset, 0 to 10 (0.5 for 50%%)",
    )
    stress.add_argument("--paths", type=_count, default=10_000, metavar="N", help="paths (10,000)")
    stress.add_argument("--years", type=_price, default=5.0, metavar="Y", help="horizon (5)")
    stress.add_argument(
        "--seed",
        type=_number_argument(whole=True, non_negative=True),
        default=1,
        metavar="S",
        help="random seed (1)",
    )
    stress.add_argument(
        "--drift",
        type=_number_argument(at_least=-10.0, at_most=10.0),
        default=0.0,
        metavar="MU",
        help="expected annual return of the asset, continuously compounded, -10 to 10 (0)",
    )
    stress.add_argument(
        "--asset-price",
        type=_price,
        default=None,
        metavar="P",
        help="starting asset price (default: the file's [market] asset_price)",
    )
    stress.add_argument(
        "--steps-per-year",
        type=_number_argument(whole=True, positive=True, at_most=365),
        default=52,
        metavar="K",
        help="steps a year, at most 365 (52)",
    )
    stress.add_argument(
        "--mnav",
        type=_number_argument(non_negative=True, at_most=1_000.0),
        default=1.0,
        metavar="M",
        help="constant mNAV of the stock, 0 to 1,000, which decides whether shares can be "
        "sold (1.0)",
    )
    stress.add_argument(
        "--no-equity",
        action="store_true",
        help="never sell new shares: obligations are paid from cash and BTC sales only",
    )
    stress.add_argument(
        "--executor",
        choices=("serial", "processes"),
        default="serial",
        help="run the chunks in this process (serial) or on a process pool (processes)",
    )
    stress.add_argument(
        "--workers",
        type=_number_argument(whole=True, positive=True, at_most=_MAX_WORKERS),
        default=None,
        metavar="W",
        help=f"worker processes for --executor processes, at most {_MAX_WORKERS} and never "
        "more than the chunks of work (default: the CPU count)",
    )
    stress.add_argument(
        "--chunk-size",
        type=_count,
        default=None,
        metavar="C",
        help=f"paths per chunk, rounded up to a multiple of {BLOCK_PATHS} (default: automatic)",
    )
    stress.add_argument(
        "--daily-volume",
        type=_number_argument(positive=True),
        default=None,
        metavar="Q",
        help="units of the asset traded a day on the market: the companies' sales move the "
        "price by the square-root law (default: no market impact)",
    )
    stress.add_argument(
        "--fx-vol",
        type=_number_argument(non_negative=True, at_most=10.0),
        default=None,
        metavar="V",
        help="an asset priced in another currency: simulate its exchange rate into the "
        "reporting currency as geometric Brownian motion with this annual volatility, 0 to 10 "
        "(default: the rate stays at the file's [market] fx)",
    )
    stress.add_argument(
        "--fx-drift",
        type=_number_argument(at_least=-10.0, at_most=10.0),
        default=0.0,
        metavar="MU",
        help="with --fx-vol: annual drift of the exchange rate, -10 to 10 (0)",
    )
    stress.add_argument(
        "--fx-corr",
        type=_number_argument(at_least=-1.0, at_most=1.0),
        default=0.0,
        metavar="RHO",
        help="with --fx-vol: correlation of the exchange rate with the asset, -1 to 1 (0)",
    )
    stress.add_argument("--progress", action="store_true", help="show a progress bar (needs tqdm)")
    stress.add_argument(
        "--plot",
        metavar="FILE",
        type=_figure_argument,
        default=None,
        help="draw a fan chart of BTC held and NAV per share to FILE (.png or .svg)",
    )
    stress.add_argument(
        "--trace",
        metavar="FILE",
        type=_figure_argument,
        default=None,
        help="trace the path with the worst final NAV per share and draw it to FILE "
        "(asset price, share price and mNAV, cash and coins, what fell due and how it was "
        "paid; .png or .svg)",
    )
    stress.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="output format (table)",
    )


def stress_data(
    result: SimulationResult | SimulationAggregates,
    *,
    company: Company,
    model: GBM,
    steps_per_year: int,
    seed: int,
    source: str,
    fx: FxGBM | None = None,
) -> dict[str, Any]:
    """The figures the ``stress`` command prints, as plain data (JSON-ready).

    ``by_year`` holds, for each whole year of the horizon (and the horizon itself if it is
    not a whole number of years), the date of that step and the cumulative probabilities of a
    forced sale and of a default on or before it; ``distributions`` the mean and the
    quantiles :data:`QUANTILES` of the asset sold, the asset held and NAV per share at the end;
    ``simulation["fx"]`` the exchange-rate model when one was simulated (``fx``).

    Examples
    --------
    >>> from treasurymodel import GBM, datasets, simulate
    >>> co = datasets.load("mstr-2022q2")
    >>> model = GBM(asset_price=20_000.0, volatility=0.7)
    >>> res = simulate(co, model=model, years=2, paths=1_000, seed=3)
    >>> data = stress_data(res, company=co, model=model, steps_per_year=52, seed=3,
    ...                    source="mstr-2022q2")
    >>> [row["year"] for row in data["by_year"]]
    [1.0, 2.0]
    >>> sorted(data["distributions"])
    ['nav_per_share', 'units_held', 'units_sold']
    """
    steps = result.steps
    marks = list(range(steps_per_year, steps + 1, steps_per_year))
    if not marks or marks[-1] != steps:
        marks.append(steps)
    rows = []
    for k in marks:
        when = result.dates[k]
        rows.append(
            {
                "year": round(k / steps_per_year, 4),
                "date": when.isoformat(),
                "forced_sale": result.probability("forced_sale", by=when),
                "default": result.probability("default", by=when),
            }
        )
    distributions = {}
    for key, field in (
        ("units_sold", "units_sold"),
        ("units_held", "final_units"),
        ("nav_per_share", "nav_per_share"),
    ):
        q = result.quantiles(field, list(QUANTILES))
        mean = (
            result.mean[field]
            if isinstance(result, SimulationAggregates)
            else float(np.mean(getattr(result, field)))
        )
        distributions[key] = {
            "mean": mean,
            **{f"p{round(p * 100)}": float(v) for p, v in zip(QUANTILES, q, strict=True)},
        }
    return {
        "company": {
            "name": company.name,
            "as_of": company.as_of.isoformat(),
            "source": source,
            "asset": company.holdings[0].asset,
            "units": company.holdings[0].units,
            "currency": company.currency,
        },
        "simulation": {
            "model": "GBM",
            "asset_price": model.asset_price,
            "drift": model.drift,
            "volatility": model.volatility,
            "paths": result.paths,
            "steps": steps,
            "steps_per_year": steps_per_year,
            "seed": seed,
            "start": result.dates[0].isoformat(),
            "end": result.dates[-1].isoformat(),
            **({} if fx is None else {"fx": attrs.asdict(fx)}),
        },
        "by_year": rows,
        "distributions": distributions,
    }


def _pct(p: float) -> str:
    return f"{100 * p:.2f}%"


def _spot_text(asset_price: float) -> str:
    """A price with two decimals, or in exponent form if that would hide or bloat it.

    Examples
    --------
    >>> _spot_text(68_141.0), _spot_text(2.5e-7), _spot_text(3e40)
    ('68,141.00', '2.5e-07', '3e+40')
    """
    return f"{asset_price:,.2f}" if 0.01 <= asset_price < 1e15 else f"{asset_price:.6g}"


def render_table(data: dict[str, Any]) -> str:
    """The figures of :func:`stress_data` as aligned, human-readable text.

    Examples
    --------
    >>> from treasurymodel import GBM, datasets, simulate
    >>> co = datasets.load("mstr-2022q2")
    >>> model = GBM(asset_price=20_000.0, volatility=0.7)
    >>> res = simulate(co, model=model, years=1, paths=100, seed=3)
    >>> text = render_table(stress_data(res, company=co, model=model, steps_per_year=52,
    ...                                 seed=3, source="mstr-2022q2"))
    >>> print(text.splitlines()[0])
    MicroStrategy, Monte Carlo stress from 2022-06-30 to 2023-06-30  [mstr-2022q2]
    """
    co, sim = data["company"], data["simulation"]
    paths = sim["paths"]
    lines = [
        f"{co['name']}, Monte Carlo stress from {sim['start']} to {sim['end']}  [{co['source']}]",
        f"  {co['asset']} as geometric Brownian motion: spot "
        f"{_spot_text(sim['asset_price'])}, drift "
        f"{sim['drift']:.2%}, volatility {sim['volatility']:.2%}",
        *(
            [
                f"  {fx['currency']} in {co['currency']} as geometric Brownian motion: drift"
                f" {fx['drift']:.2%}, volatility {fx['volatility']:.2%}, correlation with"
                f" {co['asset']} {fx['correlation']:g}"
            ]
            if (fx := sim.get("fx")) is not None
            else []
        ),
        f"  {paths:,} paths x {sim['steps']} steps ({sim['steps_per_year']} a year), seed "
        f"{sim['seed']}",
        "",
        "Probability by year (cumulative)",
    ]
    rows = [
        [f"{row['year']:g}", row["date"], _pct(row["forced_sale"]), _pct(row["default"])]
        for row in data["by_year"]
    ]
    lines += _table(["year", "date", "forced sale", "default"], rows, align="rlrr")
    # The standard error sqrt(p (1 - p) / N) is largest for the p nearest one half.
    variance = max(p * (1 - p) for r in data["by_year"] for p in (r["forced_sale"], r["default"]))
    se = math.sqrt(variance / paths)
    lines.append(f"  standard error of these estimates at most {100 * se:.2f} points")
    lines += ["", "Distribution at the horizon"]
    head = ["", "mean", *(f"p{round(p * 100)}" for p in QUANTILES)]
    dist = data["distributions"]
    cur = co["currency"]
    rows = [
        [f"{co['asset']} sold", *_fmt_row(dist["units_sold"], "{:,.0f}")],
        [f"{co['asset']} held", *_fmt_row(dist["units_held"], "{:,.0f}")],
        [f"NAV per share ({cur})", *_fmt_row(dist["nav_per_share"], "{:,.2f}")],
    ]
    lines += _table(head, rows)
    return "\n".join(lines) + "\n"


def render_csv(data: dict[str, Any]) -> str:
    """The figures of :func:`stress_data` as CSV, one figure a row:
    ``section,key,date,statistic,value`` (``probability`` rows by year, ``distribution``
    rows by quantity).

    Examples
    --------
    >>> from treasurymodel import GBM, datasets, simulate
    >>> co = datasets.load("mstr-2022q2")
    >>> model = GBM(asset_price=20_000.0, volatility=0.7)
    >>> res = simulate(co, model=model, years=1, paths=100, seed=3)
    >>> text = render_csv(stress_data(res, company=co, model=model, steps_per_year=52,
    ...                               seed=3, source="mstr-2022q2"))
    >>> text.splitlines()[0]
    'section,key,date,statistic,value'
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "date", "statistic", "value"])
    for row in data["by_year"]:
        for stat in ("forced_sale", "default"):
            writer.writerow(["probability", f"{row['year']:g}", row["date"], stat, row[stat]])
    end = data["simulation"]["end"]
    for key, stats in data["distributions"].items():
        for stat, value in stats.items():
            writer.writerow(["distribution", key, end, stat, value])
    return out.getvalue()


def market_data(
    result: Any,
    *,
    companies: list[Company],
    sources: list[str],
    model: GBM,
    steps_per_year: int,
    seed: int,
    daily_volume: float | None,
) -> dict[str, Any]:
    """The figures ``stress A B ...`` prints for several companies on one market, as plain
    data: ``companies``, one :func:`stress_data` each, and ``joint``, the market's daily
    volume (``None``: no impact) and, for ``k = 1 .. companies``, the probability that at
    least ``k`` of them are forced sellers in the same calendar quarter.

    Examples
    --------
    >>> from treasurymodel import GBM, datasets, simulate
    >>> cos = [datasets.load("mstr-2026-02"), datasets.load("xxi-2026-01")]
    >>> model = GBM(asset_price=68_141.0, volatility=0.7)
    >>> res = simulate(cos, model=model, years=1, paths=200, seed=3)
    >>> data = market_data(res, companies=cos, sources=["a", "b"], model=model,
    ...                    steps_per_year=52, seed=3, daily_volume=None)
    >>> [d["company"]["name"] for d in data["companies"]], len(data["joint"]["at_least"])
    (['Strategy', 'Twenty One Capital'], 2)
    """
    per_company = [
        stress_data(r, company=co, model=model, steps_per_year=steps_per_year, seed=seed,
                    source=source)
        for r, co, source in zip(result.results, companies, sources, strict=True)
    ]  # fmt: skip
    return {
        "companies": per_company,
        "joint": {
            "daily_volume": daily_volume,
            "at_least": [
                {"k": k, "probability": result.probability_at_least(k)}
                for k in range(1, len(companies) + 1)
            ],
        },
    }


def render_market_table(data: dict[str, Any]) -> str:
    """The figures of :func:`market_data` as text: each company's table, then the joint
    probabilities.

    Examples
    --------
    >>> from treasurymodel import GBM, datasets, simulate
    >>> cos = [datasets.load("mstr-2026-02"), datasets.load("xxi-2026-01")]
    >>> model = GBM(asset_price=68_141.0, volatility=0.7)
    >>> res = simulate(cos, model=model, years=1, paths=200, seed=3)
    >>> text = render_market_table(market_data(res, companies=cos, sources=["a", "b"],
    ...     model=model, steps_per_year=52, seed=3, daily_volume=None))
    >>> "Forced sellers in the same calendar quarter" in text
    True
    """
    parts = [render_table(d) for d in data["companies"]]
    joint = data["joint"]
    volume = joint["daily_volume"]
    lines = [
        "Forced sellers in the same calendar quarter (one market: "
        + ("no market impact)" if volume is None else f"{volume:,.0f} units traded a day)"),
    ]
    rows = [[f"{row['k']}", _pct(row["probability"])] for row in joint["at_least"]]
    lines += _table(["at least", "probability"], rows, align="rr")
    return "\n".join(parts) + "\n" + "\n".join(lines) + "\n"


def render_market_csv(data: dict[str, Any]) -> str:
    """The figures of :func:`market_data` as CSV: the rows of :func:`render_csv` with the
    company's name first, then ``joint`` rows (``key`` the number of companies ``k``,
    ``statistic`` ``at_least``).

    Examples
    --------
    >>> from treasurymodel import GBM, datasets, simulate
    >>> cos = [datasets.load("mstr-2026-02"), datasets.load("xxi-2026-01")]
    >>> model = GBM(asset_price=68_141.0, volatility=0.7)
    >>> res = simulate(cos, model=model, years=1, paths=200, seed=3)
    >>> text = render_market_csv(market_data(res, companies=cos, sources=["a", "b"],
    ...     model=model, steps_per_year=52, seed=3, daily_volume=None))
    >>> text.splitlines()[0], text.splitlines()[-1].split(",")[:5]
    ('company,section,key,date,statistic,value', ['', 'joint', '2', '2027-02-01', 'at_least'])
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["company", "section", "key", "date", "statistic", "value"])
    for one in data["companies"]:
        rows = list(csv.reader(io.StringIO(render_csv(one))))[1:]
        for row in rows:
            writer.writerow([one["company"]["name"], *row])
    end = data["companies"][0]["simulation"]["end"]
    for row in data["joint"]["at_least"]:
        writer.writerow(["", "joint", row["k"], end, "at_least", row["probability"]])
    return out.getvalue()


_ESTIMATE_FROM: Final = 100_000
"""Runs of more paths print their estimated time before starting."""


def check_memory(
    *,
    paths: int,
    steps: int,
    chunk_size: int | None,
    keep_paths: bool,
    companies: int = 1,
    currencies: int = 0,
) -> int:
    """The one memory check of ``stress``: the bytes the run needs at its peak
    (:func:`~treasurymodel.simulation.estimate_memory`, with ``currencies`` exchange rates
    drawn as paths by ``--fx-vol``), refused up front, naming ``--paths``, when it is more
    than the memory available on this machine.

    Examples
    --------
    >>> check_memory(paths=10**9, steps=520, chunk_size=None, keep_paths=False) < 2**30
    True
    """
    need = estimate_memory(
        paths=paths,
        steps=steps,
        chunk_size=chunk_size,
        keep_paths=keep_paths,
        companies=companies,
        currencies=currencies,
    )
    free = _available_memory()
    if free is not None and need > free:
        raise ValidationError(
            "--paths",
            paths,
            f"needs about {need / 2**30:,.1f} GiB of memory, more than the "
            f"{free / 2**30:,.1f} GiB available (use fewer paths, a smaller --chunk-size, "
            f"or more than {KEEP_PATHS_LIMIT:,} paths, which keeps no per-path arrays)",
        )
    return need


def _available_memory() -> int | None:
    """Bytes of memory available (``MemAvailable`` on Linux), or ``None`` if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def _estimate(company: Company | list[Company], kwargs: dict[str, Any], workers: int) -> str:
    """Time a calibration block of the run; the estimated time on one core and on
    ``workers`` workers (an ideal split), and the memory needed."""
    probe = dict(
        kwargs, paths=BLOCK_PATHS, progress=False, record=(), chunk_size=None, record_paths=None
    )
    start = time.perf_counter()
    simulate(company, keep_paths=True, **probe)
    rate = BLOCK_PATHS / max(time.perf_counter() - start, 1e-9)
    one = kwargs["paths"] / rate
    return (
        f"estimated time: {_duration(one)} on one core, {_duration(one / workers)} on "
        f"{workers} workers ({rate:,.0f} paths/s a core)"
    )


def _duration(seconds: float) -> str:
    """A duration in seconds, minutes, hours or days.

    Examples
    --------
    >>> _duration(42.0), _duration(5400.0), _duration(3 * 86400.0)
    ('42 s', '1.5 h', '3.0 days')
    """
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def _fmt_row(values: dict[str, float], pattern: str) -> list[str]:
    keys = ["mean", *(f"p{round(p * 100)}" for p in QUANTILES)]
    return [pattern.format(values[k]) for k in keys]


def _cmd_stress(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.workers is not None and args.executor != "processes":
        parser.error("argument --workers: needs --executor processes")
    for figure, option in ((args.plot, "--plot"), (args.trace, "--trace")):
        if figure is not None and args.more:
            parser.error(f"argument {option}: draws one company (give one DATASET|FILE)")
    if args.fx_vol is not None and args.more:
        parser.error(
            "argument --fx-vol: simulates one company's exchange rate (give one DATASET|FILE)"
        )
    for figure, option in ((args.plot, "--plot"), (args.trace, "--trace")):
        if figure is not None:  # fail before the simulation
            _check_figure_output(figure, option)
    company, label = load_source(args.source)
    more = [load_source(source) for source in args.more]
    companies = [company, *(co for co, _ in more)]
    for co, where in ((company, label), *more):
        if len(co.holdings) > 1:  # one clear line, before any work
            raise ValidationError(
                "DATASET|FILE",
                where,
                f"{co.name!r} holds several assets ({', '.join(co.assets)}); stress simulates "
                "one asset's price (--asset-price, --vol): for its securities' risk under a "
                "common shock of every price use treasurymodel credit SOURCE --vol V",
            )
    target: Any = companies if more else company
    asset_price = args.asset_price
    if asset_price is None:
        if company.market is None or company.market.asset_price is None:
            raise ValidationError(
                "--asset-price", None, f"{label} has no [market] asset_price: give --asset-price"
            )
        asset_price = company.market.asset_price
    try:
        model = GBM(asset_price=asset_price, drift=args.drift, volatility=args.vol)
        fx = _fx_model(company, args, parser)
        kwargs: dict[str, Any] = {
            "model": model,
            "years": args.years,
            "steps_per_year": args.steps_per_year,
            "paths": args.paths,
            "seed": args.seed,
            "chunk_size": args.chunk_size,
            "progress": args.progress,
            "premium": ConstantPremium(mnav=args.mnav),
            "policy": FundingPolicy(issue_equity=not args.no_equity),
            "impact": None
            if args.daily_volume is None
            else ImpactModel(daily_volume=args.daily_volume),
            "record": ("units", "nav_per_share") if args.plot is not None else (),
            "record_paths": 1 if args.trace is not None else None,
            "fx": fx,
        }
        keep = args.paths <= KEEP_PATHS_LIMIT
        if args.paths > _MAX_PATHS:  # refused by simulate, naming --paths, before any work
            simulate(target, keep_paths=False, **kwargs)
        start = max(co.as_of for co in companies)  # a list starts on the latest as-of date
        steps = len(simulation_dates(start, years=args.years,
                                     steps_per_year=args.steps_per_year)) - 1  # fmt: skip
        need = check_memory(
            paths=args.paths,
            steps=steps,
            chunk_size=args.chunk_size,
            keep_paths=keep,
            companies=len(companies),
            currencies=0 if fx is None else 1,
        )
        if args.paths > _ESTIMATE_FROM:
            workers = args.workers or os.cpu_count() or 1
            _status(
                f"{args.paths:,} paths x {steps} steps"
                f"{'' if keep else ' (streaming aggregates, no per-path arrays)'}; "
                f"memory about {need / 2**20:,.0f} MiB; "
                f"{_estimate(target, kwargs, workers)}"
            )
        if args.executor == "processes":
            workers = _workers(args.workers, paths=args.paths, chunk_size=args.chunk_size)
            with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
                result = simulate(target, executor=pool, **kwargs)
        else:
            result = simulate(target, **kwargs)
    except ValidationError as err:
        mapped = _option_error(err, spot_given=args.asset_price is not None)
        if mapped.field.startswith("--"):
            usage_error(parser, mapped.field, mapped)
        raise mapped from None
    if more:
        market = market_data(
            result,
            companies=companies,
            sources=[label, *(source for _, source in more)],
            model=model,
            steps_per_year=args.steps_per_year,
            seed=args.seed,
            daily_volume=args.daily_volume,
        )
        if args.format == "json":
            _write(_json_text(market))
        elif args.format == "csv":
            _write(render_market_csv(market))
        else:
            _write(render_market_table(market))
        return 0
    data = stress_data(
        result,
        company=company,
        model=model,
        steps_per_year=args.steps_per_year,
        seed=args.seed,
        source=label,
        fx=fx,
    )
    if args.format == "json":
        _write(_json_text(data))
    elif args.format == "csv":
        _write(render_csv(data))
    else:
        _write(render_table(data))
    if args.trace is not None:
        from ..plot import traced_path

        assert result.traces is not None
        path = int(result.traces.paths[0])
        head = f"{company.name}: the path with the worst NAV per share"
        fig = traced_path(result, path, currency=company.currency, title=head)
        _status(f"traced path {path}, the one with the worst NAV per share")
        _save_figure(fig, args.trace, "--trace")
    if args.plot is not None:
        from ..plot import holdings_fan

        fig = holdings_fan(result, asset=company.holdings[0].asset, currency=company.currency)
        _save_figure(fig, args.plot, "--plot")
    return 0


def _fx_model(
    company: Company, args: argparse.Namespace, parser: argparse.ArgumentParser
) -> FxGBM | None:
    """The exchange rate of the asset's price currency asked with ``--fx-vol`` (or None)."""
    if args.fx_vol is None:
        for option, value in (("--fx-drift", args.fx_drift), ("--fx-corr", args.fx_corr)):
            if value != 0.0:
                parser.error(f"argument {option}: needs --fx-vol")
        return None
    code = company.holdings[0].price_currency
    if code is None or code == company.currency:
        parser.error(
            f"argument --fx-vol: {company.name} prices {company.holdings[0].asset} in its "
            f"reporting currency {company.currency}: there is no exchange rate to simulate"
        )
    return FxGBM(
        currency=code, volatility=args.fx_vol, drift=args.fx_drift, correlation=args.fx_corr
    )


def _workers(workers: int | None, *, paths: int, chunk_size: int | None) -> int:
    """Worker processes to start: as asked (or the CPU count), never more than the chunks.

    Examples
    --------
    >>> _workers(40, paths=2_048, chunk_size=1_024)
    2
    """
    wanted = workers if workers is not None else (os.cpu_count() or 1)
    per_chunk = -(-(chunk_size or BLOCK_PATHS) // BLOCK_PATHS) * BLOCK_PATHS
    chunks = max(1, -(-paths // min(per_chunk, max(paths, 1))))
    return max(1, min(wanted, chunks, _MAX_WORKERS))
