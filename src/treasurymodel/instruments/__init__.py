"""The contract layer: what a treasury company owes, as frozen, validated records.

Each class holds terms only (never market data) and is validated at construction.
"""

from __future__ import annotations

from typing import TypeAlias

from .convertible import ConvertibleNote
from .loan import Amortization, TermLoan
from .note import Note
from .preferred import PreferredStock, RateStep
from .secured import SecuredNote, SpringingMaturity

__all__ = [
    "Amortization",
    "ConvertibleNote",
    "Debt",
    "Instrument",
    "INSTRUMENT_KINDS",
    "Note",
    "PreferredStock",
    "RateStep",
    "SecuredNote",
    "SpringingMaturity",
    "TermLoan",
]

Debt: TypeAlias = ConvertibleNote | SecuredNote | TermLoan | Note
"""Any instrument with a principal and a maturity."""

Instrument: TypeAlias = Debt | PreferredStock
"""Any instrument a company can carry."""

INSTRUMENT_KINDS: dict[str, type[Instrument]] = {
    cls.KIND: cls for cls in (TermLoan, ConvertibleNote, SecuredNote, Note, PreferredStock)
}
"""The one registry mapping a file's ``kind`` to its class."""
