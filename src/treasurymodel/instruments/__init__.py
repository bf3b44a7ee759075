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
"""Any instrument with a principal and a maturity.

Examples
--------
>>> import datetime as dt
>>> from treasurymodel import Note, PreferredStock
>>> from treasurymodel.instruments import Debt
>>> isinstance(Note(name="n", principal=1e6, maturity=dt.date(2030, 1, 1)), Debt)
True
>>> isinstance(PreferredStock(name="p", notional=1e6, rate=0.1), Debt)
False
"""

Instrument: TypeAlias = Debt | PreferredStock
"""Any instrument a company can carry.

Examples
--------
>>> from treasurymodel import PreferredStock
>>> from treasurymodel.instruments import Instrument
>>> isinstance(PreferredStock(name="p", notional=1e6, rate=0.1), Instrument)
True
"""

INSTRUMENT_KINDS: dict[str, type[Instrument]] = {
    cls.KIND: cls for cls in (TermLoan, ConvertibleNote, SecuredNote, Note, PreferredStock)
}
"""The one registry mapping a file's ``kind`` to its class.

Examples
--------
>>> from treasurymodel.instruments import INSTRUMENT_KINDS
>>> INSTRUMENT_KINDS["convertible_note"].__name__
'ConvertibleNote'
>>> sorted(INSTRUMENT_KINDS)
['convertible_note', 'note', 'preferred_stock', 'secured_note', 'term_loan']
"""
