"""Sensitivities of a convertible note: delta, gamma, vega and credit rho, in one tree pass.

Every bumped scenario is an extra row of the same batch, so one roll-back of the tree values
the note and all its bumps together.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Generic, TypeVar, overload

import attrs
import numpy as np

from .._results import Tabular, broadcast_columns
from .._typing import ArrayLike, FloatArray
from ..errors import ValidationError
from ..instruments import ConvertibleNote
from ..validators import check_finite
from ._inputs import MAX_BUMP, MIN_BUMP, broadcast, check_flag, output
from ._lattice import check_range, roll_back, tree_parameters
from .convertible import accrued_per_100, bond_floor, premium, prepare, step_curves
from .curve import Curve

__all__ = ["ConvertibleSensitivities", "convertible_sensitivities"]

_T = TypeVar("_T", float, FloatArray)


@attrs.frozen(kw_only=True, repr=False)
class ConvertibleSensitivities(Tabular, Generic[_T]):
    """A convertible's value and sensitivities, per 100 of principal.

    Each field is a float when every market input was a float, else an array of the
    inputs' broadcast shape.

    Attributes
    ----------
    value
        Value per 100 (dirty, or clean if asked).
    parity
        Conversion value per 100: ``conversion_rate / 10 × share_price``.
    bond_floor
        Value without the conversion right (see :func:`treasurymodel.valuation.bond_floor`).
    conversion_premium
        ``value / parity − 1`` (infinite at a zero share price).
    delta
        dV/dS: change of the value per 100 for a unit change of the share price.
    parity_delta
        ``delta`` over the shares per 100: the fraction of the conversion shares a hedger
        sells short (between 0 and 1 for a plain note).
    gamma
        d²V/dS², per 100 and per unit of share price squared.
    vega
        dV/dσ per 1.00 of volatility (divide by 100 for one volatility point).
    credit_rho
        dV/ds per 1.00 of credit spread (divide by 10,000 for one basis point); negative.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import ConvertibleNote
    >>> from treasurymodel.valuation import convertible_sensitivities
    >>> note = ConvertibleNote(name="0% 2031", principal=1e9, issued=dt.date(2026, 1, 1),
    ...     maturity=dt.date(2031, 1, 1), conversion_price=100.0)
    >>> res = convertible_sensitivities(note, valuation_date=dt.date(2026, 1, 1),
    ...     share_price=80.0, volatility=0.5, rate=0.04, credit_spread=0.03, steps=400)
    >>> round(res.parity, 2), round(res.parity_delta, 2)
    (80.0, 0.75)
    """

    value: _T
    parity: _T
    bond_floor: _T
    conversion_premium: _T
    delta: _T
    parity_delta: _T
    gamma: _T
    vega: _T
    credit_rho: _T

    def to_dict(self) -> dict[str, Any]:
        """Every field as a 1-d float column, one entry per set of market inputs.

        Examples
        --------
        >>> import datetime as dt
        >>> from treasurymodel import ConvertibleNote
        >>> from treasurymodel.valuation import convertible_sensitivities
        >>> note = ConvertibleNote(name="0% 2031", principal=1e9, issued=dt.date(2026, 1, 1),
        ...     maturity=dt.date(2031, 1, 1), conversion_price=100.0)
        >>> res = convertible_sensitivities(note, valuation_date=dt.date(2026, 1, 1),
        ...     share_price=[80.0, 120.0], volatility=0.5, rate=0.04, credit_spread=0.03,
        ...     steps=200)
        >>> res.to_dict()["parity"].tolist()
        [80.0, 120.0]
        """
        values = {f.name: getattr(self, f.name) for f in attrs.fields(ConvertibleSensitivities)}
        return dict(broadcast_columns(values))

    _turn = True

    def _title(self) -> str:
        n = int(np.size(self.value))
        return "ConvertibleSensitivities" + ("" if n == 1 else f" at {n:,} inputs")

    def _footer(self) -> str:
        return "per 100 of principal; vega per 1.00 of volatility, credit_rho per 1.00 of spread"


def _check_bump(field: str, value: Any, alternative: str = "") -> float:
    """A bump in ``[MIN_BUMP, MAX_BUMP]``, else a ValidationError stating the range."""
    bump = check_finite(field, value)
    if not MIN_BUMP <= bump <= MAX_BUMP:
        tail = f" {alternative}" if alternative else ""
        raise ValidationError(field, value, f"must lie in [{MIN_BUMP:g}, {MAX_BUMP:g}]{tail}")
    return bump


@overload
def convertible_sensitivities(  # type: ignore[overload-overlap]
    note: ConvertibleNote,
    *,
    valuation_date: _dt.date,
    share_price: float,
    volatility: float,
    rate: float | Curve,
    credit_spread: float | Curve,
    dividend_yield: float = 0.0,
    steps: int = 1000,
    clean: bool = False,
    share_bump: float | None = None,
    volatility_bump: float = 0.01,
    spread_bump: float = 1e-4,
) -> ConvertibleSensitivities[float]: ...
@overload
def convertible_sensitivities(
    note: ConvertibleNote,
    *,
    valuation_date: _dt.date,
    share_price: ArrayLike,
    volatility: ArrayLike,
    rate: ArrayLike | Curve,
    credit_spread: ArrayLike | Curve,
    dividend_yield: ArrayLike = 0.0,
    steps: int = 1000,
    clean: bool = False,
    share_bump: float | None = None,
    volatility_bump: float = 0.01,
    spread_bump: float = 1e-4,
) -> ConvertibleSensitivities[FloatArray]: ...
def convertible_sensitivities(
    note: ConvertibleNote,
    *,
    valuation_date: _dt.date,
    share_price: ArrayLike,
    volatility: ArrayLike,
    rate: ArrayLike | Curve,
    credit_spread: ArrayLike | Curve,
    dividend_yield: ArrayLike = 0.0,
    steps: int = 1000,
    clean: bool = False,
    share_bump: float | None = None,
    volatility_bump: float = 0.01,
    spread_bump: float = 1e-4,
) -> ConvertibleSensitivities[Any]:
    """Value, parity, bond floor, premium and sensitivities of a convertible, in one pass.

    The note is valued as :func:`treasurymodel.valuation.value_convertible` does (direct path) at
    the
    inputs and at six bumped scenarios, stacked as extra rows of one tree batch:

    * share price up and down: by default by one tree node spacing, ``S u²`` and ``S / u²``
      (``u = exp(σ sqrt(dt))``), so that the three trees share their nodes and the
      differences do not straddle the tree's own small jumps in the share price; or by the
      relative ``share_bump`` given. Delta and gamma are the central differences (zero at
      a zero share price, or one so small, below about 1e-300, that the bump leaves it
      unchanged: the value does not move with it there);
    * volatility up and down by ``volatility_bump`` (the down bump stops at half the
      volatility); vega is the central difference;
    * credit spread up and down by ``spread_bump``; credit rho is the central difference (at
      a zero spread the lower bump is a slightly negative spread, where the tree's value
      continues smoothly). With a spread :class:`~treasurymodel.valuation.Curve` the bump
      is a parallel shift of its forward spreads.

    Parameters
    ----------
    note, valuation_date, share_price, volatility, rate, credit_spread, dividend_yield
        As for :func:`treasurymodel.valuation.value_convertible`; market inputs broadcast.
    steps, clean
        As for :func:`treasurymodel.valuation.value_convertible`.
    share_bump
        Relative share-price bump in ``[1e-6, 0.5]`` (``S (1 ± share_bump)``), or ``None``
        for one node spacing (about 5% at 1,000 steps, 50% volatility and five years).
    volatility_bump, spread_bump
        Absolute bumps, each in ``[1e-6, 0.5]`` (defaults: 1 volatility point, 1 basis
        point). Smaller bumps drown the difference in rounding, larger ones are no longer
        derivatives (and could push the spread far below zero).

    Raises
    ------
    ValidationError
        As for :func:`treasurymodel.valuation.value_convertible` (a volatility below 1e-4 or above
        5,
        naming it), or a bump outside ``[1e-6, 0.5]``, naming it. A bumped scenario whose
        tree cannot be built (the lower volatility too low for ``steps``, the upper one's
        top node overflowing) names ``volatility``.

    Returns
    -------
    ConvertibleSensitivities

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import ConvertibleNote
    >>> from treasurymodel.valuation import convertible_sensitivities
    >>> note = ConvertibleNote(name="0% 2031", principal=1e9, issued=dt.date(2026, 1, 1),
    ...     maturity=dt.date(2031, 1, 1), conversion_price=100.0)
    >>> res = convertible_sensitivities(note, valuation_date=dt.date(2026, 1, 1),
    ...     share_price=80.0, volatility=0.5, rate=0.04, credit_spread=0.03, steps=400)
    >>> round(res.value, 2), round(res.delta, 3), round(res.vega, 1)
    (107.05, 0.749, 57.6)
    """
    lattice = prepare(note, valuation_date, steps)
    quoted = check_flag("clean", clean)
    if share_bump is not None:
        _check_bump("share_bump", share_bump, "or be None")
    _check_bump("volatility_bump", volatility_bump)
    _check_bump("spread_bump", spread_bump)
    flat_rate, flat_spread, (step_rate, step_spread) = step_curves(lattice, rate, credit_spread)
    flat, shape, scalar = broadcast(
        share_price=share_price,
        volatility=volatility,
        rate=flat_rate,
        credit_spread=flat_spread,
        dividend_yield=dividend_yield,
    )
    s, sigma, r = flat["share_price"], flat["volatility"], flat["rate"]
    spread, q = flat["credit_spread"], flat["dividend_yield"]
    if share_bump is None:
        step = np.exp(2.0 * sigma * np.sqrt(lattice.dt))
        s_up, s_dn = s * step, s / step
    else:
        s_up, s_dn = s * (1.0 + share_bump), s * (1.0 - share_bump)
    v_up = sigma + volatility_bump
    v_dn = np.maximum(sigma - volatility_bump, 0.5 * sigma)
    c_up, c_dn = spread + spread_bump, spread - spread_bump

    def stack(*parts: FloatArray) -> FloatArray:
        return np.concatenate(parts)

    rows_s = stack(s, s_up, s_dn, s, s, s, s)
    rows_sigma = stack(sigma, sigma, sigma, v_up, v_dn, sigma, sigma)
    rows_r = np.tile(r, 7)
    rows_q = np.tile(q, 7)
    rows_spread = stack(spread, spread, spread, spread, spread, c_up, c_dn)
    params = tree_parameters(
        lattice, sigma=rows_sigma, rate=rows_r, dividend_yield=rows_q, step_rate=step_rate
    )
    check_range(lattice, rows_s, params.dx)
    values = roll_back(
        lattice, s_base=rows_s, params=params, spread=rows_spread, step_spread=step_spread
    )[0]
    v, vu, vd, wu, wd, cu, cd = values.reshape(7, -1)

    ratio = note.conversion_rate / 10.0
    # Differences only where the bumped share prices differ from the base: at zero, and at a
    # share price so small (subnormal, below about 1e-300) that the bump does not change it,
    # the value does not move with the share price and delta and gamma are zero.
    positive = (s_dn < s) & (s < s_up)
    safe_up = np.where(positive, s_up - s, 1.0)
    safe_dn = np.where(positive, s - s_dn, 1.0)
    safe_span = np.where(positive, s_up - s_dn, 1.0)
    delta = np.where(positive, (vu - vd) / safe_span, 0.0)
    gamma = np.where(positive, 2.0 * ((vu - v) / safe_up - (v - vd) / safe_dn) / safe_span, 0.0)
    vega = (wu - wd) / (v_up - v_dn)
    credit_rho = (cu - cd) / (c_up - c_dn)
    floor = np.broadcast_to(
        bond_floor(
            note,
            valuation_date=valuation_date,
            rate=r if step_rate is None else rate,
            credit_spread=spread if step_spread is None else credit_spread,
            clean=quoted,
        ),
        s.shape,
    )
    value = v - accrued_per_100(note, valuation_date) if quoted else v
    parity = ratio * s

    def out(x: FloatArray) -> Any:
        return output(np.asarray(x, dtype=np.float64), shape, scalar)

    return ConvertibleSensitivities(
        value=out(value),
        parity=out(parity),
        bond_floor=out(floor),
        conversion_premium=out(premium(value, parity)),
        delta=out(delta),
        parity_delta=out(delta / ratio),
        gamma=out(gamma),
        vega=out(vega),
        credit_rho=out(credit_rho),
    )
