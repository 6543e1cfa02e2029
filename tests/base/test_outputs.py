"""One command's outputs: inputs never replaced, every output written or none."""

from __future__ import annotations

import os

import pytest

from slmap.base import outputs as outputs_module
from slmap.base.errors import ExportError
from slmap.base.outputs import OutputSet, clean_leftovers


def test_a_hard_link_to_an_input_is_refused(tmp_path):
    (tmp_path / "reg.csv").write_bytes(b"register")
    os.link(tmp_path / "reg.csv", tmp_path / "out.csv")
    with pytest.raises(ExportError, match="is an input of this command"):
        OutputSet([tmp_path / "reg.csv"], overwrite=True).add(tmp_path / "out.csv")


def test_a_shapefile_inputs_parts_are_inputs(tmp_path):
    outs = OutputSet([tmp_path / "xa.shp"], overwrite=True)
    with pytest.raises(ExportError, match=r"xa\.dbf is an input"):
        outs.add(tmp_path / "xa.dbf")


def test_a_folder_output_holding_an_input_is_refused(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "reg.csv").write_bytes(b"register")
    outs = OutputSet([tmp_path / "data" / "reg.csv"], overwrite=True)
    with pytest.raises(ExportError, match="is an input"):
        outs.add(tmp_path / "data", folder=True)


def test_an_output_inside_an_input_folder_of_tiles_is_refused(tmp_path):
    (tmp_path / "dem").mkdir()
    (tmp_path / "dem" / "t1.tif").write_bytes(b"tile")
    outs = OutputSet([tmp_path / "dem"], overwrite=True)
    with pytest.raises(ExportError, match="is an input"):
        outs.add(tmp_path / "dem" / "t1.tif")


def test_an_output_declared_late_is_checked_at_once(tmp_path):
    (tmp_path / "b.csv").write_bytes(b"old")
    outs = OutputSet()
    outs.add(tmp_path / "a.csv")
    outs.check()
    with pytest.raises(ExportError, match=r"b\.csv already exists"):
        outs.add(tmp_path / "b.csv")


def test_a_file_written_but_not_declared_fails_the_whole_set(tmp_path):
    outs = OutputSet()
    outs.add(tmp_path / "a.csv")
    outs.check()
    outs.stage(tmp_path / "a.csv").write_text("a")
    (outs.stage(tmp_path / "a.csv").parent / "surprise.txt").write_text("?")
    with pytest.raises(ExportError, match="not declared"):
        outs.commit()
    assert list(tmp_path.iterdir()) == []


def test_a_failed_move_puts_every_old_file_back(tmp_path, monkeypatch):
    for name in ("a.csv", "b.csv"):
        (tmp_path / name).write_text(f"old {name}")
    outs = OutputSet(overwrite=True)
    outs.add(tmp_path / "a.csv", tmp_path / "b.csv")
    outs.check()
    for name in ("a.csv", "b.csv"):
        outs.stage(tmp_path / name).write_text("new")
    real, calls = os.replace, []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 4:  # a.csv moved aside and replaced, b.csv moved aside: fail
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(outputs_module.os, "replace", flaky)
    with pytest.raises(ExportError, match=r"disk is full.*nothing was written"):
        outs.commit()
    monkeypatch.undo()
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {
        "a.csv": "old a.csv",
        "b.csv": "old b.csv",
    }


def test_an_error_inside_the_block_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError), OutputSet() as outs:
        outs.add(tmp_path / "a.csv")
        outs.check()
        outs.stage(tmp_path / "a.csv").write_text("half")
        raise RuntimeError("writer crashed")
    assert list(tmp_path.iterdir()) == []


def test_only_slmap_temporaries_of_finished_runs_are_cleaned(tmp_path):
    (tmp_path / ".slmap-partial-notapid-x").write_text("?")
    (tmp_path / ".hidden").write_text("user's")
    (tmp_path / f".slmap-partial-{os.getpid()}-x").write_text("mine")
    assert clean_leftovers(tmp_path) == []
