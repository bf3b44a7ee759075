"""treasurymodel: capital structure and survival of digital-asset treasury companies.

The public names are curated here; everything else is an implementation detail.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from . import schedule
from .company import Company, Holdings, Market
from .errors import ConvergenceError, TreasuryModelError, ValidationError
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
# --- liquidation (issue 5) ---
# --- io and datasets (issue 6) ---
# --- valuation (issue 7) ---
# --- simulation (issues 8, 9) ---

try:
    __version__ = version("treasurymodel")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = [
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
    "TreasuryModelError",
    "ValidationError",
    "__version__",
    "schedule",
]
