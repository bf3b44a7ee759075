"""Validation rules of Company that span several instruments."""

from __future__ import annotations

import datetime as dt

import pytest

from treasurymodel import (
    Company,
    ConvertibleNote,
    Holdings,
    PreferredStock,
    SecuredNote,
    ValidationError,
)
from treasurymodel.instruments import SpringingMaturity


def _secured(reference: str) -> SecuredNote:
    return SecuredNote(
        name="SN",
        principal=500e6,
        coupon=0.06125,
        issued=dt.date(2021, 6, 14),
        maturity=dt.date(2028, 6, 15),
        springing=[SpringingMaturity(date=dt.date(2025, 9, 15), reference=reference)],
    )


def _company(*instruments: object) -> Company:
    return Company(
        name="X",
        as_of=dt.date(2022, 6, 30),
        holdings=Holdings(units=100.0),
        shares_basic=1e6,
        instruments=list(instruments),
    )


CONVERTIBLE = ConvertibleNote(
    name="CN",
    principal=650e6,
    issued=dt.date(2020, 12, 11),
    maturity=dt.date(2025, 12, 15),
    conversion_price=397.99,
)
PREFERRED = PreferredStock(name="P", notional=1e9, rate=0.1)


def test_springing_clause_may_reference_debt() -> None:
    company = _company(CONVERTIBLE, _secured("CN"))
    assert company.instrument("SN").springing[0].reference == "CN"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("instruments", "reason"),
    [
        ((_secured("missing"),), "names no other instrument"),
        ((PREFERRED, _secured("P")), "names a preferred stock"),
    ],
    ids=["unknown", "preferred"],
)
def test_springing_reference_must_name_other_debt(
    instruments: tuple[object, ...], reason: str
) -> None:
    with pytest.raises(ValidationError, match=reason) as info:
        _company(*instruments)
    assert info.value.field == "SN.springing.reference"
    assert info.value.value in {"missing", "P"}
