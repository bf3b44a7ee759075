"""One result protocol for every result type: a one-screen ``repr``, ``_repr_html_``,
``to_dict()`` and ``to_frame()``.

:class:`Result` states the protocol (a :class:`typing.Protocol`, checkable at run time);
:class:`Tabular` implements three of its members once, from the fourth (``to_dict``), for the
results that need no table of their own; :func:`frame` is the one ``to_frame`` of every
result (pandas imported only there).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from ._render import columns_html, columns_text

__all__ = ["Result", "Tabular", "broadcast_columns", "frame"]

FRAME_EXTRA = "treasurymodel[frame]"
"""The optional extra that brings pandas (``pip install "treasurymodel[frame]"``)."""


@runtime_checkable
class Result(Protocol):
    """What every result of the package offers, in a terminal, a notebook and a data frame.

    ``repr(result)``
        One screen: at most about 25 lines of at most 100 characters, a title, a table and
        a footer (the first and last rows of a long table, the columns that fit).
    ``result._repr_html_()``
        The same as a small HTML table (escaped, no dependency), which Jupyter shows.
    ``result.to_dict()``
        Columns by name, each a one-dimensional numpy array, all of one length (one entry a
        row): dates as ``datetime64[D]`` (``NaT`` where there is none), text as string or
        object arrays, a missing figure as NaN (where the result itself holds ``None``).
    ``result.to_frame()``
        ``pandas.DataFrame`` of those columns (indexed by the name column where there is
        one). pandas is an optional extra (``pip install "treasurymodel[frame]"``), imported
        only here; without it an ImportError says what to install.

    Examples
    --------
    >>> import datetime as dt
    >>> import treasurymodel as tm
    >>> co = tm.Company(name="X", as_of=dt.date(2026, 1, 1), holdings=tm.Holdings(units=1_000),
    ...                 shares_basic=1e6)
    >>> m = tm.metrics(co, asset_price=[50_000.0, 100_000.0])
    >>> isinstance(m, tm.Result)
    True
    >>> m.to_dict()["nav_per_share"].tolist()
    [50.0, 100.0]
    """

    def __repr__(self) -> str: ...

    def _repr_html_(self) -> str: ...

    def to_dict(self) -> dict[str, npt.NDArray[Any]]: ...

    def to_frame(self) -> Any: ...


def frame(columns: Mapping[str, Any], *, owner: str, index: str | None = None) -> Any:
    """``pandas.DataFrame(columns)``, indexed by the column ``index`` if given.

    Raises
    ------
    ImportError
        When pandas is not installed, naming the extra that brings it.

    Examples
    --------
    >>> import numpy as np
    >>> columns = {"name": np.array(["a"]), "x": np.array([1.0])}
    >>> frame(columns, owner="T", index="name").loc["a", "x"]
    np.float64(1.0)
    """
    try:
        pandas = importlib.import_module("pandas")
    except ImportError:
        raise ImportError(
            f"{owner}.to_frame needs pandas, an optional extra: "
            f'pip install "{FRAME_EXTRA}" (or pip install pandas)'
        ) from None
    data = dict(columns)
    if index is None:
        return pandas.DataFrame(data)
    labels = data.pop(index)
    return pandas.DataFrame(data, index=pandas.Index(labels, name=index))


class Tabular:
    """``__repr__``, ``_repr_html_`` and ``to_frame`` from ``to_dict`` (a mixin).

    A result class defines ``to_dict`` and, if it likes, ``_title`` and ``_footer``; an attrs
    class using it passes ``repr=False`` so that this ``__repr__`` is the one used. ``_index``
    names the column that indexes ``to_frame()`` (none by default); ``_turn`` shows a
    single row turned, one line per column (for a record of figures rather than a table of
    rows).
    """

    __slots__ = ()
    _index: ClassVar[str | None] = None
    _turn: ClassVar[bool] = False  # show a single row turned (a record of figures)

    def to_dict(self) -> dict[str, npt.NDArray[Any]]:  # pragma: no cover - always overridden
        raise NotImplementedError

    def _title(self) -> str:
        return type(self).__name__

    def _footer(self) -> str:
        return ""

    def to_frame(self) -> Any:
        """The columns of ``to_dict()`` as a pandas DataFrame (needs pandas, the ``frame`` extra).

        Examples
        --------
        >>> import datetime as dt
        >>> import treasurymodel as tm
        >>> co = tm.Company(name="X", as_of=dt.date(2026, 1, 1),
        ...                 holdings=tm.Holdings(units=1_000), shares_basic=1e6)
        >>> tm.metrics(co, asset_price=[50_000.0, 100_000.0]).to_frame()["nav"].tolist()
        [50000000.0, 100000000.0]
        """
        return frame(self.to_dict(), owner=type(self).__name__, index=self._index)

    def __repr__(self) -> str:
        return columns_text(self._title(), self.to_dict(), self._footer(), turn=self._turn)

    def _repr_html_(self) -> str:
        return columns_html(self._title(), self.to_dict(), self._footer(), turn=self._turn)


def broadcast_columns(values: Mapping[str, Any]) -> dict[str, npt.NDArray[np.float64]]:
    """Numbers or arrays (or ``None``) by name as float columns of one length.

    The values are broadcast together and flattened in C order (a number gives one row);
    ``None`` becomes a column of NaN, the missing-value mark of the array exports.

    Examples
    --------
    >>> import numpy as np
    >>> d = broadcast_columns({"a": 2.0, "b": None, "c": np.array([[1.0], [3.0]])})
    >>> d["a"].tolist(), d["b"].tolist(), d["c"].tolist()
    ([2.0, 2.0], [nan, nan], [1.0, 3.0])
    """
    shape = np.broadcast_shapes(*(np.shape(v) for v in values.values() if v is not None))
    size = int(np.prod(shape))
    return {
        name: np.full(size, np.nan)
        if v is None
        else np.broadcast_to(np.asarray(v, dtype=np.float64), shape).reshape(size).copy()
        for name, v in values.items()
    }
