"""Strategy's February 2026 balance sheet built by hand from strategy-facts.md.

Used by the metrics and capital-event tests as an independent fixture (the bundled data
set is maintained separately; these tests must not depend on it). Every figure comes from
/work/shared/domain/strategy-facts.md, data set ``mstr-2026-02`` (as of 1 February 2026).
"""

from __future__ import annotations

import datetime as dt

from treasurymodel import (
    Company,
    ConvertibleNote,
    Holdings,
    Instrument,
    Note,
    PreferredStock,
    RateStep,
)

AS_OF = dt.date(2026, 2, 1)
BTC_PRICE = 68_141.0  # BTC on 5-6 Feb 2026
SHARE_PRICE = 114.45  # MSTR on 5-6 Feb 2026
EUR_USD = 1.188  # STRE converted "at about 1.188"


def _convertibles() -> list[Instrument]:
    rows = [
        # name, principal, coupon, issued, maturity, conversion price, put
        ("0.625% due 2028", 1_010e6, 0.00625, (2024, 9, 19), (2028, 9, 15), 183.19, (2027, 9, 15)),
        ("0% due 2029", 3_000e6, 0.0, (2024, 11, 21), (2029, 12, 1), 672.40, (2028, 6, 1)),
        ("0.625% due 2030A", 800e6, 0.00625, (2024, 3, 8), (2030, 3, 15), 149.77, (2028, 9, 15)),
        ("0% due 2030B", 2_000e6, 0.0, (2025, 2, 21), (2030, 3, 1), 433.43, (2028, 3, 1)),
        (
            "0.875% due 2031",
            603.75e6,
            0.00875,
            (2024, 3, 18),
            (2031, 3, 15),
            232.72,
            (2028, 9, 15),
        ),
        ("2.25% due 2032", 800e6, 0.0225, (2024, 6, 17), (2032, 6, 15), 204.33, (2029, 6, 15)),
    ]
    return [
        ConvertibleNote(
            name=name,
            principal=principal,
            coupon=coupon,
            issued=dt.date(*issued),
            maturity=dt.date(*maturity),
            conversion_price=price,
            puts=[dt.date(*put)],
        )
        for name, principal, coupon, issued, maturity, price, put in rows
    ]


def mstr_2026_02(*, with_instruments: bool = True) -> Company:
    """Strategy on 1 Feb 2026: 713,502 BTC, $2,250M cash, $8,244M debt, $8,389M preferred."""
    instruments: list[Instrument] = [
        *_convertibles(),
        # About $30M of other secured debt: rate and maturity not in the sources; assumed 0%
        # and after the convertibles.
        Note(name="other secured debt", principal=30e6, maturity=dt.date(2033, 1, 1)),
        PreferredStock(
            name="STRF",
            notional=1_284.0e6,
            rate=0.10,
            seniority=1,
            unpaid_rate=0.11,
            unpaid_step=0.01,
            unpaid_cap=0.18,
        ),
        PreferredStock(
            name="STRC",
            notional=3_379.5e6,
            rate=0.09,
            frequency=12,
            seniority=2,
            rate_schedule=[
                RateStep(date=dt.date(2025, 9, 1), rate=0.10),
                RateStep(date=dt.date(2025, 10, 1), rate=0.1025),
                RateStep(date=dt.date(2025, 11, 1), rate=0.105),
                RateStep(date=dt.date(2025, 12, 1), rate=0.1075),
                RateStep(date=dt.date(2026, 1, 1), rate=0.11),
                RateStep(date=dt.date(2026, 2, 1), rate=0.1125),
            ],
        ),
        PreferredStock(
            name="STRE",
            notional=775e6,
            rate=0.10,
            seniority=3,
            currency="EUR",
            unpaid_rate=0.11,
            unpaid_step=0.01,
            unpaid_cap=0.18,
        ),
        PreferredStock(
            name="STRK", notional=1_402.1e6, rate=0.08, seniority=4, conversion_ratio=0.1
        ),
        PreferredStock(name="STRD", notional=1_402.4e6, rate=0.10, seniority=5, cumulative=False),
    ]
    return Company(
        name="Strategy",
        ticker="MSTR",
        as_of=AS_OF,
        holdings=Holdings(units=713_502, cost_basis=54.26e9),
        shares_basic=332_431e3,
        shares_diluted=364_845e3,
        other_dilutive_shares=(3_369 + 1_202) * 1e3,  # options + restricted units
        cash=2_250e6,
        fx={"EUR": EUR_USD},
        instruments=instruments if with_instruments else (),
    )
