"""The model cache: a hit equals a fresh build; any change, damage or --no-cache rebuilds.

Every test runs in its own cache folder (``SLMAP_CACHE_DIR`` under ``tmp_path``), never
the user's. Small inputs are built in code (squares around official centres, a register
with Vietnamese headers); the Sơn La test reads the real boundaries at run time.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from geopandas.testing import assert_geodataframe_equal

import slmap.admin.approx
import slmap.model.build
from slmap.admin.approx import approximate_communes
from slmap.cli import cli
from slmap.model import load_coverage
from slmap.sources import PINNED, cache_keys

HEADER = "Mã bản,Tên bản,Mã xã,Số hộ,Số dân,Sóng,Cáp quang\n"
ROWS = (
    "B1,Bản Nà Tấu,03646,120,500,4G,có\n"
    "B2,Bản Pá Hốc,03646,80,300,3G,không\n"
    "B3,Bản Co Mạ,03646,-5,200,2G,x\n"  # bad households: rejected with --keep-going
)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder, a small boundary file and register, and a build counter."""
    from corpus._build import squares

    monkeypatch.setenv("SLMAP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SLMAP_DATA_DIR", raising=False)
    monkeypatch.delenv("SLMAP_CACHE_MAX_MB", raising=False)
    squares().to_file(tmp_path / "communes.geojson", driver="GeoJSON")
    (tmp_path / "villages.csv").write_text(HEADER + ROWS, encoding="utf-8")
    return tmp_path


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the models really built (a cache hit builds none)."""
    calls: list[int] = []
    real = slmap.model.build.build_model

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(slmap.model.build, "build_model", counting)
    return calls


def _load(folder: Path, **kwargs):
    return load_coverage(
        folder / "communes.geojson", folder / "villages.csv", keep_going=True, **kwargs
    )


def _models(folder: Path) -> list[Path]:
    return sorted((folder / "cache" / "models").glob("*.zip"))


def assert_models_equal(a, b) -> None:
    """Every table (values, dtypes, index, geometry, attrs) and every other field equal."""
    for name in ("communes", "villages", "districts", "province"):
        left, right = getattr(a, name), getattr(b, name)
        assert (left is None) == (right is None), name
        if left is not None:
            assert_geodataframe_equal(left, right, check_less_precise=False)
            assert left.attrs == right.attrs, name
    pd.testing.assert_frame_equal(a.rejects, b.rejects)
    assert a.problems == b.problems
    assert [p.feature for p in a.problems] == [p.feature for p in b.problems]
    assert a.provenance == b.provenance
    assert a.read_count == b.read_count


def test_hit_equals_a_fresh_build(folder: Path, builds: list[int]) -> None:
    first = _load(folder)
    hit = _load(folder)
    fresh = _load(folder, use_cache=False)
    assert len(builds) == 2  # the first load and --no-cache; the second was a hit
    assert len(first.rejects) == 1 and first.problems  # something to keep besides the tables
    assert_models_equal(hit, fresh)
    assert len(_models(folder)) == 1


def test_a_changed_input_byte_rebuilds(folder: Path, builds: list[int]) -> None:
    before = _load(folder)
    register = folder / "villages.csv"
    register.write_bytes(register.read_bytes().replace(b"120,500", b"121,500"))
    after = _load(folder)
    assert len(builds) == 2
    assert after.villages["households"].iloc[0] == 121 != before.villages["households"].iloc[0]
    assert len(_models(folder)) == 2


def test_a_changed_option_rebuilds(folder: Path, builds: list[int]) -> None:
    _load(folder)
    _load(folder, as_of="2022-12-31")
    assert len(builds) == 2


def test_changed_slmap_source_rebuilds(folder: Path, builds: list[int], monkeypatch) -> None:
    _load(folder)
    monkeypatch.setattr(cache_keys, "source_digest", lambda: "another commit")
    _load(folder)
    assert len(builds) == 2


def test_entries_of_another_source_are_dropped_when_a_new_one_is_written(
    folder: Path, builds: list[int], monkeypatch
) -> None:
    _load(folder)
    _load(folder, as_of="2022-12-31")
    older = _models(folder)
    assert len(older) == 2
    monkeypatch.setattr(cache_keys, "source_digest", lambda: "a newer commit")
    _load(folder)
    (kept,) = _models(folder)
    assert kept not in older and len(builds) == 3
    _load(folder, as_of="2022-12-31")  # same source: both entries of the newer one stay
    assert len(_models(folder)) == 2


def test_clear_on_a_read_only_cache_is_one_line(folder: Path, monkeypatch) -> None:
    _load(folder)
    real = Path.unlink

    def refuse(path: Path, *args, **kwargs) -> None:
        if "cache" in path.parts:
            raise PermissionError(13, "Permission denied", str(path))
        real(path, *args, **kwargs)

    monkeypatch.setattr(Path, "unlink", refuse)
    result = CliRunner().invoke(cli, ["cache", "clear"])
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.stderr
    assert re.fullmatch(
        r"error: .*cache[/\\]models: cannot remove 1 cached file\(s\) \(Permission denied; "
        r"0 removed\); the cache folder is read-only or not yours: .*SLMAP_CACHE_DIR.*",
        lines[0],
    ), lines[0]


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_a_damaged_entry_rebuilds_silently(folder: Path, builds: list[int], damage) -> None:
    first = _load(folder)
    (entry,) = _models(folder)
    data = entry.read_bytes()
    entry.write_bytes(
        {"truncate": data[: len(data) // 2], "garbage": b"x" * len(data), "empty": b""}[damage]
    )
    again = _load(folder)
    assert len(builds) == 2
    assert_models_equal(first, again)
    assert entry.read_bytes() != b"" and len(_models(folder)) == 1  # rewritten whole
    _load(folder)
    assert len(builds) == 2  # and read again


def test_no_cache_rebuilds_and_writes_nothing(folder: Path, builds: list[int]) -> None:
    _load(folder, use_cache=False)
    _load(folder, use_cache=False)
    assert len(builds) == 2
    assert not (folder / "cache").exists()


def test_no_cache_option_on_the_command_line(folder: Path, builds: list[int]) -> None:
    args = ["stats", "--boundaries", str(folder / "communes.geojson")]
    args += ["--register", str(folder / "villages.csv"), "--keep-going", "--overwrite"]
    args += ["--rejects", str(folder / "rejects.csv")]
    runner = CliRunner()
    uncached = runner.invoke(cli, [*args, "--no-cache"])
    assert uncached.exit_code == 0, uncached.output
    assert not (folder / "cache").exists()
    first = runner.invoke(cli, args)
    hit = runner.invoke(cli, args)
    assert first.exit_code == hit.exit_code == 0
    assert len(builds) == 2  # --no-cache and the first cached run; the third was a hit
    # the layouts and the rejects the first run printed are printed again on a hit
    assert "layout: boundaries" in first.stderr and "rejected 1 of 3 rows" in first.stderr
    assert hit.stderr == first.stderr == uncached.stderr
    assert hit.stdout == first.stdout


def test_son_la_warnings_are_printed_again_on_a_hit(upstream_env: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["query", "uncovered", "--format", "csv"])
    hit = runner.invoke(cli, ["query", "uncovered", "--format", "csv"])
    assert first.exit_code == hit.exit_code == 0, first.output
    assert first.stderr.count("warning:") >= 2
    assert hit.stderr == first.stderr
    assert hit.stdout == first.stdout and hit.stdout.count("\n") == 124  # header + 123


def test_son_la_hit_equals_a_fresh_build(upstream_env: Path) -> None:
    first = load_coverage()
    hit = load_coverage()
    fresh = load_coverage(use_cache=False)
    assert int(hit.province["villages_no_mbb"].iloc[0]) == 123
    assert_models_equal(hit, fresh)
    assert_models_equal(first, fresh)


def test_approximate_communes_are_cached(folder: Path, monkeypatch) -> None:
    calls: list[int] = []
    real = slmap.admin.approx._built

    def counting(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(slmap.admin.approx, "_built", counting)
    first = approximate_communes("14")
    hit = approximate_communes("14")
    assert len(calls) == 1
    assert_geodataframe_equal(first, hit, check_less_precise=False)
    assert first.attrs == hit.attrs
    assert hit.attrs["problems"] == first.attrs["problems"]
    approximate_communes("11")
    assert len(calls) == 2
    assert len(list((folder / "cache" / "approx").glob("*.zip"))) == 2


def test_older_layout_split_is_cached_and_keyed_by_geometry(folder: Path, monkeypatch) -> None:
    import slmap.admin.approx_2023
    from slmap.admin.approx_2023 import older_layout_communes

    calls: list[int] = []
    real = slmap.admin.approx_2023._split
    monkeypatch.setattr(slmap.admin.approx_2023, "_split", lambda *a: calls.append(1) or real(*a))
    communes = approximate_communes("14")
    first, notes = older_layout_communes(communes, "2023")
    hit, hit_notes = older_layout_communes(communes, "2023")
    assert len(calls) == 1 and notes == hit_notes
    assert_geodataframe_equal(first, hit, check_less_precise=False)
    moved = communes.copy()
    moved.geometry = moved.geometry.translate(1e-4, 0)
    older_layout_communes(moved, "2023")
    assert len(calls) == 2


def test_eviction_keeps_the_newest_under_the_cap(folder: Path, monkeypatch) -> None:
    _load(folder)
    (older,) = _models(folder)
    monkeypatch.setenv("SLMAP_CACHE_MAX_MB", "0.000001")  # smaller than any entry
    _load(folder, as_of="2022-12-31")
    (kept,) = _models(folder)
    assert kept != older and not older.exists()


def test_cache_info_and_clear(folder: Path) -> None:
    _load(folder)
    approximate_communes("14")
    download = folder / "cache" / PINNED["communes"].filename
    download.write_text("{}", encoding="utf-8")
    runner = CliRunner()
    info = runner.invoke(cli, ["cache", "info"])
    assert info.exit_code == 0, info.output
    assert str(folder / "cache") in info.stdout
    assert "models/: 1 entry" in info.stdout and "approx/: 1 entry" in info.stdout
    assert "register villages.csv" not in info.stdout  # the path is shown whole
    assert str(folder / "villages.csv") in info.stdout
    assert "downloaded boundary files: 1" in info.stdout
    cleared = runner.invoke(cli, ["cache", "clear"])
    assert cleared.exit_code == 0 and "removed 2 file(s)" in cleared.stdout
    assert _models(folder) == [] and download.exists()
    everything = runner.invoke(cli, ["cache", "clear", "--all"])
    assert everything.exit_code == 0 and "removed 1 file(s)" in everything.stdout
    assert not download.exists()


def test_an_unwritable_cache_only_costs_time(folder: Path, builds, monkeypatch) -> None:
    (folder / "cache").write_text("a file where the folder should be", encoding="utf-8")
    first = _load(folder)
    again = _load(folder)
    assert len(builds) == 2
    assert_models_equal(first, again)
