"""Tests of the bundled data sets against the published figures they were built from.

Expected values come from /work/shared/domain/strategy-facts.md and the primer's worked
2022 case (/work/shared/domain/primer.md), never from the library's own output.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib

import attrs
import pytest

import treasurymodel as tm
from treasurymodel import (
    ConvertibleNote,
    Note,
    PreferredStock,
    SecuredNote,
    TermLoan,
    ValidationError,
    datasets,
    dumps,
    loads,
    schedule,
)


def test_names() -> None:
    assert datasets.names() == (
        "mstr-2022q2",
        "mstr-2026-02",
        "mtplf-2025-11",
        "sbet-2025-10",
        "xxi-2026-01",
    )


@pytest.mark.parametrize("name", ["mstr-2030", "", "../io", 5])
def test_unknown_name_is_a_validation_error(name: object) -> None:
    with pytest.raises(ValidationError, match="not a bundled data set"):
        datasets.load(name)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="not a bundled data set"):
        datasets.text(name)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", datasets.names())
def test_round_trip_of_the_bundled_files(name: str) -> None:
    company = datasets.load(name)
    assert loads(datasets.text(name)) == company
    for syntax in ("toml", "json"):
        assert loads(dumps(company, format=syntax), format=syntax) == company


# --- every figure carries its source; unconfirmed ones are marked ---------------------

_VALUE_LINE = re.compile(r"^\s*([a-z_]+)\s*=\s*(.+)$")
_STRUCTURAL = {"format", "kind", "name", "reference", "currency", "asset", "ticker"}


@pytest.mark.parametrize("name", datasets.names())
def test_every_figure_has_a_comment(name: str) -> None:
    """Each key holding a number, date or date list is annotated (its source or a marking)."""
    missing = []
    lines = datasets.text(name).splitlines()
    for number, line in enumerate(lines, start=1):
        match = _VALUE_LINE.match(line)
        if not match or match.group(1) in _STRUCTURAL:
            continue
        if match.group(1) in ("frequency", "issued", "maturity", "as_of", "date"):
            continue  # terms read off the same row of the facts as their neighbours
        if "#" not in match.group(2):
            missing.append(f"{number}: {line}")
    assert missing == []


def _line_of(name: str, key: str, *, after: str | None = None) -> str:
    text = datasets.text(name)
    if after is not None:
        text = text[text.index(after) :]
    for line in text.splitlines():
        if re.match(rf"^\s*{key}\s*=", line):
            return line
    raise AssertionError(key)


def test_unconfirmed_and_assumed_figures_are_marked() -> None:
    # strategy-facts.md: "Cash: about $60M (unconfirmed)".
    assert "UNCONFIRMED" in _line_of("mstr-2022q2", "cash")
    # The second springing test's date is derived, unconfirmed.
    text = datasets.text("mstr-2022q2")
    second = text[text.index("date = 2026-11-16") - 200 : text.index("date = 2026-11-16")]
    assert "UNCONFIRMED" in second
    # The $11M of other debt: "mostly 2027", no rate given.
    assert "ASSUMPTION" in _line_of("mstr-2022q2", "maturity", after="Other long-term")
    # 30,051 BTC pledged is the figure at 30 Sep 2022, not at the as-of date.
    assert "30 Sep 2022" in _line_of("mstr-2022q2", "pledged_units")
    # The facts give the loan as "interest only", not how often interest is paid.
    assert "ASSUMPTION" in _line_of("mstr-2022q2", "frequency", after="BTC-backed term loan")
    # The 2022 [market] prices are public price data, not in the facts.
    assert "UNCONFIRMED" in _line_of("mstr-2022q2", "asset_price")
    assert "UNCONFIRMED" in _line_of("mstr-2022q2", "share_price")
    # 2026: the ~$30M of other secured debt, rate and maturity assumed.
    assert "ASSUMPTION" in _line_of("mstr-2026-02", "coupon", after="Other secured debt")
    assert "ASSUMPTION" in _line_of("mstr-2026-02", "maturity", after="Other secured debt")
    # Calls "dashboard only" (2029, 2030 A) and triggers not confirmed (all but 2030 A/B).
    assert "UNCONFIRMED" in _line_of("mstr-2026-02", "call_from", after="due 2029")
    assert "confirmed" in _line_of("mstr-2026-02", "call_trigger", after="due 2030 (A)")
    assert "UNCONFIRMED" in _line_of("mstr-2026-02", "call_trigger", after="due 2032")
    # The loan's rate on the as-of date rests on a SOFR level not in the filings found.
    rate_line = _line_of("mstr-2022q2", "rate", after="BTC-backed term loan")
    assert "UNCONFIRMED" in rate_line
    assert "APPROXIMATE" in rate_line
    # STRD's notional on the as-of date: dashboard only; STRE's step-up: assumed like STRF's.
    assert "UNCONFIRMED" in _line_of("mstr-2026-02", "notional", after='name = "STRD"')
    assert "UNCONFIRMED" in _line_of("mstr-2026-02", "unpaid_rate", after='name = "STRE"')
    # STRC's rule for unpaid dividends is not confirmed: no compounding terms are invented.
    strc = datasets.load("mstr-2026-02").instrument("STRC")
    assert isinstance(strc, PreferredStock)
    assert strc.cumulative
    assert (strc.unpaid_rate, strc.unpaid_cap) == (None, None)
    strc_text = datasets.text("mstr-2026-02")
    strc_text = strc_text[strc_text.index('name = "STRC"') : strc_text.index('name = "STRE"')]
    assert "compound is UNCONFIRMED" in strc_text


def test_data_sets_cite_primary_sources_not_an_internal_file() -> None:
    for name in datasets.names():
        text = datasets.text(name)
        assert "strategy-facts" not in text
        # Metaplanet's notices were only found as reported by the press: it says so
        assert ("Sources (secondary" if name == "mtplf-2025-11" else "Sources (primary") in text
    # Form types with their filing identity, and the press releases, are named in the header.
    header_2022 = datasets.text("mstr-2022q2").split("format =")[0]
    for source in ("10-Q Q2 2022", "0001564590-22-027479", "8-K 2022-03", "PR 2020-12-11"):
        assert source in header_2022
    header_2026 = datasets.text("mstr-2026-02").split("format =")[0]
    for source in ("8-K 2026-02-05", "0001050446-26-000012", "10-Q Q2 2025", "Dashboard"):
        assert source in header_2026


def test_the_files_are_plain_toml_of_format_1_or_2() -> None:
    # format 2 only where a key of format 2 is needed (an asset priced in another currency)
    for name in datasets.names():
        version = tomllib.loads(datasets.text(name))["format"]
        assert version == ("treasurymodel/2" if name == "mtplf-2025-11" else "treasurymodel/1")


# --- mstr-2022q2: Q2 2022 filing figures and the primer's worked case ------------------


def test_2022_balance_sheet() -> None:
    co = datasets.load("mstr-2022q2")
    assert co.as_of == dt.date(2022, 6, 30)
    assert co.holdings[0].units == 129_699.0  # 10-Q: 129,699 BTC
    assert co.total_debt == 2_416e6  # primer: $2.416B of debt
    assert co.shares_basic == 11.3e6
    # 14,590 BTC to the secured notes, "so 115,109 remained available to pledge".
    secured = co.instrument("6.125% senior secured notes due 2028")
    assert isinstance(secured, SecuredNote)
    assert co.holdings[0].units - secured.pledged_units == 115_109.0
    assert co.pledged_units <= co.holdings[0].units
    loan = co.instrument("BTC-backed term loan")
    assert isinstance(loan, TermLoan)
    # 8-K of 29 Mar 2022: 30-day SOFR average + 3.70%, floor 3.75%, LTV <= 50%. On 30 Jun 2022
    # the 30-day SOFR average was about 1.1% (the index had risen from 0.099% at closing), so
    # the loan paid about 1.1% + 3.70% = 4.8%, not the 3.75% floor.
    assert (loan.spread, loan.floor, loan.max_ltv) == (0.037, 0.0375, 0.5)
    assert loan.rate == 0.048
    assert loan.rate > 0.0375  # above the floor
    assert loan.interest_rate(0.011) == pytest.approx(0.048, abs=1e-12)
    assert loan.pledged_units == 30_051.0
    assert [(c.date, c.liquidity_multiple) for c in secured.springing] == [
        (dt.date(2025, 9, 15), 1.3),
        (dt.date(2026, 11, 16), 1.3),
    ]
    assert secured.springing[0].min_outstanding == 100e6
    assert co.market is not None
    assert co.market.asset_price is not None
    assert co.market.share_price is not None


def test_2022_debt_terms() -> None:
    co = datasets.load("mstr-2022q2")
    # strategy-facts.md, the 2022 table: principal ($M), coupon / rate, issued, maturity.
    expected = {
        "BTC-backed term loan": (205, 0.048, (2022, 3, 23), (2025, 3, 23)),
        "0.75% convertible notes due 2025": (650, 0.0075, (2020, 12, 11), (2025, 12, 15)),
        "0% convertible notes due 2027": (1_050, 0.0, (2021, 2, 19), (2027, 2, 15)),
        "6.125% senior secured notes due 2028": (500, 0.06125, (2021, 6, 14), (2028, 6, 15)),
    }
    for name, (principal, rate, issued, maturity) in expected.items():
        debt = co.instrument(name)
        assert isinstance(debt, TermLoan | ConvertibleNote | SecuredNote)
        assert debt.principal == principal * 1e6
        assert (debt.rate if isinstance(debt, TermLoan) else debt.coupon) == rate
        assert (debt.issued, debt.maturity) == (dt.date(*issued), dt.date(*maturity))
    # Conversion prices before the 2024 split: $397.99 and $1,432.46.
    prices = [c.conversion_price for c in co.convertibles]
    assert prices == [397.99, 1_432.46]
    # Press release of 11 Dec 2020: the 2025 notes are callable for cash "on or after December
    # 20, 2023" if the stock is at least 130% of the conversion price, so not in 2022.
    notes_2025 = co.instrument("0.75% convertible notes due 2025")
    assert isinstance(notes_2025, ConvertibleNote)
    assert (notes_2025.call_from, notes_2025.call_trigger) == (dt.date(2023, 12, 20), 1.3)
    assert notes_2025.call_from is not None
    assert notes_2025.call_from > co.as_of
    # "Other long-term secured debt: $11M, mostly 2027".
    other = co.instrument("Other long-term secured debt")
    assert isinstance(other, Note)
    assert (other.principal, other.maturity.year) == (11e6, 2027)


def test_2022_margin_call_and_maturity_wall_reproduce_the_primer() -> None:
    liquidation = pytest.importorskip("treasurymodel.liquidation")
    co = datasets.load("mstr-2022q2")
    # Primer: 410M / 115,109 = $3,561.84 (published as $3,562).
    price = liquidation.margin_call_price(co, "BTC-backed term loan")
    assert price == pytest.approx(410e6 / 115_109, rel=1e-12)
    assert round(price) == 3_562
    wall = liquidation.maturity_wall(co, springing="worst")
    # Primer: $1.355B due by the end of 2025 over 129,699 BTC = $10,447.27; $2.416B by the
    # end of 2027 = $18,627.75 (published, cents cut, as $10,447 and $18,627).
    assert wall.row("2025").cumulative_due == pytest.approx(1_355e6, rel=1e-12)
    assert wall.row("2025").breakeven_price == pytest.approx(1_355e6 / 129_699, rel=1e-12)
    assert wall.row("2027").cumulative_due == pytest.approx(2_416e6, rel=1e-12)
    assert wall.row("2027").breakeven_price == pytest.approx(2_416e6 / 129_699, rel=1e-12)
    assert int(wall.row("2025").breakeven_price) == 10_447
    assert int(wall.row("2027").breakeven_price) == 18_627


# --- mstr-2026-02: the dashboard figures ------------------------------------------------


def test_2026_balance_sheet() -> None:
    co = datasets.load("mstr-2026-02")
    assert co.as_of == dt.date(2026, 2, 1)
    assert co.holdings[0].units == 713_502.0
    assert co.holdings[0].cost_basis == 54.26e9
    assert co.cash == 2_250e6
    assert co.shares_basic == 332_431e3  # 312,791k + 19,640k
    assert co.shares_diluted == 364_845e3
    assert co.other_dilutive_shares == (3_369 + 1_202) * 1e3
    assert co.market is not None
    assert (co.market.asset_price, co.market.share_price) == (68_141.0, 114.45)
    # Debt $8,244M: convertibles $8,214M (1,010 + 3,000 + 800 + 2,000 + 603.75 + 800 =
    # 8,213.75) + about $30M of other secured debt = 8,243.75.
    assert sum(c.principal for c in co.convertibles) == pytest.approx(8_213.75e6, rel=1e-12)
    assert co.total_debt == pytest.approx(8_243.75e6, rel=1e-12)
    assert round(co.total_debt / 1e6) == 8_244
    # Preferred notional $8,389M in USD at the EUR rate: STRF 1,284.0 + STRC 3,379.5 +
    # STRE 775 x 1.188 (= 920.7) + STRK 1,402.1 + STRD 1,402.4 = 8,388.7.
    assert co.fx_rate("EUR") == 1.188
    assert co.amount(co.instrument("STRE")) == pytest.approx(920.7e6, rel=1e-12)
    assert co.total_preferred == pytest.approx(8_388.7e6, rel=1e-12)
    assert round(co.total_preferred / 1e6) == 8_389


def test_2026_convertibles_convert_into_the_published_share_counts() -> None:
    co = datasets.load("mstr-2026-02")
    # Thousands of shares on conversion, from the dashboard (2028 .. 2032).
    published = [5_513, 4_462, 5_342, 4_614, 2_594, 3_915]
    shares = [round(c.shares_on_conversion / 1e3) for c in co.convertibles]
    assert shares == published
    assert round(sum(c.shares_on_conversion for c in co.convertibles) / 1e3) == 26_440
    # Derived diluted count (basic + converts + STRK + options + RSUs) within 1k of 364,845k.
    derived = co.shares_basic + co.convertible_shares + co.other_dilutive_shares
    assert abs(derived - 364_845e3) < 1e3


def test_2026_convertible_terms() -> None:
    co = datasets.load("mstr-2026-02")
    rows = {c.name: c for c in co.convertibles}
    # strategy-facts.md, the convertibles' table: principal ($M), coupon, issued, maturity,
    # conversion price, holder put, earliest issuer call.
    expected = {
        "0.625% convertible notes due 2028": (1_010, 0.00625, (2024, 9, 19),
            (2028, 9, 15), 183.19, (2027, 9, 15), (2027, 12, 20)),
        "0% convertible notes due 2029": (3_000, 0.0, (2024, 11, 21),
            (2029, 12, 1), 672.40, (2028, 6, 1), (2026, 12, 4)),
        "0.625% convertible notes due 2030 (A)": (800, 0.00625, (2024, 3, 8),
            (2030, 3, 15), 149.77, (2028, 9, 15), (2027, 3, 22)),
        "0% convertible notes due 2030 (B)": (2_000, 0.0, (2025, 2, 21),
            (2030, 3, 1), 433.43, (2028, 3, 1), (2027, 3, 5)),
        "0.875% convertible notes due 2031": (603.75, 0.00875, (2024, 3, 18),
            (2031, 3, 15), 232.72, (2028, 9, 15), (2028, 3, 22)),
        "2.25% convertible notes due 2032": (800, 0.0225, (2024, 6, 17),
            (2032, 6, 15), 204.33, (2029, 6, 15), (2029, 6, 20)),
    }  # fmt: skip
    assert set(rows) == set(expected)
    for name, (principal, coupon, issued, maturity, price, put, call) in expected.items():
        note = rows[name]
        assert isinstance(note, ConvertibleNote)
        assert note.principal == principal * 1e6
        assert note.coupon == coupon
        assert note.frequency == 2
        assert note.issued == dt.date(*issued)
        assert note.maturity == dt.date(*maturity)
        assert note.conversion_price == price
        assert note.puts == (dt.date(*put),)
        assert note.put_price == 1.0  # holder put at 100% (+ accrued)
        assert note.call_from == dt.date(*call)
        assert note.call_trigger == 1.3


def test_2026_preferred_series() -> None:
    co = datasets.load("mstr-2026-02")
    # Seniority: debt > STRF > STRC > STRE > STRK > STRD > common.
    assert [p.name for p in co.preferreds] == ["STRF", "STRC", "STRE", "STRK", "STRD"]
    prefs = {p.name: p for p in co.preferreds}
    strf, strc, stre, strk, strd = (prefs[n] for n in ("STRF", "STRC", "STRE", "STRK", "STRD"))
    assert (strf.rate, strf.unpaid_rate, strf.unpaid_step, strf.unpaid_cap) == (
        0.10,
        0.11,
        0.01,
        0.18,
    )
    assert strc.frequency == 12
    assert strc.rate_on(dt.date(2025, 8, 15)) == 0.09  # 9.00% at launch
    assert strc.rate_on(dt.date(2025, 9, 15)) == 0.10
    assert strc.rate_on(dt.date(2026, 2, 1)) == 0.1125  # 11.25% Feb 2026
    assert (stre.currency, stre.notional, stre.unpaid_cap) == ("EUR", 775e6, 0.18)
    assert strk.conversion_ratio == 0.1
    assert strk.conversion_shares == pytest.approx(1_402.1e3)  # 1,402k STRK shares
    assert strd.cumulative is False
    assert all(isinstance(p, PreferredStock) and p.cumulative for p in (strf, strc, stre, strk))


# Strategy states annual interest + dividends of $888M. By hand ($M), at the rates in force on
# 2026-02-01: interest 1,010 x 0.625% + 800 x 0.625% + 603.75 x 0.875% + 800 x 2.25% =
# 6.3125 + 5 + 5.2828125 + 18 = 34.5953125 (the 0% notes and the 0%-assumed other debt pay
# nothing); dividends STRF 1,284.0 x 10% + STRC 3,379.5 x 11.25% + STRE 775 x 1.188 x 10% +
# STRK 1,402.1 x 8% + STRD 1,402.4 x 10% = 128.4 + 380.19375 + 92.07 + 112.168 + 140.24 =
# 853.07175; in all 887.6670625, which rounds to the stated 888.
ANNUAL_OBLIGATIONS_2026 = 887.6670625e6


def test_2026_strd_notional_is_the_one_consistent_with_the_888m() -> None:
    # The June 2025 10-Q's 11,764,700 STRD shares ($1,176.47M) would give, by hand,
    # 887.6670625 - 10% x (1,402.4 - 1,176.47) = 887.6670625 - 22.593 = 865.0740625, which
    # does not round to the company's $888M; the dashboard's $1,402.4M does (test below).
    co = datasets.load("mstr-2026-02")
    strd = co.instrument("STRD")
    assert isinstance(strd, PreferredStock)
    assert strd.notional == 1_402.4e6
    assert strd.notional > 11_764_700 * 100.0  # sold at the market after the June 2025 IPO
    smaller = [attrs.evolve(i, notional=11_764_700 * 100.0) if i is strd else i
               for i in co.instruments]  # fmt: skip
    total = schedule.annual_obligations(smaller, on=co.as_of, fx=dict(co.fx), currency="USD")
    assert total == pytest.approx(865.0740625e6, rel=1e-12)
    assert round(total / 1e6) != 888


def test_2026_annual_obligations_match_the_company_figure() -> None:
    co = datasets.load("mstr-2026-02")
    total = schedule.annual_obligations(
        co.instruments, on=co.as_of, fx=dict(co.fx), currency=co.currency
    )
    assert total == pytest.approx(ANNUAL_OBLIGATIONS_2026, rel=1e-12)
    m = tm.metrics(co, asset_price=68_141.0, share_price=114.45)
    assert m.annual_obligations == pytest.approx(ANNUAL_OBLIGATIONS_2026, rel=1e-12)
    assert round(m.annual_obligations / 1e6) == 888


def test_2022_seed_raise_of_500m_at_250() -> None:
    # The September 2022 case (docs/howto/break-prices.rst): $500M of shares at $250, bitcoin
    # bought at $21,381.15, no fees, on the 30 June 2022 balance sheet. By hand: 500e6 /
    # 21,381.15 = 23,385.0845 BTC bought (153,084.0845 held), 2M new shares; margin call
    # 410e6 / (115,109 + 23,385.0845) = 2,960.42; wall 1,355e6 / 153,084.0845 = 8,851.34 and
    # 2,416e6 / 153,084.0845 = 15,782.18.
    liquidation = pytest.importorskip("treasurymodel.liquidation")
    co = tm.raise_equity(
        datasets.load("mstr-2022q2"), 500e6, share_price=250.0, asset_price=21_381.15
    )
    bought = 500e6 / 21_381.15
    assert co.holdings[0].units == pytest.approx(129_699 + bought, rel=1e-12)
    assert co.shares_basic == 13.3e6
    call = liquidation.margin_call_price(co, "BTC-backed term loan")
    assert call == pytest.approx(410e6 / (115_109 + bought), rel=1e-12)
    assert round(call, 2) == 2_960.42
    wall = liquidation.maturity_wall(co)
    assert round(wall.row("2025").breakeven_price, 2) == 8_851.34
    assert round(wall.row("2027").breakeven_price, 2) == 15_782.18
