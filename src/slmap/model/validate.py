"""Validation: collect every problem, then report once.

:func:`check_register` parses and checks every cell of a register and
returns typed rows plus one :class:`~slmap.base.errors.Problem` per bad cell;
:func:`check_boundaries` checks and repairs commune geometry. Neither
raises for bad data: :func:`raise_or_split` decides, once, whether the
problems stop the run (default) or the bad rows go to a rejects report
(``keep_going``). Read = loaded + rejected, always. Each column's cells are
parsed by :mod:`slmap.model.cells`; this module checks the rows they make.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from slmap.base.errors import Problem, ValidationError
from slmap.base.progress import progress_steps
from slmap.base.schema import COLUMNS, signal_flags
from slmap.model.cells import (
    blank_cells,
    code_column,
    parse_column,
    per_unique,
    row_problems,
    x_blank,
)
from slmap.model.validate_geometry import VIETNAM_BOUNDS, check_boundaries
from slmap.sources.tables import OVERFLOW

__all__ = ["check_boundaries", "check_register", "raise_or_split"]

_KIND = {c.name: c.kind for c in COLUMNS}
_REQUIRED_VALUES = ("village_id", "village_name", "households", "population", "mobile_signal")


def check_register(
    frame: pd.DataFrame, headers: dict[str, str], src: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse and check the cells of a register read by :func:`slmap.sources.read_register`.

    Parameters
    ----------
    frame : DataFrame
        Text cells with canonical headers and a ``row`` column.
    headers : dict
        Canonical name -> header as written (for messages).
    src : str
        The file, for messages.

    Returns
    -------
    typed : DataFrame
        Same rows and index; canonical columns typed (Int64, Float64,
        boolean, string), derived ``mobile_broadband`` and ``has_4g``, and
        the file's other columns kept as text (nothing is dropped).
    problems : list of Problem
        One per bad cell (severity "error": the row cannot be used) or odd
        cell (severity "warning").

    Examples
    --------
    >>> df = pd.DataFrame({"row": [2], "village_id": ["B1"], "village_name": ["Bản Nà"],
    ...     "commune_code": ["03646"], "households": ["-3"], "population": ["12"],
    ...     "mobile_signal": ["4G+ maybe"], "fibre": ["có"]})
    >>> typed, problems = check_register(df, {c: c for c in df}, "v.csv")
    >>> [p.column for p in problems]
    ['households', 'mobile_signal']
    """
    typed = pd.DataFrame(index=frame.index)
    typed["row"] = frame["row"].astype(int)
    rows = typed["row"].to_numpy()
    problems: list[Problem] = []
    present = [(n, k) for n, k in _KIND.items() if n in frame]
    with progress_steps(len(present) + 1, f"checking {len(frame):,} rows") as advance:
        for name, kind in present:
            header = headers.get(name, name)
            values = frame[name]
            if kind == "code":
                typed[name], found = code_column(values, rows, header, src)
            elif kind == "str":
                typed[name] = per_unique(
                    values.astype("string"), lambda u: u.str.strip().replace("", pd.NA)
                )
                found = []
            else:
                parsed, found = parse_column(values, rows, kind, header, src)
                if kind == "bool":
                    parsed, notes = x_blank(values, parsed, header, src)
                    found += notes
                typed[name] = parsed
            problems.extend(found)
            advance()
        problems += _check_overflow(frame, headers, src)
        advance()
    for name in ("households", "population", "fibre_households"):
        if name in typed:
            values = typed[name]
            problems += row_problems(
                (values < 0).fillna(False),
                typed["row"],
                src,
                headers.get(name, name),
                "out_of_range",
                lambda i, v=values: f"expected a number >= 0, found {v.iloc[i]}",
            )
    for name in _REQUIRED_VALUES:
        if name in typed:
            blank = typed[name].isna() & blank_cells(frame[name])
            problems += row_problems(
                blank,
                typed["row"],
                src,
                headers.get(name, name),
                "missing_value",
                lambda i: "value missing; expected one for every village",
            )
    if {"fibre_households", "households"} <= set(typed):
        over = (typed["fibre_households"] > typed["households"]).fillna(False)
        problems += row_problems(
            over,
            typed["row"],
            src,
            headers.get("fibre_households"),
            "out_of_range",
            lambda i: (
                f"fibre households ({typed['fibre_households'].iloc[i]}) exceed "
                f"households ({typed['households'].iloc[i]})"
            ),
        )
    problems += _check_ids(typed, headers, src)
    problems += _check_coordinates(typed, frame, headers, src)
    if "commune_code" not in typed and "commune_name" not in typed:
        problems.append(
            Problem(
                src,
                "no commune_code or commune_name column; expected one of them "
                "(e.g. 'Mã xã' or 'Tên xã')",
                kind="missing_column",
            )
        )
    signal = typed.get("mobile_signal", pd.Series(pd.NA, index=typed.index, dtype="string"))
    flags = signal_flags(signal)
    typed["mobile_broadband"] = flags["mobile_broadband"]
    typed["has_4g"] = flags["has_4g"]
    for name in _own_columns(frame, typed):
        typed[name] = frame[name].astype("string")
    order = {headers.get(c.name, c.name): i for i, c in enumerate(COLUMNS)}
    problems.sort(key=lambda p: (p.row or 0, order.get(p.column, len(order))))
    return typed, problems


def _own_columns(frame: pd.DataFrame, typed: pd.DataFrame) -> list[str]:
    """The file's columns slmap does not interpret (notes, local codes...): kept as text."""
    return [c for c in frame.columns if c not in typed and c not in _KIND and c != OVERFLOW]


def _check_overflow(frame: pd.DataFrame, headers: dict[str, str], src: str) -> list[Problem]:
    if OVERFLOW not in frame:
        return []
    extra = frame[OVERFLOW].to_numpy()
    last = list(headers.values())[-1] if headers else None
    return [
        Problem(
            src,
            f"the row has more cells than the header (extra: {extra[i]!r}); is a comma inside "
            "a name not quoted, or a column missing its header?",
            row=int(frame["row"].iloc[i]),
            column=last,
            kind="ragged_row",
        )
        for i in np.flatnonzero(extra != "")
    ]


def _check_ids(typed: pd.DataFrame, headers: dict[str, str], src: str) -> list[Problem]:
    if "village_id" not in typed:
        return []
    ids = typed["village_id"]
    dup = ids.duplicated(keep="first") & ids.notna()
    first_row = dict(zip(ids[~dup].to_numpy(), typed["row"][~dup].to_numpy(), strict=True))
    return [
        Problem(
            src,
            f"duplicate village_id {ids.iloc[i]!r} (first on row {first_row.get(ids.iloc[i])})",
            row=int(typed["row"].iloc[i]),
            column=headers.get("village_id"),
            kind="duplicate_id",
        )
        for i in np.flatnonzero(dup.to_numpy())
    ]


def _check_coordinates(
    typed: pd.DataFrame, frame: pd.DataFrame, headers: dict[str, str], src: str
) -> list[Problem]:
    if "lon" not in typed and "lat" not in typed:
        return []
    problems = []
    lon = typed.get("lon", pd.Series(pd.NA, index=typed.index, dtype="Float64"))
    lat = typed.get("lat", pd.Series(pd.NA, index=typed.index, dtype="Float64"))
    absent = pd.Series(True, index=typed.index)
    blank = {name: blank_cells(frame[name]) if name in frame else absent for name in ("lon", "lat")}
    # A cell that could not be parsed is reported by itself, not as "only one given".
    half = (lon.isna() & blank["lon"]) != (lat.isna() & blank["lat"])
    half &= (lon.notna() | blank["lon"]) & (lat.notna() | blank["lat"])
    (x0, x1), (y0, y1) = VIETNAM_BOUNDS
    swapped = (lon.between(y0, y1) & lat.between(x0, x1)).fillna(False)
    outside = (~lon.between(x0, x1) | ~lat.between(y0, y1)).fillna(False) & ~swapped
    column = headers.get("lon", "lon")
    rows = typed["row"]
    problems += row_problems(
        half,
        rows,
        src,
        column,
        "bad_coordinates",
        lambda i: "only one of lon/lat given; expected both or neither",
    )
    problems += row_problems(
        swapped,
        rows,
        src,
        column,
        "bad_coordinates",
        lambda i: (
            f"lon {lon.iloc[i]} / lat {lat.iloc[i]} look swapped; "
            "Vietnam lies at lon 102–110, lat 8–24"
        ),
    )
    lat_only = (outside & lon.between(x0, x1)).fillna(False)
    for mask, col in ((outside & ~lat_only, column), (lat_only, headers.get("lat", "lat"))):
        problems += row_problems(
            mask,
            rows,
            src,
            col,
            "bad_coordinates",
            lambda i: (
                f"lon {lon.iloc[i]} / lat {lat.iloc[i]} is outside Vietnam "
                "(expected lon 102–110, lat 8–24, WGS84 degrees)"
            ),
        )
    return problems


def raise_or_split(
    frame: pd.DataFrame,
    problems: list[Problem],
    raw: pd.DataFrame,
    *,
    keep_going: bool,
    what: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stop on errors, or split rows into loaded and rejected.

    Parameters
    ----------
    frame : DataFrame
        Typed rows with a ``row`` column.
    problems : list of Problem
        Every problem found (errors and warnings).
    raw : DataFrame
        The rows as read (text), same index as ``frame``; rejects keep them.
    keep_going : bool
        False: raise :class:`ValidationError` listing every error.
        True: return the good rows and a rejects table.
    what : str
        Source name for the summary message.

    Returns
    -------
    loaded, rejects : DataFrame
        ``len(loaded) + len(rejects) == len(frame)``.
    """
    errors = [p for p in problems if p.severity == "error"]
    if not errors:
        return frame, raw.iloc[0:0].assign(problem=pd.Series(dtype="string"))
    row_level = [p for p in errors if p.row is not None and p.kind != "missing_column"]
    if not keep_going or len(row_level) != len(errors):
        raise ValidationError(f"{what}: {len(errors)} problem(s) found; nothing was loaded", errors)
    by_row: dict[int, list[str]] = {}
    for p in row_level:
        by_row.setdefault(p.row, []).append(f"{p.column}: {p.message}" if p.column else p.message)
    bad = frame["row"].isin(list(by_row))
    rejects = raw[bad.to_numpy()].copy()
    rejects["problem"] = rejects["row"].map(lambda r: "; ".join(by_row[int(r)]))
    return frame[~bad.to_numpy()], rejects.reset_index(drop=True)
