"""Cells that a spreadsheet would run as formulas: guarded when written, restored when read.

A CSV cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is a formula to Excel and LibreOffice (CSV injection). Following
OWASP, slmap writes such a cell with a leading apostrophe, which the
spreadsheets show as text; a cell that is a plain number (``-5``, ``+3.2``,
``1e3``) is left as it is, so numbers stay numbers. The apostrophe is itself
guarded when it would be taken for a guard (``'=x`` is written ``''=x``), so
reading slmap's own CSV back with :func:`unguard_cell` gives every cell
exactly as it was. The page's CSV download applies the same rule
(``slmapGuardCell`` in ``page/assets``).

Examples
--------
>>> [guard_cell(s) for s in ["=1+1", "-5", "@a", "Bản Mé", "'=x", "-"]]
["'=1+1", '-5', "'@a", 'Bản Mé', "''=x", "'-"]
>>> all(unguard_cell(guard_cell(s)) == s for s in ["=1+1", "'=x", "''=x", "'a", "-5", ""])
True
"""

from __future__ import annotations

import re

__all__ = ["FORMULA_STARTS", "guard_cell", "guard_frame", "needs_guard", "unguard_cell"]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = frozenset("=+-@\t\r")

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def needs_guard(text: str) -> bool:
    """True when ``text`` must be written with a leading apostrophe.

    Examples
    --------
    >>> needs_guard("=SUM(A1)"), needs_guard("-12.5"), needs_guard("'=1"), needs_guard("'a")
    (True, False, True, False)
    """
    if not text:
        return False
    if text[0] == "'":
        return needs_guard(text[1:])
    return text[0] in FORMULA_STARTS and _NUMBER.fullmatch(text) is None


def guard_cell(value: object) -> object:
    """``value`` as written to CSV: a text that needs it gets a leading apostrophe.

    Anything that is not a string (numbers, missing values) is returned as is.
    """
    if isinstance(value, str) and needs_guard(value):
        return "'" + value
    return value


def unguard_cell(text: str) -> str:
    """A cell read from CSV, with the apostrophe :func:`guard_cell` added removed.

    Examples
    --------
    >>> unguard_cell("'=1+1"), unguard_cell("'Bản"), unguard_cell("''=x")
    ('=1+1', "'Bản", "'=x")
    """
    if text.startswith("'") and needs_guard(text[1:]):
        return text[1:]
    return text


def guard_frame(frame):
    """A copy of a table with every text cell and column name guarded (numbers left alone).

    Column names are guarded too: a register's own columns go through to the
    exports, so a header can come from an input file (the page's download
    does the same).

    Examples
    --------
    >>> import pandas as pd
    >>> guarded = guard_frame(pd.DataFrame({"a": ["=x", "y"], "=n": [-1, 2]}))
    >>> guarded["a"].tolist(), guarded.columns.tolist()
    (["'=x", 'y'], ['a', "'=n"])
    """
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if not (is_numeric_dtype(series) or is_bool_dtype(series)):
            out[column] = series.map(guard_cell, na_action="ignore")
    out.columns = [guard_cell(column) for column in out.columns]
    return out
