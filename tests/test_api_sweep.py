"""API sweep: every public function of the analysis namespaces called with bad arguments.

Each function has one valid call below. The sweep replaces one argument at a time with a value
of the wrong type, NaN, an infinity, an empty or ragged array, a huge integer, a boolean, a
complex number or a negative number. Every outcome must be either

* a :class:`~treasurymodel.ValidationError` whose ``field`` names that argument (``asset_price``,
  ``asset_price[2]``, ``model.asset_price``), with a one-line message, or
* for the implied solvers only, their documented :class:`~treasurymodel.ConvergenceError` when
  the (valid) price lies outside what the bracket can reach, or
* a result without NaN, and without an infinity unless the valid call returns one too (a
  coverage with nothing to cover is documented as ``inf``) - a value that the argument
  legitimately accepts (``amount=None``, ``clean=True``, ``0`` where zero is allowed).

Never another exception, never NaN. A test also checks that the sweep covers every public
function, so a new one cannot be added without its valid call here.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest

import treasurymodel as tm
from treasurymodel.cli import load_source, report_data

_CO = tm.datasets.load("mstr-2026-02")
_CO22 = tm.datasets.load("mstr-2022q2")
_NOTE = _CO.instrument("0.625% convertible notes due 2028")
_PREF = _CO.instrument("STRF")
_ZERO = _CO.convertibles[1]  # the 0% notes due 2029
_DAY = _CO.as_of
_GBM = tm.GBM(asset_price=68_141.0, volatility=0.5)
_BASKET = tm.simulation.Basket(
    model=tm.simulation.CorrelatedGBM(
        tickers=("BTC", "ETH"),
        asset_prices=(68_141.0, 2_000.0),
        drifts=(0.0, 0.0),
        volatilities=(0.5, 0.7),
        correlation=((1.0, 0.8), (0.8, 1.0)),
    ),
    units={"BTC": 100.0, "ETH": 1_000.0},
)
_SMALL = tm.Company(
    name="S",
    as_of=dt.date(2026, 1, 1),
    holdings=tm.Holdings(units=100.0),
    shares_basic=1e6,
    cash=1e7,
    instruments=[
        tm.TermLoan(
            name="L",
            principal=1e6,
            rate=0.05,
            issued=dt.date(2025, 1, 1),
            maturity=dt.date(2028, 1, 1),
            max_ltv=0.5,
            pledged_units=10.0,
        ),
        tm.ConvertibleNote(
            name="C",
            principal=1e6,
            issued=dt.date(2025, 1, 1),
            maturity=dt.date(2030, 1, 1),
            conversion_price=50.0,
        ),
    ],
    market=tm.Market(asset_price=60_000.0, share_price=40.0),
)
_WEEKS = tuple(_CO.as_of + dt.timedelta(weeks=k) for k in range(6))
_LATTICE = {"steps": 50}

# name -> (positional arguments, keyword arguments) of a valid call
CALLS: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "bond_floor": ((_NOTE,), {"valuation_date": _DAY, "rate": 0.04, "credit_spread": 0.05}),
    "conversion_premium": ((_NOTE,), {"price": 1_100.0, "share_price": 114.45}),
    "convertible_sensitivities": (
        (_NOTE,),
        {"valuation_date": _DAY, "share_price": 114.45, "volatility": 0.5, "rate": 0.04,
         "credit_spread": 0.05, **_LATTICE},
    ),
    "convertible_value_at_asset_price": (
        (_CO, _NOTE.name),
        {"asset_price": 68_141.0, "valuation_date": _DAY, "mnav": 1.2, "volatility": 0.5,
         "rate": 0.04, "credit_spread": 0.05, **_LATTICE},
    ),
    "implied_credit_spread": (
        (_NOTE,),
        {"price": 95.0, "valuation_date": _DAY, "share_price": 114.45, "volatility": 0.5,
         "rate": 0.04, **_LATTICE},
    ),
    "implied_volatility": (
        (_NOTE,),
        {"price": 95.0, "valuation_date": _DAY, "share_price": 114.45, "rate": 0.04,
         "credit_spread": 0.05, **_LATTICE},
    ),
    "parity": ((_NOTE,), {"share_price": 114.45}),
    "value_convertible": (
        (_NOTE,),
        {"valuation_date": _DAY, "share_price": 114.45, "volatility": 0.5, "rate": 0.04,
         "credit_spread": 0.05, **_LATTICE},
    ),
    "value_preferred": ((_PREF,), {"valuation_date": _DAY, "rate": 0.04, "credit_spread": 0.05}),
    "value_zero_coupon_convertible": (
        (attrs.evolve(_ZERO, puts=(), call_from=None, call_trigger=None),),
        {"valuation_date": _DAY, "share_price": 114.45, "volatility": 0.5, "rate": 0.04,
         "credit_spread": 0.05},
    ),
    "preset_names": ((), {}),
    "preset_path": ((_CO, "crash-and-stay"), {"asset_price": 68_141.0, "years": 0.5}),
    "run_preset": ((_SMALL, "slow-bleed"), {"years": 0.2}),
    "simulate_paths": ((_SMALL,), {"prices": np.full((2, 6), 60_000.0), "dates": _WEEKS}),
    "price_paths": ((_GBM,), {"seed": 1, "start": 0, "size": 4, "total": 4, "steps": 3,
                              "dt": 0.25}),
    "simulate": ((_SMALL,), {"model": _GBM, "years": 0.1, "paths": 8, "seed": 1}),
    "asset_price_paths": ((_BASKET,), {"seed": 1, "start": 0, "size": 3, "total": 3,
                                       "steps": 4, "dt": 0.25}),
    "simulation_dates": ((_DAY,), {"years": 1.0}),
    "coverage_break_price": ((_CO,), {"years": 2.0}),
    "dividend_coverage_months": ((_CO,), {}),
    "joint_margin_call_price": ((_CO22,), {}),
    "margin_call_price": ((_CO22, "BTC-backed term loan"), {}),
    "maturity_wall": ((_CO,), {}),
    "nav_sensitivity": ((_CO,), {"asset_prices": [50_000.0, 70_000.0], "share_price": 114.45}),
    "springing_trigger_price": ((_CO22, "6.125% senior secured notes due 2028"), {}),
    "dump": ((_SMALL, "SWEEP_DIR/c.toml"), {}),
    "dumps": ((_SMALL,), {}),
    "load": (("SWEEP_DIR/valid.toml",), {}),
    "loads": ((tm.dumps(_SMALL),), {}),
    "btc_dollar_gain": (
        (),
        {"start_units": 100.0, "start_shares": 10.0, "end_units": 120.0, "end_shares": 11.0,
         "end_price": 60_000.0},
    ),
    "btc_gain": (
        (),
        {"start_units": 100.0, "start_shares": 10.0, "end_units": 120.0, "end_shares": 11.0},
    ),
    "btc_rating": ((_CO, "STRF"), {"asset_price": 68_141.0}),
    "btc_ratings": ((_CO,), {"asset_price": 68_141.0}),
    "btc_yield": (
        (),
        {"start_units": 100.0, "start_shares": 10.0, "end_units": 120.0, "end_shares": 11.0},
    ),
    "metrics": ((_CO,), {"asset_price": 68_141.0, "share_price": 114.45}),
    "share_price_for_mnav": ((_CO,), {"mnav": 1.2, "asset_price": 68_141.0}),
    "reserve_value": ((_CO, 68_141.0), {"fx": {"EUR": 1.2}}),
    "asset_prices": ((_CO, 68_141.0), {"fx": {"EUR": 1.2}}),
    "fx_rates": ((_CO,), {"fx": {"EUR": 1.2}}),
    "buy_asset": ((_SMALL, 1.0), {"asset_price": 60_000.0}),
    "convert": ((_SMALL, "C"), {"amount": 1e5}),
    "issue_instrument": (
        (_SMALL, tm.PreferredStock(name="P", notional=1e6, rate=0.1)),
        {"proceeds": 1e6, "asset_price": 60_000.0},
    ),
    "pledge": ((_SMALL, "L", 5.0), {}),
    "raise_equity": ((_SMALL, 1e6), {"share_price": 40.0, "asset_price": 60_000.0}),
    "release": ((_SMALL, "L", 5.0), {}),
    "repay": ((_SMALL, "L", 1e5), {}),
    "sell_asset": ((_SMALL, 5.0), {"asset_price": 60_000.0}),
    "btc_risk": ((_CO, "STRK"), {"asset_volatility": 0.5, "expected_return": 0.0}),
    "btc_risks": ((_CO,), {"asset_volatility": 0.5, "expected_return": 0.0}),
    "btc_credit_spread": ((_CO, "STRK"), {"asset_volatility": 0.5, "expected_return": 0.0}),
    "risk_from_spread": ((0.02,), {"horizon": 2.0}),
    "spread_from_risk": ((0.05,), {"horizon": 2.0}),
    "effective_yield": ((_CO, "STRK"), {"price": 80.0}),
    "market_spread": ((_CO, "STRK"), {"price": 80.0, "risk_free_rate": 0.04}),
    "credit_surplus": (
        (_CO, "STRK"),
        {"price": 80.0, "risk_free_rate": 0.04, "asset_volatility": 0.5, "expected_return": 0.0},
    ),
    "credit_table": (
        (_CO,),
        {"asset_volatility": 0.5, "expected_return": 0.0, "market_prices": {"STRK": 80.0},
         "risk_free_rate": 0.04},
    ),
    "compare": (([_CO, _CO22],), {"years": 2.0}),
    "accretive_share_price": ((_CO,), {"asset_price": 68_141.0, "amount": 1e8}),
    "estimate_memory": ((), {"paths": 10**6, "steps": 520}),
    "simulate_market": (
        ([_SMALL, _SMALL],),
        {"prices": np.full((2, 6), 60_000.0), "dates": _WEEKS},
    ),
    "simulated_credit": (
        (_SMALL,),
        {"model": _GBM, "years": 0.2, "paths": 8, "seed": 1, "horizons": [0.1, 0.2]},
    ),
}  # fmt: skip


_SPRINGING = tm.instruments.SpringingMaturity(
    date=dt.date(2027, 6, 1), reference="C", liquidity_multiple=1.3
)
_TWO = attrs.evolve(
    _SMALL,
    holdings=[tm.Holdings(asset="BTC", units=100.0), tm.Holdings(asset="ETH", units=1_000.0)],
    instruments=[
        *_SMALL.instruments,
        tm.SecuredNote(
            name="S",
            principal=1e6,
            issued=dt.date(2025, 1, 1),
            maturity=dt.date(2029, 1, 1),
            pledged_units=50.0,
            collateral_asset="ETH",
            springing=[_SPRINGING],
        ),
    ],
    market=tm.Market(asset_price=60_000.0, asset_prices={"ETH": 2_000.0}, share_price=40.0),
)
_MODEL = {"asset_volatility": 0.5, "expected_return": 0.0}
SEVERAL: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "springing_trigger_price": ((_TWO, "S"), {"shock": True}),
    "btc_risk": ((_TWO, "C"), {**_MODEL, "asset_price": {"ETH": 2_500.0}}),
    "btc_risks": ((_TWO,), _MODEL),
    "btc_credit_spread": ((_TWO, "L"), _MODEL),
    "credit_table": ((_TWO,), _MODEL),
}  # fmt: skip
"""Valid calls on a company holding two assets (the credit model's reserve value, a common
shock), swept as CALLS are."""


class _Opaque:
    """An object of no expected type (its repr is short and harmless)."""

    def __repr__(self) -> str:
        return "<opaque>"


BAD: list[tuple[str, Any]] = [
    ("str", "x"),
    ("None", None),
    ("object", _Opaque()),
    ("nan", math.nan),
    ("inf", math.inf),
    ("-inf", -math.inf),
    ("empty list", []),
    ("empty array", np.array([])),
    ("nan array", np.array([1.0, math.nan])),
    ("ragged", [[1.0], [1.0, 2.0]]),
    ("huge float", 1e308),
    ("tiny float", 5e-324),
    ("huge int", 10**400),
    ("huge negative int", -(10**5000)),
    ("True", True),
    ("False", False),
    ("complex", 1 + 1j),
    ("complex array", np.array([1 + 1j])),
    ("negative", -1.0),
    ("zero", 0),
]


_SWEPT_MODULES = (
    tm,
    tm.kpi,
    tm.liquidation,
    tm.comparison,
    tm.valuation,
    tm.simulation,
    tm.simulation.montecarlo,  # price_paths: public, chunk-level (not in simulation's list)
    tm.credit,
    tm.io,
    tm.events,
    tm.assets,
)
"""The namespaces swept: the top level and the subject modules its 0.1 names moved to (the
schedule helpers, the figures and the data sets have tests of their own)."""

_NOT_SWEPT = {"liquidation_waterfall", "simulated_credit_paths"}
"""Path-level helpers of treasurymodel.credit, checked in tests/test_credit_simulated.py."""


def _public_functions() -> dict[str, Callable[..., Any]]:
    found: dict[str, Callable[..., Any]] = {}
    for module in _SWEPT_MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) and name not in _NOT_SWEPT:
                assert found.setdefault(name, obj) is obj, f"two public functions named {name}"
    return found


PUBLIC_FUNCTIONS = _public_functions()


def _functions() -> list[str]:
    return sorted(PUBLIC_FUNCTIONS)


def test_the_sweep_covers_every_public_function() -> None:
    assert sorted(CALLS) == _functions()


def _has_nan(value: Any, seen: int = 0) -> bool:
    # A result record's fields (CreditTable, Comparison and its rows hold None for a missing
    # figure), never its to_dict()/to_frame() export, where NaN is the documented missing mark.
    if seen > 6:
        return False
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "fc" and bool(np.isnan(value).any())
    if isinstance(value, dict):
        return any(_has_nan(v, seen + 1) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_nan(v, seen + 1) for v in value[:50])
    if attrs.has(type(value)):
        return any(
            _has_nan(getattr(value, f.name), seen + 1)
            for f in attrs.fields(type(value))
            if f.name not in ("average_cost",)
        )
    return False


def _has_inf(value: Any, seen: int = 0) -> bool:
    if seen > 6:
        return False
    if isinstance(value, float | np.floating):
        return math.isinf(value)
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "fc" and bool(np.isinf(value).any())
    if isinstance(value, dict):
        return any(_has_inf(v, seen + 1) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_inf(v, seen + 1) for v in value[:50])
    if attrs.has(type(value)):
        # a histogram's outer bin edges are -inf and +inf by design (the Guarantees page)
        return any(
            _has_inf(getattr(value, f.name), seen + 1)
            for f in attrs.fields(type(value))
            if f.name != "edges"
        )
    return False


def _bind(
    name: str, tmp: Path
) -> tuple[Callable[..., Any], inspect.Signature, tuple[Any, ...], dict[str, Any]]:
    fn = PUBLIC_FUNCTIONS[name]
    args, kwargs = CALLS[name]

    def place(value: Any) -> Any:
        if isinstance(value, str) and value.startswith("SWEEP_DIR/"):
            return str(tmp / value.removeprefix("SWEEP_DIR/"))
        return value

    return fn, inspect.signature(fn), tuple(place(a) for a in args), dict(kwargs)


# Results documented as infinite at a zero argument: ratios over a zero reserve or parity, the
# credit spread of a certain impairment.
INFINITE_AT_ZERO: set[tuple[str, str]] = {  # zero, or so tiny that the ratio overflows
    ("conversion_premium", "share_price"),  # "Infinite where the share price is zero."
    ("convertible_sensitivities", "share_price"),  # its premium, the same
    ("metrics", "asset_price"),  # "Ratios over the BTC Reserve are ±inf when the reserve is zero"
    # (or so small that the ratio leaves the float range)
    ("nav_sensitivity", "asset_prices"),  # its mNAV, the same
    # "inf where the BTC Risk is 1: at a zero price (no reserve, every claim impaired), or at
    # a price so far below the break price that the risk rounds to 1."
    ("btc_credit_spread", "asset_price"),
    ("credit_surplus", "asset_price"),  # "-inf where BTC Credit is inf (a BTC Risk of 1, ...)"
    ("credit_table", "asset_price"),  # its spread "inf where the risk is 1" (and surplus -inf)
}


_JOINT = {*tm.events.__all__, "btc_yield", "btc_gain", "btc_dollar_gain", "simulated_credit"}
"""Functions whose rules tie several arguments together (units x price against the cash; the
yield of units per share; simulated_credit's horizons, which must lie within the run that its
years set): an extreme value may be reported against another argument of the same rule, whose
combination leaves the range."""


def _names_argument(err: tm.ValidationError, parameter: str, names: set[str]) -> bool:
    head = err.field.split("[", 1)[0].split(".", 1)[0]
    if head == parameter:
        return True
    # A rule that ties arguments together may name another of them, never an internal field.
    if names & _JOINT and head in names - {"company"}:
        return True
    # loads' text is a document: its errors name the key in it (or its content) and the source
    return parameter == "text" and err.context == "<string>"


@pytest.mark.parametrize("name", sorted(CALLS))
def test_bad_arguments_give_a_validation_error_naming_them(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # dump(path="x") writes a file "x": here, not in the checkout
    (tmp_path / "valid.toml").write_text(tm.dumps(_SMALL), encoding="utf-8")
    fn, signature, args, kwargs = _bind(name, tmp_path)
    valid = fn(*args, **kwargs)
    assert not _has_nan(valid)
    valid_has_inf = _has_inf(valid)
    parameters = [
        p for p in signature.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD
    ]
    positional = [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
    problems: list[str] = []
    for parameter in parameters:
        for label, bad in BAD:
            call_args = list(args)
            call_kwargs = dict(kwargs)
            if parameter.name in positional and positional.index(parameter.name) < len(args):
                call_args[positional.index(parameter.name)] = bad
            else:
                call_kwargs[parameter.name] = bad
            where = f"{name}({parameter.name}={label})"
            try:
                result = fn(*call_args, **call_kwargs)
            except tm.ValidationError as err:
                if not _names_argument(err, parameter.name, {name, *signature.parameters}):
                    problems.append(f"{where}: names {err.field!r}: {err}")
                elif "\n" in str(err) or len(str(err)) > 1_000:
                    problems.append(f"{where}: message not one short line")
                continue
            except tm.ConvergenceError:
                # documented: an implied solver with no solution in its bracket says so
                if not name.startswith("implied_"):
                    problems.append(f"{where}: ConvergenceError")
                continue
            except Exception as exc:
                problems.append(f"{where}: {type(exc).__name__}: {str(exc)[:200]}")
                continue
            if _has_nan(result):
                problems.append(f"{where}: returned NaN")
            elif (
                _has_inf(result)
                and not valid_has_inf
                and not (
                    label in ("zero", "tiny float") and (name, parameter.name) in INFINITE_AT_ZERO
                )
            ):
                problems.append(f"{where}: returned an infinity")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(SEVERAL))
def test_bad_arguments_for_a_company_holding_two_assets(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(CALLS, name, SEVERAL[name])
    test_bad_arguments_give_a_validation_error_naming_them(name, tmp_path, monkeypatch)


_RESULT = tm.simulate(_SMALL, model=_GBM, years=0.1, paths=8, seed=1, record=("units",))

METHODS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "SimulationResult.probability(event)": ("event", lambda v: _RESULT.probability(v)),
    "SimulationResult.probability(by)": ("by", lambda v: _RESULT.probability("default", by=v)),
    "SimulationResult.quantiles(field)": ("field", lambda v: _RESULT.quantiles(v, [0.5])),
    "SimulationResult.quantiles(q)": ("q", lambda v: _RESULT.quantiles("units_sold", v)),
    "SimulationResult.fan(name)": ("name", lambda v: _RESULT.fan(v, [0.5])),
    "SimulationResult.fan(q)": ("q", lambda v: _RESULT.fan("units", v)),
    "Company.instrument(name)": ("name", lambda v: _CO.instrument(v)),
    "Company.amount(instrument)": ("instrument", lambda v: _CO.amount(v)),
    "Company.fx_rate(currency)": ("currency", lambda v: _CO.fx_rate(v)),
    "cli.report_data(asset_prices)": ("asset_prices", lambda v: report_data(_CO, asset_prices=v)),
    "cli.report_data(grid)": ("grid", lambda v: report_data(_CO, grid=v)),
    "cli.load_source(source)": ("source", lambda v: load_source(v)),
    "datasets.load(name)": ("name", lambda v: tm.datasets.load(v)),
}


@pytest.mark.parametrize("method", sorted(METHODS))
def test_methods_and_helpers_refuse_bad_arguments_by_name(
    method: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    parameter, call = METHODS[method]
    problems: list[str] = []
    for label, bad in BAD:
        try:
            result = call(bad)
        except tm.ValidationError as err:
            head = err.field.split("[", 1)[0].split(".", 1)[0]
            if head != parameter:
                problems.append(f"{method} with {label}: names {err.field!r}")
            continue
        except Exception as exc:
            problems.append(f"{method} with {label}: {type(exc).__name__}: {str(exc)[:200]}")
            continue
        if _has_nan(result):
            problems.append(f"{method} with {label}: returned NaN")
    assert not problems, "\n".join(problems)
