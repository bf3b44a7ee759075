"""Sphinx configuration for the treasurymodel documentation.

Built by ``python -m nox -s docs``: the doctest builder, then HTML, both with ``-W -n``
(warnings are errors, every cross-reference must resolve).

Three things here are specific to this project:

* The API reference is generated from ``treasurymodel.__all__`` on every build
  (:func:`_write_api_reference`): nobody edits API pages by hand, and a public name without a
  page cannot exist.
* Docstring examples run in the doctest builder with the globals of the module that defines
  them, as under ``pytest --doctest-modules`` (the ``testsetup`` of each generated page).
* The build works offline. Intersphinx tries the real inventories first and falls back to
  empty local ones; a reference to an external object that intersphinx cannot link is shown
  as plain code, but only after checking that the object exists (:func:`_missing_reference`),
  so a misspelt name still fails the build.
"""

from __future__ import annotations

import ast
import doctest
import functools
import importlib
import importlib.util
import inspect
import itertools
import pkgutil
import re
import shutil
import types
import typing
import zlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import attrs
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.ext.intersphinx import missing_reference as intersphinx_missing_reference
from sphinx.util.docstrings import prepare_docstring
from sphinx.util.typing import restify

import treasurymodel
import treasurymodel.cli  # documented with the package, though the package never imports it

DOCS = Path(__file__).resolve().parent

# -- Project -------------------------------------------------------------------------------

project = "treasurymodel"
author = "The treasurymodel developers"
copyright = "2026, The treasurymodel developers"
release = treasurymodel.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
    "myst_parser",  # only for ``changelog.rst``, which includes ../CHANGELOG.md
    "sphinx_gallery.gen_gallery",  # the gallery: docs/examples/plot_*.py, run on every build
]

# examples/ holds the gallery's sources (its header is not a page); gallery/ is generated.
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "examples"]
source_suffix = {".rst": "restructuredtext"}
root_doc = "index"
nitpicky = True
default_role = "py:obj"

# -- HTML ----------------------------------------------------------------------------------

html_theme = "furo"
html_title = f"treasurymodel {release}"
html_static_path: list[str] = []
html_show_sourcelink = False

# -- autodoc, napoleon --------------------------------------------------------------------

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented_params"
autodoc_typehints_format = "short"
python_use_unqualified_type_names = True  # "Holdings", not "treasurymodel.company.Holdings"
# autodoc_type_aliases (to show ``FloatArray`` rather than the numpy type it stands for) is
# not used: with typehints in the description, Sphinx 9 renders such aliases as unresolvable
# ``TypeAliasForwardRef`` references.
autoclass_content = "class"
autodoc_class_signature = "mixed"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_param = True
napoleon_use_rtype = False
napoleon_use_ivar = True
napoleon_preprocess_types = False

# -- doctest -------------------------------------------------------------------------------

doctest_default_flags = (
    doctest.ELLIPSIS
    | doctest.IGNORE_EXCEPTION_DETAIL
    | doctest.DONT_ACCEPT_TRUE_FOR_1
    | doctest.NORMALIZE_WHITESPACE
)
doctest_test_doctest_blocks = "default"

# -- the gallery (sphinx-gallery) ---------------------------------------------------------
# Every docs/examples/plot_*.py script runs during the build and its figures and printed
# output go on its page under gallery/ (generated, not in git). A failing script fails the
# build. Scripts draw with pyplot (plt.subplots, then ``ax=`` for treasurymodel.plot): the
# matplotlib scraper collects pyplot's figures.

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "gallery",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_memory": False,
    "show_signature": False,
    "min_reported_time": 1e9,  # no "Total running time" line: it changes on every build
    "write_computation_times": False,
    "backreferences_dir": None,
    "reset_modules": ("matplotlib",),
    "image_srcset": ["2x"],
}

# -- intersphinx, offline-safe -------------------------------------------------------------

_OFFLINE_INVENTORIES = DOCS / "_build" / "offline-inventories"
_EXTERNAL_DOCS = {
    "python": "https://docs.python.org/3",
    "numpy": "https://numpy.org/doc/stable",
    "attrs": "https://www.attrs.org/en/stable",
    "matplotlib": "https://matplotlib.org/stable",
}


def _empty_inventory(name: str) -> str:
    """Write a valid, empty objects.inv for ``name`` and return its path."""
    _OFFLINE_INVENTORIES.mkdir(parents=True, exist_ok=True)
    path = _OFFLINE_INVENTORIES / f"{name}.inv"
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {name} (offline stand-in)\n"
        "# Version: 0\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    path.write_bytes(header.encode() + zlib.compress(b""))
    return str(path)


intersphinx_mapping = {
    name: (url, (None, _empty_inventory(name))) for name, url in _EXTERNAL_DOCS.items()
}
intersphinx_timeout = 10

# -- the API reference, generated from treasurymodel.__all__ -------------------------------

_API_DIR = DOCS / "api" / "generated"
_REFERENCE = _API_DIR / "_reference.inc"
# Order of the sections of the API page: the architecture's layers, bottom to top; modules
# not listed here follow in alphabetical order.
_LAYER_ORDER = [
    "treasurymodel.instruments",
    "treasurymodel.company",
    "treasurymodel.events",
    "treasurymodel.schedule",
    "treasurymodel.kpi",
    "treasurymodel.liquidation",
    "treasurymodel.comparison",
    "treasurymodel.valuation",
    "treasurymodel.simulation",
    "treasurymodel.io",
    "treasurymodel.datasets",
    "treasurymodel.plot",
    "treasurymodel.cli",
    "treasurymodel.errors",
]


def _package_modules() -> dict[str, ModuleType]:
    """Every module of the package, imported, by dotted name."""
    found = {"treasurymodel": treasurymodel}
    for info in pkgutil.walk_packages(treasurymodel.__path__, "treasurymodel."):
        if info.name.endswith("__main__"):
            continue
        found[info.name] = importlib.import_module(info.name)
    return found


def _module_attribute_docs(module: ModuleType) -> dict[str, str]:
    """``name -> docstring`` for the module-level assignments followed by a docstring."""
    docs: dict[str, str] = {}
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        return docs
    body = ast.parse(source).body
    for stmt, nxt in itertools.pairwise(body):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
        elif isinstance(stmt, ast.AnnAssign):
            target = stmt.target
        else:
            continue
        if (
            isinstance(target, ast.Name)
            and isinstance(nxt, ast.Expr)
            and isinstance(nxt.value, ast.Constant)
            and isinstance(nxt.value.value, str)
        ):
            docs[target.id] = nxt.value.value
    return docs


_MODULES = _package_modules()
_ATTRIBUTE_DOCS = {name: _module_attribute_docs(module) for name, module in _MODULES.items()}


def _data_docstring(name: str, obj: Any) -> tuple[str, str] | None:
    """``(module, docstring)`` of the assignment that defines data ``obj`` as ``name``."""
    for modname, docs in _ATTRIBUTE_DOCS.items():
        if name in docs and getattr(_MODULES[modname], name, None) is obj:
            return modname, docs[name]
    return None


def _home(name: str, obj: Any) -> str:
    """The module that defines the public name ``name``."""
    if inspect.ismodule(obj):
        return obj.__name__
    module = getattr(obj, "__module__", None)
    if (inspect.isclass(obj) or inspect.isroutine(obj)) and str(module).startswith(
        "treasurymodel"
    ):
        return str(module)
    found = _data_docstring(name, obj)
    return found[0] if found else "treasurymodel"


def _section_key(home: str) -> str:
    return ".".join(home.split(".")[:2])


def _public_names() -> list[str]:
    names = [n for n in treasurymodel.__all__ if not (n.startswith("__") and n.endswith("__"))]
    return [*names, "cli"]  # the command line's Python API, imported on its own


# Inline code or a role (``x``, :func:`f`): the places where a colon or a period is not prose.
_CODE_OR_ROLE = re.compile(r"(:\w+(?::\w+)*:`[^`]*`|``[^`]*``|`[^`]*`)")


def _summary(obj: Any, name: str) -> str:
    """The first sentence of the docstring of ``obj`` (or of the one under data ``name``)."""
    if _is_data(obj):
        doc = inspect.cleandoc((_data_docstring(name, obj) or ("", ""))[1])
    else:
        doc = inspect.getdoc(obj) or ""
    paragraph = " ".join(doc.strip().split("\n\n")[0].split())
    pieces = _CODE_OR_ROLE.split(paragraph)
    for i in range(0, len(pieces), 2):  # prose pieces; a period inside ``code`` is no full stop
        match = re.search(r"\.(\s|$)", pieces[i])
        if match:
            return "".join(pieces[:i]) + pieces[i][: match.start() + 1]
    return paragraph


def _at_top(module: ModuleType) -> set[str]:
    """Members of ``module`` that are also top-level names (documented there, once)."""
    return {
        m
        for m in getattr(module, "__all__", [])
        if m in treasurymodel.__all__ and getattr(treasurymodel, m) is getattr(module, m)
    }


def _summary_table(entries: list[tuple[str, Any]], top: set[str] | None = None) -> str:
    """A two-column table: each name, linked, and the first sentence of its docstring.

    Names in ``top`` link to their top-level page (``treasurymodel.name``)."""
    rows = "".join(
        f"   * - :py:obj:`{'~treasurymodel.' + name if name in (top or ()) else name}`\n"
        f"     - {_summary(obj, name) or '..'}\n"
        for name, obj in entries
    )
    return f".. list-table::\n   :class: api-summary\n   :widths: 30 70\n\n{rows}\n"


def _is_data(obj: Any) -> bool:
    return not (inspect.isclass(obj) or inspect.ismodule(obj) or inspect.isroutine(obj))


def _stub(name: str, obj: Any, home: str) -> str:
    """The reST page of one public name."""
    title = f"{name}\n{'=' * len(name)}\n\n"
    # Docstring examples run with the globals of the module that defines them, as they do
    # under pytest --doctest-modules.
    setup = (
        ".. testsetup:: *\n\n"
        f"   _home = __import__('importlib').import_module({home!r})\n"
        "   globals().update({k: v for k, v in vars(_home).items() if k[:2] != '__'})\n\n"
    )
    if inspect.ismodule(obj):
        members = list(getattr(obj, "__all__", []))
        body = f".. automodule:: {obj.__name__}\n   :no-members:\n\n"
        if members:
            body += ".. rubric:: Contents\n\n"
            body += _summary_table([(m, getattr(obj, m)) for m in members], top=_at_top(obj))
        own = [m for m in members if m not in _at_top(obj)]  # the others have their own page
        body += "".join(_directive(m, getattr(obj, m)) + "\n" for m in own)
        return title + f".. currentmodule:: {obj.__name__}\n\n" + setup + body
    return title + ".. currentmodule:: treasurymodel\n\n" + setup + _directive(name, obj)


def _directive(name: str, obj: Any) -> str:
    """The autodoc directive documenting ``obj`` as ``name`` in the current module."""
    if inspect.isclass(obj) and issubclass(obj, BaseException):
        return f".. autoexception:: {name}\n   :members:\n   :show-inheritance:\n"
    if inspect.isclass(obj):
        return f".. autoclass:: {name}\n   :members:\n"
    if inspect.isroutine(obj):
        return f".. autofunction:: {name}\n"
    return f".. autodata:: {name}\n   :no-value:\n"


def _write_api_reference() -> None:
    """Write the API pages under ``api/generated`` and the sections of the API page."""
    shutil.rmtree(_API_DIR, ignore_errors=True)
    _API_DIR.mkdir(parents=True)
    sections: dict[str, list[str]] = {}
    for name in _public_names():
        obj = getattr(treasurymodel, name)
        home = _home(name, obj)
        sections.setdefault(_section_key(home), []).append(name)
        stub = _API_DIR / f"treasurymodel.{name}.rst"
        stub.write_text(_stub(name, obj, home), encoding="utf-8")

    def order(key: str) -> tuple[int, str]:
        rank = _LAYER_ORDER.index(key) if key in _LAYER_ORDER else len(_LAYER_ORDER)
        return rank, key

    lines = [
        ".. This file is written by docs/conf.py on every build: do not edit it.",
        "",
        ".. currentmodule:: treasurymodel",
        "",
    ]
    for key in sorted(sections, key=order):
        module = _MODULES.get(key)
        summary = (inspect.getdoc(module) or "").split("\n\n")[0].replace("\n", " ")
        title = f"``{key}``"
        lines += [title, "-" * len(title), ""]
        if sections[key] != [key.removeprefix("treasurymodel.")]:  # not just the module itself
            lines += [summary, ""]
        names = sorted(sections[key], key=str.lower)
        lines += [_summary_table([(n, getattr(treasurymodel, n)) for n in names])]
        lines += [".. toctree::", "   :hidden:", ""]
        lines += [f"   api/generated/treasurymodel.{n}" for n in names]
        lines.append("")
    _REFERENCE.write_text("\n".join(lines), encoding="utf-8")


_write_api_reference()


def _canonical(name: str, obj: Any) -> str:
    """Where public ``obj`` is defined: ``treasurymodel.company.Company`` for ``Company``."""
    routine = inspect.isclass(obj) or inspect.isroutine(obj)
    return f"{_home(name, obj)}.{obj.__qualname__ if routine else name}"


# Canonical dotted paths of public objects and the public names they are documented under
# (``treasurymodel.Company``); modules are documented under their own names.
def _public_paths() -> dict[str, Any]:
    """Public dotted path -> object: the top-level names, then the members of the subject
    modules that are not also top-level names."""
    paths: dict[str, Any] = {}
    for name in _public_names():
        obj = getattr(treasurymodel, name)
        if not inspect.ismodule(obj):
            paths[f"treasurymodel.{name}"] = obj
            continue
        for member in getattr(obj, "__all__", []):
            if member not in _at_top(obj):
                paths[f"{obj.__name__}.{member}"] = getattr(obj, member)
    return paths


_PUBLIC_PATHS = _public_paths()

_PUBLIC_PATH = {
    _canonical(path.rpartition(".")[2], obj): path
    for path, obj in _PUBLIC_PATHS.items()
    if _canonical(path.rpartition(".")[2], obj) != path
}

for _module in [getattr(treasurymodel, n) for n in _public_names()]:
    if inspect.ismodule(_module):  # treasurymodel.credit.credit_table: treasurymodel.credit_table
        for _member in _at_top(_module):
            _PUBLIC_PATH[f"{_module.__name__}.{_member}"] = f"treasurymodel.{_member}"

_BY_SHORT_NAME: dict[str, str] = {}
for _path in _PUBLIC_PATHS:
    _BY_SHORT_NAME.setdefault(_path.rpartition(".")[2], _path)
"""A bare name (``ComparisonRow`` in a docstring documented at the top level) -> its public
path, for names that left the top level (the first public path of that name wins)."""


def _napoleon_splits(line: str) -> bool:
    """Whether napoleon would read ``line`` as ``type: description`` (as it splits it)."""
    pieces = _CODE_OR_ROLE.split(line)
    return any(re.search(r"(?<!:):(?!:)", piece) for piece in pieces[::2])


def _before_napoleon(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """Prepare a docstring for napoleon.

    * Public data (type aliases, registries) get the docstring written under them in the
      source, which autodoc cannot find when they are documented under their public name;
      a union alias also says what it stands for.
    * Napoleon reads the first line of a property, attribute or data docstring as
      ``type: description`` when it has a colon ("Assumed diluted shares: as reported, ...");
      a leading empty comment keeps that line prose. Types come from annotations instead.
    """
    short = name.removeprefix("treasurymodel.")
    public = name.startswith("treasurymodel.") and short in treasurymodel.__all__
    if what == "data" and public and (found := _data_docstring(short, obj)):
        lines[:] = prepare_docstring(found[1])
    if what == "data" and isinstance(obj, types.UnionType):
        members = " | ".join(restify(arg, "smart") for arg in typing.get_args(obj))
        end = lines.index("") if "" in lines else len(lines)
        lines[end:end] = ["", f"An alias of {members}."]
    if what in {"property", "attribute", "data"} and lines and _napoleon_splits(lines[0]):
        lines[:0] = ["..", ""]


_COMBINED_FIELD = re.compile(r"^:(ivar|cvar|var) (\w+(?:, \w+)+): ?(.*)$")


def _after_napoleon(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """Split numpydoc's combined attribute entries (``cash, debt, pref``) into one field each.

    Napoleon does this for parameters but not for the ``Attributes`` section.
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        match = _COMBINED_FIELD.match(lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        role, names, first = match.groups()
        rest: list[str] = []
        i += 1
        while i < len(lines) and lines[i][:1].isspace() and lines[i].strip():
            rest.append(lines[i])
            i += 1
        for field in names.split(", "):
            out += [f":{role} {field}: {first}", *rest]
    lines[:] = out


_MISSING = object()


def _lookup(target: str) -> Any:
    """The object a dotted name refers to (builtins for a bare name), or ``_MISSING``."""
    if target in {"None", "True", "False", "Ellipsis", "NotImplemented"}:
        return None
    parts = target.split(".")
    if len(parts) == 1:
        parts = ["builtins", *parts]
    for split in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        try:
            for attr in parts[split:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return _MISSING
        return obj
    return _MISSING


@functools.cache
def _names_in(modname: str) -> dict[str, str]:
    """Dotted paths of the names module ``modname`` can see, as its annotations use them.

    Its globals (``np`` is ``numpy``) and the imports under ``if TYPE_CHECKING:``, which is how
    annotations name the types of optional dependencies (``Figure``) without importing them.
    """
    module = _MODULES.get(modname)
    if module is None:
        return {}
    names: dict[str, str] = {}
    for key, value in vars(module).items():
        if inspect.ismodule(value):
            names[key] = value.__name__
        elif inspect.isclass(value) or inspect.isroutine(value):
            names[key] = f"{value.__module__}.{value.__qualname__}"
        elif _is_type_variable_or_alias(value) and (found := _data_docstring(key, value)):
            names[key] = f"{found[0]}.{key}"
    package = modname if hasattr(module, "__path__") else modname.rpartition(".")[0]
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):
        return names
    for stmt in tree.body:
        if not (isinstance(stmt, ast.If) and ast.unparse(stmt.test).endswith("TYPE_CHECKING")):
            continue
        for imp in stmt.body:
            if isinstance(imp, ast.ImportFrom):
                base = importlib.util.resolve_name("." * imp.level + (imp.module or ""), package)
                for alias in imp.names:
                    names[alias.asname or alias.name] = f"{base}.{alias.name}"
            elif isinstance(imp, ast.Import):
                for alias in imp.names:
                    top = alias.name if alias.asname else alias.name.split(".")[0]
                    names[alias.asname or top] = top
    return names


def _public_name_of(obj: Any) -> str | None:
    for path, public in _PUBLIC_PATHS.items():
        if public is obj:
            return path
    return None


def _missing_reference(
    app: Sphinx, env: BuildEnvironment, node: Any, contnode: nodes.Element
) -> nodes.Element | None:
    """Resolve what intersphinx and the Python domain could not.

    * A name as the documented module sees it is expanded first: ``np.ndarray`` is
      ``numpy.ndarray``; ``Figure`` imported under ``if TYPE_CHECKING:`` is
      ``matplotlib.figure.Figure``.
    * ``treasurymodel.company.Company`` (how type hints name a class) is linked to the page of
      its public name ``treasurymodel.Company``.
    * A field of an attrs class (``:attr:`dates```) links to its class's page, where the
      class's docstring describes it.
    * An object of another package that exists, but whose inventory is unavailable (offline
      builds), is shown as code without a link; so is a type variable (``_T``) or a private
      type alias (``ArrayLike``), which has no page of its own.

    Anything else stays unresolved, and ``-n -W`` fails the build.
    """
    if node.get("refdomain") != "py":
        return None
    domain = env.get_domain("py")
    target: str = node["reftarget"]
    modname: str = node.get("py:module") or ""
    # The names the documented object's own module sees (``_dt`` is ``datetime``), then those
    # of the module it is documented in.
    owner = _lookup(f"{modname}.{node['py:class']}") if node.get("py:class") else _MISSING
    home = getattr(owner, "__module__", None) if owner is not _MISSING else None
    head, dot, rest = target.partition(".")
    for scope in filter(None, [home, modname]):
        known = _names_in(scope)
        if head in known:
            target = known[head] + dot + rest
            break

    def resolve(new_target: str, reftype: str) -> nodes.Element | None:
        found: nodes.Element | None = domain.resolve_xref(
            env, node["refdoc"], app.builder, reftype, new_target, node, contnode
        )
        if found is None and new_target != node["reftarget"]:
            retry = node.deepcopy()
            retry["reftarget"] = new_target
            found = intersphinx_missing_reference(app, env, retry, contnode)
        return found

    for canonical, public in _PUBLIC_PATH.items():
        if target == canonical or target.startswith(canonical + "."):
            target = public + target[len(canonical) :]
            break
    if target != node["reftarget"] and (found := resolve(target, node["reftype"])) is not None:
        return found

    # A field of an attrs class: the class, looked up as the reference would be.
    scopes = [f"{modname}.{node.get('py:class')}", modname, ""]
    for scope in scopes if node.get("py:class") else scopes[1:]:
        owner_path, _, field = ".".join(filter(None, [scope, target])).rpartition(".")
        owner = _lookup(owner_path) if owner_path else _MISSING
        if attrs.has(owner) and field in attrs.fields_dict(owner):
            public = _public_name_of(owner)
            return resolve(public, "class") if public else None

    # A name that left the top level, as a docstring documented there names it.
    head = target.partition(".")[0]
    if head in _BY_SHORT_NAME and head not in treasurymodel.__all__:
        moved = _BY_SHORT_NAME[head] + target[len(head) :]
        if (found := resolve(moved, node["reftype"])) is not None:
            return found
    if node["reftype"] == "mod" and importlib.util.find_spec(target) is not None:
        return contnode  # a module of the standard library (offline: no inventory)

    obj = _lookup(target)
    if obj is _MISSING:
        return None
    if _is_type_variable_or_alias(obj) or target.split(".")[0] != "treasurymodel":
        return contnode
    return None


# TypeAliasType (a ``type X = ...`` statement) exists from Python 3.12 on.
_ALIAS_TYPES = (TypeVar, types.UnionType, *filter(None, [getattr(typing, "TypeAliasType", None)]))


def _is_type_variable_or_alias(obj: Any) -> bool:
    return isinstance(obj, _ALIAS_TYPES) or typing.get_origin(obj) is not None


# -- build-time hooks ----------------------------------------------------------------------
# Code that must run before Sphinx reads the sources (for example: writing the figures that
# the how-to and theory pages include, from the bundled data sets) goes here. Append a
# callable taking the Sphinx application; it runs once per build, at builder-inited, after
# the API reference has been generated. Keep outputs under docs/_build or another ignored
# directory, and make each hook fast.

BUILD_HOOKS: list[Callable[[Sphinx], None]] = []


# issue 6 (plots): the figures of howto/plots.rst, drawn from the bundled data sets.
def _write_plot_figures(app: Sphinx) -> None:
    from treasurymodel import datasets
    from treasurymodel.plot import maturity_ladder, nav_chart

    out = DOCS / "_build" / "figures"
    out.mkdir(parents=True, exist_ok=True)
    for name in ("mstr-2026-02", "mstr-2022q2"):
        company = datasets.load(name)
        maturity_ladder(company).savefig(out / f"ladder-{name}.png", dpi=110)
        nav_chart(company).savefig(out / f"nav-{name}.png", dpi=110)


BUILD_HOOKS.append(_write_plot_figures)
# end issue 6


# The tutorial's fan chart: the simulation and the drawing of tutorial.rst ("A Monte Carlo and
# its plots"), step for step; keep the two in step.
def _write_tutorial_fan(app: Sphinx) -> None:
    import matplotlib.pyplot as plt
    import numpy as np

    import treasurymodel as tm

    company = tm.datasets.load("mstr-2022q2")
    model = tm.GBM(asset_price=19_785.0, drift=0.0, volatility=0.7)
    result = tm.simulate(
        company, model=model, years=5, paths=4_096, seed=1, record=("units", "nav_per_share")
    )
    bands = result.fan("nav_per_share", [0.05, 0.25, 0.5, 0.75, 0.95])
    dates = np.array(result.dates, dtype="datetime64[D]")
    fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    ax.fill_between(dates, bands[:, 0], bands[:, 4], color="C0", alpha=0.2, label="5-95%")
    ax.fill_between(dates, bands[:, 1], bands[:, 3], color="C0", alpha=0.4, label="25-75%")
    ax.plot(dates, bands[:, 2], color="C0", label="median")
    ax.set_ylabel("NAV per share (USD)")
    ax.legend(loc="upper left")
    out = DOCS / "_build" / "figures"
    out.mkdir(parents=True, exist_ok=True)
    fig.savefig(out / "tutorial-fan.png", dpi=110)
    plt.close(fig)


BUILD_HOOKS.append(_write_tutorial_fan)


# issue 19 (compare): the figure of howto/compare.rst, from every bundled data set.
def _write_comparison_figure(app: Sphinx) -> None:
    from treasurymodel import compare, datasets
    from treasurymodel.plot import comparison

    out = DOCS / "_build" / "figures"
    out.mkdir(parents=True, exist_ok=True)
    result = compare([datasets.load(name) for name in datasets.names()])
    comparison(result).savefig(out / "compare-bundled.png", dpi=100)


BUILD_HOOKS.append(_write_comparison_figure)
# end issue 19


# issue 13 (watching the spiral): the traced path of howto/death-spiral.rst, the same run.
def _write_death_spiral_figure(app: Sphinx) -> None:
    import treasurymodel as tm
    from treasurymodel.plot import traced_path

    co = tm.datasets.load("mstr-2026-02")
    res = tm.simulate(
        co,
        model=tm.GBM(asset_price=68_141.0, drift=-0.4, volatility=0.6),
        years=4,
        paths=2_000,
        seed=7,
        premium=tm.simulation.PeakCompressionPremium(initial=1.3, floor=0.6, sensitivity=2.0),
        impact=tm.simulation.ImpactModel(daily_volume=15_000.0),
        record_paths=1,
        choose_paths="first_default",
    )
    out = DOCS / "_build" / "figures"
    out.mkdir(parents=True, exist_ok=True)
    path = int(res.traces.paths[0])
    fig = traced_path(res, path, title=f"Strategy (February 2026), path {path}")
    fig.savefig(out / "death-spiral-path.png", dpi=90)


BUILD_HOOKS.append(_write_death_spiral_figure)
# end issue 13

# -- end of build-time hooks ---------------------------------------------------------------


def _one_return_type(app: Sphinx, domain: str, objtype: str, contentnode: nodes.Element) -> None:
    """Keep one "Return type" field per object.

    autodoc adds the return type to every field list of a description, and a docstring whose
    Returns section is followed by Notes or Raises has two; keep the one beside Returns.
    """

    def fields(field_list: nodes.Element) -> list[nodes.field]:
        return [f for f in field_list.children if isinstance(f, nodes.field)]

    field_lists = [n for n in contentnode.children if isinstance(n, nodes.field_list)]
    rtypes = [(fl, f) for fl in field_lists for f in fields(fl) if f[0].astext() == "rtype"]
    if len(rtypes) < 2:
        return
    beside_returns = [
        (fl, f) for fl, f in rtypes if any(g[0].astext() == "returns" for g in fields(fl))
    ]
    keep = (beside_returns or rtypes)[0][1]
    for field_list, field in rtypes:
        if field is not keep:
            field_list.remove(field)
            if not field_list.children:
                contentnode.remove(field_list)


def _run_build_hooks(app: Sphinx) -> None:
    for hook in BUILD_HOOKS:
        hook(app)


def setup(app: Sphinx) -> dict[str, Any]:
    # napoleon converts docstrings at the default priority, 500
    app.connect("autodoc-process-docstring", _before_napoleon, priority=400)
    app.connect("autodoc-process-docstring", _after_napoleon, priority=600)
    app.connect("missing-reference", _missing_reference, priority=900)
    app.connect("builder-inited", _run_build_hooks, priority=400)
    # after autodoc adds the type hints (priority 500)
    app.connect("object-description-transform", _one_return_type, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
