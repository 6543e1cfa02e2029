"""Keeps every test and doctest (tests/ and src/) away from the user's real cache folder.

slmap keeps models and approximate communes in the cache folder
(``SLMAP_CACHE_DIR``); each test gets an empty one of its own, so no test
starts from another test's entries. Tests that need a cache folder of their
own still set ``SLMAP_CACHE_DIR`` themselves.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def session_cache_folder(tmp_path_factory: pytest.TempPathFactory):
    """A cache folder for session-scoped fixtures, never the user's."""
    patch = pytest.MonkeyPatch()
    patch.setenv("SLMAP_CACHE_DIR", str(tmp_path_factory.mktemp("cache") / "slmap"))
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def cache_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """An empty cache folder for each test, outside the test's own ``tmp_path``."""
    monkeypatch.setenv("SLMAP_CACHE_DIR", str(tmp_path_factory.mktemp("cache") / "slmap"))
