"""Commune statistics that replace the sums computed from villages.

A statistics file (CSV/Excel keyed by commune code, in any layout) gives
households, population, fibre households or fibre backbone per commune;
codes of an older layout are summed into the model's communes through the
crosswalk, and every share is recomputed from the counts.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from slmap.admin import crosswalks, layouts
from slmap.admin.convert import default_codes
from slmap.admin.detect import detect_layout
from slmap.base.errors import InputError, Problem
from slmap.base.metrics import recompute_shares
from slmap.sources import TableRead

__all__ = ["apply_statistics"]

_STAT_PARSERS = ("households", "population", "fibre_households", "fibre_backbone")


def statistics_rows(table: TableRead) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse the statistics cells: one record per row, errors naming row and column."""
    from slmap.base.values import parse_bool, parse_int

    problems: list[Problem] = []
    frame = table.frame
    records = []
    for _, rec in frame.iterrows():
        out = {"row": int(rec["row"]), "code": str(rec["commune_code"]).strip().zfill(5)}
        for name in _STAT_PARSERS:
            if name not in frame:
                continue
            parser = parse_bool if name == "fibre_backbone" else parse_int
            try:
                out[name] = parser(rec[name])
            except (ValueError, OverflowError) as exc:
                problems.append(
                    Problem(table.source, str(exc), row=out["row"], column=table.headers[name])
                )
        records.append(out)
    return pd.DataFrame.from_records(records), problems


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
    """
    rows, problems = statistics_rows(table)
    known = set(communes["commune_code"])
    found = detect_layout(codes=rows["code"], province=province) if len(rows) else None
    source = found.layout if found is not None else target
    if found is not None and not layouts.is_older(target, source):
        rows["target"] = default_codes(rows["code"], source, target, province)
        cw = crosswalks.crosswalk(source, target, province)
        split = set(cw.loc[cw["link"] != "whole", "old_code"])
        moved = rows["code"].isin(split) & rows["target"].notna()
        if source != target and moved.any():
            problems.append(
                Problem(
                    table.source,
                    f"{int(moved.sum())} row(s) are communes of the {source} layout that were "
                    f"split in the {target} layout; their figures go to the default destination",
                    severity="warning",
                    kind="split_statistics",
                )
            )
    else:
        rows["target"] = rows["code"]
    for rec in rows[~rows["target"].isin(known)].itertuples(index=False):
        problems.append(
            Problem(
                table.source,
                f"unknown commune code {rec.code!r}; expected one of the {len(known)} communes "
                f"loaded ({target} layout) or a code of an older layout",
                row=rec.row,
                column=table.headers["commune_code"],
                kind="unknown_code",
            )
        )
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(f"{table.source}: {len(errors)} problem(s) in the statistics", errors)
    stats = stats.copy()
    for name in (n for n in _STAT_PARSERS if n in rows):
        given = rows.dropna(subset=[name]).groupby("target")[name]
        values = given.all() if name == "fibre_backbone" else given.sum()
        for code, value in values.items():
            stats.loc[code, name] = value
    return recompute_shares(stats), problems
