"""The state of the scenario engine's paths, and what one step works with.

:class:`PathState` holds everything the engine carries from step to step, one value per path:
the balance sheet (units, free units, cash, shares, debt outstanding, pledges, preferred
notional and arrears), the market-impact factor and running peak, the default and sale
markers, the cumulated flows recorded in the result, and the securities sold on the paths
(through funding channels). A quantity stays a Python float while it is the same on every
path and becomes an array of shape ``(paths,)`` once it is not, so steps on which nothing
depends on the price cost almost nothing.

:class:`StepWork` holds what the phases of one step pass to each other (the price, the mNAV
and share price at the start of the step, what is due, what is still uncovered), and
:class:`Run` the run's fixed inputs. The helpers at the end turn the state into result fields
and histograms.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._typing import BoolArray, FloatArray, IntArray
from ..errors import ValidationError
from .aggregates import _hist as _hist  # the engine's histograms count as the aggregates do
from .calendar import Debt, Plan, Pref, Step, ordered_sum
from .channels import PreferredAtm
from .credit_events import CreditRecorder
from .impact import ImpactModel
from .policy import FundingPolicy
from .premium import MIN_SHARE_PRICE, ConstantPremium, PremiumModel

if TYPE_CHECKING:
    from ..company import Company
    from ..instruments import Instrument

__all__ = ["Issued", "LazyPrices", "PathState", "Run", "StepWork", "basket_company"]


def basket_company(company: Company, basket: Any) -> Company:
    """``company`` holding ``basket.total_units`` basket units: what the engine simulates.

    The primary holding (the first of ``company.holdings``) keeps its asset name and gets the
    basket's units and the cost basis of all the holdings. Every pledge is restated in basket
    units at the as-of prices (``n`` units of asset ``a`` become ``n p_a(0) / B(0)``), so the
    collateral's value is the same on the as-of date and moves with the basket afterwards.
    Nothing else changes; a one-asset basket of the company's own units gives back an equal
    company. The assets must be priced in one currency.

    Examples
    --------
    >>> import datetime as dt
    >>> import treasurymodel as tm
    >>> co = tm.Company(name="X", as_of=dt.date(2026, 1, 1),
    ...     holdings=tm.Holdings(units=10.0), shares_basic=1e3)
    >>> m = tm.simulation.JointBootstrap(
    ...     tickers=("BTC", "ETH"), asset_prices=(5.0, 1.0), returns=[[0.0, 0.0]])
    >>> b = tm.simulation.Basket(model=m, units={"BTC": 10.0, "ETH": 30.0})
    >>> basket_company(co, b).holdings[0].units
    40.0
    """
    import attrs

    held = company.holdings
    codes = {h.price_currency or company.currency for h in held}
    if len(codes) > 1:
        raise ValidationError(
            "company",
            company.name,
            f"prices its assets in several currencies {sorted(codes)}: a Basket adds"
            " prices in one currency",
        )
    primary = held[0]
    units = basket.total_units
    instruments = _pledges_in_basket_units(company, basket)
    if units == primary.units and len(held) == 1 and instruments is None:
        return company
    cost = float(sum(h.cost_basis for h in held))
    merged = attrs.evolve(primary, units=units, cost_basis=cost)
    if instruments is None:
        return attrs.evolve(company, holdings=merged)
    return attrs.evolve(company, holdings=merged, instruments=instruments)


def _pledges_in_basket_units(company: Company, basket: Any) -> list[Instrument] | None:
    """The company's instruments with every pledge restated in basket units, or None when no
    pledge changes.

    A pledge of ``n`` units of asset ``a`` is worth ``n p_a(0)`` on the as-of date; in basket
    units (worth :math:`B(0)` each) it is ``n p_a(0) / B(0)``, and it then moves with the
    basket (the basket's pro-rata rule). A pledge of the basket's only asset is unchanged.
    """
    import attrs

    from ..instruments.capabilities import Collateralized

    tickers = tuple(basket.tickers)
    prices = dict(zip(tickers, (float(p) for p in basket.model.asset_prices), strict=True))
    per_unit = float(basket.asset_price)
    primary = company.holdings[0].asset
    changed = False
    out: list[Instrument] = []
    for inst in company.instruments:
        if isinstance(inst, Collateralized) and (
            inst.pledged_units > 0.0 or inst.collateral_asset is not None
        ):
            asset = inst.collateral_asset or primary
            if asset not in prices:
                raise ValidationError(
                    "model.tickers",
                    tickers,
                    f"must include {asset}, the collateral of {inst.name!r}",
                )
            factor = prices[asset] / per_unit
            pledged = inst.pledged_units if factor == 1.0 else inst.pledged_units * factor
            inst = attrs.evolve(inst, pledged_units=pledged, collateral_asset=None)
            changed = changed or factor != 1.0 or asset != primary
        out.append(inst)
    if not changed:
        return None
    total = float(basket.total_units)  # a whole reserve pledged: no more than it, to rounding
    pledged_sum = math.fsum(getattr(i, "pledged_units", 0.0) for i in out)
    if pledged_sum > total:
        out = [
            attrs.evolve(i, pledged_units=i.pledged_units * (total / pledged_sum))
            if isinstance(i, Collateralized)
            else i
            for i in out
        ]
    return out


def _to_prices(log_price: FloatArray, scale: float, out: FloatArray | None = None) -> None:
    """Log prices (relative to ``scale``, the spot) made prices in place (or written into
    ``out``): ``scale * exp(log_price)``, the one computation of :class:`LazyPrices`,
    wherever a date's prices are computed.

    Examples
    --------
    >>> import numpy as np
    >>> row = np.log(np.array([1.0, 2.0]))
    >>> _to_prices(row, 100.0)
    >>> row.round(9).tolist()
    [100.0, 200.0]
    """
    if out is None:
        out = log_price
    np.exp(log_price, out=out)
    out *= scale


class LazyPrices:
    """A ``(paths, steps + 1)`` matrix of prices ``scale * exp(log_price)`` whose columns are
    computed when first read (``prices[:, t]``), in place of their log prices.

    ``log_price`` is date-major: shape ``(steps + 1, paths)`` in C order, so a date's prices
    are contiguous. The Monte Carlo driver hands the engine its draws this way: the engine
    reads only the dates it visits (the steps on which something happens, and the last), so
    the exponentials of the other dates are never computed. A column holds exactly the
    numbers the whole matrix would (the same operations on the same values).

    With ``stored`` (the steps, in order, of ``dates`` steps whose rows ``log_price`` holds)
    the matrix holds those dates only, the ones the engine reads
    (:func:`~.engine.prices_read`); reading another date is an error of the caller.

    Examples
    --------
    >>> import numpy as np
    >>> lazy = LazyPrices(np.log(np.array([[1.0, 1.0], [2.0, 0.5]])), 100.0)
    >>> lazy.shape
    (2, 2)
    >>> lazy[:, 1].round(9).tolist()
    [200.0, 50.0]
    >>> lazy.full().round(9).tolist()
    [[100.0, 200.0], [100.0, 50.0]]
    >>> few = LazyPrices(np.log(np.array([[1.0, 1.0], [2.0, 0.5]])), 100.0, stored=(0, 7),
    ...                  dates=9)
    >>> few.shape, few[:, 7].round(9).tolist()
    ((2, 9), [200.0, 50.0])
    """

    __slots__ = ("_done", "_rows", "_scale", "_where", "shape")

    def __init__(
        self,
        log_price: FloatArray,
        scale: float,
        *,
        done: Collection[int] = (),
        stored: Sequence[int] | None = None,
        dates: int = 0,
    ) -> None:
        self._rows = log_price
        self._scale = scale
        self._done = np.zeros(log_price.shape[0], dtype=bool)
        self._done[list(done)] = True  # rows already holding their prices
        self._where: IntArray | None = None  # a date's row, -1 when not stored
        if stored is not None:
            self._where = np.full(dates, -1, dtype=np.intp)
            self._where[list(stored)] = np.arange(len(stored))
        width = log_price.shape[0] if self._where is None else dates
        self.shape: tuple[int, int] = (log_price.shape[1], width)

    def __getitem__(self, key: tuple[slice, int]) -> FloatArray:
        rows, t = key
        if rows != slice(None):  # pragma: no cover - the engine reads whole columns only
            raise IndexError("LazyPrices reads whole columns: prices[:, t]")
        if self._where is not None:
            t = int(self._where[t])
            if t < 0:  # pragma: no cover - prices_read lists every date the engine reads
                raise RuntimeError(f"no prices kept for step {key[1]} (an internal error)")
        row: FloatArray = self._rows[t]
        if not self._done[t]:
            _to_prices(row, self._scale)
            self._done[t] = True
        return row

    @property
    def log_price(self) -> FloatArray:
        """The date-major matrix behind the prices (log prices on the dates not read yet)."""
        return self._rows

    def full(self) -> FloatArray:
        """The whole matrix, ``(paths, steps + 1)`` in Fortran order (a view of the
        date-major array, every date computed); not for a matrix of some dates only."""
        if self._where is not None:  # pragma: no cover - the driver never asks it
            raise RuntimeError("the prices of some dates only have no whole matrix")
        if not self._done.any():
            _to_prices(self._rows, self._scale)
        else:
            for t in np.flatnonzero(~self._done):
                self[:, int(t)]
        self._done[:] = True
        return self._rows.T


class Run:
    """The fixed inputs of one run of the engine, and the constants derived from them."""

    def __init__(
        self,
        plan: Plan,
        prices: FloatArray | LazyPrices,
        policy: FundingPolicy,
        premium: PremiumModel,
        impact: ImpactModel | None,
        edges: Mapping[str, FloatArray],
    ) -> None:
        self.plan = plan
        self.prices = prices
        self.policy = policy
        self.premium = premium
        self.edges = edges
        self.n = prices.shape[0]
        self.last_step = prices.shape[1] - 1
        self.a = impact.scale if impact is not None else 0.0
        self.phi = impact.permanent_fraction if impact is not None else 0.0
        self.floor = policy.cash_reserve_floor
        self.constant_mnav = premium.mnav_level if isinstance(premium, ConstantPremium) else None
        self.flywheel = policy.flywheel
        self.inflows = policy.inflows  # operating cash flow, production: every step visited
        self.cash_flow = policy.operating_cash_flow
        self.production = policy.production
        self.issue = policy.issue_equity
        self.target_pref = plan.preferred_target
        self.turnover = policy.max_issuance_fraction * policy.daily_turnover
        self.accretion = policy.equity_gate == "accretion"
        self.margin = policy.accretion_margin
        self.div_floor = policy.pay_dividends_in_shares_above
        self.channels = policy.channels
        # PreferredAtm channels: position -> index of their series (refused if unknown)
        names = [p.name for p in plan.prefs]
        self.atm_series: dict[int, int] = {}
        for position, channel in enumerate(policy.channels):
            if isinstance(channel, PreferredAtm):
                if channel.series not in names:
                    raise ValidationError(
                        f"policy.channels[{position}].series",
                        channel.series,
                        f"names no preferred series of the company (has {names})",
                    )
                self.atm_series[position] = names.index(channel.series)
        self.ordinals = np.array([d.toordinal() for d in plan.dates], dtype=np.int64)


class Issued:
    """Running totals of the notes issued on the paths: principal and conversion shares.

    Kept by addition and subtraction (as the scalar reference does) so that a step costs the
    same however many tranches were issued; ``first`` is the index of the first tranche.
    """

    __slots__ = ("conv", "debt", "first")

    def __init__(self, first: int) -> None:
        self.first = first
        self.debt: Any = 0.0
        self.conv: Any = 0.0

    def retire(self, principal: Any, shares_per_principal: Any) -> None:
        self.debt = self.debt - principal
        self.conv = self.conv - principal * shares_per_principal


class PathState:
    """Everything carried from step to step, per path (floats while uniform across paths)."""

    def __init__(self, run: Run) -> None:
        plan, prices = run.plan, run.prices
        self.debts: list[Debt] = list(plan.debts)  # notes issued on the paths are added
        self.issued = Issued(len(plan.debts))
        self.prefs: list[Pref] = list(plan.prefs)  # a series per PreferredIssuance channel
        debts = self.debts
        # the balance sheet
        self.units: Any = plan.initial_units
        pledged = sum(d.pledged for d in debts)
        # the free units: the units themselves (one object) while nothing is pledged; an
        # update of one and not the other makes them two objects (see engine._both_units)
        self.free: Any = self.units if pledged == 0 else max(plan.initial_units - pledged, 0.0)
        self.cash: Any = plan.initial_cash
        self.shares: Any = plan.initial_shares
        self.out: list[Any] = [d.principal for d in debts]
        self.pledged: dict[int, Any] = {
            k: d.pledged for k, d in enumerate(debts) if d.kind in ("secured", "loan")
        }
        # False after a seizure
        self.margined: dict[int, Any] = dict.fromkeys(plan.margin_loans, True)
        self.notional: list[Any] = [p.notional for p in self.prefs]
        self.arrears: list[Any] = [0.0 for _ in self.prefs]
        self.crate: list[Any] = [0.0 for _ in self.prefs]
        self.debt_total: Any = None  # cached sums, recomputed after a change
        self.conv_total: Any = None  # conversion shares of the company's own convertibles
        self.pref_total: Any = None
        # (debt total, preferred total, their sum): the sum kept while both stay the same
        self.senior: tuple[Any, Any, Any] | None = None
        # the market
        self.factor: Any = 1.0
        self.peak = prices[:, 0].copy() if run.premium.uses_peak else None
        self.peak_done = 0
        # events
        self.live: Any = True
        self.default_time: Any = -1
        self.first_sale: Any = -1
        self.unsold: IntArray | None = None  # the paths yet to sell, once one path has sold
        self.all_sold = False
        self.first_seizure: Any = -1
        # cumulated flows
        self.sold: Any = 0.0
        self.bought: Any = 0.0
        self.seized: Any = 0.0
        self.penalty_paid: Any = 0.0
        self.dividend_shares: Any = 0.0
        self.dividends_in_shares: Any = 0.0
        self.equity_raised: Any = 0.0
        self.shares_issued: Any = 0.0
        self.shares_converted: Any = 0.0
        self.pref_raised: Any = 0.0
        self.sale_proceeds: Any = 0.0
        self.purchase_cost: Any = 0.0
        self.interest_paid: Any = 0.0
        self.principal_paid: Any = 0.0
        self.dividends_paid: Any = 0.0
        # funding channels: capacity left in the calendar year, by channel position
        self.capacity_left: dict[int, Any] = {}
        self.budget_year: dict[int, int] = {}
        self.notes_issued: Any = 0.0
        self.notes_coupons: Any = 0.0  # sum of principal x coupon
        self.notes_premiums: Any = 0.0  # sum of principal x conversion premium
        self.other_raised: Any = 0.0
        self.pref_issued: Any = 0.0
        self.pref_rates: Any = 0.0  # sum of stated amount x rate
        self.loans_issued: Any = 0.0
        self.loan_rates: Any = 0.0  # sum of principal x rate
        self.loan_tranches: list[int] = []  # debt indices of loans made on the paths
        self.series: dict[int, int] = {}  # PreferredIssuance position -> index into prefs
        self.per_period: dict[int, list[Any]] = {}  # its series -> [a period's dividend, stub]
        # the calendar still to come: events of securities sold on the paths, steps to visit
        self.extra: dict[int, dict[str, list[Any]]] = {}
        self.heap: list[int] = []
        # defaulted paths' frozen balance sheets, and the recorded histograms
        self.snap: dict[str, FloatArray] = {}
        self.counts = {
            name: np.zeros((run.last_step + 1, e.size - 1), dtype=np.int64)
            for name, e in run.edges.items()
        }
        # credit events (the simulated credit view), when asked
        self.credit: CreditRecorder | None = None
        self.fx_reval: Any = None  # the run's FxRevaluation, when a rate moves


class StepWork:
    """What the phases of one step pass to each other."""

    def __init__(self, t: int, ev: Step | None, price: Any) -> None:
        self.t = t
        self.ev = ev
        self.price: Any = price
        self.mnav: Any = None
        # the balance sheet at the start of the step (after margin calls)
        self.start_units: Any = None
        self.start_cash: Any = None
        self.start_shares: Any = None
        self.start_debt: Any = None
        self.start_pref: Any = None
        self.start_out: Any = None
        self.start_conv: Any = None
        self.start_value: Any = None  # start_units * price, computed once when needed
        self.share_price: Any = None  # computed when something needs it
        self.threshold: Any = None  # the accretive share price, when needed
        self.tdays = 0.0
        self.opex_due: Any = 0.0  # an operating burn due on this step (funded like debt)
        # what falls due
        self.interest_due: Any = 0.0
        self.principal_due: Any = 0.0
        self.retire: list[tuple[int, Any]] = []
        self.claimed: dict[int, Any] = {}
        self.released: list[tuple[int, Any]] = []
        # (pref, owed, payable in cash, periods, paid in shares)
        self.owed_div: list[tuple[int, Any, Any, int, Any]] = []
        self.debt_due: Any = 0.0
        self.div_due: Any = 0.0
        # the funding
        self.du: Any = 0.0  # debt not yet covered
        self.vu: Any = 0.0  # dividends not yet covered
        self.vu_seen: Any = None  # the vu whose positivity is vu_positive (_vu_positive)
        self.vu_positive = False
        self.vu_count = -1  # at least this many paths of vu_seen are > 0 (-1: not counted)
        # (vu, paths): vu is 0 but on these paths (the coins' shortfall), while it is that vu
        self.vu_paths: tuple[Any, IntArray] | None = None
        self.e: Any = 0.0  # raised by common shares (None: on the paths e_idx only)
        # the paths where common shares were sold, when few (_few_common), and the amounts
        self.e_idx: Any = None
        self.e_part: Any = None
        self.raw_cap: Any = None
        self.pf: Any = 0.0  # raised by the preferred sold at the market
        self.new_notes: list[tuple[Any, Any]] = []
        self.new_pref: list[tuple[int, Any, Any, Any]] = []
        self.new_loans: list[tuple[Any, Any, Any]] = []  # (channel, raised, pledge)
        self.atm: list[tuple[int, Any, float]] = []  # (series, raised, price): PreferredAtm
        self.failed: Any = False
        self.any_failed = False


def _share_price(
    mnav: Any,
    units: Any,
    price: Any,
    debt: Any,
    pref: Any,
    cash: Any,
    shares: Any,
    value: Any = None,
    senior: Any = None,
) -> Any:
    """The share price; ``value`` and ``senior``, when given, are ``units * price`` and
    ``debt + pref`` already computed."""
    if value is None:
        value = units * price
    if senior is None:
        senior = debt + pref
    # 1.0 * x is x for every float x: an mNAV of exactly 1 skips the multiplication
    equity = value if isinstance(mnav, float) and mnav == 1.0 else mnav * value
    # x - 0.0 is x for every x: no cash on any path (the number 0.0) skips the subtraction
    net = senior if _zero(cash) else senior - cash
    return np.maximum((equity - net) / shares, MIN_SHARE_PRICE)


def _unclaimed(out: Sequence[Any], claimed: Mapping[int, Any], k: int) -> Any:
    """Principal of debt ``k`` not yet claimed on this step: a debt falls due at most once."""
    return out[k] if k not in claimed else out[k] - claimed[k]


def _claim(claimed: dict[int, Any], k: int, owed: Any) -> None:
    """Record that ``owed`` of debt ``k``'s principal falls due on this step."""
    claimed[k] = owed if k not in claimed else claimed[k] + owed


def _zero(value: Any) -> bool:
    """Whether ``value`` is the untouched scalar 0.0 (no path has anything there)."""
    return isinstance(value, float) and value == 0.0


def _average(weighted: Any, total_: Any, n: int) -> FloatArray:
    """``weighted / total_`` per path, 0 where ``total_`` is 0."""
    w = _full(weighted, n)
    d = _full(total_, n)
    return np.where(d > 0.0, w / np.where(d > 0.0, d, 1.0), 0.0)


def _one(value: Any) -> bool:
    """Whether ``value`` is the untouched scalar 1.0 (no path's price has been moved)."""
    return isinstance(value, float) and value == 1.0


def _full(value: Any, n: int) -> FloatArray:
    """``value`` (a float or an array of shape (n,)) as a fresh float64 array of shape (n,)."""
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)).copy()


def _view(value: Any, n: int) -> FloatArray:
    """``value`` as a read-only float64 array of shape (n,), without copying an array."""
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (n,))


def _steps(value: Any, n: int) -> IntArray:
    """A step index or an array of them (-1 for never) as an int64 array of shape (n,)."""
    return np.broadcast_to(np.asarray(value, dtype=np.int64), (n,)).copy()


def _final_fields(
    units: Any,
    cash: Any,
    shares: Any,
    out: list[Any],
    notional: list[Any],
    arrears: list[Any],
    debts: Sequence[Debt],
    issued: Issued,
    n: int,
) -> dict[str, FloatArray]:
    conv: Any = 0.0
    for k in range(issued.first):
        if debts[k].kind == "convertible":
            conv = conv + out[k] * debts[k].shares_per_principal
    conv = conv + issued.conv
    return {
        "final_units": _full(units, n),
        "final_cash": _full(cash, n),
        "final_shares": _full(shares, n),
        "final_debt": _full(ordered_sum(out[: issued.first]) + issued.debt, n),
        "final_preferred": _full(ordered_sum(notional), n),
        "unpaid_dividends": _full(ordered_sum(arrears), n),
        "conversion_left": _full(conv, n),
    }


def _snapshot(
    snap: dict[str, FloatArray],
    newly: BoolArray,
    units: Any,
    cash: Any,
    shares: Any,
    out: list[Any],
    notional: list[Any],
    arrears: list[Any],
    debts: Sequence[Debt],
    issued: Issued,
    n: int,
) -> None:
    # the fields of the paths that default now, computed on those paths only (the same
    # operations on the same numbers as on every path), put into copies of the snapshot
    idx = np.flatnonzero(np.broadcast_to(newly, (n,)))  # (a bool when every path defaults)
    if not idx.size:
        # no path defaults now (those that failed had defaulted before, so the snapshot
        # holds every field already): it stays as it is
        return
    picked = Issued(issued.first)
    picked.debt, picked.conv = _at(issued.debt, idx), _at(issued.conv, idx)
    now = _final_fields(
        _at(units, idx),
        _at(cash, idx),
        _at(shares, idx),
        [_at(x, idx) for x in out],
        [_at(x, idx) for x in notional],
        [_at(x, idx) for x in arrears],
        debts,
        picked,
        idx.size,
    )
    for name, value in now.items():
        kept = snap.get(name)
        kept = np.zeros(n) if kept is None else kept.copy()
        kept[idx] = value
        snap[name] = kept


def _at(value: Any, idx: IntArray) -> Any:
    """``value`` (a float or an array of shape (paths,)) at the paths ``idx``."""
    return value[idx] if isinstance(value, np.ndarray) and value.ndim else value
