"""Shared fixtures.

Tests that read the real boundary data in ``../shared/geodata`` use the
``shared_geodata`` fixture: it skips when the folder is absent on a
developer's machine but fails when ``CI`` is set, so CI never passes by
skipping them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from _env import in_ci

REPO = Path(__file__).resolve().parents[1]
SHARED_GEODATA = Path(os.environ.get("SLMAP_SHARED_GEODATA", REPO.parent / "shared" / "geodata"))


@pytest.fixture(scope="session")
def shared_geodata() -> Path:
    """Path of ``../shared/geodata``; skip locally, fail under CI when missing."""
    marker = SHARED_GEODATA / "upstream" / "vietnam-3d-map_wards_14.json"
    if not marker.exists():
        message = f"real boundary data not found at {SHARED_GEODATA}"
        if in_ci():
            pytest.fail(message + " (required under CI)")
        pytest.skip(message)
    return SHARED_GEODATA


@pytest.fixture
def upstream_env(shared_geodata: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point SLMAP_DATA_DIR at the pinned upstream files (the cache folder is already
    the test's own, outside ``tmp_path``, so a test sees only the files it writes)."""
    monkeypatch.setenv("SLMAP_DATA_DIR", str(shared_geodata / "upstream"))
    return shared_geodata / "upstream"


@pytest.fixture(scope="session")
def sample_model(shared_geodata: Path):
    """The coverage model of the embedded sample on the real 75 communes.

    Session-scoped: built once. Do not mutate it in tests.
    """
    from slmap.model import load_coverage

    mp = pytest.MonkeyPatch()
    mp.setenv("SLMAP_DATA_DIR", str(shared_geodata / "upstream"))
    try:
        return load_coverage()
    finally:
        mp.undo()
