"""Tests of the Monte Carlo driver (treasurymodel.simulate and its helpers).

Reproducibility is checked bit for bit (chunk sizes, executors, worker counts); the statistics
of simulated outcomes against closed forms derived here, within a stated number of standard
errors of the estimate.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import itertools
import json
import math
import sys
from collections.abc import Iterator
from statistics import NormalDist
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import treasurymodel as tm
from treasurymodel import (
    GBM,
    BlockBootstrap,
    Company,
    Holdings,
    MertonJumpDiffusion,
    Note,
    ValidationError,
    simulate,
)
from treasurymodel._typing import FloatArray
from treasurymodel.simulation import (
    CallablePremium,
    FundingPolicy,
    SimulationResult,
    montecarlo,
    simulate_paths,
    simulation_dates,
)
from treasurymodel.simulation.montecarlo import BLOCK_PATHS, price_paths

from . import strategies

Z_TOL = 5.0  # standard errors allowed in statistical checks (a false failure: < 1e-6)

AS_OF = dt.date(2026, 2, 1)


def _company_2026() -> Company:
    return tm.datasets.load("mstr-2026-02")


def _spot(company: Company) -> float:
    assert company.market is not None
    assert company.market.asset_price is not None
    return company.market.asset_price


def _single_note(principal: float, maturity: dt.date, units: float = 1_000.0) -> Company:
    return Company(
        name="One note",
        as_of=AS_OF,
        holdings=Holdings(units=units, cost_basis=50e6),
        shares_basic=1e6,
        cash=0.0,
        instruments=[Note(name="N", principal=principal, coupon=0.0, maturity=maturity)],
    )


def _small(**kwargs: Any) -> SimulationResult:
    """A small simulation of a one-note company (10 paths, 1 year), ``kwargs`` overriding."""
    args: dict[str, Any] = {
        "model": GBM(asset_price=60_000.0, volatility=0.5),
        "years": 1,
        "paths": 10,
        "seed": 1,
    }
    args.update(kwargs)
    res = simulate(_single_note(1e6, dt.date(2027, 1, 1)), keep_paths=True, **args)
    assert isinstance(res, SimulationResult)
    return res


@pytest.fixture(scope="module")
def pool() -> Iterator[concurrent.futures.ProcessPoolExecutor]:
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as executor:
        yield executor


# --- the calendar -----------------------------------------------------------------------------


@settings(max_examples=40)
@given(
    steps_per_year=st.integers(1, 365),
    years=st.floats(0.01, 12.0),
    as_of=st.dates(dt.date(2000, 1, 1), dt.date(2060, 1, 1)),
)
def test_dates_are_increasing_and_cover_the_horizon(
    steps_per_year: int, years: float, as_of: dt.date
) -> None:
    dates = simulation_dates(as_of, years=years, steps_per_year=steps_per_year)
    steps = math.ceil(years * steps_per_year - 1e-9)
    assert len(dates) == steps + 1
    assert dates[0] == as_of
    assert all(b > a for a, b in itertools.pairwise(dates))
    # step k is k * 365.25 / steps_per_year days after as_of, to the nearest day
    for k in (0, steps // 2, steps):
        exact = k * 365.25 / steps_per_year
        assert abs((dates[k] - as_of).days - exact) <= 0.5
    # the last date reaches the horizon (to within the half-day rounding)
    assert (dates[-1] - as_of).days >= years * 365.25 - 0.5


def test_weekly_dates_of_ten_years() -> None:
    dates = simulation_dates(AS_OF, years=10)
    assert len(dates) == 521
    # 52 weeks of 365.25/52 = 7.024 days: step 1 is 7 days, step 52 is 365 days (365.25 rounds
    # down), step 104 is 730.5 -> 731 days (halves round up), step 520 is 3652.5 -> 3653 days.
    assert dates[1] == dt.date(2026, 2, 8)
    assert dates[52] == dt.date(2027, 2, 1)
    assert dates[104] == dt.date(2028, 2, 2)
    assert dates[520] == AS_OF + dt.timedelta(days=3653)


# --- price paths and seeding ------------------------------------------------------------------


@settings(max_examples=20, deadline=None)
@given(
    size=st.integers(1, 2 * BLOCK_PATHS + 7),
    steps=st.integers(1, 70),
    seed=st.integers(0, 2**32),
)
def test_a_gbm_chunk_ending_inside_a_block_keeps_the_blocks_first_paths(
    size: int, steps: int, seed: int
) -> None:
    # The fast GBM path draws a block a slice of dates at a time and drops the paths past the
    # chunk's end: its prices must be the first paths of the whole run's, bit for bit, and
    # those of GBM.log_returns for each whole block (cumulated and exponentiated alike).
    model = GBM(asset_price=30.0, drift=0.1, volatility=0.8)
    total = 3 * BLOCK_PATHS
    whole = price_paths(model, seed=seed, start=0, size=total, total=total, steps=steps, dt=0.02)
    part = price_paths(model, seed=seed, start=0, size=size, total=total, steps=steps, dt=0.02)
    assert np.array_equal(part, whole[:size])
    children = np.random.SeedSequence(seed).spawn(3)
    for block in range(3):
        rng = np.random.Generator(np.random.PCG64(children[block]))
        r = model.log_returns(rng, paths=BLOCK_PATHS, steps=steps, dt=0.02)
        lo = block * BLOCK_PATHS
        np.testing.assert_allclose(
            np.log(whole[lo : lo + BLOCK_PATHS, 1:] / 30.0), np.cumsum(r, axis=1), atol=1e-12
        )


def test_price_paths_follow_the_documented_seeding() -> None:
    model = GBM(asset_price=100.0, drift=0.02, volatility=0.4)
    total, steps, dt_ = 2 * BLOCK_PATHS + 10, 6, 1 / 12
    prices = price_paths(model, seed=7, start=0, size=total, total=total, steps=steps, dt=dt_)
    assert prices.shape == (total, steps + 1)
    children = np.random.SeedSequence(7).spawn(3)  # block i uses the i-th spawned child
    for block, rows in ((0, BLOCK_PATHS), (1, BLOCK_PATHS), (2, 10)):
        rng = np.random.Generator(np.random.PCG64(children[block]))
        z = rng.standard_normal((steps, rows)).T  # a date at a time: date 1's of every path first
        log_returns = (0.02 - 0.5 * 0.4**2) * dt_ + 0.4 * math.sqrt(dt_) * z
        expected = 100.0 * np.exp(
            np.concatenate([np.zeros((rows, 1)), log_returns], axis=1).cumsum(axis=1)
        )
        lo = block * BLOCK_PATHS
        np.testing.assert_allclose(prices[lo : lo + rows], expected, rtol=1e-12)
    assert np.all(prices[:, 0] == 100.0)


@settings(max_examples=25)
@given(data=st.data(), total=st.integers(1, 5 * BLOCK_PATHS), seed=st.integers(0, 2**63))
def test_any_run_of_blocks_reproduces_the_same_paths(
    data: st.DataObject, total: int, seed: int
) -> None:
    model = MertonJumpDiffusion(
        asset_price=50.0, volatility=0.5, intensity=3.0, jump_mean=-0.1, jump_volatility=0.2
    )
    n_blocks = -(-total // BLOCK_PATHS)
    first = data.draw(st.integers(0, n_blocks - 1))
    last = data.draw(st.integers(first, n_blocks - 1))
    start = first * BLOCK_PATHS
    size = min((last + 1) * BLOCK_PATHS, total) - start
    kw: dict[str, Any] = {"seed": seed, "total": total, "steps": 3, "dt": 1 / 52}
    whole = price_paths(model, start=0, size=total, **kw)
    part = price_paths(model, start=start, size=size, **kw)
    np.testing.assert_array_equal(part, whole[start : start + size])


@attrs.frozen(kw_only=True)
class _BadModel:
    asset_price: float = 100.0
    value: float = float("nan")
    shape: tuple[int, int] | None = None

    def log_returns(
        self, rng: np.random.Generator, *, paths: int, steps: int, dt: float
    ) -> FloatArray:
        return np.full(self.shape or (paths, steps), self.value)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"start": 5}, "start"),
        ({"start": -BLOCK_PATHS}, "start"),
        ({"size": 9}, "size"),
        ({"size": 0}, "size"),
        ({"start": BLOCK_PATHS}, "start"),  # past the 8 paths: the start is wrong
        ({"total": 0}, "total"),
        ({"seed": -1}, "seed"),
        ({"steps": 0}, "steps"),
        ({"dt": -0.5}, "dt"),
        ({"model": object()}, "model"),
        ({"model": _BadModel(asset_price=-1.0)}, "model.asset_price"),
    ],
)
def test_price_paths_refuse_invalid_arguments(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {
        "model": GBM(asset_price=1.0, volatility=0.1),
        "seed": 0,
        "start": 0,
        "size": 8,
        "total": 8,
        "steps": 2,
        "dt": 0.5,
    }
    args.update(kwargs)
    model = args.pop("model")
    with pytest.raises(ValidationError) as info:
        price_paths(model, **args)
    assert info.value.field == field


@pytest.mark.parametrize(("step_return", "sign"), [(5.0, 1.0), (-5.0, -1.0)])
def test_a_path_leaving_the_price_range_is_named(step_return: float, sign: float) -> None:
    # Prices must stay in [1e-200, 1e200] = spot * e^(+-460.517) for spot 1: a path rising or
    # falling by 5 a step is at 5 * 92 = 460 after 92 steps and out at 5 * 93 = 465.
    model = BlockBootstrap(asset_price=1.0, returns=[step_return])
    kw: dict[str, Any] = {"seed": 0, "start": 0, "size": 3, "total": 3, "dt": 1 / 52}
    inside = price_paths(model, steps=92, **kw)
    assert inside[0, -1] == pytest.approx(math.exp(sign * 460.0), rel=1e-12)
    with pytest.raises(ValidationError, match=r"path 0 out of .* at step 93") as info:
        price_paths(model, steps=100, **kw)
    assert info.value.field == "model.log_returns"
    assert info.value.value == pytest.approx(sign * 465.0, rel=1e-12)


_MERTON_1000 = MertonJumpDiffusion(
    asset_price=1.0, volatility=0.0, intensity=1000.0, jump_mean=-1.0, jump_volatility=0.0
)


@pytest.mark.parametrize(
    ("model", "years", "field"),
    [
        # no volatility: S_T = e^(-10 T) stays above 1e-200 = e^-460.517 up to T = 46.05
        (GBM(asset_price=1.0, drift=-10.0, volatility=0.0), 46, None),
        (GBM(asset_price=1.0, drift=-10.0, volatility=0.0), 47, "GBM.drift"),
        # drift = sigma^2 / 2: the log price is sigma W_t, allowed 8 sd: 8 sqrt(T) <= 460.517
        # up to T = 3313.7 years
        (GBM(asset_price=1.0, drift=0.5, volatility=1.0), 3300, None),
        (GBM(asset_price=1.0, drift=0.5, volatility=1.0), 3320, "GBM.volatility"),
        # 1,000 jumps a year of log size -1 (kappa = e^-1 - 1): the log price drifts by
        # 1000 (-1 - kappa) = -367.9 a year with variance 1000 a year; at T = 1 it reaches
        # -367.9 - 8 sqrt(1000) = -620.9 < -460.5, at T = 0.5 only -183.9 - 8 sqrt(500) = -362.8
        (_MERTON_1000, 0.5, None),
        (_MERTON_1000, 1, "MertonJumpDiffusion.intensity"),
    ],
)
def test_models_are_checked_for_the_price_range_up_front(
    model: Any, years: float, field: str | None
) -> None:
    steps_per_year = 2 if isinstance(model, MertonJumpDiffusion) else 1
    steps = round(years * steps_per_year)
    kw: dict[str, Any] = {"seed": 0, "start": 0, "size": 1, "total": 1, "steps": steps}
    if field is None:
        prices = price_paths(model, dt=1 / steps_per_year, **kw)
        assert np.all((prices >= 1e-200) & (prices <= 1e200))
        return
    with pytest.raises(ValidationError, match=f"too large for a {years:,}-year horizon") as info:
        price_paths(model, dt=1 / steps_per_year, **kw)
    assert info.value.field == field


@settings(max_examples=30)
@given(
    log_spot=st.floats(-460.0, 460.0),
    drift=st.floats(-10.0, 10.0),
    volatility=st.floats(0.0, 10.0),
    steps=st.integers(1, 300),
    seed=st.integers(0, 2**32),
)
def test_gbm_paths_stay_in_range_or_are_refused_up_front(
    log_spot: float, drift: float, volatility: float, steps: int, seed: int
) -> None:
    model = GBM(asset_price=math.exp(log_spot), drift=drift, volatility=volatility)
    kw: dict[str, Any] = {"seed": seed, "start": 0, "size": 64, "total": 64, "dt": 1 / 12}
    refused: ValidationError | None = None
    try:
        prices = price_paths(model, steps=steps, **kw)
    except ValidationError as err:
        refused = err
    if refused is not None:
        # refused by a parameter, never by a drawn path; a longer horizon is refused too
        assert refused.field in ("GBM.drift", "GBM.volatility")
        with pytest.raises(ValidationError, match="too large for"):
            price_paths(model, steps=steps + 12, **kw)
        return
    assert np.all((prices >= 1e-200) & (prices <= 1e200))
    if steps > 1:  # a shorter horizon is accepted too
        assert price_paths(model, steps=steps - 1, **kw).shape == (64, steps)


@settings(max_examples=200)
@given(
    steps=st.integers(1, 600),
    low=st.floats(-2.0, 0.5),
    width=st.floats(0.0, 2.0),
    floor=st.floats(-700.0, -0.5),
    ceiling=st.floats(0.5, 700.0),
    seed=st.integers(0, 2**32),
)
def test_the_range_shortcut_never_passes_a_path_out_of_range(
    steps: int, low: float, width: float, floor: float, ceiling: float, seed: int
) -> None:
    # _inside lets _log_prices skip reading every log price when the smallest and largest
    # log returns drawn bound every running sum inside the range; it must never say "inside"
    # for returns whose running sums (as numpy adds them) leave it. The extreme returns are
    # on the paths, as the bounds would be.
    high = low + width
    rng = np.random.default_rng(seed)
    returns = rng.uniform(low, high, size=(steps, 8))
    returns[0, 0], returns[-1, 1] = low, high
    returns[:, 2], returns[:, 3] = low, high  # the paths that go furthest
    sums = np.cumsum(returns, axis=0)
    if montecarlo._inside(low, high, steps, floor, ceiling):
        assert floor <= sums.min()
        assert sums.max() <= ceiling
    assert not montecarlo._inside(float("nan"), high, steps, floor, ceiling)
    assert not montecarlo._inside(low, float("nan"), steps, floor, ceiling)


def test_a_model_returning_bad_returns_is_named() -> None:
    company = _single_note(1e6, dt.date(2027, 1, 1))
    for value in (float("nan"), float("-inf")):
        with pytest.raises(ValidationError, match="non-finite return on path 0") as info:
            simulate(company, model=_BadModel(value=value), years=1, paths=3, seed=1)
        assert info.value.field == "model.log_returns"
    with pytest.raises(ValidationError, match=r"shape \(3, 52\)"):
        simulate(company, model=_BadModel(value=0.0, shape=(2, 2)), years=1, paths=3, seed=1)


# --- reproducibility --------------------------------------------------------------------------


def _run_2026(**kwargs: Any) -> SimulationResult:
    company = _company_2026()
    kw: dict[str, Any] = {
        "model": GBM(asset_price=_spot(company), drift=0.0, volatility=0.8),
        "years": 3,
        "paths": 2 * BLOCK_PATHS + 300,
        "seed": 2026,
    }
    kw.update(kwargs)
    res = simulate(company, keep_paths=True, **kw)
    assert isinstance(res, SimulationResult)
    return res


def test_same_seed_same_result_for_every_chunk_size() -> None:
    reference = _run_2026()
    assert reference.paths == 2 * BLOCK_PATHS + 300
    assert 0.0 < reference.probability("forced_sale") < 1.0  # the paths differ in outcome
    for chunk_size in (1, BLOCK_PATHS, 1500, 10 * BLOCK_PATHS):
        assert _run_2026(chunk_size=chunk_size) == reference


def test_same_seed_same_result_serial_or_in_processes(
    pool: concurrent.futures.ProcessPoolExecutor,
) -> None:
    serial = _run_2026(chunk_size=BLOCK_PATHS)
    assert _run_2026(executor=pool) == serial
    assert _run_2026(executor=pool, chunk_size=2 * BLOCK_PATHS) == serial
    with concurrent.futures.ProcessPoolExecutor(max_workers=1) as one:
        assert _run_2026(executor=one) == serial


def test_same_seed_same_result_on_a_thread_pool() -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as threads:
        assert _run_2026(executor=threads, chunk_size=1) == _run_2026()


@settings(max_examples=12)
@given(
    company=strategies.companies(max_instruments=4),
    asset_price=strategies.asset_prices(),
    volatility=st.floats(0.0, 1.5),
    seed=st.integers(0, 2**32),
)
def test_any_company_chunked_equals_whole(
    company: Company, asset_price: float, volatility: float, seed: int
) -> None:
    kw: dict[str, Any] = {
        "model": GBM(asset_price=asset_price, drift=-0.2, volatility=volatility),
        "years": 2,
        "steps_per_year": 12,
        "paths": BLOCK_PATHS + 37,
        "seed": seed,
    }
    whole = simulate(company, **kw)
    assert simulate(company, chunk_size=1, **kw) == whole
    # each chunk is the scenario engine on that chunk's price paths
    prices = price_paths(kw["model"], seed=seed, start=0, size=kw["paths"], total=kw["paths"],
                         steps=24, dt=1 / 12)  # fmt: skip
    dates = simulation_dates(company.as_of, years=2, steps_per_year=12)
    assert simulate_paths(company, prices=prices, dates=dates) == whole


def test_different_seeds_differ() -> None:
    a, b = _run_2026(seed=1), _run_2026(seed=2)
    assert not np.array_equal(a.final_price, b.final_price)
    assert a != b


def test_recorded_histograms_do_not_depend_on_chunks() -> None:
    kw: dict[str, Any] = {"record": ("units", "nav_per_share"), "paths": BLOCK_PATHS + 50}
    whole = _run_2026(**kw)
    chunked = _run_2026(chunk_size=1, **kw)
    assert chunked == whole
    assert whole.histograms["units"].counts.sum(axis=1).tolist() == [BLOCK_PATHS + 50] * 157


def test_paths_are_a_prefix_of_more_paths() -> None:
    # Block i's paths do not depend on the total (for a full block), so the first paths of a
    # larger simulation are the paths of a smaller one.
    small = _run_2026(paths=BLOCK_PATHS)
    large = _run_2026(paths=3 * BLOCK_PATHS)
    np.testing.assert_array_equal(small.final_price, large.final_price[:BLOCK_PATHS])
    np.testing.assert_array_equal(small.units_sold, large.units_sold[:BLOCK_PATHS])


def test_bootstrap_paths_only_use_given_returns() -> None:
    returns = np.array([-0.2, -0.05, 0.0, 0.04, 0.1])
    model = BlockBootstrap(asset_price=60_000.0, returns=returns, block=2)
    prices = price_paths(model, seed=3, start=0, size=200, total=200, steps=30, dt=1 / 52)
    steps = np.diff(np.log(prices), axis=1)
    nearest = returns[np.abs(steps[..., None] - returns).argmin(axis=-1)]
    np.testing.assert_allclose(steps, nearest, atol=1e-9)


# --- agreement with the scenario engine and with closed forms ---------------------------------


def test_zero_volatility_equals_the_scenario_engine_on_the_deterministic_path() -> None:
    company = _company_2026()
    asset_price, drift, years = _spot(company), -0.6, 5
    model = GBM(asset_price=asset_price, drift=drift, volatility=0.0)
    result = simulate(company, model=model, years=years, paths=3, seed=11, keep_paths=True)
    # The deterministic path: S_k = S_0 exp(mu k / 52) on dates as_of + round(k * 7.024) days.
    k = np.arange(years * 52 + 1)
    path = asset_price * np.exp(drift * k / 52)
    dates = [company.as_of + dt.timedelta(days=math.floor(j * 365.25 / 52 + 0.5)) for j in k]
    expected = simulate_paths(company, prices=np.tile(path, (3, 1)), dates=dates)
    assert result.dates == expected.dates
    assert result.forced_sale.all()  # BTC at 5% of today in 5 years: sales are certain
    for name in tm.simulation.PATH_FIELDS:
        got, want = getattr(result, name), getattr(expected, name)
        if got.dtype == np.float64:
            np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-6, err_msg=name)
        else:
            np.testing.assert_array_equal(got, want, err_msg=name)


def test_default_probability_matches_the_lognormal_closed_form() -> None:
    # A company whose only resource is its coins and whose only obligation is one zero-coupon
    # note due on step 104 (2028-02-02, two model years): it defaults exactly when
    # units * S_T < principal, with P = N((ln(K / S_0) - (mu - s^2/2) T) / (s sqrt(T))),
    # K = principal / units.
    units, principal, asset_price, mu, sigma, years_to_due = (
        1_000.0,
        40e6,
        60_000.0,
        0.05,
        0.6,
        2.0,
    )
    company = _single_note(principal, dt.date(2028, 2, 2), units=units)
    paths = 20_000
    result = simulate(
        company,
        model=GBM(asset_price=asset_price, drift=mu, volatility=sigma),
        years=3,
        paths=paths,
        seed=99,
        policy=FundingPolicy(issue_equity=False),
        keep_paths=True,
    )
    d = (math.log(principal / units / asset_price) - (mu - 0.5 * sigma**2) * years_to_due) / (
        sigma * math.sqrt(years_to_due)
    )
    p = NormalDist().cdf(d)
    se = math.sqrt(p * (1 - p) / paths)
    assert abs(result.probability("default") - p) <= Z_TOL * se
    assert set(result.default_time[result.default].tolist()) == {104}
    assert result.probability("default", by=dt.date(2028, 2, 1)) == 0.0
    # every path sells coins at maturity (there is no cash), so a forced sale is certain
    assert result.probability("forced_sale") == 1.0
    # log(S_3 / S_0) ~ N((mu - s^2/2) 3, s^2 3): the final prices carry the model's moments
    log_final = np.log(result.final_price / asset_price)
    mean, var = (mu - 0.5 * sigma**2) * 3.0, sigma**2 * 3.0
    assert abs(log_final.mean() - mean) <= Z_TOL * math.sqrt(var / paths)
    assert abs(log_final.var(ddof=1) - var) <= Z_TOL * var * math.sqrt(2 / (paths - 1))


# --- progress ---------------------------------------------------------------------------------


@pytest.mark.parametrize("threads", [0, 2])
def test_progress_bar_counts_every_path(capsys: pytest.CaptureFixture[str], threads: int) -> None:
    pytest.importorskip("tqdm")
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(threads, 1)) as pool:
        result = _small(
            paths=BLOCK_PATHS + 1,
            chunk_size=BLOCK_PATHS,
            progress=True,
            executor=pool if threads else None,
        )
    err = capsys.readouterr().err
    assert "simulate" in err
    assert "1.02k/1.02k" in err  # unit_scale: 1,025 paths
    assert result == _small(paths=BLOCK_PATHS + 1)  # the bar changes nothing


def test_progress_without_tqdm_is_refused_before_any_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(ValidationError, match=r"treasurymodel\[progress\]") as info:
        _small(progress=True)
    assert info.value.field == "progress"


# --- validation -------------------------------------------------------------------------------


def _module_level_premium(state: Any) -> float:
    return 1.0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"model": "GBM"}, "model"),
        ({"model": GBM(asset_price=1.0, volatility=0.1), "years": 0}, "years"),
        ({"years": float("nan")}, "years"),
        ({"years": -1.0}, "years"),
        ({"steps_per_year": 0}, "steps_per_year"),
        ({"steps_per_year": 366}, "steps_per_year"),
        ({"steps_per_year": 52.0}, "steps_per_year"),
        ({"paths": 0}, "paths"),
        ({"paths": 10.0}, "paths"),
        ({"seed": -1}, "seed"),
        ({"seed": None}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"chunk_size": 0}, "chunk_size"),
        ({"executor": object()}, "executor"),
        ({"progress": "yes"}, "progress"),
        ({"policy": "cautious"}, "policy"),
        ({"premium": 1.2}, "premium"),
        ({"impact": 0.01}, "impact"),
        ({"record": "units"}, "record"),
        ({"record": ("units", "mood")}, "record"),
        ({"record": None}, "record"),
        ({"progress": 1}, "progress"),
        ({"years": 1e6}, "years"),  # the grid would run past 9999-12-31
        ({"steps_per_year": True}, "steps_per_year"),
        ({"paths": 10**9 + 1}, "paths"),
        ({"seed": np.random.default_rng(1)}, "seed"),
        ({"executor": concurrent.futures.ThreadPoolExecutor}, "executor"),  # a class, no pool
        ({"model": GBM}, "model"),  # a class, not a model
        ({"model": _BadModel(asset_price=1e300, value=0.0)}, "model.asset_price"),
        # 8 sd below: 0.5 * 10^2 * 10 + 8 * 10 * sqrt(10) = 753 > ln(6e4 / 1e-200) = 471.5
        ({"model": GBM(asset_price=60_000.0, volatility=10.0), "years": 10}, "GBM.volatility"),
        # 60,000 * e^(-10 T) < 1e-200 once T > (ln 60,000 + 200 ln 10) / 10 = 47.15 years
        (
            {"model": GBM(asset_price=60_000.0, drift=-10.0, volatility=0.0), "years": 48},
            "GBM.drift",
        ),
        ({"record": ("units",), "record_edges": {"units": [3.0, 1.0]}}, "record_edges['units']"),
    ],
)
def test_invalid_arguments_are_refused_by_name(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        _small(**kwargs)
    assert info.value.field == field


def test_whole_numbers_may_be_numpy_integers() -> None:
    ref = _small(steps_per_year=12)
    assert _small(steps_per_year=np.int64(12), paths=np.int32(10), seed=np.uint8(1)) == ref


def test_a_shut_down_executor_is_refused() -> None:
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    pool.shutdown()
    with pytest.raises(ValidationError, match="refused the work") as info:
        _small(executor=pool)
    assert info.value.field == "executor"


@attrs.frozen(kw_only=True)
class _MustNotDraw:
    asset_price: float = 60_000.0

    def log_returns(
        self, rng: np.random.Generator, *, paths: int, steps: int, dt: float
    ) -> FloatArray:
        raise AssertionError("a path was drawn")


def test_record_edges_are_checked_before_any_path_is_drawn() -> None:
    with (
        concurrent.futures.ThreadPoolExecutor(max_workers=2) as threads,
        pytest.raises(ValidationError) as info,
    ):
        _small(
            model=_MustNotDraw(),
            executor=threads,
            record=("units",),
            record_edges={"units": [0.0, 2.0, 1.0]},
        )
    assert info.value.field == "record_edges['units']"


def test_the_grid_ends_by_the_last_date() -> None:
    # 52 weekly steps end round(52 * 365.25 / 52) = 365 days on: 9998-12-31 + 365 days is
    # 9999-12-31, the last date Python has; a day later does not fit.
    dates = simulation_dates(dt.date(9998, 12, 31), years=1)
    assert dates[-1] == dt.date(9999, 12, 31)
    with pytest.raises(ValidationError, match="runs past the last date") as info:
        simulation_dates(dt.date(9999, 1, 1), years=1)
    assert info.value.field == "years"


def test_a_company_is_required() -> None:
    with pytest.raises(ValidationError) as info:
        simulate("mstr", model=GBM(asset_price=1.0, volatility=0.1), years=1, paths=1, seed=1)  # type: ignore[arg-type]
    assert info.value.field == "company"


def test_unpicklable_inputs_are_refused_before_reaching_a_process_pool(
    pool: concurrent.futures.ProcessPoolExecutor,
) -> None:
    premium = CallablePremium(fn=lambda state: 1.0, uses_peak=False)
    with pytest.raises(ValidationError, match="not picklable") as info:
        _small(premium=premium, executor=pool)
    assert info.value.field == "premium"
    # a module-level function travels
    ok = CallablePremium(fn=_module_level_premium, uses_peak=False)
    assert _small(premium=ok, executor=pool).paths == 10


# --- Dask ---------------------------------------------------------------------------------------


@pytest.mark.distributed
def test_dask_distributed_executor_gives_the_same_result() -> None:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        result = _run_2026(executor=client.get_executor(), chunk_size=BLOCK_PATHS)
    assert result == _run_2026()


# --- the stress command -----------------------------------------------------------------------


def _stress(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from treasurymodel.cli import main

    code = main(["stress", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_stress_default_probability_by_year_matches_the_closed_form(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    # The one-note company of the closed-form test above, written to a file: the note of 40M
    # on 1,000 coins falls due on 2028-02-02 (step 104, two model years). With no share
    # issuance and no cash, P(default by year 2) = N((ln(K/S0) - (mu - s^2/2) T) / (s sqrt T)).
    company = _single_note(40e6, dt.date(2028, 2, 2))
    path = tmp_path / "one-note.toml"
    tm.dump(company, path)
    paths = 20_000
    code, out, err = _stress(
        capsys,
        str(path),
        "--vol", "0.6", "--drift", "0.05", "--asset-price", "60000", "--years", "3",
        "--paths", str(paths), "--seed", "5", "--no-equity", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)
    rows = doc["by_year"]
    assert [r["year"] for r in rows] == [1.0, 2.0, 3.0]
    assert [r["date"] for r in rows] == ["2027-02-01", "2028-02-02", "2029-02-01"]
    d = (math.log(40e6 / 1_000 / 60_000) - (0.05 - 0.5 * 0.6**2) * 2) / (0.6 * math.sqrt(2))
    p = NormalDist().cdf(d)
    assert rows[0]["default"] == 0.0
    assert abs(rows[1]["default"] - p) <= Z_TOL * math.sqrt(p * (1 - p) / paths)
    assert rows[2]["default"] == rows[1]["default"]  # nothing else falls due
    assert [r["forced_sale"] for r in rows] == [0.0, 1.0, 1.0]
    dist = doc["distributions"]
    # Paths that did not default sold exactly 40M worth of coins at S_T; the defaulted sold all.
    assert dist["units_sold"]["p95"] == pytest.approx(1_000.0)
    assert doc["simulation"]["paths"] == paths


def test_stress_table_is_reproducible_and_executor_independent(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = (
        "mstr-2022q2",
        "--vol",
        "0.7",
        "--paths",
        "3000",
        "--years",
        "2",
        "--asset-price",
        "20000",
    )
    code, serial, _ = _stress(capsys, *args)
    assert code == 0
    assert "Probability by year (cumulative)" in serial
    assert "NAV per share (USD)" in serial
    code, again, _ = _stress(capsys, *args)
    assert again == serial
    code, pooled, _ = _stress(capsys, *args, "--executor", "processes", "--workers", "2")
    assert code == 0
    assert pooled == serial
    code, other_seed, _ = _stress(capsys, *args, "--seed", "2")
    assert other_seed != serial


def test_stress_draws_a_fan_chart(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "fan.png"
    code, _, err = _stress(
        capsys, "mstr-2026-02", "--vol", "0.5", "--paths", "500", "--years", "1",
        "--plot", str(target),
    )  # fmt: skip
    assert code == 0, err
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"wrote {target}" in err


def test_stress_usage_and_input_errors(capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    with pytest.raises(SystemExit) as exit_info:
        _stress(capsys, "mstr-2026-02")  # --vol is required
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        _stress(capsys, "mstr-2026-02", "--vol", "0.5", "--plot", "fan.pdf")
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        _stress(capsys, "mstr-2026-02", "--vol", "-0.5")
    assert exit_info.value.code == 2
    # a company file without [market] prices needs --asset-price
    path = tmp_path / "no-market.toml"
    tm.dump(_single_note(1e6, dt.date(2027, 1, 1)), path)
    code, out, err = _stress(capsys, str(path), "--vol", "0.5")
    assert code == 1
    assert "--asset-price" in err
    assert out == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--vol", "1e10"], "argument --vol: must be at most 10, got '1e10'"),
        (["--vol", "0.5", "--drift", "1e10"], "argument --drift: must be at most 10"),
        (["--vol", "0.5", "--drift=-1e10"], "argument --drift: must be at least -10"),
        (
            ["--vol", "0.5", "--asset-price", "1e300"],
            "argument --asset-price: must lie between 1e-200 and",
        ),
        (["--vol", "5", "--years", "30"], "argument --vol: too large for a 30-year horizon"),
        (["--vol", "0.5", "--years", "1e6"], "argument --years: must be at most 10,000"),
        (["--vol", "0.5", "--years", "9000"], "argument --years: runs past the last date"),
        (["--vol", "0.5", "--paths", "2000000000"], "argument --paths: must be a whole number"),
    ],
)
def test_stress_names_the_option_of_a_bad_value(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    # One rule on the command line: a value out of its range is a usage error (exit 2) naming
    # the option, whether argparse or the library finds it; checked before any path is drawn
    # (no numpy warning, warnings are errors here), nothing on standard output.
    with pytest.raises(SystemExit) as info:
        _stress(capsys, "mstr-2026-02", *args)
    out, err = capsys.readouterr()
    assert info.value.code == 2
    assert err.splitlines()[-1].startswith(f"treasurymodel stress: error: {message}")
    assert err.startswith("usage: treasurymodel stress")
    assert out == ""


def test_stress_names_the_file_field_of_a_bad_asset_price(
    capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    base = _company_2026()  # its FX rates (for STRE) are market inputs, kept
    company = attrs.evolve(base, market=tm.Market(asset_price=1e-250, fx=base.fx))
    path = tmp_path / "tiny.toml"
    tm.dump(company, path)
    code, out, err = _stress(capsys, str(path), "--vol", "0.5")
    assert code == 1
    assert "[market] asset_price: must lie between 1e-200 and 1e+200, got 1e-250" in err
    assert out == ""


def test_stress_plot_without_matplotlib_fails_before_simulating(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, out, err = _stress(capsys, "mstr-2026-02", "--vol", "0.5", "--plot", "fan.png")
    assert code == 1
    assert "treasurymodel[plot]" in err
    assert out == ""  # nothing was simulated or printed
