"""README.md: its example runs, and its two commands point at things that exist.

The README marks its parts with HTML comments (invisible when rendered):
``<!-- readme: main-command -->``, ``<!-- readme: test-command -->`` and
``<!-- readme: example ... -->``, each followed by one fenced block. ``.ci/run`` runs the
test command verbatim, and ``nox -s build`` runs the main command's job against the built
wheel; this file checks the rest.
"""

from __future__ import annotations

import doctest
import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _block(marker: str) -> str:
    """The fenced block that follows ``<!-- readme: marker ... -->``."""
    text = README.read_text(encoding="utf-8")
    pattern = rf"<!-- readme: {re.escape(marker)}\b[^>]*-->\s*```[a-z]*\n(.*?)\n```"
    blocks = re.findall(pattern, text, re.S)
    assert len(blocks) == 1, f"README.md needs exactly one block marked {marker!r}"
    return str(blocks[0])


def _main_job() -> list[str]:
    """The main command's job: what runs after the install step."""
    command = _block("main-command")
    install, sep, job = command.partition("&&")
    assert sep, f"the main command should be '<install> && <job>', got {command!r}"
    assert shlex.split(install) == ["python", "-m", "pip", "install", "."]
    return shlex.split(job)


def test_readme_example_runs_and_prints_what_it_shows() -> None:
    source = _block("example")
    parser = doctest.DocTestParser()
    test = parser.get_doctest(source, {}, "README.md example", str(README), 0)
    assert len(test.examples) >= 5, "the README example should show a few steps"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    result = runner.run(test, out=report.append)
    assert result.failed == 0, "".join(report)


def test_readme_has_exactly_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    console_blocks = re.findall(r"```console\n(.*?)\n```", text, re.S)
    assert len(console_blocks) == 2
    assert all(len(block.strip().splitlines()) == 1 for block in console_blocks)


def test_readme_test_command_installs_nox_and_runs_the_tests_session() -> None:
    command = _block("test-command")
    install, sep, run = command.partition("&&")
    assert sep
    assert shlex.split(install)[:4] == ["python", "-m", "pip", "install"]
    assert shlex.split(run) == ["python", "-m", "nox", "-s", "tests"]


def test_readme_main_command_names_a_bundled_data_set() -> None:
    job = _main_job()
    assert job[0] == "treasurymodel"
    from treasurymodel import datasets

    assert job[-1] in datasets.names()


def test_readme_main_job_runs() -> None:
    if importlib.util.find_spec("treasurymodel.cli") is None:
        pytest.skip("treasurymodel.cli does not exist yet")
    job = _main_job()
    result = subprocess.run(
        [sys.executable, "-m", "treasurymodel", *job[1:]],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), "the report printed nothing"


def test_readme_names_every_bundled_data_set() -> None:
    # The PyPI page counts the bundled data sets and names their companies: a data set added
    # later must be added there too (it said "Two" after two more had been added).
    from treasurymodel import datasets

    text = " ".join(README.read_text(encoding="utf-8").split())
    names = datasets.names()
    words = {2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six", 7: "Seven", 8: "Eight"}
    assert f"{words[len(names)]} company data sets ship with it" in text
    for name in names:
        assert datasets.load(name).name in text, name
