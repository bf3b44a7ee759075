"""Tests of treasurymodel.events: capital events return new, validated companies."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.mstr_facts import BTC_PRICE, SHARE_PRICE, mstr_2026_02
from tests.strategies import asset_prices, companies
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
    buy_asset,
    convert,
    issue_instrument,
    metrics,
    pledge,
    raise_equity,
    release,
    repay,
    sell_asset,
)
from treasurymodel.instruments import Amortization, SpringingMaturity

AS_OF = dt.date(2026, 1, 1)


def _company(**changes: Any) -> Company:
    base: dict[str, Any] = {
        "name": "X",
        "as_of": AS_OF,
        "holdings": Holdings(units=1_000, cost_basis=50e6),
        "shares_basic": 1e6,
        "cash": 100e6,
        "market": Market(fx={"EUR": 1.2}),
        "instruments": [
            ConvertibleNote(
                name="cvt",
                principal=20e6,
                issued=dt.date(2025, 1, 1),
                maturity=dt.date(2030, 1, 1),
                conversion_price=200.0,
            ),
            SecuredNote(
                name="sec",
                principal=10e6,
                coupon=0.05,
                issued=dt.date(2025, 1, 1),
                maturity=dt.date(2031, 1, 1),
                pledged_units=100,
                springing=[SpringingMaturity(date=dt.date(2029, 10, 1), reference="cvt")],
            ),
            TermLoan(
                name="loan",
                principal=8e6,
                rate=0.04,
                max_ltv=0.5,
                pledged_units=200,
                issued=dt.date(2025, 1, 1),
                maturity=dt.date(2028, 1, 1),
                amortization=[Amortization(date=dt.date(2027, 1, 1), amount=2e6)],
            ),
            PreferredStock(name="PK", notional=10e6, rate=0.08, conversion_ratio=0.5),
            PreferredStock(name="PE", notional=5e6, rate=0.1, seniority=2, currency="EUR"),
        ],
    }
    base.update(changes)
    return Company(**base)


# --- raise_equity ---------------------------------------------------------------------------


def test_raise_equity_by_hand() -> None:
    # $10M at $125 a share, 2% fees, BTC $100,000: 80,000 new shares; net $9.8M buys 98 BTC.
    co = _company(shares_diluted=1.2e6)
    new = raise_equity(co, 10e6, share_price=125.0, asset_price=100_000.0, fee=0.02)
    assert new.shares_basic == pytest.approx(1.08e6, rel=1e-15)
    assert new.shares_diluted == pytest.approx(1.28e6, rel=1e-15)
    assert new.holdings[0].units == pytest.approx(1_098.0, rel=1e-15)
    assert new.holdings[0].cost_basis == pytest.approx(59.8e6, rel=1e-15)
    assert new.cash == co.cash
    assert new.unencumbered_units == pytest.approx(co.unencumbered_units + 98.0, rel=1e-15)
    assert co.holdings[0].units == 1_000.0  # untouched


def test_raise_equity_mstr_below_units_per_share_value_is_dilutive() -> None:
    # strategy-facts.md, mstr-2026-02: BTC per diluted share 713,502 / 364,845,000
    # = 0.00195563; worth 0.00195563 x 68,141 = $133.26 of BTC per share, above MSTR's
    # $114.45: an equity raise at that price (even with no fees) lowers BTC per share.
    # $1B raise: 8,737,440 new shares and 14,675.45 BTC:
    #   (713,502 + 14,675.45) / (364,845,000 + 8,737,440) = 0.00194917 < 0.00195563.
    co = mstr_2026_02()
    new = raise_equity(co, 1e9, share_price=SHARE_PRICE, asset_price=BTC_PRICE)
    assert new.shares_basic - co.shares_basic == pytest.approx(8_737_439.93, abs=0.01)
    assert new.holdings[0].units - co.holdings[0].units == pytest.approx(14_675.45, abs=0.01)
    after = metrics(new, asset_price=BTC_PRICE).units_per_share
    assert after == pytest.approx(0.00194917, abs=5e-9)
    assert after < metrics(co, asset_price=BTC_PRICE).units_per_share


@given(
    company=companies(max_instruments=4),
    amount=st.floats(1e6, 1e10),
    share_price=st.floats(1.0, 1e5),
    btc=asset_prices(),
    fee=st.floats(0.0, 0.1),
)
def test_raise_equity_accretive_exactly_when_net_price_beats_units_per_share(
    company: Company, amount: float, share_price: float, btc: float, fee: float
) -> None:
    before = metrics(company, asset_price=btc).units_per_share
    threshold = before * btc
    net_price = share_price * (1 - fee)
    assume(abs(net_price - threshold) > 1e-9 * threshold)
    new = raise_equity(company, amount, share_price=share_price, asset_price=btc, fee=fee)
    after = metrics(new, asset_price=btc).units_per_share
    assert (after > before) == (net_price > threshold)
    assert (after < before) == (net_price < threshold)


def test_raise_equity_at_the_break_even_price_leaves_units_per_share() -> None:
    co = _company()
    bps = metrics(co, asset_price=50_000.0).units_per_share
    new = raise_equity(co, 5e6, share_price=bps * 50_000.0 / 0.97, asset_price=50_000.0, fee=0.03)
    assert metrics(new, asset_price=50_000.0).units_per_share == pytest.approx(bps, rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": -1.0}, "amount"),
        ({"amount": 0.0}, "amount"),
        ({"share_price": 0.0}, "share_price"),
        ({"asset_price": math.nan}, "asset_price"),
        ({"fee": 1.0}, "fee"),
        ({"fee": -0.1}, "fee"),
    ],
)
def test_raise_equity_rejects_bad_input(kwargs: dict[str, float], field: str) -> None:
    args: dict[str, Any] = {"amount": 1e6, "share_price": 10.0, "asset_price": 1e5, "fee": 0.0}
    args.update(kwargs)
    co = _company()
    snapshot = attrs.evolve(co)
    with pytest.raises(ValidationError, match=f"^{field}"):
        raise_equity(co, args.pop("amount"), **args)
    assert co == snapshot


# --- buying and selling coins ---------------------------------------------------------------


def test_buy_and_sell_by_hand() -> None:
    # Buy 10 at $80,000: cash 100M - 0.8M = 99.2M; basis 50M + 0.8M = 50.8M.
    # Sell 255 at $90,000 from 1,010 units: cash + 22.95M; basis x 755/1010.
    co = _company()
    bought = buy_asset(co, 10, asset_price=80_000.0)
    assert bought.cash == pytest.approx(99.2e6, rel=1e-15)
    assert bought.holdings[0].cost_basis == pytest.approx(50.8e6, rel=1e-15)
    sold = sell_asset(bought, 255, asset_price=90_000.0)
    assert sold.holdings[0].units == pytest.approx(755.0, rel=1e-15)
    assert sold.cash == pytest.approx(99.2e6 + 22.95e6, rel=1e-15)
    assert sold.holdings[0].cost_basis == pytest.approx(50.8e6 * 755 / 1010, rel=1e-14)
    assert sold.holdings[0].average_cost == pytest.approx(50.8e6 / 1010, rel=1e-14)


def test_cannot_sell_more_than_unencumbered() -> None:
    co = _company()  # 1,000 held, 300 pledged
    snapshot = attrs.evolve(co)
    assert co.unencumbered_units == 700.0
    sell_asset(co, 700, asset_price=1.0)  # all free coins: fine
    with pytest.raises(ValidationError, match=r"^units: exceeds the 700.0 unencumbered"):
        sell_asset(co, 701, asset_price=1.0)
    with pytest.raises(ValidationError, match=r"^units"):
        sell_asset(co, 1_001, asset_price=1.0)
    with pytest.raises(ValidationError, match=r"^units: must be positive"):
        sell_asset(co, -1, asset_price=1.0)
    assert co == snapshot


def test_cannot_buy_beyond_cash() -> None:
    co = _company()
    with pytest.raises(ValidationError, match=r"^units: costs"):
        buy_asset(co, 1_001, asset_price=100_000.0)
    assert buy_asset(co, 1_000, asset_price=100_000.0).cash == 0.0


def test_sell_everything_zeroes_cost_basis() -> None:
    co = _company(instruments=[])
    new = sell_asset(co, 1_000, asset_price=1.0)
    assert new.holdings[0].units == 0.0
    assert new.holdings[0].cost_basis == 0.0


@given(company=companies(), frac=st.floats(0.001, 1.0), btc=asset_prices())
def test_buy_then_sell_restores_units_and_cash(company: Company, frac: float, btc: float) -> None:
    assume(company.cash > 1.0)  # not a subnormal amount of cash
    units = frac * company.cash / btc
    assume(units > 0)
    after = sell_asset(buy_asset(company, units, asset_price=btc), units, asset_price=btc)
    # Rounding: the units pass through units + bought, so the error scales with that sum.
    scale = company.holdings[0].units + units
    assert after.holdings[0].units == pytest.approx(
        company.holdings[0].units, rel=0, abs=1e-12 * scale
    )
    assert after.cash == pytest.approx(company.cash, rel=1e-12, abs=1e-9)
    assert after.instruments == company.instruments
    assert after.shares_basic == company.shares_basic


_OPS = ("raise", "buy", "sell", "issue", "repay", "convert", "pledge", "release")


@settings(max_examples=60)
@given(
    company=companies(),
    ops=st.lists(
        st.tuples(st.sampled_from(_OPS), st.floats(0.01, 1.0), asset_prices()), max_size=10
    ),
)
def test_cost_basis_is_conserved(company: Company, ops: list[tuple[str, float, float]]) -> None:
    # Expected basis tracked independently: purchases add what they cost, a sale keeps the
    # fraction of units kept; nothing else moves it.
    expected = company.holdings[0].cost_basis
    co = company
    for i, (op, frac, price) in enumerate(ops):
        held = co.holdings[0].units
        if op == "raise":
            co = raise_equity(co, frac * 1e9, share_price=50.0, asset_price=price, fee=0.01)
            expected += frac * 1e9 * 0.99
        elif op == "buy" and co.cash > 1.0:
            units = frac * co.cash / price
            co = buy_asset(co, units, asset_price=price)
            expected += units * price
        elif op == "sell" and co.unencumbered_units > 1e-6:
            units = frac * co.unencumbered_units
            avg = co.holdings[0].average_cost
            co = sell_asset(co, units, asset_price=price)
            expected *= (held - units) / held
            if co.holdings[0].units > 0:
                assert co.holdings[0].average_cost == pytest.approx(avg, rel=1e-9)
        elif op == "issue":
            note = Note(name=f"new {i}", principal=1e8, maturity=co.as_of + dt.timedelta(days=900))
            co = issue_instrument(co, note, proceeds=frac * 1e8, asset_price=price)
            expected += frac * 1e8
        elif op == "repay" and co.instruments:
            inst = co.instruments[0]
            face = co.amount(inst) * frac
            if face <= co.cash:
                co = repay(co, inst.name, face / co.fx_rate(inst.currency))
        elif op == "convert" and co.convertibles:
            co = convert(co, co.convertibles[0].name)
        elif op in ("pledge", "release"):
            secured = [i for i in co.instruments if isinstance(i, SecuredNote | TermLoan)]
            if secured and op == "pledge" and co.unencumbered_units > 1e-6:
                co = pledge(co, secured[0].name, frac * co.unencumbered_units)
            elif secured and op == "release" and secured[0].pledged_units > 1e-6:
                co = release(co, secured[0].name, frac * secured[0].pledged_units)
        assert co.holdings[0].cost_basis == pytest.approx(expected, rel=1e-9, abs=1e-6)


# --- instruments ----------------------------------------------------------------------------


def test_issue_instrument_buys_or_adds_cash() -> None:
    # A convertible at $250: 40,000 conversion shares per $10M; a reported diluted count grows
    # by them. Proceeds $9.9M at BTC $99,000 buy 100 BTC.
    co = _company(shares_diluted=1.2e6)
    cvt = ConvertibleNote(
        name="new",
        principal=10e6,
        issued=AS_OF,
        maturity=dt.date(2031, 1, 1),
        conversion_price=250.0,
    )
    bought = issue_instrument(co, cvt, proceeds=9.9e6, asset_price=99_000.0)
    assert bought.holdings[0].units == pytest.approx(1_100.0, rel=1e-15)
    assert bought.holdings[0].cost_basis == pytest.approx(59.9e6, rel=1e-15)
    assert bought.shares_diluted == pytest.approx(1.24e6, rel=1e-15)
    assert bought.total_debt == pytest.approx(co.total_debt + 10e6, rel=1e-15)
    kept = issue_instrument(co, cvt, proceeds=9.9e6, buy=False)
    assert kept.cash == pytest.approx(109.9e6, rel=1e-15)
    assert kept.holdings == co.holdings
    with pytest.raises(ValidationError, match=r"^asset_price: is needed"):
        issue_instrument(co, cvt, proceeds=9.9e6)
    with pytest.raises(ValidationError, match=r"^instrument.name"):
        issue_instrument(co, attrs.evolve(cvt, name="cvt"), proceeds=1.0, buy=False)
    with pytest.raises(ValidationError, match=r"^proceeds"):
        issue_instrument(co, cvt, proceeds=-1.0, buy=False)
    usd = PreferredStock(name="GBP series", notional=1e6, rate=0.1, currency="GBP")
    with pytest.raises(ValidationError, match="GBP"):
        issue_instrument(co, usd, proceeds=1e6, buy=False)


def test_repay_partial_and_full() -> None:
    co = _company()
    # Partial: $4M of the $8M loan at par; amortization scaled 2M x 4/8 = 1M.
    part = repay(co, "loan", 4e6)
    loan = part.instrument("loan")
    assert isinstance(loan, TermLoan)
    assert loan.principal == 4e6
    assert loan.amortization[0].amount == pytest.approx(1e6)
    assert part.cash == pytest.approx(96e6)
    assert part.pledged_units == co.pledged_units
    # Full at 103%: cash 100M - 8.24M; the 200 pledged coins are released.
    full = repay(co, "loan", price=1.03)
    assert [i.name for i in full.instruments] == ["cvt", "sec", "PK", "PE"]
    assert full.cash == pytest.approx(100e6 - 8.24e6)
    assert full.unencumbered_units == co.unencumbered_units + 200
    # A EUR series: EUR 5M at 1.2 costs $6M.
    assert repay(co, "PE").cash == pytest.approx(94e6)


def test_repay_convertible_drops_springing_reference_and_dilution() -> None:
    # Repaying 'cvt' ($20M at $200 = 100,000 shares) in full removes it, the secured note's
    # springing clause tied to it, and its shares from a reported diluted count.
    co = _company(shares_diluted=1.3e6)
    new = repay(co, "cvt")
    sec = new.instrument("sec")
    assert isinstance(sec, SecuredNote)
    assert sec.springing == ()
    assert new.shares_diluted == pytest.approx(1.2e6)
    half = repay(co, "cvt", 10e6)
    assert half.shares_diluted == pytest.approx(1.25e6)
    half_sec = half.instrument("sec")
    assert isinstance(half_sec, SecuredNote)
    assert len(half_sec.springing) == 1


def test_repay_rejects_bad_input() -> None:
    co = _company(cash=5e6)
    snapshot = attrs.evolve(co)
    with pytest.raises(ValidationError, match=r"^name: names no instrument"):
        repay(co, "nope")
    with pytest.raises(ValidationError, match=r"^amount: exceeds"):
        repay(co, "sec", 11e6)
    with pytest.raises(ValidationError, match=r"^amount: must be positive"):
        repay(co, "sec", -1.0)
    with pytest.raises(ValidationError, match=r"^amount: costs"):
        repay(co, "sec")  # $10M owed, $5M of cash
    with pytest.raises(ValidationError, match=r"^price"):
        repay(co, "sec", 1e6, price=0.0)
    assert co == snapshot


def test_convert_note_and_preferred() -> None:
    co = _company(shares_diluted=1.2e6)
    # $5M of the $20M note at $200: 25,000 shares.
    part = convert(co, "cvt", 5e6)
    assert part.shares_basic == pytest.approx(1.025e6)
    part_cvt = part.instrument("cvt")
    assert isinstance(part_cvt, ConvertibleNote)
    assert part_cvt.principal == 15e6
    assert part.shares_diluted == co.shares_diluted
    assert part.cash == co.cash
    # The whole preferred: $10M / 100 x 0.5 = 50,000 shares; the series disappears.
    pk = convert(co, "PK")
    assert pk.shares_basic == pytest.approx(1.05e6)
    assert "PK" not in [i.name for i in pk.instruments]
    # Without a reported diluted count, the derived one is unchanged by a conversion.
    derived = _company()
    assert convert(derived, "cvt").diluted_shares == pytest.approx(derived.diluted_shares)


def test_convert_refuses_non_convertibles() -> None:
    co = _company()
    for name in ("sec", "loan", "PE"):
        with pytest.raises(ValidationError, match=r"^name: is not a convertible"):
            convert(co, name)
    with pytest.raises(ValidationError, match=r"^amount: exceeds"):
        convert(co, "cvt", 30e6)


def test_pledge_and_release() -> None:
    co = _company()  # 700 unencumbered; loan holds 200, sec 100
    more = pledge(co, "loan", 700)
    assert more.unencumbered_units == 0.0
    loan = more.instrument("loan")
    assert isinstance(loan, TermLoan)
    assert loan.pledged_units == 900
    with pytest.raises(ValidationError, match=r"^units: exceeds the 700"):
        pledge(co, "loan", 700.5)
    freed = release(co, "sec", 100)
    assert freed.unencumbered_units == 800
    with pytest.raises(ValidationError, match=r"^units: exceeds the 100"):
        release(co, "sec", 101)
    for name in ("cvt", "PK"):
        with pytest.raises(ValidationError, match=r"^name: is not a secured note or term loan"):
            pledge(co, name, 1)
    with pytest.raises(ValidationError, match=r"^name: names no instrument"):
        release(co, "missing", 1)


def test_events_refuse_arrays_of_prices() -> None:
    with pytest.raises(ValidationError, match=r"^asset_price: must be a single number"):
        buy_asset(_company(), 1, asset_price=np.array([1.0, 2.0]))  # type: ignore[arg-type]
    assert buy_asset(_company(), 1, asset_price=np.float64(2.0)).cash == 100e6 - 2.0


def test_company_has_no_event_methods() -> None:
    # One way to apply an event: the functions of treasurymodel.events (the methods that only
    # forwarded to them were removed in 0.2).
    names = ("raise_equity", "issue_instrument", "buy_asset", "sell_asset", "repay", "convert")
    for name in (*names, "pledge", "release"):
        assert not hasattr(Company, name), name
    assert raise_equity.__module__ == "treasurymodel.events"


# --- review: inputs a newcomer may pass -------------------------------------------------------

_EVENTS: dict[str, Any] = {
    "raise_equity": lambda co, x: raise_equity(
        co, x(1e6), share_price=x(10.0), asset_price=x(1e5)
    ),
    "buy_asset": lambda co, x: buy_asset(co, x(2), asset_price=x(1e5)),
    "sell_asset": lambda co, x: sell_asset(co, x(2), asset_price=x(1e5)),
    "issue_instrument": lambda co, x: issue_instrument(
        co,
        Note(name="new", principal=1e6, maturity=dt.date(2030, 1, 1)),
        proceeds=x(1e6),
        asset_price=x(1e5),
    ),
    "repay": lambda co, x: repay(co, "sec", x(1e6), price=x(1.25)),
    "convert": lambda co, x: convert(co, "cvt", x(4e6)),
    "pledge": lambda co, x: pledge(co, "loan", x(10)),
    "release": lambda co, x: release(co, "loan", x(10)),
}


@pytest.mark.parametrize("event", sorted(_EVENTS))
@pytest.mark.parametrize("company", ["MSTR", None, Holdings(units=1.0)])
def test_events_refuse_what_is_not_a_company(event: str, company: Any) -> None:
    with pytest.raises(ValidationError) as info:
        _EVENTS[event](company, float)
    assert (info.value.field, info.value.value) == ("company", company)


@pytest.mark.parametrize("event", sorted(_EVENTS))
@pytest.mark.parametrize(
    "kind",
    [np.float64, np.float32, lambda v: np.int64(round(v)) if v == round(v) else np.float64(v),
     np.array],
    ids=["float64", "float32", "int64", "0-d array"],
)  # fmt: skip
def test_events_take_numpy_scalars(event: str, kind: Any) -> None:
    # A numpy number (or a 0-d array) gives exactly the company a Python float gives (the
    # amounts here are exact in float32 too).
    co = _company()
    assert _EVENTS[event](co, kind) == _EVENTS[event](co, float)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda co: raise_equity(co, 1e6, share_price=10.0, asset_price=1e5, fee="2%"),  # type: ignore[arg-type]
         "fee"),
        (lambda co: buy_asset(co, 1e4, asset_price=1e5), "units"),  # costs more than the cash
        (lambda co: sell_asset(co, 701, asset_price=1e5), "units"),  # only 700 unencumbered
        (lambda co: sell_asset(co, np.array([1.0, 2.0]), asset_price=1e5),  # type: ignore[arg-type]
         "units"),
        (  # the pledged coins exceed the holdings: refused by Company after the evolve, and
           # reported against the event's argument (not the internal Company field)
            lambda co: issue_instrument(
                co,
                TermLoan(name="L2", principal=1e6, max_ltv=0.5, pledged_units=5_000,
                         issued=dt.date(2025, 1, 1), maturity=dt.date(2028, 1, 1)),
                proceeds=1e6, buy=False,
            ),
            "instrument",
        ),
        (  # a currency without an fx rate
            lambda co: issue_instrument(
                co, PreferredStock(name="PJ", notional=1e6, rate=0.1, currency="JPY"),
                proceeds=1e6, asset_price=1e5,
            ),
            "PJ.currency",
        ),
        (lambda co: issue_instrument(co, co.instruments[0], proceeds=1e6, buy=False),
         "instrument.name"),
        (lambda co: repay(co, "sec", 1e6, price=math.inf), "price"),
        (lambda co: convert(co, "cvt", 0.0), "amount"),
        (lambda co: pledge(co, "loan", 701), "units"),
        (lambda co: release(co, "sec", 100.5), "units"),
    ],
)  # fmt: skip
def test_failed_events_leave_the_company_untouched(call: Any, field: str) -> None:
    co = _company()
    snapshot = attrs.evolve(co)
    instruments = co.instruments
    with pytest.raises(ValidationError) as info:
        call(co)
    assert info.value.field == field
    assert co == snapshot
    assert co.instruments is instruments
