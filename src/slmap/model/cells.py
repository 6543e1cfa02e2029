"""Parsing the cells of one register column: each distinct value once, one problem per bad cell.

:func:`parse_column` types a column of numbers, yes/no or signals,
:func:`code_column` restores the leading zeros of GSO codes and
:func:`x_blank` reads a column marked with x and blanks; :func:`row_problems`
turns a mask of bad rows into problems naming each row. Registers repeat the
same few values thousands of times, so every parser runs on the distinct
values only (:func:`per_unique`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from slmap.base.errors import Problem
from slmap.base.values import parse_bool, parse_float, parse_int, parse_signal

__all__ = ["blank_cells", "code_column", "parse_column", "per_unique", "row_problems", "x_blank"]

_PARSERS: dict[str, Callable[[object], object]] = {
    "int": parse_int,
    "float": parse_float,
    "bool": parse_bool,
    "signal": parse_signal,
}

#: Cells a plain ``float()`` reads exactly as the parser would (no separators, no
#: exponent, at most one dot): parsed without the general parser.
_PLAIN_FLOAT = re.compile(r"-?\d{1,15}(?:\.\d+)?")
_PLAIN_INT = re.compile(r"-?\d{1,15}")
_DTYPES = {"int": "Int64", "float": "Float64", "bool": "boolean", "signal": "string"}


def per_unique(values: pd.Series, func: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``func`` applied to the distinct values of ``values`` only, spread back to every row.

    Examples
    --------
    >>> per_unique(pd.Series([" a", "b", " a"]), lambda s: s.str.strip()).tolist()
    ['a', 'b', 'a']
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    done = func(pd.Series(uniques, dtype=values.dtype))
    return pd.Series(done.to_numpy()[codes], index=values.index, dtype=done.dtype)


def _parse_unique(value: object, parser: Callable, kind: str) -> object:
    if isinstance(value, str):
        if kind == "float" and _PLAIN_FLOAT.fullmatch(value):
            return float(value)
        if kind == "int" and _PLAIN_INT.fullmatch(value):
            return int(value)
    return parser(value)


def parse_column(
    values: pd.Series, rows: np.ndarray, kind: str, header: str, src: str
) -> tuple[pd.api.extensions.ExtensionArray, list[Problem]]:
    """Parse a column of ``kind`` "int", "float", "bool" or "signal"; one problem per bad cell.

    Each distinct value is parsed once; ``rows`` holds the spreadsheet row
    numbers and ``header`` the column as written, for the messages.

    Examples
    --------
    >>> out, problems = parse_column(pd.Series(["3", "x", "3"]), np.array([2, 3, 4]),
    ...                              "int", "Số hộ", "v.csv")
    >>> out.tolist(), [p.row for p in problems]
    ([3, <NA>, 3], [3])
    """
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    parser = _PARSERS[kind]
    parsed: list = []
    failed: dict[int, str] = {}
    for k, value in enumerate(uniques):
        try:
            parsed.append(_parse_unique(value, parser, kind))
        except ValueError as exc:
            parsed.append(None)
            failed[k] = str(exc)
    lookup = pd.array(parsed, dtype=_DTYPES[kind])
    out = lookup.take(codes) if len(codes) else lookup[:0]
    problems: list[Problem] = []
    if failed:
        bad = np.flatnonzero(np.isin(codes, list(failed)))
        problems = [
            Problem(src, failed[codes[i]], row=int(rows[i]), column=header, kind="bad_value")
            for i in bad
        ]
    return out, problems


def row_problems(
    mask: pd.Series | np.ndarray,
    rows: pd.Series | np.ndarray,
    src: str,
    column: str | None,
    kind: str,
    message: Callable[[int], str],
    severity: str = "error",
) -> list[Problem]:
    """One :class:`Problem` per row where ``mask`` holds; ``message(i)`` says what was found.

    ``i`` is the position of the row; ``rows`` holds the spreadsheet row numbers.

    Examples
    --------
    >>> [str(p) for p in row_problems([False, True], [2, 3], "v.csv", "Số hộ", "bad",
    ...                               lambda i: "expected a number")]
    ["v.csv: row 3, column 'Số hộ': expected a number"]
    """
    flags = np.asarray(mask, dtype=bool)
    numbers = np.asarray(rows)
    return [
        Problem(src, message(i), row=int(numbers[i]), column=column, kind=kind, severity=severity)
        for i in np.flatnonzero(flags)
    ]


def code_column(
    values: pd.Series, rows: np.ndarray, header: str, src: str
) -> tuple[pd.Series, list[Problem]]:
    """Five-digit GSO codes; lost leading zeros are restored and reported once.

    Examples
    --------
    >>> codes, problems = code_column(pd.Series(["3646", "03664", "abc"]), np.array([2, 3, 4]),
    ...                               "Mã xã", "v.csv")
    >>> codes.tolist(), [p.kind for p in problems]
    (['03646', '03664', <NA>], ['bad_code', 'code_padded'])
    """
    problems: list[Problem] = []
    text = per_unique(
        values.astype("string"),
        lambda u: u.str.strip().replace("", pd.NA).str.replace(r"\.0$", "", regex=True),
    )
    ok = per_unique(text, lambda u: u.isna() | u.str.fullmatch(r"\d{1,5}")).fillna(False)
    ok = ok.astype(bool)
    problems += row_problems(
        ~ok,
        rows,
        src,
        header,
        "bad_code",
        lambda i: f"expected a GSO code of up to 5 digits, found {text.iloc[i]!r}",
    )
    text = text.where(ok)
    short = (text.str.len() < 5).fillna(False).to_numpy()
    if short.any():
        first = int(np.flatnonzero(short)[0])
        problems.append(
            Problem(
                src,
                f"{int(short.sum())} code(s) had lost their leading zeros (e.g. "
                f"{text.iloc[first]!r} on row {int(rows[first])}); padded to 5 digits "
                f"({text.iloc[first].zfill(5)!r}). Format the column as text in Excel",
                column=header,
                severity="warning",
                kind="code_padded",
            )
        )
    return per_unique(text, lambda u: u.str.zfill(5)), problems


def x_blank(values: pd.Series, parsed, header: str, src: str) -> tuple[object, list[Problem]]:
    """In a column marked with x (or ✓) and blanks, a blank means "no".

    ``parsed`` is the column as :func:`parse_column` read it; it comes back
    with its blanks filled with False, and a warning saying so, when the
    column is such a column, else unchanged.

    Examples
    --------
    >>> raw = pd.Series(["x", "", "x"])
    >>> filled, notes = x_blank(raw, pd.array([True, None, True], dtype="boolean"), "fibre", "v")
    >>> filled.tolist(), [n.kind for n in notes]
    ([True, False, True], ['x_blank'])
    """
    text = per_unique(values.astype(str), lambda u: u.str.strip())
    is_blank = (text == "").to_numpy()
    marks = set(text[~is_blank].drop_duplicates().str.lower())
    blanks = int(is_blank.sum())
    if not marks or not blanks or not marks <= {"x", "✓", "✔", "v"}:
        return parsed, []
    filled = parsed.fillna(False)
    note = Problem(
        src,
        f"the column is marked with {'/'.join(sorted(marks))} and blanks: "
        f"{blanks} blank cell(s) read as 'no'",
        column=header,
        severity="warning",
        kind="x_blank",
    )
    return filled, [note]


def blank_cells(values: pd.Series) -> pd.Series:
    """True where a cell is empty or only whitespace.

    Examples
    --------
    >>> blank_cells(pd.Series(["", " ", "a"])).tolist()
    [True, True, False]
    """
    return per_unique(values.astype(str), lambda u: u.str.strip().eq("")).astype(bool)
