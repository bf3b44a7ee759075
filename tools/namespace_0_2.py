"""Rewrite uses of names that left ``treasurymodel``'s top level in 0.2 (re-runnable).

Version 0.2 keeps a short list of names at the top level and moved the rest to the module of
their subject (``treasurymodel.simulate_paths`` is ``treasurymodel.simulation.simulate_paths``);
the table is ``treasurymodel._MOVED``. This script rewrites, in place:

* ``from treasurymodel import a, moved`` (one line or parenthesized, also in doctests) into
  ``from treasurymodel import a`` plus ``from treasurymodel.<module> import moved``;
* ``treasurymodel.moved`` and ``tm.moved`` (code, cross-references, strings) into
  ``treasurymodel.<module>.moved``.

Run it from the repository root on the files or folders to rewrite, then ``ruff check --fix``
and ``ruff format`` to sort the imports: ``python tools/namespace_0_2.py src tests docs
benchmarks README.md``. Running it twice changes nothing the second time.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from treasurymodel import _MOVED

_SUFFIXES = (".py", ".rst", ".md", ".txt")
_ATTRIBUTE = re.compile(
    r"\b(tm|treasurymodel)\.(" + "|".join(sorted(_MOVED, key=len)[::-1]) + r")\b"
)
_ONE_LINE = re.compile(
    r"^(?P<lead>[ \t]*(?:>>> )?)from treasurymodel import (?P<names>[^(\n]+)$", re.M
)
_PARENS = re.compile(
    r"^(?P<lead>[ \t]*)from treasurymodel import \((?P<body>[^)]*)\)[ \t]*$", re.M
)


def _split(items: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    kept: list[str] = []
    moved: dict[str, list[str]] = defaultdict(list)
    for item in items:
        name = item.split(" as ")[0].strip()
        if name in _MOVED:
            moved[_MOVED[name]].append(item.strip())
        else:
            kept.append(item)
    return kept, moved


def _one_line(match: re.Match[str]) -> str:
    lead, names = match["lead"], match["names"]
    comment = ""
    if "#" in names:
        names, comment = names.split("#", 1)
        comment = "  #" + comment
    kept, moved = _split([n for n in names.split(",") if n.strip()])
    if not moved:
        return match[0]
    lines = (
        [f"{lead}from treasurymodel import {', '.join(n.strip() for n in kept)}"] if kept else []
    )
    lines += [f"{lead}from treasurymodel.{m} import {', '.join(n)}" for m, n in moved.items()]
    lines[0] += comment
    return "\n".join(lines)


def _parens(match: re.Match[str]) -> str:
    lead, body = match["lead"], match["body"]
    kept_lines: list[str] = []
    moved: dict[str, list[str]] = defaultdict(list)
    for line in body.split("\n"):
        code = line.split("#", 1)[0]
        items = [n for n in code.split(",") if n.strip()]
        if not items:
            kept_lines.append(line)
            continue
        kept, gone = _split(items)
        for module, names in gone.items():
            moved[module] += names
        if kept:
            kept_lines.append(
                line if not gone else lead + "    " + ", ".join(k.strip() for k in kept) + ","
            )
    if not moved:
        return match[0]
    out = []
    head = kept_lines[0].strip() if kept_lines else ""  # a comment after the "(", if any
    if any(line.split("#", 1)[0].strip() for line in kept_lines):
        out.append(f"{lead}from treasurymodel import (" + "\n".join(kept_lines) + ")")
        head = ""
    for module, names in moved.items():
        comment = f"  {head}" if head.startswith("#") else ""
        out.append(f"{lead}from treasurymodel.{module} import {', '.join(names)}{comment}")
        head = ""
    return "\n".join(out)


_DOCTEST_PARENS = re.compile(
    r"^(?P<lead>[ \t]*)>>> from treasurymodel import \((?P<body>[^)]*)\)[ \t]*$", re.M
)


def _doctest_parens(match: re.Match[str]) -> str:
    lead = match["lead"]
    body = re.sub(r"\n[ \t]*\.\.\.", " ", match["body"])
    kept, moved = _split([n for n in body.split(",") if n.strip()])
    if not moved:
        return match[0]
    lines = []
    if kept:
        names = ", ".join(n.strip() for n in kept)
        one = f"{lead}>>> from treasurymodel import {names}"
        lines.append(one if len(one) <= 95 else f"{lead}>>> from treasurymodel import (\n"
                     f"{lead}...     {names})")  # fmt: skip
    lines += [f"{lead}>>> from treasurymodel.{m} import {', '.join(n)}" for m, n in moved.items()]
    return "\n".join(lines)


def rewrite(text: str) -> str:
    """``text`` with every use of a moved top-level name pointed at its module."""
    text = _DOCTEST_PARENS.sub(_doctest_parens, text)
    text = _PARENS.sub(_parens, text)
    text = _ONE_LINE.sub(_one_line, text)
    return _ATTRIBUTE.sub(lambda m: f"{m[1]}.{_MOVED[m[2]]}.{m[2]}", text)


_SKIP = {
    Path(__file__).resolve(),  # this script's docstring
    Path(__file__).resolve().parents[1] / "src" / "treasurymodel" / "__init__.py",  # the table
}


def main(paths: list[str]) -> int:
    for root in map(Path, paths):
        files = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in files:
            if path.suffix not in _SUFFIXES or not path.is_file() or "_build" in path.parts:
                continue
            if path.name == "CHANGELOG.md" or path.resolve() in _SKIP:
                continue
            old = path.read_text(encoding="utf-8")
            new = rewrite(old)
            if new != old:
                path.write_text(new, encoding="utf-8")
                print(f"rewrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
