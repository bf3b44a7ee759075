"""The user-side typing files (tests/typing/check_*.py) run, and their calls work as typed.

The type checkers (``nox -s typing``: mypy --strict and pyright) check what the files declare
with ``typing.assert_type``; here the same files run, and their run-time checks
(``tests/typing/_runtime.py``) confirm that a float in gives a float and an array-like in
gives a float64 array, so the overloads describe what the functions do.
"""

from __future__ import annotations

import runpy
import tomllib
from pathlib import Path

import pytest

TYPING = Path(__file__).parent / "typing"
FILES = sorted(TYPING.glob("check_*.py"))


def test_there_are_typing_files() -> None:
    names = {path.stem for path in FILES}
    assert {"check_metrics", "check_simulation", "check_valuation", "check_rejected"} <= names


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_typing_file_runs(path: Path) -> None:
    namespace = runpy.run_path(str(path), run_name=f"tests.typing.{path.stem}")
    assert "tm" in namespace  # the file ran to its end with the library imported


def test_pyright_checks_the_typing_files_in_basic_mode() -> None:
    config = tomllib.loads((TYPING.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    pyright = config["tool"]["pyright"]
    assert pyright["include"] == ["tests/typing"]
    assert pyright["typeCheckingMode"] == "basic"
    assert pyright["reportUnnecessaryTypeIgnoreComment"] == "error"
