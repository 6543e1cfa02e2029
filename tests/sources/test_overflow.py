"""Numbers too large for a count, or not finite, are cell errors, never a crash."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from slmap.base.values import MAX_COUNT, parse_float, parse_int
from slmap.cli import cli

HUGE = ("99999999999999999999", "1e400", "inf", "-inf", "Infinity", "nan")


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No data folder and an empty cache: approximate boundaries, no network."""
    monkeypatch.delenv("SLMAP_DATA_DIR", raising=False)
    monkeypatch.setenv("SLMAP_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.mark.parametrize("text", HUGE)
def test_parse_int_refuses_numbers_no_count_can_hold(text):
    with pytest.raises(ValueError, match=r"expected .*found") as info:
        parse_int(text)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize("text", ["1e400", "inf", "-inf", "nan", "-1e999"])
def test_parse_float_refuses_non_finite_text(text):
    with pytest.raises(ValueError, match="expected a finite number") as info:
        parse_float(text)
    assert repr(text) in str(info.value)


def test_largest_count_still_parses():
    assert parse_int(str(MAX_COUNT)) == MAX_COUNT
    with pytest.raises(ValueError, match="up to"):
        parse_int(str(MAX_COUNT * 2))
    assert parse_float(float("nan")) is None  # an empty Excel cell stays blank


def _cli(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("value", ["99999999999999999999", "1e400", "inf"])
def test_register_with_overflowing_cells_names_each_cell(offline, value):
    path = offline / "v.csv"
    path.write_text(
        "village_id,village_name,commune_code,households,population,mobile_signal,fibre,"
        "fibre_households,lon,lat\n"
        f"V1,Bản A,03646,{value},100,4g,có,,104.0,21.3\n"
        f"V2,Bản B,03646,5,{value},4g,có,{value},{value},21.3\n"
        f"V3,Bản C,03646,5,10,4g,có,,104.0,{value}\n",
        encoding="utf-8",
    )
    result = _cli("validate", "--register", str(path))
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    for row, column in ((2, "households"), (3, "population"), (3, "fibre_households")):
        hits = [
            line
            for line in lines
            if f"{path}: row {row}, column '{column}'" in line and repr(value) in line
        ]
        assert hits, (row, column, result.stderr)
        assert "expected" in hits[0]
    for row, column in ((3, "lon"), (4, "lat")):  # finite but absurd degrees: outside Vietnam
        assert any(f"row {row}, column '{column}'" in line and "expected" in line for line in lines)


def test_statistics_with_overflowing_cells_names_each_cell(offline):
    stats = offline / "stats.csv"
    stats.write_text(
        "commune_code,households,population,fibre_households\n"
        "03646,99999999999999999999,1e400,inf\n",
        encoding="utf-8",
    )
    result = _cli("stats", "--level", "province", "--statistics", str(stats))
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.stderr
    for column, found in (
        ("households", "99999999999999999999"),
        ("population", "1e400"),
        ("fibre_households", "inf"),
    ):
        assert any(
            f"{stats}: row 2, column '{column}'" in line and repr(found) in line
            for line in result.stderr.splitlines()
        ), (column, result.stderr)
