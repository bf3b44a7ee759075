"""User-side typing tests: code written the way the documentation shows it.

Every ``check_*.py`` file here is type-checked by mypy --strict and by pyright (basic mode):
``nox -s typing``. ``typing.assert_type`` pins the return types that matter (a float in gives
a float, an array-like in gives a float64 array), so a checker that infers another type fails.
The files also run (tests/test_typing_files.py), with run-time checks of the same types, so
what the annotations promise is what the library returns.
"""
