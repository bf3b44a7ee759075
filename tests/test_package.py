"""The package as shipped: version, typing marker, dependencies and the public-API standard.

These tests also run against the installed wheel (``nox -s build``), where they check what a
user gets rather than what the source tree has.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import importlib.metadata
import importlib.resources
import importlib.util
import inspect
import itertools
import pkgutil
import re
import subprocess
import sys
from types import ModuleType
from typing import Any

import pytest

import treasurymodel

PUBLIC = [n for n in treasurymodel.__all__ if n != "__version__"]


def _package_modules() -> list[ModuleType]:
    found = [treasurymodel]
    for info in pkgutil.walk_packages(treasurymodel.__path__, "treasurymodel."):
        if not info.name.endswith("__main__"):
            found.append(importlib.import_module(info.name))
    return found


MODULES = _package_modules()


def _attribute_docstrings(module: ModuleType) -> dict[str, str]:
    """Docstrings written under module-level assignments (``X = ...`` then ``\"\"\"doc\"\"\"``)."""
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        return {}
    body = ast.parse(source).body
    docs: dict[str, str] = {}
    for stmt, nxt in itertools.pairwise(body):
        target: ast.expr | None = None
        if isinstance(stmt, ast.AnnAssign):
            target = stmt.target
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
        if (
            isinstance(target, ast.Name)
            and isinstance(nxt, ast.Expr)
            and isinstance(nxt.value, ast.Constant)
            and isinstance(nxt.value.value, str)
        ):
            docs[target.id] = inspect.cleandoc(nxt.value.value)
    return docs


ATTRIBUTE_DOCS = {module: _attribute_docstrings(module) for module in MODULES}


def _is_data(obj: Any) -> bool:
    """A constant, registry or type alias: documented by a docstring under its assignment."""
    return not (inspect.isclass(obj) or inspect.ismodule(obj) or inspect.isroutine(obj))


def _data_docstring(name: str, obj: Any) -> tuple[ModuleType, str] | None:
    """The module defining the public data ``name`` and the docstring written under it."""
    for module, docs in ATTRIBUTE_DOCS.items():
        if name in docs and getattr(module, name, None) is obj:
            return module, docs[name]
    return None


def _documented_names() -> list[tuple[str, ModuleType, str]]:
    """``(display name, namespace module, name)`` for every public name and module member."""
    out = []
    for name in PUBLIC:
        out.append((name, treasurymodel, name))
        obj = getattr(treasurymodel, name)
        if inspect.ismodule(obj):
            out += [(f"{name}.{member}", obj, member) for member in obj.__all__]
    return out


DOCUMENTED = _documented_names()
DATA = [(shown, ns, name) for shown, ns, name in DOCUMENTED if _is_data(getattr(ns, name))]


def test_version_is_the_distribution_version() -> None:
    assert treasurymodel.__version__ == importlib.metadata.version("treasurymodel")
    assert re.fullmatch(r"\d+\.\d+\.\d+([a-z]+\d+)?(\.dev\d+)?", treasurymodel.__version__)


def test_py_typed_marker_is_shipped() -> None:
    assert importlib.resources.files("treasurymodel").joinpath("py.typed").is_file()
    files = {f.as_posix() for f in importlib.metadata.files("treasurymodel") or []}
    if "treasurymodel/__init__.py" in files:  # a wheel install; an editable one lists no modules
        assert "treasurymodel/py.typed" in files


def test_bundled_data_files_are_shipped() -> None:
    if importlib.util.find_spec("treasurymodel.datasets") is None:
        pytest.skip("no bundled data sets yet")
    data = importlib.resources.files("treasurymodel.datasets")
    assert any(entry.name.endswith(".toml") for entry in data.iterdir())


def test_runtime_dependencies_are_attrs_and_numpy_only() -> None:
    requirements = importlib.metadata.requires("treasurymodel") or []
    runtime = {
        re.split(r"[\s<>=!~;\[]", r, maxsplit=1)[0].lower()
        for r in requirements
        if "extra ==" not in r
    }
    assert runtime == {"attrs", "numpy"}
    extras = importlib.metadata.metadata("treasurymodel").get_all("Provides-Extra") or []
    assert set(extras) == {"plot", "progress", "frame", "crosscheck"}


def test_importing_the_package_imports_no_optional_dependency() -> None:
    code = (
        "import sys, treasurymodel; "
        "print(sorted(m for m in ('matplotlib', 'tqdm', 'QuantLib') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_all_is_unique_and_every_name_exists() -> None:
    assert len(set(treasurymodel.__all__)) == len(treasurymodel.__all__)
    for name in treasurymodel.__all__:
        assert hasattr(treasurymodel, name), name
    namespace: dict[str, Any] = {}
    exec("from treasurymodel import *", namespace)
    assert set(treasurymodel.__all__) <= set(namespace)


def test_validation_error_is_a_value_error() -> None:
    assert issubclass(treasurymodel.ValidationError, ValueError)
    assert issubclass(treasurymodel.ValidationError, treasurymodel.TreasuryModelError)
    with pytest.raises(ValueError, match=r"units"):
        treasurymodel.Holdings(units=-1.0)


@pytest.mark.parametrize(
    ("shown", "namespace", "name"), DOCUMENTED, ids=[d[0] for d in DOCUMENTED]
)
def test_public_name_has_a_docstring_with_examples(
    shown: str, namespace: ModuleType, name: str
) -> None:
    obj = getattr(namespace, name)
    if inspect.ismodule(obj):
        # A module exported as a namespace: its summary here, its members checked one by one.
        assert (inspect.getdoc(obj) or "").strip(), f"{shown}: module without a docstring"
        return
    if _is_data(obj):
        found = _data_docstring(name, obj)
        assert found, f"{shown}: no docstring under its assignment"
        doc = found[1]
    else:
        doc = inspect.getdoc(obj) or ""
    assert re.search(r"^Examples\n-{8}", doc, re.M), f"{shown}: no 'Examples' section"
    assert ">>>" in doc, f"{shown}: the Examples section has no example"


@pytest.mark.parametrize(("shown", "namespace", "name"), DATA, ids=[d[0] for d in DATA])
def test_data_docstring_examples_run(shown: str, namespace: ModuleType, name: str) -> None:
    # pytest --doctest-modules does not see docstrings under assignments: run them here,
    # with the globals of the module that defines the name, as it does for functions.
    found = _data_docstring(name, getattr(namespace, name))
    assert found
    module, doc = found
    test = doctest.DocTestParser().get_doctest(doc, dict(vars(module)), shown, None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    result = runner.run(test, out=report.append)
    assert result.attempted > 0
    assert result.failed == 0, "".join(report)


def test_python_dash_m_treasurymodel_help() -> None:
    if importlib.util.find_spec("treasurymodel.cli") is None:
        pytest.skip("treasurymodel.cli does not exist yet")
    result = subprocess.run(
        [sys.executable, "-m", "treasurymodel", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "usage" in result.stdout.lower()
