"""The release metadata agrees with itself: version, changelog and citation.

A release changes the version in pyproject.toml; CITATION.cff and CHANGELOG.md must follow
(CONTRIBUTING.md, "Releasing"). These files ship in the sdist, so the tests also run there.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import treasurymodel

ROOT = Path(__file__).resolve().parents[1]


def _pyproject_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        version = tomllib.load(handle)["project"]["version"]
    assert isinstance(version, str)
    return version


def test_package_version_is_the_pyproject_version() -> None:
    assert treasurymodel.__version__ == _pyproject_version()


def test_citation_names_the_current_version() -> None:
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^cff-version: 1\.2\.0$", text, re.M)
    versions = re.findall(r"^version: (\S+)$", text, re.M)
    assert versions == [_pyproject_version()]
    (released,) = re.findall(r'^date-released: "(\d{4}-\d{2}-\d{2})"$', text, re.M)
    dt.date.fromisoformat(released)


def test_changelog_has_a_dated_section_for_the_current_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", text, re.M)
    assert headings[0] == ("Unreleased", "")
    released = dict(headings[1:])
    version = _pyproject_version()
    assert version in released, f"CHANGELOG.md has no section for {version}"
    dt.date.fromisoformat(released[version])
    # every released section has a link definition at the bottom, as Keep a Changelog asks
    for name in ["Unreleased", *released]:
        assert re.search(rf"^\[{re.escape(name)}\]: https://", text, re.M), name


def test_changelog_speaks_to_users_without_internal_issue_numbers() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert not re.findall(r"\bissue \d+", text, re.I)
