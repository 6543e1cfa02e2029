"""A Shapefile's parts move together: stale parts of an earlier write are never left beside it."""

from __future__ import annotations

import pytest

from slmap.base.atomic import atomic_path
from slmap.base.errors import ExportError


def _write_parts(tmp, parts: dict[str, bytes]) -> None:
    for ext, data in parts.items():
        tmp.with_name(tmp.stem + ext).write_bytes(data)


def test_stale_siblings_of_an_earlier_write_are_removed(tmp_path):
    shp = tmp_path / "roads.shp"
    old = {".shp": b"old", ".shx": b"old", ".dbf": b"old", ".prj": b"old", ".cpg": b"old"}
    old |= {".qix": b"old index", ".shp.fields.csv": b"old fields"}
    _write_parts(shp, old)
    with atomic_path(shp, overwrite=True) as tmp:
        _write_parts(tmp, {".shp": b"new", ".shx": b"new", ".dbf": b"new", ".cpg": b"UTF-8"})
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["roads.cpg", "roads.dbf", "roads.shp", "roads.shx"]
    assert all(p.read_bytes() in (b"new", b"UTF-8") for p in tmp_path.iterdir())


def test_an_existing_sibling_alone_refuses_the_write(tmp_path):
    (tmp_path / "roads.qix").write_bytes(b"index of an older set")
    refused = pytest.raises(ExportError, match=r"roads\.qix already exists")
    with refused, atomic_path(tmp_path / "roads.shp") as tmp:
        _write_parts(tmp, {".shp": b"new"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roads.qix"]


def test_failed_write_leaves_every_old_part_in_place(tmp_path):
    shp = tmp_path / "roads.shp"
    old = {".shp": b"old", ".shx": b"old", ".dbf": b"old", ".qix": b"old"}
    _write_parts(shp, old)
    with pytest.raises(RuntimeError), atomic_path(shp, overwrite=True) as tmp:
        _write_parts(tmp, {".shp": b"half"})
        raise RuntimeError("writer crashed")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {
        f"roads{ext}": data for ext, data in old.items()
    }
