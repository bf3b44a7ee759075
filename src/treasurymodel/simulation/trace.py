"""Traced paths: every recordable quantity of a few paths, step by step, and their story.

:class:`PathTraces` holds, for a few chosen paths of a simulation, one array of shape
``(traced paths, steps + 1)`` per recordable quantity (see
:data:`~treasurymodel.simulation.recording.RECORDABLE`); :class:`EventTable` lists what
happened on one traced path, in date order, read off those arrays (so the two always agree).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from .._render import cell
from .._results import Tabular
from .._typing import FloatArray, IntArray
from ..errors import ValidationError
from ..validators import check_choice

__all__ = ["EVENT_KINDS", "EventTable", "PathTraces"]

EVENT_KINDS: Final[dict[str, tuple[str, str]]] = {
    # event -> (the running total it is read from, the unit of its amount)
    "interest paid": ("interest_paid", "cash"),
    "principal paid": ("principal_paid", "cash"),
    "dividends paid": ("dividends_paid", "cash"),
    "dividends paid in shares": ("dividends_paid_in_shares", "cash"),
    "dividends unpaid": ("unpaid_dividends", "cash"),
    "shares sold": ("equity_raised", "cash"),
    "preferred sold": ("preferred_raised", "cash"),
    "notes sold": ("notes_issued", "cash"),
    "loans taken": ("loans_issued", "cash"),
    "other funding": ("other_raised", "cash"),
    "coins sold": ("units_sold", "units"),
    "coins bought": ("units_bought", "units"),
    "coins seized": ("units_seized", "units"),
    "notes converted": ("shares_converted", "shares"),
}
"""What the event table reports, in the order of a step, each from a recorded quantity: an
event on step ``t`` is a change of that quantity from step ``t - 1`` (``dividends unpaid``:
an increase of the arrears)."""


def _floats(value: Any) -> FloatArray:
    return np.asarray(value, dtype=np.float64)


def _ints(value: Any) -> IntArray:
    return np.asarray(value, dtype=np.int64)


def _date_tuple(value: Any) -> tuple[_dt.date, ...]:
    return tuple(value)


def _values(value: Any) -> dict[str, FloatArray]:
    return {str(k): np.asarray(v, dtype=np.float64) for k, v in dict(value).items()}


@attrs.frozen(kw_only=True, eq=False, repr=False)
class PathTraces(Tabular):
    """Every recordable quantity of a few traced paths, at every step.

    Attributes
    ----------
    paths
        Indices of the traced paths in the simulation, shape ``(k,)``.
    dates
        The simulation's dates, ``steps + 1`` of them.
    values
        By recordable name, an array of shape ``(k, steps + 1)``: row ``i`` is path
        ``paths[i]``, column ``t`` the value at the end of step ``t``.
    default_time, first_forced_sale, first_seizure
        Steps of those events on each traced path, -1 for never.

    Examples
    --------
    >>> import datetime as dt, numpy as np
    >>> import treasurymodel as tm
    >>> co = tm.Company(name="X", as_of=dt.date(2026, 1, 1), holdings=tm.Holdings(units=100),
    ...     shares_basic=1e6, instruments=[tm.Note(name="N", principal=2e6, coupon=0.0,
    ...     maturity=dt.date(2026, 6, 30))])
    >>> res = tm.simulation.simulate_paths(co, prices=np.array([[50e3, 50e3], [10e3, 10e3]]),
    ...     dates=[co.as_of, dt.date(2026, 7, 1)],
    ...     policy=tm.simulation.FundingPolicy(issue_equity=False),
    ...     record_paths=[1])
    >>> res.traces.paths.tolist(), res.traces.values["units_sold"].tolist()
    ([1], [[0.0, 100.0]])
    """

    paths: IntArray = attrs.field(converter=_ints)
    dates: tuple[_dt.date, ...] = attrs.field(converter=_date_tuple)
    values: Mapping[str, FloatArray] = attrs.field(converter=_values)
    default_time: IntArray = attrs.field(converter=_ints)
    first_forced_sale: IntArray = attrs.field(converter=_ints)
    first_seizure: IntArray = attrs.field(converter=_ints)

    def __attrs_post_init__(self) -> None:
        k = self.paths.shape[0] if self.paths.ndim == 1 else -1
        for name, arr in self.values.items():
            if arr.shape != (k, len(self.dates)):
                raise ValidationError(
                    f"PathTraces.values[{name!r}]", arr.shape, f"must be ({k}, {len(self.dates)})"
                )
        for name in ("default_time", "first_forced_sale", "first_seizure"):
            if getattr(self, name).shape != (k,):
                raise ValidationError(f"PathTraces.{name}", getattr(self, name).shape, "bad")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PathTraces):
            return NotImplemented
        return (
            bool(np.array_equal(self.paths, other.paths))
            and self.dates == other.dates
            and set(self.values) == set(other.values)
            and all(np.array_equal(v, other.values[k]) for k, v in self.values.items())
            and all(
                np.array_equal(getattr(self, f), getattr(other, f))
                for f in ("default_time", "first_forced_sale", "first_seizure")
            )
        )

    __hash__ = None  # type: ignore[assignment]

    def row(self, path: int) -> int:
        """The row of simulation path ``path`` in ``values``.

        Examples
        --------
        >>> import datetime as dt
        >>> t = PathTraces(paths=[7, 3], dates=[dt.date(2026, 1, 1)], values={},
        ...     default_time=[-1, -1], first_forced_sale=[-1, -1], first_seizure=[-1, -1])
        >>> t.row(3)
        1
        """
        if isinstance(path, bool) or not isinstance(path, int | np.integer):
            raise ValidationError("path", path, "must be the index of a traced path")
        hits = np.flatnonzero(self.paths == int(path))
        if hits.size == 0:
            raise ValidationError("path", path, f"was not traced (traced: {self.paths.tolist()})")
        return int(hits[0])

    def path(self, path: int) -> dict[str, FloatArray]:
        """Every recorded quantity of traced path ``path``, by name (arrays of ``steps + 1``).

        Examples
        --------
        >>> import datetime as dt, numpy as np
        >>> t = PathTraces(paths=[7], dates=[dt.date(2026, 1, 1)],
        ...     values={"cash": np.array([[5.0]])}, default_time=[-1],
        ...     first_forced_sale=[-1], first_seizure=[-1])
        >>> t.path(7)["cash"].tolist()
        [5.0]
        """
        i = self.row(path)
        return {name: arr[i] for name, arr in self.values.items()}

    def to_dict(self) -> dict[str, npt.NDArray[Any]]:
        """One row per traced path and step: ``path``, ``step``, ``date`` (``datetime64[D]``),
        then every recorded quantity by name (paths first, then steps).

        Examples
        --------
        >>> import datetime as dt, numpy as np
        >>> t = PathTraces(paths=[7], dates=[dt.date(2026, 1, 1), dt.date(2026, 1, 8)],
        ...     values={"cash": np.array([[5.0, 4.0]])}, default_time=[-1],
        ...     first_forced_sale=[-1], first_seizure=[-1])
        >>> d = t.to_dict()
        >>> d["path"].tolist(), d["step"].tolist(), d["cash"].tolist()
        ([7, 7], [0, 1], [5.0, 4.0])
        """
        k, steps = int(self.paths.shape[0]), len(self.dates)
        out: dict[str, npt.NDArray[Any]] = {
            "path": np.repeat(self.paths.astype(np.int64), steps),
            "step": np.tile(np.arange(steps, dtype=np.int64), k),
            "date": np.tile(np.array(self.dates, dtype="datetime64[D]"), k),
        }
        for name, arr in self.values.items():
            out[name] = arr.reshape(-1).copy()
        return out

    def _title(self) -> str:
        return (
            f"PathTraces ({self.paths.shape[0]} path{'' if self.paths.shape[0] == 1 else 's'}, "
            f"{len(self.dates):,} dates, {len(self.values)} quantities)"
        )

    def _footer(self) -> str:
        return "one row per path and step; events(path) tells a path's story"

    def events(self, path: int) -> EventTable:
        """What happened on traced path ``path``, in date order (see :class:`EventTable`).

        Examples
        --------
        >>> import datetime as dt, numpy as np
        >>> t = PathTraces(paths=[0], dates=[dt.date(2026, 1, 1), dt.date(2026, 1, 8)],
        ...     values={"units_sold": np.array([[0.0, 2.5]])}, default_time=[-1],
        ...     first_forced_sale=[1], first_seizure=[-1])
        >>> t.events(0).event
        ['coins sold']
        """
        i = self.row(path)
        rows: list[tuple[int, str, float, str]] = []
        steps = len(self.dates)
        for t in range(steps):
            for kind, (name, unit) in EVENT_KINDS.items():
                if name not in self.values:
                    continue
                series = self.values[name][i]
                before = series[t - 1] if t > 0 else 0.0
                change = float(series[t] - before)
                if kind == "dividends unpaid":
                    if change > 0.0:
                        rows.append((t, kind, change, unit))
                elif change != 0.0:
                    rows.append((t, kind, change, unit))
            if int(self.first_seizure[i]) == t:
                rows.append((t, "first margin call failed", float("nan"), ""))
            if int(self.default_time[i]) == t:
                rows.append((t, "default", float("nan"), ""))
        return EventTable(
            path=int(self.paths[i]),
            step=[r[0] for r in rows],
            date=[self.dates[r[0]] for r in rows],
            event=[r[1] for r in rows],
            amount=[r[2] for r in rows],
            unit=[r[3] for r in rows],
        )


def _list(value: Any) -> list[Any]:
    return list(value)


@attrs.frozen(kw_only=True, repr=False)
class EventTable(Tabular):
    """The story of one traced path: one row per event, in date order.

    Each row is a change, on one step, of a running total the engine records (see
    ``EVENT_KINDS``): cash raised by shares, preferred, notes or loans; interest,
    principal and dividends paid; dividends left unpaid; coins sold, bought or seized; notes
    converted. The first failed margin call and the default are rows of their own.
    Amounts are in the reporting currency (``cash``), in coins (``units``) or in shares.

    Attributes
    ----------
    path
        The simulation path.
    step, date, event, amount, unit
        The columns, one entry per row.

    Examples
    --------
    >>> import datetime as dt
    >>> t = EventTable(path=0, step=[3], date=[dt.date(2026, 1, 22)], event=["coins sold"],
    ...                amount=[2.5], unit=["units"])
    >>> t
    EventTable(path 0, 1 event)
      date        step  event       amount  unit
      2026-01-22     3  coins sold     2.5  units
    >>> t.to_dict()["amount"].tolist()
    [2.5]
    """

    path: int
    step: list[int] = attrs.field(converter=_list)
    date: list[_dt.date] = attrs.field(converter=_list)
    event: list[str] = attrs.field(converter=_list)
    amount: list[float] = attrs.field(converter=_list)
    unit: list[str] = attrs.field(converter=_list)

    def __len__(self) -> int:
        return len(self.step)

    def _title(self) -> str:
        n = len(self)
        return f"EventTable(path {self.path}, {n} event{'' if n == 1 else 's'})"

    def table(self) -> list[list[str]]:
        """The rows as text (header first): date, step, event, amount, unit.

        Examples
        --------
        >>> import datetime as dt
        >>> EventTable(path=0, step=[1], date=[dt.date(2026, 1, 8)], event=["default"],
        ...            amount=[float("nan")], unit=[""]).table()[1]
        ['2026-01-08', '1', 'default', '-', '']
        """
        out = [["date", "step", "event", "amount", "unit"]]
        for s, d, e, a, u in zip(
            self.step, self.date, self.event, self.amount, self.unit, strict=True
        ):
            out.append([d.isoformat(), str(s), e, cell(a), u])
        return out

    def to_dict(self) -> dict[str, npt.NDArray[Any]]:
        """Columns by name: ``date`` (``datetime64[D]``), ``step``, ``event``, ``amount``,
        ``unit`` (NaN amount for the default and the failed margin call).

        Examples
        --------
        >>> import datetime as dt
        >>> d = EventTable(path=0, step=[1], date=[dt.date(2026, 1, 8)], event=["default"],
        ...                amount=[float("nan")], unit=[""]).to_dict()
        >>> str(d["date"][0]), d["event"].tolist()
        ('2026-01-08', ['default'])
        """
        return {
            "date": np.array(self.date, dtype="datetime64[D]"),
            "step": np.array(self.step, dtype=np.int64),
            "event": np.array(self.event, dtype=object),
            "amount": np.array(self.amount, dtype=np.float64),
            "unit": np.array(self.unit, dtype=object),
        }


CHOICES: Final[tuple[str, ...]] = ("worst", "first_default", "random")
"""How ``record_paths=k`` chooses its ``k`` paths (``choose_paths``)."""

_RANDOM_KEY: Final = 2**40
"""Spawn key of the random sample's generator (beyond every block's key)."""


def check_record_paths(
    record_paths: Any, choose_paths: Any, *, limit: int | None = 1000
) -> int | IntArray | None:
    """``record_paths`` as a count, an array of indices (unique, sorted) or ``None``;
    at most ``limit`` paths (``None``: no limit, the paths are already in memory)."""
    check_choice("choose_paths", choose_paths, CHOICES)
    if record_paths is None:
        return None
    if isinstance(record_paths, bool):
        raise ValidationError("record_paths", record_paths, "must be a count or path indices")
    if isinstance(record_paths, int | np.integer):
        if int(record_paths) < 0 or (limit is not None and int(record_paths) > limit):
            raise ValidationError("record_paths", record_paths, f"must be from 0 to {limit}")
        return int(record_paths)
    try:
        raw = np.asarray(list(record_paths))
    except (TypeError, ValueError):  # not iterable, or ragged
        raise ValidationError(
            "record_paths", record_paths, "must be a count or a sequence of path indices"
        ) from None
    if raw.size and (raw.dtype.kind not in "iu" or raw.ndim != 1):
        raise ValidationError("record_paths", record_paths, "must hold whole path indices")
    if limit is not None and raw.size > limit:
        raise ValidationError("record_paths", raw.size, f"must trace at most {limit} paths")
    if raw.size and int(raw.min()) < 0:
        raise ValidationError("record_paths", int(raw.min()), "must be path indices >= 0")
    return np.unique(raw.astype(np.int64))


def choose(
    count: int,
    how: str,
    *,
    paths: int,
    nav_per_share: FloatArray | None = None,
    default_time: IntArray | None = None,
    seed: int = 0,
) -> IntArray:
    """Indices of ``count`` paths (sorted): the worst by final NAV per share, the first to
    default (fewer if fewer default), or a random sample (reproducible from ``seed``)."""
    count = min(count, paths)
    if how == "worst":
        assert nav_per_share is not None
        order = np.argsort(nav_per_share, kind="stable")[:count]
    elif how == "first_default":
        assert default_time is not None
        hit = np.flatnonzero(default_time >= 0)
        order = hit[np.argsort(default_time[hit], kind="stable")][:count]
    else:
        rng = np.random.Generator(
            np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(_RANDOM_KEY,)))
        )
        order = rng.choice(paths, size=count, replace=False)
    return np.sort(np.asarray(order, dtype=np.int64))
