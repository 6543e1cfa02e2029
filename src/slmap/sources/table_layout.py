"""Where a table's header is, what its columns are called, and which rows are report furniture.

Registers typed by hand or exported from a report carry title rows above the
header, a column-numbering row ``(1) (2) (3)`` under it and total rows
(``Tổng cộng``). These helpers find the header, give every column a name
(canonical through :mod:`slmap.base.schema` where recognised) and drop the report
rows, each with a warning so nothing is lost silently. They serve
:mod:`slmap.sources.tables`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from slmap.base.errors import InputError, Problem
from slmap.base.names import fold
from slmap.base.schema import Column, canonical_header

__all__ = [
    "ADDED_COLUMNS",
    "HEADER_SCAN_ROWS",
    "drop_report_rows",
    "find_header",
    "locate_header",
    "name_columns",
]

#: Names slmap gives to columns it adds to a table or a result (the file's row, the
#: feature, the geometry, overflow cells, flags and measures derived from the data).
#: A column of the file with one of these headers keeps its values under another
#: name (``row (file)``) so neither is lost.
ADDED_COLUMNS = frozenset(
    {
        "row", "feature", "geometry", "__overflow__", "lon", "lat", "mobile_broadband",
        "has_4g", "location_estimated", "approximate", "commune_code_old",
        "commune_assigned", "converted_from", "line_approximate", "district_code",
        "district_name", "province_code", "province_name", "commune_type", "data_note",
        "villages", "villages_no_mbb", "households_no_mbb", "population_no_mbb",
        "villages_4g", "share_4g", "population_4g", "pop_4g_share", "fibre_hh_share",
        "fibre_backbone", "distance_km", "priority_rank", "priority_score",
        "dist_covered_km", "cost_distance", "cost_power", "cost_index", "predicted_mbb",
        "best_site_id", "los", "path_loss_db", "margin_db", "agreement", "itm_warning",
    }
)  # fmt: skip

#: How many rows from the top are searched for the header row.
HEADER_SCAN_ROWS = 20
_TOTAL_WORDS = {"tongcong", "tong", "total", "cong", "tongso", "grandtotal"}
_TOTAL_HINT = re.compile(r"^\W*(?:t[oôổ]|c[oộ]|gr)", re.IGNORECASE)
_NUMBERING = re.compile(r"\(?\d{1,2}\)?")


def find_header(cells: pd.DataFrame, columns: tuple[Column, ...]) -> tuple[int | None, list]:
    """The row (0-based) recognising the most canonical headers, and what each cell means.

    A row must recognise at least two columns to count as a header.

    Examples
    --------
    >>> from slmap.base.schema import COLUMNS
    >>> cells = pd.DataFrame([["Danh sách", ""], ["Tên bản", "Số hộ"], ["Bản Ít", "45"]])
    >>> find_header(cells, COLUMNS)
    (1, ['village_name', 'households'])
    """
    best, best_row, best_rec = 1, None, []
    for r in range(min(HEADER_SCAN_ROWS, len(cells))):
        rec = [canonical_header(v, columns) for v in cells.iloc[r]]
        score = len({c for c in rec if c})
        if score > best:
            best, best_row, best_rec = score, r, rec
    return best_row, best_rec


def locate_header(
    cells: pd.DataFrame, columns: tuple[Column, ...], src: str, problems: list[Problem]
) -> tuple[int, list]:
    """Like :func:`find_header`, but a table without a header is an error.

    Title rows above the header are reported in ``problems``.

    Raises
    ------
    InputError
        No header row in the first :data:`HEADER_SCAN_ROWS` rows.

    Examples
    --------
    >>> from slmap.base.schema import COLUMNS
    >>> found = []
    >>> cells = pd.DataFrame([["Danh sách", ""], ["Tên bản", "Số hộ"], ["Bản Ít", "45"]])
    >>> locate_header(cells, COLUMNS, "v.csv", found)[0], found[0].kind
    (1, 'title_rows')
    """
    header_at, recognised = find_header(cells, columns)
    if header_at is None:
        expected = ", ".join(c.name for c in columns if c.required)
        first = [v for v in cells.iloc[0] if v][:6] if len(cells) else []
        raise InputError(
            f"{src}: found no header row in the first {HEADER_SCAN_ROWS} rows (first row: "
            f"{', '.join(map(repr, first)) or 'blank'}); expected columns such as {expected} "
            "(or their Vietnamese names, e.g. 'Tên bản', 'Số hộ', 'Sóng')"
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
    return header_at, recognised


def name_columns(
    header: list[str],
    recognised: list,
    columns: tuple[Column, ...],
    src: str,
    what: str,
    row: int,
    problems: list[Problem] | None = None,
) -> tuple[list[str], dict[str, str]]:
    """Name every column: canonical where recognised, else its own (unique) header.

    A header that is not recognised but is one of :data:`ADDED_COLUMNS` (a file
    with its own ``row`` column) is kept as ``<header> (file)``, with a warning
    in ``problems``.

    Parameters
    ----------
    header : list of str
        The header cells as written (stripped), up to the last non-blank one.
    recognised : list
        Canonical name or None for each header cell (from :func:`find_header`).
    columns : tuple of Column
        The schema; its required columns must all be present.
    src, what : str
        The file and what it is, for messages.
    row : int
        The spreadsheet row of the header, for messages.
    problems : list of Problem, optional
        Where warnings (renamed columns) are added.

    Returns
    -------
    names, headers
        The column names in order, and canonical name -> header as written.

    Raises
    ------
    InputError
        Duplicate canonical columns or missing required ones, all listed.

    Examples
    --------
    >>> from slmap.base.schema import STATISTICS_COLUMNS as S
    >>> name_columns(["Mã xã", "", "Ghi chú"], ["commune_code", None, None], S, "s.csv", "x", 1)
    (['commune_code', 'column_2', 'Ghi chú'], {'commune_code': 'Mã xã'})
    >>> name_columns(["Mã xã", "row"], ["commune_code", None], S, "s.csv", "x", 1)[0]
    ['commune_code', 'row (file)']
    """
    headers: dict[str, str] = {}
    names: list[str] = []
    errors: list[Problem] = []
    for i, h in enumerate(header):
        canon = recognised[i]
        if canon is not None and canon in headers:
            errors.append(
                Problem(
                    src,
                    f"duplicate column: {h!r} and {headers[canon]!r} both mean {canon}; "
                    "keep one of them",
                    row=row,
                    column=h,
                    kind="duplicate_header",
                )
            )
            canon = None
        if canon is not None:
            headers[canon] = h
            names.append(canon)
        else:
            names.append(_own_name(h, i, names, src, row, problems))
    errors += [
        Problem(
            src,
            f"missing required column {c.name} ({c.meaning}); accepted headers: "
            f"{', '.join((c.name, *c.aliases[:4]))}",
            row=row,
            kind="missing_column",
        )
        for c in columns
        if c.required and c.name not in headers
    ]
    if errors:
        raise InputError(f"{src}: the header of the {what} is not usable", errors)
    return names, headers


def _own_name(
    header: str, i: int, taken: list[str], src: str, row: int, problems: list[Problem] | None
) -> str:
    """The name of a column slmap does not recognise: its header, made unique."""
    name = header
    if header in ADDED_COLUMNS or header.lower() in ADDED_COLUMNS:
        name = f"{header} (file)"
        if problems is not None:
            problems.append(
                Problem(
                    src,
                    f"column {header!r} is kept as {name!r}: slmap names a column it adds "
                    f"{header.lower()!r}",
                    row=row,
                    column=header,
                    severity="warning",
                    kind="renamed_column",
                )
            )
    return name if name and name not in taken else f"{name or 'column'}_{i + 1}"


def _numbering_row(body: pd.DataFrame, data_cols: list[str]) -> bool:
    """Whether the first row numbers the columns: (1) (2) (3)... or 1 2 3..."""
    if not len(body):
        return False
    first = [v for v in body[data_cols].iloc[0] if v]
    digits = [int(v.strip("()")) for v in first if _NUMBERING.fullmatch(v)]
    return len(first) >= 3 and len(digits) == len(first) and digits == sorted(set(digits))


def _total_rows(body: pd.DataFrame, data_cols: list[str]) -> np.ndarray:
    """A total row has a total word in its first cells and no village id of its own."""
    if "village_id" in body:
        ids = body["village_id"]
        cand = ((ids == "") | ids.str.contains(_TOTAL_HINT, regex=True)).to_numpy()
    else:
        cand = np.ones(len(body), dtype=bool)
    total = np.zeros(len(body), dtype=bool)
    if cand.any():
        lead = body[data_cols[:3]][cand].map(lambda v: fold(v, keep_prefix=True) if v else "")
        total[cand] = lead.isin(_TOTAL_WORDS).any(axis=1).to_numpy()
    return total


def drop_report_rows(
    body: pd.DataFrame, data_cols: list[str], src: str, problems: list[Problem]
) -> pd.DataFrame:
    """Drop a column-numbering row under the header and total rows, as reports have.

    Each dropped row is reported in ``problems`` with its spreadsheet row
    (column ``row`` of ``body``).

    Examples
    --------
    >>> body = pd.DataFrame({"row": [2, 3], "village_id": ["B1", ""],
    ...                      "village_name": ["Bản Ít", "Tổng cộng"]})
    >>> found = []
    >>> drop_report_rows(body, ["village_id", "village_name"], "v.csv", found)["row"].tolist()
    [2]
    >>> found[0].row, found[0].kind
    (3, 'total_row')
    """
    if _numbering_row(body, data_cols):
        problems.append(
            Problem(
                src,
                "skipped the column-numbering row under the header",
                row=int(body["row"].iloc[0]),
                severity="warning",
                kind="title_rows",
            )
        )
        body = body.iloc[1:]
    total = _total_rows(body, data_cols)
    for r in body["row"].to_numpy()[total]:
        problems.append(
            Problem(
                src,
                "skipped a total row (Tổng cộng); totals are computed by slmap",
                row=int(r),
                severity="warning",
                kind="total_row",
            )
        )
    return body[~total]
