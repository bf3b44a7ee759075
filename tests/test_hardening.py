"""Regression tests of the adversarial pass: one test (or a few) per defect it found.

Each test names its item. The expected figures are hand-computed in the comments.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import io
import json
import math
import os
import pickle
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import attrs
import numpy as np
import pytest

import treasurymodel as tm
from treasurymodel import (
    Company,
    Holdings,
    Market,
    Note,
    PreferredStock,
    TermLoan,
    ValidationError,
    datasets,
)
from treasurymodel.cli import main, parse_number, report_data

_2026 = datasets.load("mstr-2026-02")
_SRC = str(Path(tm.__file__).resolve().parent.parent)


def _cli(*argv: str) -> tuple[int | str | None, str, str]:
    """``main(argv)`` in process: (exit code, stdout, stderr); SystemExit gives its code."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code: int | str | None = main(list(argv))
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def _company(**changes: Any) -> Company:
    base: dict[str, Any] = {
        "name": "X",
        "as_of": dt.date(2026, 1, 1),
        "holdings": Holdings(units=1_000.0),
        "shares_basic": 1e6,
    }
    base.update(changes)
    return Company(**base)


# --- 1. decimal commas on the command line ------------------------------------------------


@pytest.mark.parametrize("text", ["0,5", "68141,5", "2,5", "1,00", "1,0000", ",100", "1,,000"])
def test_1_a_comma_that_does_not_group_thousands_is_refused(text: str) -> None:
    with pytest.raises(Exception, match="comma only groups thousands"):
        parse_number(text)
    code, out, err = _cli("report", "mstr-2026-02", "--asset-price", text)
    assert code == 2
    assert out == ""
    assert "argument --asset-price: not a number" in err.splitlines()[-1]


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,000", 1000.0), ("68,141.5", 68141.5), ("1,234,567", 1234567.0), ("1_000.5", 1000.5)],
)
def test_1_thousands_grouping_is_read(text: str, value: float) -> None:
    assert parse_number(text) == value
    code, out, _ = _cli("report", "mstr-2026-02", "--asset-price", text, "--format", "json")
    assert code == 0
    assert json.loads(out)["metrics"][0]["asset_price"] == value


def test_1_vol_with_a_decimal_comma_is_not_500_percent() -> None:
    code, out, err = _cli("stress", "mstr-2026-02", "--vol", "0,5", "--paths", "10")
    assert code == 2
    assert out == ""
    assert "write a decimal point: 0.5" in err


# --- 2. atomic writes ------------------------------------------------------------------------


def _disk_full(*args: Any, **kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_2_a_failed_dump_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "company.toml"
    old = datasets.load("mstr-2022q2")
    tm.dump(old, path)
    before = path.read_bytes()
    monkeypatch.setattr("treasurymodel.io.os.fsync", _disk_full)
    with pytest.raises(ValidationError, match="no space left on device") as info:
        tm.dump(_2026, path)
    assert info.value.field == "path"
    assert path.read_bytes() == before  # the old file, untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["company.toml"]  # no temporary left
    monkeypatch.undo()
    tm.dump(_2026, path)
    assert tm.load(path) == _2026


def test_2_dump_keeps_the_permissions_of_the_file_it_replaces(tmp_path: Path) -> None:
    path = tmp_path / "company.toml"
    path.write_text("old")
    path.chmod(0o640)
    tm.dump(_2026, path)
    assert path.stat().st_mode & 0o777 == 0o640
    link = tmp_path / "link.toml"
    link.symlink_to(path)
    tm.dump(datasets.load("mstr-2022q2"), link)
    assert link.is_symlink()  # the link is kept, the file it points to replaced
    assert tm.load(path) == datasets.load("mstr-2022q2")


def test_2_a_failed_figure_write_leaves_the_old_file_and_prints_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    path = tmp_path / "ladder.png"
    path.write_bytes(b"old figure")

    def half_written(self: Any, fname: Any, **kwargs: Any) -> None:
        Path(fname).write_bytes(b"\x89PNG truncated")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Figure, "savefig", half_written)
    code, out, err = _cli("plot", "mstr-2026-02", "-o", str(path))
    assert code == 1
    assert out == ""
    assert "wrote" not in err
    assert err.startswith("treasurymodel: error: --output: cannot be written (no space left")
    assert path.read_bytes() == b"old figure"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ladder.png"]


# --- 3. debt due on or before the as-of date ----------------------------------------------


@pytest.mark.parametrize("maturity", [dt.date(2025, 12, 31), dt.date(2026, 1, 1)])
def test_3_matured_debt_is_refused_everywhere_at_construction(maturity: dt.date) -> None:
    note = Note(name="old", principal=1e6, maturity=maturity)
    with pytest.raises(ValidationError, match="on or before the company's as-of date") as info:
        _company(instruments=[note])
    assert info.value.field == "old.maturity"
    # the file names the instrument and key
    text = tm.dumps(_company()) + (
        f'\n[[instruments]]\nkind = "note"\nname = "old"\nprincipal = 1e6\n'
        f"maturity = {maturity.isoformat()}\n"
    )
    with pytest.raises(ValidationError) as info:
        tm.loads(text, source="c.toml")
    assert info.value.field == "instruments[0].maturity"
    assert str(info.value).startswith("c.toml, instrument 'old': instruments[0].maturity: is on")
    # the day after is fine, and then metrics, maturity wall and simulation all count it
    co = _company(instruments=[attrs.evolve(note, maturity=dt.date(2026, 1, 2))])
    assert tm.metrics(co, asset_price=1.0).debt == 1e6
    assert tm.maturity_wall(co).rows[0].due == 1e6


# --- 4. share_price_from_mnav --------------------------------------------------------------


def test_4_the_unvalidated_helper_is_private() -> None:
    assert "share_price_from_mnav" not in tm.__all__
    assert not hasattr(tm, "share_price_from_mnav")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"mnav": -1.0, "asset_price": 1.0}, "mnav"),
        ({"mnav": float("nan"), "asset_price": 1.0}, "mnav"),
        ({"mnav": 1.0, "asset_price": float("inf")}, "asset_price"),
        ({"mnav": True, "asset_price": 1.0}, "mnav"),
        ({"mnav": 1 + 1j, "asset_price": 1.0}, "mnav"),
        ({"mnav": 1e308, "asset_price": 1e308}, "asset_price"),  # reserve 1e3 x 1e308 overflows
        ({"mnav": 1e308, "asset_price": 1e5}, "mnav"),  # 1e308 x 1e8 reserve overflows
    ],
)
def test_4_share_price_for_mnav_validates_its_inputs(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        tm.kpi.share_price_for_mnav(_company(), **kwargs)
    assert info.value.field == field


def test_4_share_price_for_mnav_is_negative_below_the_debt_as_documented() -> None:
    # 1,000 coins at 1,000 = 1M reserve; debt 3M; mNAV 1 -> EV 1M -> market cap -2M -> -2.
    co = _company(instruments=[Note(name="n", principal=3e6, maturity=dt.date(2030, 1, 1))])
    assert tm.kpi.share_price_for_mnav(co, mnav=1.0, asset_price=1_000.0) == -2.0


# --- 5. metrics never NaN ----------------------------------------------------------------


def test_5_tiny_amounts_give_no_nan_and_no_warning(tmp_path: Path) -> None:
    co = _company(holdings=Holdings(units=1e-200))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = tm.metrics(co, asset_price=np.array([1e-200, 0.0, 1.0]), share_price=1.0)
    for field in attrs.fields(type(m)):
        value = np.asarray(getattr(m, field.name), dtype=np.float64)
        assert not np.isnan(value).any(), field.name
    # the reserve underflows to 0: with no debt the ratios over it are 0 (0 / 0 := 0)
    assert m.amplification.tolist() == [0.0, 0.0, 0.0]
    path = tmp_path / "tiny.toml"
    tm.dump(attrs.evolve(co, market=tm.Market(asset_price=1e-200, share_price=1.0)), path)
    code, out, err = _cli("report", str(path), "--format", "csv")
    assert (code, err) == (0, "")
    metric_rows = [r for r in out.splitlines() if r.startswith("metrics,")]
    assert metric_rows
    assert all(not r.endswith(",") for r in metric_rows)


# --- 6. an existing path wins over a data set name ----------------------------------------


def test_6_validate_reads_the_file_of_that_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    tm.dump(attrs.evolve(_2026, name="My own"), tmp_path / "mstr-2026-02", format="toml")
    code, out, _ = _cli("validate", "mstr-2026-02")
    assert code == 0
    assert "valid 'My own'" in out
    (tmp_path / "mstr-2026-02").write_text("not toml [")
    code, _, err = _cli("validate", "mstr-2026-02")
    assert code == 1
    assert "is not valid TOML" in err


# --- 7. memory ---------------------------------------------------------------------------


def test_7_what_cannot_fit_is_refused_up_front(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("treasurymodel.simulation.montecarlo._available_memory", lambda: 2**30)
    model = tm.GBM(asset_price=68_000.0, volatility=0.5)
    with pytest.raises(ValidationError, match=r"needs about 42\.3 GiB") as info:
        # 10^8 kept paths x 450 bytes = 4.5e10 bytes, plus the default chunk of 154 blocks
        # (2**23 prices / 53 dates = 158,275 -> 154 x 1,024 = 157,696 paths) x (53 dates x 16
        # bytes + 1,600 bytes of engine state) = 3.860e8, plus 64 MiB: 4.5453e10 bytes =
        # 42.33 GiB, more than the 1 GiB available
        tm.simulate(_2026, model=model, years=1, paths=10**8, seed=1, keep_paths=True)
    assert info.value.field == "paths"
    monkeypatch.setattr("treasurymodel.simulation.montecarlo._available_memory", lambda: 2**33)
    with pytest.raises(ValidationError, match=r"needs about 53\.9 GiB") as info:
        # 10^7 paths (bounded: no per-path arrays) in one chunk of 10,000,384 paths (whole
        # blocks) x (261 dates x 16 bytes + 1,600) = 5.776e10, plus 64 MiB = 53.86 GiB at
        # once, more than 8 GiB
        tm.simulate(_2026, model=model, years=5, paths=10**7, seed=1, chunk_size=10**9)
    assert info.value.field == "chunk_size"
    monkeypatch.setattr("treasurymodel.cli.stress._available_memory", lambda: 2**20)
    code, out, err = _cli("stress", "mstr-2026-02", "--vol", "0.5", "--paths", "100000000")
    assert (code, out) == (2, "")
    assert "argument --paths: needs about" in err.splitlines()[-1]


def test_7_a_memory_error_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def exhausted(*args: Any, **kwargs: Any) -> Any:
        raise MemoryError

    monkeypatch.setattr("treasurymodel.cli.report.report_data", exhausted)
    code, out, err = _cli("report", "mstr-2026-02")
    assert (code, out) == (1, "")
    assert err == "treasurymodel: error: out of memory; ask for less work\n"


# --- 8. linear time ------------------------------------------------------------------------


def _loans_company(n: int) -> Company:
    loans = [
        TermLoan(
            name=f"L{i}",
            principal=1e3,
            rate=0.05,
            issued=dt.date(2025, 1, 1),
            maturity=dt.date(2027 + i % 5, 1, 1),
            max_ltv=0.5,
            pledged_units=0.01,
        )
        for i in range(n)
    ]
    return _company(instruments=loans, market=tm.Market(asset_price=50_000.0))


def _python_calls(work: Callable[[], Any]) -> int:
    calls = 0

    def count(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        if event == "call":
            calls += 1

    sys.setprofile(count)
    try:
        work()
    finally:
        sys.setprofile(None)
    return calls


def test_8_the_report_is_linear_in_the_number_of_instruments() -> None:
    # Counted in Python function calls, not timed: doubling the loans at most about doubles
    # the work (quadratic work would quadruple it).
    small, large = _loans_company(150), _loans_company(300)
    n_small = _python_calls(lambda: report_data(small))
    n_large = _python_calls(lambda: report_data(large))
    assert n_large < 2.2 * n_small
    text = tm.dumps(large)
    assert _python_calls(lambda: tm.loads(text)) < 2.2 * _python_calls(
        lambda: tm.loads(tm.dumps(small))
    )


def test_8_the_loader_states_and_enforces_its_instrument_limit() -> None:
    assert tm.io.MAX_INSTRUMENTS == 100_000
    entry = '{"kind": "note", "name": "n", "principal": 1, "maturity": "2030-01-01"}'
    doc = json.loads(tm.dumps(_company(), format="json"))
    text = json.dumps(doc)[:-1] + ', "instruments": [' + ",".join([entry] * 100_001) + "]}"
    assert len(text) < tm.io.MAX_FILE_BYTES
    with pytest.raises(ValidationError, match="more than the 100,000") as info:
        tm.loads(text, format="json")
    assert info.value.field == "instruments"


# --- 9. integers over 4,300 digits ---------------------------------------------------------


_BIG = "9" * 5_000


@pytest.mark.parametrize(
    ("syntax", "old", "new", "field"),
    [
        ("toml", "shares_basic = 1_000_000", f"shares_basic = {_BIG}", "company.shares_basic"),
        ("toml", "units = 1_000", "units = 0x" + "f" * 5_000, "holdings.units"),
        ("toml", "units = 1_000", "units = 0o" + "7" * 5_000, "holdings.units"),
        ("toml", "units = 1_000", "units = 0b" + "1" * 17_000, "holdings.units"),
        ("json", '"shares_basic": 1000000', f'"shares_basic": {_BIG}', "company.shares_basic"),
        ("json", '"units": 1000', f'"units": -{_BIG}', "holdings.units"),
    ],
)
def test_9_huge_integers_are_one_validation_error_naming_the_field(
    syntax: str, old: str, new: str, field: str
) -> None:
    co = _company(holdings=Holdings(units=1_000))
    text = tm.dumps(co, format=syntax)  # type: ignore[arg-type]
    if syntax == "json":
        text = json.dumps(json.loads(text))  # one line: the keys as written in ``old``
        old = old.replace(": ", ": ")
    assert old in text, text
    with pytest.raises(ValidationError) as info:
        tm.loads(text.replace(old, new), format=syntax)  # type: ignore[arg-type]
    assert info.value.field == field
    assert len(str(info.value)) < 400


def test_9_huge_integer_arguments_are_validation_errors() -> None:
    with pytest.raises(ValidationError, match="an integer of about 5,001 digits") as info:
        tm.metrics(_2026, asset_price=10**5000)
    assert info.value.field == "asset_price"
    with pytest.raises(ValidationError) as info:
        tm.simulate(
            _2026, model=tm.GBM(asset_price=1.0, volatility=0.1), years=1, paths=10**5000, seed=1
        )
    assert info.value.field == "paths"


# --- 10. a huge seniority round-trips or is refused ----------------------------------------


def test_10_seniority_is_bounded_so_every_company_can_be_written() -> None:
    top = PreferredStock(name="P", notional=1.0, rate=0.1, seniority=1_000_000_000)
    co = _company(instruments=[top])
    syntaxes: tuple[Literal["toml", "json"], ...] = ("toml", "json")
    for syntax in syntaxes:
        assert tm.loads(tm.dumps(co, format=syntax), format=syntax) == co
    with pytest.raises(ValidationError, match="from 1 to 1,000,000,000"):
        PreferredStock(name="P", notional=1.0, rate=0.1, seniority=1_000_000_001)
    text = tm.dumps(co).replace("seniority = 1_000_000_000", "seniority = 0x" + "f" * 4000)
    with pytest.raises(ValidationError) as info:
        tm.loads(text)
    assert info.value.field == "instruments[0].seniority"


# --- 11. lone surrogates ---------------------------------------------------------------------


@pytest.mark.parametrize("where", ["company", "instrument", "asset"])
def test_11_lone_surrogates_in_json_strings_are_refused_at_load(where: str) -> None:
    co = _company(instruments=[Note(name="n", principal=1.0, maturity=dt.date(2030, 1, 1))])
    doc = json.loads(tm.dumps(co, format="json"))
    target = {"company": doc["company"], "instrument": doc["instruments"][0]}.get(where)
    if target is None:
        doc["holdings"]["asset"] = "B\ud800"
    else:
        target["name"] = "X\udc00"
    text = json.dumps(doc)  # ASCII, with the surrogate as an escape
    with pytest.raises(ValidationError, match="plain text") as info:
        tm.loads(text, format="json")
    message = str(info.value)
    message.encode("utf-8")  # printable: no lone surrogate reaches the terminal
    assert "\\udc00" in message or "\\ud800" in message


# --- 12. overflow: ranges instead of OverflowError/MemoryError -----------------------------


_GBM = tm.GBM(asset_price=1.0, volatility=0.1)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: tm.simulation.simulation_dates(dt.date(2026, 1, 1), years=1e308), "years"),
        (lambda: tm.simulation.preset_path(_2026, "slow-bleed", years=1e300), "years"),
        (lambda: tm.simulation.preset_path(_2026, "slow-bleed", years=5000.0), "years"),
        (
            lambda: tm.simulation.preset_path(_2026, "crash-and-stay", crash_weeks=10**9),
            "crash_weeks",
        ),
        (lambda: tm.simulation.preset_path(_2026, "slow-bleed", to=1e-320), "to"),
        (lambda: tm.simulation.preset_path(_2026, "slow-bleed", asset_price=1e300), "asset_price"),
        (
            lambda: tm.simulation.montecarlo.price_paths(
                _GBM, seed=1, start=0, size=1, total=10**12, steps=1, dt=1.0
            ),
            "total",
        ),
        (
            lambda: tm.simulation.montecarlo.price_paths(
                _GBM, seed=1, start=0, size=1, total=1, steps=10**400, dt=1.0
            ),
            "steps",
        ),
        (
            lambda: tm.simulation.montecarlo.price_paths(
                _GBM, seed=1, start=0, size=10**6, total=10**6, steps=10**6, dt=1e-9
            ),
            "size",
        ),
    ],
)
def test_12_extreme_arguments_are_refused_with_ranges(call: Callable[[], Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        call()
    assert info.value.field == field


def test_12_price_paths_may_end_inside_a_block() -> None:
    # A chunk of 1 path of a 3,000-path simulation: the first path of block 0, as drawn whole.
    whole = tm.simulation.montecarlo.price_paths(
        _GBM, seed=5, start=0, size=1024, total=3000, steps=3, dt=0.25
    )
    one = tm.simulation.montecarlo.price_paths(
        _GBM, seed=5, start=0, size=1, total=3000, steps=3, dt=0.25
    )
    assert (one == whole[:1]).all()


def test_12_stress_years_1e308_is_a_usage_error() -> None:
    code, out, err = _cli("stress", "mstr-2026-02", "--vol", "0.5", "--years", "1e308")
    assert (code, out) == (2, "")
    assert "argument --years: must be at most 10,000" in err


# --- 13. standard output closed --------------------------------------------------------------


def test_13_report_with_standard_output_closed_is_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "treasurymodel", "report", "mstr-2026-02"],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=lambda: os.close(1),
        env={**os.environ, "PYTHONPATH": _SRC},
    )
    assert result.returncode == 1
    assert result.stderr == (
        "treasurymodel: error: standard output is closed: nowhere to write the result\n"
    )


# --- 14. pledged units ----------------------------------------------------------------------


def _pledged(units: float, pledges: list[float]) -> Company:
    loans = [
        TermLoan(
            name=f"L{i}",
            principal=1.0,
            rate=0.05,
            issued=dt.date(2025, 1, 1),
            maturity=dt.date(2030, 1, 1),
            pledged_units=p,
        )
        for i, p in enumerate(pledges)
    ]
    return _company(holdings=Holdings(units=units), instruments=loans)


def test_14_pledges_may_not_exceed_the_holdings_beyond_rounding() -> None:
    with pytest.raises(ValidationError, match="exceeds"):
        _pledged(1e15, [1e15 - 100.0, 1_000.0])  # 900 coins too many
    text = tm.dumps(_pledged(1e15, [1e15 - 100.0, 100.0]))
    with pytest.raises(ValidationError) as info:
        tm.loads(text.replace("pledged_units = 100.0", "pledged_units = 1_000.0"))
    assert info.value.field == "instruments[1].pledged_units"
    # decimal rounding is allowed: 0.1 + 0.2 coins out of 0.3 (0.30000000000000004 in floats)
    assert _pledged(0.3, [0.1, 0.2]).pledged_units == pytest.approx(0.3)
    assert tm.loads(tm.dumps(_pledged(0.3, [0.1, 0.2]))).holdings[0].units == 0.3


def test_14_pledges_summing_past_the_float_range_are_refused_not_a_traceback() -> None:
    # 1e308 + 1e308 coins pledged out of 1.7e308 held: the exact sum overflows (math.fsum
    # raises OverflowError on it), and the total certainly exceeds the holdings.
    with pytest.raises(ValidationError, match="exceeds"):
        _pledged(1.7e308, [1e308, 1e308])
    text = tm.dumps(_pledged(1.7e308, [1e308, 6e307])).replace(
        "pledged_units = 6e+307", "pledged_units = 1e+308"
    )
    assert "pledged_units = 1e+308" in text.split("[[instruments]]")[2]
    with pytest.raises(ValidationError) as info:
        tm.loads(text)
    assert info.value.field == "instruments[1].pledged_units"


def test_8_the_loader_sums_each_pledge_a_bounded_number_of_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The pledge check runs after every secured instrument. Re-summing the whole list each
    # time (math.fsum, in C, invisible to a count of Python calls) makes loading quadratic:
    # n loans would pass n (n + 1) / 2 values to math.fsum. Count the values passed.
    real_fsum = math.fsum
    summed = 0

    def counting_fsum(values: Any) -> float:
        nonlocal summed
        items = list(values)
        summed += len(items)
        return real_fsum(items)

    def values_summed(n: int) -> int:
        nonlocal summed
        text = tm.dumps(_pledged(float(n), [1.0] * n))
        summed = 0
        with monkeypatch.context() as patch:
            patch.setattr(math, "fsum", counting_fsum)
            tm.loads(text)
        return summed

    small, large = values_summed(200), values_summed(400)
    assert small > 0
    assert large < 2.2 * small  # quadratic: about 4 times
    assert large < 200 * 400  # far below n (n + 1) / 2 = 80,200 for 400 loans


# --- 15. JSON duplicate keys ------------------------------------------------------------------


def test_15_json_duplicate_keys_are_refused() -> None:
    text = tm.dumps(_company(), format="json").replace(
        '"name": "X"', '"name": "X", "name": "Y"', 1
    )
    with pytest.raises(ValidationError, match="given twice") as info:
        tm.loads(text, format="json", source="c.json")
    assert info.value.field == "name"
    assert str(info.value).startswith("c.json: name: is given twice")


# --- 16. --workers ----------------------------------------------------------------------------


def test_16_workers_are_bounded() -> None:
    from treasurymodel.cli.stress import _workers

    assert _workers(40, paths=2_048, chunk_size=1_024) == 2  # two chunks: two processes
    assert _workers(None, paths=10, chunk_size=None) == 1
    code, _, err = _cli("stress", "mstr-2026-02", "--vol", "0.5", "--executor", "processes",
                        "--workers", "257")  # fmt: skip
    assert code == 2
    assert "argument --workers: must be at most 256" in err


# --- 17. ASCII currency codes -----------------------------------------------------------------


@pytest.mark.parametrize("code", ["ΑΒΓ", "ＵＳＤ", "usd", "US", "USDX", "ÉUR"])
def test_17_currency_codes_are_ascii_capitals(code: str) -> None:
    with pytest.raises(ValidationError, match="three-letter"):
        _company(currency=code)
    with pytest.raises(ValidationError, match="three-letter"):
        Note(name="n", principal=1.0, maturity=dt.date(2030, 1, 1), currency=code)
    with pytest.raises(ValidationError, match="three-letter"):
        _company(market=Market(fx={code: 1.0}))


# --- 18. totals stay finite ------------------------------------------------------------------


def test_18_totals_that_leave_the_float_range_are_refused() -> None:
    notes = [Note(name=n, principal=1e308, maturity=dt.date(2030, 1, 1)) for n in "ab"]
    with pytest.raises(ValidationError, match="leave the float range") as info:
        _company(instruments=notes)
    assert info.value.field == "b.principal"
    with pytest.raises(ValidationError) as info:  # cash + a preferred
        _company(cash=1.5e308, instruments=[PreferredStock(name="p", notional=1e308, rate=0.1)])
    assert info.value.field == "p.notional"
    one = _company(instruments=notes[:1])
    with pytest.raises(ValidationError) as info:
        tm.metrics(one, asset_price=1e306)  # 1,000 coins x 1e306 overflows
    assert info.value.field == "asset_price"


# --- 19. not a regular file -----------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_19_a_fifo_without_a_writer_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "company.toml"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def load() -> None:
        try:
            tm.load(fifo)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "load blocked on the FIFO"
    assert isinstance(outcome[0], ValidationError)
    assert "is not a regular file" in str(outcome[0])


def test_19_a_device_is_refused() -> None:
    with pytest.raises(ValidationError, match="not a regular file"):
        tm.load(os.devnull)


# --- 20. messages ----------------------------------------------------------------------------


def test_20_a_huge_value_is_elided_in_the_message() -> None:
    text = tm.dumps(_company()).replace(
        'name = "X"', 'name = "X"\nextra = "' + "a" * 9_000_000 + '"'
    )
    code, out, err = _cli_text(text)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert len(err) < 700
    assert " ... " in err


def _cli_text(text: str, *argv: str) -> tuple[int | str | None, str, str]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.toml"
        path.write_text(text, encoding="utf-8")
        return _cli(*(argv or ("validate",)), str(path))


def test_20_control_characters_never_reach_the_terminal_raw() -> None:
    base = tm.dumps(_company())
    # a key with an escape sequence (TOML quoted keys may hold any escaped character)
    code, _, err = _cli_text(base.replace('name = "X"', 'name = "X"\n"\\u001b[2J" = 1'))
    assert code == 1
    assert "\x1b" not in err
    assert "\\x1b[2J" in err
    # a name with one is refused at load (so no report can print it)
    code, _, err = _cli_text(base.replace('name = "X"', 'name = "X\\u001b[31m"'))
    assert code == 1
    assert "\x1b" not in err
    assert "plain text" in err
    with pytest.raises(ValidationError, match="plain text"):
        _company(name="evil\u202eexe.txt")  # a direction override


def test_20_asset_price_1e308_is_named_as_the_users_option() -> None:
    code, out, err = _cli("report", "mstr-2026-02", "--asset-price", "1e308")
    assert (code, out) == (2, "")
    last = err.splitlines()[-1]
    assert last.startswith("treasurymodel report: error: argument --asset-price: is too large")
    assert "asset_prices[" not in err


def test_20_an_as_of_date_at_the_edge_of_the_calendar_is_refused_clearly() -> None:
    text = tm.dumps(_company()).replace("as_of = 2026-01-01", "as_of = 0001-01-01")
    with pytest.raises(ValidationError) as info:
        tm.loads(text)
    assert info.value.field == "company.as_of"
    assert "must lie between 0002-01-01 and 9998-12-31" in str(info.value)
    assert _company(as_of=dt.date(2, 1, 1)).as_of.year == 2


def test_20_buy_asset_shows_enough_digits() -> None:
    co = _company(cash=2.25e9)
    with pytest.raises(ValidationError) as info:
        tm.buy_asset(co, 22_500.000001, asset_price=100_000.0)  # costs 2,250,000,000.1
    assert "costs 2,250,000,000.1, more than the 2,250,000,000.0 of cash" in str(info.value)


def test_20_a_failing_event_names_its_argument() -> None:
    co = _company()
    with pytest.raises(ValidationError) as info:
        tm.raise_equity(co, 1e10, share_price=1e-300, asset_price=1.0)  # 1e310 new shares
    assert info.value.field == "share_price"  # the argument that sets the new share count
    assert "Company.shares_basic" in info.value.reason  # the rule broken, as the cause
    with pytest.raises(ValidationError) as info:
        tm.sell_asset(_company(), 5.0, asset_price=1e308)  # 5e308 of cash
    assert info.value.field == "asset_price"
    with pytest.raises(ValidationError) as info:
        tm.raise_equity(co, 1e10, share_price=1.0, asset_price=1e-320)  # 1e330 coins bought
    assert info.value.field == "asset_price"


# --- 21. one exit code for range errors on the command line ---------------------------------


@pytest.mark.parametrize("vol", ["-1", "11", "1e10", "nan"])
def test_21_out_of_range_volatility_is_exit_2_at_both_ends(vol: str) -> None:
    code, out, err = _cli("stress", "mstr-2026-02", f"--vol={vol}")
    assert (code, out) == (2, "")
    assert err.splitlines()[-1].startswith("treasurymodel stress: error: argument --vol:")


# --- 22. status lines ------------------------------------------------------------------------


def test_22_status_lines_go_to_standard_error(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    ladder = tmp_path / "ladder.png"
    code, out, err = _cli("plot", "mstr-2026-02", "-o", str(ladder))
    assert (code, out, err) == (0, "", f"wrote {ladder}\n")
    fan = tmp_path / "fan.png"
    code, out, err = _cli("stress", "mstr-2026-02", "--vol", "0.5", "--paths", "200",
                          "--years", "1", "--plot", str(fan))  # fmt: skip
    assert code == 0
    assert "wrote" not in out
    assert err == f"wrote {fan}\n"


# --- 23. a missing file is a FileNotFoundError ------------------------------------------------


def test_23_a_missing_file_is_both_errors(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(FileNotFoundError):
        tm.load(missing)
    with pytest.raises(ValidationError) as info:
        tm.load(missing)
    assert isinstance(info.value, tm.MissingFileError)
    assert info.value.field == "path"
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is tm.MissingFileError
    assert str(again) == str(info.value)
    assert isinstance(info.value.with_context("x"), FileNotFoundError)


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["report", "mstr-2026-02", "--grid", "1e308"], "--grid"),
        (["report", "mstr-2026-02", "--asset-price", "1e306"], "--asset-price"),  # x 738,731 coins
        (["report", "mstr-2026-02", "--share-price", "1e308"], "--share-price"),
        (["plot", "mstr-2026-02", "--kind", "nav", "--asset-price", "1e308", "-o", "n.png"],
         "--asset-price"),
    ],
)  # fmt: skip
def test_21_a_price_out_of_range_is_a_usage_error_naming_its_option(
    argv: list[str], option: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _cli(*argv)
    assert (code, out) == (2, "")
    assert err.splitlines()[-1].startswith(f"treasurymodel {argv[0]}: error: argument {option}:")
    assert list(tmp_path.iterdir()) == []


def test_12_a_constant_mnav_is_bounded() -> None:
    with pytest.raises(ValidationError, match="at most 1,000") as info:
        tm.simulation.ConstantPremium(
            mnav=1e308
        )  # share prices of 1e308 x reserve overflow in the engine
    assert info.value.field == "ConstantPremium.mnav"
    assert tm.simulation.ConstantPremium(mnav=1_000.0).mnav(None) == 1_000.0
    code, out, err = _cli("stress", "mstr-2026-02", "--vol", "0.5", "--mnav", "1e308")
    assert (code, out) == (2, "")
    assert "argument --mnav: must be at most 1000" in err


@pytest.mark.parametrize("value", [np.array([]), np.array(["test", "worst"]), ["test"]])
def test_20_a_choice_given_as_an_array_is_a_validation_error(value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        tm.simulation.FundingPolicy(springing=value)
    assert info.value.field == "FundingPolicy.springing"
