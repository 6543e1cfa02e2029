"""Read the village register and commune statistics (CSV or Excel).

The readers find the header row (title rows above it are skipped and
reported), map headers to canonical names through :mod:`slmap.schema`, and
return the cells as text with their spreadsheet row numbers. Parsing and
checking values is :mod:`slmap.validate`'s job.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from slmap.errors import InputError, Problem
from slmap.names import nfc
from slmap.schema import COLUMNS, STATISTICS_COLUMNS, Column, canonical_header

__all__ = ["TableRead", "read_register", "read_statistics", "read_table"]

_HEADER_SCAN_ROWS = 20
_EXCEL = (".xlsx", ".xlsm", ".xls")


@dataclass
class TableRead:
    """A table read from a file, cells as text, headers made canonical.

    Attributes
    ----------
    frame : DataFrame
        Canonical columns (and any other columns, kept under their own
        header), all as strings; column ``row`` holds the spreadsheet row
        number (header row + 1 for the first record).
    source : str
        The file read.
    headers : dict
        Canonical name -> header as written in the file.
    problems : list of Problem
        Warnings found while reading (title rows skipped, encoding...).
    encoding : str or None
        The encoding used for CSV files.
    """

    frame: pd.DataFrame
    source: str
    headers: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    encoding: str | None = None


def _sniff_encoding(raw: bytes, declared: str | None, src: str) -> str:
    if declared:
        try:
            codecs.lookup(declared)
        except LookupError:
            raise InputError(
                f"{src}: unknown encoding {declared!r} (try utf-8, cp1258, utf-16)"
            ) from None
        return declared
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{src}: not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "declare the encoding with --encoding (cp1258 is common for Vietnamese Windows files, "
            "utf-16 for Excel 'Unicode text')"
        ) from None
    return "utf-8"


def _read_csv_cells(path: Path, encoding: str | None) -> tuple[pd.DataFrame, str]:
    src = str(path)
    raw = path.read_bytes()
    enc = _sniff_encoding(raw, encoding, src)
    try:
        text = raw.decode(enc)
    except UnicodeDecodeError as exc:
        raise InputError(f"{src}: cannot be decoded as {enc} (offset {exc.start})") from None
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError(f"{src}: the file is empty; expected a header row and village rows")
    sample = "\n".join(text.splitlines()[:_HEADER_SCAN_ROWS])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    width = max((len(r) for r in rows), default=0)
    cells = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype="object")
    return cells, enc


def _read_excel_cells(path: Path, sheet: str | None) -> pd.DataFrame:
    src = str(path)
    try:
        book = pd.read_excel(path, sheet_name=None, header=None, dtype=object)
    except Exception as exc:  # openpyxl/xlrd raise many kinds
        raise InputError(f"{src}: cannot read this Excel file ({str(exc)[:150]})") from None
    if not book:
        raise InputError(f"{src}: the workbook has no sheet")
    if sheet is None:
        name = next(iter(book))
    elif sheet in book:
        name = sheet
    else:
        raise InputError(f"{src}: no sheet {sheet!r}; sheets are {', '.join(map(str, book))}")
    cells = book[name]
    return cells.map(_excel_text) if len(cells) else cells


def _excel_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(
    path: str | Path,
    columns: tuple[Column, ...] = COLUMNS,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    what: str = "village register",
) -> TableRead:
    """Read a CSV or Excel table and make its headers canonical.

    Parameters
    ----------
    path : str or Path
        CSV (any delimiter among , ; tab |) or Excel file.
    columns : tuple of Column
        The schema whose aliases are recognised.
    encoding : str, optional
        Encoding of a CSV file; default: BOM, else UTF-8 (strict).
    sheet : str, optional
        Excel sheet; default the first.
    what : str
        What the table is, for messages.

    Raises
    ------
    InputError
        Missing file, undecodable text, no recognisable header, duplicate
        headers, or missing required columns (all listed at once).
    """
    path = Path(path)
    src = str(path)
    if not path.is_file():
        raise InputError(f"{src}: file not found (expected a {what}, CSV or Excel)")
    problems: list[Problem] = []
    if path.suffix.lower() in _EXCEL:
        cells, enc = _read_excel_cells(path, sheet), None
    else:
        cells, enc = _read_csv_cells(path, encoding)
    cells = cells.fillna("").astype(str).map(nfc)
    header_at, recognised = _find_header(cells, columns)
    if header_at is None:
        expected = ", ".join(c.name for c in columns if c.required)
        raise InputError(
            f"{src}: found no header row in the first {_HEADER_SCAN_ROWS} rows; expected "
            f"columns such as {expected} (or their Vietnamese names)"
        )
    if header_at > 0:
        problems.append(
            Problem(
                src,
                f"skipped {header_at} title row(s) above the header on row {header_at + 1}",
                severity="warning",
                kind="title_rows",
            )
        )
    header = [h.strip() for h in cells.iloc[header_at]]
    headers: dict[str, str] = {}
    names: list[str] = []
    errors: list[Problem] = []
    for i, h in enumerate(header):
        canon = recognised[i]
        if canon is not None and canon in headers:
            errors.append(
                Problem(
                    src,
                    f"duplicate column: {h!r} and {headers[canon]!r} both mean {canon}",
                    row=header_at + 1,
                    column=h,
                    kind="duplicate_header",
                )
            )
            canon = None
        if canon is not None:
            headers[canon] = h
            names.append(canon)
        else:
            names.append(h if h and h not in names else f"{h or 'column'}_{i + 1}")
    missing = [c for c in columns if c.required and c.name not in headers]
    for c in missing:
        errors.append(
            Problem(
                src,
                f"missing required column {c.name} ({c.meaning}); accepted headers: "
                f"{', '.join((c.name, *c.aliases[:4]))}",
                row=header_at + 1,
                kind="missing_column",
            )
        )
    if errors:
        raise InputError(f"{src}: the header of the {what} is not usable", errors)
    body = cells.iloc[header_at + 1 :].copy()
    body.columns = names
    body.insert(0, "row", range(header_at + 2, header_at + 2 + len(body)))
    blank = body.drop(columns="row").apply(lambda s: s.str.strip() == "").all(axis=1)
    body = body[~blank].reset_index(drop=True)
    return TableRead(body, src, headers, problems, enc)


def _find_header(cells: pd.DataFrame, columns: tuple[Column, ...]) -> tuple[int | None, list]:
    best, best_row, best_rec = 1, None, []
    for r in range(min(_HEADER_SCAN_ROWS, len(cells))):
        rec = [canonical_header(v, columns) for v in cells.iloc[r]]
        score = len({c for c in rec if c})
        if score > best:
            best, best_row, best_rec = score, r, rec
    return best_row, best_rec


def read_register(
    path: str | Path, *, encoding: str | None = None, sheet: str | None = None
) -> TableRead:
    """Read a village register (DESIGN §3.3).

    Examples
    --------
    >>> t = read_register("villages.csv", encoding="cp1258")  # doctest: +SKIP
    >>> t.frame[["row", "village_id", "households"]].head()  # doctest: +SKIP
    """
    return read_table(path, COLUMNS, encoding=encoding, sheet=sheet, what="village register")


def read_statistics(
    path: str | Path, *, encoding: str | None = None, sheet: str | None = None
) -> TableRead:
    """Read optional commune statistics keyed by commune_code."""
    return read_table(
        path, STATISTICS_COLUMNS, encoding=encoding, sheet=sheet, what="commune statistics"
    )
