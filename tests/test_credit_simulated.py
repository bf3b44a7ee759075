"""Tests of the simulated credit view: treasurymodel.credit.simulated_credit(_paths),
liquidation_waterfall, credit_table(simulated=...) and ``treasurymodel credit --simulate``.

A hand-worked crash (every figure derived below from the stated inputs), hypothesis
properties of the waterfall (bounds, conservation, seniority) and of the simulated view (zero
loss where the reserve covers a claim on every path, monotonicity in horizon and in
juniority, independence of chunking), and the result protocol.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from treasurymodel import (
    GBM,
    Company,
    Holdings,
    Note,
    PreferredStock,
    ValidationError,
    credit_table,
    datasets,
    simulate,
)
from treasurymodel.cli import main
from treasurymodel.credit import (
    SimulatedCredit,
    liquidation_waterfall,
    simulated_credit,
    simulated_credit_paths,
)
from treasurymodel.simulation import FundingPolicy, ImpactModel

M = 1e6
AS_OF = dt.date(2026, 1, 1)
# steps: 1 Jan, 1 Apr (after the 31 March dividend), 20 May (after note A's maturity on
# 15 May), 15 Jul, 1 Oct, 1 Jan 2027: 0, 90, 139, 195, 273 and 365 days
DATES = [
    AS_OF,
    dt.date(2026, 4, 1),
    dt.date(2026, 5, 20),
    dt.date(2026, 7, 15),
    dt.date(2026, 10, 1),
    dt.date(2027, 1, 1),
]
NO_SALES = FundingPolicy(issue_equity=False, sell_asset=False)


def _crash_company(*, cash: float = 5 * M) -> Company:
    """1,000 coins, $5M cash; note A $20M due 15 May 2026, note B $30M due 2028 (no coupons);
    a cumulative 10% preferred P of $10M paying quarterly (no step-up)."""
    return Company(
        name="Crash",
        as_of=AS_OF,
        holdings=Holdings(units=1_000),
        shares_basic=1e6,
        cash=cash,
        instruments=[
            Note(name="A", principal=20 * M, maturity=dt.date(2026, 5, 15)),
            Note(name="B", principal=30 * M, maturity=dt.date(2028, 1, 1)),
            PreferredStock(name="P", notional=10 * M, rate=0.10, frequency=4, cumulative=True),
        ],
    )


CRASH = np.array([50_000.0] + [20_000.0] * 5)


# --- a hand-worked crash -----------------------------------------------------------------------


def test_hand_worked_crash_without_coin_sales() -> None:
    # By hand: 31 March (step 1) P is paid 10M x 10% / 4 = 0.25M from cash (5M -> 4.75M).
    # 20 May (step 2): A's 20M is due; the policy neither sells shares nor coins, so the
    # 4.75M of cash pays 4.75M and the company defaults with A owed 15.25M, B 30M, P 10M.
    # Liquidation: 1,000 coins at 20,000 = 20M (no impact), cash 0. Debt ranks as one
    # class: A gets 20 x 15.25 / 45.25 = 6.740331M, B 20 x 30 / 45.25 = 13.259669M; P 0.
    sc = simulated_credit_paths(
        _crash_company(), prices=CRASH, dates=DATES, policy=NO_SALES, horizons=[0.25, 1.0]
    )
    assert sc.security == ("A", "B", "P")
    assert sc.kind == ("debt", "debt", "preferred")
    assert sc.rank.tolist() == [1, 1, 2]
    assert sc.available.tolist() == [20 * M]
    np.testing.assert_allclose(sc.claim[0], [15.25 * M, 30 * M, 10 * M], rtol=1e-12)
    np.testing.assert_allclose(
        sc.recovery[0], [20 * 15.25 / 45.25 * M, 20 * 30 / 45.25 * M, 0.0], rtol=1e-12
    )
    loss_a = (15.25 - 20 * 15.25 / 45.25) / 20  # 0.425483...
    loss_b = (30 - 20 * 30 / 45.25) / 30  # 0.558011...
    np.testing.assert_allclose(sc.expected_loss, [loss_a, loss_b, 1.0], rtol=1e-12)
    # impaired on step 2 (139 days): not by 0.25y (91 days), by 1y
    assert sc.impaired_step[0].tolist() == [2, 2, 2]
    assert sc.impairment.tolist() == [[0.0, 1.0]] * 3
    assert sc.default_probability.tolist() == [0.0, 1.0]
    np.testing.assert_allclose(sc.expected_loss_by_horizon[:, 0], 0.0)
    np.testing.assert_allclose(sc.expected_loss_by_horizon[:, 1], sc.expected_loss)


def test_hand_worked_crash_seniority_override_and_discounting() -> None:
    # Same crash, B senior to A, losses discounted at 5% over 139 days: the 20M raised is
    # less than B's 30M, so B takes all of it (loses 10/30) and A and P nothing (A loses
    # 15.25/20, P all of its 10M).
    sc = simulated_credit_paths(
        _crash_company(),
        prices=CRASH,
        dates=DATES,
        policy=NO_SALES,
        seniority=["B", "A", "P"],
        discount_rate=0.05,
    )
    assert sc.security == ("B", "A", "P")
    df = math.exp(-0.05 * 139 / 365.25)
    np.testing.assert_allclose(sc.recovery[0], [20 * M, 0.0, 0.0], rtol=1e-12)
    np.testing.assert_allclose(
        sc.expected_loss, [10 / 30 * df, 15.25 / 20 * df, 1.0 * df], rtol=1e-12
    )


def test_hand_worked_crash_with_impact_and_recovery_for_the_preferred() -> None:
    # Coins sold with square-root impact a = c / sqrt(V) = 0.03 / 30 = 0.001: the 1,000
    # coins raise 1,000 x 20,000 / (1 + 0.001 x sqrt(1,000)) = 19.386938M. With $40M of
    # cash, A is paid in full on 20 May and nothing defaults: no impairment, no loss.
    # With $5M and the price at 50,000 from step 2 on: 50M / 1.0316228 = 48.467345M covers
    # the 45.25M of debt; P gets the remaining 3.217345M of its 10M claim.
    impact = ImpactModel(daily_volume=900.0, coefficient=0.03)
    safe = simulated_credit_paths(
        _crash_company(cash=40 * M), prices=CRASH, dates=DATES, policy=NO_SALES, impact=impact
    )
    assert safe.expected_loss.tolist() == [0.0, 0.0, 0.0]
    assert safe.impairment[:, -1].tolist() == [0.0, 0.0, 0.0]
    prices = np.array([50_000.0, 20_000.0] + [50_000.0] * 4)
    sc = simulated_credit_paths(
        _crash_company(), prices=prices, dates=DATES, policy=NO_SALES, impact=impact
    )
    raised = 1_000 * 50_000.0 / (1.0 + 0.001 * math.sqrt(1_000))
    np.testing.assert_allclose(sc.available, [raised], rtol=1e-12)
    np.testing.assert_allclose(sc.recovery[0], [15.25 * M, 30 * M, raised - 45.25 * M], rtol=1e-12)
    np.testing.assert_allclose(
        sc.expected_loss, [0.0, 0.0, (10 * M - (raised - 45.25 * M)) / (10 * M)], atol=1e-12
    )
    # the debt is impaired (the company defaulted while it was outstanding) yet loses nothing
    assert sc.impairment[:, -1].tolist() == [1.0, 1.0, 1.0]


def test_missed_dividend_is_an_impairment_without_default() -> None:
    # No cash and no sources: P's 31 March dividend is missed (cumulative, arrears), no debt
    # is due before 2028, so nothing defaults within the year: P impaired on step 1 only.
    co = _crash_company(cash=0.0)
    co = Company(
        name=co.name,
        as_of=co.as_of,
        holdings=co.holdings,
        shares_basic=co.shares_basic,
        cash=0.0,
        instruments=[i for i in co.instruments if i.name != "A"],
    )
    sc = simulated_credit_paths(co, prices=CRASH, dates=DATES, policy=NO_SALES)
    assert sc.security == ("B", "P")
    assert sc.impaired_step[0].tolist() == [-1, 1]
    assert sc.default_probability.tolist() == [0.0]
    assert sc.expected_loss.tolist() == [0.0, 0.0]


def test_deferral_by_policy_is_an_impairment() -> None:
    # Plenty of cash, but the policy defers cumulative dividends below an mNAV of 1.5 (the
    # default premium is an mNAV of 1): P is impaired on its first dividend date.
    co = _crash_company(cash=100 * M)
    policy = FundingPolicy(issue_equity=False, sell_asset=False, defer_cumulative_below_mnav=1.5)
    sc = simulated_credit_paths(co, prices=CRASH, dates=DATES, policy=policy)
    assert sc.impaired_step[0].tolist() == [-1, -1, 1]


# --- the waterfall -----------------------------------------------------------------------------

claims_st = st.lists(
    st.floats(min_value=0.0, max_value=1e9, allow_nan=False), min_size=1, max_size=6
)


@given(
    claims=claims_st,
    data=st.data(),
    available=st.floats(min_value=0.0, max_value=5e9, allow_nan=False),
)
def test_waterfall_bounds_conservation_and_seniority(
    claims: list[float], data: Any, available: float
) -> None:
    rank = data.draw(st.lists(st.integers(1, 4), min_size=len(claims), max_size=len(claims)))
    paid = liquidation_waterfall(available, claims, rank=rank)
    owed = np.array(claims)
    assert np.all(paid >= 0.0)
    assert np.all(paid <= owed)
    # recoveries sum to what was raised, up to the claims
    assert math.isclose(paid.sum(), min(available, owed.sum()), rel_tol=1e-9, abs_tol=1e-6)
    # a junior claim receives something only once every more senior claim is paid in full
    r = np.array(rank)
    for i in range(len(claims)):
        if paid[i] > 0.0:
            senior = r < r[i]
            assert np.all(paid[senior] == owed[senior])
    # within a tier, pro rata
    for tier in set(rank):
        rows = np.flatnonzero(r == tier)
        if owed[rows].sum() > 0.0:
            shares = paid[rows] / np.where(owed[rows] > 0.0, owed[rows], 1.0)
            live = owed[rows] > 0.0
            assert np.ptp(shares[live]) <= 1e-9


def test_waterfall_vectorized_over_paths_matches_one_path_at_a_time() -> None:
    rng = np.random.default_rng(5)
    claims = rng.uniform(0, 10, size=(4, 50))
    available = rng.uniform(0, 40, size=50)
    rank = [1, 2, 2, 3]
    whole = liquidation_waterfall(available, claims, rank=rank)
    for p in range(50):
        one = liquidation_waterfall(available[p], claims[:, p], rank=rank)
        np.testing.assert_array_equal(whole[:, p], one)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"available": -1.0, "claims": [1.0]}, "available"),
        ({"available": math.nan, "claims": [1.0]}, "available"),
        ({"available": 1.0, "claims": [-1.0]}, "claims"),
        ({"available": 1.0, "claims": [[[1.0]]]}, "claims"),
        ({"available": 1.0, "claims": ["x"]}, "claims"),
        ({"available": 1.0, "claims": [1.0, 2.0], "rank": [1]}, "rank"),
        ({"available": 1.0, "claims": [1.0], "rank": [1.5]}, "rank"),
        ({"available": [1.0, 2.0, 3.0], "claims": [[1.0, 2.0]]}, "available"),
    ],
)
def test_waterfall_bad_input(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        liquidation_waterfall(**kwargs)
    assert info.value.field == field


# --- properties of the simulated view -------------------------------------------------------


@given(seed=st.integers(0, 2**31))
def test_zero_loss_for_a_claim_the_reserve_covers_on_every_path(seed: int) -> None:
    # A senior note of $1M ahead of a $30M note falling due with no cash: every path
    # defaults, and 1,000 coins at no less than $5,000 always raise more than $1M.
    co = Company(
        name="Covered",
        as_of=AS_OF,
        holdings=Holdings(units=1_000),
        shares_basic=1e6,
        instruments=[
            Note(name="S", principal=1 * M, maturity=dt.date(2029, 1, 1)),
            Note(name="J", principal=30 * M, maturity=dt.date(2026, 5, 15)),
        ],
    )
    rng = np.random.default_rng(seed)
    prices = rng.uniform(5_000.0, 100_000.0, size=(40, len(DATES)))
    sc = simulated_credit_paths(
        co, prices=prices, dates=DATES, policy=NO_SALES, seniority=["S", "J"]
    )
    assert sc.default_probability[-1] == 1.0
    assert sc.impairment[0, -1] == 1.0  # impaired: the company defaulted
    assert sc.expected_loss[0] == 0.0  # but never loses
    assert np.all(sc.loss[:, 0] == 0.0)
    # the junior note gets exactly what is left, and the two sum to what was raised
    np.testing.assert_allclose(
        sc.recovery.sum(axis=1), np.minimum(sc.available, sc.claim.sum(axis=1)), rtol=1e-12
    )


@pytest.fixture(scope="module")
def mstr_run() -> SimulatedCredit:
    co = datasets.load("mstr-2026-02")
    return simulated_credit(
        co, model=GBM(asset_price=68_141.0, volatility=0.7), years=4, paths=1_500, seed=11
    )


def test_monte_carlo_result_is_that_of_simulate(mstr_run: SimulatedCredit) -> None:
    co = datasets.load("mstr-2026-02")
    plain = simulate(
        co,
        model=GBM(asset_price=68_141.0, volatility=0.7),
        years=4,
        paths=1_500,
        seed=11,
        keep_paths=True,
    )
    np.testing.assert_array_equal(plain.default_time, mstr_run.result.default_time)
    np.testing.assert_array_equal(plain.final_units, mstr_run.result.final_units)
    assert 0.0 < mstr_run.default_probability[-1] < 1.0  # the properties below are not void


def test_impairment_non_decreasing_in_horizon(mstr_run: SimulatedCredit) -> None:
    assert mstr_run.horizons.tolist() == [1.0, 2.0, 3.0, 4.0]
    assert np.all(np.diff(mstr_run.impairment, axis=1) >= 0.0)
    assert np.all(np.diff(mstr_run.expected_loss_by_horizon, axis=1) >= 0.0)
    assert np.all(np.diff(mstr_run.default_probability) >= 0.0)
    np.testing.assert_allclose(mstr_run.expected_loss_by_horizon[:, -1], mstr_run.expected_loss)


def test_preferred_at_least_as_impaired_as_debt_path_by_path(mstr_run: SimulatedCredit) -> None:
    # Debt is impaired only by the company's default; a preferred series is perpetual, so it
    # is outstanding at any default and impaired no later than the debt on every path.
    kinds = np.array(mstr_run.kind)
    steps = np.where(mstr_run.impaired_step < 0, np.iinfo(np.int64).max, mstr_run.impaired_step)
    first_debt = steps[:, kinds == "debt"].min(axis=1)
    for j in np.flatnonzero(kinds == "preferred"):
        assert np.all(steps[:, j] <= first_debt)
    imp = mstr_run.impairment
    assert np.all(imp[kinds == "preferred"].min(axis=0) >= imp[kinds == "debt"].max(axis=0))


def test_junior_series_with_the_same_dates_impaired_no_later() -> None:
    # Two quarterly cumulative series, S1 senior to S2, paid from cash and then coin sales:
    # whatever is left unpaid falls on the junior series first, so on every path S2 is
    # impaired no later than S1 (and so at least as often by every horizon).
    co = Company(
        name="Two series",
        as_of=AS_OF,
        holdings=Holdings(units=300),
        shares_basic=1e6,
        cash=1 * M,
        instruments=[
            Note(name="N", principal=5 * M, maturity=dt.date(2027, 6, 1)),
            PreferredStock(name="S1", notional=20 * M, rate=0.08, frequency=4, seniority=1),
            PreferredStock(name="S2", notional=20 * M, rate=0.10, frequency=4, seniority=2),
        ],
    )
    sc = simulated_credit(
        co,
        model=GBM(asset_price=30_000.0, volatility=0.9),
        years=2,
        paths=600,
        seed=3,
        policy=FundingPolicy(issue_equity=False),
    )
    s1, s2 = sc.security.index("S1"), sc.security.index("S2")
    never = np.iinfo(np.int64).max
    st1 = np.where(sc.impaired_step[:, s1] < 0, never, sc.impaired_step[:, s1])
    st2 = np.where(sc.impaired_step[:, s2] < 0, never, sc.impaired_step[:, s2])
    assert np.all(st2 <= st1)
    assert np.all(sc.impairment[s2] >= sc.impairment[s1])
    assert 0.0 < sc.impairment[s1, -1] < sc.impairment[s2, -1]  # not void


def test_recoveries_never_exceed_what_the_liquidation_raised(mstr_run: SimulatedCredit) -> None:
    total = mstr_run.recovery.sum(axis=1)
    assert np.all(total <= mstr_run.available * (1 + 1e-12))
    assert np.all(mstr_run.recovery <= mstr_run.claim)
    assert np.all(mstr_run.recovery[~mstr_run.result.default] == 0.0)


def test_chunking_does_not_change_the_view() -> None:
    co = datasets.load("mstr-2026-02")
    kwargs: dict[str, Any] = {
        "model": GBM(asset_price=68_141.0, volatility=0.7),
        "years": 3,
        "seed": 2,
    }
    one = simulated_credit(co, paths=2_100, **kwargs)
    parts = simulated_credit(co, paths=2_100, chunk_size=1_024, **kwargs)
    np.testing.assert_array_equal(one.impaired_step, parts.impaired_step)
    np.testing.assert_array_equal(one.loss, parts.loss)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        pooled = simulated_credit(co, paths=2_100, chunk_size=1_024, executor=pool, **kwargs)
    np.testing.assert_array_equal(one.impaired_step, pooled.impaired_step)
    np.testing.assert_array_equal(one.loss, pooled.loss)
    np.testing.assert_array_equal(one.available, pooled.available)


# --- the result protocol, the table and bad input ----------------------------------------------


def test_result_protocol(mstr_run: SimulatedCredit) -> None:
    text = repr(mstr_run)
    assert len(text.splitlines()) == len(mstr_run) + 4  # title (two lines), header, footer
    assert "impaired 4y" in text
    assert "STRD" in text
    assert mstr_run._repr_html_().startswith("<table>")
    d = mstr_run.to_dict()
    assert all(isinstance(v, np.ndarray) and len(v) == len(mstr_run) for v in d.values())
    np.testing.assert_array_equal(d["impairment_2y"], mstr_run.impairment[:, 1])
    frame = mstr_run.to_frame()
    assert (
        frame.loc["STRF", "expected_loss"]
        == mstr_run.expected_loss[mstr_run.security.index("STRF")]
    )
    assert not mstr_run.expected_loss.flags.writeable


def test_credit_table_with_the_simulated_view(mstr_run: SimulatedCredit) -> None:
    co = datasets.load("mstr-2026-02")
    t = credit_table(co, asset_volatility=0.7, expected_return=0.0, simulated=mstr_run)
    assert t.columns()[-2:] == ("impairment", "expected_loss")
    np.testing.assert_array_equal(t.impairment, mstr_run.impairment[:, -1])
    assert (
        t.row("STRK")["expected_loss"] == mstr_run.expected_loss[mstr_run.security.index("STRK")]
    )
    assert "exp. loss" in repr(t)
    plain = credit_table(co, asset_volatility=0.7, expected_return=0.0)
    assert "impairment" not in plain.to_dict()
    with pytest.raises(ValidationError) as info:
        credit_table(
            co,
            asset_volatility=0.7,
            expected_return=0.0,
            simulated=mstr_run,
            seniority=[[i.name for i in co.debts], *[p.name for p in co.preferreds][::-1]],
        )
    assert info.value.field == "simulated"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"horizons": [0.0]}, "horizons[0]"),
        ({"horizons": [2.0]}, "horizons[0]"),
        ({"horizons": [math.nan]}, "horizons[0]"),
        ({"horizons": []}, "horizons"),
        ({"discount_rate": 1.5}, "discount_rate"),
        ({"seniority": ["A"]}, "seniority"),
    ],
)
def test_bad_input_paths(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        simulated_credit_paths(_crash_company(), prices=CRASH, dates=DATES, **kwargs)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"paths": 0}, "paths"),
        ({"seed": -1}, "seed"),
        ({"model": "gbm"}, "model"),
        ({"horizons": [5.0]}, "horizons[0]"),
        ({"policy": "cash"}, "policy"),
        ({"executor": concurrent.futures.ThreadPoolExecutor}, "executor"),
    ],
)
def test_bad_input_monte_carlo(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {
        "model": GBM(asset_price=50_000.0, volatility=0.5),
        "years": 1,
        "paths": 10,
        "seed": 1,
    }
    args.update(kwargs)
    with pytest.raises(ValidationError) as info:
        simulated_credit(_crash_company(), **args)
    assert info.value.field == field


# --- the command line --------------------------------------------------------------------------


def test_cli_simulate_table_json_csv(capsys: pytest.CaptureFixture[str]) -> None:
    base = [
        "credit",
        "mstr-2026-02",
        "--vol",
        "0.7",
        "--simulate",
        "--paths",
        "300",
        "--years",
        "2",
        "--seed",
        "4",
    ]
    assert main(base) == 0
    out = capsys.readouterr().out
    assert "impaired 2y" in out
    assert "expected loss" in out
    assert "Simulated: 300" in out
    assert main([*base, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["simulation"]["paths"] == 300
    assert {"impairment", "expected_loss"} <= set(doc["securities"][0])
    co = datasets.load("mstr-2026-02")
    sc = simulated_credit(
        co,
        model=GBM(asset_price=68_141.0, volatility=0.7),
        years=2,
        paths=300,
        seed=4,
        horizons=[2.0],
    )
    assert [r["expected_loss"] for r in doc["securities"]] == sc.expected_loss.tolist()
    assert main([*base, "--format", "csv"]) == 0
    header = capsys.readouterr().out.splitlines()[0].split(",")
    assert header[-2:] == ["impairment", "expected_loss"]


def test_cli_without_simulate_has_no_simulated_columns(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["credit", "mstr-2026-02", "--vol", "0.7", "--format", "csv"]) == 0
    assert "expected_loss" not in capsys.readouterr().out


def test_cli_bad_paths_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["credit", "mstr-2026-02", "--vol", "0.7", "--simulate", "--paths", "0"])
    assert info.value.code == 2
