"""Strategy's capital structures built by hand from the domain notes: the tests' one source.

Used by the metrics, capital-event, liquidation, schedule and instrument tests as an
independent fixture (the bundled data sets are maintained separately; these tests must not
depend on them). Every figure comes from /work/shared/domain/strategy-facts.md (data sets
``mstr-2026-02``, as of 1 February 2026, and ``mstr-2022q2``, as of 30 June 2022) or from
/work/shared/domain/primer.md ("A worked case: the 2022 maturity wall"); a figure that is
not confirmed there says so.
"""

from __future__ import annotations

import datetime as dt

import attrs

from treasurymodel import (
    Company,
    ConvertibleNote,
    Holdings,
    Market,
    Note,
    PreferredStock,
    SecuredNote,
    TermLoan,
)
from treasurymodel.instruments import Instrument, RateStep, SpringingMaturity

D = dt.date

# --- February 2026 (strategy-facts.md, data set mstr-2026-02) ---------------------------

AS_OF = D(2026, 2, 1)
BTC_PRICE = 68_141.0  # BTC on 5-6 Feb 2026
SHARE_PRICE = 114.45  # MSTR on 5-6 Feb 2026
EUR_USD = 1.188  # STRE converted "at about 1.188"

# The six convertibles: principal, coupon (dates), issue, maturity, conversion price, holder
# put and earliest issuer call from the table in strategy-facts.md. The 130% call trigger is
# confirmed for 2030 (A) and 2030 (B) only ("certain conditions" for the rest: assumed).
NOTE_2028 = ConvertibleNote(
    name="0.625% due 2028",
    principal=1_010e6,
    coupon=0.00625,  # Mar 15 / Sep 15
    issued=D(2024, 9, 19),
    maturity=D(2028, 9, 15),
    conversion_price=183.19,
    puts=[D(2027, 9, 15)],
    call_from=D(2027, 12, 20),
    call_trigger=1.30,  # assumed
)
NOTE_2029 = ConvertibleNote(
    name="0% due 2029",
    principal=3_000e6,
    issued=D(2024, 11, 21),
    maturity=D(2029, 12, 1),
    conversion_price=672.40,
    puts=[D(2028, 6, 1)],
    call_from=D(2026, 12, 4),  # dashboard only
    call_trigger=1.30,  # assumed
)
NOTE_2030A = ConvertibleNote(
    name="0.625% due 2030 (A)",
    principal=800e6,
    coupon=0.00625,  # Mar 15 / Sep 15
    issued=D(2024, 3, 8),
    maturity=D(2030, 3, 15),
    conversion_price=149.77,
    puts=[D(2028, 9, 15)],
    call_from=D(2027, 3, 22),  # dashboard only
    call_trigger=1.30,  # confirmed
)
NOTE_2030B = ConvertibleNote(
    name="0% due 2030 (B)",
    principal=2_000e6,
    issued=D(2025, 2, 21),
    maturity=D(2030, 3, 1),
    conversion_price=433.43,
    puts=[D(2028, 3, 1)],
    call_from=D(2027, 3, 5),
    call_trigger=1.30,  # confirmed
)
NOTE_2031 = ConvertibleNote(
    name="0.875% due 2031",
    principal=603.75e6,
    coupon=0.00875,  # Mar 15 / Sep 15
    issued=D(2024, 3, 18),
    maturity=D(2031, 3, 15),
    conversion_price=232.72,
    puts=[D(2028, 9, 15)],
    call_from=D(2028, 3, 22),
    call_trigger=1.30,  # assumed
)
NOTE_2032 = ConvertibleNote(
    name="2.25% due 2032",
    principal=800e6,
    coupon=0.0225,  # Jun 15 / Dec 15
    issued=D(2024, 6, 17),
    maturity=D(2032, 6, 15),
    conversion_price=204.33,
    puts=[D(2029, 6, 15)],
    call_from=D(2029, 6, 20),
    call_trigger=1.30,  # assumed
)
NOTES_2026 = (NOTE_2028, NOTE_2029, NOTE_2030A, NOTE_2030B, NOTE_2031, NOTE_2032)

# About $30M of other secured debt: rate and maturity not in the sources; assumed 0% and after
# the convertibles.
OTHER_DEBT_2026 = Note(name="other secured debt", principal=30e6, maturity=D(2033, 1, 1))

STRF = PreferredStock(
    name="STRF",
    notional=1_284.0e6,
    rate=0.10,  # fixed, quarterly
    frequency=4,
    seniority=1,
    unpaid_rate=0.11,  # unpaid dividends compound at 11%, +100bp a period, cap 18%
    unpaid_step=0.01,
    unpaid_cap=0.18,
)
# STRC: 9.00% at launch (Aug 2025), 10.00% Sep, 10.25% Oct, 10.50% Nov, 10.75% Dec 2025,
# 11.00% Jan 2026, 11.25% Feb 2026; monthly. Issued 29 July 2025 (launch; the first dividend
# is July's).
STRC = PreferredStock(
    name="STRC",
    notional=3_379.5e6,
    rate=0.09,
    frequency=12,
    seniority=2,
    issued=D(2025, 7, 29),
    rate_schedule=[
        RateStep(date=D(2025, 9, 1), rate=0.10),
        RateStep(date=D(2025, 10, 1), rate=0.1025),
        RateStep(date=D(2025, 11, 1), rate=0.1050),
        RateStep(date=D(2025, 12, 1), rate=0.1075),
        RateStep(date=D(2026, 1, 1), rate=0.1100),
        RateStep(date=D(2026, 2, 1), rate=0.1125),
    ],
)
STRE = PreferredStock(
    name="STRE",
    notional=775e6,  # about EUR 775M
    rate=0.10,
    seniority=3,
    currency="EUR",
    unpaid_rate=0.11,  # the same step-up to 18% as STRF
    unpaid_step=0.01,
    unpaid_cap=0.18,
)
STRK = PreferredStock(
    name="STRK", notional=1_402.1e6, rate=0.08, seniority=4, conversion_ratio=0.1
)
STRD = PreferredStock(name="STRD", notional=1_402.4e6, rate=0.10, seniority=5, cumulative=False)
PREFERREDS_2026 = (STRF, STRC, STRE, STRK, STRD)


def mstr_2026_02(*, with_instruments: bool = True) -> Company:
    """Strategy on 1 Feb 2026: 713,502 BTC, $2,250M cash, $8,244M debt, $8,389M preferred."""
    instruments: list[Instrument] = [*NOTES_2026, OTHER_DEBT_2026, *PREFERREDS_2026]
    return Company(
        name="Strategy",
        ticker="MSTR",
        as_of=AS_OF,
        holdings=Holdings(units=713_502, cost_basis=54.26e9),
        shares_basic=332_431e3,
        shares_diluted=364_845e3,
        other_dilutive_shares=(3_369 + 1_202) * 1e3,  # options + restricted units
        cash=2_250e6,
        market=Market(fx={"EUR": EUR_USD}),
        instruments=instruments if with_instruments else (),
    )


# --- June 2022 (primer.md, worked case; strategy-facts.md, data set mstr-2022q2) ----------

AS_OF_2022 = D(2022, 6, 30)

LOAN_2022 = TermLoan(
    name="BTC-backed term loan",
    principal=205e6,  # $205M, max LTV 50%
    # The floor, used as the assumed rate in the hand computations of the mechanism tests. The
    # rate in force on 2022-06-30 was higher (30-day SOFR about 1.1% + 3.70%, about 4.8%: see
    # the data set mstr-2022q2); these tests do not depend on which rate the loan paid.
    rate=0.0375,
    spread=0.037,  # 30-day SOFR + 3.70%, floor 3.75% (Form 8-K of 29 Mar 2022)
    floor=0.0375,
    issued=D(2022, 3, 23),
    maturity=D(2025, 3, 23),  # interest only, monthly
    max_ltv=0.5,
    pledged_units=30_051,  # BTC pledged at 30 Sep 2022
)


def company_2022(*, loan_pledged: float = 30_051.0, cash: float = 60e6) -> Company:
    """Strategy on 30 June 2022: 129,699 BTC; $2.416B of debt (strategy-facts, mstr-2022q2)."""
    loan = attrs.evolve(LOAN_2022, pledged_units=loan_pledged)
    cvt25 = ConvertibleNote(
        name="0.75% convertible notes due 2025",
        principal=650e6,
        coupon=0.0075,
        issued=D(2020, 12, 11),
        maturity=D(2025, 12, 15),
        conversion_price=397.99,
    )
    cvt27 = ConvertibleNote(
        name="0% convertible notes due 2027",
        principal=1_050e6,
        coupon=0.0,
        issued=D(2021, 2, 19),
        maturity=D(2027, 2, 15),
        conversion_price=1432.46,
    )
    secured = SecuredNote(
        name="6.125% senior secured notes due 2028",
        principal=500e6,
        coupon=0.06125,
        issued=D(2021, 6, 14),
        maturity=D(2028, 6, 15),
        pledged_units=14_590,  # 14,590 BTC pledged to the secured notes
        springing=[
            SpringingMaturity(
                date=D(2025, 9, 15),
                reference=cvt25.name,
                liquidity_multiple=1.30,
                min_outstanding=100e6,
            ),
            SpringingMaturity(  # second test date derived, unconfirmed (strategy-facts)
                date=D(2026, 11, 16),
                reference=cvt27.name,
                liquidity_multiple=1.30,
                min_outstanding=100e6,
            ),
        ],
    )
    other = Note(name="Other long-term secured debt", principal=11e6, maturity=D(2027, 6, 30))
    return Company(
        name="MicroStrategy",
        as_of=AS_OF_2022,
        holdings=Holdings(units=129_699, cost_basis=3.977e9),
        shares_basic=11.3e6,
        cash=cash,  # about $60M (unconfirmed)
        instruments=[loan, cvt25, cvt27, secured, other],
    )
