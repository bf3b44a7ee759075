"""The engine's and the Monte Carlo driver's shortcuts for speed change no number.

* Histogram counts computed from the spacing of the edges (checked against the edges) equal
  those of a binary search (``numpy.searchsorted``), for any edges and values.
* A chunk's prices computed a date at a time (``LazyPrices``), in any order, equal the whole
  matrix of ``price_paths`` bit for bit.
* New common shares computed on the few paths where the accretion gate is open, and the
  first sale marked on the paths yet to sell, give the scalar reference engine's numbers
  (tests/_reference_engine.py) path by path.
* GBM's log returns drawn a slice of a block at a time, straight into the date-major matrix,
  equal those of ``GBM.log_returns`` drawn a block at a time (the plain route, which any
  other model takes) bit for bit; so do the prices kept on the steps the engine reads only,
  and the engine reads no other step.
* The share price at an mNAV of exactly 1 (no multiplication) and with debt plus preferred
  kept from step to step while they do not change equals the plain formula.
* Coins sold and dividends shared out on the few paths short of them equal the whole-array
  arithmetic bit for bit; zeros kept as scalars and sums started from their first term give
  the reference engine's numbers.
* Amounts that are 0 on every path kept as the number 0.0 (no debt left to serve, spent
  cash, a note repaid in full, zeros frozen by a default) and running totals added to in
  place give the reference engine's numbers.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import treasurymodel as tm
from tests._reference_engine import reference_path
from treasurymodel.simulation import engine
from treasurymodel.simulation.aggregates import _hist
from treasurymodel.simulation.montecarlo import (
    BLOCK_PATHS,
    _log_prices,
    _price_source,
    price_paths,
    simulation_dates,
)
from treasurymodel.simulation.premium import MIN_SHARE_PRICE
from treasurymodel.simulation.result import PATH_FIELDS
from treasurymodel.simulation.state import LazyPrices, _share_price, _zero


def _searchsorted_counts(values: Any, edges: Any) -> Any:
    """The definition: the bin of a value is the last edge at or below it, clipped."""
    idx = np.searchsorted(edges, values, side="right") - 1
    return np.bincount(np.clip(idx, 0, edges.size - 2), minlength=edges.size - 1)


_FINITE = st.floats(-1e12, 1e12, allow_nan=False)


@st.composite
def _edges(draw: st.DrawFn) -> Any:
    """Even edges (as numpy.linspace makes them, open outer bins or not) or uneven ones."""
    if draw(st.booleans()):
        lo = draw(_FINITE)
        width = draw(st.floats(1e-9, 1e9))
        inner = np.linspace(lo, lo + width, draw(st.integers(2, 500)))
        if draw(st.booleans()):
            return np.concatenate(([-np.inf], inner, [np.inf]))
        return inner
    raw = np.unique(np.array(draw(st.lists(_FINITE, min_size=2, max_size=30))))
    return raw if raw.size >= 2 else np.array([0.0, 1.0])


@given(edges=_edges(), extra=st.lists(st.floats(allow_nan=True, allow_infinity=True)))
def test_histogram_counts_equal_the_binary_search(edges: Any, extra: list[float]) -> None:
    finite = edges[np.isfinite(edges)]
    rng = np.random.default_rng(0)
    span = float(finite[-1] - finite[0]) or 1.0
    values = np.concatenate(
        (
            rng.uniform(finite[0] - 0.1 * span, finite[-1] + 0.1 * span, 300),
            finite,  # every edge, and the next float on either side
            np.nextafter(finite, -np.inf),
            np.nextafter(finite, np.inf),
            np.array([*extra, np.inf, -np.inf, np.nan, 0.0, -0.0]),
        )
    )
    got = _hist(values, edges)
    assert got.tolist() == _searchsorted_counts(values, edges).tolist()
    assert int(got.sum()) == values.size


@settings(max_examples=15)
@given(
    order=st.permutations(list(range(13))),
    volatility=st.floats(0.0, 2.0),
    seed=st.integers(0, 2**32),
)
def test_prices_computed_a_date_at_a_time_equal_the_whole_matrix(
    order: list[int], volatility: float, seed: int
) -> None:
    model = tm.GBM(asset_price=68_141.0, drift=0.1, volatility=volatility)
    kw: dict[str, Any] = {"seed": seed, "start": 1024, "size": 1100, "total": 3000}
    whole = price_paths(model, steps=12, dt=1 / 12, **kw)
    lazy = _price_source(model, steps=12, dt=1 / 12, **kw)
    assert isinstance(lazy, LazyPrices)
    assert lazy.shape == whole.shape
    for t in order[:7]:  # some dates first, in any order, some twice
        assert lazy[:, t].tobytes() == whole[:, t].tobytes()
        assert lazy[:, t].tobytes() == whole[:, t].tobytes()
    assert lazy.full().tobytes(order="F") == whole.tobytes(order="F")


@settings(max_examples=15)
@given(
    early=st.sets(st.integers(0, 156), max_size=40),
    case=st.sampled_from([(0.2, 0.1), (0.8, 0.1), (10.0, 10.0)]),
    seed=st.integers(0, 2**32),
)
def test_prices_computed_while_the_sum_passes_equal_the_whole_matrix(
    early: set[int], case: tuple[float, float], seed: int
) -> None:
    # The dates the engine surely reads get their prices while the running sum passes them;
    # they equal the whole matrix's bit for bit, and so do the dates left to LazyPrices.
    # At a volatility and a drift of 1,000% (the model passes its range check over 3 years)
    # weekly returns below -7 are drawn, and 156 of them could pass the 472 left below the
    # spot: the range is not settled before the sum, nothing is computed early and every log
    # price is checked after.
    volatility, drift = case
    model = tm.GBM(asset_price=68_141.0, drift=drift, volatility=volatility)
    kw: dict[str, Any] = {"seed": seed, "start": 1024, "size": 1100, "total": 3000}
    whole = price_paths(model, steps=156, dt=1 / 52, **kw)
    lazy = _price_source(model, steps=156, dt=1 / 52, early=frozenset(early), **kw)
    assert isinstance(lazy, LazyPrices)
    computed = {t for t in range(157) if lazy._done[t]}
    assert computed == (early if volatility < 1.0 else set())
    for t in range(157):
        assert lazy[:, t].tobytes() == whole[:, t].tobytes(), t
    assert lazy.full().tobytes(order="F") == whole.tobytes(order="F")


@settings(max_examples=15, deadline=None)
@given(
    only=st.sets(st.integers(1, 155), max_size=40),
    case=st.sampled_from([(0.2, 0.1), (0.8, -0.3), (10.0, 10.0)]),
    start_size=st.sampled_from([(0, 1), (1024, 1100), (0, 3000), (2048, 952)]),
    seed=st.integers(0, 2**32),
)
def test_prices_kept_on_some_steps_only_equal_the_whole_matrix(
    only: set[int], case: tuple[float, float], start_size: tuple[int, int], seed: int
) -> None:
    # A GBM's prices kept on the steps the engine reads only (summed through a scratch of a
    # few dates) equal those columns of the whole matrix bit for bit, for chunks that start
    # and end inside blocks or span several. At a volatility and a drift of 1,000% the range
    # cannot be settled from the returns' extremes: the whole matrix is built instead.
    volatility, drift = case
    model = tm.GBM(asset_price=68_141.0, drift=drift, volatility=volatility)
    start, size = start_size
    kw: dict[str, Any] = {"seed": seed, "start": start, "size": size, "total": 3000}
    whole = price_paths(model, steps=156, dt=1 / 52, **kw)
    kept = tuple(sorted(only | {0, 156}))
    lazy = _price_source(model, steps=156, dt=1 / 52, only=kept, **kw)
    assert isinstance(lazy, LazyPrices)
    assert lazy.shape == whole.shape
    assert lazy.log_price.shape[0] == (len(kept) if volatility < 1.0 else 157)
    for t in kept:
        assert lazy[:, t].tobytes() == whole[:, t].tobytes(), t


def test_the_engine_reads_only_the_steps_prices_read_lists(monkeypatch: Any) -> None:
    # Every date the engine reads in a run of simulate is one prices_read listed, for every
    # bundled one-asset company and policies with loans, preferred at the market, cash flows
    # and the flywheel; where the steps depend on the paths (new notes) or every price is
    # read (a peak premium, record) every date is kept.
    read: list[int] = []
    getitem = LazyPrices.__getitem__

    def spy(self: LazyPrices, key: tuple[slice, int]) -> Any:
        read.append(key[1])
        return getitem(self, key)

    monkeypatch.setattr(LazyPrices, "__getitem__", spy)
    notes = tm.simulation.ConvertibleIssuance(
        capacity_per_year=5e9, coupon=0.01, conversion_premium=0.35, tenor_years=5
    )
    policies: list[Any] = [
        None,
        tm.simulation.FundingPolicy(operating_cash_flow=-5e7),
        tm.simulation.FundingPolicy(buy_asset_above_mnav=1.5),
        tm.simulation.FundingPolicy(channels=("common", "preferred", "coins")),
        tm.simulation.FundingPolicy(channels=("common", notes, "coins")),
    ]
    peak = tm.simulation.PeakCompressionPremium(initial=1.3, floor=0.6, sensitivity=2.0)
    seen_kept = seen_whole = 0
    for name in ("mstr-2022q2", "mstr-2026-02", "xxi-2026-01", "sbet-2025-10"):
        co = tm.datasets.load(name)
        assert co.market is not None
        model = tm.GBM(asset_price=float(co.market.asset_price or 1.0), volatility=0.9)
        dates = simulation_dates(co.as_of, years=3, steps_per_year=52)
        for policy in policies:
            for premium, record in ((None, ()), (peak, ()), (None, ("cash",))):
                read.clear()
                steps, complete = engine.prices_read(co, dates, policy, premium, None, record)
                listed = steps if complete else None
                tm.simulate(
                    co,
                    model=model,
                    years=3,
                    paths=300,
                    seed=5,
                    policy=policy,
                    premium=premium,
                    record=record,
                )
                assert read
                assert set(read) >= steps  # every step listed is read
                if listed is None or len(listed) == len(dates):
                    seen_whole += 1
                else:
                    seen_kept += 1
                    assert set(read) <= listed, (name, policy, premium, record)
    assert seen_kept >= 8
    assert seen_whole >= 8


def test_common_shares_on_the_few_open_paths_match_the_scalar_reference(
    monkeypatch: Any,
) -> None:
    # 60 paths spread from a crash to a boom, no cash: every dividend is funded at once, and
    # the accretion gate (the default) opens on a few paths only, so new shares are sold on
    # those paths alone on some steps
    co = attrs.evolve(tm.datasets.load("mstr-2026-02"), cash=0.0)
    dates = simulation_dates(co.as_of, years=2, steps_per_year=52)
    rng = np.random.default_rng(3)
    drift = np.linspace(-2.0, 1.4, 60)[:, np.newaxis] / 52
    returns = drift + 0.08 * rng.standard_normal((60, len(dates) - 1))
    prices = 68_141.0 * np.exp(np.concatenate((np.zeros((60, 1)), returns.cumsum(1)), axis=1))
    opened: list[int] = []
    raised: list[float] = []  # by the shortcut
    few = engine._few_common

    def spy(c: Any, st_: Any, w: Any, open_: Any) -> bool:
        opened.append(int(np.count_nonzero(open_)))
        taken = few(c, st_, w, open_)
        if taken:
            raised.append(float(np.sum(engine._raised_by_common(c, w))))
        return taken

    monkeypatch.setattr(engine, "_few_common", spy)
    res = tm.simulation.simulate_paths(co, prices=prices, dates=dates)
    assert any(0 < k < 60 / 4 for k in opened), opened  # the shortcut was taken
    assert sum(raised) > 0.0  # and sold shares
    assert any(k >= 60 / 4 for k in opened), opened  # and the whole-array arithmetic too
    policy = tm.simulation.FundingPolicy()
    premium = tm.simulation.ConstantPremium(mnav=1.0)
    _assert_reference(res, co, prices, dates, policy, premium)


def _spread_paths(
    co: Any, n: int, years: int, seed: int, low: float = -30.0, crash: bool = True
) -> tuple[Any, Any]:
    """``n`` weekly paths spread from a collapse (drift ``low`` a year) to a boom, the upper
    half crashing on week 80 with ``crash`` (paths run out of coins one by one, and many at
    once)."""
    dates = simulation_dates(co.as_of, years=years, steps_per_year=52)
    rng = np.random.default_rng(seed)
    drift = np.linspace(low, 1.4, n)[:, np.newaxis] / 52
    returns = drift + 0.08 * rng.standard_normal((n, len(dates) - 1))
    prices = 68_141.0 * np.exp(np.concatenate((np.zeros((n, 1)), returns.cumsum(1)), axis=1))
    if crash:
        prices[n // 2 :, 80:] *= 1e-5  # half the paths crash together: many short at once
    return prices, dates


def _assert_reference(
    res: Any, co: Any, prices: Any, dates: Any, policy: Any, premium: Any, every: int = 1
) -> None:
    """Every ``every``-th path of ``res`` equals the scalar reference engine's, field by
    field."""
    for i in range(0, prices.shape[0], every):
        ref = reference_path(co, list(prices[i]), dates, policy, premium, None)
        for field in PATH_FIELDS:
            got, want = getattr(res, field)[i], getattr(ref, field)
            assert got == want, f"path {i}, {field}: engine {got!r}, reference {want!r}"


_POLICIES = {
    "default": tm.simulation.FundingPolicy(),
    "deferred": tm.simulation.FundingPolicy(
        defer_cumulative_below_mnav=1.1, skip_noncumulative_below_mnav=1.1
    ),
    "no equity": tm.simulation.FundingPolicy(issue_equity=False),
}


@pytest.mark.parametrize("name", sorted(_POLICIES))
def test_arithmetic_on_the_few_paths_equals_the_whole_array_arithmetic(
    name: str, monkeypatch: Any
) -> None:
    # Coins sold where a few paths are short of coins, and dividends shared out where a few
    # paths leave them uncovered, are computed on those paths only (engine._few). The same
    # run with engine._few always declining (whole-array arithmetic everywhere) gives every
    # number bit for bit, and both equal the scalar reference engine path by path. The
    # company has no cash, so coins fund the dividends from the first step; the premium
    # compresses in a drawdown so that the deferral triggers on some paths. On the steps with
    # dividends only, coins are sold for the dividends without the debt arithmetic (no debt
    # due): the reference engine does that arithmetic.
    co = attrs.evolve(tm.datasets.load("mstr-2026-02"), cash=0.0)
    prices, dates = _spread_paths(co, 48, 3, 5)
    policy = _POLICIES[name]
    premium = tm.simulation.PeakCompressionPremium(initial=1.6, floor=0.8, sensitivity=3.0)
    seen: list[tuple[int, bool]] = []
    few = engine._few

    def spy(mask: Any, n: int) -> Any:
        idx = few(mask, n)
        seen.append((int(np.count_nonzero(mask)), idx is not None))
        return idx

    monkeypatch.setattr(engine, "_few", spy)
    fast = tm.simulation.simulate_paths(
        co, prices=prices, dates=dates, policy=policy, premium=premium
    )
    assert any(k > 0 and taken for k, taken in seen), seen  # the shortcut on some paths
    assert any(not taken for _, taken in seen), seen  # and the whole arrays elsewhere
    monkeypatch.setattr(engine, "_few", lambda mask, n: None)
    plain = tm.simulation.simulate_paths(
        co, prices=prices, dates=dates, policy=policy, premium=premium
    )
    for field in PATH_FIELDS:
        got, want = np.asarray(getattr(fast, field)), np.asarray(getattr(plain, field))
        assert got.tobytes() == want.tobytes(), field
    _assert_reference(fast, co, prices, dates, policy, premium, every=3)


_KEPT_AS_NUMBERS = {
    # a little cash, spent alike on every path: one series paid short on few paths
    "short on few paths": (2e8, None, ("serve", "short", "collapsed")),
    # $2 billion of cash, spent at a pace that differs by path (dividends deferred where the
    # premium has compressed), then on every path
    "cash spent": (2e9, 1.1, ("serve", "collapsed", "cash")),
}


@pytest.mark.parametrize("name", sorted(_KEPT_AS_NUMBERS))
def test_amounts_zero_on_every_path_kept_as_numbers_match_the_reference(
    name: str, monkeypatch: Any
) -> None:
    # The engine keeps an amount that is 0 on every path as the number 0.0: no debt left to
    # serve (the channels skip the debt's part, engine._serve), the cash spent on every path,
    # a note repaid in full at maturity, arrays zeroed by defaults that are zero everywhere
    # (engine._collapsed) and zeros frozen by a default (engine._frozen); one series paid
    # short on few paths is shared out on those paths only (engine._few_paths_short), and
    # the running totals only the state holds are added to in place. Each is taken below
    # (spied), and every path equals the scalar reference engine, which does the plain
    # arithmetic on every path. The 2028 notes mature on some paths, default on others.
    cash, defer, expected = _KEPT_AS_NUMBERS[name]
    co = attrs.evolve(tm.datasets.load("mstr-2026-02"), cash=cash)
    prices, dates = _spread_paths(co, 40, 3, 11, low=-3.0)
    policy = tm.simulation.FundingPolicy(defer_cumulative_below_mnav=defer)
    premium = tm.simulation.PeakCompressionPremium(initial=1.6, floor=0.8, sensitivity=3.0)
    taken: dict[str, int] = {"serve": 0, "short": 0, "collapsed": 0, "cash": 0}
    serve, short, collapsed, fund = (
        engine._serve,
        engine._few_paths_short,
        engine._collapsed,
        engine._fund,
    )

    def spy_serve(w: Any, cap: Any) -> Any:
        taken["serve"] += _zero(w.du) and np.ndim(cap) == 1
        return serve(w, cap)

    def spy_short(*args: Any) -> None:
        taken["short"] += 1
        short(*args)

    def spy_collapsed(value: Any) -> Any:
        out = collapsed(value)
        taken["collapsed"] += out is not value
        return out

    def spy_fund(c: Any, st_: Any, w: Any) -> None:
        was_array = isinstance(st_.cash, np.ndarray)
        fund(c, st_, w)
        taken["cash"] += was_array and _zero(st_.cash)

    monkeypatch.setattr(engine, "_serve", spy_serve)
    monkeypatch.setattr(engine, "_few_paths_short", spy_short)
    monkeypatch.setattr(engine, "_collapsed", spy_collapsed)
    monkeypatch.setattr(engine, "_fund", spy_fund)
    res = tm.simulation.simulate_paths(
        co, prices=prices, dates=dates, policy=policy, premium=premium
    )
    assert all(taken[k] > 0 for k in expected), taken
    assert np.any(res.default)
    assert not np.all(res.default)
    _assert_reference(res, co, prices, dates, policy, premium)


def test_arrears_back_to_zero_and_sums_from_their_first_term_match_the_reference() -> None:
    # Dividends deferred on some steps and paid again later (the arrears go back to 0 on
    # every path and are then kept as the scalar 0.0), several dividends due on one step
    # (summed from the first), no debt due on most steps (cash less 0.0 skipped), the share
    # price and the accretion gate reading the same units x price: the reference engine
    # computes each of these plainly, path by path.
    co = attrs.evolve(tm.datasets.load("mstr-2026-02"), cash=3e8)
    prices, dates = _spread_paths(co, 30, 2, 8, low=-3.0, crash=False)
    policy = tm.simulation.FundingPolicy(defer_cumulative_below_mnav=0.9)
    premium = tm.simulation.PeakCompressionPremium(initial=1.5, floor=0.8, sensitivity=2.0)
    res = tm.simulation.simulate_paths(
        co, prices=prices, dates=dates, policy=policy, premium=premium
    )
    assert np.any(res.unpaid_dividends > 0.0)
    assert np.any(res.unpaid_dividends == 0.0)
    assert np.any(res.default)
    assert not np.all(res.default)
    _assert_reference(res, co, prices, dates, policy, premium)


@attrs.frozen(kw_only=True)
class _PlainGBM(tm.GBM):
    """GBM taking the plain route of the driver (log_returns a block at a time)."""


@settings(max_examples=20)
@given(
    blocks=st.integers(0, 3),
    size=st.integers(1, 2 * BLOCK_PATHS + 300),
    extra=st.integers(0, 700),
    steps=st.integers(1, 40),
    volatility=st.floats(0.01, 2.0),
    drift=st.floats(-0.5, 0.5),
    seed=st.integers(0, 2**32),
)
def test_gbm_drawn_a_slice_at_a_time_equals_log_returns_a_block_at_a_time(
    blocks: int, size: int, extra: int, steps: int, volatility: float, drift: float, seed: int
) -> None:
    # chunks starting on any block, ending inside a block or on its end; slices of 256 paths
    start = blocks * BLOCK_PATHS
    kw: dict[str, Any] = {"seed": seed, "start": start, "size": size, "total": start + size}
    kw["total"] += extra
    fast = _log_prices(
        tm.GBM(asset_price=100.0, drift=drift, volatility=volatility),
        steps=steps,
        dt=1 / 52,
        **kw,
    )
    plain = _log_prices(
        _PlainGBM(asset_price=100.0, drift=drift, volatility=volatility),
        steps=steps,
        dt=1 / 52,
        **kw,
    )
    assert fast.shape == plain.shape == (steps + 1, size)
    assert fast.tobytes() == plain.tobytes()


def test_share_price_at_an_mnav_of_one_and_a_kept_senior_sum_equal_the_plain_formula() -> None:
    # 1.0 * x is x for every float x (signed zeros, infinities), and debt + preferred given
    # already summed is the same sum
    rng = np.random.default_rng(4)
    units = np.concatenate((rng.uniform(0.0, 1e6, 50), [0.0, -0.0, np.inf, 1e300]))
    price = np.concatenate((rng.uniform(1.0, 1e5, 50), [5.0, 5.0, 5.0, 10.0]))
    debt, pref = rng.uniform(0.0, 1e9, 54), rng.uniform(0.0, 1e8, 54)
    cash, shares = rng.uniform(0.0, 1e9, 54), rng.uniform(1e6, 1e9, 54)
    plain = np.maximum((1.0 * (units * price) - (debt + pref - cash)) / shares, MIN_SHARE_PRICE)
    fast = _share_price(1.0, units, price, debt, pref, cash, shares, units * price, debt + pref)
    assert fast.tobytes() == plain.tobytes()
    assert _share_price(1.0, units, price, debt, pref, cash, shares).tobytes() == plain.tobytes()


def test_the_senior_sum_kept_across_steps_equals_the_sum_each_step(monkeypatch: Any) -> None:
    # the 2026 structure's puts and maturities over ten years replace the debt total on some
    # steps; the sum computed afresh on every step gives every number bit for bit
    co = tm.datasets.load("mstr-2026-02")
    prices, dates = _spread_paths(co, 24, 10, 2, low=-0.5, crash=False)
    kept = tm.simulation.simulate_paths(co, prices=prices, dates=dates)
    calls: list[bool] = []
    senior = engine._senior

    def fresh(st_: Any, w: Any) -> Any:
        calls.append(st_.senior is not None and st_.senior[0] is w.start_debt)
        st_.senior = None
        return senior(st_, w)

    monkeypatch.setattr(engine, "_senior", fresh)
    plain = tm.simulation.simulate_paths(co, prices=prices, dates=dates)
    assert any(calls)  # the sum was kept on some steps
    assert not all(calls)  # and replaced on others
    for field in PATH_FIELDS:
        got, want = np.asarray(getattr(kept, field)), np.asarray(getattr(plain, field))
        assert got.tobytes() == want.tobytes(), field


def test_a_default_on_every_path_at_once_is_snapshotted_on_every_path() -> None:
    # With no cash and no source of funds (no shares sold, no coins), the debt due on the
    # first coupon stays one number, so every path defaults on that step as one bool: the
    # snapshot (computed on the paths that default only) covers them all, and each path
    # equals the reference engine's.
    co = attrs.evolve(tm.datasets.load("mstr-2026-02"), cash=0.0)
    dates = simulation_dates(co.as_of, years=2, steps_per_year=52)
    path = 68_141.0 * np.exp(np.linspace(0.0, -1.0, len(dates)))
    prices = np.tile(path, (3, 1))
    policy = tm.simulation.FundingPolicy(issue_equity=False, sell_asset=False)
    res = tm.simulation.simulate_paths(co, prices=prices, dates=dates, policy=policy)
    assert np.all(res.default)
    assert np.all(res.final_shares > 0.0)
    assert np.all(res.final_units == co.holdings[0].units)
    _assert_reference(res, co, prices, dates, policy, tm.simulation.ConstantPremium(mnav=1.0))
