"""Tests of treasurymodel.io: the treasurymodel/1 company file format (TOML and JSON)."""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
import tomllib
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import treasurymodel
from treasurymodel import (
    Company,
    ConvertibleNote,
    Holdings,
    Market,
    PreferredStock,
    SecuredNote,
    TermLoan,
    ValidationError,
    dump,
    dumps,
    load,
    loads,
)
from treasurymodel.instruments import Amortization, RateStep, SpringingMaturity
from treasurymodel.io import FORMAT_VERSION, MAX_FILE_BYTES

from .strategies import companies

Format = Literal["toml", "json"]

# A valid file written by hand; each bad-input case below breaks one line of it.
BASE = """\
format = "treasurymodel/1"

[company]
name = "Test Co"
as_of = 2022-06-30
shares_basic = 11_300_000
cash = 60_000_000

[holdings]
units = 129_699
cost_basis = 3_977_000_000

[[instruments]]
kind = "term_loan"
name = "Loan"
principal = 205_000_000
rate = 0.0375
issued = 2022-03-23
maturity = 2025-03-23
max_ltv = 0.5
pledged_units = 30_051

[[instruments]]
kind = "convertible_note"
name = "CN25"
principal = 650_000_000
coupon = 0.0075
issued = 2020-12-11
maturity = 2025-12-15
conversion_price = 397.99
puts = [2023-12-15]

[[instruments]]
kind = "secured_note"
name = "SN28"
principal = 500_000_000
coupon = 0.06125
issued = 2021-06-14
maturity = 2028-06-15
pledged_units = 14_590

  [[instruments.springing]]
  date = 2025-09-15
  reference = "CN25"
  liquidity_multiple = 1.3

[[instruments]]
kind = "preferred_stock"
name = "PREF"
notional = 100_000_000
rate = 0.1
currency = "USD"
"""


def _replace(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


def _as_json(value: Any) -> Any:
    """A parsed TOML document in the shape of JSON: dates as ISO strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    return value


def _json_base() -> dict[str, Any]:
    """BASE as a JSON-shaped dict (dates as ISO strings)."""
    result: dict[str, Any] = _as_json(tomllib.loads(BASE))
    return result


# --- loading a valid file -------------------------------------------------------------


def test_base_file_loads_with_the_values_written() -> None:
    co = loads(BASE, source="base.toml")
    assert co.name == "Test Co"
    assert co.as_of == dt.date(2022, 6, 30)
    assert co.shares_basic == 11_300_000.0
    assert co.holdings[0] == Holdings(units=129_699.0, cost_basis=3_977e6)
    assert co.market is None
    assert [type(i) for i in co.instruments] == [
        TermLoan,
        ConvertibleNote,
        SecuredNote,
        PreferredStock,
    ]
    loan = co.instrument("Loan")
    assert isinstance(loan, TermLoan)
    assert (loan.principal, loan.rate, loan.max_ltv, loan.pledged_units) == (
        205e6,
        0.0375,
        0.5,
        30_051.0,
    )
    note = co.instrument("CN25")
    assert isinstance(note, ConvertibleNote)
    assert note.puts == (dt.date(2023, 12, 15),)
    secured = co.instrument("SN28")
    assert isinstance(secured, SecuredNote)
    assert secured.springing[0].date == dt.date(2025, 9, 15)
    assert secured.springing[0].reference == "CN25"


def test_json_document_loads_to_the_same_company() -> None:
    assert loads(json.dumps(_json_base()), format="json") == loads(BASE)


DATA = Path(__file__).parent / "data"


def test_design_example_loads() -> None:
    # tests/data/file-format-example.toml is the example of the format's specification
    # (design/file-format.md), copied verbatim with its comments; the docs include this copy.
    path = DATA / "file-format-example.toml"
    co = load(path)
    assert (co.name, co.ticker, co.as_of, co.currency) == (
        "MicroStrategy",
        "MSTR",
        dt.date(2022, 6, 30),
        "USD",
    )
    assert (co.shares_basic, co.shares_diluted, co.cash) == (11_300_000.0, None, 60_000_000.0)
    assert co.market == Market(asset_price=19_000.0, share_price=160.0)
    assert co.holdings[0] == Holdings(asset="BTC", units=129_699.0, cost_basis=3_977_000_000.0)
    assert [type(i).KIND for i in co.instruments] == [
        "term_loan",
        "convertible_note",
        "secured_note",
        "note",
        "preferred_stock",
    ]
    # 205 + 650 + 500 + 11 = 1,366 ($M) of debt; 30,051 + 14,590 coins pledged.
    assert co.total_debt == 1_366e6
    assert co.pledged_units == 44_641.0
    note = co.instrument("0.75% convertible notes due 2025")
    assert isinstance(note, ConvertibleNote)
    assert (note.conversion_price, note.frequency, note.maturity) == (
        397.99,
        2,
        dt.date(2025, 12, 15),
    )
    secured = co.instrument("6.125% senior secured notes due 2028")
    assert isinstance(secured, SecuredNote)
    assert secured.springing == (
        SpringingMaturity(
            date=dt.date(2025, 9, 15),
            reference="0.75% convertible notes due 2025",
            liquidity_multiple=1.3,
            min_outstanding=100e6,
        ),
    )
    strf = co.preferreds[0]
    assert (strf.notional, strf.rate, strf.frequency, strf.cumulative, strf.seniority) == (
        1_284e6,
        0.10,
        4,
        True,
        1,
    )
    assert co.instrument("Other long-term secured debt").issued is None
    # "JSON with the same structure is accepted too": dates as "YYYY-MM-DD" strings.
    doc = _as_json(tomllib.loads(path.read_text(encoding="utf-8")))
    assert loads(json.dumps(doc), format="json") == co


def test_load_reads_toml_and_json_files(tmp_path: Path) -> None:
    expected = loads(BASE)
    (tmp_path / "a.toml").write_text(BASE, encoding="utf-8")
    (tmp_path / "a.json").write_text(json.dumps(_json_base()), encoding="utf-8")
    (tmp_path / "a.txt").write_text(json.dumps(_json_base()), encoding="utf-8")  # sniffed
    (tmp_path / "bom.toml").write_text("\ufeff" + BASE, encoding="utf-8")
    for name in ("a.toml", "a.json", "a.txt", "bom.toml"):
        assert load(tmp_path / name) == expected
    assert load(str(tmp_path / "a.txt"), format="json") == expected


def test_loading_never_executes_anything(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payload = f"__import__('os').system('touch {marker}')"
    text = _replace('name = "Test Co"', f"name = {json.dumps(payload)}")
    co = loads(text)
    assert co.name == payload  # just a string
    assert not marker.exists()


# --- round trips ----------------------------------------------------------------------


@given(company=companies(), syntax=st.sampled_from(["toml", "json"]))
def test_round_trip_random_companies(company: Company, syntax: Format) -> None:
    assert loads(dumps(company, format=syntax), format=syntax) == company


# Names are plain text: no control characters, surrogates, line separators or bidi overrides.
_NAMES = st.text(
    st.characters(
        exclude_categories=["Cc", "Cs", "Zl", "Zp"],
        exclude_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
    ),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() == s)
_AMOUNTS = st.floats(min_value=0.0, allow_nan=False, allow_infinity=False)


@given(
    name=_NAMES,
    cash=_AMOUNTS,
    units=_AMOUNTS,
    shares=st.floats(min_value=5e-324, allow_infinity=False),
    syntax=st.sampled_from(["toml", "json"]),
)
def test_round_trip_is_exact_for_any_text_and_float(
    name: str, cash: float, units: float, shares: float, syntax: Format
) -> None:
    co = Company(
        name=name,
        ticker=name,
        as_of=dt.date(2026, 1, 1),
        holdings=Holdings(asset=name, units=units),
        shares_basic=shares,
        cash=cash,
        market=Market(asset_price=shares),
    )
    back = loads(dumps(co, format=syntax), format=syntax)
    assert back == co
    assert back.cash.hex() == co.cash.hex()  # bit for bit, sign of zero aside


def test_round_trip_keeps_an_empty_market_section_and_derived_conversion_terms() -> None:
    co = loads(BASE)
    empty_market = Company(
        name="X",
        as_of=dt.date(2026, 1, 1),
        holdings=Holdings(units=1),
        shares_basic=1,
        market=Market(),
    )
    syntaxes: tuple[Format, ...] = ("toml", "json")
    for syntax in syntaxes:
        assert loads(dumps(empty_market, format=syntax), format=syntax) == empty_market
        assert loads(dumps(co, format=syntax), format=syntax) == co
    # Only one of conversion price and rate is written when the other follows exactly;
    # either way both come back bit for bit.
    for rate in ("2.5126", "3.0", "7.000000000000001", "0.1"):
        by_rate = loads(_replace("conversion_price = 397.99", f"conversion_rate = {rate}"))
        note = by_rate.instrument("CN25")
        back = loads(dumps(by_rate)).instrument("CN25")
        assert isinstance(note, ConvertibleNote)
        assert isinstance(back, ConvertibleNote)
        assert back.conversion_rate == note.conversion_rate == float(rate)
        assert back.conversion_price == note.conversion_price


def test_dump_writes_json_by_suffix_and_round_trips(tmp_path: Path) -> None:
    co = loads(BASE)
    dump(co, tmp_path / "c.json")
    dump(co, tmp_path / "c.toml")
    dump(co, tmp_path / "c.txt", format="json")
    assert json.loads((tmp_path / "c.json").read_text())["format"] == FORMAT_VERSION
    assert tomllib.loads((tmp_path / "c.toml").read_text())["format"] == FORMAT_VERSION
    assert json.loads((tmp_path / "c.txt").read_text())["company"]["as_of"] == "2022-06-30"
    for name in ("c.json", "c.toml"):
        assert load(tmp_path / name) == co


def test_dumps_writes_dates_as_toml_dates_and_json_strings() -> None:
    co = loads(BASE)
    assert "as_of = 2022-06-30\n" in dumps(co)
    assert "puts = [2023-12-15]\n" in dumps(co)
    doc = json.loads(dumps(co, format="json"))
    assert doc["company"]["as_of"] == "2022-06-30"
    assert doc["instruments"][1]["puts"] == ["2023-12-15"]
    assert doc["instruments"][2]["springing"][0]["date"] == "2025-09-15"


def test_dumps_refuses_bad_arguments() -> None:
    with pytest.raises(ValidationError, match="format"):
        dumps(loads(BASE), format="yaml")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="company"):
        dumps("not a company")  # type: ignore[arg-type]


# --- bad input: one ValidationError naming the file, the instrument and the key ----------

# (id, old text, new text, field path in the error, instrument named, words of the reason)
TOML_CASES: list[tuple[str, str, str, str, str | None, str]] = [
    ("unknown top-level key", 'format = "treasurymodel/1"',
     'format = "treasurymodel/1"\nextra = 1', "extra", None, "not a known top-level key"),
    ("unknown company key", "cash = 60_000_000", "cash = 60_000_000\ncahs = 1",
     "company.cahs", None, "not a known key"),
    ("unknown holdings key", "units = 129_699", "units = 129_699\ncoins = 1",
     "holdings.coins", None, "not a known key"),
    ("unknown instrument key", "max_ltv = 0.5", "max_ltv = 0.5\nltv = 0.5",
     "instruments[0].ltv", "Loan", "not a known key"),
    ("unknown springing key", "liquidity_multiple = 1.3", "liquidity_multiple = 1.3\nmultiple = 1",
     "instruments[2].springing[0].multiple", "SN28", "not a known key"),
    ("unknown kind", 'kind = "term_loan"', 'kind = "bank_loan"',
     "instruments[0].kind", "Loan", "must be one of"),
    ("missing kind", 'kind = "term_loan"\n', "",
     "instruments[0].kind", "Loan", "is required"),
    ("boolean as number", "principal = 205_000_000", "principal = true",
     "instruments[0].principal", "Loan", "must be a number"),
    ("string as number", "principal = 205_000_000", 'principal = "205000000"',
     "instruments[0].principal", "Loan", "must be a number"),
    ("string as count", "shares_basic = 11_300_000", 'shares_basic = "11.3M"',
     "company.shares_basic", None, "must be a number"),
    ("number as string", 'name = "CN25"', "name = 25",
     "instruments[1].name", None, "must be a string"),
    ("number as boolean", 'currency = "USD"', 'currency = "USD"\ncumulative = 1',
     "instruments[3].cumulative", "PREF", "must be true or false"),
    ("float as frequency", "coupon = 0.0075", "coupon = 0.0075\nfrequency = 2.0",
     "instruments[1].frequency", "CN25", "whole number"),
    ("missing required key", "principal = 205_000_000\n", "",
     "instruments[0].principal", "Loan", "is required"),
    ("missing company name", 'name = "Test Co"\n', "",
     "company.name", None, "is required"),
    ("missing springing reference", '  reference = "CN25"\n', "",
     "instruments[2].springing[0].reference", "SN28", "is required"),
    ("missing holdings section", "[holdings]\nunits = 129_699\ncost_basis = 3_977_000_000\n", "",
     "holdings", None, "required section"),
    ("negative amount", "cash = 60_000_000", "cash = -1",
     "company.cash", None, "must not be negative"),
    ("negative principal", "principal = 650_000_000", "principal = -650_000_000",
     "instruments[1].principal", "CN25", "must be positive"),
    ("rate out of range", "rate = 0.0375", "rate = 1.5",
     "instruments[0].rate", "Loan", "must lie in"),
    ("LTV out of range", "max_ltv = 0.5", "max_ltv = 1.5",
     "instruments[0].max_ltv", "Loan", "must lie in"),
    ("maturity before issue", "maturity = 2025-03-23", "maturity = 2021-03-23",
     "instruments[0].maturity", "Loan", "must be after issue"),
    ("put outside life", "puts = [2023-12-15]", "puts = [2026-12-15]",
     "instruments[1].puts[0]", "CN25", "after issue and on or before maturity"),
    ("springing date outside life", "date = 2025-09-15", "date = 2029-09-15",
     "instruments[2].springing[0].date", "SN28", "after issue and on or before maturity"),
    ("frequency not 1, 2, 4 or 12", "coupon = 0.0075", "coupon = 0.0075\nfrequency = 3",
     "instruments[1].frequency", "CN25", "one of 1, 2, 4 or 12"),
    ("duplicate name", 'name = "PREF"', 'name = "Loan"',
     "instruments[3].name", "Loan", "not unique"),
    ("reference names no instrument", 'reference = "CN25"', 'reference = "CN26"',
     "instruments[2].springing[0].reference", "SN28", "names no other instrument"),
    ("reference names a preferred stock", 'reference = "CN25"', 'reference = "PREF"',
     "instruments[2].springing[0].reference", "SN28", "names a preferred stock"),
    ("currency with no fx", 'currency = "USD"', 'currency = "EUR"',
     "instruments[3].currency", "PREF", "no rate in market.fx"),
    ("bad currency code", 'currency = "USD"', 'currency = "usd"',
     "instruments[3].currency", "PREF", "three-letter code"),
    ("fx rate not a number", "cash = 60_000_000", 'cash = 60_000_000\nfx = { EUR = "1.1" }',
     "company.fx.EUR", None, "must be a number"),
    ("more coins pledged than held", "pledged_units = 30_051", "pledged_units = 120_000",
     "instruments[2].pledged_units", "SN28", "more than the 129699.0 held"),
    ("amortization outside life", "pledged_units = 30_051",
     "pledged_units = 30_051\n[[instruments.amortization]]\ndate = 2026-01-01\namount = 1e6",
     "instruments[0].amortization[0].date", "Loan", "after issue and on or before maturity"),
    ("rate step out of range", 'currency = "USD"',
     'currency = "USD"\n[[instruments.rate_schedule]]\ndate = 2026-01-01\nrate = 2.0',
     "instruments[3].rate_schedule[0].rate", "PREF", "must lie in"),
    ("NaN", "cash = 60_000_000", "cash = nan",
     "company.cash", None, "finite"),
    ("infinity", "principal = 500_000_000", "principal = inf",
     "instruments[2].principal", "SN28", "finite"),
    ("date as a string", "issued = 2022-03-23", 'issued = "2022-03-23"',
     "instruments[0].issued", "Loan", "TOML date"),
    ("date with a time", "as_of = 2022-06-30", "as_of = 2022-06-30T00:00:00",
     "company.as_of", None, "no time"),
    ("dates not a list", "puts = [2023-12-15]", "puts = 2023-12-15",
     "instruments[1].puts", "CN25", "list of dates"),
    ("wrong format version", 'format = "treasurymodel/1"', 'format = "treasurymodel/3"',
     "format", None, "not a format this version reads"),
    ("missing format", 'format = "treasurymodel/1"\n', "",
     "format", None, "is required"),
    ("invalid TOML", "rate = 0.0375", "rate = = 0.0375",
     "content", None, "not valid TOML"),
    ("maturity on the issue date", "maturity = 2025-03-23", "maturity = 2022-03-23",
     "instruments[0].maturity", "Loan", "must be after issue"),
    ("call outside life", "puts = [2023-12-15]", "puts = [2023-12-15]\ncall_from = 2026-01-01",
     "instruments[1].call_from", "CN25", "after issue and on or before maturity"),
    ("date with a time zone", "as_of = 2022-06-30", "as_of = 2022-06-30T00:00:00Z",
     "company.as_of", None, "no time"),
    ("a time, not a date", "issued = 2021-06-14", "issued = 10:00:00",
     "instruments[2].issued", "SN28", "TOML date"),
    ("integer too large for a float", "principal = 650_000_000", "principal = 1" + "0" * 400,
     "instruments[1].principal", "CN25", "too large"),
    ("float overflow", "cash = 60_000_000", "cash = 1e309",
     "company.cash", None, "finite"),
    ("negative units", "units = 129_699", "units = -1",
     "holdings.units", None, "must not be negative"),
    ("LTV zero", "max_ltv = 0.5", "max_ltv = 0.0",
     "instruments[0].max_ltv", "Loan", "must lie in"),
    ("negative notional", "notional = 100_000_000", "notional = -1",
     "instruments[3].notional", "PREF", "must be positive"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "field", "instrument", "reason"),
    [pytest.param(*case[1:], id=case[0]) for case in TOML_CASES],
)
def test_bad_toml_is_one_clear_validation_error(
    old: str, new: str, field: str, instrument: str | None, reason: str
) -> None:
    with pytest.raises(ValidationError) as info:
        loads(_replace(old, new), source="bad.toml")
    err = info.value
    message = str(err)
    assert err.field == field
    assert reason in message
    assert message.startswith("bad.toml")
    assert field in message
    if instrument is not None:
        assert f"instrument {instrument!r}" in message
    assert "\n" not in message


def _json_case(edit: str) -> dict[str, Any]:
    doc = _json_base()
    if edit == "iso date":
        doc["company"]["as_of"] = "2022/06/30"
    elif edit == "impossible date":
        doc["instruments"][0]["issued"] = "2022-02-30"
    elif edit == "null required":
        doc["instruments"][1]["principal"] = None
    elif edit == "instruments not a list":
        doc["instruments"] = {"kind": "note"}
    elif edit == "instrument not a table":
        doc["instruments"][0] = 5
    elif edit == "huge integer":
        doc["instruments"][0]["principal"] = 10**400
    elif edit == "dates as numbers":
        doc["instruments"][1]["puts"] = [20231215]
    elif edit == "section not a table":
        doc["holdings"] = 5
    elif edit == "company not a table":
        doc["company"] = [1]
    elif edit == "puts null":
        doc["instruments"][1]["puts"] = None
    elif edit == "springing not a list":
        doc["instruments"][2]["springing"] = {"date": "2025-09-15"}
    return doc


JSON_CASES = [
    ("iso date", "company.as_of", None, "YYYY-MM-DD"),
    ("impossible date", "instruments[0].issued", "Loan", "not a valid calendar date"),
    ("null required", "instruments[1].principal", "CN25", "not null"),
    ("instruments not a list", "instruments", None, "list of tables"),
    ("instrument not a table", "instruments[0]", None, "must be a table"),
    ("huge integer", "instruments[0].principal", "Loan", "too large"),
    ("dates as numbers", "instruments[1].puts[0]", "CN25", "YYYY-MM-DD"),
    ("springing not a list", "instruments[2].springing", "SN28", "list of tables"),
    ("puts null", "instruments[1].puts", "CN25", "must be a list of dates, not null"),
    ("section not a table", "holdings", None, "must be a table"),
    ("company not a table", "company", None, "must be a table"),
]


@pytest.mark.parametrize(("edit", "field", "instrument", "reason"), JSON_CASES)
def test_bad_json_is_one_clear_validation_error(
    edit: str, field: str, instrument: str | None, reason: str
) -> None:
    with pytest.raises(ValidationError) as info:
        loads(json.dumps(_json_case(edit)), format="json", source="bad.json")
    message = str(info.value)
    assert info.value.field == field
    assert message.startswith("bad.json")
    assert reason in message
    if instrument is not None:
        assert f"instrument {instrument!r}" in message


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"format": "treasurymodel/1",}', "not valid JSON"),
        ("[1, 2]", "must be a table of sections"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_bad_json_documents(text: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        loads(text, format="json")


def test_json_nan_is_refused_by_key() -> None:
    doc = json.dumps(_json_base()).replace('"cash": 60000000', '"cash": NaN')
    with pytest.raises(ValidationError) as info:
        loads(doc, format="json")
    assert info.value.field == "company.cash"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(ValidationError, match="no such file") as info:
        load(path)
    assert str(path) in str(info.value)


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="is a directory") as info:
        load(tmp_path)
    assert str(tmp_path) in str(info.value)


@pytest.mark.parametrize("content", ["", "   \n\t\n"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    path = tmp_path / "empty.toml"
    path.write_text(content)
    with pytest.raises(ValidationError, match="is empty") as info:
        load(path)
    assert str(info.value).startswith(str(path))


def test_invalid_toml_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(_replace("rate = 0.0375", "rate = = 0.0375"))
    with pytest.raises(ValidationError) as info:
        load(path)
    assert info.value.value == "rate = = 0.0375"
    assert "line 17" in str(info.value)


def test_invalid_json_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "treasurymodel/1",\n  "company": {,}\n}')
    with pytest.raises(ValidationError, match="not valid JSON") as info:
        load(path)
    assert info.value.value == '"company": {,}'


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(_replace('"Test Co"', '"Soci\xe9t\xe9"').encode("latin-1"))
    with pytest.raises(ValidationError, match="not UTF-8"):
        load(path)


def test_byte_order_mark_is_ignored_by_load_and_loads(tmp_path: Path) -> None:
    # Editors on Windows write a BOM; open(..., encoding="utf-8") keeps it in the text.
    (tmp_path / "bom.json").write_text("\ufeff" + json.dumps(_json_base()), encoding="utf-8")
    assert load(tmp_path / "bom.json") == loads(BASE)
    assert loads("\ufeff" + BASE) == loads(BASE)


def test_symlinks_are_followed_and_a_dangling_one_is_no_such_file(tmp_path: Path) -> None:
    target = tmp_path / "real.toml"
    target.write_text(BASE, encoding="utf-8")
    (tmp_path / "link.toml").symlink_to(target)
    assert load(tmp_path / "link.toml") == loads(BASE)
    (tmp_path / "dangling.toml").symlink_to(tmp_path / "gone.toml")
    with pytest.raises(ValidationError, match="no such file"):
        load(tmp_path / "dangling.toml")
    (tmp_path / "loop.toml").symlink_to(tmp_path / "loop.toml")
    with pytest.raises(ValidationError, match="cannot be read") as info:
        load(tmp_path / "loop.toml")
    assert info.value.field == "path"


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.toml"
    path.write_text(BASE, encoding="utf-8")

    def refuse(file: Any, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied", str(file))

    # chmod does not stop root (CI containers), so the refusal is simulated.
    monkeypatch.setattr("treasurymodel.io.os.open", refuse)
    with pytest.raises(ValidationError) as info:
        load(path)
    assert str(info.value) == f"path: cannot be read (permission denied), got {str(path)!r}"


@pytest.mark.parametrize("path", ["", "a\0b.toml", b"company.toml", None, 3.5])
def test_bad_paths_are_refused_by_load_and_dump(path: Any) -> None:
    for call in (lambda: load(path), lambda: dump(loads(BASE), path)):
        with pytest.raises(ValidationError) as info:
            call()
        assert info.value.field == "path"


def test_dump_to_an_unwritable_place_names_the_path(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    for where in (tmp_path / "no" / "dir" / "c.toml", tmp_path / "file" / "c.toml", tmp_path):
        with pytest.raises(ValidationError, match="cannot be written") as info:
            dump(loads(BASE), where)
        assert info.value.value == str(where)


def test_dump_writes_nothing_for_a_bad_company_or_format(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="company"):
        dump("not a company", tmp_path / "a.toml")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="format"):
        dump(loads(BASE), tmp_path / "b.toml", format="yaml")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_a_lone_surrogate_is_refused_so_nothing_unwritable_exists(tmp_path: Path) -> None:
    # JSON text can carry a lone surrogate (as an escape) but no UTF-8 file can: names are
    # plain text, so such a company is refused when it is built, or loaded.
    with pytest.raises(ValidationError, match="plain text"):
        Company(
            name="X\ud800", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1), shares_basic=1
        )
    text = dumps(loads(BASE), format="json").replace('"name": "', '"name": "\\ud800', 1)
    with pytest.raises(ValidationError, match="plain text"):
        loads(text, format="json")
    assert list(tmp_path.iterdir()) == []


def test_wrong_format_version_file(tmp_path: Path) -> None:
    path = tmp_path / "v2.json"
    doc = _json_base()
    doc["format"] = "treasurymodel/3"
    path.write_text(json.dumps(doc))
    with pytest.raises(ValidationError, match="treasurymodel/2") as info:
        load(path)
    assert info.value.value == "treasurymodel/3"


def test_very_large_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    with path.open("wb") as handle:  # sparse: cheap to make, invalid TOML if ever parsed
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(ValidationError, match="bytes a company file may have") as info:
        load(path)
    assert info.value.field == "size"
    assert info.value.value == MAX_FILE_BYTES + 1
    with pytest.raises(ValidationError, match="bytes a company file may have"):
        loads("#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(ValidationError, match="bytes a company file may have"):
        loads("#" + "é" * (MAX_FILE_BYTES // 2))  # under the limit in characters, over in bytes


def test_loads_refuses_bad_arguments() -> None:
    with pytest.raises(ValidationError, match="must be 'toml' or 'json'"):
        loads(BASE, format="yaml")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="must be a str"):
        loads(BASE.encode())  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="file path"):
        load(5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('currency = "USD"', 'currency = "EUR"'),  # the last instrument: no fx rate
        ("pledged_units = 14_590", "pledged_units = 114_590"),  # too many coins in total
        ('reference = "CN25"', 'reference = "CN26"'),  # a rule across instruments
    ],
)
def test_failed_load_builds_no_company(
    old: str, new: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every instrument before the bad one is valid on its own; none of them may reach a
    # Company (nothing is half-loaded) and a later good load is unaffected.
    built: list[str] = []
    build = treasurymodel.io._Reader.build

    def spy(self: Any, cls: type[Any], *args: Any) -> Any:
        built.append(cls.__name__)
        return build(self, cls, *args)

    monkeypatch.setattr(treasurymodel.io._Reader, "build", spy)
    with pytest.raises(ValidationError):
        loads(_replace(old, new))
    assert "TermLoan" in built  # the good instruments were read ...
    assert "Company" not in built  # ... but no company was made of them
    monkeypatch.undo()
    assert loads(BASE).instrument("PREF").currency == "USD"


def test_public_names() -> None:
    for name in ("load", "loads", "dump", "dumps", "datasets"):
        assert name in treasurymodel.__all__


# --- the format reference documents every key -------------------------------------------

_REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "theory" / "file-format.rst"


_HOWTO = _REFERENCE.parents[1] / "howto" / "files-and-cli.rst"


@pytest.mark.skipif(not _HOWTO.exists(), reason="docs not in this tree")
def test_the_how_to_page_example_file_loads() -> None:
    text = _HOWTO.read_text(encoding="utf-8")
    blocks = re.findall(r"\.\. code-block:: toml\n\n((?:   .*\n|\n)+)", text)
    assert len(blocks) == 1
    co = loads(textwrap.dedent(blocks[0]), source="files-and-cli.rst")
    loan = co.instrument("BTC-backed loan")
    assert isinstance(loan, TermLoan)
    assert (loan.principal, loan.max_ltv, loan.pledged_units) == (100e6, 0.5, 2_500.0)


@pytest.mark.skipif(not _REFERENCE.exists(), reason="docs not in this tree")
def test_reference_page_documents_every_key_of_every_kind() -> None:
    """The public contract: each key the reader accepts has a row in its section of the docs."""
    from treasurymodel.io import _schema

    text = _REFERENCE.read_text(encoding="utf-8")
    sections = {
        Company: "``[company]``\n---",
        Market: "``[market]``\n---",
        Holdings: "``[holdings]``\n---",
        SpringingMaturity: "``[[instruments.springing]]`` (:class:",
    }
    for kind, cls in treasurymodel.instruments.INSTRUMENT_KINDS.items():
        sections[cls] = f'``kind = "{kind}"``'
    starts = sorted(text.index(marker) for marker in sections.values())
    for cls, marker in sections.items():
        start = text.index(marker)
        end = min([s for s in starts if s > start] + [text.index("\nRules\n")])
        section = text[start:end]
        for key in _schema(cls):
            assert f"``{key.name}``" in section, (cls.__name__, key.name)
    for nested in (Amortization, RateStep):
        for key in _schema(nested):
            assert f"``{key.name}``" in text
