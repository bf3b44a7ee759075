"""``python -m treasurymodel``: the same as the ``treasurymodel`` command."""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":  # pragma: no branch
    raise SystemExit(main())
