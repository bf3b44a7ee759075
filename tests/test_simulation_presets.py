"""Tests of the named stress presets."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from treasurymodel import (
    Company,
    ConvertibleNote,
    Holdings,
    Market,
    Note,
    ValidationError,
    datasets,
)
from treasurymodel.simulation import (
    FundingPolicy,
    preset_names,
    preset_path,
    run_preset,
    simulate_paths,
)

AS_OF = dt.date(2026, 1, 1)


def _company(**kw: object) -> Company:
    cvt = ConvertibleNote(
        name="C",
        principal=50e6,
        issued=dt.date(2024, 1, 1),
        maturity=dt.date(2029, 1, 1),
        conversion_price=500.0,
        puts=[dt.date(2027, 3, 15)],
    )
    return Company(
        name="Test Co",
        as_of=AS_OF,
        holdings=Holdings(units=3_000.0),
        shares_basic=1e6,
        instruments=[cvt],
        market=Market(asset_price=100_000.0),
        **kw,  # type: ignore[arg-type]
    )


def test_names() -> None:
    assert preset_names() == ("crash-and-stay", "slow-bleed", "v-shape", "crash-in-put-window")


def test_crash_and_stay() -> None:
    prices, dates = preset_path(_company(), "crash-and-stay", to=20_000.0, years=2)
    path = prices[0]
    assert path[0] == 100_000.0
    assert path[4] == 20_000.0  # four weeks down
    assert (path[4:] == 20_000.0).all()
    assert len(path) == 4 + 104 + 1  # two years of weeks after the fall
    assert np.all(np.diff(path[:5]) < 0)
    assert dates[1] - dates[0] == dt.timedelta(days=7)


def test_slow_bleed_falls_at_a_constant_rate() -> None:
    prices, _ = preset_path(_company(), "slow-bleed", years=3)
    path = prices[0]
    ratios = path[1:] / path[:-1]
    assert np.allclose(ratios, ratios[0], rtol=1e-12)
    assert path[-1] == pytest.approx(40_000.0, rel=1e-15)  # the default bottom: 40%
    assert len(path) == round(3 * 365.25 / 7) + 1


def test_v_shape_returns_to_the_start() -> None:
    prices, _ = preset_path(_company(), "v-shape", crash_weeks=10, recovery_weeks=20, years=1)
    path = prices[0]
    assert path.min() == pytest.approx(40_000.0, rel=1e-15)
    assert int(path.argmin()) == 10
    assert path[30] == pytest.approx(100_000.0, rel=1e-12)
    assert (path[30:] == path[30]).all()
    assert len(path) == 53


def test_crash_in_put_window_bottoms_on_the_put_date() -> None:
    co = _company()
    prices, dates = preset_path(co, "crash-in-put-window", to=30_000.0, crash_weeks=8)
    path = prices[0]
    put_step = next(i for i, d in enumerate(dates) if d >= dt.date(2027, 3, 15))
    assert path[put_step] == 30_000.0
    assert path[put_step - 8] == 100_000.0
    assert (path[put_step:] == 30_000.0).all()
    # mNAV 1: the share price (3,000 x 30,000 - 50M) / 1M = 40 is below 500: the note is put
    # at the bottom, and paid by selling 50M / 30,000 coins.
    res = run_preset(
        co, "crash-in-put-window", to=30_000.0, policy=FundingPolicy(issue_equity=False)
    )
    assert res.principal_paid[0] == 50e6
    assert res.first_forced_sale[0] == put_step
    assert res.units_sold[0] == pytest.approx(50e6 / 30_000.0, rel=1e-15)


def test_run_preset_in_one_line_on_the_bundled_company() -> None:
    co = datasets.load("mstr-2026-02")
    res = run_preset(co, "crash-and-stay", to=20_000.0)
    assert res.paths == 1
    prices, dates = preset_path(co, "crash-and-stay", to=20_000.0)
    assert res == simulate_paths(co, prices=prices, dates=dates)


def test_bad_requests() -> None:
    co = _company()
    with pytest.raises(ValidationError, match="name"):
        preset_path(co, "meltdown")
    bare = Company(name="X", as_of=AS_OF, holdings=Holdings(units=1.0), shares_basic=1.0)
    with pytest.raises(ValidationError, match="asset_price"):
        preset_path(bare, "v-shape")
    with pytest.raises(ValidationError, match="name"):
        preset_path(
            Company(
                name="X",
                as_of=AS_OF,
                holdings=Holdings(units=1.0),
                shares_basic=1.0,
                instruments=[Note(name="N", principal=1.0, maturity=dt.date(2027, 1, 1))],
            ),
            "crash-in-put-window",
            asset_price=1.0,
        )
    with pytest.raises(ValidationError, match="to"):
        preset_path(co, "slow-bleed", to=-1.0)
    with pytest.raises(ValidationError, match="crash_weeks"):
        preset_path(co, "v-shape", crash_weeks=0)
    with pytest.raises(ValidationError, match="years"):
        preset_path(co, "crash-and-stay", years=0.0)
