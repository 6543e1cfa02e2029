"""Commune statistics that replace the sums computed from villages.

A statistics file (CSV/Excel keyed by commune code, in any layout) gives
households, population, fibre households or fibre backbone per commune;
codes of an older layout are summed into the model's communes through the
crosswalk, and every share is recomputed from the counts.

The cells get the register's checks (:mod:`slmap.model.cells`): codes of up
to 5 digits, whole numbers >= 0, yes/no; then one row per commune code, codes
of communes loaded (with the commune a wrong code names, or the closest
codes), fibre households not above households; errors are raised at once.
A share a figure pushes above 100 % against the village sums it is joined to
is left as no data, with a warning. Every problem names file, row, column,
what was found and what was expected.
"""

from __future__ import annotations

import difflib

import geopandas as gpd
import numpy as np
import pandas as pd

from slmap.admin import crosswalks, layouts
from slmap.admin.convert import default_codes
from slmap.admin.detect import detect_layout
from slmap.base.errors import InputError, Problem
from slmap.base.metrics import SHARES, recompute_shares
from slmap.model.cells import blank_cells, code_column, parse_column, row_problems
from slmap.sources import TableRead

__all__ = ["apply_statistics", "statistics_rows"]

_COUNTS = ("households", "population", "fibre_households")
_STAT_PARSERS = (*_COUNTS, "fibre_backbone")


def statistics_rows(table: TableRead) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse and check the statistics cells: one record per row, problems naming row and column.

    Returns
    -------
    rows : DataFrame
        ``row``, ``code`` (5 digits, or missing when the cell is bad) and the
        figures given, typed (Int64, boolean).
    problems : list of Problem
        Bad codes or numbers, negative counts, blank or duplicate codes, fibre
        households above households.

    Examples
    --------
    >>> frame = pd.DataFrame({"row": [2, 3, 4], "commune_code": ["03646", "3646", "03664"],
    ...                       "households": ["-5", "10", "x"]})
    >>> t = TableRead(frame, "s.csv", {"commune_code": "Mã xã", "households": "Số hộ"})
    >>> rows, problems = statistics_rows(t)
    >>> [(p.row, p.column, p.kind) for p in problems if p.severity == "error"]
    [(2, 'Số hộ', 'out_of_range'), (3, 'Mã xã', 'duplicate_code'), (4, 'Số hộ', 'bad_value')]
    """
    frame, src, headers = table.frame, table.source, table.headers
    rows_at = frame["row"].to_numpy(dtype=int)
    out = pd.DataFrame({"row": rows_at}, index=frame.index)
    code_header = headers.get("commune_code", "commune_code")
    out["code"], problems = code_column(frame["commune_code"], rows_at, code_header, src)
    problems += row_problems(
        out["code"].isna() & blank_cells(frame["commune_code"]),
        rows_at,
        src,
        code_header,
        "missing_value",
        lambda i: "value missing; expected the commune's 5-digit code on every row",
    )
    for name in (n for n in _STAT_PARSERS if n in frame):
        kind = "bool" if name == "fibre_backbone" else "int"
        out[name], found = parse_column(frame[name], rows_at, kind, headers[name], src)
        problems += found
        if kind == "int":
            values = out[name]
            problems += row_problems(
                (values < 0).fillna(False),
                rows_at,
                src,
                headers[name],
                "out_of_range",
                lambda i, v=values: f"expected a number >= 0, found {v.iloc[i]}",
            )
    problems += _duplicates(out, src, code_header)
    if {"fibre_households", "households"} <= set(out):
        fibre, households = out["fibre_households"], out["households"]
        problems += row_problems(
            (fibre > households).fillna(False),
            rows_at,
            src,
            headers["fibre_households"],
            "out_of_range",
            lambda i: (
                f"fibre households ({fibre.iloc[i]}) exceed households ({households.iloc[i]}); "
                "expected at most the households (a share within 0–100 %)"
            ),
        )
    problems.sort(key=lambda p: p.row or 0)
    return out.reset_index(drop=True), problems


def _duplicates(rows: pd.DataFrame, src: str, header: str) -> list[Problem]:
    """One error per repeated commune code: a commune's figures are given once."""
    code = rows["code"]
    dup = (code.duplicated(keep="first") & code.notna()).to_numpy()
    first = dict(zip(code[~dup].to_numpy(), rows["row"][~dup].to_numpy(), strict=True))
    return row_problems(
        dup,
        rows["row"],
        src,
        header,
        "duplicate_code",
        lambda i: (
            f"duplicate commune code {code.iloc[i]!r} (first on row {first[code.iloc[i]]}); "
            "expected one row per commune"
        ),
    )


def _unknown(
    rows: pd.DataFrame, communes: gpd.GeoDataFrame, table: TableRead, target: str
) -> list[Problem]:
    """One error per code that is not a commune loaded, naming the closest codes."""
    from slmap.admin import registry

    names = dict(zip(communes["commune_code"], communes["commune_name"], strict=False))
    problems = []
    for rec in rows[rows["code"].notna() & ~rows["target"].isin(set(names))].itertuples():
        hint = ""
        for lay in ("2025", "legacy"):
            unit = registry.commune(rec.code, lay)
            if unit is not None:
                hint = f" (it is {unit['commune_name']}, {unit['province_name']})"
                break
        close = difflib.get_close_matches(rec.code, list(names), n=3, cutoff=0.6)
        suggest = ", ".join(f"{c} ({names[c]})" for c in close)
        problems.append(
            Problem(
                table.source,
                f"unknown commune code {rec.code!r}{hint}; expected one of the {len(names)} "
                f"communes loaded ({target} layout) or a code of an older layout"
                + (f"; closest: {suggest}" if suggest else ""),
                row=int(rec.row),
                column=table.headers.get("commune_code", "commune_code"),
                kind="unknown_code",
            )
        )
    return problems


def _targets(
    rows: pd.DataFrame, table: TableRead, target: str, province: str
) -> tuple[pd.Series, list[Problem]]:
    """The model's commune each row's figures go to (through the crosswalk when older)."""
    codes = rows["code"].dropna()
    found = detect_layout(codes=codes, province=province) if len(codes) else None
    source = found.layout if found is not None else target
    if found is None or layouts.is_older(target, source):
        return rows["code"], []
    out = pd.Series(pd.NA, index=rows.index, dtype=object)
    out[codes.index] = default_codes(codes, source, target, province)
    cw = crosswalks.crosswalk(source, target, province)
    split = set(cw.loc[cw["link"] != "whole", "old_code"])
    moved = rows["code"].isin(split) & out.notna()
    if source == target or not moved.any():
        return out, []
    return out, [
        Problem(
            table.source,
            f"{int(moved.sum())} row(s) are communes of the {source} layout that were "
            f"split in the {target} layout; their figures go to the default destination",
            severity="warning",
            kind="split_statistics",
        )
    ]


def _shares_over(
    stats: pd.DataFrame, rows: pd.DataFrame, table: TableRead, given: set[str]
) -> tuple[pd.DataFrame, list[Problem]]:
    """Shares a figure of the file pushes above 100 % become "no data", one warning each.

    The other count comes from the register's villages (e.g. the statistics give
    200 households where the villages count 689 with fibre): the two sources
    disagree, and the share would mean nothing.
    """
    first_row = rows.drop_duplicates("target").set_index("target")["row"]
    problems = []
    stats = recompute_shares(stats)
    for share, (num, den) in SHARES.items():
        if not ({num, den} & given) or num not in stats or den not in stats:
            continue
        n = pd.to_numeric(stats[num], errors="coerce").astype(float)
        d = pd.to_numeric(stats[den], errors="coerce").astype(float)
        over = ((n > d) & (d > 0) & stats.index.isin(first_row.index)).to_numpy()
        blamed = den if den in given else num
        for code in stats.index[over]:
            problems.append(
                Problem(
                    table.source,
                    f"{share} of commune {code} would be {n[code] / d[code] * 100:,.0f} %: "
                    f"{num} {n[code]:,.0f} against {den} {d[code]:,.0f} (the other figure is "
                    "summed from the register's villages); expected a share within 0–100 %, "
                    "so the share is left as no data",
                    row=int(first_row[code]),
                    column=table.headers.get(blamed, blamed),
                    severity="warning",
                    kind="share_over_100",
                )
            )
        stats.loc[over, share] = np.nan
    return stats, problems


def apply_statistics(
    stats: pd.DataFrame,
    table: TableRead,
    communes: gpd.GeoDataFrame,
    target: str,
    province: str,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Replace village sums by the commune statistics where they are given.

    Statistics keyed to an older layout are summed into the model's communes
    through the crosswalk (a split unit goes to its default destination,
    with a warning).

    Raises
    ------
    InputError
        Every problem of the file at once (see :func:`statistics_rows`),
        unknown codes.
    """
    rows, problems = statistics_rows(table)
    rows["target"], notes = _targets(rows, table, target, province)
    problems += notes + _unknown(rows, communes, table, target)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(f"{table.source}: {len(errors)} problem(s) in the statistics", errors)
    stats = stats.copy()
    given = {n for n in _STAT_PARSERS if n in rows}
    for name in given:
        values = rows.dropna(subset=[name]).groupby("target")[name]
        summed = values.all() if name == "fibre_backbone" else values.sum()
        for code, value in summed.items():
            stats.loc[code, name] = value
    stats, over = _shares_over(stats, rows, table, given)
    return stats, problems + over
