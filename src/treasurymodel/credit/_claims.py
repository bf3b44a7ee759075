"""Seniority tiers, cumulative claims and the three BTC Rating definitions (shared helpers).

Not public: :mod:`treasurymodel.credit.rating` and :mod:`treasurymodel.credit.risk` build on
these. Every amount is in the company's reporting currency.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final, Literal, TypeAlias

import numpy as np

from .._typing import ArrayLike, FloatArray
from ..company import Company
from ..errors import ValidationError
from ..instruments import Instrument
from ..validators import check_choice, price_array

__all__ = [
    "COMMON",
    "DEFINITIONS",
    "Claim",
    "Definition",
    "Seniority",
    "barrier_price",
    "barrier_reserve",
    "claims",
    "common_extra",
    "is_common",
    "offsets",
    "out",
    "prices",
    "resolve",
    "simple",
]

Definition: TypeAlias = Literal["reserve", "dashboard", "asset_coverage"]
Seniority: TypeAlias = Sequence[str | Sequence[str]]

DEFINITIONS: Final[tuple[str, ...]] = ("reserve", "dashboard", "asset_coverage")
"""The BTC Rating definitions, named apart (see the theory page *Credit*).

Examples
--------
>>> from treasurymodel.credit import DEFINITIONS
>>> DEFINITIONS
('reserve', 'dashboard', 'asset_coverage')
"""

COMMON: Final = "common"
"""The name that selects the common stock (the company's ticker does too).

Examples
--------
>>> from treasurymodel import datasets
>>> from treasurymodel.credit import COMMON, btc_rating
>>> co = datasets.load("mstr-2026-02")
>>> btc_rating(co, COMMON, asset_price=68_141.0, share_price=114.45) == btc_rating(
...     co, "MSTR", asset_price=68_141.0, share_price=114.45)
True
"""


class Claim:
    """One debt or preferred security's place in the ranking: its tier and cumulative claim."""

    __slots__ = ("amount", "claim", "instrument", "kind", "name", "rank")

    def __init__(self, instrument: Instrument, rank: int, amount: float, claim: float) -> None:
        self.instrument = instrument
        self.name = instrument.name
        self.kind = instrument.CLAIM
        self.rank = rank
        self.amount = amount
        self.claim = claim


def _default_tiers(company: Company) -> list[list[Instrument]]:
    """All debt as one class, then the preferred series by rank (equal ranks together)."""
    tiers: list[list[Instrument]] = []
    if company.debts:
        tiers.append(list(company.debts))
    by_rank: dict[int, list[Instrument]] = {}
    for p in company.preferreds:
        by_rank.setdefault(p.seniority, []).append(p)
    tiers.extend(by_rank[rank] for rank in sorted(by_rank))
    return tiers


def _explicit_tiers(company: Company, seniority: Any) -> list[list[Instrument]]:
    """The tiers a user gave: names, or groups of names ranking together, most senior first."""
    reason = "must be a list of instrument names (or lists of names ranking together)"
    if isinstance(seniority, str | bytes) or not isinstance(seniority, Sequence):
        raise ValidationError("seniority", seniority, reason)
    known = {i.name: i for i in company.instruments}
    seen: set[str] = set()
    tiers: list[list[Instrument]] = []
    for index, entry in enumerate(seniority):
        group = [entry] if isinstance(entry, str) else entry
        if isinstance(group, bytes) or not isinstance(group, Sequence) or not group:
            raise ValidationError(f"seniority[{index}]", entry, reason)
        tier: list[Instrument] = []
        for name in group:
            if not isinstance(name, str) or name not in known:
                raise ValidationError(
                    f"seniority[{index}]", name, f"names no instrument of {company.name!r}"
                )
            if name in seen:
                raise ValidationError(f"seniority[{index}]", name, "is listed twice")
            seen.add(name)
            tier.append(known[name])
        tiers.append(tier)
    missing = [i.name for i in company.instruments if i.name not in seen]
    if missing:
        raise ValidationError(
            "seniority", missing, "must rank every instrument; these are missing"
        )
    return tiers


def claims(company: Company, seniority: Any = None) -> list[Claim]:
    """Every debt and preferred security, most senior first, with its cumulative claim.

    A security's claim is its amount plus the amount of every security ranking ahead of it
    or with it (in its tier). ``seniority=None`` is the company's own ranking.
    """
    tiers = _default_tiers(company) if seniority is None else _explicit_tiers(company, seniority)
    out_: list[Claim] = []
    total = 0.0
    for rank, tier in enumerate(tiers, start=1):
        amounts = [company.amount(i) for i in tier]
        total += math.fsum(amounts)
        out_.extend(Claim(i, rank, a, total) for i, a in zip(tier, amounts, strict=True))
    return out_


def is_common(company: Company, security: str) -> bool:
    """Whether ``security`` names the common stock (``"common"`` or the company's ticker)."""
    return security == COMMON or (company.ticker is not None and security == company.ticker)


def resolve(company: Company, security: Any, seniority: Any = None) -> Claim | None:
    """The security's :class:`Claim`, or ``None`` for the common; a ValidationError if unknown."""
    if not isinstance(security, str):
        raise ValidationError("security", security, "must be the name of a security (a str)")
    for claim in claims(company, seniority):
        if claim.name == security:
            return claim
    if is_common(company, security):
        return None
    raise ValidationError(
        "security", security, f"names no instrument of {company.name!r} (nor {COMMON!r})"
    )


def offsets(company: Company, definition: str) -> tuple[float, float]:
    """(assets added to the reserve, amount taken off every claim) under ``definition``.

    * ``reserve``: nothing: BTC Reserve / claims;
    * ``dashboard``: the cash (USD Reserve) comes off the claims;
    * ``asset_coverage``: cash and other assets join the reserve.
    """
    check_choice("definition", definition, DEFINITIONS)
    if definition == "dashboard":
        return 0.0, company.cash
    if definition == "asset_coverage":
        return company.cash + company.other_assets, 0.0
    return 0.0, 0.0


def common_extra(company: Company, definition: str) -> float:
    """What the common's numerator adds to the BTC Reserve before the claims come off."""
    extra, offset = offsets(company, definition)
    return extra + offset - (company.total_debt + company.total_preferred)


def simple(company: Company) -> bool:
    """Whether the company holds one asset priced in its reporting currency: its price is
    then the credit model's variable (the exact one-asset path)."""
    held = company.holdings
    return len(held) == 1 and held[0].price_currency in (None, company.currency)


def barrier_reserve(company: Company, claim: float, definition: str) -> float:
    """The reserve value (reporting currency) at which a security of cumulative ``claim`` has
    a BTC Rating of 1; ``0`` when the rating can never fall to 1 (cash covers the claim)."""
    extra, offset = offsets(company, definition)
    need = claim - offset - extra
    return need if need > 0.0 else 0.0


def barrier_price(company: Company, claim: float, definition: str) -> float:
    """The credit model's barrier for a security of cumulative ``claim``: the asset price at
    which its BTC Rating is 1 for a company holding one asset priced in its reporting currency
    (``0`` when the rating can never fall to 1, ``inf`` when nothing is held); else the
    reserve value at which it is 1 (:func:`barrier_reserve`), the model's variable being
    the reserve's value (a common shock to every asset price).
    """
    need = barrier_reserve(company, claim, definition)
    if not simple(company):
        return need
    if need <= 0.0:
        return 0.0
    units = company.holdings[0].units
    return need / units if units > 0.0 else math.inf


def out(value: Any) -> float | FloatArray:
    """A float for a 0-d result, else a float64 ndarray."""
    arr: FloatArray = np.asarray(value, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr


def prices(field: str, value: ArrayLike | None, default: float | None) -> FloatArray:
    """A price argument, or ``default`` (the company's [market] price) when it is ``None``."""
    if value is None:
        if default is None:
            raise ValidationError(
                field, None, "is required: the company has no [market] price to default to"
            )
        value = default
    return price_array(field, value)
