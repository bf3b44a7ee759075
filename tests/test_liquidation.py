"""Tests of treasurymodel.liquidation: margin calls, maturity walls, springing, coverage.

Published figures come from /work/shared/domain/primer.md ("A worked case: the 2022 maturity
wall") and strategy-facts.md (data set ``mstr-2022q2``). The properties run over random
companies from tests/strategies.py and check the break prices against an oracle written
here independently of the module (a direct, price-by-price statement of what falls due).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Any, Literal

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.mstr_facts import company_2022, mstr_2026_02
from tests.strategies import companies, companies_with_springing, scale_company
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
    coverage_break_price,
    datasets,
    joint_margin_call_price,
    margin_call_price,
    maturity_wall,
    metrics,
    nav_sensitivity,
    schedule,
    springing_trigger_price,
)
from treasurymodel.events import raise_equity
from treasurymodel.instruments import Amortization, Instrument, SpringingMaturity
from treasurymodel.kpi import share_price_for_mnav
from treasurymodel.liquidation import dividend_coverage_months

# --- the 2022 structure (primer.md, worked case; strategy-facts.md, mstr-2022q2) ---------
# company_2022() is built by hand in tests/mstr_facts.py.


@pytest.mark.parametrize("loan_pledged", [0.0, 30_051.0])
def test_margin_call_price_2022(loan_pledged: float) -> None:
    # primer.md: 410M of collateral / 115,109 BTC available = $3,562 (3,561.84; cents cut).
    co = company_2022(loan_pledged=loan_pledged)
    price = margin_call_price(co, "BTC-backed term loan")
    assert price is not None
    assert int(price) == 3561
    assert price == pytest.approx(410e6 / 115_109, rel=1e-12)
    assert joint_margin_call_price(co) == pytest.approx(price, rel=1e-12)


def test_maturity_wall_2022_published() -> None:
    # primer.md: $1.355B due in 2025 -> $10,447 (10,447.27);
    # $2.416B due by the end of 2027 -> $18,627 (18,627.75).
    wall = maturity_wall(company_2022())
    assert [r.period for r in wall] == [str(y) for y in range(2022, 2029)]
    y2025, y2026, y2027 = wall.row("2025"), wall.row("2026"), wall.row("2027")
    assert y2025.due == pytest.approx(1_355e6, abs=1e-3)
    assert int(y2025.breakeven_price) == 10447
    assert y2025.breakeven_price == pytest.approx(1_355e6 / 129_699, rel=1e-12)
    assert y2026.due == 0.0  # the secured notes already sprang in 2025
    assert y2027.due == pytest.approx(1_061e6, abs=1e-3)
    assert y2027.cumulative_due == pytest.approx(2_416e6, abs=1e-3)
    assert int(y2027.breakeven_price) == 18627
    assert y2027.breakeven_price == pytest.approx(2_416e6 / 129_699, rel=1e-12)
    kinds = {(i.instrument, i.kind) for i in y2025.items}
    assert ("6.125% senior secured notes due 2028", "springing") in kinds
    assert {i.date for i in y2025.items} == {
        dt.date(2025, 3, 23),
        dt.date(2025, 9, 15),
        dt.date(2025, 12, 15),
    }


def test_bundled_2022_dataset_reproduces_the_published_figures() -> None:
    # The same figures from the bundled data set (primer.md, worked case).
    co = datasets.load("mstr-2022q2")
    loans = [i for i in co.instruments if isinstance(i, TermLoan)]
    assert len(loans) == 1
    price = margin_call_price(co, loans[0].name)
    assert price is not None
    assert int(price) == 3561
    wall = maturity_wall(co)
    assert int(wall.row("2025").breakeven_price) == 10447
    assert int(wall.row("2027").breakeven_price) == 18627


def test_maturity_wall_2022_by_date_and_records() -> None:
    wall = maturity_wall(company_2022(), by="date")
    # Hand-derived: loan (Mar 2025), secured springs (Sep 2025), 2025 notes (Dec 2025), ...
    assert [r.period for r in wall] == [
        "2025-03-23",
        "2025-09-15",
        "2025-12-15",
        "2027-02-15",
        "2027-06-30",
    ]
    assert [round(r.cumulative_due / 1e6) for r in wall] == [205, 705, 1355, 2405, 2416]
    assert wall.rows[0].items[0].amount == 205e6
    columns = wall.to_dict()
    assert columns["breakeven_price"][-1] == pytest.approx(2_416e6 / 129_699, rel=1e-12)


def test_springing_trigger_2022_and_test_mode() -> None:
    co = company_2022()
    # Hand: 1.3 × (650M + accrued 0.75%/2 × 650M × 90/180) − 60M cash, over the
    # 129,699 − 14,590 − 30,051 = 85,058 unencumbered BTC.
    need_2025 = 1.3 * (650e6 + 650e6 * 0.0075 / 2 * 0.5) - 60e6
    need_2026 = 1.3 * 1_050e6 - 60e6  # a zero-coupon reference accrues nothing
    triggers = springing_trigger_price(co, "6.125% senior secured notes due 2028")
    assert triggers[0][0] == dt.date(2025, 9, 15)
    assert triggers[0][1] == pytest.approx(need_2025 / 85_058, rel=1e-12)
    assert triggers[1][1] == pytest.approx(need_2026 / 85_058, rel=1e-12)
    t25, t26 = float(triggers[0][1] or 0), float(triggers[1][1] or 0)
    wall = maturity_wall(co, springing="test")
    # 2025: springing makes 1,355M due, needing 10,447 > t25, while above t25 only 855M is
    # due (6,592 < t25): the trigger itself is the break price.
    assert wall.row("2025").breakeven_price == pytest.approx(t25, rel=1e-12)
    # 2026: between t25 and t26 the note springs in Nov 2026: 1,355M by then.
    assert wall.row("2026").breakeven_price == pytest.approx(1_355e6 / 129_699, rel=1e-12)
    # 2027: 2,416M due if it sprang (needs 18,627 > t26), 1,916M if not (14,773 < t26).
    assert wall.row("2027").breakeven_price == pytest.approx(t26, rel=1e-12)
    assert wall.row("2028").breakeven_price == pytest.approx(2_416e6 / 129_699, rel=1e-12)


def test_springing_trigger_none_and_inf() -> None:
    co = company_2022()
    assert tuple(springing_trigger_price(co, "BTC-backed term loan")) == ()
    # Cash alone passes the test: it cannot fail at any price.
    rich = attrs.evolve(co, cash=2e9)
    assert [
        p for _, p in springing_trigger_price(rich, "6.125% senior secured notes due 2028")
    ] == [
        None,
        None,
    ]
    # Less than min_outstanding of the reference remains: no test.
    small = attrs.evolve(
        co,
        instruments=[
            attrs.evolve(i, principal=50e6) if isinstance(i, ConvertibleNote) else i
            for i in co.instruments
        ],
    )
    first = springing_trigger_price(small, "6.125% senior secured notes due 2028")[0]
    assert first[1] is None
    # No unencumbered units and too little cash: fails at every price.
    bare = attrs.evolve(
        co,
        instruments=[
            attrs.evolve(i, pledged_units=129_699 - 14_590) if isinstance(i, TermLoan) else i
            for i in co.instruments
        ],
    )
    assert springing_trigger_price(bare, "6.125% senior secured notes due 2028")[0][1] == math.inf


# --- small hand-built cases ------------------------------------------------------------


def _tiny(
    *instruments: Instrument, units: float = 1_000.0, cash: float = 0.0, fx: float = 1.0
) -> Company:
    return Company(
        market=Market(fx={"EUR": fx}),
        name="Tiny",
        as_of=dt.date(2026, 1, 1),
        holdings=Holdings(units=units),
        shares_basic=1e6,
        cash=cash,
        instruments=list(instruments),
    )


def _cvt(**terms: Any) -> ConvertibleNote:
    base: dict[str, Any] = {
        "name": "cvt",
        "principal": 50e6,
        "issued": dt.date(2025, 1, 1),
        "maturity": dt.date(2028, 6, 1),
        "conversion_price": 100.0,
    }
    base.update(terms)
    return ConvertibleNote(**base)


def test_shares_mode_hand_case() -> None:
    # Share price (ev basis) = (mnav × 1,000 × P − 50M) / 1M; conversion price $100.
    co = _tiny(_cvt())
    # mNAV 1: converts only above P = 150M / 1,000 = 150,000, far above the 50,000 that
    # repaying 50M in cash needs: the cash break price stands.
    assert maturity_wall(co, conversion="shares").row("2028").breakeven_price == 50_000.0
    # mNAV 4: converts from 4,000 P ≥ 150M, P ≥ 37,500; below that 50M needs 50,000.
    wall = maturity_wall(co, conversion="shares", mnav=4.0)
    assert wall.row("2028").breakeven_price == pytest.approx(37_500.0, rel=1e-12)
    assert wall.mnav == 4.0
    # Market-cap basis, mNAV 4: 4,000 P / 1M ≥ 100 from P = 25,000.
    wall = maturity_wall(co, conversion="shares", mnav=4.0, mnav_basis="market_cap")
    assert wall.row("2028").breakeven_price == pytest.approx(25_000.0, rel=1e-12)
    # The cash convention ignores the share price.
    assert maturity_wall(co).row("2028").breakeven_price == 50_000.0
    # A 30M preferred lowers the share price (ev basis): 4,000 P − 80M ≥ 100M from 45,000.
    with_pref = _tiny(_cvt(), PreferredStock(name="P", notional=30e6, rate=0.0))
    wall = maturity_wall(with_pref, conversion="shares", mnav=4.0)
    assert wall.row("2028").breakeven_price == pytest.approx(45_000.0, rel=1e-12)


def test_puts_hand_case() -> None:
    co = _tiny(_cvt(puts=[dt.date(2027, 6, 1)], put_price=1.01))
    wall = maturity_wall(co, puts=True)
    assert wall.row("2027").due == pytest.approx(50.5e6, rel=1e-12)
    assert wall.row("2027").items[0].kind == "put"
    assert wall.row("2028").due == 0.0
    assert maturity_wall(co).row("2027").due == 0.0  # default: maturities only
    # Shares mode, mNAV 4: holders put below a share price of 101, i.e. P < 37,750.
    wall = maturity_wall(co, puts=True, conversion="shares", mnav=4.0)
    assert wall.row("2027").breakeven_price == pytest.approx(37_750.0, rel=1e-12)


def _secured(test_date: dt.date = dt.date(2027, 9, 15), pledged: float = 200.0) -> SecuredNote:
    """$50M secured notes due 2029 springing to ``test_date`` unless liquidity > 130% of "cvt"."""
    return SecuredNote(
        name="sec",
        principal=50e6,
        issued=dt.date(2024, 1, 1),
        maturity=dt.date(2029, 1, 1),
        pledged_units=pledged,
        springing=[SpringingMaturity(date=test_date, reference="cvt", liquidity_multiple=1.3)],
    )


def test_test_mode_hand_case() -> None:
    cvt = _cvt(principal=100e6, maturity=dt.date(2027, 12, 15))
    sec = _secured()
    co = _tiny(cvt, sec, units=1_200, cash=10e6)
    # Trigger: (1.3 × 100M − 10M) / 1,000 unencumbered = 120,000.
    assert tuple(springing_trigger_price(co, "sec")) == ((dt.date(2027, 9, 15), 120_000.0),)
    wall = maturity_wall(co, springing="test")
    # 2027: below 120,000 the note springs, 150M due needs 125,000: uncovered up to 120,000;
    # above, 100M needs 83,333: covered.
    assert wall.row("2027").breakeven_price == pytest.approx(120_000.0, rel=1e-12)
    # 2029: 150M in every scenario: 125,000.
    assert wall.row("2029").breakeven_price == pytest.approx(125_000.0, rel=1e-12)
    # With cash counted: 2027 springing needs (150M − 10M) / 1,200 = 116,667 < 120,000.
    wall = maturity_wall(co, springing="test", include_cash=True)
    assert wall.row("2027").breakeven_price == pytest.approx(140e6 / 1_200, rel=1e-12)


def _put_then_spring(put: dt.date) -> Company:
    cvt = _cvt(principal=100e6, conversion_price=200.0, maturity=dt.date(2027, 12, 15), puts=[put])
    sec = _secured()
    return _tiny(cvt, sec, units=1_200, cash=20e6)


def test_reference_put_before_the_test_date() -> None:
    co = _put_then_spring(dt.date(2027, 3, 1))
    # Cash convention, puts exercised: the reference is repaid in March 2027, so nothing is
    # outstanding on the September test date and the secured note cannot spring.
    wall = maturity_wall(co, springing="test", puts=True)
    assert [i.kind for i in wall.row("2027").items] == ["put"]
    assert wall.row("2029").due == 50e6
    # Shares, mNAV 4, cash counted: share price = (4,800 P − 150M + 20M) / 1M; holders put
    # below $200, i.e. P < 68,750. There 100M falls due in 2027, covered from
    # (100M − 20M) / 1,200 = 66,667. Above 68,750 they convert, and the note springs below
    # (1.3 × 100M − 20M) / 1,000 = 110,000: 50M, covered from 25,000.
    wall = maturity_wall(
        co, springing="test", conversion="shares", mnav=4.0, puts=True, include_cash=True
    )
    assert wall.row("2027").breakeven_price == pytest.approx(80e6 / 1_200, rel=1e-12)
    # A put paid on the test date itself leaves nothing outstanding on that date either:
    # only the put (100M / 1,200) falls due in 2027, at every price.
    same_day = _put_then_spring(dt.date(2027, 9, 15))
    row = maturity_wall(same_day, springing="test", puts=True).row("2027")
    assert [i.kind for i in row.items] == ["put"]
    assert row.breakeven_price == pytest.approx(100e6 / 1_200, rel=1e-12)


def test_springing_on_the_maturity_date_counts_once() -> None:
    cvt = _cvt(maturity=dt.date(2029, 6, 1))
    sec = _secured(dt.date(2029, 1, 1), pledged=0.0)
    wall = maturity_wall(_tiny(cvt, sec))
    assert wall.row("2029").due == 100e6  # 50M secured + 50M convertible


def test_joint_margin_call_hand_case() -> None:
    def loan(name: str, principal: float, pledged: float, ltv: float = 0.5) -> TermLoan:
        return TermLoan(
            name=name,
            principal=principal,
            max_ltv=ltv,
            pledged_units=pledged,
            issued=dt.date(2025, 1, 1),
            maturity=dt.date(2028, 1, 1),
        )

    # Needs R = 20M, 2M, 12M; own coins 0, 900, 50; 100 unencumbered (1,050 held).
    co = _tiny(loan("A", 10e6, 0), loan("B", 1e6, 900), loan("C", 3e6, 50, 0.25), units=1_050)
    assert margin_call_price(co, "A") == 20e6 / 100
    assert margin_call_price(co, "C") == 12e6 / 150
    # Short at the answer: A (no own coins) and C (own coins suffice above 12M / 50 =
    # 240,000), not B (above 2M / 900 = 2,222): (20M + 12M) / (100 + 50) = 213,333, above
    # either loan alone; B's 900 coins stay with B. Check: at 213,333 A needs 93.75 coins
    # and C 6.25 more than its 50, exactly the 100 free.
    assert joint_margin_call_price(co) == pytest.approx(32e6 / 150, rel=1e-12)
    # Released excess: one pool of 1,050 coins for 34M.
    assert joint_margin_call_price(co, release_excess=True) == pytest.approx(34e6 / 1_050)


def test_amortization_and_interest_hand_case() -> None:
    loan = TermLoan(
        name="loan",
        principal=100e6,
        rate=0.06,
        frequency=12,
        issued=dt.date(2025, 1, 1),
        maturity=dt.date(2027, 1, 1),
        amortization=[
            Amortization(date=dt.date(2025, 7, 1), amount=10e6),  # before as_of: paid
            Amortization(date=dt.date(2026, 7, 1), amount=20e6),
        ],
        max_ltv=0.5,
    )
    co = _tiny(loan, units=1_000, cash=0.0)
    wall = maturity_wall(co)
    assert wall.row("2026").due == 20e6
    assert wall.row("2027").due == 70e6
    # The margin call uses the 90M outstanding on 1 Jan 2026: 180M of collateral / 1,000.
    assert margin_call_price(co, "loan") == pytest.approx(180_000.0, rel=1e-12)


def test_coverage_break_price_hand_case() -> None:
    note = Note(
        name="n",
        principal=100e6,
        coupon=0.04,
        frequency=1,
        issued=dt.date(2024, 12, 31),
        maturity=dt.date(2027, 12, 31),
    )
    pref = PreferredStock(name="P", notional=200e6, rate=0.10, frequency=4)
    co = Company(
        name="X",
        as_of=dt.date(2025, 12, 31),
        holdings=Holdings(units=1_000),
        shares_basic=1e6,
        cash=20e6,
        instruments=[note, pref],
    )
    # 1 year: 4M coupon + 20M dividends − 20M cash = 4M -> 4,000.
    assert coverage_break_price(co, years=1) == pytest.approx(4_000.0, rel=1e-12)
    # 2 years: 8M + 100M + 40M − 20M = 128M -> 128,000; without principal 28,000.
    assert coverage_break_price(co, years=2) == pytest.approx(128_000.0, rel=1e-12)
    assert coverage_break_price(co, years=2, include_principal=False) == pytest.approx(
        28_000.0, rel=1e-12
    )
    # Half a year: two quarterly dividends (10M) < 20M cash.
    assert coverage_break_price(co, years=0.5) == 0.0


def test_dividend_coverage_months() -> None:
    pref = PreferredStock(name="P", notional=1e9, rate=0.10)
    euro = PreferredStock(name="E", notional=100e6, rate=0.12, currency="EUR")
    note = Note(name="n", principal=1e9, coupon=0.02, maturity=dt.date(2030, 1, 1))
    co = _tiny(pref, euro, note, cash=240e6, fx=1.25)
    # 100M + 12M × 1.25 = 115M a year; 12 × 240M / 115M.
    assert dividend_coverage_months(co) == pytest.approx(12 * 240 / 115, rel=1e-12)
    assert dividend_coverage_months(co, include_interest=True) == pytest.approx(
        12 * 240 / 135, rel=1e-12
    )
    m = metrics(co, asset_price=1.0)
    assert dividend_coverage_months(co, include_interest=True) == pytest.approx(
        m.cash_months_of_coverage, rel=1e-12
    )
    assert dividend_coverage_months(_tiny(note, cash=1.0)) == math.inf


def test_nav_sensitivity_by_hand() -> None:
    note = Note(name="n", principal=40e6, maturity=dt.date(2030, 1, 1))
    co = attrs.evolve(_tiny(note, cash=5e6), other_assets=1e6)
    grid = np.array([0.0, 50_000.0, 100_000.0])
    table = nav_sensitivity(co, asset_prices=grid, share_price=80.0)
    # NAV = 1,000 P + 5M + 1M − 40M.
    assert table.nav.tolist() == [-34e6, 16e6, 66e6]
    assert table.nav_per_share.tolist() == [-34.0, 16.0, 66.0]
    # mNAV = (80M + 40M − 5M) / (1,000 P).
    assert table.mnav is not None
    assert table.mnav_simple is not None
    assert table.mnav[0] == math.inf
    assert table.mnav[1:].tolist() == pytest.approx([115 / 50, 115 / 100], rel=1e-12)
    assert table.mnav_simple[1:].tolist() == pytest.approx([80 / 50, 80 / 100], rel=1e-12)
    columns = table.to_dict()
    assert {len(c) for c in columns.values()} == {3}
    assert columns["nav"][2] == 66e6
    assert columns["share_price"][2] == 80.0
    implied = nav_sensitivity(co, asset_prices=grid[1:], mnav=1.5)
    assert implied.share_price is not None
    assert implied.mnav is not None
    # (1.5 × 1,000 P − 40M + 5M) / 1M.
    assert implied.share_price.tolist() == pytest.approx([40.0, 115.0], rel=1e-12)
    assert implied.mnav.tolist() == [1.5, 1.5]
    bare = nav_sensitivity(co, asset_prices=50_000.0)
    assert len(bare) == 1
    assert bare.mnav is None
    assert np.isnan(bare.to_dict()["mnav"]).tolist() == [True]  # None in the object, NaN out
    assert bare == nav_sensitivity(co, asset_prices=[50_000.0])
    assert not implied.nav.flags.writeable


# --- validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"by": "month"}, "by"),
        ({"springing": "sometimes"}, "springing"),
        ({"conversion": "stock"}, "conversion"),
        ({"puts": 1}, "puts"),
        ({"include_interest": "yes"}, "include_interest"),
        ({"include_cash": None}, "include_cash"),
        ({"mnav": -1.0}, "mnav"),
        ({"mnav": float("nan")}, "mnav"),
        ({"mnav_basis": "book"}, "mnav_basis"),
        ({"until": dt.date(2022, 6, 30)}, "until"),
        ({"until": "2030-01-01"}, "until"),
        ({"index_level": float("inf")}, "index_level"),
    ],
)
def test_maturity_wall_rejects_bad_options(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        maturity_wall(company_2022(), **kwargs)
    assert info.value.field == field


def test_other_validation() -> None:
    co = company_2022()
    with pytest.raises(ValidationError) as info:
        margin_call_price(co, "no such loan")
    assert info.value.field == "name"
    assert info.value.value == "no such loan"
    with pytest.raises(ValidationError):
        springing_trigger_price(co, "missing")
    with pytest.raises(ValidationError) as info:
        margin_call_price("not a company", "x")  # type: ignore[arg-type]
    assert info.value.field == "company"
    for years in (0, -1, 0.3, float("nan"), True):
        with pytest.raises(ValidationError) as info:
            coverage_break_price(co, years=years)
        assert info.value.field == "years"
    with pytest.raises(ValidationError) as info:
        nav_sensitivity(co, asset_prices=[1.0, -2.0])
    assert info.value.field == "asset_prices[1]"
    with pytest.raises(ValidationError) as info:
        nav_sensitivity(co, asset_prices=[1.0], share_price=10.0, mnav=1.0)
    assert info.value.field == "mnav"
    with pytest.raises(ValidationError) as info:
        joint_margin_call_price(co, release_excess=1)  # type: ignore[arg-type]
    assert info.value.field == "release_excess"
    with pytest.raises(ValidationError):
        maturity_wall(co).row("1999")


def test_no_trigger_instruments_have_no_margin_call() -> None:
    co = company_2022()
    for inst in co.instruments:
        if not isinstance(inst, TermLoan):
            assert margin_call_price(co, inst.name) is None
    unsecured = attrs.evolve(
        co,
        instruments=[attrs.evolve(i, max_ltv=None) if isinstance(i, TermLoan) else i
                     for i in co.instruments],
    )  # fmt: skip
    assert margin_call_price(unsecured, "BTC-backed term loan") is None
    assert joint_margin_call_price(unsecured) is None


# --- an independent oracle for the properties --------------------------------------------


def _repay_date(note: ConvertibleNote, as_of: dt.date, puts: bool) -> tuple[dt.date, float]:
    if puts:
        for day in note.puts:
            if as_of < day < note.maturity:
                return day, note.put_price
    return note.maturity, 1.0


def oracle_flows(
    co: Company,
    price: float,
    *,
    springing: str = "worst",
    conversion: str = "cash",
    puts: bool = False,
    mnav: float = 1.0,
) -> list[tuple[dt.date, float]]:
    """Principal (reporting currency) falling due after as_of, at one price, stated directly.

    Convertible: cash at its put (if ``puts`` and holders put) or at maturity, unless in
    'shares' mode the implied share price reaches the conversion price (× put price for a
    put). Secured note: springs to its first clause after as_of ('worst'), never ('best'),
    or to the first clause whose liquidity test (cash + unencumbered units × price against
    multiple × reference principal + accrued) fails ('test').
    """
    share = share_price_for_mnav(co, mnav=mnav, asset_price=price) if conversion == "shares" else 0
    out: list[tuple[dt.date, float]] = []
    cvt_gone: dict[str, dt.date] = {}
    for inst in co.instruments:
        if isinstance(inst, ConvertibleNote):
            fx = co.fx_rate(inst.currency)
            day, factor = _repay_date(inst, co.as_of, puts)
            cp = inst.conversion_price * fx
            if conversion == "cash" or (day < inst.maturity and share < cp * factor):
                out.append((day, inst.principal * factor * fx))
            else:
                day = inst.maturity
                if share < cp:
                    out.append((day, inst.principal * fx))
            cvt_gone[inst.name] = day
    for inst in co.instruments:
        if isinstance(inst, TermLoan):
            fx = co.fx_rate(inst.currency)
            paid = 0.0
            for step in inst.amortization:
                paid += step.amount
                if step.date > co.as_of:
                    out.append((step.date, step.amount * fx))
            out.append((inst.maturity, (inst.principal - paid) * fx))
        elif isinstance(inst, Note):
            out.append((inst.maturity, inst.principal * co.fx_rate(inst.currency)))
        elif isinstance(inst, SecuredNote):
            fx = co.fx_rate(inst.currency)
            day = inst.maturity
            for clause in inst.springing:
                if clause.date <= co.as_of:
                    continue
                if springing == "worst":
                    day = clause.date
                    break
                if springing == "best":
                    break
                ref = co.instrument(clause.reference)
                assert isinstance(ref, ConvertibleNote)
                live = cvt_gone.get(ref.name, ref.maturity) > clause.date
                owed = ref.principal if live else 0.0
                if clause.min_outstanding is not None and owed < clause.min_outstanding:
                    continue
                accrued = schedule.accrued_interest(ref, clause.date) if live else 0.0
                need = clause.liquidity_multiple * (owed + accrued) * co.fx_rate(ref.currency)
                if co.cash + co.unencumbered_units * price < need:
                    day = clause.date
                    break
            out.append((day, inst.principal * fx))
    return [(d, a) for d, a in out if d > co.as_of and a > 0.0]


def _tolerance(amount: float) -> float:
    """Rounding slack when comparing sums of amounts of this size (a few ulps)."""
    return 1e-13 * abs(amount) + 1e-9


def _covered(co: Company, price: float, end: dt.date, cash: float, **mode: Any) -> bool:
    due = sum(a for d, a in oracle_flows(co, price, **mode) if d <= end)
    return co.holdings[0].units * price + cash >= due - _tolerance(due)


# --- properties -------------------------------------------------------------------------

MODES: list[dict[str, Any]] = [
    {"springing": "worst"},
    {"springing": "best"},
    {"springing": "test"},
    {"springing": "test", "puts": True},
    {"springing": "worst", "conversion": "shares", "mnav": 1.0},
    {"springing": "test", "conversion": "shares", "mnav": 3.0, "puts": True},
]
mode_strategy = st.sampled_from(MODES)
any_company = st.one_of(companies(max_instruments=5), companies_with_springing())


def _prices(co: Company, **mode: Any) -> list[float]:
    return [r.breakeven_price for r in maturity_wall(co, **mode)]


def _check_against_oracle(co: Company, mode: dict[str, Any], include_cash: bool) -> None:
    wall = maturity_wall(co, include_cash=include_cash, **mode)
    cash = co.cash if include_cash else 0.0
    for row in wall:
        b = row.breakeven_price
        assert b >= 0.0
        if math.isinf(b):
            assert co.holdings[0].units == 0.0
            continue
        above = b * (1 + 1e-9) + 1e-9
        # Everything above the breakeven is covered (the breakeven is where coverage
        # becomes permanent), and just below it something is not.
        grid = np.geomspace(max(above, 1e-3), max(above * 100.0, 1e8), 25)
        for p in (above, *grid.tolist()):
            assert _covered(co, p, row.end, cash, **mode)
        if b > 0.0:
            # Step down far enough to clear the rounding slack of the amounts compared.
            step = max(b * 1e-9, 100.0 * _tolerance(row.cumulative_due) / co.holdings[0].units)
            assert not _covered(co, max(b - step, 0.0), row.end, cash, **mode)
        elif "conversion" not in mode and mode.get("springing") != "test":
            assert row.cumulative_due <= cash * (1 + 1e-12)


@given(co=any_company, mode=mode_strategy, include_cash=st.booleans())
def test_breakeven_matches_the_oracle(
    co: Company, mode: dict[str, Any], include_cash: bool
) -> None:
    _check_against_oracle(co, mode, include_cash)


@given(co=any_company, springing=st.sampled_from(["worst", "best"]), interest=st.booleans())
def test_fixed_scenario_wall_is_the_ratio(
    co: Company, springing: Literal["worst", "best"], interest: bool
) -> None:
    wall = maturity_wall(co, springing=springing, include_interest=interest, include_cash=True)
    total = 0.0
    for row in wall:
        total += row.due
        assert row.cumulative_due == pytest.approx(total, rel=1e-12, abs=1e-6)
        assert sum(i.amount for i in row.items) == pytest.approx(row.due, rel=1e-12, abs=1e-6)
        expected = max(row.cumulative_due - co.cash, 0.0) / co.holdings[0].units
        assert row.breakeven_price == pytest.approx(expected, rel=1e-12, abs=1e-9)


@given(co=companies(max_instruments=5), interest=st.booleans())
def test_best_case_wall_equals_the_obligations_ladder(co: Company, interest: bool) -> None:
    # With nothing springing and no puts, the wall is the scheduled ladder (schedule module).
    wall = maturity_wall(co, springing="best", include_interest=interest)
    ladder = schedule.obligations_ladder(
        co.instruments if interest else co.debts,
        start=co.as_of,
        end=wall.until,
        fx=dict(co.fx),
        currency=co.currency,
    )
    by_year = {r.period: (r.total if interest else r.principal) for r in ladder}
    for row in wall:
        assert row.due == pytest.approx(by_year.get(row.period, 0.0), rel=1e-9, abs=1e-6)


@given(co=any_company, mode=mode_strategy, interest=st.booleans(), cash=st.booleans())
def test_cumulative_wall_never_falls_with_the_horizon(
    co: Company, mode: dict[str, Any], interest: bool, cash: bool
) -> None:
    prices = _prices(co, include_interest=interest, include_cash=cash, **mode)
    assert all(b >= a for a, b in itertools.pairwise(prices))


@given(co=any_company, conversion=st.sampled_from(["cash", "shares"]), puts=st.booleans())
def test_best_test_worst_order(co: Company, conversion: str, puts: bool) -> None:
    kw: dict[str, Any] = {"conversion": conversion, "puts": puts, "mnav": 2.0}
    best = _prices(co, springing="best", **kw)
    test = _prices(co, springing="test", **kw)
    worst = _prices(co, springing="worst", **kw)
    for b, t, w in zip(best, test, worst, strict=True):
        assert b <= t * (1 + 1e-12)
        assert t <= w * (1 + 1e-12)


def _all_prices(co: Company, mode: dict[str, Any], interest: bool) -> list[float | None]:
    """Every break price of ``co``: walls, coverage, margin calls, springing triggers."""
    out: list[float | None] = []
    out += _prices(co, include_interest=interest, include_cash=True, **mode)
    out += _prices(co, include_interest=interest, include_cash=False, **mode)
    out.append(coverage_break_price(co, years=2, include_principal=not interest, **mode))
    out += [margin_call_price(co, i.name) for i in co.instruments]
    out.append(joint_margin_call_price(co))
    out.append(joint_margin_call_price(co, release_excess=True))
    for inst in co.instruments:
        # A test that cannot fail (None) breaks at no positive price: compare it as 0.
        out += [p or 0.0 for _, p in springing_trigger_price(co, inst.name)]
    return out


def _interest_ok(mode: dict[str, Any]) -> bool:
    # With interest, a scenario that switches with the price may trade an early repayment
    # for more interest later (a note that does not spring pays coupons to maturity), so
    # the monotonicity properties hold with interest only in the fixed-scenario modes.
    return mode.get("springing") != "test" and mode.get("conversion", "cash") == "cash"


def _no_higher(before: list[float | None], after: list[float | None]) -> None:
    assert len(before) == len(after)
    for a, b in zip(before, after, strict=True):
        if a is None:
            assert b is None
        else:
            assert b is not None
            assert b <= a * (1 + 1e-9) + 1e-9


def _with_units(co: Company, factor: float) -> Company:
    return attrs.evolve(
        co, holdings=attrs.evolve(co.holdings[0], units=co.holdings[0].units * factor)
    )


@given(
    co=any_company,
    mode=mode_strategy,
    interest=st.booleans(),
    factor=st.floats(min_value=1.0, max_value=3.0),
)
def test_more_units_never_raise_a_break_price(
    co: Company, mode: dict[str, Any], interest: bool, factor: float
) -> None:
    interest = interest and _interest_ok(mode)
    _no_higher(
        _all_prices(co, mode, interest), _all_prices(_with_units(co, factor), mode, interest)
    )


@given(co=any_company, mode=mode_strategy, interest=st.booleans(), extra=st.floats(0.0, 1e10))
def test_more_cash_never_raises_a_break_price(
    co: Company, mode: dict[str, Any], interest: bool, extra: float
) -> None:
    interest = interest and _interest_ok(mode)
    richer = attrs.evolve(co, cash=co.cash + extra)
    _no_higher(_all_prices(co, mode, interest), _all_prices(richer, mode, interest))


def _with_principal(inst: Instrument, factor: float) -> Instrument:
    if isinstance(inst, PreferredStock):
        return attrs.evolve(inst, notional=inst.notional * factor)
    if isinstance(inst, ConvertibleNote):
        # Keep the conversion price: more principal is more shares and more cash owed.
        return attrs.evolve(inst, principal=inst.principal * factor, conversion_rate=None)
    return attrs.evolve(inst, principal=inst.principal * factor)


@given(
    co=any_company,
    mode=mode_strategy,
    interest=st.booleans(),
    pick=st.integers(min_value=0),
    factor=st.floats(min_value=1.0, max_value=3.0),
)
def test_more_principal_never_lowers_a_break_price(
    co: Company, mode: dict[str, Any], interest: bool, pick: int, factor: float
) -> None:
    if not co.instruments:
        return
    interest = interest and _interest_ok(mode)
    k = pick % len(co.instruments)
    bigger = attrs.evolve(
        co,
        instruments=[
            _with_principal(inst, factor) if i == k else inst
            for i, inst in enumerate(co.instruments)
        ],
    )
    # "Never falls" is "the smaller company is never higher".
    _no_higher(_all_prices(bigger, mode, interest), _all_prices(co, mode, interest))


@given(co=companies(max_instruments=5, with_loans=True), factor=st.floats(0.1, 1.0))
def test_tighter_ltv_never_lowers_the_margin_call(co: Company, factor: float) -> None:
    tighter = attrs.evolve(
        co,
        instruments=[
            attrs.evolve(i, max_ltv=i.max_ltv * factor)
            if isinstance(i, TermLoan) and i.max_ltv is not None
            else i
            for i in co.instruments
        ],
    )
    mode: dict[str, Any] = {"springing": "worst"}
    _no_higher(_all_prices(tighter, mode, False), _all_prices(co, mode, False))


@given(
    co=any_company,
    mode=mode_strategy,
    interest=st.booleans(),
    k=st.sampled_from([0.5, 2.0, 10.0, 1 / 3]),
)
def test_break_prices_scale_with_usd_amounts(
    co: Company, mode: dict[str, Any], interest: bool, k: float
) -> None:
    before = _all_prices(co, mode, interest)
    after = _all_prices(scale_company(co, k), mode, interest)
    for a, b in zip(before, after, strict=True):
        if a is None:
            assert b is None
        else:
            assert b == pytest.approx(a * k, rel=1e-9)


@given(
    co=any_company,
    springing=st.sampled_from(["worst", "best", "test"]),
    interest=st.booleans(),
    amount=st.floats(min_value=1e6, max_value=1e10),
    share_price=st.floats(min_value=1.0, max_value=1e3),
    asset_price=st.floats(min_value=1e3, max_value=2e5),
    fee=st.floats(min_value=0.0, max_value=0.05),
)
def test_an_equity_raise_that_buys_btc_never_raises_a_break_price(
    co: Company,
    springing: str,
    interest: bool,
    amount: float,
    share_price: float,
    asset_price: float,
    fee: float,
) -> None:
    mode: dict[str, Any] = {"springing": springing, "conversion": "cash"}
    interest = interest and _interest_ok(mode)
    raised = raise_equity(co, amount, share_price=share_price, asset_price=asset_price, fee=fee)
    _no_higher(_all_prices(co, mode, interest), _all_prices(raised, mode, interest))


@given(co=any_company)
def test_only_ltv_loans_have_margin_calls(co: Company) -> None:
    for inst in co.instruments:
        price = margin_call_price(co, inst.name)
        if isinstance(inst, TermLoan) and inst.max_ltv is not None:
            assert price is not None
            assert price > 0.0
        else:
            assert price is None  # an unsecured convertible never has one


def _shortfall(co: Company, price: float) -> float:
    """Fresh collateral the LTV loans need at ``price`` beyond the unencumbered coins."""
    need = 0.0
    for inst in co.instruments:
        if isinstance(inst, TermLoan) and inst.max_ltv is not None:
            paid = sum(a.amount for a in inst.amortization if a.date <= co.as_of)
            owed = (inst.principal - paid) * co.fx_rate(inst.currency)
            need += max(owed / inst.max_ltv - inst.pledged_units * price, 0.0)
    return need - co.unencumbered_units * price


@given(co=companies(max_instruments=6, with_loans=True))
def test_joint_margin_call_is_where_the_pool_runs_out(co: Company) -> None:
    joint = joint_margin_call_price(co)
    singles = [margin_call_price(co, i.name) for i in co.instruments]
    known = [p for p in singles if p is not None]
    if not known:
        assert joint is None
        return
    assert joint is not None
    assert joint >= max(known) * (1 - 1e-12)
    pooled = joint_margin_call_price(co, release_excess=True)
    assert pooled is not None
    assert pooled <= joint * (1 + 1e-12)
    if math.isfinite(joint):
        scale = sum(
            i.principal / i.max_ltv
            for i in co.instruments
            if isinstance(i, TermLoan) and i.max_ltv is not None
        )
        assert _shortfall(co, joint * (1 + 1e-9)) <= 1e-9 * scale
        assert _shortfall(co, joint * (1 - 1e-9)) > -1e-9 * scale


@given(co=companies_with_springing())
def test_test_mode_springs_exactly_below_the_trigger(co: Company) -> None:
    sec = co.instrument("springing secured")
    assert isinstance(sec, SecuredNote)
    for day, trigger in springing_trigger_price(co, sec.name):
        clause = next(c for c in sec.springing if c.date == day)
        ref = co.instrument(clause.reference)
        assert isinstance(ref, ConvertibleNote)
        owed = ref.principal
        need = clause.liquidity_multiple * (owed + schedule.accrued_interest(ref, day))

        def fails(p: float, need: float = need) -> bool:
            return co.cash + co.unencumbered_units * p < need

        if trigger is None:
            assert (
                clause.min_outstanding is not None and owed < clause.min_outstanding
            ) or not fails(0.0)
        elif math.isinf(trigger):
            assert fails(1e15)
        else:
            assert fails(trigger * (1 - 1e-9))
            assert not fails(trigger * (1 + 1e-9))


@given(
    co=companies_with_springing(),
    mode=st.sampled_from([m for m in MODES if m["springing"] == "test"]),
    include_cash=st.booleans(),
)
def test_test_mode_breakeven_matches_the_oracle(
    co: Company, mode: dict[str, Any], include_cash: bool
) -> None:
    # The same check on companies whose liquidity tests can go either way.
    _check_against_oracle(co, mode, include_cash)


# --- review: the 2026 structure, every option, every instrument kind, bad input -------------

_M26 = 1e6
_UNITS_26 = 713_502.0


def test_maturity_wall_2026_published_convention_and_puts() -> None:
    # strategy-facts.md, mstr-2026-02, principal only, coins only (713,502 BTC). By hand:
    # maturities 2028: 1,010; 2029: 3,000; 2030: 800 + 2,000; 2031: 603.75; 2032: 800 (M).
    # With puts every note falls due on its put date instead: 2027: 1,010 (2028 notes);
    # 2028: 3,000 + 800 + 2,000 + 603.75 (2029, 2030A, 2030B, 2031); 2029: 800 (2032).
    co = mstr_2026_02()
    cumulative = {"2028": 1_010.0, "2029": 4_010.0, "2030": 6_810.0, "2031": 7_413.75}
    cumulative["2032"] = 8_213.75
    wall = maturity_wall(co)
    for period, due in cumulative.items():
        assert wall.row(period).breakeven_price == pytest.approx(due * _M26 / _UNITS_26, rel=1e-12)
    put_cumulative = {"2027": 1_010.0, "2028": 7_413.75, "2029": 8_213.75, "2032": 8_213.75}
    puts = maturity_wall(co, puts=True)
    for period, due in put_cumulative.items():
        assert puts.row(period).breakeven_price == pytest.approx(due * _M26 / _UNITS_26, rel=1e-12)
    assert [i.kind for i in puts.row("2027").items] == ["put"]
    # No secured note: the springing treatments agree.
    for mode in ("best", "test"):
        assert maturity_wall(co, springing=mode).breakeven_prices.tolist() == (
            wall.breakeven_prices.tolist()
        )


def test_maturity_wall_2026_shares_mode_by_hand() -> None:
    # Share price on the ev basis at mNAV 10: S(P) = (10 x 713,502 P - D - F + C) / N_b with
    # D + F - C = 8,243.75 + 8,388.7 - 2,250 = 14,382.45M, N_b = 332.431M; a note converts when
    # S(P) >= K, i.e. from P_K = (K N_b + 14,382.45M) / (7,135,020).
    n_b, net, slope = 332.431e6, 14_382.45e6, 10 * _UNITS_26
    p_2030a = (149.77 * n_b + net) / slope  # 8,993.7; 2028 notes (183.19): 10,551.0
    co = mstr_2026_02()
    wall = maturity_wall(co, conversion="shares", mnav=10.0)
    # 2030: below P_2030A all 6,810M is due (needs 9,544 > P_2030A); above it the 2030A
    # notes convert and 6,010M needs 8,423 < P_2030A: the threshold itself binds.
    assert wall.row("2030").breakeven_price == pytest.approx(p_2030a, rel=1e-12)
    # 2031: above P_2030A, 7,413.75 - 800 = 6,613.75M needs 9,269.3 (< 10,551): it binds.
    assert wall.row("2031").breakeven_price == pytest.approx(
        6_613.75 * _M26 / _UNITS_26, rel=1e-12
    )
    # Market-cap basis: S(P) = 10 x 713,502 P / N_b; 2030A converts from 149.77 N_b / slope
    # = 6,978.0, where 6,010M needs 8,423.2, below the 2028 notes' threshold (8,535.1).
    cap = maturity_wall(co, conversion="shares", mnav=10.0, mnav_basis="market_cap")
    assert cap.row("2030").breakeven_price == pytest.approx(6_010 * _M26 / _UNITS_26, rel=1e-12)
    assert (cap.mnav, cap.mnav_basis, wall.mnav_basis) == (10.0, "market_cap", "ev")
    # At mNAV 1 nothing is in the money at these prices: the cash convention stands.
    assert maturity_wall(co, conversion="shares").breakeven_prices.tolist() == (
        maturity_wall(co).breakeven_prices.tolist()
    )


_WALL_OPTIONS = list(
    itertools.product(
        ("worst", "best", "test"), (False, True), (False, True), ("cash", "shares"), (False, True)
    )
)


@pytest.mark.parametrize("dataset", ["mstr-2022q2", "mstr-2026-02"])
def test_every_wall_option_on_the_bundled_data_sets(dataset: str) -> None:
    # Whatever the options: the cumulative breakeven never falls with the horizon (what is due
    # through T only grows with T, at every price), it is finite and non-negative, the wall
    # by date ends where the wall by year ends, and the wall echoes its options.
    co = datasets.load(dataset)
    for springing, interest, cash, conversion, puts in _WALL_OPTIONS:
        options: dict[str, Any] = {
            "springing": springing,
            "include_interest": interest,
            "include_cash": cash,
            "conversion": conversion,
            "puts": puts,
            "mnav": 3.0,
        }
        by_year = maturity_wall(co, **options)
        by_date = maturity_wall(co, by="date", **options)
        prices = by_year.breakeven_prices
        assert np.all(np.isfinite(prices)), options
        assert np.all(prices >= 0.0), options
        assert np.all(np.diff(prices) >= 0.0), options
        assert np.all(np.diff(by_date.breakeven_prices) >= 0.0), options
        assert by_date.breakeven_prices.max() == pytest.approx(prices[-1], rel=1e-12), options
        if springing != "test" and conversion == "cash":
            # One scenario for every row (otherwise each row reports its own binding one).
            assert by_year.rows[-1].cumulative_due == pytest.approx(
                sum(r.due for r in by_year), rel=1e-12
            )
        assert all(r.cumulative_due >= r.due for r in by_year)
        assert (by_year.springing, by_year.puts, by_year.include_cash) == (springing, puts, cash)
        assert by_year.cash == (co.cash if cash else 0.0)
        assert by_year.mnav == (3.0 if conversion == "shares" else None)


@pytest.mark.parametrize("dataset", ["mstr-2022q2", "mstr-2026-02"])
def test_margin_call_price_of_every_instrument_kind(dataset: str) -> None:
    # Only a loan with a maximum LTV has a margin call; everything else has no asset trigger:
    # None, never 0. The 2022 loan: 410M / 115,109 BTC (primer.md).
    co = datasets.load(dataset)
    kinds = set()
    for inst in co.instruments:
        kinds.add(type(inst).__name__)
        price = margin_call_price(co, inst.name)
        if isinstance(inst, TermLoan) and inst.max_ltv is not None:
            assert price == pytest.approx(410e6 / 115_109, rel=1e-12)
        else:
            assert price is None, inst.name
    expected = {"ConvertibleNote", "Note"} | (
        {"TermLoan", "SecuredNote"} if dataset == "mstr-2022q2" else {"PreferredStock"}
    )
    assert kinds == expected
    for inst in co.instruments:
        if isinstance(inst, TermLoan):  # the same loan without a maximum LTV: no trigger
            no_ltv = attrs.evolve(inst, max_ltv=None)
            bare = attrs.evolve(co, instruments=[no_ltv])
            assert margin_call_price(bare, no_ltv.name) is None


_NOT_A_COMPANY: list[tuple[str, Any]] = [
    ("margin_call_price", lambda c: margin_call_price(c, "x")),
    ("joint_margin_call_price", joint_margin_call_price),
    ("maturity_wall", maturity_wall),
    ("springing_trigger_price", lambda c: springing_trigger_price(c, "x")),
    ("coverage_break_price", lambda c: coverage_break_price(c, years=1)),
    ("dividend_coverage_months", dividend_coverage_months),
    ("nav_sensitivity", lambda c: nav_sensitivity(c, asset_prices=[1.0])),
]


@pytest.mark.parametrize(("name", "call"), _NOT_A_COMPANY, ids=[n for n, _ in _NOT_A_COMPANY])
@pytest.mark.parametrize("company", ["MSTR", None, Holdings(units=1.0)])
def test_break_prices_refuse_what_is_not_a_company(name: str, call: Any, company: Any) -> None:
    with pytest.raises(ValidationError) as info:
        call(company)
    assert (info.value.field, info.value.value) == ("company", company)


_LOAN_NAME = "BTC-backed term loan"


@pytest.mark.parametrize(
    ("function", "kwargs", "field"),
    [
        # Found in review: a far horizon overflowed the calendar (a raw ValueError).
        (coverage_break_price, {"years": 100_000}, "years"),
        (coverage_break_price, {"years": 1e300}, "years"),
        (coverage_break_price, {"years": np.array([1.0, 2.0])}, "years"),
        # A 2-d grid used to be flattened silently; a ragged list raised a raw ValueError.
        (nav_sensitivity, {"asset_prices": np.ones((2, 2))}, "asset_prices"),
        (nav_sensitivity, {"asset_prices": [[1.0], [1.0, 2.0]]}, "asset_prices"),
        (nav_sensitivity, {"asset_prices": [1.0, None]}, "asset_prices"),
        (nav_sensitivity, {"asset_prices": [1.0], "share_price": -1.0}, "share_price"),
        (nav_sensitivity, {"asset_prices": [1.0], "mnav": "1.5"}, "mnav"),
        (nav_sensitivity, {"asset_prices": [1.0], "mnav": 1.0, "mnav_basis": "EV"}, "mnav_basis"),
        (maturity_wall, {"until": dt.datetime(2030, 1, 1)}, "until"),
        (maturity_wall, {"by": None}, "by"),
        (maturity_wall, {"conversion": "Shares"}, "conversion"),
        (maturity_wall, {"puts": "yes"}, "puts"),
        (maturity_wall, {"mnav": "1"}, "mnav"),
        (maturity_wall, {"index_level": "SOFR"}, "index_level"),
        (dividend_coverage_months, {"index_level": math.nan}, "index_level"),
        (dividend_coverage_months, {"include_interest": 1}, "include_interest"),
    ],
)
def test_break_prices_reject_bad_input(function: Any, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        function(company_2022(), **kwargs)
    assert info.value.field == field


@pytest.mark.parametrize("name", [np.array([_LOAN_NAME]), [_LOAN_NAME], 5, None])
def test_break_prices_refuse_a_name_that_is_not_a_string(name: Any) -> None:
    for function in (margin_call_price, springing_trigger_price):
        with pytest.raises(ValidationError) as info:
            function(company_2022(), name)
        assert (info.value.field, info.value.value is name) == ("name", True)


def test_nav_sensitivity_takes_every_kind_of_number() -> None:
    co = company_2022()
    expected = nav_sensitivity(co, asset_prices=[20_000.0]).nav.tolist()
    grids: list[Any] = [20_000.0, 20_000, np.float32(20_000.0), np.int64(20_000), np.array(2e4)]
    for grid in grids:
        assert nav_sensitivity(co, asset_prices=grid).nav.tolist() == expected
    assert len(nav_sensitivity(co, asset_prices=[])) == 0
