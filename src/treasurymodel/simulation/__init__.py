"""Simulation: a company stepped through price paths, and Monte Carlo over price models.

:func:`simulate` draws paths from a price model (:class:`GBM`, :class:`MertonJumpDiffusion`,
:class:`BlockBootstrap`; :class:`CorrelatedGBM` and :class:`JointBootstrap` for several assets,
through :class:`Basket`), with exchange-rate paths if asked (:class:`FxGBM`), and runs the
company through them; :func:`simulate_paths` runs it through paths you give;
:func:`simulate_market` runs several companies through the same paths. The premium,
funding and impact models say how the stock trades and how the company raises money.
``simulate`` and the three price models are also at the top level of ``treasurymodel``;
:class:`PremiumState` and :class:`ChannelState` are what a custom premium model or funding
channel receives.
"""

from __future__ import annotations

from .aggregates import SimulationAggregates
from .assets import Basket, CorrelatedGBM, JointBootstrap, MultiAssetModel, asset_price_paths
from .channels import (
    ChannelState,
    ConvertibleIssuance,
    FundingChannel,
    PreferredAtm,
    PreferredIssuance,
    TermLoanIssuance,
)
from .engine import RECORDABLE, simulate_paths
from .fx import FxGBM
from .impact import ImpactModel
from .joint import MarketAggregates
from .market import MarketResult, simulate_market
from .models import GBM, BlockBootstrap, MertonJumpDiffusion, PriceModel
from .montecarlo import KEEP_PATHS_LIMIT, estimate_memory, simulate, simulation_dates
from .policy import FundingPolicy, accretive_share_price
from .premium import (
    MIN_SHARE_PRICE,
    CallablePremium,
    ConstantPremium,
    PeakCompressionPremium,
    PremiumModel,
    PremiumState,
)
from .presets import PRESETS, preset_names, preset_path, run_preset
from .result import PATH_FIELDS, SimulationResult, StepHistogram
from .trace import EventTable, PathTraces

__all__ = [
    # running a simulation
    "KEEP_PATHS_LIMIT",
    "RECORDABLE",
    "estimate_memory",
    "simulate",
    "simulate_market",
    "simulate_paths",
    "simulation_dates",
    # price models
    "GBM",
    "BlockBootstrap",
    "MertonJumpDiffusion",
    "PriceModel",
    # several reserve assets
    "Basket",
    "CorrelatedGBM",
    "JointBootstrap",
    "MultiAssetModel",
    "asset_price_paths",
    # exchange rates
    "FxGBM",
    # how the stock trades and how the company raises money
    "MIN_SHARE_PRICE",
    "CallablePremium",
    "ChannelState",
    "ConstantPremium",
    "ConvertibleIssuance",
    "FundingChannel",
    "FundingPolicy",
    "ImpactModel",
    "PeakCompressionPremium",
    "PreferredAtm",
    "PreferredIssuance",
    "PremiumModel",
    "PremiumState",
    "TermLoanIssuance",
    "accretive_share_price",
    # stress presets
    "PRESETS",
    "preset_names",
    "preset_path",
    "run_preset",
    # results
    "PATH_FIELDS",
    "EventTable",
    "MarketAggregates",
    "MarketResult",
    "PathTraces",
    "SimulationAggregates",
    "SimulationResult",
    "StepHistogram",
]
