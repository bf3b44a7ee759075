"""Company files: load and write the ``treasurymodel/1`` format (TOML, also JSON).

A company's capital structure lives in a small text file that users write by hand and keep
in version control. This module reads such a file into a validated
:class:`~treasurymodel.Company` and writes a company back, exactly: ``loads(dumps(c)) == c``
for every company.

* The keys of a file are the field names of the classes (:class:`~treasurymodel.Company`,
  :class:`~treasurymodel.Holdings`, :class:`~treasurymodel.Market` and the instruments); an
  instrument's ``kind`` is looked up in the one registry,
  :data:`~treasurymodel.instruments.INSTRUMENT_KINDS`. The expected type of every key is read
  from the classes' field types, not guessed from the value.
* Reading uses :mod:`tomllib` and :mod:`json` only: nothing in a file is ever executed.
* Any problem is one :class:`~treasurymodel.ValidationError` whose message names the file,
  the instrument (by name and position) and the key. A failed load returns nothing.

The format is documented, key by key, in the docs (*Company file format*).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import math
import os
import re
import stat
import tempfile
import tomllib
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final, Literal

import attrs

from .company import (
    MATURED_REASON,
    Company,
    Holdings,
    Market,
    add_exactly,
    matured_debt,
    pledge_excess,
)
from .errors import MissingFileError, ValidationError
from .instruments import (
    INSTRUMENT_KINDS,
    ConvertibleNote,
    Instrument,
)
from .instruments.capabilities import Collateralized, HasSpringing

__all__ = [
    "FORMAT_VERSION",
    "MAX_FILE_BYTES",
    "MAX_INSTRUMENTS",
    "dump",
    "dumps",
    "load",
    "loads",
]

FORMAT_VERSION: Final = "treasurymodel/2"
"""The value of the ``format`` key this version of the library writes.

It also reads ``treasurymodel/1`` files (one ``[holdings]`` table, FX rates in
``company.fx``): every such file is read as it always was.

Examples
--------
>>> from treasurymodel.io import FORMAT_VERSION
>>> FORMAT_VERSION
'treasurymodel/2'
"""

_READ_VERSIONS: Final = ("treasurymodel/1", FORMAT_VERSION)

MAX_FILE_BYTES: Final = 10 * 1024 * 1024
"""Largest company file accepted (10 MiB); larger input is refused before it is parsed.

Examples
--------
>>> from treasurymodel.io import MAX_FILE_BYTES
>>> MAX_FILE_BYTES == 10 * 1024 * 1024
True
"""

MAX_INSTRUMENTS: Final = 100_000
"""Most instruments a company file may list; every analysis is linear in their number.

Examples
--------
>>> from treasurymodel.io import MAX_INSTRUMENTS
>>> MAX_INSTRUMENTS
100000
"""

_MAX_DIGITS: Final = 4300
"""Longest integer literal read (Python's own limit on decimal conversion)."""


class _BigInt:
    """An integer literal of a JSON file too long to convert (more than 4,300 digits)."""

    def __init__(self, text: str) -> None:
        self.digits = len(text.lstrip("+-"))

    def __repr__(self) -> str:
        return f"an integer of {self.digits:,} digits"


def _json_int(text: str) -> int | _BigInt:
    return int(text) if len(text) <= _MAX_DIGITS else _BigInt(text)


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict; a key given twice is refused (TOML refuses it too)."""
    table: dict[str, Any] = {}
    for key, value in pairs:
        if key in table:
            raise ValidationError(key, value, "is given twice in one object; give each key once")
        table[key] = value
    return table


_Format = Literal["toml", "json"]  # a file syntax (spelled out in the public signatures)

_FORMATS: Final = ("toml", "json")

# ---------------------------------------------------------------------------------------
# The schema, read from the classes' field types
# ---------------------------------------------------------------------------------------


class _Missing:
    """Stands for a key that is absent from the file (shows as ``<missing>`` in messages)."""

    def __repr__(self) -> str:
        return "<missing>"

    def __reduce__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()

_KIND_NUMBER = "number"
_KIND_INT = "integer"
_KIND_BOOL = "boolean"
_KIND_STR = "string"
_KIND_DATE = "date"
_KIND_DATES = "dates"
_KIND_RECORDS = "records"
_KIND_FX = "fx"

# What a value of each kind is, for messages ("must be a list of dates, not null").
_EXPECTED: Final = {
    _KIND_NUMBER: "a number",
    _KIND_INT: "a whole number",
    _KIND_BOOL: "true or false",
    _KIND_STR: "a string",
    _KIND_DATE: "a date",
    _KIND_DATES: "a list of dates",
    _KIND_RECORDS: "a list of tables",
    _KIND_FX: "a table of currency = rate",
}

# The Python type a parsed value of each kind must have (numbers and dates are read apart).
_CONTAINER: Final[dict[str, type[Any]]] = {
    _KIND_INT: int,
    _KIND_BOOL: bool,
    _KIND_STR: str,
    _KIND_DATES: list,
    _KIND_RECORDS: list,
    _KIND_FX: dict,
}


@attrs.frozen
class _Key:
    """How one key of a table is read and written."""

    name: str
    kind: str
    required: bool
    nullable: bool
    record: type[Any] | None = None


def _strip_none(tp: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        nullable = len(args) < len(typing.get_args(tp))
        if len(args) == 1:
            return args[0], nullable
    return tp, False


def _kind_of(owner: type[Any], name: str, tp: Any) -> tuple[str, type[Any] | None]:
    if owner is Market and name in ("fx", "asset_prices"):
        return _KIND_FX, None
    if tp is bool:
        return _KIND_BOOL, None
    if tp is int:
        return _KIND_INT, None
    if tp is float:
        return _KIND_NUMBER, None
    if tp is str:
        return _KIND_STR, None
    if tp is _dt.date:
        return _KIND_DATE, None
    if typing.get_origin(tp) is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            if args[0] is _dt.date:
                return _KIND_DATES, None
            if attrs.has(args[0]):
                return _KIND_RECORDS, args[0]
    raise TypeError(f"treasurymodel.io cannot read {owner.__name__}.{name} of type {tp!r}")


_SECTIONS: Final = ("holdings", "instruments", "market")


_SCHEMAS: dict[type[Any], tuple[_Key, ...]] = {}


def _schema(cls: type[Any]) -> tuple[_Key, ...]:
    """The keys of ``cls`` in a file, in field order (Company's sections excluded)."""
    cached = _SCHEMAS.get(cls)
    if cached is None:
        cached = _SCHEMAS[cls] = _read_schema(cls)
    return cached


def _read_schema(cls: type[Any]) -> tuple[_Key, ...]:
    hints = typing.get_type_hints(cls)
    keys = []
    for field in attrs.fields(cls):
        if cls is Company and field.name in _SECTIONS:
            continue
        tp, nullable = _strip_none(hints[field.name])
        kind, record = _kind_of(cls, field.name, tp)
        required = field.default is attrs.NOTHING
        keys.append(
            _Key(
                name=field.name,
                kind=kind,
                required=required,
                nullable=nullable or field.default is None,
                record=record,
            )
        )
    return tuple(keys)


# Order of the company keys in a written file (the order of the documented example).
_COMPANY_ORDER: Final = (
    "name",
    "ticker",
    "as_of",
    "currency",
    "shares_basic",
    "shares_diluted",
    "other_dilutive_shares",
    "cash",
    "other_assets",
)

# ---------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Reader:
    """Turns one parsed document into a Company, naming the source in every error."""

    def __init__(self, source: str, syntax: _Format) -> None:
        self.source = source
        self.syntax = syntax

    # -- errors ----------------------------------------------------------------------

    def error(
        self, path: str, value: Any, reason: str, *, instrument: str | None = None
    ) -> ValidationError:
        context = self.source if instrument is None else f"{self.source}, {instrument}"
        return ValidationError(path, value, reason, context=context)

    def rewrap(
        self,
        err: ValidationError,
        cls: type[Any],
        path: str,
        *,
        instrument: str | None,
        kwargs: Mapping[str, Any] | None = None,
    ) -> ValidationError:
        """Re-express an error raised by ``cls``'s validators with the key as in the file.

        ``Class.key`` becomes ``path.key``; for an entry of a list (``puts``,
        ``springing.date``) the position of the offending entry is added when it can be
        told from the value (``puts[1]``, ``springing[0].date``).
        """
        prefix = f"{cls.__name__}."
        if err.field.startswith(prefix):
            rest = _locate(err.field[len(prefix) :], err.value, kwargs or {})
            field = f"{path}.{rest}" if path else rest
            return self.error(field, err.value, err.reason, instrument=instrument)
        where = path or cls.__name__
        return self.error(where, err.value, f"{err.field}: {err.reason}", instrument=instrument)

    # -- values ----------------------------------------------------------------------

    def value(self, key: _Key, raw: Any, path: str, instrument: str | None) -> Any:
        """Check the type of one value and convert it to what the class expects."""
        if raw is None:
            if key.nullable:
                return None
            expected = _EXPECTED[key.kind]
            raise self.error(path, raw, f"must be {expected}, not null", instrument=instrument)
        kind = key.kind
        if isinstance(raw, _BigInt):
            raise self.error(path, raw, "is too large", instrument=instrument)
        if kind == _KIND_NUMBER:
            return self.number(raw, path, instrument)
        if kind == _KIND_DATE:
            return self.date(raw, path, instrument)
        container = _CONTAINER[kind]
        if not isinstance(raw, container) or (container is int and isinstance(raw, bool)):
            raise self.error(path, raw, f"must be {_EXPECTED[kind]}", instrument=instrument)
        if kind == _KIND_DATES:
            return tuple(self.date(d, f"{path}[{i}]", instrument) for i, d in enumerate(raw))
        if kind == _KIND_RECORDS:
            assert key.record is not None
            return tuple(
                self.record(key.record, item, f"{path}[{i}]", instrument)
                for i, item in enumerate(raw)
            )
        if kind == _KIND_FX:
            return {
                code: self.number(rate, f"{path}.{code}", instrument) for code, rate in raw.items()
            }
        return raw  # an integer, a boolean or a string, checked above

    def number(self, raw: Any, path: str, instrument: str | None) -> float:
        if isinstance(raw, _BigInt):
            raise self.error(path, raw, "is too large", instrument=instrument)
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise self.error(path, raw, "must be a number", instrument=instrument)
        try:
            result = float(raw)
        except OverflowError:
            raise self.error(path, raw, "is too large", instrument=instrument) from None
        if not math.isfinite(result):
            raise self.error(path, raw, "must be a finite number", instrument=instrument)
        return result

    def date(self, raw: Any, path: str, instrument: str | None) -> _dt.date:
        if self.syntax == "json":
            if isinstance(raw, str) and _ISO_DATE.fullmatch(raw):
                try:
                    return _dt.date.fromisoformat(raw)
                except ValueError:
                    raise self.error(
                        path, raw, "is not a valid calendar date", instrument=instrument
                    ) from None
            raise self.error(
                path, raw, 'must be a date written "YYYY-MM-DD"', instrument=instrument
            )
        if isinstance(raw, _dt.date) and not isinstance(raw, _dt.datetime):
            return raw
        reason = "must be a TOML date such as 2025-12-15 (no quotes, no time)"
        raise self.error(path, raw, reason, instrument=instrument)

    # -- tables ----------------------------------------------------------------------

    def fields(
        self,
        cls: type[Any],
        table: Any,
        path: str,
        instrument: str | None,
        *,
        ignore: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        """Check a table's keys against ``cls`` and return the converted arguments."""
        if not isinstance(table, dict):
            raise self.error(path, table, "must be a table", instrument=instrument)
        schema = {k.name: k for k in _schema(cls)}
        known = set(schema) | set(ignore)
        for name in table:
            if name not in known:
                allowed = ", ".join(sorted(known))
                raise self.error(
                    _join(path, name),
                    table[name],
                    f"is not a known key here (known keys: {allowed})",
                    instrument=instrument,
                )
        for key in schema.values():
            if key.required and key.name not in table:
                raise self.error(
                    _join(path, key.name), MISSING, "is required", instrument=instrument
                )
        return {
            name: self.value(schema[name], raw, _join(path, name), instrument)
            for name, raw in table.items()
            if name in schema
        }

    def record(self, cls: type[Any], table: Any, path: str, instrument: str | None) -> Any:
        kwargs = self.fields(cls, table, path, instrument)
        return self.build(cls, kwargs, path, instrument)

    def build(
        self, cls: type[Any], kwargs: dict[str, Any], path: str, instrument: str | None
    ) -> Any:
        try:
            return cls(**kwargs)
        except ValidationError as err:
            raise self.rewrap(err, cls, path, instrument=instrument, kwargs=kwargs) from None
        except (TypeError, ValueError, OverflowError) as err:  # pragma: no cover - defensive
            raise self.error(path, _table_repr(kwargs), str(err), instrument=instrument) from None

    def instrument(self, table: Any, index: int) -> Instrument:
        path = f"instruments[{index}]"
        if not isinstance(table, dict):
            raise self.error(path, table, "must be a table")
        name = table.get("name")
        label = f"instrument {name!r}" if isinstance(name, str) else None
        if "kind" not in table:
            raise self.error(f"{path}.kind", MISSING, "is required", instrument=label)
        kind = table["kind"]
        cls = INSTRUMENT_KINDS.get(kind) if isinstance(kind, str) else None
        if cls is None:
            choices = ", ".join(sorted(INSTRUMENT_KINDS))
            raise self.error(f"{path}.kind", kind, f"must be one of {choices}", instrument=label)
        kwargs = self.fields(cls, table, path, label, ignore=("kind",))
        built: Instrument = self.build(cls, kwargs, path, label)
        return built

    def company(self, document: Any) -> Company:
        if not isinstance(document, dict):
            raise self.error("(top level)", document, "must be a table of sections")
        known = ("format", "company", "market", "holdings", "instruments")
        for name in document:
            if name not in known:
                raise self.error(
                    name,
                    document[name],
                    f"is not a known top-level key (known keys: {', '.join(known)})",
                )
        if "format" not in document:
            raise self.error("format", MISSING, f'is required; write format = "{FORMAT_VERSION}"')
        version = document["format"]
        if version not in _READ_VERSIONS:
            raise self.error(
                "format",
                version,
                f"is not a format this version reads (it reads {FORMAT_VERSION!r} and "
                f"{_READ_VERSIONS[0]!r})",
            )
        for section in ("company", "holdings"):
            if section not in document:
                raise self.error(section, MISSING, f"is a required section ([{section}])")

        kwargs = self.fields(Company, document["company"], "company", None, ignore=("fx",))
        holdings = self.holdings(document["holdings"])
        market = None
        if "market" in document:
            market = self.record(Market, document["market"], "market", None)
        old_fx = document["company"].get("fx")
        if old_fx is not None or "fx" in document["company"]:
            # treasurymodel/1 kept the FX rates in the company table: read them into market.
            rates = self.value(_Key("fx", _KIND_FX, False, False), old_fx, "company.fx", None)
            if market is not None and market.fx:
                raise self.error("company.fx", old_fx, "is given twice: also market.fx")
            try:
                market = attrs.evolve(market, fx=rates) if market else Market(fx=rates)
            except ValidationError as err:
                raise self.rewrap(err, Market, "company", instrument=None) from None
        fx = dict(market.fx) if market is not None else {}

        tables = document.get("instruments", [])
        if not isinstance(tables, list):
            raise self.error("instruments", tables, "must be a list of tables ([[instruments]])")
        if len(tables) > MAX_INSTRUMENTS:
            raise self.error(
                "instruments",
                f"{len(tables):,} instruments",
                f"are more than the {MAX_INSTRUMENTS:,} a company file may list",
            )
        instruments = [self.instrument(t, i) for i, t in enumerate(tables)]
        self.check_together(instruments, kwargs, holdings, fx)

        kwargs.update(holdings=holdings, market=market, instruments=instruments)
        built: Company = self.build(Company, kwargs, "company", None)
        return built

    def holdings(self, raw: Any) -> tuple[Holdings, ...]:
        """One ``[holdings]`` table or an array of them (``[[holdings]]``), each asset once."""
        if isinstance(raw, list):
            if not raw:
                raise self.error("holdings", raw, "must list at least one asset")
            items = tuple(
                self.record(Holdings, t, f"holdings[{i}]", None) for i, t in enumerate(raw)
            )
        else:
            items = (self.record(Holdings, raw, "holdings", None),)
        seen: dict[str, int] = {}
        for i, held in enumerate(items):
            if held.asset in seen:
                raise self.error(
                    f"holdings[{i}].asset",
                    held.asset,
                    f"is not unique (also holdings[{seen[held.asset]}])",
                )
            seen[held.asset] = i
        return items

    def check_together(
        self,
        instruments: list[Instrument],
        company: dict[str, Any],
        holdings: tuple[Holdings, ...],
        fx: dict[str, float],
    ) -> None:
        """Rules about several instruments, named by the instrument that breaks them."""
        names: dict[str, int] = {}
        for i, inst in enumerate(instruments):
            label = f"instrument {inst.name!r}"
            if inst.name in names:
                raise self.error(
                    f"instruments[{i}].name",
                    inst.name,
                    f"is not unique (also instruments[{names[inst.name]}])",
                    instrument=label,
                )
            names[inst.name] = i
        currency = company.get("currency", "USD")
        as_of = company.get("as_of")
        late = matured_debt(as_of, instruments) if isinstance(as_of, _dt.date) else None
        if late is not None:
            inst = instruments[late]
            raise self.error(
                f"instruments[{late}].maturity",
                inst.maturity,  # type: ignore[union-attr]
                MATURED_REASON.format(as_of=as_of),
                instrument=f"instrument {inst.name!r}",
            )
        # The exact running total (partials) of the units pledged of each asset, checked
        # after each pledge.
        held = {h.asset: h.units for h in holdings}
        pledged: dict[str, list[float]] = {a: [] for a in held}
        n_pledges = dict.fromkeys(held, 0)
        where = {h.asset: f"holdings[{i}].units" for i, h in enumerate(holdings)}
        if len(holdings) == 1:
            where = {holdings[0].asset: "holdings.units"}
        for i, inst in enumerate(instruments):
            label = f"instrument {inst.name!r}"
            if inst.currency is not None and inst.currency != currency and inst.currency not in fx:
                raise self.error(
                    f"instruments[{i}].currency",
                    inst.currency,
                    f"has no rate in market.fx (add fx = {{ {inst.currency} = ... }})",
                    instrument=label,
                )
            if isinstance(inst, HasSpringing):
                for j, clause in enumerate(inst.springing):
                    if clause.reference not in names or clause.reference == inst.name:
                        raise self.error(
                            f"instruments[{i}].springing[{j}].reference",
                            clause.reference,
                            "names no other instrument of the file",
                            instrument=label,
                        )
                    if instruments[names[clause.reference]].CLAIM == "preferred":
                        raise self.error(
                            f"instruments[{i}].springing[{j}].reference",
                            clause.reference,
                            "names a preferred stock; a springing test refers to debt",
                            instrument=label,
                        )
            if isinstance(inst, Collateralized):
                asset = inst.collateral_asset or holdings[0].asset
                if asset not in held:
                    raise self.error(
                        f"instruments[{i}].collateral_asset",
                        asset,
                        "names no asset of the file's holdings",
                        instrument=label,
                    )
                add_exactly(pledged[asset], inst.pledged_units)
                n_pledges[asset] += 1
                if pledge_excess(held[asset], pledged[asset], count=n_pledges[asset]) > 0.0:
                    raise self.error(
                        f"instruments[{i}].pledged_units",
                        inst.pledged_units,
                        f"brings the units pledged in total to {math.fsum(pledged[asset])!r}, "
                        f"more than the {held[asset]!r} held ({where[asset]})",
                        instrument=label,
                    )


def _locate(rest: str, value: Any, kwargs: Mapping[str, Any]) -> str:
    """``puts`` -> ``puts[i]``, ``springing.date`` -> ``springing[i].date`` when ``value``
    is the i-th entry (or its attribute); ``rest`` unchanged otherwise."""
    head, _, attr = rest.partition(".")
    items = kwargs.get(head)
    if not isinstance(items, tuple):
        return rest
    for i, item in enumerate(items):
        candidate = getattr(item, attr, None) if attr else item
        if type(candidate) is type(value) and candidate == value:
            return f"{head}[{i}].{attr}" if attr else f"{head}[{i}]"
    return rest


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _table_repr(kwargs: Mapping[str, Any]) -> str:  # pragma: no cover - defensive
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())


def _check_size(size: int, source: str) -> None:
    if size > MAX_FILE_BYTES:
        raise ValidationError(
            "size",
            size,
            f"is over the {MAX_FILE_BYTES:,} bytes a company file may have",
            context=source,
        )


def _parse(text: str, syntax: _Format, source: str) -> Any:
    if not text.strip():
        raise ValidationError("content", text, "is empty", context=source)
    try:
        if syntax == "toml":
            return tomllib.loads(text)
        return json.loads(text, object_pairs_hook=_json_object, parse_int=_json_int)
    except ValidationError as err:  # a JSON key given twice
        raise err.with_context(source) from None
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"\(at line (\d+)", str(err))
        line = _line(text, int(match.group(1))) if match else _line(text, 1)
        raise ValidationError(
            "content", line, f"is not valid TOML ({err})", context=source
        ) from None
    except json.JSONDecodeError as err:
        raise ValidationError(
            "content", _line(text, err.lineno), f"is not valid JSON ({err})", context=source
        ) from None
    except RecursionError:
        raise ValidationError(
            "content", _line(text, 1), "is nested too deeply", context=source
        ) from None
    except ValueError:  # tomllib: an integer too long to convert
        field, line = _long_integer(text)
        raise ValidationError(
            field, line, f"holds an integer of more than {_MAX_DIGITS:,} digits", context=source
        ) from None


_LONG_INTEGER: Final = re.compile(rf"^\s*([A-Za-z0-9_-]+)\s*=\s*[-+]?[0-9_]{{{_MAX_DIGITS + 1},}}")
_HEADER: Final = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]")


def _long_integer(text: str) -> tuple[str, str]:
    """The key (as a dotted path) and the line of the first over-long integer in TOML text."""
    table = ""
    counts: dict[str, int] = {}
    for line in text.splitlines():
        header = _HEADER.match(line)
        if header:
            name = header.group(2)
            if header.group(1) == "[[":
                counts[name] = counts.get(name, -1) + 1
                table = f"{name}[{counts[name]}]"
            else:
                table = name
            continue
        match = _LONG_INTEGER.match(line)
        if match:
            shown = line.strip()
            return _join(table, match.group(1)), f"{shown[:40]}... ({len(shown):,} characters)"
    return "content", "(an integer literal)"


def _line(text: str, number: int) -> str:
    """Line ``number`` (1-based) of ``text``, shortened for a message."""
    lines = text.splitlines()
    line = lines[number - 1].strip() if 0 < number <= len(lines) else ""
    return line if len(line) <= 60 else line[:57] + "..."


def _check_format(format: Any) -> _Format:
    if isinstance(format, str) and format == "toml":
        return "toml"
    if isinstance(format, str) and format == "json":
        return "json"
    raise ValidationError("format", format, "must be 'toml' or 'json'")


def loads(
    text: str, *, format: Literal["toml", "json"] = "toml", source: str | None = None
) -> Company:
    """Read a company from the text of a ``treasurymodel/1`` file.

    Parameters
    ----------
    text
        The content of a TOML (default) or JSON company file.
    format
        ``"toml"`` or ``"json"``.
    source
        What to call the text in error messages (a file name); ``"<string>"`` by default.

    Returns
    -------
    Company
        The validated company.

    Raises
    ------
    ValidationError
        If the text is not valid TOML or JSON, or breaks a rule of the format; the message
        names the source, the instrument and the key.

    Examples
    --------
    >>> from treasurymodel import loads
    >>> text = '''
    ... format = "treasurymodel/1"
    ... [company]
    ... name = "Example"
    ... as_of = 2026-01-01
    ... shares_basic = 1_000_000
    ... [holdings]
    ... units = 500
    ... [[instruments]]
    ... kind = "note"
    ... name = "Bank loan"
    ... principal = 10_000_000
    ... maturity = 2030-01-01
    ... '''
    >>> co = loads(text)
    >>> co.instrument("Bank loan").principal
    10000000.0
    >>> from treasurymodel import ValidationError
    >>> try:
    ...     loads(text.replace("10_000_000", "-1"), source="example.toml")
    ... except ValidationError as err:
    ...     print(err)
    example.toml, instrument 'Bank loan': instruments[0].principal: must be positive, got -1.0
    """
    syntax = _check_format(format)
    if source is not None and not isinstance(source, str):
        raise ValidationError("source", source, "must be a string (a file name) or None")
    name = source if source is not None else "<string>"
    if not isinstance(text, str):
        raise ValidationError("text", type(text).__name__, "must be a str", context=name)
    if len(text) > MAX_FILE_BYTES:
        _check_size(len(text), name)
    _check_size(len(text.encode("utf-8", "surrogatepass")), name)
    return _read(text, syntax, name)


def _read(text: str, syntax: _Format, source: str) -> Company:
    """The company in ``text`` (a leading byte-order mark is ignored), or one error."""
    if text.startswith("\ufeff"):
        text = text[1:]
    document = _parse(text, syntax, source)
    return _Reader(source, syntax).company(document)


def _syntax_for(path: Path, text: str | None = None) -> _Format:
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix == ".toml":
        return "toml"
    if text is not None and text.lstrip().startswith("{"):
        return "json"
    return "toml"


def load(
    path: str | os.PathLike[str], *, format: Literal["toml", "json"] | None = None
) -> Company:
    """Read a company from a ``treasurymodel/1`` file.

    Parameters
    ----------
    path
        The file. ``*.json`` is read as JSON and ``*.toml`` as TOML; any other name as JSON
        if it starts with ``{`` and as TOML otherwise.
    format
        Force ``"toml"`` or ``"json"`` whatever the file is called.

    Returns
    -------
    Company
        The validated company.

    Raises
    ------
    MissingFileError
        If the file does not exist: a :class:`ValidationError` that is also a
        :class:`FileNotFoundError`.
    ValidationError
        If the file is a directory or not a regular file (a pipe, a device), unreadable,
        empty, over :data:`MAX_FILE_BYTES`, not UTF-8, not valid TOML or JSON, of another
        format version, lists more than :data:`MAX_INSTRUMENTS` instruments, or breaks a
        rule of the format. The message names the file, the instrument and the key.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from treasurymodel import datasets, dump, load
    >>> company = datasets.load("mstr-2022q2")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "mstr.toml"
    ...     dump(company, path)
    ...     load(path) == company
    True
    >>> load("no-such-file.toml")
    Traceback (most recent call last):
    ...
    treasurymodel.errors.MissingFileError: path: no such file, got 'no-such-file.toml'
    """
    if format is not None:
        _check_format(format)
    file = _check_path(path)
    source = str(path)
    data = _read_regular_file(file, source)
    if len(data) > MAX_FILE_BYTES:
        try:
            size = max(file.stat().st_size, len(data))
        except OSError:  # pragma: no cover - it was just read
            size = len(data)
        _check_size(size, source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValidationError(
            "content", f"byte {err.start}", "is not UTF-8 text", context=source
        ) from None
    syntax = format if format is not None else _syntax_for(file, text.lstrip("\ufeff"))
    return _read(text, syntax, source)


def _read_regular_file(file: Path, source: str) -> bytes:
    """The first ``MAX_FILE_BYTES + 1`` bytes of ``file`` if it is a regular file.

    The file is opened without blocking and checked with ``fstat`` before anything is read,
    so a FIFO with no writer, a device or a socket is refused at once instead of hanging.
    """
    try:
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise MissingFileError("path", source, "no such file") from None
    except IsADirectoryError:
        raise ValidationError("path", source, "is a directory, not a file") from None
    except OSError as err:
        raise ValidationError("path", source, f"cannot be read ({_os_reason(err)})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise ValidationError("path", source, "is a directory, not a file")
        if not stat.S_ISREG(mode):
            raise ValidationError(
                "path", source, "is not a regular file (a pipe, device or socket)"
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        raise ValidationError("path", source, f"cannot be read ({_os_reason(err)})") from None
    finally:
        os.close(fd)


def _check_path(path: Any) -> Path:
    """``path`` as a :class:`~pathlib.Path`, or a ValidationError if it cannot be one."""
    if not isinstance(path, str | os.PathLike):
        raise ValidationError("path", path, "must be a file path")
    text = os.fspath(path)
    if not isinstance(text, str) or not text or "\0" in text:
        raise ValidationError("path", path, "must be a non-empty file path without NUL bytes")
    return Path(text)


def _os_reason(err: OSError) -> str:
    """The reason of an operating-system error, in words ("permission denied")."""
    if isinstance(err, PermissionError):
        return "permission denied"
    return (err.strerror or str(err)).lower()


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------


def _record_document(record: Any, syntax: _Format, order: tuple[str, ...] = ()) -> dict[str, Any]:
    """Plain dict of a record's non-empty keys, in ``order`` then field order."""
    keys = {k.name: k for k in _schema(type(record))}
    names = [n for n in order if n in keys] + [n for n in keys if n not in order]
    out: dict[str, Any] = {}
    skip = _derived(record)
    for name in names:
        key = keys[name]
        value = getattr(record, name)
        if value is None or (isinstance(value, tuple) and not value) or name in skip:
            continue
        if key.kind == _KIND_DATE:
            out[name] = value if syntax == "toml" else value.isoformat()
        elif key.kind == _KIND_DATES:
            out[name] = [d if syntax == "toml" else d.isoformat() for d in value]
        elif key.kind == _KIND_RECORDS:
            out[name] = [_record_document(item, syntax) for item in value]
        elif key.kind == _KIND_FX:
            out[name] = dict(value)
        else:
            out[name] = value
    return out


def _derived(record: Any) -> tuple[str, ...]:
    """Keys left out when writing because loading derives them to the very same value.

    A convertible stores both its conversion price and its conversion rate; only one is
    written when the other follows from it exactly (``1000 / x``).
    """
    if isinstance(record, ConvertibleNote):
        if 1000.0 / record.conversion_price == record.conversion_rate:
            return ("conversion_rate",)
        if 1000.0 / record.conversion_rate == record.conversion_price:
            return ("conversion_price",)
    return ()


def _document(company: Company, syntax: _Format) -> dict[str, Any]:
    if not isinstance(company, Company):
        raise ValidationError("company", company, "must be a treasurymodel.Company")
    doc: dict[str, Any] = {"format": FORMAT_VERSION}
    doc["company"] = _record_document(company, syntax, _COMPANY_ORDER)
    if company.market is not None:
        doc["market"] = _record_document(company.market, syntax)
    # One asset: a single [holdings] table (as in treasurymodel/1); several: [[holdings]].
    tables = [_record_document(h, syntax) for h in company.holdings]
    doc["holdings"] = tables[0] if len(tables) == 1 else tables
    instruments = []
    for inst in company.instruments:
        table = {"kind": type(inst).KIND}
        table.update(_record_document(inst, syntax))
        instruments.append(table)
    if instruments:
        doc["instruments"] = instruments
    return doc


def _toml_string(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:
            raise ValidationError("text", text, "holds a lone surrogate and cannot be written")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


_SHORT_ESCAPES: Final = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _toml_number(value: float | int) -> str:
    if isinstance(value, int):
        return f"{value:_d}"
    if value.is_integer() and 1000 <= abs(value) < 1e15:
        return f"{int(value):_d}"
    text = repr(value)
    if text in ("nan", "inf", "-inf"):  # pragma: no cover - companies hold finite numbers
        raise ValidationError("value", value, "must be finite")
    return text


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _toml_number(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r} as TOML")  # pragma: no cover


def _toml_table(lines: list[str], table: Mapping[str, Any], header: str, indent: str) -> None:
    nested = {k: v for k, v in table.items() if _is_table_array(v)}
    for key, value in table.items():
        if key not in nested:
            lines.append(f"{indent}{key} = {_toml_value(value)}")
    for key, items in nested.items():
        for item in items:
            lines.append("")
            lines.append(f"{indent}  [[{header}.{key}]]")
            _toml_table(lines, item, f"{header}.{key}", indent + "  ")


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _to_toml(doc: Mapping[str, Any]) -> str:
    lines = [f"format = {_toml_string(doc['format'])}"]
    for section in ("company", "market", "holdings"):
        if section in doc:
            for table in doc[section] if isinstance(doc[section], list) else [doc[section]]:
                lines.append("")
                lines.append(
                    f"[[{section}]]" if isinstance(doc[section], list) else f"[{section}]"
                )
                _toml_table(lines, table, section, "")
    for table in doc.get("instruments", []):
        lines.append("")
        lines.append("[[instruments]]")
        _toml_table(lines, table, "instruments", "")
    return "\n".join(lines) + "\n"


def dumps(company: Company, *, format: Literal["toml", "json"] = "toml") -> str:
    """Write a company as the text of a ``treasurymodel/1`` file.

    Every key whose value is set is written (defaults included, so a file keeps its meaning
    even if a default changes); ``None`` and empty lists are left out. Numbers are written
    exactly (whole amounts as integers, others with the shortest repr that reads back to
    the same float) and dates as TOML dates or ``"YYYY-MM-DD"`` strings in JSON.

    Parameters
    ----------
    company
        The company to write.
    format
        ``"toml"`` (default) or ``"json"``.

    Returns
    -------
    str
        The file's text; :func:`loads` reads it back to an equal company.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Note, dumps, loads
    >>> co = Company(name="Example", as_of=dt.date(2026, 1, 1), shares_basic=1e6,
    ...     holdings=Holdings(units=500.0),
    ...     instruments=[Note(name="Bank loan", principal=1e7, coupon=0.0625,
    ...                       maturity=dt.date(2030, 1, 1))])
    >>> print(dumps(co))
    format = "treasurymodel/2"
    <BLANKLINE>
    [company]
    name = "Example"
    as_of = 2026-01-01
    currency = "USD"
    shares_basic = 1_000_000
    other_dilutive_shares = 0.0
    cash = 0.0
    other_assets = 0.0
    <BLANKLINE>
    [holdings]
    asset = "BTC"
    units = 500.0
    cost_basis = 0.0
    staking_yield = 0.0
    <BLANKLINE>
    [[instruments]]
    kind = "note"
    name = "Bank loan"
    principal = 10_000_000
    coupon = 0.0625
    frequency = 2
    maturity = 2030-01-01
    <BLANKLINE>
    >>> loads(dumps(co, format="json"), format="json") == co
    True
    """
    syntax = _check_format(format)
    doc = _document(company, syntax)
    if syntax == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return _to_toml(doc)


def dump(
    company: Company,
    path: str | os.PathLike[str],
    *,
    format: Literal["toml", "json"] | None = None,
) -> None:
    """Write a company to a ``treasurymodel/1`` file.

    Parameters
    ----------
    company
        The company to write.
    path
        The file to (over)write, in UTF-8.
    format
        ``"toml"`` or ``"json"``; by default JSON for a ``*.json`` name and TOML otherwise.

    Raises
    ------
    ValidationError
        If ``company`` is not a :class:`~treasurymodel.Company`, ``format`` is unknown, or
        the file cannot be written (no such directory, permission denied, a directory, a
        full disk). Nothing is written when the company or the format is invalid.

    Notes
    -----
    The write is atomic: the text goes to a temporary file in the same folder, which is
    then renamed onto ``path``. A failed write leaves an existing file as it was, never
    half-written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from treasurymodel import datasets, dump, load
    >>> company = datasets.load("mstr-2026-02")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "mstr.json"
    ...     dump(company, path)
    ...     path.read_text().startswith('{\\n  "format": "treasurymodel/2"')
    ...     load(path) == company
    True
    True
    """
    file = _check_path(path)
    syntax = _check_format(format) if format is not None else _syntax_for(file)
    text = dumps(company, format=syntax)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as err:  # a lone surrogate, which JSON text may carry
        piece = err.object[max(err.start - 20, 0) : err.end + 20]
        raise ValidationError(
            "text", piece, "holds a lone surrogate and cannot be written as UTF-8"
        ) from None
    atomic_write(file, lambda tmp: Path(tmp).write_bytes(data), field="path")


def atomic_write(path: Path, write: Callable[[str], Any], *, field: str) -> None:
    """Call ``write(tmp)`` on a new file next to ``path``, then rename it onto ``path``.

    Until the rename, which replaces the file in one step, ``path`` keeps its old content;
    if writing fails (a full disk, say) the temporary file is removed and ``path`` is left
    as it was. The new file gets the old file's permissions, or the default ones; a symbolic
    link is followed (the file it points to is replaced, the link kept).

    Raises
    ------
    ValidationError
        Naming ``field`` and the path, if the file cannot be written.
    """
    target = Path(os.path.realpath(path))  # through a symbolic link: replace what it points to
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as err:
        reason = f"cannot be written ({_os_reason(err)})"
        raise ValidationError(field, str(path), reason) from None
    try:
        os.close(fd)
        write(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, _file_mode(target))
        os.replace(tmp, target)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        reason = f"cannot be written ({_os_reason(err)})"
        raise ValidationError(field, str(path), reason) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _file_mode(target: Path) -> int:
    """The permission bits of ``target`` if it exists, else those of a new file (umask)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask
