"""The stress command: CSV output, --trace, bounded runs, the estimate and the memory check."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import treasurymodel as tm
from treasurymodel.cli import main
from treasurymodel.cli import stress as _cli_stress
from treasurymodel.simulation import montecarlo

from ._figures import png_size

ARGS = ["stress", "mstr-2026-02", "--vol", "0.8", "--years", "3", "--steps-per-year", "12"]


def test_csv_has_a_row_per_figure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--paths", "500", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["section", "key", "date", "statistic", "value"]
    # 3 years x 2 probabilities, then 3 quantities x (mean + 5 quantiles)
    assert len(rows) == 1 + 3 * 2 + 3 * 6
    assert [r[1] for r in rows[1:7]] == ["1", "1", "2", "2", "3", "3"]
    assert {r[1] for r in rows[7:]} == {"units_sold", "units_held", "nav_per_share"}
    assert all(0.0 <= float(r[4]) <= 1.0 for r in rows[1:7])


def test_trace_draws_the_worst_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "worst.png"
    assert main([*ARGS, "--paths", "500", "--drift", "-0.5", "--trace", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"wrote {out}\n" in err
    width, height = png_size(out)
    assert width > 0
    assert height > width  # four panels stacked
    # the path drawn is the one with the worst final NAV per share
    co = tm.datasets.load("mstr-2026-02")
    res = tm.simulate(
        co, model=tm.GBM(asset_price=68_141.0, drift=-0.5, volatility=0.8), years=3,
        steps_per_year=12, paths=500, seed=1, keep_paths=True,
    )  # fmt: skip
    worst = int(res.nav_per_share.argmin())
    assert f"traced path {worst}," in err


def test_above_the_limit_the_command_keeps_aggregates(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*ARGS, "--paths", "2000", "--format", "json"]) == 0
    kept = capsys.readouterr().out
    monkeypatch.setattr(montecarlo, "KEEP_PATHS_LIMIT", 1000)
    monkeypatch.setattr(_cli_stress, "KEEP_PATHS_LIMIT", 1000)
    monkeypatch.setattr(_cli_stress, "_ESTIMATE_FROM", 1000)
    assert main([*ARGS, "--paths", "2000", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "streaming aggregates" in captured.err
    assert "on one core" in captured.err
    import json

    a, b = json.loads(kept), json.loads(captured.out)
    assert a["by_year"] == b["by_year"]  # counts are exact
    for key in ("units_sold", "nav_per_share"):
        assert a["distributions"][key]["mean"] == pytest.approx(
            b["distributions"][key]["mean"], rel=1e-9, abs=1e-6
        )


def test_a_run_that_cannot_fit_is_refused_up_front(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_cli_stress, "_available_memory", lambda: 2**20)
    with pytest.raises(SystemExit) as info:  # a command-line value out of range: usage error
        main([*ARGS, "--paths", "500"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "argument --paths: needs about" in err
    assert "GiB available" in err
    assert "Traceback" not in err


def test_duration_text() -> None:
    assert _cli_stress._duration(30.0) == "30 s"
    assert _cli_stress._duration(1800.0) == "30.0 min"
    assert _cli_stress._duration(7200.0) == "2.0 h"
