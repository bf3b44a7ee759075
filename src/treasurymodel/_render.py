"""Text and HTML tables shared by the result types (their ``__repr__`` and ``_repr_html_``).

A table is a title, a header row, body rows of already formatted cells and a footer line. The
first column (a name) is left-aligned, every other column (a figure) right-aligned, in both
renderings; the HTML one needs no dependency (notebooks show it as it is).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

__all__ = ["html_table", "text_table"]


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
