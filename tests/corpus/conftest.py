"""Fixtures of the hostile-input corpus (synthetic files only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._build import squares


@pytest.fixture(scope="session")
def corpus_boundaries(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three square communes around official Sơn La centres, as GeoJSON."""
    path = tmp_path_factory.mktemp("boundaries") / "three_communes.geojson"
    squares().to_file(path, driver="GeoJSON")
    return path


@pytest.fixture(autouse=True)
def _no_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Corpus runs never read the user's data folder or cache."""
    monkeypatch.delenv("SLMAP_DATA_DIR", raising=False)
    monkeypatch.setenv("SLMAP_CACHE_DIR", str(tmp_path / "cache"))
