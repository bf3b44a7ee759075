"""The package's namespace: a short top level, subject modules, no shadowed module, no CLI."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import inspect
import pkgutil
import subprocess
import sys
from types import ModuleType

import pytest

import treasurymodel
import treasurymodel.cli


def _packages() -> list[ModuleType]:
    """The package and every subpackage, imported."""
    found = [treasurymodel]
    for info in pkgutil.walk_packages(treasurymodel.__path__, "treasurymodel."):
        if not info.name.endswith("__main__"):
            module = importlib.import_module(info.name)
            if info.ispkg:
                found.append(module)
    return found


def test_importing_the_package_imports_neither_the_cli_nor_optional_libraries() -> None:
    heavy = ("treasurymodel.cli", "matplotlib", "pandas", "dask", "distributed", "tqdm")
    code = f"import sys, treasurymodel; print([m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("package", _packages(), ids=lambda p: p.__name__)
def test_no_submodule_is_shadowed_by_another_object(package: ModuleType) -> None:
    # For every submodule, the package attribute of that name is the module itself: never a
    # function or class of the same name (0.1's treasurymodel.metrics was the function).
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        assert getattr(package, info.name) is module, f"{package.__name__}.{info.name}"


def test_metrics_and_compare_are_functions_and_their_modules_have_other_names() -> None:
    assert importlib.util.find_spec("treasurymodel.metrics") is None
    assert importlib.util.find_spec("treasurymodel.compare") is None
    assert inspect.isfunction(treasurymodel.metrics)
    assert inspect.isfunction(treasurymodel.compare)
    assert treasurymodel.kpi.metrics is treasurymodel.metrics
    assert treasurymodel.comparison.compare is treasurymodel.compare


def test_the_top_level_is_short_and_the_rest_is_in_subject_modules() -> None:
    modules = [n for n in treasurymodel.__all__ if inspect.ismodule(getattr(treasurymodel, n))]
    names = [n for n in treasurymodel.__all__ if n not in modules and n != "__version__"]
    assert len(names) <= 45  # 0.1 had 88 names, grouped by issue number
    assert "cli" not in treasurymodel.__all__
    for module in modules:
        assert getattr(treasurymodel, module).__name__ == f"treasurymodel.{module}"


@pytest.mark.parametrize("name", sorted(treasurymodel._MOVED))
def test_every_name_that_left_the_top_level_is_in_its_module(name: str) -> None:
    where = treasurymodel._MOVED[name]
    assert name not in treasurymodel.__all__
    assert hasattr(importlib.import_module(f"treasurymodel.{where}"), name)
    with pytest.raises(AttributeError, match=rf"moved to treasurymodel\.{where}\.{name}$"):
        getattr(treasurymodel, name)


def test_chunk_level_internals_are_in_no_public_list() -> None:
    exported = [treasurymodel] + [
        obj for n in treasurymodel.__all__ if inspect.ismodule(obj := getattr(treasurymodel, n))
    ]
    for internal in ("price_paths", "BLOCK_PATHS"):
        assert all(internal not in m.__all__ for m in exported), internal
    # the argument types of users' own premium models and funding channels stay public there
    assert {"PremiumState", "ChannelState"} <= set(treasurymodel.simulation.__all__)


def test_an_unknown_name_is_a_plain_attribute_error() -> None:
    with pytest.raises(AttributeError, match=r"has no attribute 'no_such_name'"):
        getattr(treasurymodel, "no_such_name")


def test_every_command_has_its_own_module() -> None:
    parser = treasurymodel.cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sub.choices is not None
    commands = sorted(sub.choices)
    assert commands == sorted(
        ["report", "datasets", "validate", "plot", "stress", "credit", "compare"]
    )
    for command in commands:
        module = importlib.import_module(f"treasurymodel.cli.{command}")
        assert callable(module.add_parser)


def test_python_dash_m_runs_the_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "treasurymodel", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"treasurymodel {treasurymodel.__version__}"


def test_the_console_script_points_at_cli_main() -> None:
    scripts = importlib.metadata.entry_points(group="console_scripts", name="treasurymodel")
    if not scripts:
        pytest.skip("treasurymodel is not installed (no console script)")
    (script,) = scripts
    assert script.value == "treasurymodel.cli:main"
    assert script.load() is treasurymodel.cli.main


@pytest.mark.parametrize("name", treasurymodel.cli.__all__)
def test_the_cli_python_api_is_documented_with_examples(name: str) -> None:
    # treasurymodel.cli is not in treasurymodel.__all__ (the package never imports it), so the
    # docstring checks of test_package.py do not reach it; the API page documents it anyway.
    obj = getattr(treasurymodel.cli, name)
    if inspect.isfunction(obj):
        doc = inspect.getdoc(obj) or ""
    else:  # data: the docstring under its assignment in the defining module
        source = inspect.getsource(treasurymodel.cli.report)
        doc = source.split(f"\n{name}: Final = ", 1)[1].split("\n\n\n", 1)[0]
    assert "Examples\n--------" in doc, name
    assert ">>>" in doc, name
