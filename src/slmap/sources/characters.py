"""Characters no output format can hold, removed from every table slmap reads.

XML 1.0 (KML, the XLSX parts, GeoPackage metadata) and XLSX forbid the C0
control characters other than tab, newline and carriage return, the
non-characters U+FFFE and U+FFFF, and lone surrogates. A cell holding one
would make a later export fail, so every reader removes them as it reads
(the characters are :data:`slmap.base.xmltext.FORBIDDEN`, the writers' rule too):
:func:`remove_forbidden` cleans the cells, and :func:`forbidden_problem`
makes the one warning per file that counts them and names the first row and
column where one was found.

Examples
--------
>>> import pandas as pd
>>> cells, found = remove_forbidden(pd.DataFrame([["a", "b"], ["c\\x01d", "\\ufffee"]]))
>>> cells.to_numpy().tolist(), found
([['a', 'b'], ['cd', 'e']], Removed(count=2, row=1, column=0))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from slmap.base.errors import Problem
from slmap.base.xmltext import FORBIDDEN, FORBIDDEN_RE2

__all__ = ["FORBIDDEN", "Removed", "clean_frame", "forbidden_problem", "remove_forbidden"]


@dataclass(frozen=True)
class Removed:
    """How many forbidden characters were removed, and where the first was (0-based)."""

    count: int
    row: int
    column: int


def remove_forbidden(cells: pd.DataFrame) -> tuple[pd.DataFrame, Removed | None]:
    """``cells`` (text) without :data:`FORBIDDEN` characters, and what was removed.

    Each column's distinct values are searched at once, so a clean table (the
    usual case) costs one scan per column. The first one found is the one of
    the lowest row, then the leftmost column.
    """
    count = 0
    first: tuple[int, int] | None = None
    out = cells
    for j, col in enumerate(cells.columns):
        values = cells[col]
        if not (values.dtype == object or isinstance(values.dtype, pd.StringDtype)):
            continue
        if not _may_hold(values):
            continue
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        texts = [u if isinstance(u, str) else "" for u in uniques]
        per_unique = np.array([len(FORBIDDEN.findall(t)) for t in texts])
        found = per_unique[codes]
        hit = found.nonzero()[0]
        count += int(found.sum())
        if first is None or hit[0] < first[0]:
            first = (int(hit[0]), j)
        clean = np.array([_clean(u) for u in uniques], dtype=object)
        if out is cells:
            out = cells.copy()
        out.isetitem(j, pd.Series(clean[codes], index=values.index, dtype=values.dtype))
    if first is None:
        return cells, None
    return out, Removed(count, first[0], first[1])


def _may_hold(values: pd.Series) -> bool:
    """Whether a text column holds a forbidden character, in one vectorised scan.

    Arrow-backed text cannot hold surrogates, and its regular expressions
    (RE2) are given the other characters as escapes.
    """
    if getattr(values.dtype, "storage", None) == "pyarrow":
        return bool(values.str.contains(FORBIDDEN_RE2, regex=True).fillna(False).any())
    texts = [u for u in pd.unique(values.to_numpy(dtype=object)) if isinstance(u, str)]
    return FORBIDDEN.search("".join(texts)) is not None


def _clean(value: object) -> object:
    return FORBIDDEN.sub("", value) if isinstance(value, str) else value


def forbidden_problem(src: str, removed: Removed, row: int, column: str) -> Problem:
    """The one warning of a file whose cells held forbidden characters.

    Examples
    --------
    >>> print(forbidden_problem("v.csv", Removed(2, 3, 1), 4, "Tên bản"))
    v.csv: row 4, column 'Tên bản': removed 2 character(s) that XML and Excel cannot hold \
(control characters other than tab and line breaks, U+FFFE, U+FFFF, lone surrogates); \
the first was in this cell
    """
    return Problem(
        src,
        f"removed {removed.count} character(s) that XML and Excel cannot hold (control "
        "characters other than tab and line breaks, U+FFFE, U+FFFF, lone surrogates); "
        "the first was in this cell",
        row=row,
        column=column,
        severity="warning",
        kind="forbidden_characters",
    )


def clean_frame(
    frame: pd.DataFrame, src: str, first_row: int
) -> tuple[pd.DataFrame, list[Problem]]:
    """``frame`` without forbidden characters, and the warning (if any) as a list.

    ``first_row`` is the row number of the frame's first row (1 for GIS
    features, 2 for a CSV read with its header). The column is named by the
    frame's label, or by its spreadsheet letter when the labels are positions.

    Examples
    --------
    >>> frame = pd.DataFrame({"ten": ["a", "b\\x07"]})
    >>> cleaned, found = clean_frame(frame, "f.geojson", 1)
    >>> cleaned["ten"].tolist(), found[0].row, found[0].column
    (['a', 'b'], 2, 'ten')
    """
    cleaned, removed = remove_forbidden(frame)
    if removed is None:
        return frame, []
    label = frame.columns[removed.column]
    column = column_letter(label) if isinstance(label, int) else str(label)
    return cleaned, [forbidden_problem(src, removed, removed.row + first_row, column)]


def column_letter(position: int) -> str:
    """The spreadsheet letter of a 0-based column position.

    Examples
    --------
    >>> column_letter(0), column_letter(25), column_letter(26)
    ('A', 'Z', 'AA')
    """
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
