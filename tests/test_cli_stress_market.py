"""``treasurymodel stress A B``: several companies on one market from the command line."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

import treasurymodel as tm
from treasurymodel.cli import main
from treasurymodel.cli import stress as _cli_stress
from treasurymodel.simulation import market

ARGS = [
    "stress", "mstr-2026-02", "xxi-2026-01", "--vol", "0.8", "--years", "3",
    "--steps-per-year", "12", "--daily-volume", "15000",
]  # fmt: skip


def _direct(paths: int) -> tm.simulation.MarketResult:
    # what the command runs: GBM from Strategy's [market] asset_price, a constant mNAV of 1,
    # shares may be sold, one market impact model
    mstr, xxi = tm.datasets.load("mstr-2026-02"), tm.datasets.load("xxi-2026-01")
    assert mstr.market is not None
    assert mstr.market.asset_price is not None
    res = tm.simulate(
        [mstr, xxi], model=tm.GBM(asset_price=mstr.market.asset_price, volatility=0.8),
        years=3, steps_per_year=12, paths=paths, seed=1, keep_paths=True,
        premium=tm.simulation.ConstantPremium(mnav=1.0), policy=tm.simulation.FundingPolicy(),
        impact=tm.simulation.ImpactModel(daily_volume=15_000.0),
    )  # fmt: skip
    assert isinstance(res, tm.simulation.MarketResult)
    return res


def test_json_has_each_company_and_the_joint_probabilities(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([*ARGS, "--paths", "1000", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"companies", "joint"}
    assert [d["company"]["name"] for d in data["companies"]] == ["Strategy", "Twenty One Capital"]
    assert data["joint"]["daily_volume"] == 15_000.0
    res = _direct(1000)
    assert 0.0 < res.probability_at_least(2) < 1.0
    assert data["joint"]["at_least"] == [
        {"k": 1, "probability": res.probability_at_least(1)},
        {"k": 2, "probability": res.probability_at_least(2)},
    ]
    for one, r in zip(data["companies"], res.results, strict=True):
        last = one["by_year"][-1]
        assert last["forced_sale"] == r.probability("forced_sale")
        assert last["default"] == r.probability("default")


def test_table_and_csv(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--paths", "500"]) == 0
    out = capsys.readouterr().out
    assert "Strategy, Monte Carlo stress" in out
    assert "Twenty One Capital, Monte Carlo stress" in out
    assert "Forced sellers in the same calendar quarter" in out
    assert "15,000 units traded a day" in out
    assert main([*ARGS, "--paths", "500", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["company", "section", "key", "date", "statistic", "value"]
    # per company: 3 years x 2 probabilities and 3 quantities x 6 statistics; then k = 1, 2
    assert len(rows) == 1 + 2 * (3 * 2 + 3 * 6) + 2
    assert {r[0] for r in rows[1:-2]} == {"Strategy", "Twenty One Capital"}
    res = _direct(500)
    assert [r[1:3] for r in rows[-2:]] == [["joint", "1"], ["joint", "2"]]
    assert float(rows[-1][5]) == res.probability_at_least(2)


def test_above_the_limit_a_list_keeps_aggregates(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*ARGS, "--paths", "2000", "--format", "json"]) == 0
    kept = json.loads(capsys.readouterr().out)
    monkeypatch.setattr(market, "KEEP_PATHS_LIMIT", 1000)
    monkeypatch.setattr(_cli_stress, "KEEP_PATHS_LIMIT", 1000)
    monkeypatch.setattr(_cli_stress, "_ESTIMATE_FROM", 1000)
    assert main([*ARGS, "--paths", "2000", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "streaming aggregates" in captured.err
    bounded = json.loads(captured.out)
    assert bounded["joint"] == kept["joint"]  # counts are exact
    for a, b in zip(kept["companies"], bounded["companies"], strict=True):
        assert a["by_year"] == b["by_year"]


def test_bad_markets_are_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for extra, option in (
        (["--trace", "t.png"], "--trace"),
        (["--plot", "p.png"], "--plot"),
        (["--daily-volume", "0"], "--daily-volume"),
    ):
        with pytest.raises(SystemExit) as info:
            main([*ARGS, "--paths", "100", *extra])
        assert info.value.code == 2
        assert f"argument {option}:" in capsys.readouterr().err
    # companies holding different assets: an error naming the company, before any work
    assert main(["stress", "mstr-2026-02", "sbet-2025-10", "--vol", "0.5", "--paths", "100"]) == 1
    err = capsys.readouterr().err
    assert "company[1]" in err
    assert "ETH" in err
    # the memory check counts every company
    monkeypatch.setattr(_cli_stress, "_available_memory", lambda: 2**20)
    with pytest.raises(SystemExit) as info:
        main([*ARGS, "--paths", "500"])
    assert info.value.code == 2
    assert "argument --paths: needs about" in capsys.readouterr().err


def test_the_memory_estimate_counts_every_company() -> None:
    one = _cli_stress.check_memory(paths=10**5, steps=520, chunk_size=None, keep_paths=True)
    two = _cli_stress.check_memory(
        paths=10**5, steps=520, chunk_size=None, keep_paths=True, companies=2
    )
    assert two - one >= 450 * 10**5  # every company's kept results


def test_the_memory_estimate_counts_a_drawn_exchange_rate(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # --fx-vol draws the rate as paths: its rates and shocks, and the converted prices, are
    # three more float64 matrices of a chunk (15,360 paths x 521 dates for 520 weekly steps)
    kw: dict[str, Any] = {"paths": 10**7, "steps": 520, "chunk_size": None, "keep_paths": False}
    extra = _cli_stress.check_memory(currencies=1, **kw) - _cli_stress.check_memory(**kw)
    assert extra == 3 * 8 * 15360 * 521
    # and stress asks for it when the rate is drawn
    seen: list[int] = []
    real = _cli_stress.check_memory

    def spy(**args: Any) -> int:
        seen.append(args.get("currencies", 0))
        return real(**args)

    monkeypatch.setattr(_cli_stress, "check_memory", spy)
    main(
        [
            "stress",
            "mtplf-2025-11",
            "--paths",
            "50",
            "--years",
            "1",
            "--vol",
            "0.5",
            "--fx-vol",
            "0.1",
        ]
    )
    main(["stress", "mtplf-2025-11", "--paths", "50", "--years", "1", "--vol", "0.5"])
    capsys.readouterr()
    assert seen == [1, 0]
