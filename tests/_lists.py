"""Published lists of villages without mobile broadband, built in code for the tests.

Shaped as the Department's reports are (title rows, district group rows,
merged commune cells, subtotals, a total row, signatures), with real district
and commune names of Sơn La from the registry and invented village names.
Used by the reader's tests (``sources/``) and the layout tests (``admin/``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd

from slmap.admin import registry

VILLAGE_NAMES = (
    "Bản Nà Vạc",
    "Bản Huổi Lạ",
    "Bản Pá Khôm",
    "Bản Co Muông",
    "Bản Nậm Ún",
    "Bản Phiêng Pằn",
    "Bản Hua Nhàn",
    "Bản Lọng Sản",
    "Bản Tà Lành",
    "Bản Pha Luông",
    "Bản Khò Hồng",
    "Bản Nong Lanh",
)
NOTES = ("trắng sóng", "lõm sóng", "", "chưa có điện lưới")


@dataclass
class Village:
    district: str
    commune: str
    name: str
    households: int
    population: int
    note: str


def villages(same_name: bool = False) -> list[Village]:
    """Two villages in each of three communes of Sốp Cộp and of Vân Hồ (2023 names)."""
    table = registry.communes("legacy", "14")
    out = []
    i = 0
    for code in ("127", "128"):
        rows = table[table["district_code"] == code]
        district = rows["district_name"].iloc[0]
        for commune in rows["commune_name"].iloc[:3]:
            for _ in range(2):
                hh = 31 + 7 * i
                out.append(
                    Village(district, commune, VILLAGE_NAMES[i], hh, 4 * hh + i, NOTES[i % 4])
                )
                i += 1
    out[3].population = 1234  # written "1.234" (thousands dot)
    if same_name:
        out[1].name = out[0].name
    return out


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@dataclass
class Sheet:
    """A grid of cells as written (merged ranges keep their value top-left)."""

    rows: list[list[object]] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)

    def add(self, *cells: object, merge: str | None = None) -> int:
        self.rows.append(list(cells))
        r = len(self.rows)
        if merge:
            self.merges.append(merge.format(r=r))
        return r

    def xlsx(self, path: Path) -> Path:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Danh sách"
        for row in self.rows:
            ws.append([None if v == "" else v for v in row])
        for m in self.merges:
            ws.merge_cells(m)
        wb.save(path)
        return path

    def csv(self, path: Path) -> Path:
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f).writerows(self.rows)
        return path


TITLE = ("ỦY BAN NHÂN DÂN TỈNH SƠN LA", "DANH SÁCH THÔN, BẢN CHƯA CÓ SÓNG DI ĐỘNG")


def grouped_list(
    data: list[Village],
    *,
    numbering=lambda i: i + 1,
    total_shift: int = 0,
    no_name_row: bool = False,
) -> Sheet:
    """STT | Huyện | Xã | Tên thôn, bản | Số hộ | Số nhân khẩu | Ghi chú, with district
    group rows, commune cells merged over their villages, subtotals and a total."""
    s = Sheet()
    s.add(TITLE[0], merge="A{r}:G{r}")
    s.add(TITLE[1], merge="A{r}:G{r}")
    s.add("(Kèm theo Báo cáo số 45/BC-STTTT ngày 20/3/2023 của Sở TT&TT)", merge="A{r}:G{r}")
    s.add()
    s.add("STT", "Huyện", "Xã", "Tên thôn, bản", "Số hộ", "Số nhân khẩu", "Ghi chú")
    districts = list(dict.fromkeys(v.district for v in data))
    for k, district in enumerate(districts):
        mine = [v for v in data if v.district == district]
        hh, pop = sum(v.households for v in mine), sum(v.population for v in mine)
        roman = ("I", "II", "III")[k]
        if k == 0:  # Roman numeral in STT, name merged across, subtotal numbers
            s.add(roman, district.upper(), "", "", hh, _count(pop), "", merge="B{r}:D{r}")
        else:  # "II. HUYỆN VÂN HỒ" in one cell merged across the row
            s.add(f"{roman}. {district.upper()}", merge="A{r}:G{r}")
        for commune in dict.fromkeys(v.commune for v in mine):
            first = len(s.rows) + 1
            for v in (v for v in mine if v.commune == commune):
                i = data.index(v)
                cell = commune if len(s.rows) + 1 == first else ""
                s.add(numbering(i), "", cell, v.name, v.households, _count(v.population), v.note)
            s.merges.append(f"C{first}:C{len(s.rows)}")
        if no_name_row and k == 0:
            s.add(99, "", "", "", 35, 160, "")
        s.add("", f"Cộng huyện {district.split(' ', 1)[1]}", "", "", hh, pop, "")
    hh = sum(v.households for v in data) + total_shift
    s.add("Tổng cộng", "", "", "", hh, _count(sum(v.population for v in data)), "")
    s.add()
    s.add("", "", "", "", "Người lập biểu", "", "GIÁM ĐỐC")
    return s


def commune_group_list(data: list[Village]) -> Sheet:
    """No Huyện or Xã column: district and commune group rows, villages a, b or 1.1, 1.2."""
    s = Sheet()
    s.add("DANH SÁCH BẢN LÕM SÓNG, TRẮNG SÓNG")
    s.add("STT", "Tên bản", "Số hộ", "Số khẩu", "Ghi chú")
    for k, district in enumerate(dict.fromkeys(v.district for v in data)):
        s.add(("I", "II")[k], district)
        communes = dict.fromkeys(v.commune for v in data if v.district == district)
        for n, commune in enumerate(communes):
            s.add(n + 1, commune)
            mine = [v for v in data if v.commune == commune]
            for j, v in enumerate(mine):
                stt = "abc"[j] if k == 0 else f"{n + 1}.{j + 1}"
                s.add(stt, v.name, v.households, v.population, v.note)
            s.add("", "Cộng xã", sum(v.households for v in mine), "", "")
    s.add("Cộng", "", sum(v.households for v in data), sum(v.population for v in data), "")
    return s


def two_row_header_list(data: list[Village]) -> Sheet:
    """A two-row header: "Quy mô" merged over "Số hộ" and "Số khẩu"; Huyện filled per row."""
    s = Sheet()
    s.add(TITLE[1], merge="A{r}:G{r}")
    s.add("TT", "Huyện", "Xã, phường, thị trấn", "Bản", "Quy mô", "", "Ghi chú")
    s.add("", "", "", "", "Số hộ", "Số khẩu", "")
    s.merges += ["A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:F2", "G2:G3"]
    previous = None
    for i, v in enumerate(data):
        commune = v.commune if v.commune != previous else ""
        previous = v.commune
        s.add(i + 1, v.district, commune, v.name, v.households, v.population, v.note)
    return s


def expected(data: list[Village]) -> list[tuple]:
    return [(v.district, v.commune, v.name, v.households, v.population, v.note) for v in data]


def got(frame: pd.DataFrame) -> list[tuple]:
    counts = [int(x.replace(".", "")) for x in frame["population"]]
    return list(
        zip(
            frame["district_name"],
            frame["commune_name"],
            frame["village_name"],
            frame["households"].astype(int),
            counts,
            frame["note"],
            strict=True,
        )
    )


def kinds(table, kind: str) -> list:
    return [p for p in table.problems if p.kind == kind]
