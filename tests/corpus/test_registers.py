"""Hostile village registers: each case gets a one-line answer, never a traceback."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pandas as pd
import pytest

from slmap.sources import read_register

from ._build import (
    Case,
    assert_loaded_values,
    counts,
    cp1258_bytes,
    csv_text,
    fingerprint,
    register,
    run,
    tcvn3_bytes,
    write_xlsx,
)

NAMES_VI = "Bản Nà Tấu"
MIXED_BOOLS = ["Có", "KHÔNG", "no", "Yes", "0", "1"]  # not the base's yes/no order


def _csv(name: str, text: str, encoding: str = "utf-8", args: tuple[str, ...] = ()):
    def build(folder: Path) -> list[str]:
        path = folder / name
        path.write_bytes(cp1258_bytes(text) if encoding == "cp1258" else text.encode(encoding))
        return ["--register", str(path), *args]

    return build


def _bytes(name: str, data: bytes, args: tuple[str, ...] = ()):
    def build(folder: Path) -> list[str]:
        (folder / name).write_bytes(data)
        return ["--register", str(folder / name), *args]

    return build


def _edit(**cells: dict[int, str]) -> pd.DataFrame:
    """The base register with some cells replaced: column -> {row index: value}."""
    frame = register()
    for column, values in cells.items():
        for i, v in values.items():
            frame.loc[i, column.replace("_", " ")] = v
    return frame


def _rename(**renames: str) -> pd.DataFrame:
    return register().rename(columns={k.replace("_", " "): v for k, v in renames.items()})


BASE = csv_text(register())
NFD = csv_text(register().map(lambda v: __import__("unicodedata").normalize("NFD", v)))
TCVN3_FILE = tcvn3_bytes(BASE)
WITH_COORDS = register().assign(**{"Kinh độ": "", "Vĩ độ": ""})


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
    Case("utf8_valid", _csv("ok.csv", BASE), 0, [r"6 loaded, 0 rejected"]),
    Case("utf8_bom", _csv("bom.csv", BASE, "utf-8-sig"), 0, [r"6 loaded"]),
    Case(
        "cp1258_declared",
        _csv("cp1258.csv", BASE, "cp1258", ("--encoding", "cp1258")),
        0,
        [r"6 loaded"],
    ),
    Case(
        "cp1258_undeclared",
        _csv("cp1258.csv", BASE, "cp1258"),
        1,
        [r"cp1258\.csv: not UTF-8 .*looks like cp1258.*--encoding cp1258"],
    ),
    Case("utf16_excel_unicode_text", _csv("u16.txt", csv_text(register(), "\t"), "utf-16"), 0, []),
    Case(
        "utf16_no_bom",
        _csv("u16le.txt", csv_text(register(), "\t"), "utf-16-le"),
        0,
        [r"warning: .*u16le\.txt: no byte-order mark; read as UTF-16-LE"],
    ),
    Case("nfd_names", _csv("nfd.csv", NFD), 0, [r"6 loaded"]),
    Case("tcvn3_bytes", _bytes("abc.csv", TCVN3_FILE), 1, [r"abc\.csv: .*TCVN3 \(ABC\).*Unikey"]),
    Case(
        "tcvn3_read_as_cp1252",
        _bytes("abc.csv", TCVN3_FILE, ("--encoding", "cp1252")),
        1,
        [r"abc\.csv: looks like TCVN3 \(ABC\) font encoding.*convert it to Unicode"],
    ),
    Case("tcvn3_excel", _xlsx_tcvn3, 1, [r"abc_font\.xlsx: looks like TCVN3"]),
    Case(
        "utf8_declared_cp1258",
        _csv("u8.csv", BASE, "utf-8", ("--encoding", "cp1258")),
        1,
        [r"u8\.csv: declared encoding cp1258 but the file is UTF-8.*drop --encoding"],
    ),
    Case("unknown_encoding", _csv("x.csv", BASE, args=("--encoding", "vni")), 1, ["unknown enc"]),
    Case(
        "decimal_comma_semicolon",
        _csv("dc.csv", _coords("103,92", "21,33", ";")),
        0,
        [r"6 loaded"],
        values={"B003": {"lon": 103.92, "lat": 21.33}},
    ),
    Case(
        "thousands_separators",
        _csv("k.csv", csv_text(_edit(Số_hộ={0: "1.234"}, Số_dân={0: "5,678"}))),
        0,
        [r"6 loaded"],
        values={"B001": {"households": 1234, "population": 5678}},
    ),
    Case(
        "percent_in_count",
        _csv("pct.csv", csv_text(_edit(Số_hộ={2: "45%"}))),
        1,
        [r"pct\.csv: row 4, column 'Số hộ': expected a whole number, found a percentage '45%'"],
    ),
    Case(
        "blank_required",
        _csv("blank.csv", csv_text(_edit(Số_dân={1: ""}))),
        1,
        [r"blank\.csv: row 3, column 'Số dân': value missing"],
    ),
    Case(
        "text_in_number",
        _csv("txt.csv", csv_text(_edit(Số_hộ={0: "khoảng 40"}))),
        1,
        [r"txt\.csv: row 2, column 'Số hộ': expected a number, found 'khoảng 40'"],
    ),
    Case(
        "booleans_mixed",
        _csv("b.csv", csv_text(_edit(Cáp_quang=dict(enumerate(MIXED_BOOLS))))),
        0,
        [r"6 loaded"],
        values=_fibre([True, False, False, True, False, True]),
    ),
    Case(
        "booleans_x_blank",
        _csv("xb.csv", csv_text(_edit(Cáp_quang=dict(enumerate(["x", "", "X", "", "", "x"]))))),
        0,
        [r"warning: .*xb\.csv: column 'Cáp quang': .*3 blank cell\(s\) read as 'no'"],
        values=_fibre([True, False, True, False, False, True]),
    ),
    Case(
        "boolean_unknown",
        _csv("bu.csv", csv_text(_edit(Cáp_quang={4: "chưa rõ"}))),
        1,
        [r"bu\.csv: row 6, column 'Cáp quang': expected yes/no .*'chưa rõ'"],
    ),
    Case(
        "excel_report_title_rows",
        _xlsx_report,
        0,
        [r"skipped 2 title row\(s\)", r"column-numbering row", r"total row", r"6 loaded"],
    ),
    Case(
        "header_trailing_spaces",
        _csv("sp.csv", csv_text(_rename(Số_hộ=" Số hộ  ", Sóng="Sóng\t"))),
        0,
        [r"6 loaded"],
    ),
    Case(
        "duplicate_headers",
        _csv("dup.csv", csv_text(register().assign(households="1"))),
        1,
        [r"dup\.csv: row 1, column 'households': duplicate column: .* both mean households"],
    ),
    Case(
        "missing_required_column",
        _csv("miss.csv", csv_text(register().drop(columns="Số dân"))),
        1,
        [r"miss\.csv: row 1: missing required column population"],
    ),
    Case(
        "leading_zeros_lost",
        _csv(
            "lz.csv", csv_text(register().assign(**{"Mã xã": lambda f: f["Mã xã"].str.lstrip("0")}))
        ),
        0,
        [r"warning: .*lz\.csv: column 'Mã xã': 6 code\(s\) had lost their leading zeros"],
    ),
    Case(
        "pre_2025_codes",
        _csv("old.csv", csv_text(_edit(Mã_xã={0: "03649"}))),
        0,
        [r"warning: .*old\.csv: \d+ village\(s\) keyed to 2025-03-layout communes were converted"],
        values={"B001": {"commune_code": "03646"}},  # 03649 merged into Tô Hiệu
    ),
    Case(
        "unknown_code",
        _csv("unk.csv", csv_text(_edit(Mã_xã={2: "99999"}))),
        1,
        [r"unk\.csv: row 4, column 'Mã xã': unknown commune code '99999'"],
    ),
    Case(
        "code_of_other_province",
        _csv("hn.csv", csv_text(_edit(Mã_xã={0: "00004"}))),
        1,
        [r"hn\.csv: row 2, column 'Mã xã': unknown commune code '00004' \(it is .*Hà Nội\)"],
    ),
    Case(
        "code_not_digits",
        _csv("cx.csv", csv_text(_edit(Mã_xã={1: "Chiềng"}))),
        1,
        [r"cx\.csv: row 3, column 'Mã xã': expected a GSO code of up to 5 digits"],
    ),
    Case(
        "duplicate_village_id",
        _csv("did.csv", csv_text(_edit(Mã_bản={3: "B001"}))),
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
    Case("empty_file", _bytes("empty.csv", b""), 1, [r"empty\.csv: the file is empty"]),
    Case(
        "header_only",
        _csv("hdr.csv", csv_text(register().iloc[0:0])),
        1,
        [r"hdr\.csv: the village register has a header \(row 1\) but no data rows"],
    ),
    Case(
        "binary_file",
        _bytes("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
        1,
        [r"photo\.csv: is a binary file, not CSV text"],
    ),
    Case("xlsx_named_csv", _xlsx_as_csv, 0, [r"exported\.csv: is an Excel workbook", r"6 loaded"]),
    Case(
        "csv_named_xlsx",
        _csv("fake.xlsx", BASE),
        1,
        [r"fake\.xlsx: is not an Excel workbook"],
    ),
    Case(
        "old_xls",
        _bytes("old.xls", codecs.decode("d0cf11e0a1b11ae1", "hex") + bytes(504)),
        1,
        [r"old\.xls: is an old Excel 97-2003 \(\.xls\)"],
    ),
    Case(
        "unquoted_comma",
        _csv("rag.csv", BASE.replace("Bản Co Mạ", "Bản Co, Mạ")),
        1,
        [r"rag\.csv: row 5, column 'Cáp quang': the row has more cells than the header"],
    ),
    Case(
        "no_header",
        _csv("nh.csv", "1,2,3\r\n4,5,6\r\n"),
        1,
        [r"nh\.csv: found no header row in the first 20 rows \(first row: '1', '2', '3'\)"],
    ),
    Case(
        "coords_outside_vietnam",
        _csv("far.csv", _coords("2.35", "48.85")),
        1,
        [r"far\.csv: row 4, column 'Kinh độ': lon 2.35 / lat 48.85 is outside Vietnam"],
    ),
    Case(
        "coords_swapped",
        _csv("sw.csv", _coords("21.33", "103.9")),
        1,
        [r"sw\.csv: row 4, column 'Kinh độ': lon 21.33 / lat 103.9 look swapped"],
    ),
    Case(
        "village_outside_province",
        _csv("hanoi.csv", _coords("105.85", "21.03")),
        0,
        [r"warning: .*hanoi\.csv: row 4, column 'Kinh độ': coordinates .* fall outside"],
        values={"B003": {"lon": 105.85, "lat": 21.03}},
    ),
    Case(
        "file_not_found",
        lambda f: ["--register", str(f / "nope.csv")],
        1,
        [r"nope\.csv: file not found"],
    ),
    Case(
        "register_is_a_gis_file",
        _bytes("xa.geojson", b'{"type": "FeatureCollection", "features": []}'),
        1,
        [r"xa\.geojson: is a GIS or JSON file, not a village register"],
    ),
    Case(
        "excel_error_values",
        _csv("na.csv", csv_text(_edit(Số_hộ={0: "#N/A"}, Số_dân={0: "#VALUE!"}))),
        1,
        [r"na\.csv: row 2, column 'Số hộ': expected a number, found '#N/A'"],
    ),
    Case(
        "signal_variants",
        _csv("sig.csv", csv_text(_edit(Sóng={0: "4G LTE", 1: "LTE", 2: "Trắng sóng"}))),
        0,
        [r"6 loaded"],
        values={
            "B001": {"mobile_signal": "4g"},
            "B002": {"mobile_signal": "4g", "mobile_broadband": True},
            "B003": {"mobile_signal": "none", "mobile_broadband": False},
        },
    ),
    Case("data_on_second_sheet", _two_sheets, 0, [r"read sheet 'DuLieu'", r"6 loaded"]),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_register_case(case: Case, tmp_path: Path, corpus_boundaries: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    args = [*case.build(folder), "--boundaries", str(corpus_boundaries)]
    before = fingerprint([folder, corpus_boundaries])
    out = run(args)
    assert out.exit_code == case.exit_code, out.stderr + out.stdout
    for pattern in case.expect:
        assert re.search(pattern, out.stderr + out.stdout), (pattern, out.stderr, out.stdout)
    for line in out.stderr.splitlines():
        assert re.match(r"(error|warning|rejected \d+ of|layout:)", line), line
    assert "Traceback" not in out.stderr
    after = fingerprint([folder, corpus_boundaries])
    assert {k: v for k, v in after.items() if k in before} == before  # inputs untouched
    if out.exit_code == 0 or "rows read" in out.stdout:
        read, loaded, rejected = counts(out.stdout)
        assert read == loaded + rejected
    if case.check:
        case.check(folder)
    if out.exit_code == 0:
        assert_loaded_values(args, case)


def test_nfc_and_nfd_read_identically(tmp_path: Path) -> None:
    (tmp_path / "nfc.csv").write_text(BASE, encoding="utf-8")
    (tmp_path / "nfd.csv").write_text(NFD, encoding="utf-8")
    a = read_register(tmp_path / "nfc.csv").frame
    b = read_register(tmp_path / "nfd.csv").frame
    pd.testing.assert_frame_equal(a, b)
    assert NAMES_VI in set(a["village_name"])
