"""Text and HTML tables shared by the result types (their ``__repr__`` and ``_repr_html_``).

A table is a title, a header row, body rows of already formatted cells and a footer line. The
first column (a name) is left-aligned, every other column (a figure) right-aligned, in both
renderings; the HTML one needs no dependency (notebooks show it as it is).
"""

from __future__ import annotations

import datetime as _dt
import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = [
    "cell",
    "columns_html",
    "columns_text",
    "fit_columns",
    "fmt",
    "html_table",
    "text_table",
]


def text_table(
    title: str, header: Sequence[str], rows: Sequence[Sequence[str]], footer: str
) -> str:
    """``title``, then the rows in aligned columns indented by two spaces, then ``footer``.

    Examples
    --------
    >>> print(text_table("T(x)", ["name", "value"], [["a", "1.0"], ["bb", "22.5"]], "end"))
    T(x)
      name  value
      a       1.0
      bb     22.5
      end
    """
    table = [list(header), *(list(r) for r in rows)]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines = [title]
    for r in table:
        cells = [c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)]
        lines.append(("  " + "  ".join(cells)).rstrip())
    lines.append("  " + footer)
    return "\n".join(lines)


def html_table(
    caption: str, header: Sequence[str], rows: Sequence[Sequence[str]], footer: str
) -> str:
    """A small HTML table: escaped cells, names left and figures right, the footer spanning.

    Examples
    --------
    >>> html_table("T", ["name", "value"], [["a<b", "1.0"]], "end")[:60]
    '<table><caption>T</caption><thead><tr><th style="text-align:'
    >>> "a&lt;b" in html_table("T", ["name", "value"], [["a<b", "1.0"]], "end")
    True
    """

    def align(i: int) -> str:
        return "left" if i == 0 else "right"

    head = "".join(
        f'<th style="text-align:{align(i)}">{html.escape(h)}</th>' for i, h in enumerate(header)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td style="text-align:{align(i)}">{html.escape(c)}</td>' for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return (
        f"<table><caption>{html.escape(' '.join(caption.split()))}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
        f"<tfoot><tr><td colspan='{len(header)}'>{html.escape(footer)}</td></tr>"
        "</tfoot></table>"
    )


def fmt(value: float | None, kind: str = "plain") -> str:
    """One figure as text, the way every table of the package prints it.

    ``kind`` is ``"money"`` (millions, one decimal), ``"price"`` (two decimals), ``"ratio"``
    (three decimals), ``"count"`` (whole), ``"pct"`` (percent, one decimal), ``"small"``
    (six significant digits) or ``"plain"`` (one decimal). A missing figure, ``None`` or NaN
    (the missing-value mark of the array exports), prints as ``-``; infinity as ``inf``.

    Examples
    --------
    >>> fmt(1_234_567_890.0, "money"), fmt(68_141.5, "price"), fmt(0.25, "pct")
    ('1,234.6', '68,141.50', '25.0%')
    >>> fmt(None, "price"), fmt(float("nan"), "ratio"), fmt(float("-inf"), "price")
    ('-', '-', '-inf')
    """
    if value is None or math.isnan(value):
        return "-"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if kind == "money":
        return f"{value / 1e6:,.1f}"
    if kind == "price":
        return f"{value:,.2f}"
    if kind == "ratio":
        return f"{value:,.3f}"
    if kind == "count":
        return f"{value:,.0f}"
    if kind == "pct":
        return f"{value:.1%}"
    if kind == "small":
        return f"{value:.6g}"
    return f"{value:,.1f}"


CELL_WIDTH = 24
"""Widest cell of a text table made from columns; a longer one is cut with ``…``."""


def cell(value: object) -> str:
    """A value of a result's column as table text, whatever its type.

    Text as it is, dates as ISO dates, whole numbers with thousands separators, other
    numbers with six significant digits (whole from a million up), missing values
    (``None``, NaN, ``NaT``) as ``-``.

    Examples
    --------
    >>> import datetime as dt, numpy as np
    >>> [cell(v) for v in ("MSTR", dt.date(2026, 1, 2), np.int64(12345), 68141.456, 0.0123456)]
    ['MSTR', '2026-01-02', '12,345', '68,141.5', '0.0123456']
    >>> [cell(v) for v in (None, float("nan"), np.datetime64("NaT"), np.True_, 5e6, 1e-9)]
    ['-', '-', '-', 'True', '5,000,000', '1e-09']
    """
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, np.datetime64):
        return "-" if np.isnat(value) else str(value.astype("datetime64[D]"))
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        x = float(value)
        if math.isnan(x) or math.isinf(x):
            return fmt(x)
        if (x == round(x) or abs(x) >= 1e6) and abs(x) < 1e15:
            return f"{x:,.0f}"
        return f"{x:,.6g}"
    return str(value)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _shown_rows(n: int, max_rows: int) -> list[int | None]:
    """Indices of the rows shown (``None``: the ``...`` line standing for those left out)."""
    if n <= max_rows:
        return list(range(n))
    tail = 5
    head = max_rows - tail - 1
    return [*range(head), None, *range(n - tail, n)]


def _length(columns: Mapping[str, Any]) -> int:
    return len(next(iter(columns.values()))) if columns else 0


def _is_text(column: Any) -> bool:
    """Whether a column holds text (aligned left) rather than figures (aligned right)."""
    kind = np.asarray(column).dtype.kind
    return kind in "USO" and not any(
        isinstance(v, int | float | np.number) for v in np.asarray(column).tolist()[:50]
    )


def _aligned(
    header: Sequence[str], rows: Sequence[Sequence[str]], left: Sequence[bool]
) -> list[str]:
    """Header and rows in columns indented by two spaces: text left, figures right."""
    table = [list(header), *(list(r) for r in rows)]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    return [
        (
            "  "
            + "  ".join(
                c.ljust(widths[i]) if left[i] or i == 0 else c.rjust(widths[i])
                for i, c in enumerate(r)
            )
        ).rstrip()
        for r in table
    ]


def columns_text(
    title: str,
    columns: Mapping[str, Any],
    footer: str = "",
    *,
    turn: bool = True,
    max_rows: int = 21,
    width: int = 100,
) -> str:
    """A one-screen text table of a result's columns (what ``to_dict()`` returns).

    A single row is shown turned, one line per column (unless ``turn`` is false); more rows
    keep at most ``max_rows`` lines (the first ones, ``...``, the last five) and as many
    columns as fit in ``width`` characters, naming the others in the footer. No line is
    wider than ``width``.

    Examples
    --------
    >>> import numpy as np
    >>> columns = {"name": np.array(["a", "b"]), "price": np.array([1.5, 2.0])}
    >>> print(columns_text("Prices", columns))
    Prices
      name  price
      a       1.5
      b         2
    >>> print(columns_text("One", {"x": np.array([1]), "y": np.array([0.5])}, "end"))
    One
      column  value
      x           1
      y         0.5
      end
    """
    n = _length(columns)
    names = list(columns)
    lines = [_clip(title, width)]
    if turn and n == 1 and len(names) > 1:
        shown = _shown_rows(len(names), max_rows)
        rows = [
            ["...", ""]
            if i is None
            else [_clip(names[i], 40), _clip(cell(columns[names[i]][0]), 50)]
            for i in shown
        ]
        body = text_table("", ["column", "value"], rows, "").split("\n")[1:-1]
        lines += body
    else:
        picked = _shown_rows(n, max_rows)
        cells = {
            name: [
                "..." if i is None else _clip(cell(columns[name][i]), CELL_WIDTH) for i in picked
            ]
            for name in names
        }
        kept: list[str] = []
        used = 2
        for name in names:
            w = max(len(name), *(len(c) for c in cells[name])) if picked else len(name)
            if kept and used + 2 + w > width:
                break
            kept.append(name)
            used += w + (2 if len(kept) > 1 else 0)
        rows = [[cells[name][r] for name in kept] for r in range(len(picked))]
        text = [_is_text(columns[name]) for name in kept]
        lines += [_clip(line, width) for line in _aligned(kept, rows, text)]
        left = names[len(kept) :]
        if left:
            footer = (footer + "; " if footer else "") + (
                f"{len(left)} more column{'s' if len(left) > 1 else ''} in to_dict(): "
                + ", ".join(left)
            )
    if footer:
        lines.append(_clip("  " + footer, width))
    return "\n".join(lines)


def columns_html(
    caption: str,
    columns: Mapping[str, Any],
    footer: str = "",
    *,
    turn: bool = True,
    max_rows: int = 21,
) -> str:
    """The same table as :func:`columns_text` in HTML: every column, at most ``max_rows`` rows.

    Examples
    --------
    >>> import numpy as np
    >>> page = columns_html("P", {"name": np.array(["a<b", "c"]), "x": np.array([2.0, 3.5])})
    >>> page[:34], '<td style="text-align:left">a&lt;b</td>' in page
    ('<table><caption>P</caption><thead>', True)
    """
    n = _length(columns)
    names = list(columns)
    if turn and n == 1 and len(names) > 1:
        rows = [[name, cell(columns[name][0])] for name in names]
        return html_table(caption, ["column", "value"], rows, footer)
    picked = _shown_rows(n, max_rows)
    rows = [
        ["..." for _ in names] if i is None else [cell(columns[name][i]) for name in names]
        for i in picked
    ]
    return html_table(caption, names, rows, footer)


def fit_columns(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, width: int = 100
) -> tuple[list[str], list[list[str]], list[str]]:
    """The first columns of a text table that fit in ``width`` (indent included), and the
    names of those left out (at least the first two columns are kept).

    Examples
    --------
    >>> fit_columns(["name", "a", "b"], [["x" * 10, "1" * 40, "2" * 60]], width=60)[2]
    ['b']
    """
    keep = len(header)

    def wide(k: int) -> int:
        cols = [max(len(r[i]) for r in [header, *rows]) for i in range(k)]
        return 2 + sum(cols) + 2 * (k - 1)

    while keep > 2 and wide(keep) > width:
        keep -= 1
    return list(header[:keep]), [list(r[:keep]) for r in rows], list(header[keep:])
