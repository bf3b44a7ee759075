"""Fuzzing of company files: random mutations of valid files in TOML and JSON.

A seeded mutator changes valid documents (the bundled data sets and the example of the format
page): it replaces, deletes, duplicates and inserts values and keys, then writes the document
back as TOML (with a writer of this file, not the library's) or JSON, and sometimes damages the
text itself. Every outcome must be one of two things:

* a :class:`~treasurymodel.ValidationError` with a one-line message, or
* a company that round-trips exactly in both syntaxes and satisfies every rule that the oracle
  below checks. The oracle is written from the format's documentation
  (``docs/theory/file-format.rst`` and the *Guarantees* page), not from the loader: it reads the
  same text with :mod:`tomllib` / :mod:`json` and judges the document and the company by the
  documented rules.

The same mutated files go through ``treasurymodel validate`` and ``treasurymodel report`` in
process (:func:`treasurymodel.cli.main`): exit code 0, or 1 with exactly one line on standard
error, never a traceback.

The number of cases follows the hypothesis profile (``tests/conftest.py``): 50 times its
``max_examples`` (2,000 in ``ci``, 25,000 in ``thorough``). ``ci`` uses fixed seeds; the other
profiles draw a new base seed each run and print it in any failure
(``FUZZ_SEED=<n>`` replays it).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import json
import math
import os
import random
import re
import tomllib
import unicodedata
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import settings

import treasurymodel as tm
from treasurymodel import ValidationError
from treasurymodel.cli import main

Syntax = Literal["toml", "json"]

_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
CASES = 50 * (settings().max_examples or 40)
"""Library cases per syntax: 2,000 in the ``ci`` profile, 25,000 in ``thorough``."""

CLI_CASES = max(CASES // 20, 50)
"""Command-line cases per syntax (each runs validate, and every fourth also report)."""

_BASE_SEED = int(os.environ.get("FUZZ_SEED", "0" if _PROFILE == "ci" else random.randrange(10**9)))

# ------------------------------------------------------------------------------------------
# The documented rules (docs/theory/file-format.rst and docs/guarantees.rst)
# ------------------------------------------------------------------------------------------

TOP_LEVEL = {"format", "company", "market", "holdings", "instruments"}
FORMATS = ("treasurymodel/1", "treasurymodel/2")  # /2 writes; /1 files still read
COMPANY_KEYS = {
    "name": "string",
    "ticker": "string?",
    "as_of": "date",
    "currency": "code",
    "shares_basic": "positive",
    "shares_diluted": "positive?",
    "other_dilutive_shares": "non-negative",
    "cash": "non-negative",
    "other_assets": "non-negative",
    "fx": "fx",
}
COMPANY_REQUIRED = {"name", "as_of", "shares_basic"}
MARKET_KEYS = {
    "asset_price": "positive?",
    "share_price": "positive?",
    "asset_prices": "prices",
    "fx": "fx",
}
HOLDINGS_KEYS = {
    "asset": "string",
    "units": "non-negative",
    "cost_basis": "non-negative",
    "staking_yield": "unit",
    "price_currency": "code?",
}
HOLDINGS_REQUIRED = {"units"}
KINDS = {"convertible_note", "secured_note", "term_loan", "note", "preferred_stock"}
# Keys every kind has, with their documented type; the other keys are checked on the company.
INSTRUMENT_COMMON = {"name": "string", "currency": "code?", "frequency": "frequency"}
PRINCIPAL_KEY = {
    "convertible_note": "principal",
    "secured_note": "principal",
    "term_loan": "principal",
    "note": "principal",
    "preferred_stock": "notional",
}
RATE_KEY = {
    "convertible_note": "coupon",
    "secured_note": "coupon",
    "term_loan": "rate",
    "note": "coupon",
    "preferred_stock": "rate",
}
AS_OF_RANGE = (dt.date(2, 1, 1), dt.date(9998, 12, 31))
MAX_RANK = 1_000_000_000
MAX_MESSAGE = 1_000  # characters: a value is shown in at most 200, the rest is names and reason
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def plain_text(value: Any) -> bool:
    """A documented name: a non-empty string, no outer spaces, no control characters, lone
    surrogates, line separators or direction overrides."""
    return (
        isinstance(value, str)
        and bool(value.strip())
        and value == value.strip()
        and not any(
            unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") or c in _BIDI for c in value
        )
    )


def is_number(value: Any) -> bool:
    """A documented number: an int or float, not a bool, finite as a float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def as_date(value: Any, syntax: Syntax) -> dt.date | None:
    if syntax == "json":
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            with contextlib.suppress(ValueError):
                return dt.date.fromisoformat(value)
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    return None


def check_value(kind: str, value: Any, syntax: Syntax) -> str | None:
    """Why ``value`` breaks the documented type or range ``kind``, or None."""
    optional = kind.endswith("?")
    kind = kind.rstrip("?")
    if value is None:
        return None if optional and syntax == "json" else "null"
    if kind == "string":
        return None if plain_text(value) else "not plain text"
    if kind == "code":
        ok = isinstance(value, str) and re.fullmatch(r"[A-Z]{3}", value) is not None
        return None if ok else "not a currency code"
    if kind == "date":
        day = as_date(value, syntax)
        if day is None:
            return "not a date"
        return None if AS_OF_RANGE[0] <= day <= AS_OF_RANGE[1] else "as_of out of range"
    if kind in ("positive", "non-negative"):
        if not is_number(value):
            return "not a finite number"
        return None if (value > 0 if kind == "positive" else value >= 0) else "out of range"
    if kind == "frequency":
        ok = isinstance(value, int) and not isinstance(value, bool) and value in (1, 2, 4, 12)
        return None if ok else "bad frequency"
    if kind == "fx":
        if not isinstance(value, dict):
            return "fx not a table"
        for code, rate in value.items():
            if check_value("code", code, syntax) or not is_number(rate) or rate <= 0:
                return "bad fx entry"
        return None
    if kind == "prices":
        if not isinstance(value, dict):
            return "prices not a table"
        for asset, price in value.items():
            if not plain_text(asset) or not is_number(price) or price <= 0:
                return "bad price entry"
        return None
    if kind == "unit":
        return None if is_number(value) and 0 <= value <= 1 else "not in [0, 1]"
    raise AssertionError(kind)


def violation(doc: Any, syntax: Syntax) -> str | None:
    """The first documented rule ``doc`` (a parsed file) breaks, or None if the oracle sees
    none. The oracle checks a documented subset; the loader may refuse more."""
    if not isinstance(doc, dict):
        return "top level not a table"
    if set(doc) - TOP_LEVEL:
        return "unknown top-level key"
    if doc.get("format") not in FORMATS:
        return "format"
    holdings = doc.get("holdings")
    if isinstance(holdings, list):
        # [[holdings]]: one table per asset, at least one, each asset once.
        if not holdings:
            return "empty holdings"
        for i, table in enumerate(holdings):
            why = check_table(table, "holdings", HOLDINGS_KEYS, HOLDINGS_REQUIRED, syntax)
            if why:
                return why
        doc = {**doc, "holdings": holdings[0]}
    else:
        holdings = [holdings] if "holdings" in doc else []
    sections: tuple[tuple[str, dict[str, str], set[str]], ...] = (
        ("company", COMPANY_KEYS, COMPANY_REQUIRED),
        ("holdings", HOLDINGS_KEYS, HOLDINGS_REQUIRED),
        ("market", MARKET_KEYS, set()),
    )
    for section, keys, required in sections:
        if section not in doc:
            if section == "market":
                continue
            return f"missing [{section}]"
        why = check_table(doc[section], section, keys, required, syntax)
        if why:
            return why
    company = doc["company"]
    currency = company.get("currency", "USD")
    market_fx = doc.get("market", {}).get("fx", {})
    if "fx" in company and market_fx:
        return "fx given twice"
    fx = company.get("fx", market_fx)
    if currency in fx and fx[currency] != 1:
        return "reporting currency rate"
    assets = [h.get("asset", "BTC") for h in holdings]
    if len(set(assets)) < len(assets):
        return "asset held twice"
    market = doc.get("market", {})
    listed = market.get("asset_prices", {}).get(assets[0])
    if listed is not None and market.get("asset_price") not in (None, listed):
        return "primary price given twice, differently"
    for h in holdings:
        code = h.get("price_currency")
        if code is not None and code != currency and code not in fx:
            return "price currency without fx rate"
    as_of = as_date(company["as_of"], syntax)
    assert as_of is not None
    instruments = doc.get("instruments", [])
    if not isinstance(instruments, list) or not all(isinstance(i, dict) for i in instruments):
        return "instruments not a list of tables"
    names: set[Any] = set()
    pledged: dict[str, list[float]] = {a: [] for a in assets}
    total = float(company.get("cash", 0.0)) + float(company.get("other_assets", 0.0))
    for inst in instruments:
        kind = inst.get("kind")
        if not isinstance(kind, str) or kind not in KINDS:
            return "unknown kind"
        for key, what in INSTRUMENT_COMMON.items():
            if key in inst:
                why = check_value(what, inst[key], syntax)
                if why:
                    return f"instrument {key}: {why}"
            elif key == "name":
                return "instrument without a name"
        if inst["name"] in names:
            return "duplicate instrument name"
        names.add(inst["name"])
        face = inst.get(PRINCIPAL_KEY[kind])
        if check_value("positive", face, syntax):
            return "instrument face"
        rate = inst.get(RATE_KEY[kind], 0.0)
        if not is_number(rate) or not 0 <= rate < 1:
            return "instrument rate"
        code = inst.get("currency")
        if code is not None and code != currency and code not in fx:
            return "currency without fx rate"
        total += float(face) * (fx.get(code, 1.0) if code and code != currency else 1.0)
        if not math.isfinite(total):
            return "totals leave the float range"
        if kind != "preferred_stock":
            maturity = as_date(inst.get("maturity"), syntax)
            if maturity is None:
                return "debt without a valid maturity"
            if maturity <= as_of:
                return "debt due on or before as_of"
        if kind in ("secured_note", "term_loan"):
            units = inst.get("pledged_units", 0.0)
            if check_value("non-negative", units, syntax):
                return "pledged_units"
            asset = inst.get("collateral_asset", assets[0])
            if not isinstance(asset, str) or asset not in pledged:
                return "collateral asset not held"
            pledged[asset].append(float(units))
        if kind == "preferred_stock" and "seniority" in inst:
            rank = inst["seniority"]
            if isinstance(rank, bool) or not isinstance(rank, int) or not 1 <= rank <= MAX_RANK:
                return "seniority"
    for h in holdings:
        units, on = float(h["units"]), pledged[h.get("asset", "BTC")]
        if math.fsum(on) > units + len(on) * math.ulp(units):
            return "more units pledged than held"
    return None


def check_table(
    table: Any, section: str, keys: dict[str, str], required: set[str], syntax: Syntax
) -> str | None:
    """Why one table breaks its documented keys and types, or None."""
    if not isinstance(table, dict):
        return f"[{section}] not a table"
    if set(table) - set(keys):
        return f"unknown key in [{section}]"
    if required - set(table):
        return f"missing key in [{section}]"
    for key, kind in keys.items():
        if key in table:
            why = check_value(kind, table[key], syntax)
            if why:
                return f"{section}.{key}: {why}"
    return None


def check_company(co: tm.Company, doc: dict[str, Any], syntax: Syntax) -> None:
    """Every documented rule, judged on the loaded company, and its agreement with ``doc``."""
    company = doc["company"]
    assert co.name == company["name"]
    assert co.as_of == as_date(company["as_of"], syntax)
    assert co.shares_basic == float(company["shares_basic"])
    tables = doc["holdings"] if isinstance(doc["holdings"], list) else [doc["holdings"]]
    assert [h.units for h in co.holdings] == [float(t["units"]) for t in tables]
    assert [i.name for i in co.instruments] == [i["name"] for i in doc.get("instruments", [])]
    assert plain_text(co.name)
    assert AS_OF_RANGE[0] <= co.as_of <= AS_OF_RANGE[1]
    assert re.fullmatch(r"[A-Z]{3}", co.currency)
    for amount in (co.cash, co.other_assets, co.holdings[0].units, co.holdings[0].cost_basis):
        assert math.isfinite(amount)
        assert amount >= 0
    assert co.shares_basic > 0
    assert co.diluted_shares > 0
    assert math.isfinite(co.total_debt + co.total_preferred + co.cash + co.other_assets)
    assert len({i.name for i in co.instruments}) == len(co.instruments)
    for held in co.holdings:
        units = held.units
        pledges = [
            getattr(i, "pledged_units", 0.0)
            for i in co.instruments
            if (getattr(i, "collateral_asset", None) or co.assets[0]) == held.asset
        ]
        assert math.fsum(pledges) <= units + len(pledges) * math.ulp(units)
    debt_names = {d.name for d in co.debts}
    for inst in co.instruments:
        assert plain_text(inst.name)
        assert inst.currency is None or re.fullmatch(r"[A-Z]{3}", inst.currency)
        face = co.amount(inst)
        assert math.isfinite(face)
        assert face > 0
        if isinstance(inst, tm.PreferredStock):
            assert 1 <= inst.seniority <= MAX_RANK
            assert 0 <= inst.rate < 1
            continue
        assert inst.maturity > co.as_of
        if inst.issued is not None:
            assert inst.maturity > inst.issued
        if isinstance(inst, tm.ConvertibleNote):
            for put in inst.puts:
                assert inst.issued < put <= inst.maturity
        if isinstance(inst, tm.SecuredNote):
            for clause in inst.springing:
                assert clause.reference in debt_names
                assert clause.reference != inst.name
        if isinstance(inst, tm.TermLoan):
            assert math.fsum(a.amount for a in inst.amortization) <= inst.principal * (1 + 1e-9)
            if inst.max_ltv is not None:
                assert 0 < inst.max_ltv <= 1


def parse(text: str, syntax: Syntax) -> Any:
    """The oracle's own reading of the text (None if it is not valid TOML / JSON)."""
    try:
        if syntax == "toml":
            return tomllib.loads(text.removeprefix("\ufeff"))
        return json.loads(text.removeprefix("\ufeff"))
    except (ValueError, RecursionError):
        return None


# ------------------------------------------------------------------------------------------
# Valid seeds, a TOML writer of this file, and the mutator
# ------------------------------------------------------------------------------------------

_EXAMPLE = Path(__file__).parent / "data" / "file-format-example.toml"


def seeds() -> list[dict[str, Any]]:
    texts = [tm.dumps(tm.datasets.load(n)) for n in tm.datasets.names()]
    texts.append(_EXAMPLE.read_text(encoding="utf-8"))
    small = tm.Company(
        name="Small",
        as_of=dt.date(2026, 1, 1),
        holdings=tm.Holdings(units=10.0),
        shares_basic=1e6,
        instruments=[
            tm.TermLoan(
                name="L",
                principal=1e5,
                rate=0.05,
                issued=dt.date(2025, 1, 1),
                maturity=dt.date(2028, 1, 1),
                max_ltv=0.5,
                pledged_units=4.0,
            ),
            tm.PreferredStock(name="P", notional=1e6, rate=0.1, currency="EUR", seniority=2),
        ],
        market=tm.Market(asset_price=60_000.0, fx={"EUR": 1.1}),
    )
    texts.append(tm.dumps(small))
    return [tomllib.loads(t) for t in texts]


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _key(key: Any) -> str:
    return key if _BARE_KEY.fullmatch(str(key)) else json.dumps(str(key))


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if abs(value).bit_length() < 4000 else "1" + "0" * 5_000
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string is a JSON string (\\uXXXX escapes)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    if value is None:
        return '""'  # TOML has no null: an empty string stands in
    raise AssertionError(repr(value))


def _is_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _toml_table(lines: list[str], header: str, table: dict[str, Any]) -> None:
    for key, value in table.items():
        if not _is_tables(value):
            lines.append(f"{_key(key)} = {_toml_value(value)}")
    for key, value in table.items():
        if _is_tables(value):
            for item in value:
                lines.append(f"[[{header}.{_key(key)}]]")
                _toml_table(lines, f"{header}.{_key(key)}", item)


def to_toml(doc: dict[str, Any]) -> str:
    lines: list[str] = []
    for key, value in doc.items():
        if not isinstance(value, dict) and not _is_tables(value):
            lines.append(f"{_key(key)} = {_toml_value(value)}")
    for key, value in doc.items():
        if isinstance(value, dict):
            lines.append(f"[{_key(key)}]")
            _toml_table(lines, _key(key), value)
        elif _is_tables(value):
            for item in value:
                lines.append(f"[[{_key(key)}]]")
                _toml_table(lines, _key(key), item)
    return "\n".join(lines) + "\n"


def to_json(doc: Any, rng: random.Random) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.isoformat()
        raise TypeError(repr(value))

    def shrink(node: Any) -> Any:  # integers json cannot write: a marker, written below
        if isinstance(node, dict):
            return {k: shrink(v) for k, v in node.items()}
        if isinstance(node, list):
            return [shrink(v) for v in node]
        if isinstance(node, int) and abs(node).bit_length() >= 4000:
            return "__BIG__" if node > 0 else "__-BIG__"
        return node

    text = json.dumps(shrink(doc), default=default, ensure_ascii=rng.random() < 0.5)
    big = "1" + "0" * 5_000
    return text.replace('"__BIG__"', big).replace('"__-BIG__"', "-" + big)


INTERESTING: list[Any] = [
    0, -1, 1, 2, 3, 4, 12, 7, 1_000_000_000, 1_000_000_001, 2**63, 10**4000,
    0.0, -0.0, 1e-320, 5e-324, 1e-200, 0.5, 0.999, 1.0, 1.5, -0.5, 1e15, 1e308, -1e308,
    1.7976931348623157e308, math.nan, math.inf, -math.inf,
    True, False, None, [], {}, {"x": 1}, [1, 2],
    "", " ", " X", "X ", "X", "x" * 300, "\x1b[31mred", "a\nb", "\u202eevil", "\ud800", "ΑΒΓ",
    "ＵＳＤ", "usd", "USD", "EUR", "JPY", "US", "treasurymodel/1", "treasurymodel/2",
    "note", "term_loan", "secured_note", "convertible_note", "preferred_stock", "loan",
    "2026-01-01", "2026-02-30", "26-01-01",
    dt.date(1, 1, 1), dt.date(2, 1, 1), dt.date(2000, 1, 1), dt.date(2026, 2, 1),
    dt.date(2026, 2, 2), dt.date(2030, 1, 1), dt.date(9998, 12, 31), dt.date(9999, 12, 31),
    [dt.date(2027, 1, 1), dt.date(2026, 6, 1)], [dt.date(2027, 1, 1)],
]  # fmt: skip
KEYS = [
    "name", "kind", "principal", "notional", "maturity", "issued", "pledged_units", "rate",
    "coupon", "currency", "fx", "seniority", "frequency", "units", "extra", "puts", "springing",
    "reference", "as_of", "max_ltv", "amortization", "conversion_price", "format",
]  # fmt: skip


def _slots(node: Any, out: list[tuple[Any, Any]]) -> None:
    """Every (container, key or index) in the tree."""
    if isinstance(node, dict):
        for key in list(node):
            out.append((node, key))
            _slots(node[key], out)
    elif isinstance(node, list):
        for i in range(len(node)):
            out.append((node, i))
            _slots(node[i], out)


def _tweak(value: Any, rng: random.Random) -> Any:
    """A value near ``value``: a sign flip, a scale, a date moved, a space or a character."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return rng.choice([-value, value * 10**300, value // 10**300, value + 1, 0])
    if isinstance(value, float):
        return rng.choice([-value, value * 1e300, value / 1e300, value + 1, 0, value * 2.5])
    if isinstance(value, dt.date):
        days = rng.choice([-1, 1, -365 * 30, 365 * 8000, -365 * 2030])
        try:
            return value + dt.timedelta(days=days)
        except OverflowError:
            return value
    if isinstance(value, str):
        extra = rng.choice([" ", "\x07", "\u00e9", "\ud800", value, "0"])
        return rng.choice([extra + value, value + extra, value[:-1], value.upper()])
    return rng.choice(INTERESTING)


def mutate(doc: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """Apply 1 to 3 random structural mutations to a deep copy of ``doc``."""
    doc = json.loads(json.dumps(doc, default=lambda d: {"__date__": d.isoformat()}),
                     object_hook=_dates)  # fmt: skip
    for _ in range(rng.choice([1, 1, 2, 3])):
        slots: list[tuple[Any, Any]] = []
        _slots(doc, slots)
        if not slots:
            break
        container, key = rng.choice(slots)
        op = rng.randrange(8)
        if op == 0:
            container[key] = copy.deepcopy(rng.choice(INTERESTING))
        elif op == 1:
            container[key] = _tweak(container[key], rng)
        elif op == 2:
            del container[key]
        elif op == 3 and isinstance(container, dict):
            container[rng.choice(KEYS)] = copy.deepcopy(rng.choice([*INTERESTING, container[key]]))
        elif op == 4 and isinstance(container, list):
            container.insert(rng.randrange(len(container) + 1), copy.deepcopy(container[key]))
        elif op == 5:
            other, other_key = rng.choice(slots)
            container[key] = copy.deepcopy(other[other_key])
        elif op == 6 and isinstance(container[key], int | float) and container[key]:
            container[key] = rng.choice([10**5000, -(10**5000), 10**20, 0.1 + 0.2])
        else:
            container[key] = _tweak(container[key], rng)
    return doc


def _dates(obj: dict[str, Any]) -> Any:
    if set(obj) == {"__date__"}:
        return dt.date.fromisoformat(obj["__date__"])
    return obj


def damage(text: str, rng: random.Random, syntax: Syntax) -> str:
    """Text-level damage, sometimes: a truncation, a duplicated line or key, a stray byte."""
    roll = rng.random()
    if roll < 0.75:
        return text
    if roll < 0.82:
        return text[: rng.randrange(len(text) + 1)]
    lines = text.splitlines()
    i = rng.randrange(len(lines))
    if roll < 0.9:
        lines.insert(i, lines[i])  # a duplicated line: a duplicated key or header
    elif roll < 0.95 and syntax == "json":
        return text.replace('"name": ', '"name": "dup", "name": ', 1)
    else:
        lines[i] = lines[i] + rng.choice(["\x00", "\x1b", "=", "]", "{", "\ufeff", " # c"])
    return "\n".join(lines) + "\n"


def cases(syntax: Syntax, count: int, salt: int) -> list[tuple[int, str]]:
    base = seeds()
    out = []
    for n in range(count):
        seed = _BASE_SEED * 1_000_003 + salt * 100_000_007 + n
        rng = random.Random(seed)
        doc = mutate(rng.choice(base), rng)
        text = to_toml(doc) if syntax == "toml" else to_json(doc, rng)
        out.append((seed, damage(text, rng, syntax)))
    return out


# ------------------------------------------------------------------------------------------
# The properties
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("syntax", ["toml", "json"])
def test_mutated_files_load_to_a_valid_company_or_one_validation_error(syntax: Syntax) -> None:
    accepted = refused = 0
    for seed, text in cases(syntax, CASES, salt=1 if syntax == "toml" else 2):
        where = f"seed {seed} (FUZZ_SEED={_BASE_SEED}), {syntax}:\n{text[:2000]}"
        doc = parse(text, syntax)
        expected = "not valid syntax" if doc is None else violation(doc, syntax)
        try:
            co = tm.loads(text, format=syntax, source="fuzz")
        except ValidationError as err:
            refused += 1
            message = str(err)
            assert "\n" not in message, where
            assert len(message) < MAX_MESSAGE, where
            assert message.isprintable(), where
            continue
        except Exception as exc:  # anything else is a defect
            raise AssertionError(f"{type(exc).__name__}: {exc}\n{where}") from exc
        accepted += 1
        assert expected is None, f"accepted although {expected}: {where}"
        assert isinstance(doc, dict)
        check_company(co, doc, syntax)
        formats: tuple[Syntax, ...] = ("toml", "json")
        for fmt in formats:
            assert tm.loads(tm.dumps(co, format=fmt), format=fmt) == co, where
    # the mutator must exercise both outcomes
    assert accepted > CASES // 20
    assert refused > CASES // 4


def _run(argv: list[str]) -> tuple[int, str, str]:
    """``main(argv)`` in process: (exit code, stdout, stderr); argparse's exit gives its code."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else -1
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("syntax", ["toml", "json"])
def test_mutated_files_through_validate_and_report(syntax: Syntax, tmp_path: Path) -> None:
    path = tmp_path / f"company.{syntax}"
    outcomes = {0: 0, 1: 0}
    for n, (seed, text) in enumerate(cases(syntax, CLI_CASES, salt=3 if syntax == "toml" else 4)):
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        commands = [["validate", str(path)]]
        if n % 4 == 0:
            commands.append(["report", str(path), "--asset-price", "50000", "--format", "json"])
        for argv in commands:
            where = f"seed {seed} (FUZZ_SEED={_BASE_SEED}), {argv[0]} {syntax}:\n{text[:2000]}"
            try:
                code, out, err = _run(argv)
            except BaseException as exc:  # a traceback
                raise AssertionError(f"{type(exc).__name__}: {exc}\n{where}") from exc
            if code == 2:
                # A usage error, documented for a command-line value out of its range: here
                # only --asset-price 50000 times a file's astronomical holdings can be.
                assert argv[0] == "report", where
                last = err.splitlines()[-1]
                assert last.startswith("treasurymodel report: error: argument --asset-price:"), (
                    where
                )
                assert out == "", where
                continue
            assert code in (0, 1), where
            outcomes[code] += 1
            if code == 1:
                assert out == "", where
                assert err.count("\n") == 1, where
                assert err.startswith("treasurymodel: error: "), where
                assert err[:-1].isprintable(), where
            else:
                assert err == "", where
                if argv[0] == "report":
                    json.loads(out)
    assert outcomes[0] > 0
    assert outcomes[1] > 0
