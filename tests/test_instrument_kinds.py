"""Shared checks of every registered instrument kind (like scikit-learn's ``check_estimator``).

Each registered kind's example (``treasurymodel.instruments.registry``) is added to a small
company and run through every analysis function; the checks are invariants that hold for any
kind (finite results, conservation of face amounts, round trips, monotonicity when an
obligation is added) and the consistency of the capabilities a kind declares. A new kind that
registers itself is checked by this file without editing it.
"""

from __future__ import annotations

import datetime as dt
import math
import typing
from typing import Any

import attrs
import numpy as np
import pytest

import treasurymodel as tm
from treasurymodel import instruments
from treasurymodel.instruments.capabilities import (
    Amortizing,
    Collateralized,
    Convertible,
    DividendPaying,
    HasMaturity,
    HasSpringing,
    InstrumentKind,
    InterestBearing,
    IssuerCallable,
    MarginCallable,
    Puttable,
)
from treasurymodel.instruments.registry import REFERENCE_NOTE, KindEntry, kind_entry, kinds

AS_OF = dt.date(2026, 2, 1)
UNITS = 100_000.0
CASH = 20e6
SHARES = 250e6
UNTIL = dt.date(2040, 12, 31)
KINDS = kinds()
IDS = [entry.kind for entry in KINDS]


def _reference() -> tm.Note:
    return tm.Note(
        name=REFERENCE_NOTE,
        principal=50e6,
        coupon=0.01,
        issued=dt.date(2020, 1, 1),
        maturity=dt.date(2028, 1, 1),
    )


def _company(*extra: tm.instruments.Instrument) -> tm.Company:
    return tm.Company(
        name="Shared checks Inc.",
        as_of=AS_OF,
        holdings=tm.Holdings(units=UNITS, cost_basis=5e9),
        cash=CASH,
        shares_basic=SHARES,
        instruments=(_reference(), *extra),
    )


@pytest.fixture(params=KINDS, ids=IDS)
def entry(request: pytest.FixtureRequest) -> KindEntry:
    value: KindEntry = request.param
    return value


# --- the registry ------------------------------------------------------------------------


def test_every_instrument_class_is_registered() -> None:
    classes = {
        obj
        for name in instruments.__all__
        if isinstance(obj := getattr(instruments, name), type) and hasattr(obj, "KIND")
    }
    assert classes == set(tm.instruments.INSTRUMENT_KINDS.values())
    assert {entry.cls for entry in KINDS} == classes
    # The Instrument union the type checkers see holds exactly the registered classes.
    assert set(typing.get_args(tm.instruments.Instrument)) == classes


def test_registry_tags_are_the_kind_tags() -> None:
    for entry in KINDS:
        assert entry.kind == entry.cls.KIND
        assert tm.instruments.INSTRUMENT_KINDS[entry.kind] is entry.cls
        assert kind_entry(entry.kind) is entry


def test_registering_a_taken_tag_or_an_undeclared_class_is_refused() -> None:
    from treasurymodel.instruments.registry import register

    with pytest.raises(tm.ValidationError, match="already registered"):
        register(tm.Note, example=_reference)

    class NoTag:
        pass

    with pytest.raises(tm.ValidationError, match="KIND"):
        register(NoTag, example=_reference)
    with pytest.raises(tm.ValidationError, match="kind"):
        kind_entry("swap")


# --- capabilities declared consistently --------------------------------------------------


def test_example_is_an_instance_of_its_class(entry: KindEntry) -> None:
    inst = entry.example()
    assert type(inst) is entry.cls
    assert isinstance(inst, InstrumentKind)


def test_capabilities_are_consistent(entry: KindEntry) -> None:
    inst = entry.example()
    assert inst.CLAIM in ("debt", "preferred")
    # The face is the field the kind names, and it is what the company counts.
    assert inst.face == getattr(inst, inst.FACE_FIELD)
    assert _company(inst).amount(inst) == inst.face
    # Debt has a maturity and pays interest; a preferred series has neither and pays dividends.
    debt = inst.CLAIM == "debt"
    assert isinstance(inst, HasMaturity) is debt
    assert isinstance(inst, InterestBearing) is debt
    assert isinstance(inst, DividendPaying) is not debt
    if isinstance(inst, HasMaturity):
        assert inst.issued is None or inst.issued < inst.maturity
        assert inst.face == inst.principal
    if isinstance(inst, InterestBearing):
        assert inst.DAY_COUNT in ("30/360", "ACT/360")
        assert inst.frequency in (1, 2, 4, 12)
        assert inst.interest_rate() == inst.coupon_rate
    if isinstance(inst, Collateralized):
        assert "pledged_units" in {f.name for f in type(inst).__attrs_attrs__}
        assert inst.pledged_units >= 0.0
    if isinstance(inst, MarginCallable):
        assert isinstance(inst, Collateralized)
        assert inst.max_ltv is None or 0.0 < inst.max_ltv <= 1.0
        assert 0.0 <= inst.liquidation_penalty < 1.0
    if isinstance(inst, Amortizing):
        assert isinstance(inst, HasMaturity)
        repaid = sum(a.amount for a in inst.amortization)
        assert inst.outstanding_on(inst.maturity) == pytest.approx(inst.face - repaid, rel=1e-12)
    if isinstance(inst, Convertible):
        assert isinstance(inst.converts, bool)
        assert inst.shares_if_converted == pytest.approx(inst.face * inst.shares_per_face)
        assert (inst.shares_if_converted > 0.0) is inst.converts
    if isinstance(inst, IssuerCallable):
        assert inst.call_price > 0.0
    if isinstance(inst, Puttable):
        assert all(isinstance(d, dt.date) for d in inst.puts)
        assert inst.put_price > 0.0
    if isinstance(inst, HasSpringing):
        assert isinstance(inst, HasMaturity)


def test_example_exercises_the_optional_terms() -> None:
    # The examples are representative: together they carry every capability.
    examples = [entry.example() for entry in KINDS]
    for capability in (
        Amortizing,
        Collateralized,
        Convertible,
        DividendPaying,
        HasSpringing,
        IssuerCallable,
        MarginCallable,
        Puttable,
    ):
        assert any(isinstance(e, capability) for e in examples), capability.__name__
    assert any(isinstance(e, MarginCallable) and e.max_ltv is not None for e in examples)
    assert any(isinstance(e, HasSpringing) and e.springing for e in examples)
    assert any(isinstance(e, Convertible) and e.converts for e in examples)


# --- every kind through every analysis function ------------------------------------------


def test_metrics_count_the_face_once(entry: KindEntry) -> None:
    inst = entry.example()
    base = tm.metrics(_company(), asset_price=80_000.0)
    got = tm.metrics(_company(inst), asset_price=80_000.0)
    for name in ("asset_reserve", "cash", "debt", "preferred", "annual_obligations"):
        assert math.isfinite(getattr(got, name)), name
    added_debt = inst.face if inst.CLAIM == "debt" else 0.0
    added_pref = inst.face if inst.CLAIM == "preferred" else 0.0
    assert got.debt - base.debt == pytest.approx(added_debt, rel=1e-12)
    assert got.preferred - base.preferred == pytest.approx(added_pref, rel=1e-12)
    # Interest or dividends are owed on every example (each carries a positive rate).
    assert got.annual_obligations > base.annual_obligations


def test_maturity_wall_repays_the_principal_once(entry: KindEntry) -> None:
    inst = entry.example()
    base = tm.maturity_wall(_company(), until=UNTIL)
    wall = tm.maturity_wall(_company(inst), until=UNTIL)
    assert all(math.isfinite(r.due) and r.due >= 0.0 for r in wall.rows)
    added = sum(r.due for r in wall.rows) - sum(r.due for r in base.rows)
    # Conservation: a debt's principal falls due exactly once (amortization and springing
    # only move it); a perpetual preferred series has no principal falling due.
    expected = inst.face if isinstance(inst, HasMaturity) else 0.0
    assert added == pytest.approx(expected, rel=1e-9, abs=1e-3)
    cumulative = [r.cumulative_due for r in wall.rows]
    assert cumulative == sorted(cumulative)


def test_coverage_break_price_rises_with_an_obligation(entry: KindEntry) -> None:
    inst = entry.example()
    base = tm.coverage_break_price(_company(), years=2.0)
    got = tm.coverage_break_price(_company(inst), years=2.0)
    assert math.isfinite(got)
    assert got >= 0.0
    # Every example owes interest, dividends or principal within two years, or pledges coins
    # the others cannot use: the price needed to cover the obligations rises.
    assert got > base > 0.0


def test_nav_sensitivity_subtracts_the_face(entry: KindEntry) -> None:
    inst = entry.example()
    prices = np.array([30_000.0, 80_000.0, 150_000.0])
    base = tm.nav_sensitivity(_company(), asset_prices=prices)
    got = tm.nav_sensitivity(_company(inst), asset_prices=prices)
    assert np.isfinite(got.nav).all()
    assert np.isfinite(got.nav_per_share_diluted).all()
    # NAV = reserve + cash - debt - preferred: the new claim lowers it by its face.
    np.testing.assert_allclose(base.nav - got.nav, inst.face, rtol=1e-12)


def test_margin_call_price_only_where_margin_callable(entry: KindEntry) -> None:
    inst = entry.example()
    co = _company(inst)
    price = tm.margin_call_price(co, inst.name)
    if isinstance(inst, MarginCallable) and inst.max_ltv is not None:
        # Hand formula (primer): P* = outstanding / (max LTV x (units - pledged elsewhere)).
        assert isinstance(inst, Amortizing)
        outstanding = inst.outstanding_on(AS_OF)
        assert price == pytest.approx(outstanding / (inst.max_ltv * UNITS), rel=1e-12)
    else:
        assert price is None


def test_springing_trigger_prices_only_where_springing(entry: KindEntry) -> None:
    inst = entry.example()
    found = tm.springing_trigger_price(_company(inst), inst.name)
    if isinstance(inst, HasSpringing):
        assert len(found) == len(inst.springing)
        for _, price in found:
            assert price is None or (math.isfinite(price) and price >= 0.0)
    else:
        assert tuple(found) == ()


def test_springing_trigger_price_of_the_example_by_hand() -> None:
    # P* = (multiple x (reference principal + accrued) - cash) / unencumbered units.
    # Reference: 50M at 1% semiannual, coupons on Jan 1 and Jul 1; on 2027-06-15 the accrual
    # runs 5 x 30 + 14 = 164 days on 30/360. Unencumbered: 100,000 - 3,000 pledged.
    inst = kind_entry("secured_note").example()
    assert isinstance(inst, HasSpringing)
    assert isinstance(inst, Collateralized)
    accrued = 50e6 * 0.01 * 164 / 360
    expected = (1.3 * (50e6 + accrued) - CASH) / (UNITS - inst.pledged_units)
    ((day, price),) = tm.springing_trigger_price(_company(inst), inst.name)
    assert day == dt.date(2027, 6, 15)
    assert price == pytest.approx(expected, rel=1e-12)


def test_credit_views_cover_the_new_claim(entry: KindEntry) -> None:
    inst = entry.example()
    co = _company(inst)
    ratings = tm.credit.btc_ratings(co, asset_price=80_000.0)
    assert inst.name in ratings
    assert all(math.isfinite(v) and v >= 0.0 for v in ratings.values())
    # A claim ranks behind the reference note or beside it, never ahead of debt as preferred.
    if inst.CLAIM == "preferred":
        assert ratings[inst.name] <= ratings[REFERENCE_NOTE]
    table = tm.credit_table(co, asset_volatility=0.5, expected_return=0.0, asset_price=80_000.0)
    assert inst.name in table.security


def test_simulation_runs_and_conserves_units(entry: KindEntry) -> None:
    inst = entry.example()
    co = _company(inst)
    dates = [AS_OF + dt.timedelta(days=30 * k) for k in range(0, 40)]
    prices = np.vstack(
        [np.full(len(dates), 200_000.0), np.linspace(80_000.0, 20_000.0, len(dates))]
    )
    result = tm.simulation.simulate_paths(co, prices=prices, dates=dates)
    for name in ("final_units", "final_cash", "units_sold", "units_bought", "units_seized"):
        assert np.isfinite(getattr(result, name)).all(), name
    # Units are conserved: held at the end = held at the start + bought - sold - seized.
    np.testing.assert_allclose(
        result.final_units,
        result.initial_units + result.units_bought - result.units_sold - result.units_seized,
        rtol=1e-9,
        atol=1e-6,
    )
    # At a high, flat price nothing defaults.
    assert not bool(result.default[0])


def test_capital_events_conserve_face_and_cash(entry: KindEntry) -> None:
    inst = entry.example()
    co = attrs.evolve(_company(inst), cash=2e9)
    half = inst.face / 2.0
    partly = tm.repay(co, inst.name, half)
    # Half the face leaves, paid from cash at par; the kind shrinks what depends on it.
    assert partly.instrument(inst.name).face == pytest.approx(half, rel=1e-12)
    assert co.cash - partly.cash == pytest.approx(half, rel=1e-12)
    if isinstance(inst, Amortizing):
        shrunk = partly.instrument(inst.name)
        assert isinstance(shrunk, Amortizing)
        assert shrunk.outstanding_on(inst.maturity) == pytest.approx(
            inst.outstanding_on(inst.maturity) / 2.0, rel=1e-12
        )
    gone = tm.repay(partly, inst.name)
    assert inst.name not in {i.name for i in gone.instruments}
    base = attrs.evolve(_company(), cash=2e9 - inst.face)
    assert gone.cash == pytest.approx(base.cash, rel=1e-12)
    assert gone.total_debt == pytest.approx(base.total_debt, rel=1e-12)
    assert gone.total_preferred == pytest.approx(base.total_preferred, rel=1e-12)
    assert gone.holdings[0].units == UNITS
    if isinstance(inst, Convertible) and inst.converts:
        converted = tm.convert(co, inst.name)
        assert converted.shares_basic - co.shares_basic == pytest.approx(
            inst.shares_if_converted, rel=1e-12
        )
    else:
        with pytest.raises(tm.ValidationError):
            tm.convert(co, inst.name)


def test_conversion_shares_of_the_examples_by_hand() -> None:
    # 500M of notes convertible at 180 per share: 500e6 / 180 shares; a preferred series of
    # 300M stated amount at 0.1 share per 100: 300e6 / 100 x 0.1.
    note = kind_entry("convertible_note").example()
    pref = kind_entry("preferred_stock").example()
    assert isinstance(note, Convertible)
    assert isinstance(pref, Convertible)
    assert note.shares_if_converted == pytest.approx(500e6 / 180.0, rel=1e-12)
    assert pref.shares_if_converted == pytest.approx(300_000.0, rel=1e-12)


def test_file_round_trip(entry: KindEntry) -> None:
    co = _company(entry.example())
    for fmt in ("toml", "json"):
        assert isinstance(fmt, str)
        assert tm.loads(tm.dumps(co, format=fmt), format=fmt) == co


def test_valuation_where_it_applies(entry: KindEntry) -> None:
    inst = entry.example()
    co = _company(inst)
    market: dict[str, Any] = {
        "valuation_date": AS_OF,
        "mnav": 1.2,
        "volatility": 0.5,
        "rate": 0.04,
        "credit_spread": 0.05,
        "steps": 200,
    }
    if not (isinstance(inst, Convertible) and inst.converts):
        # Valuation at a BTC price applies to what converts; anything else is refused cleanly.
        with pytest.raises(tm.ValidationError) as info:
            tm.valuation.convertible_value_at_asset_price(
                co, inst.name, asset_price=80_000.0, **market
            )
        assert info.value.field == "name"
        return
    low, high = tm.valuation.convertible_value_at_asset_price(
        co, inst.name, asset_price=[40_000.0, 160_000.0], **market
    )
    # Per 100 of face: positive, finite and rising with the asset price.
    assert math.isfinite(low)
    assert math.isfinite(high)
    assert 0.0 < low <= high


def test_all_kinds_together() -> None:
    co = _company(*(entry.example() for entry in KINDS))
    m = tm.metrics(co, asset_price=80_000.0)
    faces = {"debt": 0.0, "preferred": 0.0}
    for inst in co.instruments:
        faces[inst.CLAIM] += inst.face
    assert m.debt == pytest.approx(faces["debt"], rel=1e-12)
    assert m.preferred == pytest.approx(faces["preferred"], rel=1e-12)
    assert tm.loads(tm.dumps(co)) == co
    wall = tm.maturity_wall(co, until=UNTIL)
    assert sum(r.due for r in wall.rows) == pytest.approx(faces["debt"], rel=1e-9)
