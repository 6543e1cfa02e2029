"""Answers the map gives by itself, offline: summary, ranking, villages per commune, CSV.

The page answers "which villages in this commune still have no signal, and
how many people?" without the command line: province figures (the same as
``slmap stats --level province``), communes ranked by villages without mobile
broadband, each commune's uncovered villages ranked by the priority score of
``slmap query priority``, and the rows of ``slmap query uncovered --format
csv`` so the page can save them for a commune, the view or the province.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["ANSWER_VILLAGES_MAX", "answers"]

#: Above this many villages without mobile broadband the page carries the
#: summary only (the CSV rows and per-commune lists would outweigh the map).
ANSWER_VILLAGES_MAX = 5_000


def _number(value: Any) -> float | None:
    value = pd.to_numeric(value, errors="coerce")
    return None if pd.isna(value) else float(value)


def summary(model) -> dict[str, float | None]:
    """Province figures: villages, without mobile broadband, their households and people.

    Examples
    --------
    >>> summary(model)["villages_no_mbb"]  # doctest: +SKIP
    123.0
    """
    villages = model.villages
    no_mbb = ~villages["mobile_broadband"].astype(bool)
    row = model.province.iloc[0] if model.province is not None and len(model.province) else {}

    def total(column: str) -> float | None:
        if column not in villages:
            return None
        values = pd.to_numeric(villages.loc[no_mbb, column], errors="coerce")
        return None if values.isna().all() and len(values) else float(values.sum())

    return {
        "villages": float(len(villages)),
        "villages_no_mbb": float(no_mbb.sum()),
        "households_no_mbb": total("households"),
        "population_no_mbb": total("population"),
        "share_4g": _number(row.get("share_4g")),
        "pop_4g_share": _number(row.get("pop_4g_share")),
        "fibre_hh_share": _number(row.get("fibre_hh_share")),
    }


def _ranking(model) -> list[list[Any]]:
    communes = model.communes
    counts = pd.to_numeric(communes["villages_no_mbb"], errors="coerce").fillna(0)
    order = counts[counts > 0].sort_values(ascending=False, kind="stable").index
    return [
        [str(code), str(communes.at[code, "commune_name"]), int(counts[code])] for code in order
    ]


def _per_commune(ranked: pd.DataFrame) -> dict[str, list[list[Any]]]:
    """Each commune's uncovered villages in priority order (rank, id, name, hh, people...)."""
    out: dict[str, list[list[Any]]] = {}
    grid = ranked["grid_power"].astype("boolean")
    for rank, row, power in zip(ranked["priority_rank"], ranked.itertuples(), grid, strict=True):
        out.setdefault(str(row.commune_code), []).append(
            [
                int(rank),
                str(row.village_id),
                str(row.village_name),
                _number(row.households),
                _number(row.population),
                None if power is pd.NA else bool(power),
                _number(row.priority_score),
            ]
        )
    return out


def _csv_rows(model) -> dict[str, Any]:
    """The rows of ``slmap query uncovered --format csv``, with commune and point per row."""
    from slmap.model.notes import with_notes
    from slmap.model.query import villages_without_broadband

    frame = with_notes(villages_without_broadband(model), model)
    table = frame.drop(columns="geometry")
    text = table.astype(object).where(table.notna(), "")
    return {
        "header": [str(c) for c in table.columns],
        "rows": [[str(v) for v in row] for row in text.itertuples(index=False)],
        "commune": [str(c) for c in frame["commune_code"]],
        "x": [float(p.x) for p in frame.geometry],
        "y": [float(p.y) for p in frame.geometry],
    }


def answers(model) -> dict[str, Any]:
    """Everything the page's answer panel needs, as JSON-ready values.

    Returns
    -------
    dict
        ``summary`` (province figures), ``ranking`` (communes with villages
        without mobile broadband, most first), and when there are at most
        :data:`ANSWER_VILLAGES_MAX` such villages ``villages`` (per commune,
        in priority order) and ``csv`` (the rows of ``slmap query uncovered``).
    """
    from slmap.model.ranking import priority_ranking

    out: dict[str, Any] = {"summary": summary(model), "ranking": _ranking(model)}
    n = int(out["summary"]["villages_no_mbb"])
    if 0 < n <= ANSWER_VILLAGES_MAX:
        out["villages"] = _per_commune(priority_ranking(model))
        out["csv"] = _csv_rows(model)
    out["complete"] = n <= ANSWER_VILLAGES_MAX
    return out
