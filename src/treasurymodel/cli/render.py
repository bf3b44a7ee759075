"""Output of the command line: JSON-ready data, number formats, aligned text columns.

The subcommands' own layouts (:mod:`treasurymodel.cli.report`, ``stress``, ``credit``,
``compare``) are built from these pieces; standard output carries data and standard error
the status lines.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import printable

__all__: list[str] = []


def _plain(value: Any) -> Any:
    """JSON-ready data: dates as ISO strings, infinities as "inf"/"-inf", NaN as null."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float | np.floating):
        x = float(value)
        if math.isnan(x):
            return None
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    return str(value)  # pragma: no cover - every value above is one of the kinds handled


def _json_text(data: Any) -> str:
    """``data`` as indented JSON, after :func:`_plain` (no NaN or infinity literals)."""
    return json.dumps(_plain(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    align: str = "",
    indent: str = "  ",
) -> list[str]:
    """Aligned text columns; ``align`` has one ``l`` or ``r`` per column (``l`` + ``r``...)."""
    n = len(header)
    align = (align or "l" + "r" * (n - 1)).ljust(n, "r")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(n)]
    lines = []
    for r in [header, *rows]:
        cells = [
            str(c).ljust(widths[i]) if align[i] == "l" else str(c).rjust(widths[i])
            for i, c in enumerate(r)
        ]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def _write(text: str) -> None:
    """``text`` on standard output; a closed standard output is invalid input (exit 1)."""
    if sys.stdout is None:  # started with standard output closed (``>&-``)
        raise OSError("standard output is closed: nowhere to write the result")
    sys.stdout.write(text)
    sys.stdout.flush()


def _status(line: str) -> None:
    """A status line (``wrote fan.png``) on standard error, after any data on standard output."""
    if sys.stdout is not None:
        sys.stdout.flush()
    if sys.stderr is not None:
        sys.stderr.write(printable(line) + "\n")
