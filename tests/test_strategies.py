"""The shared strategies draw valid objects only, quickly, with realistic magnitudes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import (
    asset_price_arrays,
    asset_prices,
    companies,
    convertible_notes,
    instruments,
    preferred_stocks,
    scale_company,
)
from treasurymodel import (
    Company,
    ConvertibleNote,
    PreferredStock,
    SecuredNote,
    TermLoan,
)
from treasurymodel.instruments import Instrument

AS_OF = dt.date(2025, 6, 30)


def _check_company(co: Company) -> None:
    names = [i.name for i in co.instruments]
    assert len(names) == len(set(names))
    assert co.shares_basic > 0
    assert co.cash >= 0
    assert 1.0 <= co.holdings[0].units <= 1e6
    assert co.pledged_units <= co.holdings[0].units * (1 + 1e-12)
    fx = dict(co.fx)
    by_name = {i.name: i for i in co.instruments}
    for inst in co.instruments:
        if isinstance(inst, PreferredStock):
            assert 1e6 <= inst.notional <= 5e9
            assert 0.0 <= inst.rate <= 0.15
            assert inst.currency in (None, co.currency) or inst.currency in fx
            if inst.issued is not None and inst.call_from is not None:
                assert inst.call_from >= inst.issued
            continue
        assert inst.maturity > co.as_of
        assert inst.issued is None or inst.issued <= co.as_of
        assert 1e6 <= inst.principal <= 5e9
        if isinstance(inst, SecuredNote):
            for clause in inst.springing:
                ref = by_name[clause.reference]
                assert isinstance(ref, ConvertibleNote)
                assert ref.maturity > clause.date
                assert co.as_of < clause.date <= inst.maturity


@settings(max_examples=300)
@given(companies())
def test_companies_are_valid(co: Company) -> None:
    _check_company(co)
    # Re-validating from the fields must succeed (nothing slipped past the validators).
    rebuilt = Company(
        name=co.name,
        as_of=co.as_of,
        holdings=co.holdings,
        shares_basic=co.shares_basic,
        cash=co.cash,
        market=co.market,
        instruments=co.instruments,
    )
    assert rebuilt.instruments == co.instruments


@settings(max_examples=100)
@given(companies(min_instruments=2, max_instruments=4, as_of=AS_OF, with_loans=True))
def test_companies_honour_arguments(co: Company) -> None:
    _check_company(co)
    assert co.as_of == AS_OF
    assert 2 <= len(co.instruments) <= 4
    assert any(isinstance(i, TermLoan) for i in co.instruments)


@settings(max_examples=100)
@given(companies(with_loans=False, with_preferred=True, max_instruments=3))
def test_companies_exclude_and_force(co: Company) -> None:
    _check_company(co)
    assert not any(isinstance(i, TermLoan) for i in co.instruments)
    assert co.preferreds


@given(convertible_notes(as_of=AS_OF))
def test_convertibles_after_as_of(note: ConvertibleNote) -> None:
    assert note.issued <= AS_OF < note.maturity
    assert 10.0 <= note.conversion_price <= 2000.0 * (1 + 1e-12)
    assert 0.0 <= note.coupon <= 0.1


@given(instruments())
def test_instruments_realistic(inst: Instrument) -> None:
    face = inst.notional if isinstance(inst, PreferredStock) else inst.principal
    assert 1e6 <= face <= 5e9


@given(preferred_stocks(currency="USD"))
def test_preferred_currency_fixed(pref: PreferredStock) -> None:
    assert pref.currency == "USD"
    steps = [s.date for s in pref.rate_schedule]
    assert steps == sorted(set(steps))


@given(asset_prices(), asset_price_arrays())
def test_prices(price: float, prices: npt.NDArray[np.float64]) -> None:
    assert 1.0 <= price <= 1e7
    assert prices.dtype == np.float64
    assert prices.ndim == 1
    assert prices.size >= 1
    assert np.all(np.isfinite(prices))
    assert np.all(prices >= 1.0)


@given(companies(), st.sampled_from([0.5, 3.0]))
def test_scale_company_scales_amounts_not_counts(co: Company, k: float) -> None:
    scaled = scale_company(co, k)
    assert scaled.cash == co.cash * k
    assert scaled.total_debt == pytest.approx(co.total_debt * k, rel=1e-12)
    assert scaled.total_preferred == pytest.approx(co.total_preferred * k, rel=1e-12)
    assert scaled.holdings[0].units == co.holdings[0].units
    assert scaled.convertible_shares == pytest.approx(co.convertible_shares, rel=1e-12)
    assert scaled.pledged_units == co.pledged_units
