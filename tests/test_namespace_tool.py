"""The 0.2 migration script (tools/namespace_0_2.py), which the changelog tells users to run on
code written for 0.1: it rewrites imports and attribute uses of names that left the top level,
leaves the others alone, and changes nothing when run again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import treasurymodel as tm

TOOL = Path(__file__).resolve().parents[1] / "tools" / "namespace_0_2.py"

pytestmark = pytest.mark.skipif(not TOOL.exists(), reason="tools/ is not in this tree")


def _run(*paths: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(TOOL), *map(str, paths)], check=True, capture_output=True, text=True
    )
    return done.stdout


def test_moved_names_are_rewritten_once(tmp_path: Path) -> None:
    code = tmp_path / "old.py"
    code.write_text(
        "import treasurymodel as tm\n"
        "from treasurymodel import Company, simulate_paths\n"
        "res = tm.simulate_paths\n"
        "co = tm.Company\n"
    )
    assert "rewrote" in _run(code)
    text = code.read_text()
    assert text == (
        "import treasurymodel as tm\n"
        "from treasurymodel import Company\n"
        "from treasurymodel.simulation import simulate_paths\n"
        "res = tm.simulation.simulate_paths\n"
        "co = tm.Company\n"
    )
    _run(code)  # a second run changes nothing
    assert code.read_text() == text
    # the rewritten names are where the script put them
    assert tm.simulation.simulate_paths is not None
    assert "simulate_paths" in tm._MOVED  # a moved name, as the table says


def test_a_file_without_moved_names_is_left_alone(tmp_path: Path) -> None:
    code = tmp_path / "new.py"
    original = "import treasurymodel as tm\nco = tm.datasets.load('mstr-2026-02')\n"
    code.write_text(original)
    assert "rewrote" not in _run(code)
    assert code.read_text() == original
