"""The contract layer: what a treasury company owes, as frozen, validated records.

Each class holds terms only (never market data) and is validated at construction. What a kind
can do is declared by the protocols of :mod:`.capabilities`; :mod:`.registry` maps file tags to
classes (:data:`INSTRUMENT_KINDS`) and holds a representative example of every kind.
"""

from __future__ import annotations

from .convertible import ConvertibleNote
from .loan import Amortization, TermLoan
from .note import Note
from .preferred import PreferredStock, RateStep
from .registry import INSTRUMENT_KINDS as _KINDS
from .registry import Debt, Instrument
from .secured import SecuredNote, SpringingMaturity

INSTRUMENT_KINDS = _KINDS
"""The one registry mapping a file's ``kind`` to its class (see :mod:`.registry`).

Examples
--------
>>> from treasurymodel.instruments import INSTRUMENT_KINDS
>>> INSTRUMENT_KINDS["term_loan"].__name__
'TermLoan'
"""

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
