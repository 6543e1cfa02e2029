"""Read the cells of an Excel sheet as text (split from :mod:`slmap.sources.tables`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from slmap.base.errors import InputError, Problem
from slmap.base.values import is_missing
from slmap.sources.archives import check_archive

__all__ = ["read_excel_cells"]


def read_excel_cells(
    path: Path, sheet: str | None, has_header: Callable[[pd.DataFrame], bool]
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read the cells of one sheet as text.

    Parameters
    ----------
    path : Path
        The workbook (.xlsx, .xlsm; .xls when xlrd is installed).
    sheet : str, optional
        Sheet name; default: the first sheet where ``has_header`` is true.
    has_header : callable
        Tells whether a sheet's cells hold a recognisable header row.

    Returns
    -------
    cells, problems
        Cells as text ("" for blanks) and warnings.

    Raises
    ------
    InputError
        Not a workbook, old .xls without xlrd, unreadable, or no such sheet.
    """
    src = str(path)
    engine = "openpyxl"
    try:
        with open(path, "rb") as f:
            magic = f.read(8)
    except OSError as exc:
        raise InputError(f"{src}: cannot be read ({exc.strerror})") from None
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        try:
            import xlrd  # noqa: F401
        except ImportError:
            raise InputError(
                f"{src}: is an old Excel 97-2003 (.xls) workbook or a password-protected one; "
                "save it as .xlsx (Excel: File > Save As) or CSV UTF-8, then try again"
            ) from None
        engine = "xlrd"
    elif not magic.startswith(b"PK"):
        raise InputError(
            f"{src}: is not an Excel workbook (an .xlsx file is a zip archive); if it is text, "
            "give it a .csv name"
        )
    else:
        check_archive(path, "Excel workbook")
    try:
        book = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine=engine)
    except Exception as exc:  # openpyxl/xlrd raise many kinds
        raise InputError(f"{src}: cannot read this Excel file ({str(exc)[:150]})") from None
    if not book:
        raise InputError(f"{src}: the workbook has no sheet")
    problems: list[Problem] = []
    if sheet is None:
        name = next(iter(book))
        for candidate, frame in book.items():  # the first sheet that has a header row
            if len(frame) and has_header(frame.map(_excel_text)):
                name = candidate
                break
        if name != next(iter(book)):
            problems.append(
                Problem(
                    src,
                    f"read sheet {name!r} (the first sheet with a header row); name another "
                    "with --sheet",
                    severity="warning",
                    kind="sheet_chosen",
                )
            )
    elif sheet in book:
        name = sheet
    else:
        raise InputError(f"{src}: no sheet {sheet!r}; sheets are {', '.join(map(str, book))}")
    cells = book[name]
    return (cells.map(_excel_text) if len(cells) else cells), problems


def _excel_text(value: object) -> str:
    if is_missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
