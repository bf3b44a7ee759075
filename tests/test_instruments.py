"""Tests of the contract layer (issue 3): construction, derived terms, bad input, pickling.

Published figures come from /work/shared/domain/strategy-facts.md (Strategy's filings and
dashboard, February 2026) and the file format from /work/shared/design/file-format.md.
"""

from __future__ import annotations

import datetime as dt
import math
import pickle
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import treasurymodel
from tests.mstr_facts import (
    LOAN_2022,
    NOTE_2028,
    NOTE_2029,
    NOTE_2030A,
    NOTE_2030B,
    NOTE_2031,
    NOTE_2032,
    mstr_2026_02,
)
from tests.strategies import (
    convertible_notes,
    instruments,
    preferred_stocks,
    secured_notes,
    term_loans,
)
from treasurymodel import (
    Company,
    ConvertibleNote,
    Holdings,
    Market,
    Note,
    PreferredStock,
    SecuredNote,
    TermLoan,
    ValidationError,
)
from treasurymodel.instruments import (
    INSTRUMENT_KINDS,
    Amortization,
    Instrument,
    RateStep,
    SpringingMaturity,
)

D = dt.date

# The February 2026 convertibles (strategy-facts.md, "mstr-2026-02") are built by hand in
# tests/mstr_facts.py.


# --- construction and derived terms -----------------------------------------------------


@pytest.mark.parametrize(
    ("note", "published_thousands"),
    [
        # "convert shares 26,440 (2028: 5,513; 2029: 4,462; 2030A: 5,342; 2030B: 4,614;
        # 2031: 2,594; 2032: 3,915)" -- strategy-facts.md. By hand: principal / price,
        # e.g. 1,010e6 / 183.19 = 5,513,401 shares.
        (NOTE_2028, 5_513),
        (NOTE_2029, 4_462),
        (NOTE_2030A, 5_342),
        (NOTE_2030B, 4_614),
        (NOTE_2031, 2_594),
        (NOTE_2032, 3_915),
    ],
)
def test_published_conversion_shares(note: ConvertibleNote, published_thousands: int) -> None:
    assert round(note.shares_on_conversion / 1000) == published_thousands


def test_published_total_convert_shares() -> None:
    notes = [NOTE_2028, NOTE_2029, NOTE_2030A, NOTE_2030B, NOTE_2031, NOTE_2032]
    assert round(sum(n.shares_on_conversion for n in notes) / 1000) == 26_440


def test_conversion_rate_derived_from_price() -> None:
    # 1000 / 183.19 = 5.45881... shares per 1,000 of principal.
    assert NOTE_2028.conversion_rate == pytest.approx(5.45881, abs=5e-6)
    assert NOTE_2028.conversion_price == 183.19


def test_conversion_price_derived_from_rate() -> None:
    note = ConvertibleNote(
        name="n", principal=1e6, issued=D(2020, 1, 1), maturity=D(2025, 1, 1), conversion_rate=4.0
    )
    assert note.conversion_price == 250.0  # 1000 / 4
    assert note.shares_on_conversion == 4_000.0  # 1e6 / 1000 * 4


def test_conversion_price_and_rate_may_both_be_given_if_they_agree() -> None:
    # A filing rounds the rate: 1000 / 183.19 = 5.4588 to four places, within 0.5%.
    note = ConvertibleNote(
        name="n",
        principal=1e6,
        issued=D(2020, 1, 1),
        maturity=D(2025, 1, 1),
        conversion_price=183.19,
        conversion_rate=5.4588,
    )
    assert note.conversion_rate == 5.4588
    assert note.conversion_price == 183.19


def test_defaults_of_convertible() -> None:
    note = ConvertibleNote(
        name="n", principal=1e6, issued=D(2020, 1, 1), maturity=D(2025, 1, 1), conversion_rate=4
    )
    assert note.frequency == 2
    assert note.coupon == 0.0
    assert note.put_price == 1.0  # puts at 100% by default
    assert note.call_price == 1.0
    assert note.puts == ()
    assert note.call_from is None
    assert note.currency is None


def test_strf_dividend_per_quarter() -> None:
    # STRF: $1,284.0M at 10% paid quarterly -> 1,284.0 * 0.10 / 4 = $32.1M a quarter.
    strf = PreferredStock(name="STRF", notional=1_284.0e6, rate=0.10, frequency=4)
    assert strf.dividend_per_period == pytest.approx(32.1e6, rel=1e-12)
    assert strf.shares == pytest.approx(12.84e6, rel=1e-12)  # $1,284.0M / $100


def test_strk_from_shares_and_conversion() -> None:
    # STRK: 14,021,000 shares of $100 = $1,402.1M; 0.1 common share each -> 1,402,100
    # ("STRK conversion shares 1,402" thousand, strategy-facts.md).
    strk = PreferredStock.from_shares(
        name="STRK", shares=14_021_000, rate=0.08, conversion_ratio=0.1
    )
    assert strk.notional == 1_402.1e6
    assert strk.conversion_shares == pytest.approx(1_402_100.0, rel=1e-12)


def test_stated_amount_x_shares() -> None:
    pref = PreferredStock.from_shares(name="E", shares=7_750_000, stated_amount=100.0, rate=0.1)
    assert pref.notional == 775e6
    assert pref.shares == 7_750_000


def test_strc_rate_schedule_lookup() -> None:
    # STRC: 9.00% at launch (Aug 2025), 10.00% Sep, ..., 11.25% Feb 2026.
    strc = PreferredStock(
        name="STRC",
        notional=3_379.5e6,
        rate=0.09,
        frequency=12,
        rate_schedule=[
            RateStep(date=D(2025, 9, 1), rate=0.10),
            RateStep(date=D(2025, 10, 1), rate=0.1025),
            RateStep(date=D(2026, 2, 1), rate=0.1125),
        ],
    )
    assert strc.rate_on(D(2025, 8, 31)) == 0.09  # before the first step: the base rate
    assert strc.rate_on(D(2025, 9, 1)) == 0.10  # a step applies from its date on
    assert strc.rate_on(D(2025, 9, 30)) == 0.10
    assert strc.rate_on(D(2026, 1, 31)) == 0.1025
    assert strc.rate_on(D(2030, 1, 1)) == 0.1125


def test_term_loan_rates() -> None:
    # 2022 BTC-backed term loan: SOFR + 3.70%, floor 3.75%.
    loan = LOAN_2022
    assert loan.frequency == 12
    assert loan.interest_rate() == 0.0375  # no index given: the assumed rate
    assert loan.interest_rate(0.05) == pytest.approx(0.087, abs=1e-15)  # 5% + 3.70%
    assert loan.interest_rate(0.0) == 0.0375  # 0% + 3.70% < floor 3.75%
    fixed = attrs.evolve(loan, spread=None, floor=None)
    assert fixed.interest_rate(0.05) == 0.0375  # a fixed loan ignores the index
    no_floor = attrs.evolve(loan, floor=None)
    assert no_floor.interest_rate(0.0) == pytest.approx(0.037, abs=1e-15)


def test_secured_note_clauses_sorted_by_date() -> None:
    first = SpringingMaturity(date=D(2025, 9, 15), reference="2025 notes", liquidity_multiple=1.3)
    second = SpringingMaturity(date=D(2026, 11, 16), reference="2027 notes")
    note = SecuredNote(
        name="6.125% due 2028",
        principal=500e6,
        coupon=0.06125,
        issued=D(2021, 6, 14),
        maturity=D(2028, 6, 15),
        pledged_units=14_590,
        springing=[second, first],
    )
    assert note.springing == (first, second)
    assert second.liquidity_multiple == 1.0  # default multiple
    assert second.min_outstanding is None


def test_lists_become_tuples() -> None:
    loan = TermLoan(
        name="L",
        principal=100.0,
        issued=D(2024, 1, 1),
        maturity=D(2026, 1, 1),
        amortization=[Amortization(date=D(2025, 1, 1), amount=10.0)],
    )
    assert isinstance(loan.amortization, tuple)
    assert isinstance(NOTE_2028.puts, tuple)


def test_note_issue_date_optional() -> None:
    note = Note(name="Other secured debt", principal=11e6, maturity=D(2027, 6, 30))
    assert note.issued is None
    assert note.coupon == 0.0
    assert note.frequency == 2


def test_ints_become_floats() -> None:
    note = Note(name="n", principal=11_000_000, maturity=D(2027, 6, 30))
    assert type(note.principal) is float


# --- the contract-layer shape: frozen, keyword-only, exported, file-format keys ----------

ALL_CLASSES: list[type[Any]] = [
    ConvertibleNote,
    SecuredNote,
    SpringingMaturity,
    TermLoan,
    Amortization,
    Note,
    PreferredStock,
    RateStep,
]


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda c: c.__name__)
def test_classes_are_exported(cls: type[Any]) -> None:
    # every class in treasurymodel.instruments; the kinds (not their parts) at the top level too
    assert cls.__name__ in treasurymodel.instruments.__all__
    assert getattr(treasurymodel.instruments, cls.__name__) is cls
    if cls.__name__ not in ("Amortization", "RateStep", "SpringingMaturity"):
        assert getattr(treasurymodel, cls.__name__) is cls


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda c: c.__name__)
def test_classes_are_frozen_and_keyword_only(cls: type[Any]) -> None:
    assert attrs.has(cls)
    assert all(f.kw_only for f in attrs.fields(cls))


def test_frozen_assignment_refused() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        NOTE_2028.principal = 1.0  # type: ignore[misc]


def test_positional_arguments_refused() -> None:
    with pytest.raises(TypeError):
        Note("n", 1e6, 0.01)  # type: ignore[call-arg]


def test_instrument_kinds_registry() -> None:
    # The ``kind`` keys of file-format.md.
    expected: dict[str, type[Any]] = {
        "term_loan": TermLoan,
        "convertible_note": ConvertibleNote,
        "secured_note": SecuredNote,
        "note": Note,
        "preferred_stock": PreferredStock,
    }
    assert expected == INSTRUMENT_KINDS


@pytest.mark.parametrize(
    ("cls", "keys"),
    [
        # Keys used in the file-format.md example (and the commented optional ones).
        (
            TermLoan,
            {"name", "principal", "rate", "issued", "maturity", "max_ltv", "pledged_units"},
        ),
        (
            ConvertibleNote,
            {
                "name",
                "principal",
                "coupon",
                "frequency",
                "issued",
                "maturity",
                "conversion_price",
                "puts",
                "put_price",
                "call_from",
                "call_trigger",
            },
        ),
        (
            SecuredNote,
            {
                "name",
                "principal",
                "coupon",
                "frequency",
                "issued",
                "maturity",
                "pledged_units",
                "springing",
            },
        ),
        (SpringingMaturity, {"date", "reference", "liquidity_multiple", "min_outstanding"}),
        (Note, {"name", "principal", "maturity"}),
        (
            PreferredStock,
            {
                "name",
                "notional",
                "currency",
                "rate",
                "frequency",
                "cumulative",
                "seniority",
                "conversion_ratio",
            },
        ),
    ],
    ids=lambda x: x.__name__ if isinstance(x, type) else "",
)
def test_field_names_are_file_format_keys(cls: type[Any], keys: set[str]) -> None:
    names = {f.name for f in attrs.fields(cls)}
    assert keys <= names


# --- bad input: every invalid term names the field and the value ------------------------

_CVT: dict[str, Any] = {
    "name": "c",
    "principal": 1e9,
    "coupon": 0.01,
    "issued": D(2024, 1, 1),
    "maturity": D(2030, 1, 1),
    "conversion_price": 100.0,
}
_SEC: dict[str, Any] = {
    "name": "s",
    "principal": 5e8,
    "coupon": 0.06,
    "issued": D(2021, 6, 14),
    "maturity": D(2028, 6, 15),
}
_LOAN: dict[str, Any] = {
    "name": "l",
    "principal": 2e8,
    "rate": 0.04,
    "issued": D(2022, 3, 23),
    "maturity": D(2025, 3, 23),
}
_NOTE: dict[str, Any] = {"name": "n", "principal": 1e7, "maturity": D(2027, 6, 30)}
_PREF: dict[str, Any] = {"name": "p", "notional": 1e9, "rate": 0.1}
_CLAUSE: dict[str, Any] = {"date": D(2025, 9, 15), "reference": "r"}
_NAN = float("nan")
_INF = float("inf")


def _clause(**kw: Any) -> SpringingMaturity:
    return SpringingMaturity(**{**_CLAUSE, **kw})


def _case(cls: type[Any], overrides: dict[str, Any], field: str, value: Any, id_: str) -> Any:
    return pytest.param(cls, overrides, field, value, id=id_)


BASES: dict[type[Any], dict[str, Any]] = {
    ConvertibleNote: _CVT,
    SecuredNote: _SEC,
    TermLoan: _LOAN,
    Note: _NOTE,
    PreferredStock: _PREF,
    SpringingMaturity: _CLAUSE,
    Amortization: {"date": D(2024, 1, 1), "amount": 1e6},
    RateStep: {"date": D(2025, 9, 1), "rate": 0.1},
}

BAD_INPUT = [
    # maturity on or before issue
    _case(ConvertibleNote, {"maturity": D(2024, 1, 1)}, "ConvertibleNote.maturity",
          D(2024, 1, 1), "cvt-maturity-on-issue"),
    _case(ConvertibleNote, {"maturity": D(2023, 1, 1)}, "ConvertibleNote.maturity",
          D(2023, 1, 1), "cvt-maturity-before-issue"),
    _case(SecuredNote, {"maturity": D(2021, 6, 14)}, "SecuredNote.maturity", D(2021, 6, 14),
          "sec-maturity-on-issue"),
    _case(TermLoan, {"maturity": D(2021, 1, 1)}, "TermLoan.maturity", D(2021, 1, 1),
          "loan-maturity-before-issue"),
    _case(Note, {"issued": D(2027, 6, 30)}, "Note.maturity", D(2027, 6, 30),
          "note-maturity-on-issue"),
    # negative or zero principal / notional / amounts
    _case(ConvertibleNote, {"principal": 0.0}, "ConvertibleNote.principal", 0.0, "cvt-zero"),
    _case(ConvertibleNote, {"principal": -1e6}, "ConvertibleNote.principal", -1e6, "cvt-neg"),
    _case(SecuredNote, {"principal": -1.0}, "SecuredNote.principal", -1.0, "sec-neg"),
    _case(TermLoan, {"principal": 0}, "TermLoan.principal", 0.0, "loan-zero"),
    _case(Note, {"principal": -5}, "Note.principal", -5.0, "note-neg"),
    _case(PreferredStock, {"notional": 0.0}, "PreferredStock.notional", 0.0, "pref-zero"),
    _case(PreferredStock, {"notional": -1e9}, "PreferredStock.notional", -1e9, "pref-neg"),
    _case(Amortization, {"amount": 0.0}, "Amortization.amount", 0.0, "amort-zero"),
    _case(SecuredNote, {"pledged_units": -1.0}, "SecuredNote.pledged_units", -1.0,
          "sec-pledged-neg"),
    _case(TermLoan, {"pledged_units": -3.0}, "TermLoan.pledged_units", -3.0, "loan-pledged-neg"),
    _case(PreferredStock, {"stated_amount": 0.0}, "PreferredStock.stated_amount", 0.0,
          "pref-stated-zero"),
    _case(PreferredStock, {"conversion_ratio": -0.1}, "PreferredStock.conversion_ratio", -0.1,
          "pref-conv-ratio-neg"),
    _case(ConvertibleNote, {"put_price": 0.0}, "ConvertibleNote.put_price", 0.0,
          "cvt-put-price-zero"),
    _case(ConvertibleNote, {"call_price": -1.0}, "ConvertibleNote.call_price", -1.0,
          "cvt-call-price-neg"),
    _case(SpringingMaturity, {"liquidity_multiple": 0.0}, "SpringingMaturity.liquidity_multiple",
          0.0, "clause-multiple-zero"),
    _case(SpringingMaturity, {"min_outstanding": -1.0}, "SpringingMaturity.min_outstanding",
          -1.0, "clause-min-neg"),
    # NaN or infinite numbers
    _case(ConvertibleNote, {"principal": _NAN}, "ConvertibleNote.principal", _NAN, "cvt-nan"),
    _case(ConvertibleNote, {"principal": _INF}, "ConvertibleNote.principal", _INF, "cvt-inf"),
    _case(ConvertibleNote, {"coupon": _NAN}, "ConvertibleNote.coupon", _NAN, "cvt-coupon-nan"),
    _case(ConvertibleNote, {"conversion_price": _INF}, "ConvertibleNote.conversion_price", _INF,
          "cvt-price-inf"),
    _case(TermLoan, {"rate": _NAN}, "TermLoan.rate", _NAN, "loan-rate-nan"),
    _case(TermLoan, {"max_ltv": _NAN}, "TermLoan.max_ltv", _NAN, "loan-ltv-nan"),
    _case(PreferredStock, {"notional": -_INF}, "PreferredStock.notional", -_INF, "pref-ninf"),
    _case(PreferredStock, {"rate": _NAN}, "PreferredStock.rate", _NAN, "pref-rate-nan"),
    _case(SecuredNote, {"pledged_units": _INF}, "SecuredNote.pledged_units", _INF,
          "sec-pledged-inf"),
    _case(RateStep, {"rate": _NAN}, "RateStep.rate", _NAN, "step-rate-nan"),
    # not a number at all (a bool is not an amount)
    _case(Note, {"principal": True}, "Note.principal", True, "note-bool"),
    _case(Note, {"principal": "1e6"}, "Note.principal", "1e6", "note-str"),
    # coupon or rate outside [0, 1)
    _case(ConvertibleNote, {"coupon": 1.0}, "ConvertibleNote.coupon", 1.0, "cvt-coupon-1"),
    _case(ConvertibleNote, {"coupon": -0.001}, "ConvertibleNote.coupon", -0.001,
          "cvt-coupon-neg"),
    _case(SecuredNote, {"coupon": 6.125}, "SecuredNote.coupon", 6.125, "sec-coupon-percent"),
    _case(Note, {"coupon": 1.5}, "Note.coupon", 1.5, "note-coupon"),
    _case(TermLoan, {"rate": 1.0}, "TermLoan.rate", 1.0, "loan-rate-1"),
    _case(TermLoan, {"rate": -0.01}, "TermLoan.rate", -0.01, "loan-rate-neg"),
    _case(TermLoan, {"floor": -0.01}, "TermLoan.floor", -0.01, "loan-floor-neg"),
    _case(TermLoan, {"spread": 1.0}, "TermLoan.spread", 1.0, "loan-spread-1"),
    _case(PreferredStock, {"rate": 1.0}, "PreferredStock.rate", 1.0, "pref-rate-1"),
    _case(PreferredStock, {"rate": -0.1}, "PreferredStock.rate", -0.1, "pref-rate-neg"),
    _case(PreferredStock, {"unpaid_rate": 1.2}, "PreferredStock.unpaid_rate", 1.2,
          "pref-unpaid-rate"),
    _case(PreferredStock, {"unpaid_step": 1.0}, "PreferredStock.unpaid_step", 1.0,
          "pref-unpaid-step"),
    _case(PreferredStock, {"unpaid_cap": 1.0}, "PreferredStock.unpaid_cap", 1.0,
          "pref-unpaid-cap"),
    _case(RateStep, {"rate": 1.0}, "RateStep.rate", 1.0, "step-rate-1"),
    # LTV outside (0, 1]
    _case(TermLoan, {"max_ltv": 0.0}, "TermLoan.max_ltv", 0.0, "ltv-zero"),
    _case(TermLoan, {"max_ltv": -0.5}, "TermLoan.max_ltv", -0.5, "ltv-neg"),
    _case(TermLoan, {"max_ltv": 1.01}, "TermLoan.max_ltv", 1.01, "ltv-above-1"),
    _case(TermLoan, {"max_ltv": 50.0}, "TermLoan.max_ltv", 50.0, "ltv-percent"),
    # conversion price <= 0, conversion rate <= 0, neither, or disagreeing
    _case(ConvertibleNote, {"conversion_price": 0.0}, "ConvertibleNote.conversion_price", 0.0,
          "price-zero"),
    _case(ConvertibleNote, {"conversion_price": -10.0}, "ConvertibleNote.conversion_price",
          -10.0, "price-neg"),
    _case(ConvertibleNote, {"conversion_price": None, "conversion_rate": 0.0},
          "ConvertibleNote.conversion_rate", 0.0, "rate-zero"),
    _case(ConvertibleNote, {"conversion_price": None}, "ConvertibleNote.conversion_price", None,
          "price-and-rate-missing"),
    # 1000 / 100 = 10 shares per 1,000; 11 is 10% off.
    _case(ConvertibleNote, {"conversion_rate": 11.0}, "ConvertibleNote.conversion_rate", 11.0,
          "price-rate-disagree"),
    # put, call, springing and amortization dates outside the instrument's life
    _case(ConvertibleNote, {"puts": [D(2024, 1, 1)]}, "ConvertibleNote.puts", D(2024, 1, 1),
          "put-on-issue"),
    _case(ConvertibleNote, {"puts": [D(2023, 6, 1)]}, "ConvertibleNote.puts", D(2023, 6, 1),
          "put-before-issue"),
    _case(ConvertibleNote, {"puts": [D(2030, 1, 2)]}, "ConvertibleNote.puts", D(2030, 1, 2),
          "put-after-maturity"),
    _case(ConvertibleNote, {"puts": [D(2028, 1, 1), D(2027, 1, 1)]}, "ConvertibleNote.puts",
          (D(2028, 1, 1), D(2027, 1, 1)), "puts-out-of-order"),
    _case(ConvertibleNote, {"puts": "2027-01-01"}, "ConvertibleNote.puts", "2027-01-01",
          "puts-string"),
    _case(ConvertibleNote, {"puts": ["2027-01-01"]}, "ConvertibleNote.puts", "2027-01-01",
          "puts-string-item"),
    _case(ConvertibleNote, {"call_from": D(2031, 1, 1)}, "ConvertibleNote.call_from",
          D(2031, 1, 1), "call-after-maturity"),
    _case(ConvertibleNote, {"call_trigger": 1.3}, "ConvertibleNote.call_trigger", 1.3,
          "trigger-without-call"),
    _case(SecuredNote, {"springing": [_clause(date=D(2028, 6, 16))]}, "SecuredNote.springing.date",
          D(2028, 6, 16), "springing-after-maturity"),
    _case(SecuredNote, {"springing": [_clause(date=D(2021, 6, 14))]}, "SecuredNote.springing.date",
          D(2021, 6, 14), "springing-on-issue"),
    _case(SecuredNote, {"springing": [_clause(), _clause(reference="x")]}, "SecuredNote.springing",
          [D(2025, 9, 15), D(2025, 9, 15)], "springing-duplicate-dates"),
    _case(SecuredNote, {"springing": ["2025-09-15"]}, "SecuredNote.springing", ("2025-09-15",),
          "springing-not-a-clause"),
    _case(TermLoan, {"amortization": [Amortization(date=D(2026, 1, 1), amount=1e6)]},
          "TermLoan.amortization.date", D(2026, 1, 1), "amortization-after-maturity"),
    _case(TermLoan, {"amortization": [Amortization(date=D(2024, 1, 1), amount=1e6),
                                      Amortization(date=D(2023, 1, 1), amount=1e6)]},
          "TermLoan.amortization", [D(2024, 1, 1), D(2023, 1, 1)], "amortization-out-of-order"),
    # 1.5e8 + 1e8 = 2.5e8 > principal 2e8
    _case(TermLoan, {"amortization": [Amortization(date=D(2023, 1, 1), amount=1.5e8),
                                      Amortization(date=D(2024, 1, 1), amount=1e8)]},
          "TermLoan.amortization", 2.5e8, "amortization-exceeds-principal"),
    # an unsupported frequency
    _case(ConvertibleNote, {"frequency": 3}, "ConvertibleNote.frequency", 3, "freq-3"),
    _case(ConvertibleNote, {"frequency": 0}, "ConvertibleNote.frequency", 0, "freq-0"),
    _case(SecuredNote, {"frequency": 6}, "SecuredNote.frequency", 6, "freq-6"),
    _case(TermLoan, {"frequency": 52}, "TermLoan.frequency", 52, "freq-weekly"),
    _case(Note, {"frequency": 2.0}, "Note.frequency", 2.0, "freq-float"),
    _case(Note, {"frequency": True}, "Note.frequency", True, "freq-bool"),
    _case(PreferredStock, {"frequency": 365}, "PreferredStock.frequency", 365, "freq-daily"),
    # a rate schedule out of order
    _case(PreferredStock, {"rate_schedule": [RateStep(date=D(2025, 10, 1), rate=0.1),
                                             RateStep(date=D(2025, 9, 1), rate=0.1)]},
          "PreferredStock.rate_schedule", [D(2025, 10, 1), D(2025, 9, 1)], "schedule-order"),
    _case(PreferredStock, {"rate_schedule": [RateStep(date=D(2025, 9, 1), rate=0.1),
                                             RateStep(date=D(2025, 9, 1), rate=0.11)]},
          "PreferredStock.rate_schedule", [D(2025, 9, 1), D(2025, 9, 1)], "schedule-duplicate"),
    _case(PreferredStock, {"rate_schedule": [0.1]}, "PreferredStock.rate_schedule", (0.1,),
          "schedule-not-steps"),
    # other preferred terms
    _case(PreferredStock, {"cumulative": "yes"}, "PreferredStock.cumulative", "yes",
          "cumulative-str"),
    _case(PreferredStock, {"cumulative": 1}, "PreferredStock.cumulative", 1, "cumulative-int"),
    _case(PreferredStock, {"seniority": 0}, "PreferredStock.seniority", 0, "seniority-0"),
    _case(PreferredStock, {"seniority": 1.5}, "PreferredStock.seniority", 1.5,
          "seniority-float"),
    _case(PreferredStock, {"unpaid_rate": 0.11, "unpaid_cap": 0.10}, "PreferredStock.unpaid_cap",
          0.10, "cap-below-unpaid-rate"),
    _case(PreferredStock, {"unpaid_cap": 0.05}, "PreferredStock.unpaid_cap", 0.05,
          "cap-below-rate"),
    _case(PreferredStock, {"cumulative": False, "unpaid_rate": 0.11},
          "PreferredStock.unpaid_rate", 0.11, "unpaid-rate-non-cumulative"),
    # names, dates, currencies
    _case(Note, {"name": ""}, "Note.name", "", "name-empty"),
    _case(Note, {"name": " padded "}, "Note.name", " padded ", "name-padded"),
    _case(PreferredStock, {"name": 5}, "PreferredStock.name", 5, "name-int"),
    _case(SpringingMaturity, {"reference": ""}, "SpringingMaturity.reference", "",
          "reference-empty"),
    _case(Note, {"maturity": "2027-06-30"}, "Note.maturity", "2027-06-30", "date-str"),
    _case(ConvertibleNote, {"issued": dt.datetime(2024, 1, 1, 12, 0)}, "ConvertibleNote.issued",
          dt.datetime(2024, 1, 1, 12, 0), "datetime-not-date"),
    _case(ConvertibleNote, {"currency": "usd"}, "ConvertibleNote.currency", "usd",
          "ccy-lower"),
    _case(PreferredStock, {"currency": "EURO"}, "PreferredStock.currency", "EURO", "ccy-long"),
    _case(Note, {"currency": "US"}, "Note.currency", "US", "ccy-short"),
    # Found in review: a derived term overflowed to inf; a call before issue was accepted.
    _case(ConvertibleNote, {"conversion_price": None, "conversion_rate": 1e-320},
          "ConvertibleNote.conversion_rate", 1e-320, "cvt-rate-overflows-price"),
    _case(ConvertibleNote, {"conversion_price": 1e-320}, "ConvertibleNote.conversion_price",
          1e-320, "cvt-price-overflows-rate"),
    _case(PreferredStock, {"issued": D(2025, 1, 1), "call_from": D(2024, 12, 31)},
          "PreferredStock.call_from", D(2024, 12, 31), "pref-call-before-issue"),
    _case(Note, {"principal": np.array([1e6, 2e6])}, "Note.principal", None, "principal-array"),
    _case(Note, {"principal": 10**400}, "Note.principal", 10**400, "principal-huge-int"),
    _case(PreferredStock, {"seniority": np.float64(2.0)}, "PreferredStock.seniority",
          np.float64(2.0), "seniority-float"),
    _case(Note, {"frequency": np.float64(2.0)}, "Note.frequency", np.float64(2.0),
          "frequency-float"),
]  # fmt: skip


@pytest.mark.parametrize(("cls", "overrides", "field", "value"), BAD_INPUT)
def test_bad_input_names_field_and_value(
    cls: type[Any], overrides: dict[str, Any], field: str, value: Any
) -> None:
    with pytest.raises(ValidationError) as info:
        cls(**{**BASES[cls], **overrides})
    err = info.value
    assert isinstance(err, ValueError)
    assert err.field == field
    if isinstance(value, float) and math.isnan(value):
        assert isinstance(err.value, float)
        assert math.isnan(err.value)
    elif value is not None:  # None: an array, compared by the message only
        assert err.value == value
        assert type(err.value) is type(value)
    assert field in str(err)
    assert err.reason in str(err)


@pytest.mark.parametrize("cls", list(BASES), ids=lambda c: c.__name__)
def test_bases_are_valid(cls: type[Any]) -> None:
    # The bad-input cases differ from a valid object by the overrides only.
    assert cls(**BASES[cls]) == cls(**BASES[cls])


def test_from_shares_rejects_bad_share_count() -> None:
    with pytest.raises(ValidationError) as info:
        PreferredStock.from_shares(name="P", shares=0, rate=0.1)
    assert (info.value.field, info.value.value) == ("PreferredStock.shares", 0)


def test_from_shares_takes_numpy_numbers_and_refuses_a_notional() -> None:
    # 14,021,000 STRK shares of $100 (strategy-facts.md): $1,402.1M.
    shares: Any = np.int64(14_021_000)
    strk = PreferredStock.from_shares(name="STRK", shares=shares, rate=0.08)
    assert strk.notional == 1_402.1e6
    with pytest.raises(ValidationError) as info:
        PreferredStock.from_shares(name="P", shares=10, rate=0.1, notional=1e3)
    assert (info.value.field, info.value.value) == ("PreferredStock.notional", 1e3)
    with pytest.raises(ValidationError) as info:
        PreferredStock.from_shares(name="P", shares=10, stated_amount="100", rate=0.1)  # type: ignore[arg-type]
    assert info.value.field == "PreferredStock.stated_amount"


def test_numpy_integers_are_whole_numbers() -> None:
    # A count read from a numpy array is an int: frequency and seniority take it.
    pref = PreferredStock(**_PREF, frequency=np.int64(12), seniority=np.int32(2))
    assert (pref.frequency, pref.seniority) == (12, 2)
    assert type(pref.frequency) is int
    assert type(pref.seniority) is int
    for cls in (ConvertibleNote, SecuredNote, TermLoan, Note):
        inst = cls(**{**BASES[cls], "frequency": np.int64(4)})
        assert type(inst.frequency) is int
        assert inst.frequency == 4


@pytest.mark.parametrize(
    ("index_level", "message"),
    [("5%", "must be a number"), (math.nan, "finite"), (True, "must be a number")],
)
def test_term_loan_rate_refuses_a_bad_index_level(index_level: Any, message: str) -> None:
    loan = TermLoan(**_LOAN, spread=0.037, floor=0.0375)
    with pytest.raises(ValidationError, match=message) as info:
        loan.interest_rate(index_level)
    assert info.value.field == "index_level"
    assert loan.interest_rate(np.float64(0.05)) == pytest.approx(0.087, abs=1e-15)


def test_rate_on_refuses_a_string() -> None:
    strc = PreferredStock(**_PREF, rate_schedule=[RateStep(date=D(2025, 9, 1), rate=0.1)])
    with pytest.raises(ValidationError) as info:
        strc.rate_on("2025-10-01")  # type: ignore[arg-type]
    assert (info.value.field, info.value.value) == ("when", "2025-10-01")


# --- the company record -------------------------------------------------------------------

_CO: dict[str, Any] = {
    "name": "X",
    "as_of": D(2026, 1, 1),
    "holdings": Holdings(units=10.0),
    "shares_basic": 1e6,
}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        # Found in review: attrs' own TypeError, a raw TypeError or ValueError, or accepted.
        ({"holdings": None}, "Company.holdings"),
        ({"holdings": {"units": 10.0}}, "Company.holdings"),
        ({"market": "68141"}, "Company.market"),
        ({"instruments": 5}, "Company.instruments"),
        ({"instruments": "abc"}, "Company.instruments"),
        ({"currency": None}, "Company.currency"),
        ({"shares_basic": [1e6]}, "Company.shares_basic"),
    ],
)
def test_company_refuses_bad_records(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        Company(**{**_CO, **overrides})
    assert info.value.field == field


@pytest.mark.parametrize(
    ("fx", "field"),
    [
        (5, "Market.fx"),
        ([("EUR",)], "Market.fx"),
        ({1: 1.0, "EUR": 1.2}, "Market.fx"),
        ([("EUR", 1.1), ("EUR", 1.2)], "Market.fx"),
        ({"EUR": "1.2"}, "Market.fx.EUR"),
        ({"USD": 2.0}, "Market.fx.USD"),
    ],
)
def test_company_refuses_bad_fx_rates(fx: Any, field: str) -> None:
    # FX rates are a market input (Market.fx); the reporting currency's own rate must be 1.
    with pytest.raises(ValidationError) as info:
        Company(**{**_CO, "market": Market(fx=fx)})
    assert info.value.field == field


def test_company_takes_numpy_numbers_and_a_unit_fx_rate() -> None:
    co = Company(**{**_CO, "shares_basic": np.array(2e6), "cash": np.float32(5.0)})
    assert (co.shares_basic, co.cash) == (2e6, 5.0)
    assert type(co.shares_basic) is float
    assert (
        Company(**{**_CO, "market": Market(fx={"USD": 1.0, "EUR": 1.188})}).fx_rate("EUR") == 1.188
    )


def test_derived_assumed_diluted_shares_2026() -> None:
    # strategy-facts.md, mstr-2026-02: "Assumed diluted 364,845 = basic 332,431 + convert
    # shares 26,440 + STRK conversion shares 1,402 + options 3,369 + restricted units 1,202"
    # (thousands). By hand, principal / conversion price: 5,513,401.39 + 4,461,629.98
    # + 5,341,523.67 + 4,614,355.26 + 2,594,319.35 + 3,915,235.16 = 26,440,464.81 convert
    # shares; STRK 14,021,000 x 0.1 = 1,402,100; total 364,844,564.81 (364,845k rounded).
    derived = attrs.evolve(mstr_2026_02(), shares_diluted=None)
    assert derived.convertible_shares == pytest.approx(26_440_464.81 + 1_402_100, abs=0.01)
    assert derived.diluted_shares == pytest.approx(364_844_564.81, abs=0.01)
    assert round(derived.diluted_shares / 1e3) == 364_845


def test_company_lookups_refuse_bad_names() -> None:
    co = Company(**_CO, instruments=[Note(**_NOTE)])
    for name in (np.array(["n", "m"]), ["n"], None):
        with pytest.raises(ValidationError) as info:
            co.instrument(name)  # type: ignore[arg-type]
        assert info.value.field == "name"
    with pytest.raises(ValidationError) as info:
        co.amount("n")  # type: ignore[arg-type]
    assert (info.value.field, info.value.value) == ("instrument", "n")


def test_missing_required_term_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        Note(name="n", principal=1e6)  # type: ignore[call-arg]


# --- pickling -----------------------------------------------------------------------------


@given(instruments())
def test_instruments_pickle_round_trip(inst: Instrument) -> None:
    again = pickle.loads(pickle.dumps(inst))
    assert again == inst
    assert type(again) is type(inst)


@pytest.mark.parametrize(
    "obj",
    [
        NOTE_2028,
        NOTE_2029,
        SecuredNote(**_SEC, springing=[_clause()]),
        TermLoan(**_LOAN, amortization=[Amortization(date=D(2024, 1, 1), amount=1e6)]),
        Note(**_NOTE),
        PreferredStock(**_PREF, rate_schedule=[RateStep(date=D(2025, 9, 1), rate=0.1)]),
    ],
    ids=lambda o: type(o).__name__,
)
def test_examples_pickle_round_trip(obj: Any) -> None:
    assert pickle.loads(pickle.dumps(obj)) == obj


def test_validation_error_pickles() -> None:
    err = ValidationError("TermLoan.max_ltv", 1.5, "must lie in (0, 1]", context="co.toml")
    again = pickle.loads(pickle.dumps(err))
    assert isinstance(again, ValidationError)
    assert (again.field, again.value, again.reason, again.context) == (
        "TermLoan.max_ltv",
        1.5,
        "must lie in (0, 1]",
        "co.toml",
    )
    assert str(again) == str(err) == "co.toml: TermLoan.max_ltv: must lie in (0, 1], got 1.5"


def test_raised_validation_error_pickles() -> None:
    with pytest.raises(ValidationError) as info:
        Note(name="n", principal=-1.0, maturity=D(2030, 1, 1))
    again = pickle.loads(pickle.dumps(info.value))
    assert (again.field, again.value) == ("Note.principal", -1.0)


# --- attrs.evolve: a valid change survives, an invalid one is refused --------------------


def _face_field(inst: Instrument) -> str:
    return "notional" if isinstance(inst, PreferredStock) else "principal"


@given(instruments(), st.floats(min_value=0.01, max_value=100.0))
def test_evolve_with_valid_change(inst: Instrument, factor: float) -> None:
    field = _face_field(inst)
    if isinstance(inst, TermLoan) and inst.amortization:
        factor = max(factor, 1.0)  # a smaller principal could fall below the amortization
    new_face = getattr(inst, field) * factor
    loose: Any = inst  # evolve with a computed field name
    changed = attrs.evolve(loose, **{field: new_face})
    assert getattr(changed, field) == new_face
    for f in attrs.fields(type(inst)):
        if f.name != field:
            assert getattr(changed, f.name) == getattr(inst, f.name)


@given(instruments(), st.sampled_from([0.0, -1.0, float("nan"), float("inf")]))
def test_evolve_refuses_bad_face(inst: Instrument, bad: float) -> None:
    field = _face_field(inst)
    loose: Any = inst
    with pytest.raises(ValidationError) as info:
        attrs.evolve(loose, **{field: bad})
    assert info.value.field == f"{type(inst).__name__}.{field}"


@given(instruments(), st.sampled_from([1.0, -0.01, 2.5]))
def test_evolve_refuses_bad_rate(inst: Instrument, bad: float) -> None:
    field = "coupon" if isinstance(inst, ConvertibleNote | SecuredNote | Note) else "rate"
    loose: Any = inst
    with pytest.raises(ValidationError) as info:
        attrs.evolve(loose, **{field: bad})
    assert (info.value.field, info.value.value) == (f"{type(inst).__name__}.{field}", bad)


@given(st.one_of(convertible_notes(), secured_notes(), term_loans()))
def test_evolve_refuses_maturity_on_issue(inst: ConvertibleNote | SecuredNote | TermLoan) -> None:
    with pytest.raises(ValidationError) as info:
        attrs.evolve(inst, maturity=inst.issued)
    assert (info.value.field, info.value.value) == (f"{type(inst).__name__}.maturity", inst.issued)


@given(convertible_notes(), st.floats(min_value=1.0, max_value=5000.0))
def test_evolve_conversion_price_is_consistent(note: ConvertibleNote, price: float) -> None:
    # Changing the price alone conflicts with the derived rate unless the rate is reset too.
    changed = attrs.evolve(note, conversion_price=price, conversion_rate=None)
    assert changed.conversion_rate == pytest.approx(1000.0 / price, rel=1e-12)
    if abs(price / note.conversion_price - 1.0) > 0.01:
        with pytest.raises(ValidationError) as info:
            attrs.evolve(note, conversion_price=price)
        assert info.value.field == "ConvertibleNote.conversion_rate"


@given(convertible_notes())
def test_conversion_price_times_rate_is_1000(note: ConvertibleNote) -> None:
    assert note.conversion_price * note.conversion_rate == pytest.approx(1000.0, rel=1e-12)
    assert note.shares_on_conversion == pytest.approx(
        note.principal / note.conversion_price, rel=1e-12
    )


@given(preferred_stocks(), st.dates(min_value=dt.date(2009, 1, 1), max_value=dt.date(2062, 1, 1)))
def test_preferred_rate_on_is_the_last_step(pref: PreferredStock, when: dt.date) -> None:
    # Independent look-up: the last step dated on or before ``when``, else the base rate.
    earlier = [s.rate for s in pref.rate_schedule if s.date <= when]
    expected = earlier[-1] if earlier else pref.rate
    assert pref.rate_on(when) == expected
    for step in pref.rate_schedule:
        assert pref.rate_on(step.date) == step.rate


VALID_FACTORIES: list[Callable[[], Any]] = [
    lambda: ConvertibleNote(**_CVT),
    lambda: SecuredNote(**_SEC),
    lambda: TermLoan(**_LOAN),
    lambda: Note(**_NOTE),
    lambda: PreferredStock(**_PREF),
]


@pytest.mark.parametrize("factory", VALID_FACTORIES)
def test_kind_matches_registry(factory: Callable[[], Any]) -> None:
    obj = factory()
    assert INSTRUMENT_KINDS[obj.KIND] is type(obj)
