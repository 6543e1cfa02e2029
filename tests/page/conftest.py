"""Fixtures of the page tests: a real Chromium, or a clear skip (a failure under CI)."""

from __future__ import annotations

import pytest

from _browser import require_chromium


@pytest.fixture(scope="session")
def browser_ready() -> None:
    """Skip locally without Chromium or Playwright; fail under CI."""
    require_chromium()
