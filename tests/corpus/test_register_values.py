"""Hostile village register cells: numbers, yes/no, codes, ids, coordinates, signals.

Each case gets a one-line answer, never a traceback, and the values loaded
are checked; the files themselves (encodings, kinds, headers) are tested in
``test_register_files.py``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ._build import Case, csv_text, register
from ._registers import check_register_case, csv_file

MIXED_BOOLS = ["Có", "KHÔNG", "no", "Yes", "0", "1"]  # not the base's yes/no order
WITH_COORDS = register().assign(**{"Kinh độ": "", "Vĩ độ": ""})


def _edit(**cells: dict[int, str]) -> pd.DataFrame:
    """The base register with some cells replaced: column -> {row index: value}."""
    frame = register()
    for column, values in cells.items():
        for i, v in values.items():
            frame.loc[i, column.replace("_", " ")] = v
    return frame


def _keep_going(folder: Path) -> list[str]:
    frame = _edit(Số_hộ={1: "nhiều"}, Mã_xã={3: "99999"})
    (folder / "some_bad.csv").write_text(csv_text(frame), encoding="utf-8")
    return [
        "--register",
        str(folder / "some_bad.csv"),
        "--keep-going",
        "--rejects",
        str(folder / "out" / "rejects.csv"),
    ]


def _rejects_written(folder: Path) -> None:
    rejects = pd.read_csv(folder / "out" / "rejects.csv", dtype=str, encoding="utf-8-sig")
    assert sorted(rejects["row"].astype(int)) == [3, 5]
    assert rejects["problem"].str.len().gt(0).all()


def _fibre(flags: list[bool]) -> dict[str, dict[str, object]]:
    """Expected fibre value of B001, B002... in order."""
    return {f"B{i + 1:03d}": {"fibre": flag} for i, flag in enumerate(flags)}


def _coords(lon: str, lat: str, sep: str = ",") -> str:
    frame = WITH_COORDS.copy()
    frame.loc[2, "Kinh độ"], frame.loc[2, "Vĩ độ"] = lon, lat
    return csv_text(frame, sep)


CASES = [
    Case(
        "decimal_comma_semicolon",
        csv_file("dc.csv", _coords("103,92", "21,33", ";")),
        0,
        [r"6 loaded"],
        values={"B003": {"lon": 103.92, "lat": 21.33}},
    ),
    Case(
        "thousands_separators",
        csv_file("k.csv", csv_text(_edit(Số_hộ={0: "1.234"}, Số_dân={0: "5,678"}))),
        0,
        [r"6 loaded"],
        values={"B001": {"households": 1234, "population": 5678}},
    ),
    Case(
        "percent_in_count",
        csv_file("pct.csv", csv_text(_edit(Số_hộ={2: "45%"}))),
        1,
        [r"pct\.csv: row 4, column 'Số hộ': expected a whole number, found a percentage '45%'"],
    ),
    Case(
        "blank_required",
        csv_file("blank.csv", csv_text(_edit(Số_dân={1: ""}))),
        1,
        [r"blank\.csv: row 3, column 'Số dân': value missing"],
    ),
    Case(
        "text_in_number",
        csv_file("txt.csv", csv_text(_edit(Số_hộ={0: "khoảng 40"}))),
        1,
        [r"txt\.csv: row 2, column 'Số hộ': expected a number, found 'khoảng 40'"],
    ),
    Case(
        "booleans_mixed",
        csv_file("b.csv", csv_text(_edit(Cáp_quang=dict(enumerate(MIXED_BOOLS))))),
        0,
        [r"6 loaded"],
        values=_fibre([True, False, False, True, False, True]),
    ),
    Case(
        "booleans_x_blank",
        csv_file("xb.csv", csv_text(_edit(Cáp_quang=dict(enumerate(["x", "", "X", "", "", "x"]))))),
        0,
        [r"warning: .*xb\.csv: column 'Cáp quang': .*3 blank cell\(s\) read as 'no'"],
        values=_fibre([True, False, True, False, False, True]),
    ),
    Case(
        "boolean_unknown",
        csv_file("bu.csv", csv_text(_edit(Cáp_quang={4: "chưa rõ"}))),
        1,
        [r"bu\.csv: row 6, column 'Cáp quang': expected yes/no .*'chưa rõ'"],
    ),
    Case(
        "leading_zeros_lost",
        csv_file(
            "lz.csv", csv_text(register().assign(**{"Mã xã": lambda f: f["Mã xã"].str.lstrip("0")}))
        ),
        0,
        [r"warning: .*lz\.csv: column 'Mã xã': 6 code\(s\) had lost their leading zeros"],
    ),
    Case(
        "pre_2025_codes",
        csv_file("old.csv", csv_text(_edit(Mã_xã={0: "03649"}))),
        0,
        [r"warning: .*old\.csv: \d+ village\(s\) keyed to 2025-03-layout communes were converted"],
        values={"B001": {"commune_code": "03646"}},  # 03649 merged into Tô Hiệu
    ),
    Case(
        "unknown_code",
        csv_file("unk.csv", csv_text(_edit(Mã_xã={2: "99999"}))),
        1,
        [r"unk\.csv: row 4, column 'Mã xã': unknown commune code '99999'"],
    ),
    Case(
        "code_of_other_province",
        csv_file("hn.csv", csv_text(_edit(Mã_xã={0: "00004"}))),
        1,
        [r"hn\.csv: row 2, column 'Mã xã': unknown commune code '00004' \(it is .*Hà Nội\)"],
    ),
    Case(
        "code_not_digits",
        csv_file("cx.csv", csv_text(_edit(Mã_xã={1: "Chiềng"}))),
        1,
        [r"cx\.csv: row 3, column 'Mã xã': expected a GSO code of up to 5 digits"],
    ),
    Case(
        "duplicate_village_id",
        csv_file("did.csv", csv_text(_edit(Mã_bản={3: "B001"}))),
        1,
        [r"did\.csv: row 5, column 'Mã bản': duplicate village_id 'B001' \(first on row 2\)"],
    ),
    Case(
        "keep_going_rejects",
        _keep_going,
        0,  # usable rows were loaded: exit 0, like map and stats
        [r"rejected 2 of 6 rows \(loaded 4\)", r"6 rows read .*: 4 loaded, 2 rejected"],
        check=_rejects_written,
        rejected=("B002", "B004"),
    ),
    Case(
        "coords_outside_vietnam",
        csv_file("far.csv", _coords("2.35", "48.85")),
        1,
        [r"far\.csv: row 4, column 'Kinh độ': lon 2.35 / lat 48.85 is outside Vietnam"],
    ),
    Case(
        "coords_swapped",
        csv_file("sw.csv", _coords("21.33", "103.9")),
        1,
        [r"sw\.csv: row 4, column 'Kinh độ': lon 21.33 / lat 103.9 look swapped"],
    ),
    Case(
        "village_outside_province",
        csv_file("hanoi.csv", _coords("105.85", "21.03")),
        0,
        [r"warning: .*hanoi\.csv: row 4, column 'Kinh độ': coordinates .* fall outside"],
        values={"B003": {"lon": 105.85, "lat": 21.03}},
    ),
    Case(
        "excel_error_values",
        csv_file("na.csv", csv_text(_edit(Số_hộ={0: "#N/A"}, Số_dân={0: "#VALUE!"}))),
        1,
        [r"na\.csv: row 2, column 'Số hộ': expected a number, found '#N/A'"],
    ),
    Case(
        "signal_variants",
        csv_file("sig.csv", csv_text(_edit(Sóng={0: "4G LTE", 1: "LTE", 2: "Trắng sóng"}))),
        0,
        [r"6 loaded"],
        values={
            "B001": {"mobile_signal": "4g"},
            "B002": {"mobile_signal": "4g", "mobile_broadband": True},
            "B003": {"mobile_signal": "none", "mobile_broadband": False},
        },
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_register_case(case: Case, tmp_path: Path, corpus_boundaries: Path) -> None:
    check_register_case(case, tmp_path, corpus_boundaries)
