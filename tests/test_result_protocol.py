"""One result protocol: every result type has a one-screen repr, a small HTML table,
``to_dict()`` (1-d numpy columns of one length) and ``to_frame()`` (pandas, optional).

``RESULTS`` builds one instance (or a few) of every result type; ``test_every_result_type_is_
registered`` finds the result types in the public namespaces (classes with ``to_dict`` or named
by a public function's return annotation) and fails when one is missing. Each entry also says
which columns must equal which attributes (read off the object, not copied numbers).
"""

from __future__ import annotations

import datetime as dt
import html.parser
import inspect
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import treasurymodel as tm
from treasurymodel import credit, schedule, simulation, valuation
from treasurymodel._render import columns_text, fmt
from treasurymodel._results import Tabular, frame

_CO = tm.datasets.load("mstr-2026-02")
_OLD = tm.datasets.load("mstr-2022q2")
_GBM = tm.GBM(asset_price=68_141.0, volatility=0.6)
_START = dt.date(2026, 1, 1)
_DATES = [_START + dt.timedelta(weeks=w) for w in range(9)]


def _small() -> tm.Company:
    return tm.Company(
        name="A",
        as_of=_START,
        holdings=tm.Holdings(units=100),
        shares_basic=1e6,
        instruments=[tm.Note(name="N", principal=2e6, maturity=dt.date(2026, 2, 1))],
    )


def _secured() -> tm.Company:
    cvt = tm.ConvertibleNote(
        name="cvt",
        principal=100e6,
        issued=dt.date(2024, 1, 1),
        maturity=dt.date(2027, 12, 15),
        conversion_price=50.0,
    )
    sec = tm.SecuredNote(
        name="sec",
        principal=50e6,
        issued=dt.date(2024, 1, 1),
        maturity=dt.date(2029, 1, 1),
        pledged_units=200,
        springing=[
            tm.instruments.SpringingMaturity(
                date=dt.date(2027, 9, 15), reference="cvt", liquidity_multiple=1.3
            ),
            tm.instruments.SpringingMaturity(
                date=dt.date(2028, 3, 15), reference="cvt", liquidity_multiple=0.05
            ),
        ],
    )
    return tm.Company(
        name="X",
        as_of=_START,
        holdings=tm.Holdings(units=1_200),
        shares_basic=1e6,
        cash=10e6,
        instruments=[cvt, sec],
    )


def _traced() -> tm.simulation.SimulationResult:
    prices = np.vstack([np.full(9, 50e3), np.linspace(50e3, 5e3, 9)])
    return tm.simulation.simulate_paths(
        _small(),
        prices=prices,
        dates=_DATES,
        policy=tm.simulation.FundingPolicy(issue_equity=False),
        record=("cash",),
        record_paths=[0, 1],
    )


def _traces() -> tm.simulation.PathTraces:
    traces = _traced().traces
    assert traces is not None
    return traces


def _note() -> tm.ConvertibleNote:
    return tm.ConvertibleNote(
        name="0% 2031",
        principal=1e9,
        issued=_START,
        maturity=dt.date(2031, 1, 1),
        conversion_price=100.0,
    )


def _sens(share_price: Any) -> Any:
    return tm.valuation.convertible_sensitivities(
        _note(),
        valuation_date=_START,
        share_price=share_price,
        volatility=0.5,
        rate=0.04,
        credit_spread=0.03,
        steps=100,
    )


def _fields(obj: Any, names: Iterator[str] | list[str]) -> list[tuple[str, Any]]:
    """(column, attribute) for the named fields: ``None`` is a column of NaN."""
    return [(n, getattr(obj, n)) for n in names]


def _all_fields(obj: Any) -> list[tuple[str, Any]]:
    return _fields(obj, [f.name for f in attrs.fields(type(obj))])


# name -> (factory, expected columns from the object's attributes, round trip or None)
Expect = Callable[[Any], list[tuple[str, Any]]]
RESULTS: dict[str, tuple[Callable[[], Any], Expect]] = {
    "Metrics (float)": (
        lambda: tm.metrics(_CO, asset_price=68_141.0, share_price=114.45),
        _all_fields,
    ),
    "Metrics (array)": (
        lambda: tm.metrics(_CO, asset_price=np.array([[20e3, 60e3, 1e5]])),
        _all_fields,
    ),
    "MaturityWall": (
        lambda: tm.maturity_wall(_CO),
        lambda w: [
            ("period", [r.period for r in w]),
            ("end", [np.datetime64(r.end, "D") for r in w]),
            ("due", [r.due for r in w]),
            ("cumulative_due", [r.cumulative_due for r in w]),
            ("breakeven_price", w.breakeven_prices),
            ("items", [len(r.items) for r in w]),
        ],
    ),
    "NavSensitivity": (
        lambda: tm.nav_sensitivity(_CO, asset_prices=np.linspace(1e4, 2e5, 40), mnav=1.2),
        _all_fields,
    ),
    "NavSensitivity (no share price)": (
        lambda: tm.nav_sensitivity(_CO, asset_prices=[5e4]),
        _all_fields,
    ),
    "Ratings (float)": (
        lambda: tm.credit.btc_ratings(_CO, asset_price=68_141.0, share_price=114.45),
        lambda r: [("asset_price", r.asset_price), *((k, r[k]) for k in r)],
    ),
    "Ratings (a few prices)": (
        lambda: tm.credit.btc_ratings(_CO, asset_price=[3e4, 6e4], share_price=[50.0, 114.45]),
        lambda r: [("asset_price", r.asset_price), *((k, r[k]) for k in r)],
    ),
    "Ratings (array)": (
        lambda: tm.credit.btc_ratings(
            _CO, asset_price=np.linspace(3e4, 9e4, 12), definition="dashboard"
        ),
        lambda r: [("asset_price", r.asset_price), *((k, r[k]) for k in r)],
    ),
    "SpringingTriggers": (
        lambda: tm.springing_trigger_price(_secured(), "sec"),
        lambda t: [
            ("date", [np.datetime64(d, "D") for d in t.date]),
            ("reference", list(t.reference)),
            ("trigger_price", [p for _, p in t]),
        ],
    ),
    "SpringingTriggers (none)": (
        lambda: tm.springing_trigger_price(_secured(), "cvt"),
        lambda t: [("date", []), ("trigger_price", [])],
    ),
    "SimulationResult": (
        lambda: tm.simulate(_CO, model=_GBM, years=1, paths=64, seed=3),
        lambda r: [
            ("path", np.arange(r.paths)),
            ("units_sold", r.units_sold),
            ("default", r.default),
            ("nav_per_share", r.nav_per_share),
            ("default_date", r.date_of(r.default_time)),
        ],
    ),
    "SimulationAggregates": (
        lambda: tm.simulate(_CO, model=_GBM, years=1, paths=64, seed=3, keep_paths=False),
        lambda a: [
            ("field", list(a.mean)),
            ("mean", [a.mean[k] for k in a.mean]),
            ("min", [a.minimum[k] for k in a.mean]),
            ("max", [a.maximum[k] for k in a.mean]),
        ],
    ),
    "PathTraces": (
        lambda: _traces(),
        lambda t: [
            ("path", np.repeat(t.paths, len(t.dates))),
            ("cash", np.concatenate([t.path(int(p))["cash"] for p in t.paths])),
        ],
    ),
    "EventTable": (
        lambda: _traces().events(1),
        lambda e: [("step", e.step), ("event", e.event), ("amount", e.amount)],
    ),
    "EventTable (empty)": (
        lambda: _traces().events(0),
        lambda e: [("step", e.step), ("event", e.event)],
    ),
    "MarketResult": (
        lambda: tm.simulation.simulate_market(
            [_small(), attrs.evolve(_small(), name="B", instruments=())],
            prices=np.full((2, 9), 50e3),
            dates=_DATES,
            policies=[tm.simulation.FundingPolicy(issue_equity=False)] * 2,
        ),
        lambda m: [
            ("name", list(m.names)),
            ("p_default", [r.probability("default") for r in m.results]),
            ("p_forced_sale", [r.probability("forced_sale") for r in m.results]),
        ],
    ),
    "MarketAggregates": (
        lambda: tm.simulate(
            [_small(), attrs.evolve(_small(), name="B", instruments=())],
            model=tm.GBM(asset_price=50e3, volatility=0.5),
            years=0.5,
            paths=64,
            seed=3,
            policy=tm.simulation.FundingPolicy(issue_equity=False),
            keep_paths=False,
        ),
        lambda m: [
            ("name", list(m.names)),
            ("p_default", [r.probability("default") for r in m.results]),
            ("p_forced_sale", [r.probability("forced_sale") for r in m.results]),
        ],
    ),
    "StepHistogram": (
        lambda: tm.simulation.StepHistogram(
            edges=[-np.inf, 0.0, 1.0, np.inf], counts=[[4, 0, 0], [1, 2, 1]]
        ),
        lambda h: [("count", h.counts.ravel()), ("lower", np.tile(h.edges[:-1], 2))],
    ),
    "ConvertibleSensitivities (float)": (lambda: _sens(80.0), _all_fields),
    "ConvertibleSensitivities (array)": (lambda: _sens([60.0, 80.0, 120.0]), _all_fields),
    "CreditTable": (
        lambda: tm.credit_table(_CO, asset_volatility=0.5, expected_return=0.0),
        lambda t: [
            ("security", list(t.security)),
            ("rating", t.rating),
            ("market_price", [np.nan if p is None else p for p in t.market_price]),
        ],
    ),
    "CreditTable (market, simulated)": (
        lambda: tm.credit_table(
            _CO,
            asset_volatility=0.5,
            expected_return=0.0,
            market_prices={"STRF": 110.0, "0.625% convertible notes due 2028": 101.0},
            risk_free_rate=0.04,
            simulated=tm.simulated_credit(_CO, model=_GBM, years=0.5, paths=32, seed=1),
        ),
        lambda t: [("security", list(t.security)), ("break_price", t.break_price)],
    ),
    "SimulatedCredit": (
        lambda: tm.simulated_credit(_CO, model=_GBM, years=0.5, paths=32, seed=1),
        lambda s: [("security", list(s.security)), ("expected_loss", s.expected_loss)],
    ),
    "Comparison": (
        lambda: tm.compare([_CO, tm.datasets.load("sbet-2025-10")]),
        lambda c: [
            ("label", list(c.labels)),
            ("nav", [r.nav for r in c.rows]),
            ("mnav", [np.nan if r.mnav is None else r.mnav for r in c.rows]),
        ],
    ),
    "ObligationsLadder": (
        lambda: schedule.obligations_ladder(
            _CO.instruments,
            start=_CO.as_of,
            end=dt.date(2032, 12, 31),
            fx=dict(_CO.fx),
            currency=_CO.currency,
        ),
        lambda ladder: [
            ("period", [r.period for r in ladder]),
            ("dividends", [r.dividends for r in ladder]),
            ("total", [r.total for r in ladder]),
        ],
    ),
    "CashFlows": (
        lambda: schedule.cash_flows(
            _CO.instruments[0], start=_CO.as_of, end=dt.date(2030, 12, 31)
        ),
        lambda f: [
            ("date", [np.datetime64(d, "D") for d in f.dates]),
            ("interest", f.interest),
            ("total", f.total),
        ],
    ),
}

NOT_RESULTS = {
    # contracts, inputs, models, rows and states: not results
    "ConvertibleNote",
    "Note",
    "PreferredStock",
    "SecuredNote",
    "TermLoan",
    "Company",
    "Holdings",
    "Market",
    "Curve",
    "ComparisonRow",
    "MaturityWallRow",
    "DueItem",
    "LadderRow",
    "ChannelState",
    "PremiumState",
    "Path",
    "Result",
}


def _type_name(key: str) -> str:
    return key.split(" (")[0]


_BUILT: dict[str, Any] = {}


def _build(key: str) -> Any:
    if key not in _BUILT:
        _BUILT[key] = RESULTS[key][0]()
    return _BUILT[key]


def _namespaces() -> list[Any]:
    return [tm, credit, simulation, valuation, schedule]


def _public_classes() -> dict[str, type]:
    out: dict[str, type] = {}
    for module in _namespaces():
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name, None)
            if (
                inspect.isclass(obj)
                and obj.__module__.startswith("treasurymodel")
                and not issubclass(obj, BaseException)
            ):
                out[name] = obj
    return out


def _returned_class_names() -> set[str]:
    """Class names in the return annotations of public functions (and result methods)."""
    classes = _public_classes()
    names: set[str] = set()
    callables: list[Any] = []
    for module in _namespaces():
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name, None)
            if inspect.isfunction(obj):
                callables.append(obj)
    for cls in classes.values():
        callables += [
            m for n, m in vars(cls).items() if inspect.isfunction(m) and not n.startswith("_")
        ]
    for fn in callables:
        annotation = str(inspect.signature(fn).return_annotation)
        names |= {w for w in re.findall(r"[A-Z]\w+", annotation) if w in classes}
    return names


def _protocol_classes() -> set[str]:
    return {
        name
        for name, cls in _public_classes().items()
        if hasattr(cls, "to_dict") or hasattr(cls, "_repr_html_")
    }


def test_every_result_type_is_registered() -> None:
    registered = {_type_name(k) for k in RESULTS}
    found = (_returned_class_names() | _protocol_classes()) - NOT_RESULTS
    # the discovery must see the known ones, else it is broken rather than the registry
    assert {"Metrics", "SimulationResult", "Ratings", "CreditTable"} <= found
    assert found - registered == set(), "result types missing from RESULTS"
    built = {_type_name(k): type(_build(k)).__name__ for k in RESULTS}
    assert all(k == v for k, v in built.items()), built


@pytest.mark.parametrize("key", sorted(RESULTS))
def test_repr_fits_one_screen(key: str) -> None:
    result = _build(key)
    assert isinstance(result, tm.Result)
    text = repr(result)
    lines = text.splitlines()
    assert 1 <= len(lines) <= 25, text
    assert max(len(line) for line in lines) <= 100, text
    assert "nan" not in text.replace("Nan", "")  # a missing figure prints as "-"
    assert type(result).__name__ in lines[0] or "Ratings" in lines[0]


class _Tables(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.cells = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.cells += tag in ("td", "th")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, tag
        assert self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()


def _parse_table(page: str) -> _Tables:
    parser = _Tables()
    parser.feed(page)
    parser.close()
    assert parser.stack == []  # every tag closed, in order
    assert parser.tags[0] == "table"
    assert parser.tags.count("table") == 1
    assert set(parser.tags) <= {"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td"}
    return parser


@pytest.mark.parametrize("key", sorted(RESULTS))
def test_html_is_one_small_table(key: str) -> None:
    page = _build(key)._repr_html_()
    parser = _parse_table(page)
    assert parser.cells >= 1
    assert len(page) < 60_000


def _same(got: np.ndarray, want: Any) -> bool:
    want = np.ravel(np.asarray([] if want is None else want))
    if want.size == 0:
        return got.size == 0
    if got.dtype.kind == "O":  # pandas reads None in a text column as NaN
        got = np.array([None if isinstance(v, float) and v != v else v for v in got], object)
    if got.dtype.kind == "M":  # pandas keeps seconds: compare the days
        got = got.astype("datetime64[D]")
    if got.dtype.kind in "fc":
        same: bool = np.array_equal(got, np.asarray(want, dtype=np.float64), equal_nan=True)
        return same
    return bool(got.tolist() == want.tolist())


@pytest.mark.parametrize("key", sorted(RESULTS))
def test_to_dict_is_columns_of_the_attributes(key: str) -> None:
    result = _build(key)
    columns = result.to_dict()
    assert isinstance(columns, dict)
    assert columns
    assert all(isinstance(k, str) for k in columns)
    assert all(isinstance(v, np.ndarray) and v.ndim == 1 for v in columns.values())
    assert len({v.shape[0] for v in columns.values()}) == 1
    for name, want in RESULTS[key][1](result):
        if want is None:  # a figure that does not exist: NaN in the array export
            assert np.isnan(columns[name]).all(), name
        else:
            assert _same(columns[name], want), (name, columns[name], want)
    for name, col in columns.items():
        if col.dtype.kind == "M":
            assert col.dtype == np.dtype("datetime64[D]"), name
    again = result.to_dict()  # a copy each time, or read-only: never the object's own state
    for col in again.values():
        if col.flags.writeable and col.size and col.dtype.kind == "f":
            col[...] = -12345.0
    assert all(
        _same(a, b) for a, b in zip(columns.values(), result.to_dict().values(), strict=True)
    )


@pytest.mark.parametrize("key", sorted(RESULTS))
def test_to_frame_matches_to_dict(key: str) -> None:
    pd = pytest.importorskip("pandas")
    result = _build(key)
    columns = result.to_dict()
    df = result.to_frame()
    assert isinstance(df, pd.DataFrame)
    n = len(next(iter(columns.values())))
    assert len(df) == n
    index = type(result)._index if isinstance(result, Tabular) else df.index.name
    names = [c for c in columns if c != index]
    assert list(df.columns) == names
    for name in names:
        assert _same(np.asarray(df[name].to_numpy()), columns[name]), name
    if index is not None:
        assert df.index.name == index
        assert df.index.tolist() == columns[index].tolist()


@pytest.mark.parametrize("key", sorted(RESULTS))
def test_to_frame_without_pandas_names_the_extra(
    key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _build(key)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=re.escape("treasurymodel[frame]")):
        result.to_frame()


# --- round trips ----------------------------------------------------------------------


def test_step_histogram_round_trips_through_to_dict() -> None:
    h = _build("StepHistogram")
    d = h.to_dict()
    steps = int(d["step"].max()) + 1
    edges = np.append(d["lower"][: len(d["lower"]) // steps], d["upper"][-1])
    again = tm.simulation.StepHistogram(edges=edges, counts=d["count"].reshape(steps, -1))
    assert again == h


def test_nav_sensitivity_round_trips_through_to_dict() -> None:
    for key in ("NavSensitivity", "NavSensitivity (no share price)"):
        table = _build(key)
        d = table.to_dict()
        kwargs: dict[str, Any] = {
            k: (None if getattr(table, k) is None else v) for k, v in d.items()
        }  # absent fields are NaN columns in the export, None in the object
        assert tm.liquidation.NavSensitivity(**kwargs) == table


def test_springing_triggers_keep_the_pairs_of_0_1() -> None:
    # (1.3 x 100M - 10M) / 1,000 unencumbered BTC = 120,000; the second clause needs
    # 0.05 x 100M = 5M, less than the 10M of cash: it cannot fail (None, NaN in to_dict).
    t = _build("SpringingTriggers")
    assert tuple(t) == ((dt.date(2027, 9, 15), 120_000.0), (dt.date(2028, 3, 15), None))
    assert t[0] == (dt.date(2027, 9, 15), 120_000.0)
    (_first_date, first_price), _ = t
    assert first_price == 120_000.0
    assert np.isnan(t.to_dict()["trigger_price"][1])
    assert "-" in repr(t).splitlines()[-2].split()


def test_ratings_stay_a_mapping() -> None:
    # Hand count (the btc_ratings docstring): 1,000 BTC at 100,000 = 100M; debt 5M -> 20;
    # debt + preferred 20M -> 5; the common at 100 x 1M shares: (100 - 20) / 100 = 0.8.
    co = tm.Company(
        name="X",
        as_of=_START,
        holdings=tm.Holdings(units=1_000),
        shares_basic=1e6,
        instruments=[
            tm.PreferredStock(name="P", notional=15e6, rate=0.1),
            tm.Note(name="debt", principal=5e6, maturity=dt.date(2030, 1, 1)),
        ],
    )
    r = tm.credit.btc_ratings(co, asset_price=100_000.0, share_price=100.0)
    assert r == {"debt": 20.0, "P": 5.0, "common": 0.8}
    assert list(r) == ["debt", "P", "common"]
    assert len(r) == 3
    assert "P" in r
    assert r.get("none") is None
    assert r.to_dict() == {
        "asset_price": [100_000.0],
        "debt": [20.0],
        "P": [5.0],
        "common": [0.8],
    }


# --- Company: a contract, but one screen too ------------------------------------------


def _many(n: int) -> tm.Company:
    notes = [
        tm.Note(name=f"note {i} " + "x" * 60, principal=1e6, maturity=dt.date(2030, 1, 1))
        for i in range(n)
    ]
    return tm.Company(
        name="<b>Many</b>",
        as_of=_START,
        holdings=tm.Holdings(units=1e6),
        shares_basic=1e6,
        instruments=notes,
    )


@pytest.mark.parametrize("company", [_CO, _OLD, _many(40), tm.datasets.load("sbet-2025-10")])
def test_company_repr_fits_one_screen(company: tm.Company) -> None:
    lines = repr(company).splitlines()
    assert len(lines) <= 25
    assert max(len(line) for line in lines) <= 100
    assert company.name in lines[0]
    shown = [i.name[:20] for i in company.instruments]
    assert sum(any(s in line for line in lines) for s in shown) == min(len(shown), 15)
    parser = _parse_table(company._repr_html_())
    assert parser.tags.count("tr") == len(company.instruments) + 2  # head, rows, foot


def test_company_html_escapes_and_keeps_equality() -> None:
    co = _many(2)
    assert "<b>Many" not in co._repr_html_()
    assert "&lt;b&gt;Many" in co._repr_html_()
    assert co == _many(2)
    assert hash(co) == hash(_many(2))
    assert co != attrs.evolve(co, cash=1.0)
    assert len(repr(_CO)) < 2_000  # 4.5 KB in 0.1


# --- one formatter ----------------------------------------------------------------------


def test_cli_and_compare_share_one_formatter() -> None:
    import importlib

    report = importlib.import_module("treasurymodel.cli.report")
    credit = importlib.import_module("treasurymodel.cli.credit")
    comparison = importlib.import_module("treasurymodel.comparison")

    assert report._fmt is fmt
    assert credit._fmt is fmt
    assert comparison._text is fmt
    # the two 0.1 formatters differed on NaN ("nan" in the CLI, "-" in compare)
    assert fmt(float("nan"), "price") == fmt(None, "price") == "-"
    assert fmt(1_234_567.0, "money") == "1.2"  # millions, one decimal
    assert fmt(0.125, "pct") == "12.5%"
    assert fmt(-math_inf(), "ratio") == "-inf"


def math_inf() -> float:
    return float("inf")


# --- properties -----------------------------------------------------------------------

_price = st.floats(min_value=0.0, max_value=1e7, allow_nan=False)


@given(st.lists(_price, min_size=1, max_size=60))
def test_metrics_columns_are_its_fields_at_any_prices(prices: list[float]) -> None:
    m = tm.metrics(_OLD, asset_price=prices)
    d = m.to_dict()
    assert {len(v) for v in d.values()} == {len(prices)}
    assert d["asset_price"].tolist() == prices
    assert np.array_equal(d["nav"], m.nav)
    assert np.isnan(d["mnav"]).all()  # no share price given
    lines = repr(m).splitlines()
    assert len(lines) <= 25
    assert max(map(len, lines)) <= 100


_text = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=120)
_cells = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**18), 10**18),
    _text,
)


@given(
    st.integers(0, 60).flatmap(
        lambda n: st.dictionaries(
            _text.filter(bool),
            st.lists(_cells, min_size=n, max_size=n),
            min_size=1,
            max_size=16,
        )
    )
)
def test_any_columns_render_on_one_screen(data: dict[str, list[Any]]) -> None:
    columns = {k: np.array(v, dtype=object) for k, v in data.items()}
    text = columns_text("title", columns, "footer")
    lines = text.split("\n")
    assert len(lines) <= 25
    assert max(len(line) for line in lines) <= 100


def test_frame_helper_indexes_by_a_column() -> None:
    pytest.importorskip("pandas")
    df = frame({"name": np.array(["a", "b"]), "x": np.array([1.0, 2.0])}, owner="T", index="name")
    assert df.loc["b", "x"] == 2.0
    assert list(df.columns) == ["x"]
