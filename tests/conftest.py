"""Test-session configuration: hypothesis profiles.

Profiles: ``ci`` (the default: 40 examples, no deadline, derandomized so that every CI run
draws the same examples and a failure reproduces), ``dev`` (20 examples, quick local loop) and
``thorough`` (500 examples). ``dev`` and ``thorough`` draw new examples on every run. Choose one
with ``HYPOTHESIS_PROFILE=thorough``. Tests that pin ``max_examples`` keep their own budget.
The fuzz suite (``tests/test_fuzz.py``) runs 50 mutated files per example of the profile and
syntax: 2,000 in ``ci``, 25,000 in ``thorough`` (with a new seed each run).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    deadline=None,
    max_examples=40,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev", deadline=None, max_examples=20, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", deadline=None, max_examples=500, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
