"""Tests of slmap.sources.uncovered_list: published lists of villages without mobile broadband.

The lists are built in code, shaped as the Department's reports are (title rows,
district group rows, merged commune cells, subtotals, a total row, signatures),
with real district and commune names of Sơn La from the registry and invented
village names.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from _lists import (
    TITLE,
    Sheet,
    Village,
    commune_group_list,
    expected,
    got,
    grouped_list,
    kinds,
    two_row_header_list,
    villages,
)
from slmap.admin import registry
from slmap.base.errors import InputError
from slmap.base.names import fold
from slmap.sources import sample_register_path
from slmap.sources.uncovered_list import looks_like_uncovered_list, read_uncovered_list
from slmap.sources.uncovered_rows import signal_from_note


@pytest.fixture
def data() -> list[Village]:
    return villages()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_grouped_list_attaches_every_village(tmp_path: Path, data, fmt: str) -> None:
    sheet = grouped_list(data)
    path = getattr(sheet, fmt)(tmp_path / f"list.{fmt}")
    table = read_uncovered_list(path)
    assert got(table.frame) == expected(data)
    assert table.frame.columns[:9].tolist() == [
        "village_id",
        "village_name",
        "commune_name",
        "district_name",
        "households",
        "population",
        "mobile_signal",
        "note",
        "row",
    ]
    assert table.headers["village_name"] == "Tên thôn, bản"
    assert table.headers["population"] == "Số nhân khẩu"
    # every row number points at the row where the village is written
    for name, r in zip(table.frame["village_name"], table.frame["row"], strict=True):
        assert sheet.rows[int(r) - 1][3] == name
    (summary,) = kinds(table, "list_rows")
    assert "read 12 villages" in summary.message
    assert "3 title rows, 2 blank rows, 2 district/commune group rows" in summary.message
    assert "2 subtotal rows, 1 total row, 1 footer row" in summary.message
    assert not [p for p in table.problems if p.severity == "error"]
    assert not kinds(table, "total_mismatch")


def test_population_with_thousands_dot_is_kept_as_written(tmp_path: Path, data) -> None:
    table = read_uncovered_list(grouped_list(data).csv(tmp_path / "list.csv"))
    assert table.frame["population"].iloc[3] == "1.234"


def test_notes_give_the_signal(tmp_path: Path, data) -> None:
    frame = read_uncovered_list(grouped_list(data).xlsx(tmp_path / "l.xlsx")).frame
    want = ["2g" if v.note == "lõm sóng" else "none" for v in data]
    assert frame["mobile_signal"].tolist() == want
    assert signal_from_note("Sóng yếu, chập chờn") == "2g"
    assert signal_from_note("Trắng sóng (lõm sóng cả bản)") == "none"


def test_ids_are_stable_across_reads_and_numbering(tmp_path: Path, data) -> None:
    a = read_uncovered_list(grouped_list(data).xlsx(tmp_path / "a.xlsx")).frame
    b = read_uncovered_list(grouped_list(data).xlsx(tmp_path / "b.xlsx")).frame
    letters = grouped_list(data, numbering=lambda i: f"{i + 10}.")
    c = read_uncovered_list(letters.csv(tmp_path / "c.csv")).frame
    assert a["village_id"].tolist() == b["village_id"].tolist() == c["village_id"].tolist()
    assert a["village_id"].is_unique
    assert a["village_id"].iloc[0] == "sopcop.samkha.navac"
    # a reordered list keeps each village's id
    shuffled = data[6:] + data[:6]
    d = read_uncovered_list(grouped_list(shuffled).xlsx(tmp_path / "d.xlsx")).frame
    assert dict(zip(d["village_name"], d["village_id"], strict=True)) == dict(
        zip(a["village_name"], a["village_id"], strict=True)
    )


def test_same_named_villages_get_distinct_ids_and_a_warning(tmp_path: Path) -> None:
    data = villages(same_name=True)
    table = read_uncovered_list(grouped_list(data).xlsx(tmp_path / "l.xlsx"))
    ids = table.frame["village_id"].tolist()
    assert ids[0] == "sopcop.samkha.navac" and ids[1] == "sopcop.samkha.navac-2"
    assert len(set(ids)) == len(ids)
    (dup,) = kinds(table, "duplicate_village")
    rows = table.frame["row"].iloc[:2].tolist()
    assert f"row {rows[0]} " in dup.message and f"row {rows[1]} " in dup.message
    assert "Bản Nà Vạc" in dup.message
    (derived,) = kinds(table, "derived_ids")
    assert "district, commune and village names" in derived.message


def test_total_that_differs_is_reported_with_both_numbers(tmp_path: Path, data) -> None:
    table = read_uncovered_list(grouped_list(data, total_shift=5).csv(tmp_path / "l.csv"))
    (warning,) = kinds(table, "total_mismatch")
    total = sum(v.households for v in data)
    assert warning.severity == "warning"
    assert f"says households {total + 5}" in warning.message
    assert f"sum to {total}" in warning.message
    assert warning.column == "Số hộ"
    assert len(table.frame) == len(data)


def test_group_row_subtotal_that_differs_is_reported(tmp_path: Path, data) -> None:
    sheet = grouped_list(data)
    group = next(r for r in sheet.rows if r and r[0] == "I")
    group[4] = int(group[4]) + 1
    table = read_uncovered_list(sheet.xlsx(tmp_path / "l.xlsx"))
    (warning,) = kinds(table, "total_mismatch")
    assert warning.row == sheet.rows.index(group) + 1


def test_row_with_numbers_but_no_village_is_an_error(tmp_path: Path, data) -> None:
    sheet = grouped_list(data, no_name_row=True)
    table = read_uncovered_list(sheet.xlsx(tmp_path / "l.xlsx"))
    (error,) = [p for p in table.problems if p.severity == "error"]
    assert error.kind == "missing_village"
    assert error.row == next(i for i, r in enumerate(sheet.rows, 1) if r and r[0] == 99)
    assert error.column == "Tên thôn, bản"
    assert "Số hộ = '35'" in error.message and "expected a village name" in error.message
    assert got(table.frame) == expected(data)


def test_commune_group_rows(tmp_path: Path, data) -> None:
    table = read_uncovered_list(commune_group_list(data).xlsx(tmp_path / "l.xlsx"))
    assert got(table.frame) == expected(data)
    (summary,) = kinds(table, "list_rows")
    assert "8 district/commune group rows, 6 subtotal rows, 1 total row" in summary.message
    assert not kinds(table, "total_mismatch")
    assert table.headers["population"] == "Số khẩu"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_two_row_header(tmp_path: Path, data, fmt: str) -> None:
    path = getattr(two_row_header_list(data), fmt)(tmp_path / f"l.{fmt}")
    table = read_uncovered_list(path)
    assert got(table.frame) == expected(data)
    assert table.headers["households"] == "Quy mô / Số hộ"
    assert table.headers["commune_name"] == "Xã, phường, thị trấn"
    assert table.frame["row"].iloc[0] == 4


def test_new_district_resets_the_commune(tmp_path: Path, data) -> None:
    sheet = two_row_header_list(data)
    sheet.rows[3 + 6][2] = ""  # first village of Vân Hồ written without its commune
    table = read_uncovered_list(sheet.csv(tmp_path / "l.csv"))
    errors = [p for p in table.problems if p.severity == "error"]
    # both villages of that commune lack it: the commune of Sốp Cộp is not carried over
    assert [(e.kind, e.row) for e in errors] == [("missing_commune", 10), ("missing_commune", 11)]
    assert "Huyện Vân Hồ" in errors[0].message
    assert errors[0].column == "Xã, phường, thị trấn"
    assert table.frame["commune_name"].iloc[6:8].tolist() == ["", ""]  # kept, not lost
    assert table.frame["commune_name"].iloc[8] == "Xã Song Khủa"


def test_detection(tmp_path: Path, data) -> None:
    assert looks_like_uncovered_list(grouped_list(data).xlsx(tmp_path / "a.xlsx"))
    assert looks_like_uncovered_list(grouped_list(data).csv(tmp_path / "a.csv"))
    assert looks_like_uncovered_list(commune_group_list(data).csv(tmp_path / "b.csv"))
    assert looks_like_uncovered_list(two_row_header_list(data).xlsx(tmp_path / "c.xlsx"))
    assert not looks_like_uncovered_list(sample_register_path())
    plain = Sheet()
    plain.add("Tên bản", "Xã", "Số hộ")
    for v in data:
        plain.add(v.name, v.commune, v.households)
    assert not looks_like_uncovered_list(plain.csv(tmp_path / "plain.csv"))
    plain.rows.insert(0, [TITLE[1]])
    assert looks_like_uncovered_list(plain.csv(tmp_path / "titled.csv"))
    signal = Sheet()
    signal.add("DANH SÁCH BẢN LÕM SÓNG")
    signal.add("Tên bản", "Xã", "Sóng")
    signal.add("Bản Nà Vạc", "Xã Sam Kha", "2G")
    assert not looks_like_uncovered_list(signal.csv(tmp_path / "signal.csv"))
    assert not looks_like_uncovered_list(tmp_path / "missing.csv")


def test_no_header_or_no_file_is_an_input_error(tmp_path: Path) -> None:
    sheet = Sheet()
    sheet.add(TITLE[1])
    sheet.add("1", "Nà Vạc", "45")
    path = sheet.csv(tmp_path / "noheader.csv")
    with pytest.raises(InputError) as err:
        read_uncovered_list(path)
    assert str(path) in str(err.value) and "Tên thôn, bản" in str(err.value)
    with pytest.raises(InputError, match="file not found"):
        read_uncovered_list(tmp_path / "missing.xlsx")


def test_names_match_the_registry(tmp_path: Path, data) -> None:
    frame = read_uncovered_list(grouped_list(data).xlsx(tmp_path / "l.xlsx")).frame
    table = registry.communes("legacy", "14")
    known = {
        (fold(d), fold(c)) for d, c in zip(table.district_name, table.commune_name, strict=True)
    }
    pairs = set(zip(frame["district_name"].map(fold), frame["commune_name"].map(fold), strict=True))
    assert pairs <= known and len(pairs) == 6


def test_merged_commune_cells_alone_make_a_list(tmp_path: Path, data) -> None:
    sheet = Sheet()
    sheet.add("Xã", "Tên bản", "Số hộ")
    for commune in dict.fromkeys(v.commune for v in data):
        first = len(sheet.rows) + 1
        for v in (v for v in data if v.commune == commune):
            sheet.add(commune if len(sheet.rows) + 1 == first else "", v.name, v.households)
        sheet.merges.append(f"A{first}:A{len(sheet.rows)}")
    assert looks_like_uncovered_list(sheet.xlsx(tmp_path / "merged.xlsx"))
    frame = read_uncovered_list(tmp_path / "merged.xlsx").frame
    assert frame["commune_name"].tolist() == [v.commune for v in data]


def test_bare_subtotal_then_commune_without_prefix(tmp_path: Path, data) -> None:
    """'Cộng' after each commune, communes named without 'Xã', signatures under the total."""
    mine = data[:4]
    sheet = Sheet()
    sheet.add("STT", "Tên bản", "Số hộ", "Số dân")
    for n, commune in enumerate(dict.fromkeys(v.commune for v in mine)):
        sheet.add(n + 1, commune.removeprefix("Xã "))
        block = [v for v in mine if v.commune == commune]
        for j, v in enumerate(block):
            sheet.add(f"{n + 1}.{j + 1}", v.name, v.households, v.population)
        sheet.add("Cộng", "", sum(v.households for v in block), "")
    sheet.add("Tổng cộng", "", sum(v.households for v in mine), "")
    sheet.add("", "Người lập biểu")
    sheet.add("", "Lò Văn Thanh")
    table = read_uncovered_list(sheet.csv(tmp_path / "l.csv"))
    want = [v.commune.removeprefix("Xã ") for v in mine]
    assert table.frame["commune_name"].tolist() == want
    assert table.frame["village_name"].tolist() == [v.name for v in mine]
    (summary,) = kinds(table, "list_rows")
    assert "2 district/commune group rows, 2 subtotal rows, 1 total row" in summary.message
    assert "2 footer rows" in summary.message
    assert not [p for p in table.problems if p.severity == "error"]
    assert not kinds(table, "total_mismatch")


def test_merged_note_on_the_second_sheet(tmp_path: Path, data) -> None:
    """A note merged down over a commune's villages applies to each; the cover sheet is skipped."""
    sheet = grouped_list(data)
    first = next(i for i, r in enumerate(sheet.rows, 1) if r[3:4] == [data[2].name])
    sheet.rows[first - 1][6] = "Lõm sóng"
    sheet.rows[first][6] = ""
    sheet.merges.append(f"G{first}:G{first + 1}")
    path = sheet.xlsx(tmp_path / "l.xlsx")
    wb = openpyxl.load_workbook(path)
    cover = wb.create_sheet("Bìa", 0)
    cover["A1"] = "BÁO CÁO HIỆN TRẠNG HẠ TẦNG VIỄN THÔNG NĂM 2023"
    wb.save(path)
    table = read_uncovered_list(path)
    assert table.frame["note"].iloc[2:4].tolist() == ["Lõm sóng", "Lõm sóng"]
    assert table.frame["mobile_signal"].iloc[2:4].tolist() == ["2g", "2g"]
    assert [p.kind for p in table.problems].count("sheet_chosen") == 1
    assert got(table.frame)[4:] == expected(data)[4:]


def test_unicode_text_export(tmp_path: Path, data) -> None:
    """Excel's "Unicode text": UTF-16, tab-separated."""
    path = tmp_path / "l.txt"
    with open(path, "w", encoding="utf-16", newline="") as f:
        csv.writer(f, delimiter="\t").writerows(grouped_list(data).rows)
    table = read_uncovered_list(path)
    assert table.encoding == "utf-16"
    assert got(table.frame) == expected(data)
