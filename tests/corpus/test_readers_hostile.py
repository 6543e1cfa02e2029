"""Hostile files for every reader: characters no format can hold, stray quotes, long cells.

Each case gets a one-line answer, never a traceback; the register cases go
through ``slmap validate`` and check the values loaded (see ``_registers.py``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ._build import COMMUNE_NAMES, Case, csv_text, register
from ._registers import check_register_case, csv_file


def _with_names() -> pd.DataFrame:
    """The base register with each village's official commune name."""
    frame = register()
    frame.insert(3, "Tên xã", [COMMUNE_NAMES[c] for c in frame["Mã xã"]])
    return frame


def _forbidden() -> str:
    frame = _with_names()
    frame.loc[1, "Tên bản"] = "Bản\x01 Hua Nà"
    frame.loc[2, "Tên xã"] = "Phường Chiềng\ufffe Cơi"
    return csv_text(frame)


CASES = [
    Case(
        "forbidden_characters",
        csv_file("ctrl.csv", _forbidden()),
        0,
        [
            r"ctrl\.csv: row 3, column 'Tên bản': removed 2 character\(s\) that XML and "
            r"Excel cannot hold",
            r"6 loaded",
        ],
        absent=[r"removed \d+ character.*\n.*removed \d+ character"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case(case: Case, tmp_path: Path, corpus_boundaries: Path) -> None:
    check_register_case(case, tmp_path, corpus_boundaries)
