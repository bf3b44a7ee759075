"""Draw the figure shown in README.md: ``docs/_static/readme-nav-chart.png``.

Run from the repository root after changing the plot module or the bundled data set::

    python docs/_static/make_readme_figure.py

README.md shows the committed PNG through its raw GitHub URL (PyPI renders only absolute image
links), so commit the new file. Needs matplotlib (``pip install -e '.[plot]'``).
"""

from __future__ import annotations

from pathlib import Path

import treasurymodel as tm
from treasurymodel.plot import nav_chart

OUT = Path(__file__).resolve().parent / "readme-nav-chart.png"


def main() -> None:
    company = tm.datasets.load("mstr-2026-02")
    fig = nav_chart(
        company,
        title="Strategy on 1 February 2026: NAV per share against the bitcoin price",
    )
    fig.set_size_inches(9.0, 5.0)
    # metadata: no timestamp or software version, so an unchanged figure gives the same bytes
    fig.savefig(OUT, dpi=100, metadata={"Software": None})
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
