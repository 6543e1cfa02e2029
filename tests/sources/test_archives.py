"""Archives are checked for their declared uncompressed size before anything inflates them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from slmap.base.errors import InputError
from slmap.sources import archives, read_boundaries, read_register
from slmap.sources.archives import check_archive


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_total_over_the_limit_names_file_and_both_sizes(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(archives, "UNCOMPRESSED_LIMIT", 1 << 20)
    path = _zip(tmp_path / "big.kmz", {"doc.kml": b"<kml>" + b" " * (2 << 20) + b"</kml>"})
    with pytest.raises(
        InputError,
        match=r"big\.kmz: the KMZ file is 0\.0 MiB compressed but its "
        r"members declare 2\.0 MiB uncompressed; expected at most 1\.0 MiB",
    ):
        read_boundaries(path)


def test_absurd_ratio_is_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(archives, "RATIO_FLOOR", 1 << 20)
    path = _zip(tmp_path / "b.zip", {"a.shp": b"\0" * (4 << 20), "a.shx": b"", "a.dbf": b""})
    with pytest.raises(InputError, match=r"b\.zip: the zip file .* times\); expected at most 200"):
        read_boundaries(path)


def test_an_excel_workbook_is_checked_too(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(archives, "UNCOMPRESSED_LIMIT", 1000)
    path = _zip(tmp_path / "v.xlsx", {"xl/worksheets/sheet1.xml": b"<a/>" * 500})
    with pytest.raises(InputError, match=r"v\.xlsx: the Excel workbook .* declare"):
        read_register(path)


def test_ordinary_archives_pass_and_broken_ones_are_left_to_the_reader(tmp_path) -> None:
    ok = _zip(tmp_path / "ok.kmz", {"doc.kml": b"<kml/>" * 1000})
    assert check_archive(ok) == 6000
    broken = tmp_path / "broken.kmz"
    broken.write_bytes(b"PK\x03\x04 not really")
    assert check_archive(broken) is None
    with pytest.raises(InputError, match="not a valid KMZ file"):
        read_boundaries(broken)
