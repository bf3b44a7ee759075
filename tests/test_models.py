"""Tests of the Monte Carlo price models (treasurymodel.simulation.models).

Moments are checked against the closed forms within a stated number of standard errors of
the sample statistic; every random draw uses a fixed seed, so the tests are deterministic.
"""

from __future__ import annotations

import math
import pickle
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treasurymodel import GBM, BlockBootstrap, MertonJumpDiffusion, ValidationError
from treasurymodel._typing import FloatArray
from treasurymodel.simulation import PriceModel

# Tolerance of the moment checks, in standard errors of the statistic: a correct model fails
# one check with probability below 1e-6, while the formula errors these tests guard against
# (a missing -sigma^2/2, a drift not compensated for jumps, sigma*dt for sigma*sqrt(dt)) move
# the statistic by tens of standard errors at the sample sizes used.
Z_TOL = 5.0


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# --- GBM --------------------------------------------------------------------------------------


@settings(max_examples=15)
@given(
    drift=st.floats(-0.5, 0.5),
    volatility=st.floats(0.05, 1.5),
    steps_per_year=st.sampled_from([12, 52, 252]),
    seed=st.integers(0, 2**32 - 1),
)
def test_gbm_log_return_moments(
    drift: float, volatility: float, steps_per_year: int, seed: int
) -> None:
    dt = 1.0 / steps_per_year
    model = GBM(asset_price=100.0, drift=drift, volatility=volatility)
    r = model.log_returns(_rng(seed), paths=400, steps=500, dt=dt)
    n = r.size
    mean = (drift - 0.5 * volatility**2) * dt  # Itô: E[ln S_{t+dt}/S_t] = (mu - s^2/2) dt
    var = volatility**2 * dt
    assert abs(r.mean() - mean) <= Z_TOL * math.sqrt(var / n)
    # The sample variance of n normals has standard error var * sqrt(2 / (n - 1)).
    assert abs(r.var(ddof=1) - var) <= Z_TOL * var * math.sqrt(2.0 / (n - 1))


def test_gbm_expected_price_grows_at_drift() -> None:
    # E[S_T] = S_0 exp(mu T) for GBM: one year of weekly steps, 50% volatility, 10% drift.
    model = GBM(asset_price=100.0, drift=0.10, volatility=0.5)
    r = model.log_returns(_rng(11), paths=200_000, steps=52, dt=1 / 52)
    final = 100.0 * np.exp(r.sum(axis=1))
    expected = 100.0 * math.exp(0.10)
    # sd of S_T = S_0 e^{mu T} sqrt(e^{sigma^2 T} - 1)
    se = expected * math.sqrt(math.expm1(0.25)) / math.sqrt(final.size)
    assert abs(final.mean() - expected) <= Z_TOL * se


@settings(max_examples=20)
@given(
    drift=st.floats(-1.0, 1.0),
    vol_a=st.floats(0.01, 2.0),
    vol_b=st.floats(0.01, 2.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_gbm_shocks_scale_with_volatility(
    drift: float, vol_a: float, vol_b: float, seed: int
) -> None:
    # Same generator state -> same normals Z; r = (mu - s^2/2) dt + s sqrt(dt) Z.
    dt = 1 / 52
    a = GBM(asset_price=1.0, drift=drift, volatility=vol_a).log_returns(
        _rng(seed), paths=3, steps=7, dt=dt
    )
    b = GBM(asset_price=1.0, drift=drift, volatility=vol_b).log_returns(
        _rng(seed), paths=3, steps=7, dt=dt
    )
    za = (a - (drift - 0.5 * vol_a**2) * dt) / (vol_a * math.sqrt(dt))
    zb = (b - (drift - 0.5 * vol_b**2) * dt) / (vol_b * math.sqrt(dt))
    np.testing.assert_allclose(za, zb, rtol=1e-9, atol=1e-9)
    # drawn a date at a time: the first 3 normals are date 1's of the 3 paths
    np.testing.assert_allclose(za, _rng(seed).standard_normal((7, 3)).T, rtol=1e-9, atol=1e-9)


def test_gbm_zero_volatility_is_deterministic_and_draws_nothing() -> None:
    rng = _rng(3)
    state = rng.bit_generator.state
    r = GBM(asset_price=50.0, drift=0.08, volatility=0.0).log_returns(
        rng, paths=2, steps=4, dt=0.25
    )
    assert rng.bit_generator.state == state
    np.testing.assert_array_equal(r, np.full((2, 4), 0.02))


def test_same_generator_state_same_returns() -> None:
    model = GBM(asset_price=1.0, volatility=0.3)
    a = model.log_returns(_rng(42), paths=5, steps=6, dt=0.1)
    b = model.log_returns(_rng(42), paths=5, steps=6, dt=0.1)
    c = model.log_returns(_rng(43), paths=5, steps=6, dt=0.1)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.dtype == np.float64


# --- Merton jump diffusion --------------------------------------------------------------------


def test_merton_without_jumps_is_gbm() -> None:
    merton = MertonJumpDiffusion(
        asset_price=1.0,
        drift=0.03,
        volatility=0.6,
        intensity=0.0,
        jump_mean=-0.3,
        jump_volatility=0.2,
    )
    gbm = GBM(asset_price=1.0, drift=0.03, volatility=0.6)
    np.testing.assert_array_equal(
        merton.log_returns(_rng(9), paths=4, steps=10, dt=1 / 52),
        gbm.log_returns(_rng(9), paths=4, steps=10, dt=1 / 52),
    )


def test_merton_jump_counts_are_poisson() -> None:
    # sigma = 0 and sigma_J = 0: every return is mean + N mu_J, so N can be read back.
    lam, mu_j, dt = 3.0, -0.2, 1 / 12
    model = MertonJumpDiffusion(
        asset_price=1.0,
        drift=0.0,
        volatility=0.0,
        intensity=lam,
        jump_mean=mu_j,
        jump_volatility=0.0,
    )
    r = model.log_returns(_rng(5), paths=500, steps=240, dt=dt)
    kappa = math.exp(mu_j) - 1.0
    counts = (r - (-lam * kappa * dt)) / mu_j
    np.testing.assert_allclose(counts, np.round(counts), atol=1e-9)
    n = counts.size
    # Poisson(lam dt): mean = variance = lam dt.
    assert abs(counts.mean() - lam * dt) <= Z_TOL * math.sqrt(lam * dt / n)
    assert abs(counts.var() - lam * dt) <= 0.05 * lam * dt


def test_merton_moments_and_compensated_mean_price() -> None:
    sigma, lam, mu_j, s_j, mu = 0.4, 4.0, -0.1, 0.15, 0.05
    model = MertonJumpDiffusion(
        asset_price=100.0,
        drift=mu,
        volatility=sigma,
        intensity=lam,
        jump_mean=mu_j,
        jump_volatility=s_j,
    )
    dt = 1 / 52
    r = model.log_returns(_rng(21), paths=4000, steps=52, dt=dt)
    kappa = math.exp(mu_j + 0.5 * s_j**2) - 1.0
    mean = (mu - 0.5 * sigma**2 - lam * kappa + lam * mu_j) * dt
    var = (sigma**2 + lam * (mu_j**2 + s_j**2)) * dt
    assert abs(r.mean() - mean) <= Z_TOL * math.sqrt(var / r.size)
    centred = r - r.mean()
    se_var = math.sqrt((np.mean(centred**4) - r.var() ** 2) / r.size)
    assert abs(r.var() - var) <= Z_TOL * se_var
    # E[S_1] = S_0 e^{mu}: the drift is compensated for the jumps.
    final = 100.0 * np.exp(r.sum(axis=1))
    se = final.std() / math.sqrt(final.size)
    assert abs(final.mean() - 100.0 * math.exp(mu)) <= Z_TOL * se
    # Without compensation the mean would be S_0 e^{mu - lam kappa} (about 100 * e^{0.41}):
    assert abs(100.0 * math.exp(mu - lam * kappa) - 100.0 * math.exp(mu)) > 20 * se


# --- block bootstrap --------------------------------------------------------------------------


@settings(max_examples=30)
@given(
    n=st.integers(1, 40),
    data=st.data(),
    steps=st.integers(1, 60),
    seed=st.integers(0, 2**32 - 1),
)
def test_bootstrap_reuses_only_given_returns_in_circular_blocks(
    n: int, data: st.DataObject, steps: int, seed: int
) -> None:
    block = data.draw(st.integers(1, n))
    # Distinct returns whose position in the series can be read back from the value.
    series = [0.001 * (i + 1) for i in range(n)]
    model = BlockBootstrap(asset_price=10.0, returns=series, block=block)
    r = model.log_returns(_rng(seed), paths=5, steps=steps, dt=1 / 52)
    assert r.shape == (5, steps)
    assert set(r.ravel().tolist()) <= set(series)
    position = np.rint(r / 0.001).astype(int) - 1
    for start in range(0, steps, block):
        run = position[:, start : start + block]
        # inside a block, each return follows its predecessor in the series (wrapping round)
        np.testing.assert_array_equal(np.diff(run, axis=1) % n, np.ones_like(run[:, 1:]) % n)


def test_bootstrap_mean_is_the_series_mean() -> None:
    # Each block start is uniform, so every series position is equally likely at every step.
    series = np.random.default_rng(0).normal(0.001, 0.03, size=300)
    model = BlockBootstrap(asset_price=1.0, returns=series, block=10)
    r = model.log_returns(_rng(1), paths=2000, steps=100, dt=1 / 52)
    # Blocks of 10 returns are drawn independently: 20,000 blocks per the 200,000 values.
    se = series.std() / math.sqrt(r.size / 10)
    assert abs(r.mean() - series.mean()) <= Z_TOL * se
    positions = np.unique(r)
    assert positions.size == np.unique(series).size  # every return used at 200,000 draws


def test_bootstrap_frequency_guard() -> None:
    model = BlockBootstrap(asset_price=1.0, returns=[0.01, 0.02], block=1, periods_per_year=52)
    assert model.log_returns(_rng(0), paths=1, steps=3, dt=1 / 52).shape == (1, 3)
    with pytest.raises(ValidationError, match="dt: must be 1 / 52"):
        model.log_returns(_rng(0), paths=1, steps=3, dt=1 / 12)


def test_bootstrap_stores_a_tuple_and_is_hashable() -> None:
    a = BlockBootstrap(asset_price=1.0, returns=np.array([0.01, -0.02]), block=2)
    b = BlockBootstrap(asset_price=1.0, returns=[0.01, -0.02], block=2)
    assert a.returns == (0.01, -0.02)
    assert a == b
    assert hash(a) == hash(b)


# --- protocol, pickling, validation -----------------------------------------------------------


MODELS: list[Any] = [
    GBM(asset_price=68_141.0, drift=0.0, volatility=0.5),
    MertonJumpDiffusion(
        asset_price=68_141.0,
        drift=0.0,
        volatility=0.4,
        intensity=1.0,
        jump_mean=-0.2,
        jump_volatility=0.1,
    ),
    BlockBootstrap(asset_price=68_141.0, returns=[0.01, -0.03, 0.02], block=2),
]


@pytest.mark.parametrize("model", MODELS)
def test_models_satisfy_the_protocol_and_pickle(model: Any) -> None:
    assert isinstance(model, PriceModel)
    clone = pickle.loads(pickle.dumps(model))
    assert clone == model
    np.testing.assert_array_equal(
        clone.log_returns(_rng(1), paths=3, steps=4, dt=1 / 52),
        model.log_returns(_rng(1), paths=3, steps=4, dt=1 / 52),
    )
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(model, "asset_price", 1.0)


def test_objects_without_log_returns_are_not_price_models() -> None:
    @attrs.frozen
    class NoReturns:
        asset_price: float

    assert not isinstance(NoReturns(asset_price=1.0), PriceModel)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: GBM(asset_price=0.0, volatility=0.5), "GBM.asset_price"),
        (lambda: GBM(asset_price=-1.0, volatility=0.5), "GBM.asset_price"),
        (lambda: GBM(asset_price=1.0, volatility=float("nan")), "GBM.volatility"),
        (lambda: GBM(asset_price=1.0, volatility=-0.5), "GBM.volatility"),
        (lambda: GBM(asset_price=1.0, drift=float("inf"), volatility=0.5), "GBM.drift"),
        (lambda: GBM(asset_price="100", volatility=0.5), "GBM.asset_price"),  # type: ignore[arg-type]
        (
            lambda: MertonJumpDiffusion(
                asset_price=1.0, volatility=0.1, intensity=-1.0, jump_mean=0.0, jump_volatility=0.1
            ),
            "MertonJumpDiffusion.intensity",
        ),
        (
            lambda: MertonJumpDiffusion(
                asset_price=1.0, volatility=0.1, intensity=1.0, jump_mean=0.0, jump_volatility=-0.1
            ),
            "MertonJumpDiffusion.jump_volatility",
        ),
        (
            lambda: MertonJumpDiffusion(
                asset_price=1.0,
                volatility=0.1,
                intensity=1.0,
                jump_mean=float("nan"),
                jump_volatility=0.1,
            ),
            "MertonJumpDiffusion.jump_mean",
        ),
        (lambda: BlockBootstrap(asset_price=1.0, returns=[], block=1), "BlockBootstrap.returns"),
        (
            lambda: BlockBootstrap(asset_price=1.0, returns=[0.1, np.nan], block=1),
            "BlockBootstrap.returns[1]",
        ),
        (
            lambda: BlockBootstrap(asset_price=1.0, returns=[[0.1, 0.2]], block=1),
            "BlockBootstrap.returns",
        ),
        (
            lambda: BlockBootstrap(asset_price=1.0, returns="0.1", block=1),
            "BlockBootstrap.returns",
        ),
        (
            lambda: BlockBootstrap(asset_price=1.0, returns=[0.1, 0.2], block=0),
            "BlockBootstrap.block",
        ),
        (
            lambda: BlockBootstrap(asset_price=1.0, returns=[0.1, 0.2], block=2.0),
            "BlockBootstrap.block",
        ),
        (
            lambda: BlockBootstrap(asset_price=1.0, returns=[0.1, 0.2], block=3),
            "BlockBootstrap.block",
        ),
        (
            lambda: BlockBootstrap(asset_price=1.0, returns=[0.1], block=1, periods_per_year=0),
            "BlockBootstrap.periods_per_year",
        ),
        # the limits: prices in [1e-200, 1e200], rates and log jumps within +-10, 1,000 jumps
        (lambda: GBM(asset_price=1e300, volatility=0.5), "GBM.asset_price"),
        (lambda: GBM(asset_price=1e-201, volatility=0.5), "GBM.asset_price"),
        (lambda: GBM(asset_price=1.0, volatility=1e10), "GBM.volatility"),
        (lambda: GBM(asset_price=1.0, volatility=10.01), "GBM.volatility"),
        (lambda: GBM(asset_price=1.0, drift=1e10, volatility=0.5), "GBM.drift"),
        (lambda: GBM(asset_price=1.0, drift=-10.01, volatility=0.5), "GBM.drift"),
        (lambda: GBM(asset_price=1.0, drift=True, volatility=0.5), "GBM.drift"),
        (lambda: _merton(intensity=1e300), "MertonJumpDiffusion.intensity"),
        (lambda: _merton(jump_mean=-1000.0), "MertonJumpDiffusion.jump_mean"),
        (lambda: _merton(jump_volatility=40.0), "MertonJumpDiffusion.jump_volatility"),
        (lambda: _merton(volatility=1e200), "MertonJumpDiffusion.volatility"),
        (lambda: _merton(asset_price=0.0), "MertonJumpDiffusion.asset_price"),
        (
            lambda: BlockBootstrap(asset_price=1.0, returns=[0.1, True]),
            "BlockBootstrap.returns[1]",
        ),
        (
            lambda: BlockBootstrap(asset_price=1.0, returns=(0.1, True)),
            "BlockBootstrap.returns[1]",
        ),
        (
            lambda: BlockBootstrap(asset_price=1.0, returns=[[0.1], [0.2]]),
            "BlockBootstrap.returns",
        ),
        (lambda: BlockBootstrap(asset_price=1.0, returns=["0.1"]), "BlockBootstrap.returns"),
        (lambda: BlockBootstrap(asset_price=1.0, returns=[0.1, None]), "BlockBootstrap.returns"),
        (
            lambda: BlockBootstrap(asset_price=1.0, returns=[0.1, np.inf]),
            "BlockBootstrap.returns[1]",
        ),
        (lambda: BlockBootstrap(asset_price=1e300, returns=[0.1]), "BlockBootstrap.asset_price"),
        (
            lambda: BlockBootstrap(asset_price=1.0, returns=[0.1], block=True),
            "BlockBootstrap.block",
        ),
        (lambda: BlockBootstrap(asset_price=1.0, returns=[0.1], block=-1), "BlockBootstrap.block"),
    ],
)
def test_invalid_models_are_refused(build: Any, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        build()
    assert info.value.field == field


def _merton(**kwargs: Any) -> MertonJumpDiffusion:
    args: dict[str, Any] = {
        "asset_price": 1.0,
        "volatility": 0.1,
        "intensity": 1.0,
        "jump_mean": 0.0,
        "jump_volatility": 0.1,
    }
    args.update(kwargs)
    return MertonJumpDiffusion(**args)


def test_the_limits_themselves_are_accepted() -> None:
    low = GBM(asset_price=1e-200, drift=-10.0, volatility=10.0)
    high = GBM(asset_price=1e200, drift=10, volatility=0)
    assert (low.asset_price, low.drift, low.volatility) == (1e-200, -10.0, 10.0)
    assert (high.asset_price, high.drift, high.volatility) == (1e200, 10.0, 0.0)
    jumps = _merton(intensity=1000, jump_mean=-10.0, jump_volatility=10.0)
    # kappa = e^(mu_J + sigma_J^2 / 2) - 1 = e^40 - 1 at the limits: finite
    assert jumps.jump_compensator == pytest.approx(math.exp(40.0), rel=1e-12)
    boot = BlockBootstrap(
        asset_price=1.0, returns=np.array([1, 2, 3], dtype=np.int32), block=np.int64(2)
    )
    assert boot.returns == (1.0, 2.0, 3.0)
    assert boot.block == 2
    assert type(boot.block) is int


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"paths": 0, "steps": 1, "dt": 0.1}, "paths"),
        ({"paths": 1, "steps": 2.0, "dt": 0.1}, "steps"),
        ({"paths": True, "steps": 2, "dt": 0.1}, "paths"),
        ({"paths": 1, "steps": 2, "dt": 0.0}, "dt"),
        ({"paths": 1, "steps": 2, "dt": float("nan")}, "dt"),
        ({"paths": 1, "steps": 2, "dt": "1"}, "dt"),
        ({"paths": 1, "steps": 2, "dt": 0.1, "rng": 0}, "rng"),
        ({"paths": 1, "steps": 2, "dt": 0.1, "rng": None}, "rng"),
        ({"paths": 1, "steps": 2, "dt": 0.1, "rng": np.random.RandomState(0)}, "rng"),
    ],
)
@pytest.mark.parametrize("model", MODELS)
def test_invalid_grids_are_refused(model: Any, kwargs: dict[str, Any], field: str) -> None:
    args = {"rng": _rng(0), **kwargs}
    with pytest.raises(ValidationError) as info:
        model.log_returns(args.pop("rng"), **args)
    assert info.value.field == field


def _returns(model: Any) -> FloatArray:
    result: FloatArray = model.log_returns(_rng(0), paths=2, steps=3, dt=1 / 52)
    return result


@pytest.mark.parametrize("model", MODELS)
def test_returns_are_finite_float64_of_the_requested_shape(model: Any) -> None:
    r = _returns(model)
    assert r.shape == (2, 3)
    assert r.dtype == np.float64
    assert np.isfinite(r).all()


_BUILDERS: dict[str, Any] = {
    "GBM": lambda asset_price: GBM(asset_price=asset_price, volatility=0.5),
    "MertonJumpDiffusion": lambda asset_price: MertonJumpDiffusion(
        asset_price=asset_price, volatility=0.5, intensity=1.0, jump_mean=-0.1, jump_volatility=0.1
    ),
    "BlockBootstrap": lambda asset_price: BlockBootstrap(
        asset_price=asset_price, returns=[0.01, -0.02]
    ),
}


@pytest.mark.parametrize("name", sorted(_BUILDERS))
@pytest.mark.parametrize(
    "asset_price",
    [68_141, np.int64(68_141), np.int32(68_141), np.float32(68_141.0), np.array(68_141.0)],
)
def test_spot_is_stored_as_a_python_float(name: str, asset_price: Any) -> None:
    # The models validate ``spot`` and store it as a float after construction (no attrs
    # converter, so that pyright accepts them as a PriceModel): the same model as the float.
    model, reference = _BUILDERS[name](asset_price), _BUILDERS[name](68_141.0)
    assert type(model.asset_price) is float
    assert model.asset_price == 68_141.0
    assert model == reference
    assert hash(model) == hash(reference)
    assert type(attrs.evolve(model, asset_price=np.int64(2)).asset_price) is float
    assert isinstance(model, PriceModel)


@pytest.mark.parametrize("name", sorted(_BUILDERS))
@pytest.mark.parametrize("asset_price", [True, np.True_, "100", None, math.nan, 0, 1e201, [1.0]])
def test_spot_refused_for_every_model(name: str, asset_price: Any) -> None:
    with pytest.raises(ValidationError) as info:
        _BUILDERS[name](asset_price)
    assert info.value.field == f"{name}.asset_price"
    assert info.value.value is asset_price
