"""Linear time in the number of instruments: load, report and validate of many term loans.

Run from the repository root: ``python benchmarks/bench_hardening.py``. Prints the seconds for
3,000 and 30,000 term loans (a 3.9 MB file at the larger size) and their ratio, measured side
by side in one process (median of 3 runs): a linear analysis gives a ratio near 10, a quadratic
one near 100.
"""

from __future__ import annotations

import datetime as dt
import statistics

from _common import load_average, timed

import treasurymodel as tm
from treasurymodel.cli import render_table, report_data


def company(n: int) -> tm.Company:
    loans = [
        tm.TermLoan(
            name=f"Loan {i}",
            principal=1e6,
            rate=0.05,
            issued=dt.date(2025, 1, 1),
            maturity=dt.date(2027 + i % 8, 1, 1),
            max_ltv=0.5,
            pledged_units=1.0,
        )
        for i in range(n)
    ]
    return tm.Company(
        name="Many loans",
        as_of=dt.date(2026, 1, 1),
        holdings=tm.Holdings(units=10.0 * n),
        shares_basic=1e6,
        instruments=loans,
        market=tm.Market(asset_price=60_000.0),
    )


def seconds(n: int) -> tuple[float, int]:
    text = tm.dumps(company(n))

    def work() -> None:
        render_table(report_data(tm.loads(text)))

    return statistics.median(timed(work) for _ in range(3)), len(text.encode())


def main() -> None:
    print(f"load average: {load_average()}")
    small, small_bytes = seconds(3_000)
    large, large_bytes = seconds(30_000)
    print(f"load + report,  3,000 loans ({small_bytes / 1e6:.1f} MB): {small:.2f} s")
    print(f"load + report, 30,000 loans ({large_bytes / 1e6:.1f} MB): {large:.2f} s")
    print(f"ratio for 10x the loans: {large / small:.1f} (linear: ~10, quadratic: ~100)")


if __name__ == "__main__":
    main()
