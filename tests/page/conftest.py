"""Fixtures of the page tests: a real Chromium, or a clear skip (a failure under CI)."""

from __future__ import annotations

import pytest

from _browser import chromium_path
from _env import in_ci


@pytest.fixture(scope="session")
def browser_ready() -> None:
    """Skip locally without Chromium or Playwright; fail under CI."""
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "the playwright Python package is not installed"
    if problem is None and chromium_path() is None:
        problem = "Chromium not found (/usr/bin/chromium; apt-get install chromium)"
    if problem:
        if in_ci():
            pytest.fail(problem + " (required under CI)")
        pytest.skip(problem)
