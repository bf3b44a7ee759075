"""treasurymodel: capital structure and survival of digital-asset treasury companies.

The top level holds what a newcomer needs: the company and its instruments, company files,
the balance-sheet metrics, break prices, capital events, the Monte Carlo entry point with its
price models, comparison, the credit entry points and the errors. Everything else lives in
the subpackage of its subject, each listed here as a module (``treasurymodel.simulation``,
``treasurymodel.valuation``, ``treasurymodel.credit``, ...). The command line
(``treasurymodel.cli``) is not imported with the package.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from . import (  # noqa: F401 - events: its functions are here, the module need not be
    assets,
    comparison,
    credit,
    datasets,
    events,
    instruments,
    io,
    kpi,
    liquidation,
    plot,
    schedule,
    simulation,
    valuation,
)
from ._results import Result
from .company import Company, Holdings, Market
from .comparison import compare
from .credit import credit_table, simulated_credit
from .errors import ConvergenceError, MissingFileError, TreasuryModelError, ValidationError
from .events import (
    buy_asset,
    convert,
    issue_instrument,
    pledge,
    raise_equity,
    release,
    repay,
    sell_asset,
)
from .instruments import ConvertibleNote, Note, PreferredStock, SecuredNote, TermLoan
from .io import dump, dumps, load, loads
from .kpi import Metrics, btc_yield, metrics
from .liquidation import (
    coverage_break_price,
    joint_margin_call_price,
    margin_call_price,
    maturity_wall,
    nav_sensitivity,
    springing_trigger_price,
)
from .simulation import GBM, BlockBootstrap, MertonJumpDiffusion, simulate

try:
    __version__ = version("treasurymodel")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = [
    # the company and its instruments
    "Company",
    "Holdings",
    "Market",
    "ConvertibleNote",
    "Note",
    "PreferredStock",
    "SecuredNote",
    "TermLoan",
    # company files
    "dump",
    "dumps",
    "load",
    "loads",
    # balance-sheet metrics
    "Metrics",
    "btc_yield",
    "metrics",
    # break prices
    "coverage_break_price",
    "joint_margin_call_price",
    "margin_call_price",
    "maturity_wall",
    "nav_sensitivity",
    "springing_trigger_price",
    # capital events
    "buy_asset",
    "convert",
    "issue_instrument",
    "pledge",
    "raise_equity",
    "release",
    "repay",
    "sell_asset",
    # Monte Carlo
    "GBM",
    "BlockBootstrap",
    "MertonJumpDiffusion",
    "simulate",
    # comparison and the credit view
    "compare",
    "credit_table",
    "simulated_credit",
    # the protocol every result follows
    "Result",
    # errors
    "ConvergenceError",
    "MissingFileError",
    "TreasuryModelError",
    "ValidationError",
    # subject modules
    "assets",
    "comparison",
    "credit",
    "datasets",
    "instruments",
    "io",
    "kpi",
    "liquidation",
    "plot",
    "schedule",
    "simulation",
    "valuation",
    "__version__",
]

_MOVED: dict[str, str] = {
    **dict.fromkeys(
        (
            "INSTRUMENT_KINDS",
            "Amortization",
            "Debt",
            "Instrument",
            "RateStep",
            "SpringingMaturity",
        ),
        "instruments",
    ),
    **dict.fromkeys(("btc_dollar_gain", "btc_gain", "share_price_for_mnav"), "kpi"),
    **dict.fromkeys(
        (
            "CreditTable",
            "SimulatedCredit",
            "btc_credit_spread",
            "btc_rating",
            "btc_ratings",
            "btc_risk",
            "btc_risks",
            "credit_surplus",
            "effective_yield",
            "market_spread",
            "risk_from_spread",
            "spread_from_risk",
        ),
        "credit",
    ),
    **dict.fromkeys(
        (
            "DueItem",
            "MaturityWall",
            "MaturityWallRow",
            "NavSensitivity",
            "dividend_coverage_months",
        ),
        "liquidation",
    ),
    **dict.fromkeys(("FORMAT_VERSION", "MAX_FILE_BYTES", "MAX_INSTRUMENTS"), "io"),
    **dict.fromkeys(
        (
            "ConvertibleSensitivities",
            "Curve",
            "bond_floor",
            "conversion_premium",
            "convertible_sensitivities",
            "convertible_value_at_asset_price",
            "implied_credit_spread",
            "implied_volatility",
            "parity",
            "value_convertible",
            "value_preferred",
            "value_zero_coupon_convertible",
        ),
        "valuation",
    ),
    **dict.fromkeys(
        (
            "CallablePremium",
            "ChannelState",
            "ConstantPremium",
            "ConvertibleIssuance",
            "EventTable",
            "FundingChannel",
            "FundingPolicy",
            "ImpactModel",
            "KEEP_PATHS_LIMIT",
            "MarketResult",
            "PathTraces",
            "PeakCompressionPremium",
            "PreferredAtm",
            "PreferredIssuance",
            "PremiumModel",
            "PremiumState",
            "PriceModel",
            "SimulationAggregates",
            "SimulationResult",
            "StepHistogram",
            "TermLoanIssuance",
            "accretive_share_price",
            "estimate_memory",
            "preset_names",
            "preset_path",
            "run_preset",
            "simulate_market",
            "simulate_paths",
            "simulation_dates",
        ),
        "simulation",
    ),
    **dict.fromkeys(("BLOCK_PATHS", "price_paths"), "simulation.montecarlo"),
    **dict.fromkeys(("Comparison", "ComparisonRow"), "comparison"),
}
"""Names of version 0.1's top level -> the module that holds them now (see the CHANGELOG)."""


if not TYPE_CHECKING:  # a type checker should flag a moved name, not accept it as Any

    def __getattr__(name: str) -> Any:
        """Say where a name of version 0.1's top level went (``treasurymodel.cli``: import it).

        Examples
        --------
        >>> import treasurymodel
        >>> getattr(treasurymodel, "Curve")
        Traceback (most recent call last):
        ...
        AttributeError: treasurymodel.Curve moved to treasurymodel.valuation.Curve
        """
        if name in _MOVED:
            where = f"treasurymodel.{_MOVED[name]}"
            raise AttributeError(f"treasurymodel.{name} moved to {where}.{name}")
        raise AttributeError(f"module 'treasurymodel' has no attribute {name!r}")
