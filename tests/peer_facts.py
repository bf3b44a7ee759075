"""Published figures of the non-Strategy data sets, each with its primary source.

The tests check every figure here against the bundled files (``sbet-2025-10`` and
``xxi-2026-01``). A figure derived from published ones says how; none is read off the
library's output.
"""

from __future__ import annotations

import datetime as dt

# --- SharpLink Gaming (SBET) on 19 Oct 2025 ---------------------------------------------
# Press release of 21 Oct 2025 (weekly update as of 19 Oct 2025), as reported by the press.
SBET_AS_OF = dt.date(2025, 10, 19)
SBET_ETH_NATIVE = 601_143.0  # "601,143 native ETH"
SBET_ETH_LSETH = 258_710.0  # "258,710 as-if redeemed LsETH"
SBET_ETH = 859_853.0  # "total ETH holdings 859,853" (= the two above)
SBET_CASH = 36.4e6  # "approximately $36.4 million" of cash and equivalents
SBET_ETH_CONCENTRATION = 4.0  # ETH per 1,000 assumed diluted shares
SBET_ETH_AND_CASH = 3.5e9  # "approximately $3.5 billion" of ETH and cash
# Derived: assumed diluted shares = ETH / concentration x 1,000.
SBET_DILUTED = SBET_ETH / SBET_ETH_CONCENTRATION * 1_000  # 214,963,250
# Derived: the ETH price the $3.5B implies, (3,500M - 36.4M) / 859,853 = 4,028.13.
SBET_ETH_PRICE = 4_028.0
# Market-data site, Nov 2025 (after the as-of date): 196.69M shares outstanding. UNCONFIRMED.
SBET_BASIC = 196.69e6

# --- Twenty One Capital (XXI) on 2 Jan 2026 ---------------------------------------------
# Form S-1 filed 5 Jan 2026 (accession 0001213900-26-001285).
XXI_AS_OF = dt.date(2026, 1, 2)
XXI_CLASS_A = 346_548_153.0  # class A shares outstanding on 2 Jan 2026
XXI_NOTES_PRINCIPAL = 486.5e6  # 1.00% convertible senior notes due 2030
XXI_NOTES_COUPON = 0.01
XXI_NOTES_MATURITY = dt.date(2030, 12, 1)
XXI_CONVERSION_SHARES = 35_068_912.0  # class A shares registered for the notes' conversion
XXI_COLLATERAL_BTC = 16_116.31574065  # BTC securing the notes
XXI_COLLATERAL_VALUE = 1_459.5e6  # their value at the S-1's reference price
# Derived: the reference price, 1,459.5M / 16,116.31574065 = 90,560.40 a BTC.
XXI_REFERENCE_PRICE = 90_560.40
# Press release of 29 Jul 2025: "over 43,500" BTC at a blended average cost of $87,280.37;
# 43,514 BTC at the listing (Dec 2025) is industry data reported by the press. UNCONFIRMED.
XXI_BTC = 43_514.0
XXI_AVERAGE_COST = 87_280.37

# --- Metaplanet (3350 / MTPLF) on 25 Nov 2025 -------------------------------------------
# Company notices as reported by the press (the notices themselves were not available).
MTPLF_AS_OF = dt.date(2025, 11, 25)
MTPLF_BTC = 30_823.0  # notices of 4 and 25 Nov 2025: "30,823 BTC"
MTPLF_LOAN_1 = 100e6  # notice of 4 Nov 2025: $100M drawn on 31 Oct 2025
MTPLF_LOAN_1_DATE = dt.date(2025, 10, 31)
MTPLF_LOAN_2 = 130e6  # notice of 25 Nov 2025: $130M drawn on 21 Nov 2025
MTPLF_LOAN_2_DATE = dt.date(2025, 11, 21)
MTPLF_DRAWN = 230e6  # "$230 million" drawn of the $500M facility
MTPLF_BUYBACK_SHARES = 150_000_000  # notice of 28 Oct 2025: up to 150,000,000 shares ...
MTPLF_BUYBACK_FRACTION = 0.1313  # ... "13.13%" of the shares outstanding (ex treasury)
MTPLF_SHARE_PRICE = 365.0  # close on 25 Nov 2025, yen
MTPLF_BTC_PRICE = 87_500.0  # "around $87,500" on 25 Nov 2025
