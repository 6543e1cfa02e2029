"""Where the tests run: under CI a missing requirement fails instead of skipping."""

from __future__ import annotations

import os


def in_ci() -> bool:
    """True when ``CI`` is set (to anything but an empty, 0, false or no)."""
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
