"""Read the village register and commune statistics (CSV or Excel).

The readers find the header row (title rows above it are skipped and
reported), map headers to canonical names through :mod:`slmap.base.schema`, and
return the cells as text with their spreadsheet row numbers. Parsing and
checking values is :mod:`slmap.model.validate`'s job. Encodings are sniffed by
:mod:`slmap.sources.encodings`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from slmap.base.errors import InputError, Problem
from slmap.base.names import nfc
from slmap.base.progress import progress_steps
from slmap.base.schema import COLUMNS, STATISTICS_COLUMNS, Column
from slmap.sources.characters import Removed, forbidden_problem, remove_forbidden
from slmap.sources.csv_cells import read_csv_cells
from slmap.sources.encodings import legacy_message
from slmap.sources.excel import read_excel_cells
from slmap.sources.table_layout import (
    drop_report_rows,
    find_header,
    locate_header,
    name_columns,
)

__all__ = ["OVERFLOW", "TableRead", "read_register", "read_statistics", "read_table"]

_EXCEL = (".xlsx", ".xlsm", ".xls")
_GIS = (".json", ".geojson", ".gpkg", ".shp", ".kml", ".kmz", ".zip", ".dbf", ".shx")
#: Column holding the cells a CSV row has beyond its header (checked by validate).
OVERFLOW = "__overflow__"


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


#: Whitespace other than the plain space (nfc turns it into a space).
_OTHER_SPACE = re.compile(r"[^\S ]")
_SPACES = re.compile(r"[^\S\x00]+")
_EDGE_SPACES = re.compile(r" ?\x00 ?")


def _single_spaced(joined: str) -> bool:
    """No cell of ``joined`` (cells separated by NUL) starts or ends with a space, holds
    two spaces in a row or any other whitespace: :func:`slmap.base.names.nfc` keeps them."""
    if joined[:1] == " " or joined[-1:] == " ":
        return False
    if "  " in joined or " \x00" in joined or "\x00 " in joined:
        return False
    return _OTHER_SPACE.search(joined) is None


def _normalise(cells: pd.DataFrame) -> pd.DataFrame:
    """NFC and collapsed whitespace in every cell (as :func:`slmap.base.names.nfc`), column-wise.

    Each column's distinct values are joined into one text: a column already in NFC
    with single inner spaces (the usual case) is checked by two scans of that text and
    left as it is; otherwise the joined text is normalised at once and split back.
    """
    out = {}
    for col in cells.columns:
        values = cells[col].fillna("").astype(str)
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        uniques = np.asarray(uniques, dtype=object)
        joined = "\x00".join(uniques)
        if joined.count("\x00") != max(len(uniques) - 1, 0):  # a cell holds NUL itself
            fixed = np.array([nfc(u) for u in uniques], dtype=object)
        elif unicodedata.is_normalized("NFC", joined) and _single_spaced(joined):
            out[col] = values
            continue
        else:
            spaced = _SPACES.sub(" ", unicodedata.normalize("NFC", joined))
            pieces = _EDGE_SPACES.sub("\x00", spaced).strip(" ").split("\x00")
            fixed = np.empty(len(uniques), dtype=object)
            fixed[:] = pieces if len(pieces) == len(uniques) else [nfc(u) for u in uniques]
        out[col] = pd.Series(fixed[codes], index=cells.index, dtype=values.dtype)
    return pd.DataFrame(out, index=cells.index)


def _file_kind(path: Path, raw_head: bytes) -> str:
    if path.suffix.lower() in _EXCEL or raw_head.startswith(b"PK\x03\x04"):
        return "excel"
    return "csv"


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
        Excel sheet; default the first one with a header row.
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
    if not path.exists():
        raise InputError(f"{src}: file not found (expected a {what}, CSV or Excel)")
    if path.is_dir():
        raise InputError(f"{src}: is a folder; expected a {what} file (CSV or Excel)")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{src}: cannot be read ({exc.strerror})") from None
    if path.suffix.lower() in _GIS or raw[:16].lstrip().startswith((b"<?xml", b"SQLite format")):
        raise InputError(
            f"{src}: is a GIS or JSON file, not a {what}; a {what} is a CSV or Excel table "
            "(boundary files go with --boundaries)"
        )
    problems: list[Problem] = []
    with progress_steps(3, f"reading {path.name}") as step:
        if _file_kind(path, raw[:8]) == "excel":
            if path.suffix.lower() not in _EXCEL:
                problems.append(
                    Problem(src, "is an Excel workbook; read it as one", severity="warning")
                )
            cells, found = read_excel_cells(
                path, sheet, lambda frame: find_header(frame, columns)[0] is not None
            )
            enc, plain = None, False
        else:
            cells, enc, found, plain = read_csv_cells(raw, encoding, src, columns)
        problems += found
        step()
        cells, removed = (cells, None) if plain else remove_forbidden(cells)
        cells = _normalise(cells)
        step()
        legacy = (
            legacy_message(" ".join(pd.unique(cells.to_numpy().ravel()))) if enc is None else None
        )
        if legacy is not None:
            raise InputError(f"{src}: {legacy}")
        table = _shape(cells, columns, src, what, problems, overflow=enc is not None)
        step()
    if removed is not None:
        table.problems.append(_removed_problem(table, removed))
    table.encoding = enc
    return table


def _removed_problem(table: TableRead, removed: Removed) -> Problem:
    """The warning for forbidden characters, naming the column by its header as written."""
    names = [c for c in table.frame.columns if c not in ("row", OVERFLOW)]
    if removed.column < len(names):
        column = table.headers.get(names[removed.column], names[removed.column])
    else:
        column = f"column {removed.column + 1}"
    return forbidden_problem(table.source, removed, removed.row + 1, column)


def _shape(
    cells: pd.DataFrame,
    columns: tuple[Column, ...],
    src: str,
    what: str,
    problems: list[Problem],
    *,
    overflow: bool,
) -> TableRead:
    """Cut the cells into header and body, name the columns, drop what is not a record."""
    header_at, recognised = locate_header(cells, columns, src, problems)
    header = [h.strip() for h in cells.iloc[header_at]]
    width = max((i + 1 for i, h in enumerate(header) if h), default=0)
    names, headers = name_columns(
        header[:width], recognised, columns, src, what, row=header_at + 1, problems=problems
    )
    body = cells.iloc[header_at + 1 :, :width].copy()
    body.columns = names
    body.insert(0, "row", np.arange(header_at + 2, header_at + 2 + len(body)))
    _keep_unheaded(body, cells.iloc[header_at + 1 :, width:], src, problems, overflow=overflow)
    body = body[~_blank_rows(body)]
    data_cols = [c for c in body.columns if c not in ("row", OVERFLOW)]
    body = drop_report_rows(body, data_cols, src, problems)
    if body.empty:
        raise InputError(f"{src}: the {what} has a header (row {header_at + 1}) but no data rows")
    return TableRead(body.reset_index(drop=True), src, headers, problems)


def _keep_unheaded(
    body: pd.DataFrame, extra: pd.DataFrame, src: str, problems: list[Problem], *, overflow: bool
) -> None:
    """Cells right of the last header: kept in :data:`OVERFLOW` (CSV) or reported (Excel)."""
    if not extra.shape[1]:
        return
    has_extra = (extra != "").any(axis=1).to_numpy()
    if not has_extra.any():
        return
    if overflow:
        body[OVERFLOW] = extra.apply(lambda r: " | ".join(v for v in r if v), axis=1).to_numpy()
        return
    problems.append(
        Problem(
            src,
            f"ignored {int(has_extra.sum())} row(s) of cells right of the last "
            f"header (first on row {int(body['row'].to_numpy()[has_extra][0])})",
            severity="warning",
            kind="unheaded_cells",
        )
    )


def _blank_rows(body: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell (overflow included) is blank."""
    data = body.drop(columns=["row", OVERFLOW], errors="ignore")
    blank = (data == "").all(axis=1).to_numpy().copy()
    if OVERFLOW in body:
        blank = blank & (body[OVERFLOW].to_numpy() == "")
    return blank


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
