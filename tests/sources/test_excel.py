"""Excel registers: one sheet read in one pass, merges included, formulas without values named."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from slmap.base.errors import InputError
from slmap.sources import read_register
from slmap.sources.excel import read_excel_sheet

HEADER = ["Mã bản", "Tên bản", "Mã xã", "Số hộ", "Số dân", "Sóng", "Cáp quang"]
ROWS = [
    ["B1", "Bản Nà", "03646", 40, 180, "4G", "có"],
    ["B2", "Bản Ít", "03664", 41, 185, "3G", ""],
]


def _book(path: Path, rows: list[list[object]], *, extra: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    for row in [HEADER, *rows]:
        ws.append(row)
    if extra:
        wb.create_sheet("Nháp").append(["nháp"])
    wb.save(path)
    return path


def _replace_member(path: Path, member: str, edit) -> None:
    with zipfile.ZipFile(path) as zf:
        items = {i.filename: zf.read(i) for i in zf.infolist()}
    items[member] = edit(items[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in items.items():
            zf.writestr(name, data)


def test_other_sheets_are_never_parsed(tmp_path) -> None:
    path = _book(tmp_path / "v.xlsx", ROWS, extra=True)
    _replace_member(  # broken after its <dimension>, which every reader looks at
        path,
        "xl/worksheets/sheet2.xml",
        lambda data: data.replace(b"<sheetData>", b"<sheetData><<"),
    )
    frame = read_register(path).frame
    assert frame["village_name"].tolist() == ["Bản Nà", "Bản Ít"]


def test_the_sheet_with_the_header_is_found_from_its_first_rows(tmp_path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Bìa"
    wb.active.append(["Báo cáo"])
    ws = wb.create_sheet("Số liệu")
    for row in [HEADER, *ROWS]:
        ws.append(row)
    wb.save(tmp_path / "two.xlsx")
    table = read_register(tmp_path / "two.xlsx")
    assert table.frame["village_id"].tolist() == ["B1", "B2"]
    assert [p.kind for p in table.problems] == ["sheet_chosen"]


def test_merged_ranges_come_with_the_cells(tmp_path) -> None:
    path = _book(tmp_path / "m.xlsx", ROWS)
    wb = openpyxl.load_workbook(path)
    wb.active.merge_cells("C2:C3")
    wb.save(path)
    sheet = read_excel_sheet(path, None, lambda cells: True)
    assert sheet.name == "Danh sách" and sheet.merges == [(1, 2, 2, 2)]
    assert sheet.cells.iloc[1].tolist()[:3] == ["B1", "Bản Nà", "03646"]


def test_a_formula_without_a_saved_value_is_named(tmp_path) -> None:
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[1][3] = "=40+1"  # openpyxl saves the formula only, as scripts do
    path = _book(tmp_path / "f.xlsx", rows)
    with pytest.raises(InputError) as info:
        read_register(path)
    (problem,) = info.value.problems
    assert (problem.row, problem.column, problem.kind) == (3, "D", "formula_without_value")
    assert re.search(r"sheet 'Danh sách': a formula \(=40\+1\) with no saved value", str(problem))


def test_a_formula_with_its_saved_value_reads_the_value(tmp_path) -> None:
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[1][3] = "=40+1"
    path = _book(tmp_path / "v.xlsx", rows)
    _replace_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda data: re.sub(
            rb"<f>40\+1</f><v\s*/>|<f>40\+1</f>(<v></v>)?", b"<f>40+1</f><v>41</v>", data
        ),
    )
    assert read_register(path).frame["households"].tolist() == ["40", "41"]
