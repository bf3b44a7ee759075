"""The glossary (docs/glossary.rst) is the single source of the public vocabulary.

Every parameter of a public function or method and every field of a public attrs record, in
``treasurymodel.__all__`` and the public subpackages' ``__all__``, must be a term of the
glossary page; the page is parsed here, so adding a name means documenting it there.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

GLOSSARY = Path(__file__).resolve().parents[1] / "docs" / "glossary.rst"

# The public surface: the package and its public subpackages (each with an ``__all__``).
MODULES = (
    "treasurymodel",
    "treasurymodel.credit",
    "treasurymodel.simulation",
    "treasurymodel.valuation",
    "treasurymodel.plot",
    "treasurymodel.schedule",
    "treasurymodel.datasets",
    "treasurymodel.instruments",
    "treasurymodel.io",
    "treasurymodel.kpi",
    "treasurymodel.liquidation",
    "treasurymodel.comparison",
    "treasurymodel.events",
    "treasurymodel.assets",
)

# The companies' published KPI names (BTC Rating ...) keep "btc_"; nothing else may.
KPI_NAMES = frozenset({"btc_rating"})


def glossary_terms(text: str) -> list[str]:
    """Terms of the ``.. glossary::`` blocks: the lines indented by exactly three spaces."""
    terms: list[str] = []
    inside = False
    for line in text.splitlines():
        if line.startswith(".. glossary::"):
            inside = True
            continue
        if inside and line and not line.startswith(" "):
            inside = False
        if inside:
            m = re.fullmatch(r"   ([A-Za-z_][A-Za-z0-9_]*)", line)
            if m:
                terms.append(m.group(1))
    return terms


def _parameters(func: Callable[..., Any]) -> Iterator[str]:
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):  # builtins without a signature
        return
    for p in signature.parameters.values():
        if p.name in ("self", "cls") or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        yield p.name


def public_names() -> dict[str, set[str]]:
    """Every public parameter and field name, with where it occurs."""
    found: dict[str, set[str]] = {}
    seen: set[int] = set()

    def add(name: str, where: str) -> None:
        found.setdefault(name, set()).add(where)

    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for export in getattr(module, "__all__", ()):
            obj = getattr(module, export)
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if inspect.isclass(obj):
                if attrs.has(obj):
                    for field in attrs.fields(obj):
                        if not field.name.startswith("_"):
                            add(field.name, f"{export}.{field.name}")
                else:
                    for p in _parameters(obj):
                        add(p, export)
                for member, value in inspect.getmembers(obj):
                    if member.startswith("_") or not callable(value):
                        continue
                    if getattr(value, "__module__", "").startswith("treasurymodel"):
                        for p in _parameters(value):
                            add(p, f"{export}.{member}")
            elif callable(obj):
                for p in _parameters(obj):
                    add(p, export)
    return found


@pytest.fixture(scope="module")
def terms() -> list[str]:
    return glossary_terms(GLOSSARY.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def names() -> dict[str, set[str]]:
    return public_names()


def test_the_parser_reads_terms_and_only_terms() -> None:
    text = (
        "Title\n=====\n\nConventions\n   not_a_term\n\n.. glossary::\n\n   asset_price\n"
        "      Price of one unit.\n\n   nav\n   mnav\n      Two terms, one entry.\n\n"
        "Next\n----\n\n   outside\n"
    )
    assert glossary_terms(text) == ["asset_price", "nav", "mnav"]


def test_the_glossary_states_each_term_once(terms: list[str]) -> None:
    assert len(terms) > 200  # the page was found and parsed
    duplicates = sorted({t for t in terms if terms.count(t) > 1})
    assert duplicates == []


def test_every_public_name_is_in_the_glossary(
    terms: list[str], names: dict[str, set[str]]
) -> None:
    missing = {n: sorted(w)[:3] for n, w in names.items() if n not in set(terms)}
    assert missing == {}, f"add these to docs/glossary.rst: {missing}"


def test_every_glossary_term_is_a_public_name(
    terms: list[str], names: dict[str, set[str]]
) -> None:
    stale = sorted(set(terms) - set(names))
    assert stale == [], f"remove these from docs/glossary.rst (no public name uses them): {stale}"


def test_no_public_name_says_btc_except_the_published_kpis(names: dict[str, set[str]]) -> None:
    offending = {n: sorted(w) for n, w in names.items() if n.startswith("btc_")}
    assert set(offending) <= KPI_NAMES, offending


# The 0.1 names; the marker keeps the rename codemod off these lines.
OLD_NAMES = ["btc_price", "btc_prices", "spot", "start_price"]  # rename_02: keep
OLD_NAMES += ["basis", "pref", "btc_per_share", "btc_sold"]  # rename_02: keep


@pytest.mark.parametrize("old", OLD_NAMES)
def test_the_0_1_names_are_gone(old: str, names: dict[str, set[str]]) -> None:
    assert old not in names, sorted(names[old])


def test_the_asset_price_is_generic_across_the_api(names: dict[str, set[str]]) -> None:
    # metrics, the price models and the stress presets say asset_price; price grids asset_prices
    assert {"metrics", "GBM.asset_price", "preset_path"} <= names["asset_price"]
    assert {"nav_sensitivity", "nav_chart"} <= names["asset_prices"]


def test_the_kpi_functions_keep_their_published_names() -> None:
    import treasurymodel as tm
    from treasurymodel import credit

    assert callable(tm.btc_yield)
    for name in ("btc_yield", "btc_gain", "btc_dollar_gain"):
        assert callable(getattr(tm.kpi, name))
    for name in ("btc_rating", "btc_ratings", "btc_risk", "btc_risks", "btc_credit_spread"):
        assert callable(getattr(credit, name))
