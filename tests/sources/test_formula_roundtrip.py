"""slmap's own CSV (``csv_bytes`` guards formula cells) reads back with every name exact."""

from __future__ import annotations

import pandas as pd
import pytest

from slmap.base.atomic import csv_bytes
from slmap.sources import csv_cells, read_register, read_statistics
from slmap.sources.uncovered_list import read_uncovered_list

NAMES = ["=1+1", "-", "'=x", "+84 912", "@home", "Bản Mé", "''=y", "'Bản", "-5"]


def _register() -> pd.DataFrame:
    n = len(NAMES)
    return pd.DataFrame(
        {
            "village_id": [f"B{i}" for i in range(n)],
            "village_name": NAMES,
            "commune_code": ["03646"] * n,
            "households": [str(10 + i) for i in range(n)],
            "population": [str(50 + i) for i in range(n)],
            "mobile_signal": ["4g"] * n,
            "fibre": ["yes"] * n,
            "note": list(reversed(NAMES)),
        }
    )


@pytest.mark.parametrize("fast", [True, False], ids=["c_parser", "csv_module"])
def test_export_then_read_keeps_names_exact(tmp_path, monkeypatch, fast) -> None:
    frame = _register()
    path = tmp_path / "villages.csv"
    path.write_bytes(csv_bytes(frame))
    assert "'=1+1" in path.read_text(encoding="utf-8-sig")  # the writer did guard
    if not fast:
        monkeypatch.setattr(csv_cells, "fast_cells", lambda text, delimiter: None)
    read = read_register(path).frame
    pd.testing.assert_frame_equal(
        read[list(frame.columns)].astype(object), frame.astype(object), check_dtype=False
    )


def test_statistics_and_lists_are_unguarded_too(tmp_path) -> None:
    stats = tmp_path / "s.csv"
    stats.write_bytes(
        csv_bytes(
            pd.DataFrame({"commune_code": ["03646"], "households": ["5"], "note": ["=SUM(A1)"]})
        )
    )
    assert read_statistics(stats).frame["note"].tolist() == ["=SUM(A1)"]
    listed = tmp_path / "l.csv"
    listed.write_bytes(
        csv_bytes(
            pd.DataFrame(
                {"STT": ["1"], "Huyện": ["Mai Sơn"], "Xã": ["Chiềng Mung"], "Tên bản": ["=Nà"]}
            )
        )
    )
    assert read_uncovered_list(listed).frame["village_name"].tolist() == ["=Nà"]


def test_a_column_name_read_from_a_file_is_guarded_and_restored(tmp_path) -> None:
    """A register's own column can be named like a formula: written guarded, read back exact."""
    frame = _register().rename(columns={"note": "=note"})
    path = tmp_path / "villages.csv"
    path.write_bytes(csv_bytes(frame))
    assert path.read_text(encoding="utf-8-sig").splitlines()[0].endswith(",'=note")
    assert "=note" in read_register(path).frame.columns
