"""A 100,000-row register loads whole and correct, with progress on a terminal.

How long it takes is measured by ``bench/run.py``, not asserted here.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

import slmap.sample.registers as synthetic
from slmap.admin import registry
from slmap.model.validate import check_register
from slmap.sources import read_register

from ._build import counts, csv_text, register, run, squares

ROWS = 100_000


@pytest.fixture(scope="module")
def big_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    frame = synthetic.generate_register("14", villages=ROWS)
    path = tmp_path_factory.mktemp("big") / "villages_100k.csv"
    frame.to_csv(path, index=False)
    return path


def test_read_and_check_100k_rows(big_register: Path) -> None:
    table = read_register(big_register)
    typed, problems = check_register(table.frame, table.headers, table.source)
    assert len(typed) == ROWS
    assert not [p for p in problems if p.severity == "error"]


def test_validate_100k_rows_cli(big_register: Path, tmp_path: Path) -> None:
    codes = tuple(registry.communes("2025", "14")["commune_code"])
    boundaries = tmp_path / "all_communes.geojson"
    squares(codes, half=0.05).to_file(boundaries, driver="GeoJSON")
    out = run(["--register", str(big_register), "--boundaries", str(boundaries)])
    assert out.exit_code == 0, out.stderr
    assert counts(out.stdout) == (ROWS, ROWS, 0)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "v.csv"
    path.write_text(csv_text(register(60)), encoding="utf-8")
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    table = read_register(path)
    check_register(table.frame, table.headers, table.source)
    assert "checking 60 rows" in terminal.getvalue() or "reading v.csv" in terminal.getvalue()
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    table = read_register(path)
    check_register(table.frame, table.headers, table.source)
    assert piped.getvalue() == ""
