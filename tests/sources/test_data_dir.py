"""An explicitly set SLMAP_DATA_DIR that is wrong is an error, never a silent fallback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from slmap.admin.locate import locate_boundaries
from slmap.base.errors import BoundariesNotFoundError
from slmap.cli import cli
from slmap.sources import PINNED, find_pinned

FILES = [p.filename for p in PINNED.values()]


@pytest.fixture
def cache(monkeypatch, tmp_path):
    monkeypatch.setenv("SLMAP_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def test_missing_folder_is_an_error_naming_it_and_the_files(cache, monkeypatch):
    missing = cache / "no_such_folder"
    monkeypatch.setenv("SLMAP_DATA_DIR", str(missing))
    with pytest.raises(BoundariesNotFoundError) as info:
        locate_boundaries()
    message = str(info.value)
    assert str(missing) in message and "no such folder" in message
    assert all(name in message for name in FILES)


def test_folder_without_pinned_files_is_an_error(cache, monkeypatch):
    empty = cache / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("x", encoding="utf-8")
    monkeypatch.setenv("SLMAP_DATA_DIR", str(empty))
    with pytest.raises(BoundariesNotFoundError, match="none of the pinned files") as info:
        find_pinned("communes")
    assert str(empty) in str(info.value) and all(n in str(info.value) for n in FILES)
    assert "they are in" not in str(info.value)


def test_parent_of_the_right_folder_points_to_the_subfolder(cache, monkeypatch):
    parent = cache / "geodata"
    (parent / "upstream").mkdir(parents=True)
    (parent / "upstream" / FILES[1]).write_bytes(b"{}")
    monkeypatch.setenv("SLMAP_DATA_DIR", str(parent))
    with pytest.raises(BoundariesNotFoundError) as info:
        find_pinned("districts")
    assert f"SLMAP_DATA_DIR={parent / 'upstream'}" in str(info.value)


def test_a_file_instead_of_a_folder_is_an_error(cache, monkeypatch):
    path = cache / FILES[0]
    path.write_bytes(b"{}")
    monkeypatch.setenv("SLMAP_DATA_DIR", str(path))
    with pytest.raises(BoundariesNotFoundError, match="is a file, not a folder"):
        find_pinned("communes")


def test_folder_with_one_pinned_file_is_used(cache, monkeypatch):
    folder = cache / "data"
    folder.mkdir()
    (folder / FILES[1]).write_bytes(b"{}")
    monkeypatch.setenv("SLMAP_DATA_DIR", str(folder))
    assert find_pinned("districts") == folder / FILES[1]
    assert find_pinned("communes") is None


def test_cli_exits_1_with_one_line_instead_of_approximate_boundaries(cache, monkeypatch):
    parent = cache / "geodata"
    (parent / "upstream").mkdir(parents=True)
    (parent / "upstream" / FILES[0]).write_bytes(b"{}")
    monkeypatch.setenv("SLMAP_DATA_DIR", str(parent))
    result = CliRunner().invoke(cli, ["stats", "--level", "province"])
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: SLMAP_DATA_DIR={parent}:")
    assert "upstream" in lines[0] and "APPROXIMATE" not in result.output


def test_unset_data_dir_still_falls_back_to_approximate(cache, monkeypatch):
    monkeypatch.delenv("SLMAP_DATA_DIR", raising=False)
    communes, _ = locate_boundaries()
    assert communes.schema == "approx" and len(communes.communes) == 75
