"""treasurymodel: capital structure and survival of digital-asset treasury companies.

The public names are curated here; everything else is an implementation detail.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from . import schedule
from .company import Company, Holdings, Market
from .errors import ConvergenceError, MissingFileError, TreasuryModelError, ValidationError
from .instruments import (
    INSTRUMENT_KINDS,
    Amortization,
    ConvertibleNote,
    Debt,
    Instrument,
    Note,
    PreferredStock,
    RateStep,
    SecuredNote,
    SpringingMaturity,
    TermLoan,
)

# --- metrics and capital events (issue 4) ---
# isort: split
from .events import (
    buy_btc,
    convert,
    issue_instrument,
    pledge,
    raise_equity,
    release,
    repay,
    sell_btc,
)
from .metrics import (
    Metrics,
    btc_dollar_gain,
    btc_gain,
    btc_rating,
    btc_ratings,
    btc_yield,
    metrics,
    share_price_for_mnav,
)

# --- liquidation (issue 5) ---
# isort: split
from .liquidation import (
    DueItem,
    MaturityWall,
    MaturityWallRow,
    NavSensitivity,
    coverage_break_price,
    dividend_coverage_months,
    joint_margin_call_price,
    margin_call_price,
    maturity_wall,
    nav_sensitivity,
    springing_trigger_price,
)

# --- io and datasets (issue 6) ---
# isort: split
from . import cli, datasets, plot
from .io import FORMAT_VERSION, MAX_FILE_BYTES, MAX_INSTRUMENTS, dump, dumps, load, loads

# --- valuation (issue 7) ---
# isort: split
from .valuation import (
    ConvertibleSensitivities,
    Curve,
    bond_floor,
    conversion_premium,
    convertible_sensitivities,
    convertible_value_at_btc_price,
    implied_credit_spread,
    implied_volatility,
    parity,
    value_convertible,
    value_preferred,
    value_zero_coupon_convertible,
)

# --- simulation (issues 8, 9) ---
# isort: split
from .simulation import (  # scenario engine (issue 8)
    CallablePremium,
    ConstantPremium,
    FundingPolicy,
    ImpactModel,
    PeakCompressionPremium,
    PremiumModel,
    PremiumState,
    SimulationResult,
    StepHistogram,
    preset_names,
    preset_path,
    run_preset,
    simulate_paths,
)

# isort: split
from .simulation import (  # Monte Carlo (issue 9)
    BLOCK_PATHS,
    GBM,
    BlockBootstrap,
    MertonJumpDiffusion,
    PriceModel,
    price_paths,
    simulate,
    simulation_dates,
)

# isort: split
from .simulation import (  # funding channels (issue 12)
    ChannelState,
    ConvertibleIssuance,
    FundingChannel,
    PreferredAtm,
    PreferredIssuance,
    TermLoanIssuance,
    accretive_share_price,
)

# isort: split
from .simulation import (  # watching the spiral (issue 13)
    KEEP_PATHS_LIMIT,
    EventTable,
    MarketResult,
    PathTraces,
    SimulationAggregates,
    estimate_memory,
    simulate_market,
)

# --- credit view (issue 14) ---
# isort: split
from . import credit
from .credit import (
    CreditTable as CreditTable,  # documented under treasurymodel.credit
)
from .credit import (
    SimulatedCredit as SimulatedCredit,  # documented under treasurymodel.credit
)
from .credit import (
    btc_credit_spread,
    btc_risk,
    btc_risks,
    credit_surplus,
    credit_table,
    effective_yield,
    market_spread,
    risk_from_spread,
    simulated_credit,
    spread_from_risk,
)

# --- side by side (issue 19) ---
# isort: split
from .compare import Comparison, ComparisonRow, compare

try:
    __version__ = version("treasurymodel")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = [
    # watching the spiral (issue 13)
    "EventTable",
    "KEEP_PATHS_LIMIT",
    "MarketResult",
    "PathTraces",
    "SimulationAggregates",
    "estimate_memory",
    "simulate_market",
    # credit view (issue 14); btc_rating, btc_ratings and CreditTable (importable from here
    # too) are documented under treasurymodel.credit
    "btc_credit_spread",
    "btc_risk",
    "btc_risks",
    "credit",
    "credit_surplus",
    "credit_table",
    "effective_yield",
    "market_spread",
    "risk_from_spread",
    "simulated_credit",
    "spread_from_risk",
    # end issue 14
    # side by side (issue 19)
    "Comparison",
    "ComparisonRow",
    "compare",
    # end issue 19
    # valuation (issue 7)
    "ConvertibleSensitivities",
    "Curve",
    "bond_floor",
    "conversion_premium",
    "convertible_sensitivities",
    "convertible_value_at_btc_price",
    "implied_credit_spread",
    "implied_volatility",
    "parity",
    "value_convertible",
    "value_preferred",
    "value_zero_coupon_convertible",
    # end issue 7
    # simulation: scenario engine (issue 8)
    "CallablePremium",
    "ConstantPremium",
    "FundingPolicy",
    "ImpactModel",
    "PeakCompressionPremium",
    "PremiumModel",
    "PremiumState",
    "SimulationResult",
    "StepHistogram",
    "preset_names",
    "preset_path",
    "run_preset",
    "simulate_paths",
    # end issue 8
    # simulation: Monte Carlo (issue 9)
    "BLOCK_PATHS",
    "GBM",
    "BlockBootstrap",
    "MertonJumpDiffusion",
    "PriceModel",
    "price_paths",
    "simulate",
    "simulation_dates",
    # end issue 9
    # simulation: funding channels (issue 12)
    "ChannelState",
    "ConvertibleIssuance",
    "FundingChannel",
    "PreferredAtm",
    "PreferredIssuance",
    "TermLoanIssuance",
    "accretive_share_price",
    # end issue 12
    # liquidation (issue 5)
    "DueItem",
    "MaturityWall",
    "MaturityWallRow",
    "NavSensitivity",
    "coverage_break_price",
    "dividend_coverage_months",
    "joint_margin_call_price",
    "margin_call_price",
    "maturity_wall",
    "nav_sensitivity",
    "springing_trigger_price",
    # end issue 5
    # io and datasets (issue 6)
    "FORMAT_VERSION",
    "MAX_FILE_BYTES",
    "MAX_INSTRUMENTS",
    "cli",
    "datasets",
    "plot",
    "dump",
    "dumps",
    "load",
    "loads",
    # end issue 6
    # metrics and capital events (issue 4)
    "Metrics",
    "btc_dollar_gain",
    "btc_gain",
    "btc_rating",
    "btc_ratings",
    "btc_yield",
    "metrics",
    "share_price_for_mnav",
    "buy_btc",
    "convert",
    "issue_instrument",
    "pledge",
    "raise_equity",
    "release",
    "repay",
    "sell_btc",
    # end issue 4
    "INSTRUMENT_KINDS",
    "Amortization",
    "Company",
    "ConvergenceError",
    "ConvertibleNote",
    "Debt",
    "Holdings",
    "Instrument",
    "Market",
    "Note",
    "PreferredStock",
    "RateStep",
    "SecuredNote",
    "SpringingMaturity",
    "TermLoan",
    "MissingFileError",
    "TreasuryModelError",
    "ValidationError",
    "__version__",
    "schedule",
]
