"""Bundled reference companies, shipped inside the package as company files.

Each data set is a TOML file whose comments give the source of every figure and mark the
figures that could not be confirmed (``UNCONFIRMED``), values chosen by the authors
(``ASSUMPTION``) and rounded ones (``APPROXIMATE``). Read a file's text with :func:`text`
to see them, or copy it as a starting point for your own company.

========================  ===================================================================
``mstr-2022q2``           MicroStrategy on 30 June 2022 (before the 2024 split): the term
                          loan, the 2025 and 2027 convertibles and the 2028 secured notes
                          behind the 2022 margin-call and maturity-wall figures.
``mstr-2026-02``          Strategy on 1 February 2026: six convertibles and five perpetual
                          preferred series (STRF, STRC, STRE, STRK, STRD).
``mtplf-2025-11``         Metaplanet on 25 November 2025: reports in yen, holds bitcoin priced
                          in US dollars and owes $230M on a bitcoin-backed facility (figures
                          of the company's notices as reported by the press, marked).
``sbet-2025-10``          SharpLink Gaming on 19 October 2025: an ether treasury (ETH held,
                          cash, no debt or preferred; staking not modeled).
``xxi-2026-01``           Twenty One Capital on 2 January 2026: bitcoin funded by one
                          bitcoin-secured 1% convertible due 2030 (its collateral is not
                          representable in format 1; the file says so).
========================  ===================================================================

The header of each file lists its primary sources (filings with their form type, date and SEC
accession number, press releases, the company's dashboard with its dates).
"""

from __future__ import annotations

import functools
from importlib import resources

from ..company import Company
from ..errors import ValidationError

__all__ = ["load", "names", "text"]

_SUFFIX = ".toml"


@functools.cache
def names() -> tuple[str, ...]:
    """Names of the bundled data sets, sorted.

    Examples
    --------
    >>> from treasurymodel import datasets
    >>> datasets.names()
    ('mstr-2022q2', 'mstr-2026-02', 'mtplf-2025-11', 'sbet-2025-10', 'xxi-2026-01')
    """
    files = resources.files(__name__)
    found = [
        item.name[: -len(_SUFFIX)]
        for item in files.iterdir()
        if item.is_file() and item.name.endswith(_SUFFIX)
    ]
    return tuple(sorted(found))


def _check(name: object) -> str:
    if not isinstance(name, str) or name not in names():
        raise ValidationError(
            "name", name, f"is not a bundled data set (choose one of {', '.join(names())})"
        )
    return name


def text(name: str) -> str:
    """The TOML text of a bundled data set, with its comments (sources and markings).

    Parameters
    ----------
    name
        One of :func:`names`.

    Raises
    ------
    ValidationError
        If ``name`` is not a bundled data set.

    Examples
    --------
    >>> from treasurymodel import datasets
    >>> datasets.text("mstr-2022q2").splitlines()[0]
    '# MicroStrategy (now Strategy) on 30 June 2022: the capital structure behind the 2022'
    """
    checked = _check(name)
    return resources.files(__name__).joinpath(checked + _SUFFIX).read_text(encoding="utf-8")


@functools.cache
def _load(name: str) -> Company:
    from ..io import loads

    return loads(text(name), source=f"data set {name!r}")


def load(name: str) -> Company:
    """Load a bundled data set as a :class:`~treasurymodel.Company`.

    Companies are immutable, so every call returns the same (cached) object.

    Parameters
    ----------
    name
        One of :func:`names`, e.g. ``"mstr-2022q2"`` or ``"mstr-2026-02"``.

    Raises
    ------
    ValidationError
        If ``name`` is not a bundled data set.

    Examples
    --------
    >>> from treasurymodel import datasets
    >>> co = datasets.load("mstr-2026-02")
    >>> co.holdings[0].units, co.market.asset_price
    (713502.0, 68141.0)
    >>> round(co.total_debt / 1e6, 2), round(co.total_preferred / 1e6, 1)
    (8243.75, 8388.7)
    >>> from treasurymodel import ValidationError
    >>> try:  # doctest: +NORMALIZE_WHITESPACE
    ...     datasets.load("mstr-2030")
    ... except ValidationError as err:
    ...     print(err)
    name: is not a bundled data set (choose one of mstr-2022q2, mstr-2026-02, mtplf-2025-11,
    sbet-2025-10, xxi-2026-01), got 'mstr-2030'
    """
    return _load(_check(name))
