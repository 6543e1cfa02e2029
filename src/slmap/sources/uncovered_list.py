"""Read official lists of villages without mobile broadband, as they are published.

Planners receive "Danh sách thôn, bản chưa có sóng di động / lõm sóng": not a
register but a report, keyed to the 2023 layout by names. Title rows, a
(one- or two-row) header, district group rows ("I. HUYỆN SỐP CỘP"), commune
cells merged over their villages or commune group rows ("1 | Xã Mường Lạn"),
subtotal rows ("Cộng huyện") and a total row ("Tổng cộng"). Every village
row is a village without mobile broadband.

The reader returns a :class:`~slmap.sources.tables.TableRead` with the
canonical columns ``village_id``, ``village_name``, ``commune_name``,
``district_name``, ``households``, ``population``, ``mobile_signal``,
``note`` and ``row`` (other columns kept under their own header), all text.

- ``village_id`` is derived from the folded district, commune and village
  names (``"sopcop-muonglan-navac"``): the same list read twice, or with
  another STT numbering, gives the same ids; a second village of the same
  name in one commune gets ``-2`` (``-3``...) by order of appearance.
- ``mobile_signal`` is ``"2g"`` when the note says the village lies in a
  pocket of poor signal (*lõm sóng*, *sóng yếu*, *chập chờn*, *2G*): some
  signal, no usable mobile broadband. Otherwise, and always when the note
  says *trắng sóng* or *không có sóng*, it is ``"none"``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from slmap.base.errors import InputError, Problem
from slmap.base.names import fold, nfc
from slmap.base.schema import canonical_header
from slmap.sources.characters import clean_frame
from slmap.sources.csv_cells import check_split, split_text, unguard_frame
from slmap.sources.encodings import TCVN3_MESSAGE, decode_text, looks_like_tcvn3
from slmap.sources.excel import read_excel_sheet
from slmap.sources.tables import TableRead
from slmap.sources.uncovered_checks import check_totals, village_ids
from slmap.sources.uncovered_rows import ListRows, parse_count, parse_row

__all__ = ["LIST_HEADERS", "looks_like_uncovered_list", "read_uncovered_list"]

#: Headers of published lists the register schema does not know (folded,
#: prefixes kept -> canonical name). ``stt`` (row number) and ``group`` (a
#: header over two columns, e.g. "Quy mô") are not data.
LIST_HEADERS: dict[str, str] = {
    **dict.fromkeys(("stt", "tt", "sott", "sothutu", "thutu", "no"), "stt"),
    **dict.fromkeys(("sonhankhau", "songuoi", "sodanso", "khau", "nhankhaudanso"), "population"),
    **dict.fromkeys(("sohodan", "hodan", "sohogd"), "households"),
    **dict.fromkeys(
        ("xaphuongthitran", "xaphuong", "tenxaphuongthitran", "xathitran", "tenxaphuong"),
        "commune_name",
    ),
    **dict.fromkeys(
        ("huyenthanhpho", "huyenthixathanhpho", "huyenthixa", "huyenthanhphothixa", "tenhuyen"),
        "district_name",
    ),
    **dict.fromkeys(
        ("thon", "thonbantieukhu", "tenthonbantieukhu", "bantieukhu", "tenban", "thonbanto"),
        "village_name",
    ),
    **dict.fromkeys(("ghichu", "tinhtrang", "hientrang", "tinhtrangsong"), "note"),
    **dict.fromkeys(("quymo", "trongdo"), "group"),
}
_KEPT = ("village_name", "commune_name", "district_name", "households", "population")
_OUT = (
    "village_id",
    "village_name",
    "commune_name",
    "district_name",
    "households",
    "population",
    "mobile_signal",
    "note",
    "row",
)
_SCAN = 20
_DELIMITERS = (",", ";", "\t", "|")
_TITLE_WORDS = ("chuacosong", "lomsong", "trangsong", "matsong", "khongcosong", "songyeu")


def _header_of(value: str) -> str | None:
    key = fold(value, keep_prefix=True)
    if not key:
        return None
    if key in LIST_HEADERS:
        return LIST_HEADERS[key]
    canon = canonical_header(value)
    return None if canon == "village_id" else canon


def _score(row: list[str]) -> tuple[int, list[str | None]]:
    rec = [_header_of(v) for v in row]
    found = {c for c in rec if c and c != "group"}
    return (len(found) if "village_name" in found and len(found) >= 2 else 0), rec


def _find_header(grid: list[list[str]]) -> tuple[int, int, list[str | None]] | None:
    """First and last row of the header block, and the canonical name of each column."""
    best, at = 0, None
    for r, row in enumerate(grid[:_SCAN]):
        score = _score(row)[0]
        if score > best:
            best, at = score, r
    if at is None:
        return None
    first = last = at
    while first > 0 and any(_header_of(v) for v in grid[first - 1]):
        first -= 1
    below = grid[at + 1] if at + 1 < len(grid) else []
    if any(_header_of(v) for v in below) and not any(parse_count(v) is not None for v in below):
        last = at + 1
    names: list[str | None] = []
    for j in range(len(grid[at])):
        recs = [_header_of(grid[r][j]) for r in range(last, first - 1, -1)]
        names.append(next((c for c in recs if c and c != "group"), None))
    return first, last, names


@dataclass
class _Sheet:
    """Cells as text (``raw``) and with merged ranges filled (``filled``)."""

    raw: list[list[str]]
    filled: list[list[str]]
    merged_commune: bool = False
    encoding: str | None = None
    problems: list[Problem] = field(default_factory=list)


def _grid(frame: pd.DataFrame) -> list[list[str]]:
    cache: dict[str, str] = {}
    return [
        [cache.setdefault(v, nfc(v)) for v in row] for row in frame.fillna("").astype(str).values
    ]


def _read_cells(path: Path, sheet: str | None, encoding: str | None) -> _Sheet:
    src = str(path)
    if not path.exists():
        raise InputError(f"{src}: file not found (expected a list of villages, CSV or Excel)")
    if path.is_dir():
        raise InputError(f"{src}: is a folder; expected a list of villages (CSV or Excel)")
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{src}: cannot be read ({exc.strerror})") from None
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls") or raw_bytes.startswith(b"PK\x03\x04"):
        return _read_excel(path, sheet)
    text, enc, problems = decode_text(raw_bytes, encoding, src)
    if not text.strip():
        raise InputError(f"{src}: the file is empty; expected a list of villages with a header")
    best = max(_DELIMITERS, key=lambda d: _delimiter_score(text, d))
    rows = split_text(text, best, src)
    width = max(len(r) for r in rows)
    cells = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
    check_split(cells, src, (), best)
    grid, found = clean_frame(unguard_frame(cells), src, 1)
    rows = [[nfc(v) for v in r] for r in grid.to_numpy().tolist()]
    return _Sheet(rows, [list(r) for r in rows], encoding=enc, problems=problems + found)


def _read_excel(path: Path, sheet: str | None) -> _Sheet:
    """Cells of the sheet, and the same cells with every merged range filled."""
    read = read_excel_sheet(path, sheet, lambda f: _find_header(_grid(f)) is not None)
    frame, found = clean_frame(read.cells, str(path), 1)
    problems = read.problems + found
    raw = _grid(frame)
    if looks_like_tcvn3(" ".join({v for row in raw for v in row})):
        raise InputError(f"{path}: {TCVN3_MESSAGE}")
    filled = [list(r) for r in raw]
    merges = [m for m in read.merges if m[0] < len(raw)]
    for r0, c0, r1, c1 in merges:
        for r in range(r0, min(r1, len(raw) - 1) + 1):
            for c in range(c0, min(c1, len(raw[r]) - 1) + 1):
                filled[r][c] = raw[r0][c0]
    return _Sheet(raw, filled, problems=problems, merged_commune=_commune_merged(raw, merges))


def _commune_merged(raw: list[list[str]], merges: list[tuple[int, int, int, int]]) -> bool:
    found = _find_header(raw)
    if found is None or "commune_name" not in found[2]:
        return False
    last, col = found[1], found[2].index("commune_name")
    return any(c0 <= col <= c1 and r1 > r0 > last for r0, c0, r1, c1 in merges)


def _delimiter_score(text: str, delimiter: str) -> tuple[int, int]:
    head = "\n".join(text.splitlines()[:_SCAN])
    try:
        rows = list(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter))
    except csv.Error:
        return (-1, 0)
    return max((_score(r)[0] for r in rows), default=0), max((len(r) for r in rows), default=0)


def _columns(sheet: _Sheet, first: int, last: int, names: list[str | None], src: str):
    """Column name -> index, canonical name -> header as written, warnings."""
    width = max(len(r) for r in sheet.filled)
    cols: dict[str, int] = {}
    headers: dict[str, str] = {}
    problems: list[Problem] = []
    for j in range(width):
        parts = [sheet.filled[r][j] for r in range(first, last + 1) if j < len(sheet.filled[r])]
        written = " / ".join(dict.fromkeys(p for p in parts if p))
        name = names[j] if j < len(names) else None
        if name == "mobile_signal":
            problems.append(
                Problem(
                    src,
                    f"has a signal column {written!r}; a list of villages without mobile "
                    "broadband is read from its notes, the column is kept as written",
                    row=last + 1,
                    column=written,
                    severity="warning",
                    kind="signal_column",
                )
            )
            name = None
        if name and name not in cols:
            cols[name], headers[name] = j, written
        else:
            key = written or f"column_{j + 1}"
            cols[key if key not in cols else f"{key}_{j + 1}"] = j
    return cols, headers, problems


def _is_numbering_row(row: list[str]) -> bool:
    """A row numbering the columns under the header: (1) (2) (3)... or 1 2 3..."""
    values = [v.strip("()") for v in row if v]
    if len(values) < 3 or not all(v.isdigit() for v in values):
        return False
    numbers = [int(v) for v in values]
    return numbers == sorted(set(numbers)) and numbers[0] <= 1


def _summary(rows: ListRows, titles: int, blanks: int, totals: int) -> str:
    parts = [
        (titles, "title row"),
        (blanks + rows.counts["blank"], "blank row"),
        (rows.counts["group"], "district/commune group row"),
        (rows.counts["subtotal"], "subtotal row"),
        (totals, "total row"),
        (len(rows.footer_rows), "footer row"),
    ]
    said = [f"{n} {what}{'s' if n != 1 else ''}" for n, what in parts if n]
    text = f"read {len(rows.records)} villages without mobile broadband"
    if said:
        text += "; skipped " + ", ".join(said)
    if rows.footer_rows:
        listed = ", ".join(map(str, rows.footer_rows))
        text += f" (footer rows {listed}: text under the total row, e.g. signatures)"
    if rows.filled_rows:
        text += (
            f"; {len(rows.filled_rows)} village(s) took the commune of the cell above "
            "(merged or blank)"
        )
    return text


def _read_rows(sheet: _Sheet, src: str) -> tuple[TableRead, ListRows, str]:
    found = _find_header(sheet.filled)
    if found is None:
        first = next((r for r in sheet.raw if any(r)), [])
        raise InputError(
            f"{src}: found no header row in the first {_SCAN} rows (first row: "
            f"{', '.join(repr(v) for v in first if v) or 'blank'}); expected a village column "
            "('Tên thôn, bản', 'Tên bản', 'Bản') beside a commune, household or people column "
            "('Xã', 'Số hộ', 'Số nhân khẩu')"
        )
    first, last, names = found
    cols, headers, problems = _columns(sheet, first, last, names, src)
    rows = ListRows(src, cols, headers)
    above = sheet.raw[:first]
    titles = sum(1 for r in above if any(r))
    body = last + 1
    if body < len(sheet.raw) and _is_numbering_row(sheet.raw[body]):
        titles, body = titles + 1, body + 1
    stt = cols.get("stt")
    for i in range(body, len(sheet.raw)):
        following = sheet.raw[i + 1][stt] if stt is not None and i + 1 < len(sheet.raw) else ""
        parse_row(rows, sheet.raw[i], sheet.filled[i], i + 1, following)
    problems += rows.problems
    totals = check_totals(rows, problems)
    ids = village_ids(rows, problems)
    problems.insert(
        0,
        Problem(
            src,
            _summary(rows, titles, len(above) - titles, totals),
            severity="warning",
            kind="list_rows",
        ),
    )
    columns = [c for c in dict.fromkeys([*_OUT, *rows.cols]) if c != "stt"]
    frame = pd.DataFrame(rows.records, columns=columns, dtype=object)
    frame["village_id"] = pd.Series(ids, index=frame.index, dtype=object)
    frame = frame.fillna("").astype(str)
    frame["row"] = frame["row"].astype(int)
    title = " ".join(v for r in above for v in r if v)
    table = TableRead(frame, src, headers, sheet.problems + problems, sheet.encoding)
    return table, rows, title


def read_uncovered_list(
    path: str | Path, *, sheet: str | None = None, encoding: str | None = None
) -> TableRead:
    """Read a published list of villages without mobile broadband.

    Parameters
    ----------
    path : str or Path
        CSV (any delimiter among , ; tab |) or Excel file.
    sheet : str, optional
        Excel sheet; default the first one with a header row.
    encoding : str, optional
        Encoding of a CSV file; default: BOM, else UTF-8.

    Returns
    -------
    TableRead
        ``frame`` has ``village_id``, ``village_name``, ``commune_name``,
        ``district_name``, ``households``, ``population``,
        ``mobile_signal``, ``note``, ``row`` and any other column under its
        header, all text; ``problems`` holds warnings (rows skipped, ids
        derived, totals that differ) and errors (rows without a village
        name, not read; villages without a commune, kept).

    Raises
    ------
    InputError
        The file is missing or unreadable, or has no header row.

    Examples
    --------
    >>> t = read_uncovered_list("ban_chua_co_song.xlsx")  # doctest: +SKIP
    >>> t.frame[["village_id", "commune_name", "households", "mobile_signal"]]  # doctest: +SKIP
    """
    path = Path(path)
    return _read_rows(_read_cells(path, sheet, encoding), str(path))[0]


def looks_like_uncovered_list(source: str | Path | pd.DataFrame) -> bool:
    """Tell whether a file (or its cells) is a list of villages without mobile broadband.

    True when there is a village column and no signal column, and the list
    has district or commune group rows, merged or blank commune cells under
    a named one, or a title saying *chưa có sóng*, *lõm sóng* or *trắng sóng*.
    A file that cannot be read is not such a list.

    Examples
    --------
    >>> cells = pd.DataFrame([["DANH SÁCH BẢN CHƯA CÓ SÓNG DI ĐỘNG", "", ""],
    ...                       ["STT", "Xã", "Tên bản"], ["1", "Mường Lạn", "Bản Nà Vạc"]])
    >>> looks_like_uncovered_list(cells)
    True
    """
    try:
        if isinstance(source, pd.DataFrame):
            raw = _grid(source)
            sheet = _Sheet(raw, [list(r) for r in raw])
        else:
            sheet = _read_cells(Path(source), None, None)
        found = _find_header(sheet.filled)
        if found is None or "mobile_signal" in found[2]:
            return False
        _, rows, title = _read_rows(sheet, "cells")
    except InputError:
        return False
    titled = any(w in fold(title, keep_prefix=True) for w in _TITLE_WORDS)
    grouped = rows.counts["group"] > 0 or bool(rows.filled_rows)
    return titled or grouped or sheet.merged_commune
