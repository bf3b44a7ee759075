"""Every result's ``to_frame()`` needs pandas, an optional extra: without it, a clear ImportError.

pandas is imported only when ``to_frame()`` is called (never at ``import treasurymodel``); a
missing pandas is simulated by mapping the module name to ``None`` in ``sys.modules``, which
makes ``import pandas`` raise ImportError.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

import treasurymodel as tm

_CO = tm.datasets.load("mstr-2026-02")
_GBM = tm.GBM(asset_price=68_141.0, volatility=0.5)

RESULTS: dict[str, Callable[[], Any]] = {
    "CreditTable": lambda: tm.credit_table(_CO, asset_volatility=0.5, expected_return=0.0),
    "Comparison": lambda: tm.compare([_CO]),
    "SimulatedCredit": lambda: tm.simulated_credit(_CO, model=_GBM, years=0.5, paths=16, seed=1),
}


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_to_frame_without_pandas_says_what_to_install(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = RESULTS[name]()
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pandas"):
        result.to_frame()
    assert isinstance(result.to_dict(), dict)  # the columns need no pandas


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_to_frame_with_pandas_has_one_row_per_record(name: str) -> None:
    pytest.importorskip("pandas")
    result = RESULTS[name]()
    frame = result.to_frame()
    columns = result.to_dict()
    lengths = {
        len(v) for v in columns.values() if hasattr(v, "__len__") and not isinstance(v, str)
    }
    assert len(frame) in lengths


def test_importing_the_package_does_not_import_pandas() -> None:
    code = "import sys, treasurymodel; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
