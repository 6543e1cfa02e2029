"""Hostile village register files: encodings, file kinds, headers and sheets.

Each case gets a one-line answer, never a traceback; the cells' values are
tested in ``test_register_values.py``.
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from slmap.sources import read_register

from ._build import Case, csv_text, register, tcvn3_bytes, write_xlsx
from ._registers import BASE, bytes_file, check_register_case, csv_file

NAMES_VI = "Bản Nà Tấu"
NFD = csv_text(register().map(lambda v: unicodedata.normalize("NFD", v)))
TCVN3_FILE = tcvn3_bytes(BASE)


def _rename(**renames: str) -> pd.DataFrame:
    return register().rename(columns={k.replace("_", " "): v for k, v in renames.items()})


def _xlsx_report(folder: Path) -> list[str]:
    frame = register()
    rows = [
        ["UBND TỈNH SƠN LA", "", "", "", "", "", ""],
        ["DANH SÁCH BẢN VÀ HIỆN TRẠNG SÓNG DI ĐỘNG NĂM 2023", "", "", "", "", "", ""],
        list(frame.columns),
        [f"({i})" for i in range(1, 8)],
        *frame.to_numpy().tolist(),
        ["Tổng cộng", "", "", "255", "1155", "", ""],
    ]
    write_xlsx(folder / "bao_cao.xlsx", rows)
    return ["--register", str(folder / "bao_cao.xlsx")]


def _xlsx_tcvn3(folder: Path) -> list[str]:
    frame = register()
    legacy = frame.map(lambda v: tcvn3_bytes(v).decode("cp1252"))
    write_xlsx(folder / "abc_font.xlsx", [list(frame.columns), *legacy.to_numpy().tolist()])
    return ["--register", str(folder / "abc_font.xlsx")]


def _xlsx_as_csv(folder: Path) -> list[str]:
    frame = register()
    write_xlsx(folder / "tmp.xlsx", [list(frame.columns), *frame.to_numpy().tolist()])
    (folder / "tmp.xlsx").rename(folder / "exported.csv")
    return ["--register", str(folder / "exported.csv")]


def _two_sheets(folder: Path) -> list[str]:
    frame = register()
    with pd.ExcelWriter(folder / "two.xlsx") as writer:
        pd.DataFrame([["Ghi chú: số liệu ở sheet 2"]]).to_excel(
            writer, sheet_name="Bia", header=False, index=False
        )
        frame.to_excel(writer, sheet_name="DuLieu", index=False)
    return ["--register", str(folder / "two.xlsx")]


CASES = [
    Case("utf8_valid", csv_file("ok.csv", BASE), 0, [r"6 loaded, 0 rejected"]),
    Case("utf8_bom", csv_file("bom.csv", BASE, "utf-8-sig"), 0, [r"6 loaded"]),
    Case(
        "cp1258_declared",
        csv_file("cp1258.csv", BASE, "cp1258", ("--encoding", "cp1258")),
        0,
        [r"6 loaded"],
    ),
    Case(
        "cp1258_undeclared",
        csv_file("cp1258.csv", BASE, "cp1258"),
        1,
        [r"cp1258\.csv: not UTF-8 .*looks like cp1258.*--encoding cp1258"],
    ),
    Case(
        "utf16_excel_unicode_text", csv_file("u16.txt", csv_text(register(), "\t"), "utf-16"), 0, []
    ),
    Case(
        "utf16_no_bom",
        csv_file("u16le.txt", csv_text(register(), "\t"), "utf-16-le"),
        0,
        [r"warning: .*u16le\.txt: no byte-order mark; read as UTF-16-LE"],
    ),
    Case("nfd_names", csv_file("nfd.csv", NFD), 0, [r"6 loaded"]),
    Case(
        "tcvn3_bytes", bytes_file("abc.csv", TCVN3_FILE), 1, [r"abc\.csv: .*TCVN3 \(ABC\).*Unikey"]
    ),
    Case(
        "tcvn3_read_as_cp1252",
        bytes_file("abc.csv", TCVN3_FILE, ("--encoding", "cp1252")),
        1,
        [r"abc\.csv: looks like TCVN3 \(ABC\) font encoding.*convert it to Unicode"],
    ),
    Case("tcvn3_excel", _xlsx_tcvn3, 1, [r"abc_font\.xlsx: looks like TCVN3"]),
    Case(
        "utf8_declared_cp1258",
        csv_file("u8.csv", BASE, "utf-8", ("--encoding", "cp1258")),
        1,
        [r"u8\.csv: declared encoding cp1258 but the file is UTF-8.*drop --encoding"],
    ),
    Case(
        "unknown_encoding", csv_file("x.csv", BASE, args=("--encoding", "vni")), 1, ["unknown enc"]
    ),
    Case(
        "excel_report_title_rows",
        _xlsx_report,
        0,
        [r"skipped 2 title row\(s\)", r"column-numbering row", r"total row", r"6 loaded"],
    ),
    Case(
        "header_trailing_spaces",
        csv_file("sp.csv", csv_text(_rename(Số_hộ=" Số hộ  ", Sóng="Sóng\t"))),
        0,
        [r"6 loaded"],
    ),
    Case(
        "duplicate_headers",
        csv_file("dup.csv", csv_text(register().assign(households="1"))),
        1,
        [r"dup\.csv: row 1, column 'households': duplicate column: .* both mean households"],
    ),
    Case(
        "missing_required_column",
        csv_file("miss.csv", csv_text(register().drop(columns="Số dân"))),
        1,
        [r"miss\.csv: row 1: missing required column population"],
    ),
    Case("empty_file", bytes_file("empty.csv", b""), 1, [r"empty\.csv: the file is empty"]),
    Case(
        "header_only",
        csv_file("hdr.csv", csv_text(register().iloc[0:0])),
        1,
        [r"hdr\.csv: the village register has a header \(row 1\) but no data rows"],
    ),
    Case(
        "binary_file",
        bytes_file("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
        1,
        [r"photo\.csv: is a binary file, not CSV text"],
    ),
    Case("xlsx_named_csv", _xlsx_as_csv, 0, [r"exported\.csv: is an Excel workbook", r"6 loaded"]),
    Case(
        "csv_named_xlsx",
        csv_file("fake.xlsx", BASE),
        1,
        [r"fake\.xlsx: is not an Excel workbook"],
    ),
    Case(
        "old_xls",
        bytes_file("old.xls", codecs.decode("d0cf11e0a1b11ae1", "hex") + bytes(504)),
        1,
        [r"old\.xls: is an old Excel 97-2003 \(\.xls\)"],
    ),
    Case(
        "unquoted_comma",
        csv_file("rag.csv", BASE.replace("Bản Co Mạ", "Bản Co, Mạ")),
        1,
        [r"rag\.csv: row 5, column 'Cáp quang': the row has more cells than the header"],
    ),
    Case(
        "no_header",
        csv_file("nh.csv", "1,2,3\r\n4,5,6\r\n"),
        1,
        [r"nh\.csv: found no header row in the first 20 rows \(first row: '1', '2', '3'\)"],
    ),
    Case(
        "file_not_found",
        lambda f: ["--register", str(f / "nope.csv")],
        1,
        [r"nope\.csv: file not found"],
    ),
    Case(
        "register_is_a_gis_file",
        bytes_file("xa.geojson", b'{"type": "FeatureCollection", "features": []}'),
        1,
        [r"xa\.geojson: is a GIS or JSON file, not a village register"],
    ),
    Case("data_on_second_sheet", _two_sheets, 0, [r"read sheet 'DuLieu'", r"6 loaded"]),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_register_case(case: Case, tmp_path: Path, corpus_boundaries: Path) -> None:
    check_register_case(case, tmp_path, corpus_boundaries)


def test_nfc_and_nfd_read_identically(tmp_path: Path) -> None:
    (tmp_path / "nfc.csv").write_text(BASE, encoding="utf-8")
    (tmp_path / "nfd.csv").write_text(NFD, encoding="utf-8")
    a = read_register(tmp_path / "nfc.csv").frame
    b = read_register(tmp_path / "nfd.csv").frame
    pd.testing.assert_frame_equal(a, b)
    assert NAMES_VI in set(a["village_name"])
