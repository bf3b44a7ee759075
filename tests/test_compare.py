"""Tests of treasurymodel.comparison (compare()) and the ``treasurymodel compare`` command.

The oracle for every row is the single-company functions called directly (metrics,
btc_ratings, joint_margin_call_price, maturity_wall, coverage_break_price); one row is also
worked by hand from the figures of the data file mstr-2022q2 (Q2 2022 10-Q, primer "A worked
case").
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import math
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treasurymodel import (
    Company,
    Holdings,
    Market,
    Note,
    PreferredStock,
    SecuredNote,
    TermLoan,
    ValidationError,
    compare,
    coverage_break_price,
    datasets,
    joint_margin_call_price,
    maturity_wall,
    metrics,
    raise_equity,
)
from treasurymodel.cli import main
from treasurymodel.comparison import Comparison
from treasurymodel.credit import btc_ratings
from treasurymodel.instruments import Instrument

from .strategies import asset_prices, companies

ALL = datasets.names()


def _all() -> list[Company]:
    return [datasets.load(name) for name in ALL]


def _close(a: float | None, b: float | None, rel: float = 1e-12) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-9)


# --- every bundled data set, each row against the single-company functions ---------------


def test_compare_bundled_datasets_gives_every_row() -> None:
    cos = _all()
    result = compare(cos)
    assert len(result) == len(cos) == 5
    assert result.labels == tuple(co.name for co in cos)
    assert [r.asset for r in result] == [co.holdings[0].asset for co in cos]
    assert "ETH" in {r.asset for r in result}
    assert "BTC" in {r.asset for r in result}


@pytest.mark.parametrize("name", ALL)
def test_row_equals_single_company_functions(name: str) -> None:
    co = datasets.load(name)
    assert co.market is not None
    assert co.market.asset_price is not None
    price, share = co.market.asset_price, co.market.share_price
    row = compare([datasets.load(n) for n in ALL])[co.name]

    m = metrics(co, asset_price=price, share_price=share)
    assert row.asset_price == price
    assert row.share_price == share
    for field, expected in [
        ("asset_reserve", m.asset_reserve),
        ("cash", m.cash),
        ("debt", m.debt),
        ("preferred", m.preferred),
        ("nav", m.nav),
        ("nav_per_share", m.nav_per_share),
        ("nav_per_share_diluted", m.nav_per_share_diluted),
        ("mnav", m.mnav),
        ("mnav_simple", m.mnav_simple),
        ("amplification", m.amplification),
        ("net_leverage", m.net_leverage),
        ("cash_months_of_coverage", m.cash_months_of_coverage),
        ("asset_years_of_coverage", m.asset_years_of_coverage),
    ]:
        assert _close(getattr(row, field), expected), field

    order = co.seniority_order()
    if order:
        assert row.junior_security == order[-1].name
        assert _close(row.junior_rating, btc_ratings(co, asset_price=price)[order[-1].name])
    else:
        assert row.junior_security is None
        assert row.junior_rating is None
    if share is None:
        assert row.common_rating is None
    else:
        common = btc_ratings(co, asset_price=price, share_price=share)["common"]
        assert _close(row.common_rating, common)

    call = joint_margin_call_price(co)
    assert _close(row.margin_call_price, call)
    assert _close(row.margin_call_drop, None if call is None else 1 - call / price)

    until = co.as_of.replace(year=co.as_of.year + 2)  # none of the as-of dates is 29 Feb
    near = maturity_wall(co, until=until).rows[-1].breakeven_price
    whole = maturity_wall(co).rows[-1].breakeven_price
    cover = coverage_break_price(co, years=2)
    assert _close(row.wall_price, near)
    assert _close(row.wall_drop, 1 - near / price)
    assert _close(row.wall_price_all, whole)
    assert _close(row.wall_drop_all, 1 - whole / price)
    assert _close(row.coverage_price, cover)
    assert _close(row.coverage_drop, 1 - cover / price)


def test_mstr_2022q2_row_by_hand() -> None:
    # Data file mstr-2022q2: 129,699 BTC at $19,785; 11.3M shares at $164; cash $60M; debt
    # $205M loan + $650M + $1,050M convertibles + $500M secured (14,590 BTC pledged) + $11M
    # other = $2,416M; no preferred.
    row = compare([datasets.load("mstr-2022q2")])["MicroStrategy"]
    reserve = 129_699 * 19_785.0  # 2,566,094,715
    debt, cash, cap = 2_416e6, 60e6, 11.3e6 * 164
    assert row.asset_reserve == reserve
    assert row.debt == debt
    assert row.preferred == 0.0
    assert row.mnav == pytest.approx((cap + debt - cash) / reserve, rel=1e-12)  # 1.6403
    assert row.mnav == pytest.approx(1.64031, abs=1e-5)
    assert row.mnav_simple == pytest.approx(cap / reserve, rel=1e-12)  # 0.7222
    assert row.amplification == pytest.approx(0.94151, abs=1e-5)
    assert row.nav_per_share == pytest.approx((reserve + cash - debt) / 11.3e6, rel=1e-12)
    assert row.junior_rating == pytest.approx(reserve / debt, rel=1e-12)  # all debt together
    # The common: (reserve - debt - preferred) / market cap = 150.09M / 1,853.2M = 0.0810.
    assert row.common_rating == pytest.approx((reserve - debt) / cap, rel=1e-12)
    assert row.common_rating == pytest.approx(0.08099, abs=1e-5)
    # Margin call: $410M of collateral over the 129,699 - 14,590 = 115,109 pledgeable BTC.
    assert row.margin_call_price == pytest.approx(3_561.84, abs=0.01)
    assert row.margin_call_drop == pytest.approx(1 - 3_561.84 / 19_785, abs=1e-6)  # 82.0%
    # The whole wall: $2,416M / 129,699 BTC = $18,627.75, a fall of only 5.8%.
    assert row.wall_price_all == pytest.approx(18_627.75, abs=0.01)
    assert row.wall_drop_all == pytest.approx(0.0584915, abs=1e-6)
    # Nothing falls due before 30 June 2024 (the loan matures in March 2025).
    assert row.wall_price == 0.0
    assert row.wall_drop == 1.0


def test_shocked_nav_per_share_by_hand() -> None:
    # At -50%: (0.5 x 2,566,094,715 + 60M - 2,416M) / 11.3M = -1,072.95M / 11.3M = -94.9516
    result = compare([datasets.load("mstr-2022q2")], shocks=[-0.5, 0.0, 1.0])
    expected = [
        (0.5 * 2_566_094_715 + 60e6 - 2_416e6) / 11.3e6,
        (2_566_094_715 + 60e6 - 2_416e6) / 11.3e6,
        (2.0 * 2_566_094_715 + 60e6 - 2_416e6) / 11.3e6,
    ]
    np.testing.assert_allclose(result.shock_nav_per_share[0], expected, rtol=1e-12)
    assert result.shock_nav_per_share[0, 0] == pytest.approx(-94.9516, abs=1e-4)


def test_asset_prices_by_asset_and_share_prices_by_label() -> None:
    result = compare(
        {"a": datasets.load("mstr-2026-02"), "b": datasets.load("sbet-2025-10")},
        asset_prices={"BTC": 50_000.0},
        share_prices={"b": 10.0},
    )
    assert result["a"].asset_price == 50_000.0
    assert result["a"].share_price == 114.45
    assert result["b"].asset_price == 4_028.0
    assert result["b"].share_price == 10.0
    co = datasets.load("sbet-2025-10")
    assert result["b"].mnav == metrics(co, asset_price=4_028.0, share_price=10.0).mnav


def test_same_company_twice_under_two_labels() -> None:
    co = datasets.load("mstr-2026-02")
    bigger = raise_equity(co, 1e9, share_price=114.45, asset_price=68_141.0)
    result = compare({"today": co, "after a $1B raise": bigger})
    assert result["after a $1B raise"].amplification < result["today"].amplification
    assert "company" in repr(result).splitlines()[2]  # labels differ from the names


# --- properties ---------------------------------------------------------------------------


@settings(max_examples=25)
@given(
    co=companies(max_instruments=4),
    price=asset_prices(),
    shocks=st.lists(st.floats(min_value=-1.0, max_value=3.0), min_size=1, max_size=12),
)
def test_shocked_nav_per_share_is_non_decreasing(
    co: Company, price: float, shocks: list[float]
) -> None:
    result = compare([co], asset_prices={"BTC": price}, shocks=shocks)
    order = np.argsort(shocks, kind="stable")
    for table in (result.shock_nav_per_share, result.shock_nav_per_share_diluted):
        values = table[0, order]
        assert np.all(np.diff(values) >= -1e-9 * np.maximum(1.0, np.abs(values[1:])))
    # and each value is metrics() at that one price
    one = metrics(co, asset_price=price * (1 + shocks[0]))
    assert result.shock_nav_per_share[0, 0] == pytest.approx(one.nav_per_share, rel=1e-12)


def _scale_size(company: Company, k: float) -> Company:
    """``company`` k times as large: units, shares and every amount x k; prices unchanged."""

    def one(inst: Instrument) -> Instrument:
        if isinstance(inst, SecuredNote):
            clauses = [
                attrs.evolve(
                    c, min_outstanding=None if c.min_outstanding is None else c.min_outstanding * k
                )
                for c in inst.springing
            ]
            return attrs.evolve(
                inst,
                principal=inst.principal * k,
                pledged_units=inst.pledged_units * k,
                springing=clauses,
            )
        if isinstance(inst, TermLoan):
            steps = [attrs.evolve(a, amount=a.amount * k) for a in inst.amortization]
            return attrs.evolve(
                inst,
                principal=inst.principal * k,
                pledged_units=inst.pledged_units * k,
                amortization=steps,
            )
        if isinstance(inst, PreferredStock):  # k times the preferred shares: same ratio
            return attrs.evolve(inst, notional=inst.notional * k)
        return attrs.evolve(inst, principal=inst.principal * k)  # notes: same conversion price

    return attrs.evolve(
        company,
        holdings=Holdings(
            asset=company.holdings[0].asset,
            units=company.holdings[0].units * k,
            cost_basis=company.holdings[0].cost_basis * k,
        ),
        shares_basic=company.shares_basic * k,
        shares_diluted=None if company.shares_diluted is None else company.shares_diluted * k,
        other_dilutive_shares=company.other_dilutive_shares * k,
        cash=company.cash * k,
        other_assets=company.other_assets * k,
        instruments=[one(i) for i in company.instruments],
    )


_SIZE_FREE = (
    "nav_per_share",
    "nav_per_share_diluted",
    "mnav",
    "mnav_simple",
    "amplification",
    "net_leverage",
    "cash_months_of_coverage",
    "asset_years_of_coverage",
    "junior_rating",
    "common_rating",
    "margin_call_price",
    "margin_call_drop",
    "wall_price",
    "wall_drop",
    "wall_price_all",
    "wall_drop_all",
    "coverage_price",
    "coverage_drop",
)


@settings(max_examples=25)
@given(
    co=companies(max_instruments=4),
    price=asset_prices(),
    share=st.floats(min_value=0.5, max_value=2_000.0),
    k=st.sampled_from([0.25, 0.5, 2.0, 8.0, 1024.0]),
)
def test_a_company_k_times_as_large_compares_equal_per_share(
    co: Company, price: float, share: float, k: float
) -> None:
    big = _scale_size(co, k)
    result = compare(
        {"one": co, "k times": big},
        asset_prices={"BTC": price},
        share_prices={"one": share, "k times": share},
    )
    a, b = result["one"], result["k times"]
    for field in _SIZE_FREE:
        assert _close(getattr(a, field), getattr(b, field), rel=1e-9), field
    assert b.nav == pytest.approx(k * a.nav, rel=1e-9, abs=1e-6)
    np.testing.assert_allclose(
        result.shock_nav_per_share[0], result.shock_nav_per_share[1], rtol=1e-9, atol=1e-9
    )


# --- the result protocol ------------------------------------------------------------------


def test_result_protocol() -> None:
    result = compare(_all())
    text = repr(result)
    lines = text.splitlines()
    assert len(lines) <= 25  # one screen
    assert max(len(line) for line in lines) <= 100
    shown = [co.name for co in _all() if co.name in lines[1]]  # as many as fit, in order
    assert shown == [co.name for co in _all()][: len(shown)]
    assert len(shown) >= 2
    assert f"{len(_all()) - len(shown)} more companies" in lines[-1]
    html_text = result._repr_html_()
    assert html_text.startswith("<table>")
    assert html_text.count("<tr>") == len(result.table())
    d = result.to_dict()
    assert all(len(v) == len(_all()) for v in d.values())
    assert d["mnav"].dtype == np.float64
    assert math.isnan(d["mnav"][ALL.index("sbet-2025-10")])  # no share price in its file
    assert d["as_of"].dtype == np.dtype("datetime64[D]")
    assert d["margin_call_price"][0] == pytest.approx(3_561.84, abs=0.01)
    frame = result.to_frame()
    assert frame.index.tolist() == list(result.labels)
    assert frame.loc["Strategy", "wall_price_all"] == pytest.approx(8_243.75e6 / 713_502)
    with pytest.raises(ValidationError, match="label"):
        result["nobody"]


def test_html_escapes_labels() -> None:
    result = compare({"<b>x</b>": datasets.load("sbet-2025-10")})
    assert "<b>" not in result._repr_html_()
    assert "&lt;b&gt;" in result._repr_html_()


# --- bad input ------------------------------------------------------------------------------


def _bare(**kw: Any) -> Company:
    return Company(
        name="Bare",
        as_of=dt.date(2026, 1, 1),
        holdings=Holdings(units=10),
        shares_basic=1e6,
        instruments=[Note(name="n", principal=1e5, maturity=dt.date(2027, 1, 1))],
        **kw,
    )


_loose: Any = compare  # bad input on purpose: no type checking of the arguments


@pytest.mark.parametrize(
    ("call", "field", "value"),
    [
        (lambda: _loose([]), "companies", []),
        (lambda: _loose({}), "companies", {}),
        (lambda: _loose("mstr-2026-02"), "companies", "mstr-2026-02"),
        (lambda: _loose(datasets.load("sbet-2025-10")), "companies", None),
        (lambda: _loose([datasets.load("sbet-2025-10"), "x"]), "companies[1]", "x"),
        (
            lambda: _loose([datasets.load("sbet-2025-10")] * 2),
            "companies[1].name",
            "SharpLink Gaming",
        ),
        (lambda: _loose({"a": 1}), "companies['a']", 1),
        (
            lambda: _loose(_all(), asset_prices={"XRP": 1.0}),
            "asset_prices",
            "XRP",
        ),
        (
            lambda: _loose(_all(), asset_prices={"BTC": -1.0}),
            "asset_prices['BTC']",
            -1.0,
        ),
        (lambda: _loose(_all(), asset_prices={"BTC": 0.0}), "asset_prices['BTC']", 0.0),
        (lambda: _loose(_all(), asset_prices={"ETH": "1"}), "asset_prices['ETH']", "1"),
        (lambda: _loose(_all(), asset_prices=[1.0]), "asset_prices", [1.0]),
        (lambda: _loose(_all(), share_prices={"Nobody": 1.0}), "share_prices", "Nobody"),
        (
            lambda: _loose(_all(), share_prices={"Strategy": math.nan}),
            "share_prices['Strategy']",
            None,
        ),
        (lambda: _loose(_all(), shocks=[-0.5, -1.5]), "shocks[1]", -1.5),
        (lambda: _loose(_all(), shocks=[]), "shocks", []),
        (lambda: _loose(_all(), shocks="big"), "shocks", "big"),
        (lambda: _loose(_all(), years=0), "years", 0),
        (lambda: _loose(_all(), years=0.3), "years", 0.3),
        (lambda: _loose(_all(), springing="never"), "springing", "never"),
        (lambda: _loose(_all(), puts=1), "puts", 1),
        (lambda: _loose([_bare()]), "asset_prices", None),
        (
            # a valid company as of 9990 (no debt: debt due by then would be refused),
            # whose 20-year horizon reaches past the year 9999
            lambda: _loose(
                [attrs.evolve(_bare(), as_of=dt.date(9990, 1, 1), instruments=[])], years=20
            ),
            "years",
            20,
        ),
    ],
)
def test_bad_input_names_the_argument(call: Any, field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        call()
    assert info.value.field == field
    if value is not None:
        assert info.value.value == value


def test_a_company_without_a_price_is_fine_once_one_is_given() -> None:
    row = compare([_bare(market=Market(share_price=2.0))], asset_prices={"BTC": 10_000.0})["Bare"]
    assert row.mnav == pytest.approx((2e6 + 1e5) / 1e5)  # (cap + debt) / reserve


# --- the command ----------------------------------------------------------------------------


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_cli_json_has_every_company() -> None:
    code, out, _ = _run("compare", *ALL, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert [c["label"] for c in doc["companies"]] == list(ALL)
    assert {c["company"] for c in doc["companies"]} == {co.name for co in _all()}
    assert doc["shocks"][0] == -0.8
    assert len(doc["companies"][0]["nav_per_share_shocked"]) == 8
    sbet = doc["companies"][ALL.index("sbet-2025-10")]
    assert sbet["mnav"] is None
    assert sbet["cash_months_of_coverage"] == "inf"
    mstr = doc["companies"][ALL.index("mstr-2022q2")]
    assert mstr["margin_call_price"] == pytest.approx(410e6 / 115_109)
    # The common's BTC Rating at $164: ($2,566.09M - $2,416M) / (11.3M x $164) = 0.0810.
    assert mstr["common_rating"] == pytest.approx((2_566_094_715 - 2_416e6) / (11.3e6 * 164))
    assert sbet["common_rating"] is None


def test_cli_csv_has_one_row_per_company() -> None:
    code, out, _ = _run(
        "compare", *ALL, "--format", "csv", "--asset-price", "BTC=50,000", "--shocks=-0.5,0"
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["label"] for r in rows] == list(ALL)
    assert {r["asset_price"] for r in rows if r["asset"] == "BTC"} == {"50000.0"}
    assert rows[ALL.index("sbet-2025-10")]["mnav"] == ""
    assert float(rows[0]["nav_per_share_-50%"]) < float(rows[0]["nav_per_share_+0%"])


def test_cli_table_has_every_company() -> None:
    code, out, _ = _run("compare", *ALL)
    assert code == 0
    lines = out.splitlines()
    assert all(name in lines[1] for name in ALL)
    assert all(co.name in lines[2] for co in _all())
    assert any(line.startswith("wall price (all debt)") for line in lines)
    common = next(line for line in lines if line.startswith("common's rating"))
    # 2022, 2026, Metaplanet, SBET, XXI; Metaplanet's (the junior claim is the common's):
    # (reserve 420,733.95M - debt 35,880M yen) / market cap 1,142M x 365 yen = 0.9233
    assert common.split()[2:] == ["0.081", "0.841", "0.923", "-", "-"]


def test_cli_reads_files(tmp_path: Any) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(datasets.text("xxi-2026-01"), encoding="utf-8")
    code, out, _ = _run(
        "compare", "mstr-2026-02", str(path), "--share-price", f"{path}=12.5", "--format", "json"
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["companies"][1]["share_price"] == 12.5


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["compare", "mstr-2026-02", "--asset-price", "XRP=1"], 1, "--asset-price"),
        (["compare", "mstr-2026-02", "mstr-2026-02"], 1, "given twice"),
        (["compare", "no-such-set"], 1, "no-such-set"),
        (["compare", "mstr-2026-02", "--share-price", "x=1"], 1, "--share-price"),
        (["compare", "mstr-2026-02", "--shocks=-3"], 1, "--shocks[0]"),
        (["compare", "mstr-2026-02", "--years", "0.1"], 1, "--years"),
        (["compare", "mstr-2026-02", "--asset-price", "BTC"], 2, "KEY=PRICE"),
        (["compare", "mstr-2026-02", "--asset-price", "BTC=-1"], 2, "--asset-price"),
        (["compare"], 2, "DATASET|FILE"),
        # Finite but absurd: the reserve or market cap would overflow (it used to print
        # numpy overflow warnings and name "asset_price[7]", a shocked price).
        (["compare", "mstr-2026-02", "--asset-price", "BTC=1e308"], 1, "--asset-price"),
        (["compare", "mstr-2026-02", "--share-price", "mstr-2026-02=1e308"], 1, "--share-price"),
    ],
)
def test_cli_bad_input(argv: list[str], code: int, message: str) -> None:
    got, out, err = _run(*argv)
    assert got == code
    assert out == ""
    assert message in err
    assert "Traceback" not in err
    if code == 1:
        assert len(err.splitlines()) == 1, err


def test_comparison_type_is_public() -> None:
    assert isinstance(compare(_all()), Comparison)


def test_common_rating_only_with_a_share_price() -> None:
    # SharpLink's file states no share price: no rating for its common until one is given.
    # With $10 a share: ETH reserve 859,853 x $4,028 over the market cap (no debt, no
    # preferred), the same reserve / market cap as 1 / mNAV on market cap.
    co = datasets.load("sbet-2025-10")
    assert compare([co])["SharpLink Gaming"].common_rating is None
    row = compare([co], share_prices={"SharpLink Gaming": 10.0})["SharpLink Gaming"]
    assert row.common_rating == pytest.approx(859_853 * 4_028.0 / (co.shares_basic * 10.0))
    assert row.mnav_simple is not None
    assert row.common_rating == pytest.approx(1.0 / row.mnav_simple, rel=1e-12)
    table = {line[0]: line[1:] for line in compare([co]).table()}
    assert table["common's rating"] == ["-"]


def test_html_has_full_names_and_indents_the_lines_that_belong_to_the_one_above() -> None:
    result = compare([datasets.load("xxi-2026-01")])
    name = "1.00% convertible senior secured notes due 2030"  # from the data set xxi-2026-01
    assert result["Twenty One Capital"].junior_security == name
    assert name not in repr(result)  # the text table cuts it to 20 characters
    page = result._repr_html_()
    assert f">{name}</td>" in page
    assert '<th style="text-align:left;padding-left:1.5em;">its rating</th>' in page
    assert '<th style="text-align:left;">junior security</th>' in page


def test_shocks_are_bounded_and_a_shocked_price_must_stay_a_float() -> None:
    # Shocks run from -1 (a fall of 100%) to 100 (a rise of 10,000%, a 101-fold price).
    co = datasets.load("mstr-2022q2")
    assert compare([co], shocks=[-1.0, 100.0]).shocks.tolist() == [-1.0, 100.0]
    with pytest.raises(ValidationError) as info:
        compare([co], shocks=[0.0, 100.5])
    assert (info.value.field, info.value.value) == ("shocks[1]", 100.5)
    # $1e307 x 101 = 1.01e309 is beyond the largest double (1.797e308): the asset price is
    # named (it is finite alone; the shock takes it out of range).
    with pytest.raises(ValidationError) as info:
        compare([co], asset_prices={"BTC": 1e307}, shocks=[0.0, 100.0])
    assert info.value.field == "asset_prices"
