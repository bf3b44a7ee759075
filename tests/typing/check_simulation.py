"""Monte Carlo simulation with the three price models, a custom one, policies and channels."""

from __future__ import annotations

import datetime as dt
from typing import assert_type

import attrs
import numpy as np
import numpy.typing as npt

import treasurymodel as tm
from tests.typing._runtime import is_array, is_float

FloatArray = npt.NDArray[np.float64]

co = tm.Company(
    name="Example",
    as_of=dt.date(2026, 2, 1),
    holdings=tm.Holdings(units=1_000, cost_basis=60e6),
    shares_basic=1e6,
    instruments=[tm.Note(name="N", principal=40e6, maturity=dt.date(2028, 2, 2))],
)

# The documented call: simulate(co, model=GBM(...)). GBM satisfies PriceModel for both checkers.
gbm = tm.GBM(asset_price=60_000.0, volatility=0.6)
assert_type(gbm.asset_price, float)
model: tm.simulation.PriceModel = gbm
res = tm.simulate(
    co, model=tm.GBM(asset_price=60_000, volatility=0.6), years=1, paths=200, seed=7,
    policy=tm.simulation.FundingPolicy(issue_equity=False),
)  # fmt: skip
assert_type(res, tm.simulation.SimulationResult | tm.simulation.SimulationAggregates)
assert_type(res.probability("forced_sale"), float)
is_float(res.probability("default"))

# keep_paths picks the result type.
kept = tm.simulate(co, model=model, years=1, paths=200, seed=1, keep_paths=True)
assert_type(kept, tm.simulation.SimulationResult)
is_array(kept.units_sold, (200,))
bounded = tm.simulate(co, model=model, years=1, paths=200, seed=1, keep_paths=False)
assert_type(bounded, tm.simulation.SimulationAggregates)

# Merton's jump diffusion and a block bootstrap of weekly returns.
jumps = tm.MertonJumpDiffusion(
    asset_price=60_000.0, volatility=0.5, intensity=2.0, jump_mean=-0.1, jump_volatility=0.15
)
assert_type(tm.simulate(co, model=jumps, years=1, paths=100, seed=2, keep_paths=True),
            tm.simulation.SimulationResult)  # fmt: skip
rng = np.random.default_rng(2026)
weekly = rng.normal(0.005, 0.08, size=104)
bootstrap = tm.BlockBootstrap(asset_price=60_000.0, returns=weekly, block=8, periods_per_year=52)
assert_type(bootstrap.asset_price, float)
drawn = bootstrap.log_returns(np.random.default_rng(1), paths=3, steps=20, dt=1 / 52)
assert_type(drawn, FloatArray)
is_array(drawn, (3, 20))
assert_type(
    tm.simulate(co, model=bootstrap, years=1, paths=100, seed=3, keep_paths=True),
    tm.simulation.SimulationResult,
)


# A model of one's own: a frozen attrs class with a plain ``spot: float``.
@attrs.frozen(kw_only=True)
class Flat:
    asset_price: float

    def log_returns(
        self, rng: np.random.Generator, *, paths: int, steps: int, dt: float
    ) -> FloatArray:
        return np.zeros((paths, steps))


flat = tm.simulate(
    co, model=Flat(asset_price=60_000.0), years=1, paths=10, seed=4, keep_paths=True
)
assert_type(flat, tm.simulation.SimulationResult)
assert not flat.default.any()

# Funding channels in a policy, and the scenario engine on given price paths.
notes = tm.simulation.ConvertibleIssuance(
    capacity_per_year=10e9, coupon=0.01, conversion_premium=0.35, tenor_years=5, put_years=3
)
strx = tm.simulation.PreferredIssuance(capacity_per_year=5e9, rate=0.10, frequency=12)
policy = tm.simulation.FundingPolicy(channels=("common", strx, notes, "coins"))
dates = [co.as_of + dt.timedelta(weeks=w) for w in range(53)]
paths = tm.simulation.simulate_paths(
    co, prices=np.full(len(dates), 60_000.0), dates=dates, policy=policy
)
assert_type(paths, tm.simulation.SimulationResult)
is_array(paths.units_sold, (1,))
premium = tm.simulate(
    co, model=gbm, years=1, paths=50, seed=5, keep_paths=True,
    premium=tm.simulation.PeakCompressionPremium(initial=2.0, floor=0.8, sensitivity=4.0),
    impact=tm.simulation.ImpactModel(daily_volume=1e4, coefficient=0.5),
)  # fmt: skip
assert_type(premium, tm.simulation.SimulationResult)
constant: tm.simulation.PremiumModel = tm.simulation.ConstantPremium(mnav=1.5)
preset = tm.simulation.run_preset(co, "crash-and-stay", asset_price=60_000.0, to=20_000.0, years=1)
assert_type(preset, tm.simulation.SimulationResult)

# Simulated credit on GBM paths.
sim = tm.simulated_credit(co, model=gbm, years=1, paths=200, seed=1)
assert_type(sim.default_probability, FloatArray)
is_array(sim.default_probability)

# Market impact of the company's own trades: numbers or array-likes of units and prices.
impact = tm.simulation.ImpactModel(daily_volume=1e4, coefficient=0.5)
assert_type(impact.fraction(4.0), float)
is_float(impact.fraction(4))
assert_type(impact.fraction((1, 4)), FloatArray)
is_array(impact.fraction((1, 4)), (2,))
assert_type(impact.execution_price(1.0, asset_price=100.0), float)
assert_type(impact.execution_price(1.0, asset_price=[100, 200]), FloatArray)
is_array(impact.execution_price(1.0, asset_price=[100, 200]), (2,))
assert_type(impact.proceeds(np.array([1, 4]), asset_price=100.0), FloatArray)
assert_type(impact.units_for_proceeds(100.0, asset_price=100.0), float)
is_array(impact.units_for_proceeds([100.0], asset_price=(100,)), (1,))
