"""Read the cells of one Excel sheet as text (split from :mod:`slmap.sources.tables`).

Only the sheet needed is read, in one streaming pass over its XML (openpyxl's
read-only parser): the first rows of each sheet until one has a header, then
that sheet's cells and its merged ranges. Other sheets, however large, are
never parsed. A formula cell that has no saved value (a workbook written by a
program that does not calculate) is refused, named by sheet, row and column,
rather than read as empty or as its formula.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from slmap.base.errors import InputError, Problem
from slmap.base.values import is_missing
from slmap.sources.archives import check_archive
from slmap.sources.characters import column_letter

__all__ = ["ExcelSheet", "read_excel_cells", "read_excel_sheet"]

#: Rows of each sheet looked at to find the one with a header.
_SCAN = 20


@dataclass
class ExcelSheet:
    """The cells of the sheet read, as text, with its merged ranges.

    Attributes
    ----------
    cells : DataFrame
        Cells as text ("" for blanks), one row per spreadsheet row from row 1.
    name : str
        The sheet read.
    merges : list of tuple
        Merged ranges as 0-based (first row, first column, last row, last column).
    problems : list of Problem
        Warnings (which sheet was chosen).
    """

    cells: pd.DataFrame
    name: str
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class _Formula:
    """A formula cell without a saved value."""

    text: str


def read_excel_cells(
    path: Path, sheet: str | None, has_header: Callable[[pd.DataFrame], bool]
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read the cells of one sheet as text: :func:`read_excel_sheet`'s cells and warnings."""
    found = read_excel_sheet(path, sheet, has_header)
    return found.cells, found.problems


def read_excel_sheet(
    path: Path, sheet: str | None, has_header: Callable[[pd.DataFrame], bool]
) -> ExcelSheet:
    """Read the cells and merged ranges of one sheet.

    Parameters
    ----------
    path : Path
        The workbook (.xlsx, .xlsm; .xls when xlrd is installed).
    sheet : str, optional
        Sheet name; default: the first sheet whose first rows make
        ``has_header`` true.
    has_header : callable
        Tells whether cells (as text) hold a recognisable header row.

    Raises
    ------
    InputError
        Not a workbook, old .xls without xlrd, unreadable, no such sheet, or
        formula cells without a saved value (each named).
    """
    src = str(path)
    try:
        with open(path, "rb") as f:
            magic = f.read(8)
    except OSError as exc:
        raise InputError(f"{src}: cannot be read ({exc.strerror})") from None
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        return _read_xls(path, sheet, has_header)
    if not magic.startswith(b"PK"):
        raise InputError(
            f"{src}: is not an Excel workbook (an .xlsx file is a zip archive); if it is text, "
            "give it a .csv name"
        )
    check_archive(path, "Excel workbook")
    try:
        return _read_xlsx(path, sheet, has_header)
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises many kinds
        raise InputError(f"{src}: cannot read this Excel file ({str(exc)[:150]})") from None


def _read_xlsx(
    path: Path, sheet: str | None, has_header: Callable[[pd.DataFrame], bool]
) -> ExcelSheet:
    src = str(path)
    with open(path, "rb") as handle:  # a file object: openpyxl accepts any file name then
        book = _Book(handle)
        try:
            names = list(book.sheets)
            if not names:
                raise InputError(f"{src}: the workbook has no sheet")
            name = _choose(book, names, sheet, has_header, src)
            rows, merges = book.parse(name, None)
        finally:
            book.close()
    cells = _frame(rows)
    _refuse_formulas(cells, src, name)
    problems = []
    if sheet is None and name != names[0]:
        problems.append(_chosen(src, name))
    return ExcelSheet(cells.map(_excel_text) if len(cells) else cells, name, merges, problems)


def _choose(book: _Book, names: list[str], sheet: str | None, has_header, src: str) -> str:
    """The sheet named, or the first whose first rows hold a header (else the first)."""
    if sheet is not None:
        if sheet not in names:
            raise InputError(f"{src}: no sheet {sheet!r}; sheets are {', '.join(names)}")
        return sheet
    for name in names:
        head = _frame(book.parse(name, _SCAN)[0])
        if len(head) and has_header(head.map(_excel_text)):
            return name
    return names[0]


class _Book:
    """A workbook's strings, styles and sheet list, its sheets parsed only when asked.

    openpyxl's ``load_workbook`` opens every sheet to size it, which reads a
    sheet without a ``<dimension>`` element to its end; this reads none.
    """

    def __init__(self, handle) -> None:
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.styles.stylesheet import apply_stylesheet

        reader = ExcelReader(handle, read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        self._reader = reader
        self.sheets = {
            sheet.name: rel.target
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        }

    def close(self) -> None:
        self._reader.archive.close()

    def parse(self, name: str, max_row: int | None) -> tuple[list[list[object]], list]:
        """The rows of a sheet (from row 1) and, when read to its end, its merged ranges."""
        from openpyxl.utils.cell import range_boundaries
        from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

        class Parser(WorkSheetParser):
            def parse_cell(self, element):
                cell = super().parse_cell(element)
                if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                    cell["value"] = _Formula("=" + (element.findtext(FORMULA_TAG) or ""))
                return cell

        wb = self._reader.wb
        rows: list[list[object]] = []
        with self._reader.archive.open(self.sheets[name]) as source:
            parser = Parser(
                source,
                self._reader.shared_strings,
                data_only=True,
                epoch=wb.epoch,
                date_formats=wb._date_formats,
                timedelta_formats=wb._timedelta_formats,
            )
            for idx, row in parser.parse():
                if max_row is not None and idx > max_row:
                    break
                rows.extend([] for _ in range(idx - 1 - len(rows)))
                rows.append(_row(row))
            merged = parser.merged_cells if max_row is None else None
        merges = []
        for ref in merged.mergeCell if merged is not None else ():
            c0, r0, c1, r1 = range_boundaries(ref.ref)
            merges.append((r0 - 1, c0 - 1, r1 - 1, c1 - 1))
        return rows, merges


def _row(cells: list[dict]) -> list[object]:
    """One parsed row as values by column (error cells such as #N/A read as blank)."""
    line: list[object] = []
    for cell in cells:
        line.extend(None for _ in range(cell["column"] - 1 - len(line)))
        line.append(None if cell["data_type"] == "e" else cell["value"])
    return line


def _frame(rows: list[list[object]]) -> pd.DataFrame:
    """Rows as a frame of equal width, trailing blank rows and columns dropped."""
    rows = [_trim(r) for r in rows]
    while rows and not rows[-1]:
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    return pd.DataFrame([r + [None] * (width - len(r)) for r in rows], dtype=object)


def _trim(row: list[object]) -> list[object]:
    end = len(row)
    while end and is_missing(row[end - 1]):
        end -= 1
    return row[:end]


def _refuse_formulas(cells: pd.DataFrame, src: str, name: str) -> None:
    found = [
        Problem(
            src,
            f"sheet {name!r}: a formula ({value.text[:60]}) with no saved value; the workbook "
            "was written by a program that does not calculate: open it in Excel or "
            "LibreOffice and save it, or paste the values",
            row=i + 1,
            column=column_letter(j),
            kind="formula_without_value",
        )
        for i, row in enumerate(cells.itertuples(index=False))
        for j, value in enumerate(row)
        if isinstance(value, _Formula)
    ]
    if found:
        raise InputError(f"{src}: {len(found)} formula cell(s) without a saved value", found)


def _chosen(src: str, name: str) -> Problem:
    return Problem(
        src,
        f"read sheet {name!r} (the first sheet with a header row); name another with --sheet",
        severity="warning",
        kind="sheet_chosen",
    )


def _read_xls(path: Path, sheet: str | None, has_header) -> ExcelSheet:
    """An old .xls workbook (xlrd), one sheet read."""
    src = str(path)
    try:
        import xlrd  # noqa: F401
    except ImportError:
        raise InputError(
            f"{src}: is an old Excel 97-2003 (.xls) workbook or a password-protected one; "
            "save it as .xlsx (Excel: File > Save As) or CSV UTF-8, then try again"
        ) from None
    try:
        with pd.ExcelFile(path, engine="xlrd") as book:
            names = [str(n) for n in book.sheet_names]
            if sheet is not None and sheet not in names:
                raise InputError(f"{src}: no sheet {sheet!r}; sheets are {', '.join(names)}")
            name = sheet or next(
                (
                    n
                    for n in names
                    if has_header(book.parse(n, header=None, nrows=_SCAN).map(_excel_text))
                ),
                names[0],
            )
            cells = book.parse(name, header=None, dtype=object)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{src}: cannot read this Excel file ({str(exc)[:150]})") from None
    problems = [_chosen(src, name)] if sheet is None and name != names[0] else []
    return ExcelSheet(cells.map(_excel_text) if len(cells) else cells, name, [], problems)


def _excel_text(value: object) -> str:
    if is_missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
