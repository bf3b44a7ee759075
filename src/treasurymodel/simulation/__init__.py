"""Scenario simulation: a company stepped through price paths (issue 8) and Monte Carlo (issue 9).

The public names are re-exported from :mod:`treasurymodel`.
"""

from __future__ import annotations

# --- scenario engine (issue 8) ---
from .channels import (
    ChannelState,
    ConvertibleIssuance,
    FundingChannel,
    PreferredAtm,
    PreferredIssuance,
    TermLoanIssuance,
)
from .engine import RECORDABLE, simulate_paths
from .impact import ImpactModel
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

# --- watching the spiral (issue 13) ---
# isort: split
from .aggregates import SimulationAggregates
from .market import MarketResult, simulate_market
from .trace import EventTable, PathTraces

# --- Monte Carlo (issue 9) ---
# isort: split
from .models import GBM, BlockBootstrap, MertonJumpDiffusion, PriceModel
from .montecarlo import (
    BLOCK_PATHS,
    KEEP_PATHS_LIMIT,
    estimate_memory,
    price_paths,
    simulate,
    simulation_dates,
)

__all__ = [
    # scenario engine (issue 8)
    "MIN_SHARE_PRICE",
    "PATH_FIELDS",
    "PRESETS",
    "RECORDABLE",
    "CallablePremium",
    "ChannelState",
    "ConstantPremium",
    "ConvertibleIssuance",
    "FundingChannel",
    "FundingPolicy",
    "ImpactModel",
    "PeakCompressionPremium",
    "PremiumModel",
    "PreferredAtm",
    "PreferredIssuance",
    "PremiumState",
    "SimulationResult",
    "StepHistogram",
    "TermLoanIssuance",
    "accretive_share_price",
    "preset_names",
    "preset_path",
    "run_preset",
    "simulate_paths",
    # watching the spiral (issue 13)
    "EventTable",
    "MarketResult",
    "PathTraces",
    "SimulationAggregates",
    "simulate_market",
    # Monte Carlo (issue 9)
    "BLOCK_PATHS",
    "GBM",
    "KEEP_PATHS_LIMIT",
    "estimate_memory",
    "BlockBootstrap",
    "MertonJumpDiffusion",
    "PriceModel",
    "price_paths",
    "simulate",
    "simulation_dates",
]
