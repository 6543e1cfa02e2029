"""The cells of a CSV file as text, and the checks that the split is sound.

Two readers give the same cells: pandas' C parser (fast, used when every row
fits the width of the first ones) and :mod:`csv` (everything else); a test
compares them cell for cell. Both are checked the same way afterwards:

- a quote (``"``) that opens a cell and runs over lines that look like whole
  rows (a stray quote) is an error naming the row and column where it opens,
  instead of rows merged into one cell;
- a cell longer than :data:`CELL_LIMIT` characters is an error naming row and
  column (the :mod:`csv` module's own limit, 128 KiB, is lifted while reading).

Then the formula guard slmap's CSV writers add (:mod:`slmap.base.formulas`) is
removed from every text cell, so slmap's own CSV reads back exactly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd

from slmap.base.errors import InputError, Problem
from slmap.base.formulas import unguard_cell
from slmap.base.schema import Column, canonical_header
from slmap.sources.characters import FORBIDDEN, column_letter
from slmap.sources.encodings import decode_text
from slmap.sources.table_layout import HEADER_SCAN_ROWS, find_header

__all__ = [
    "CELL_LIMIT",
    "check_split",
    "fast_cells",
    "head",
    "read_csv_cells",
    "split_rows",
    "split_text",
    "unguard_frame",
]

_DELIMITERS = (",", ";", "\t", "|")
#: The longest cell read, in characters (1 MiB); a longer one is an error.
CELL_LIMIT = 1_048_576
_LINE_BREAKS = ("\n", "\r")


def split_rows(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def choose_delimiter(text: str, columns: tuple[Column, ...]) -> str:
    """The delimiter under which the most canonical headers are recognised."""
    sample = head(text, HEADER_SCAN_ROWS)
    best, best_score = ",", (-1, 0)
    for delim in _DELIMITERS:
        try:
            rows = split_rows(sample, delim)
        except csv.Error:
            continue
        cells = frame_of(rows)
        score = max(
            (len({canonical_header(v, columns) for v in r} - {None}) for r in cells.to_numpy()),
            default=0,
        )
        key = (score, max((len(r) for r in rows), default=0))
        if key > best_score:
            best, best_score = delim, key
    return best


def frame_of(rows: list[list[str]]) -> pd.DataFrame:
    width = max((len(r) for r in rows), default=0)
    return pd.DataFrame(
        [r if len(r) == width else r + [""] * (width - len(r)) for r in rows], dtype="object"
    )


def read_csv_cells(
    raw: bytes, encoding: str | None, src: str, columns: tuple[Column, ...]
) -> tuple[pd.DataFrame, str, list[Problem], bool]:
    """Decode and split a CSV file into cells (text), checked for stray quotes and long cells.

    The last value tells whether the text holds no character of
    :data:`slmap.sources.characters.FORBIDDEN` (one scan of the whole text, so
    the cells need not be searched one by one).

    Raises
    ------
    InputError
        Undecodable or empty text, a stray quote, a cell over :data:`CELL_LIMIT`.
    """
    text, enc, problems = decode_text(raw, encoding, src)
    if not text.strip():
        raise InputError(f"{src}: the file is empty; expected a header row and data rows")
    with _no_csv_limit(text):
        delimiter = choose_delimiter(text, columns)
        cells = fast_cells(text, delimiter)
        if cells is None:
            cells = frame_of(split_text(text, delimiter, src))
    if '"' in text or len(text) > CELL_LIMIT:  # else no cell can span lines or be too long
        check_split(cells, src, columns, delimiter)
    return unguard_frame(cells), enc, problems, FORBIDDEN.search(text) is None


@contextmanager
def _no_csv_limit(text: str) -> Iterator[None]:
    """The :mod:`csv` module's field limit lifted to the whole text, restored afterwards."""
    limit = csv.field_size_limit(max(len(text) + 1, CELL_LIMIT + 1))
    try:
        yield
    finally:
        csv.field_size_limit(limit)


def split_text(text: str, delimiter: str, src: str) -> list[list[str]]:
    """The rows of a CSV text by the :mod:`csv` module, any cell length allowed.

    Raises
    ------
    InputError
        The text is not CSV the module can read.
    """
    with _no_csv_limit(text):
        try:
            return split_rows(text, delimiter)
        except csv.Error as exc:
            raise InputError(f"{src}: not a readable CSV file ({exc})") from None


def unguard_frame(cells: pd.DataFrame) -> pd.DataFrame:
    """Every text cell with the formula guard slmap's CSV writers add removed.

    :func:`slmap.base.formulas.unguard_cell` on each cell that starts with an
    apostrophe, so a CSV slmap wrote reads back exactly (``'=1+1`` is ``=1+1``,
    ``''=x`` is ``'=x``); other cells are not touched.

    Examples
    --------
    >>> unguard_frame(pd.DataFrame({"a": ["'=1+1", "'-", "''=x", "'Bản", "-5"]}))["a"].tolist()
    ['=1+1', '-', "'=x", "'Bản", '-5']
    """
    out = cells
    for j, col in enumerate(cells.columns):
        values = cells[col]
        if not _texts(values):
            continue
        guarded = values.str.startswith("'").fillna(False).to_numpy(dtype=bool)
        if not guarded.any():
            continue
        if out is cells:
            out = cells.copy()
        fixed = values.copy()
        fixed[guarded] = values[guarded].map(unguard_cell)
        out.isetitem(j, fixed)
    return out


def check_split(cells: pd.DataFrame, src: str, columns: tuple[Column, ...], delimiter: str) -> None:
    """Refuse a stray quote (a cell holding whole rows) and cells over :data:`CELL_LIMIT`.

    Examples
    --------
    >>> from slmap.base.schema import COLUMNS
    >>> cells = pd.DataFrame([["id", "Tên bản"], ["B1", 'Bản Nà\\nB2,Bản Ít,1,2,3,4']])
    >>> check_split(cells, "v.csv", COLUMNS, ",")
    Traceback (most recent call last):
    ...
    slmap.base.errors.InputError: v.csv: row 2, column 'Tên bản' (B): a quote (") opens \
a cell that runs over 2 lines, and line 2 of it looks like a whole row ('B2,Bản Ít,1,2,3,4'); \
a stray quote? Quote the whole cell and double the quotes inside it (""), or remove the quote
    """
    width = cells.shape[1]
    least = max(2, (width - 1) // 2)
    for j, col in enumerate(cells.columns):
        values = cells[col]
        if not _texts(values):
            continue
        breaks = values.str.contains("\n", regex=False) | values.str.contains("\r", regex=False)
        breaks = breaks.fillna(False).to_numpy(dtype=bool)
        for u in pd.unique(values[breaks].to_numpy(dtype=object)) if breaks.any() else ():
            lines = u.splitlines()
            inner = next((x for x in lines[1:] if x.count(delimiter) >= least), None)
            if inner is None:
                continue
            i = int((values == u).to_numpy().nonzero()[0][0])
            raise InputError(
                f'{src}: row {i + 1}, column {_label(cells, columns, j)}: a quote (") '
                f"opens a cell that runs over {len(lines)} lines, and line "
                f"{lines.index(inner) + 1} of it looks like a whole row ({inner[:60]!r}); "
                "a stray quote? Quote the whole cell and double the quotes inside it "
                '(""), or remove the quote'
            )
        lengths = values.str.len().fillna(0).to_numpy()
        if len(lengths) and lengths.max() > CELL_LIMIT:
            i = int((lengths > CELL_LIMIT).nonzero()[0][0])
            raise InputError(
                f"{src}: row {i + 1}, column {_label(cells, columns, j)}: a cell of "
                f"{int(lengths[i]):,} characters; expected at most {CELL_LIMIT:,} (1 MiB) per cell "
                "(is a quote left open?)"
            )


def _texts(values: pd.Series) -> bool:
    """Whether a column holds text (object or string dtype)."""
    return values.dtype == object or isinstance(values.dtype, pd.StringDtype)


def _label(cells: pd.DataFrame, columns: tuple[Column, ...], j: int) -> str:
    """The column as its header (when the header row is found) and its letter."""
    at, _ = find_header(cells, columns)
    name = str(cells.iat[at, j]).strip() if at is not None else ""
    return f"{name!r} ({column_letter(j)})" if name else column_letter(j)


def fast_cells(text: str, delimiter: str) -> pd.DataFrame | None:
    """The cells as text through pandas' C parser, or ``None`` to let :mod:`csv` read them.

    The width is the widest of the first rows; a later row with more cells (or
    anything else the C parser refuses) returns ``None``, and the slower reader
    keeps every cell. Nothing is converted: ``dtype=str``, no NA values, blank
    lines kept, short rows padded with "".
    """
    sample = head(text, HEADER_SCAN_ROWS)
    try:
        width = max((len(r) for r in split_rows(sample, delimiter)), default=0)
    except csv.Error:
        return None
    if not width:
        return None
    try:
        cells = pd.read_csv(
            io.StringIO(text, newline=""),
            sep=delimiter,
            header=None,
            names=range(width),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
            quoting=csv.QUOTE_MINIMAL,
            doublequote=True,
            index_col=False,
        )
    except (pd.errors.ParserError, ValueError):
        return None
    return cells


def head(text: str, n: int) -> str:
    """The first ``n`` lines of ``text`` (as ``str.splitlines``), without splitting it all."""
    end = -1
    for _ in range(n):
        end = text.find("\n", end + 1)
        if end < 0:
            return "\n".join(text.splitlines()[:n])
    return "\n".join(text[: end + 1].splitlines()[:n])
