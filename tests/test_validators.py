"""Tests of the consolidated validators (``treasurymodel.validators``).

One ``check_flag``, one ``check_choice`` and one date check serve the whole package; bad values
raise a ValidationError naming the field and the value received.
"""

from __future__ import annotations

import ast
import datetime as dt
import pathlib
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from treasurymodel import ValidationError
from treasurymodel import validators as v

SRC = pathlib.Path(v.__file__).parent

# Anything that is not a flag: numbers (0 and 1 included), strings, None, containers.
not_flags = st.one_of(
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.none(),
    st.lists(st.booleans(), max_size=2),
    st.sampled_from([np.int64(1), np.float64(0.0), np.array([True]), "True", b"1"]),
)
not_dates = st.one_of(
    st.datetimes(),
    st.text(max_size=10),
    st.integers(),
    st.none(),
    st.sampled_from([np.datetime64("2026-01-01"), "2026-01-01"]),
)


# --- one definition of each --------------------------------------------------------------


def _definitions(name: str, *, top_level: bool = False) -> list[str]:
    """Modules of the package defining a function ``name`` (anywhere, or at top level)."""
    found = []
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body if top_level else ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name == name:
                found.append(str(path.relative_to(SRC)))
    return found


@pytest.mark.parametrize("name", ["check_flag", "check_choice", "check_date"])
def test_one_definition_in_the_package(name: str) -> None:
    assert sorted(set(_definitions(name))) == ["validators.py"]


def test_instrument_validators_live_in_validators() -> None:
    assert not (SRC / "instruments" / "_common.py").exists()
    for name in ("name_text", "currency_code", "frequency", "boolean", "dated_entries"):
        assert _definitions(name, top_level=True) == ["validators.py"], name


# --- check_flag ---------------------------------------------------------------------------


@given(st.booleans())
def test_check_flag_accepts_python_and_numpy_bools(flag: bool) -> None:
    for value in (flag, np.bool_(flag)):
        got = v.check_flag("f", value)
        assert got is flag  # returned as a Python bool


def test_check_flag_accepts_a_numpy_comparison() -> None:
    assert v.check_flag("puts", np.float64(2.0) > 1.0) is True


@given(not_flags)
def test_check_flag_refuses_everything_else(value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        v.check_flag("include_cash", value)
    assert info.value.field == "include_cash"
    assert info.value.value is value
    assert "True or False" in str(info.value)


# --- check_choice -------------------------------------------------------------------------

CHOICES = ("year", "date", "month end")


@given(st.sampled_from(CHOICES))
def test_check_choice_returns_the_choice(value: str) -> None:
    assert v.check_choice("by", value, CHOICES) == value


@given(
    st.one_of(
        st.text(max_size=12).filter(lambda s: s not in CHOICES),
        st.sampled_from(["Year", " year", "year ", "DATE", ("year",), ["date"], None, 1]),
    )
)
def test_check_choice_refuses_anything_else(value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        v.check_choice("by", value, CHOICES)
    assert info.value.field == "by"
    assert info.value.value == value
    assert "must be one of 'year', 'date', 'month end'" in str(info.value)


def test_check_choice_refuses_an_unhashable_value_cleanly() -> None:
    with pytest.raises(ValidationError):
        v.check_choice("by", {"year": 1}, CHOICES)


# --- dates --------------------------------------------------------------------------------


@given(st.dates())
def test_check_date_accepts_dates(day: dt.date) -> None:
    assert v.check_date("on", day) is day


@given(not_dates)
def test_check_date_refuses_datetimes_and_the_rest(value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        v.check_date("on", value)
    assert info.value.field == "on"
    assert "datetime.date" in str(info.value)


@attrs.frozen(kw_only=True)
class _Record:
    name: str = attrs.field(default="ok", validator=v.name_text)
    currency: str | None = attrs.field(default=None, validator=v.currency_code)
    frequency: int = attrs.field(default=2, validator=v.frequency)
    flag: bool = attrs.field(default=False, validator=v.boolean)
    rank: int = attrs.field(default=1, validator=v.whole_number)
    when: dt.date = attrs.field(default=dt.date(2026, 1, 1), validator=v.is_date)
    days: tuple[dt.date, ...] = attrs.field(
        default=(), converter=v.to_dates, validator=v.increasing_dates
    )


@given(not_dates)
def test_is_date_names_the_record_field(value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        _Record(when=value)
    assert info.value.field == "_Record.when"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", " padded"),
        ("name", "bell\x07"),
        ("name", "rtl\u202eoverride"),
        ("name", 5),
        ("currency", "usd"),
        ("currency", "US"),
        ("currency", "ＵＳＤ"),
        ("frequency", 3),
        ("frequency", True),
        ("frequency", 2.0),
        ("flag", 1),
        ("flag", "true"),
        ("rank", 0),
        ("rank", True),
        ("rank", v.MAX_RANK + 1),
        ("days", [dt.date(2026, 2, 1), dt.date(2026, 1, 1)]),
        ("days", [dt.datetime(2026, 1, 1)]),
        ("days", "2026-01-01"),
    ],
)
def test_record_validators_name_field_and_value(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        _Record(**{field: value})
    assert info.value.field.startswith(f"_Record.{field}")


@given(st.integers().filter(lambda n: n not in v.FREQUENCIES))
def test_frequency_refuses_other_whole_numbers(n: int) -> None:
    with pytest.raises(ValidationError, match="1, 2, 4 or 12"):
        _Record(frequency=n)


def test_boolean_field_keeps_a_python_bool() -> None:
    # A record field stores what it is given, so it takes a Python bool only; a NumPy bool
    # is accepted by check_flag (function arguments), which returns a Python bool.
    with pytest.raises(ValidationError):
        _Record(flag=np.bool_(True))  # type: ignore[arg-type]
    assert _Record(flag=True).flag is True


@given(st.dates(), st.integers(min_value=-400, max_value=400))
def test_check_life_is_issue_exclusive_and_maturity_inclusive(issued: dt.date, k: int) -> None:
    maturity = issued + dt.timedelta(days=365)
    try:
        when = issued + dt.timedelta(days=k)
    except OverflowError:
        return
    inside = issued < when <= maturity
    if inside:
        v.check_life("X", "puts", when, issued, maturity)
    else:
        with pytest.raises(ValidationError) as info:
            v.check_life("X", "puts", when, issued, maturity)
        assert info.value.field == "X.puts"
        assert info.value.value == when


def test_maturity_must_follow_issue() -> None:
    day = dt.date(2026, 1, 1)
    v.check_maturity_after_issue("X", None, day)
    v.check_maturity_after_issue("X", day, day + dt.timedelta(days=1))
    with pytest.raises(ValidationError) as info:
        v.check_maturity_after_issue("X", day, day)
    assert info.value.field == "X.maturity"


@given(st.one_of(st.none(), st.booleans()))
def test_check_flag_allow_none_passes_none_and_flags(value: bool | None) -> None:
    assert v.check_flag("keep_paths", value, allow_none=True) is value


@given(not_flags.filter(lambda x: x is not None))
def test_check_flag_allow_none_refuses_the_rest(value: Any) -> None:
    with pytest.raises(ValidationError, match="True, False or None") as info:
        v.check_flag("keep_paths", value, allow_none=True)
    assert info.value.field == "keep_paths"


def test_a_flag_that_may_be_none_is_checked_alike_in_schedule_and_simulation() -> None:
    from treasurymodel import schedule

    day = dt.date(2030, 6, 30)
    after = dt.date(2029, 1, 1)
    kw: dict[str, Any] = {"maturity": day, "frequency": 2, "after": after}
    assert schedule.payment_dates(**{**kw, "end_of_month": np.bool_(True)}) == (
        schedule.payment_dates(**kw, end_of_month=True)
    )
    with pytest.raises(ValidationError, match="True, False or None"):
        schedule.payment_dates(**{**kw, "end_of_month": 1})


@attrs.frozen(kw_only=True)
class _Choice:
    by: str = attrs.field(default="year", validator=v.one_of(*CHOICES))


@given(st.one_of(st.text(max_size=8).filter(lambda s: s not in CHOICES), st.none()))
def test_one_of_names_the_record_field(value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        _Choice(by=value)
    assert info.value.field == "_Choice.by"
    assert _Choice(by="date").by == "date"
