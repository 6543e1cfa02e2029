"""Coverage metrics: pure functions of the village table.

Each function takes the villages (a DataFrame with the columns of the
model's village table) and a grouping key, and returns a named Series
indexed by that key. Missing data stays NaN (shown as "no data"), never 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "SHARES",
    "fibre_backbone",
    "fibre_household_share",
    "people_without_broadband",
    "population_4g_share",
    "recompute_shares",
    "share_4g",
    "summarise",
    "village_count",
    "villages_without_broadband",
]


def _groups(villages: pd.DataFrame, by: str | None) -> pd.Series:
    return villages[by] if by else pd.Series("all", index=villages.index)


def village_count(villages: pd.DataFrame, by: str | None = None) -> pd.Series:
    """Number of villages per group.

    Examples
    --------
    >>> v = pd.DataFrame({"c": ["a", "a", "b"]})
    >>> village_count(v, "c").tolist()
    [2, 1]
    """
    return villages.groupby(_groups(villages, by)).size().rename("villages")


def villages_without_broadband(villages: pd.DataFrame, by: str | None = None) -> pd.Series:
    """Villages lacking mobile broadband (no 3G, 4G or 5G) per group.

    Examples
    --------
    >>> v = pd.DataFrame({"c": ["a", "a", "b"], "mobile_broadband": [False, True, True]})
    >>> villages_without_broadband(v, "c").tolist()
    [1, 0]
    """
    lacking = ~villages["mobile_broadband"].astype(bool)
    return lacking.groupby(_groups(villages, by)).sum().astype(int).rename("villages_no_mbb")


def people_without_broadband(
    villages: pd.DataFrame, column: str, by: str | None = None
) -> pd.Series:
    """Sum of ``column`` (households or population) over villages without mobile broadband.

    Named ``households_no_mbb`` / ``population_no_mbb``. Like the
    ``households`` and ``population`` sums, villages whose count is unknown
    are left out; a group whose villages without mobile broadband all have
    unknown counts is NaN ("no data", never 0); a group with no such village
    sums to 0.

    Examples
    --------
    >>> v = pd.DataFrame({"c": ["a", "a", "b", "b", "c"],
    ...     "mobile_broadband": [False, True, False, False, True],
    ...     "households": pd.array([10, 99, 5, None, None], dtype="Int64")})
    >>> people_without_broadband(v, "households", "c").tolist()
    [10, 5, 0]
    >>> people_without_broadband(v.iloc[1:4:2], "households", "c").tolist()
    [0, <NA>]
    """
    name = f"{column}_no_mbb"
    groups = _groups(villages, by)
    if column not in villages:
        return pd.Series(pd.NA, index=village_count(villages, by).index, dtype="Int64", name=name)
    lacking = ~villages["mobile_broadband"].astype(bool)
    counts = villages[column].astype("Int64")
    known = (lacking & counts.notna()).groupby(groups).any()
    unknown = lacking.groupby(groups).any() & ~known
    total = counts.where(lacking, 0).fillna(0).groupby(groups).sum().astype("Int64")
    return total.mask(unknown, pd.NA).rename(name)


def share_4g(villages: pd.DataFrame, by: str | None = None) -> pd.Series:
    """Percentage of villages with 4G (or 5G) per group.

    Examples
    --------
    >>> v = pd.DataFrame({"c": ["a", "a"], "has_4g": [True, False]})
    >>> share_4g(v, "c").tolist()
    [50.0]
    """
    return (villages["has_4g"].astype(float).groupby(_groups(villages, by)).mean() * 100).rename(
        "share_4g"
    )


def _ratio(num: pd.Series, den: pd.Series, groups: pd.Series, name: str) -> pd.Series:
    known = num.notna() & den.notna()
    n = num.where(known).astype("Float64").groupby(groups).sum(min_count=1)
    d = den.where(known).astype("Float64").groupby(groups).sum(min_count=1)
    out = (n / d.where(d > 0)) * 100
    return out.astype(float).rename(name)


def population_4g_share(villages: pd.DataFrame, by: str | None = None) -> pd.Series:
    """Percentage of the population living in villages with 4G.

    Villages with unknown population are left out; a group with no known
    population is NaN.

    Examples
    --------
    >>> v = pd.DataFrame({"c": ["a", "a"], "has_4g": [True, False],
    ...                   "population": pd.array([300, 100], dtype="Int64")})
    >>> population_4g_share(v, "c").tolist()
    [75.0]
    """
    pop = villages["population"].astype("Float64")
    covered = pop.where(villages["has_4g"].astype(bool), 0.0).where(pop.notna())
    return _ratio(covered, pop, _groups(villages, by), "pop_4g_share")


def fibre_household_share(villages: pd.DataFrame, by: str | None = None) -> pd.Series:
    """Percentage of households with a fibre subscription.

    Only villages with both ``households`` and ``fibre_households`` known
    count; NaN where none are known.

    Examples
    --------
    >>> v = pd.DataFrame({"c": ["a", "a"], "households": pd.array([100, 50], dtype="Int64"),
    ...                   "fibre_households": pd.array([40, None], dtype="Int64")})
    >>> fibre_household_share(v, "c").tolist()
    [40.0]
    """
    if "fibre_households" not in villages:
        return pd.Series(np.nan, index=village_count(villages, by).index, name="fibre_hh_share")
    return _ratio(
        villages["fibre_households"],
        villages["households"],
        _groups(villages, by),
        "fibre_hh_share",
    )


def fibre_backbone(villages: pd.DataFrame, by: str | None = None) -> pd.Series:
    """Whether fibre reaches at least one village of the group (NA if unknown).

    Examples
    --------
    >>> v = pd.DataFrame({"c": ["a", "b"], "fibre": pd.array([True, None], dtype="boolean")})
    >>> fibre_backbone(v, "c").tolist()
    [True, <NA>]
    """
    fibre = villages["fibre"].astype("boolean")
    groups = _groups(villages, by)
    known = fibre.notna().groupby(groups).any()
    anyfibre = fibre.fillna(False).astype(bool).groupby(groups).any()
    return anyfibre.astype("boolean").where(known, pd.NA).rename("fibre_backbone")


def _sum(villages: pd.DataFrame, column: str, by: str | None) -> pd.Series:
    if column not in villages:
        return pd.Series(pd.NA, index=village_count(villages, by).index, dtype="Int64", name=column)
    return (
        villages[column]
        .astype("Int64")
        .groupby(_groups(villages, by))
        .sum(min_count=1)
        .rename(column)
    )


def summarise(
    villages: pd.DataFrame, by: str | None = None, index: pd.Index | None = None
) -> pd.DataFrame:
    """Every metric per group, reindexed on ``index`` (groups without villages are NaN).

    Returns
    -------
    DataFrame
        villages, villages_no_mbb, villages_4g, share_4g, population,
        households_no_mbb, population_no_mbb, population_4g, pop_4g_share,
        households, fibre_households, fibre_hh_share, fibre_backbone.

    Examples
    --------
    >>> v = pd.DataFrame({"c": ["a"], "mobile_broadband": [False], "has_4g": [False],
    ...     "population": pd.array([10], dtype="Int64"), "households": pd.array([3], dtype="Int64"),
    ...     "fibre": pd.array([True], dtype="boolean")})
    >>> summarise(v, "c", pd.Index(["a", "b"]))["villages"].tolist()
    [1, 0]
    """
    groups = _groups(villages, by)
    pop = villages["population"].astype("Float64") if "population" in villages else None
    frame = pd.concat(
        [
            village_count(villages, by),
            villages_without_broadband(villages, by),
            villages["has_4g"].astype(bool).groupby(groups).sum().astype(int).rename("villages_4g"),
            share_4g(villages, by),
            _sum(villages, "population", by),
            people_without_broadband(villages, "households", by),
            people_without_broadband(villages, "population", by),
            (
                pop.where(villages["has_4g"].astype(bool), 0)
                .groupby(groups)
                .sum(min_count=1)
                .round()
                .astype("Int64")
                .rename("population_4g")
                if pop is not None
                else None
            ),
            population_4g_share(villages, by) if pop is not None else None,
            _sum(villages, "households", by),
            _sum(villages, "fibre_households", by),
            fibre_household_share(villages, by),
            fibre_backbone(villages, by),
        ],
        axis=1,
    )
    if index is not None:
        frame = frame.reindex(index)
        frame["villages"] = frame["villages"].fillna(0).astype(int)
        frame["villages_no_mbb"] = frame["villages_no_mbb"].astype("Int64")
        frame["villages_4g"] = frame["villages_4g"].astype("Int64")
    return frame


#: Derived shares and the counts they come from: share -> (numerator, denominator).
SHARES: dict[str, tuple[str, str]] = {
    "share_4g": ("villages_4g", "villages"),
    "pop_4g_share": ("population_4g", "population"),
    "fibre_hh_share": ("fibre_households", "households"),
}


def recompute_shares(frame: pd.DataFrame) -> pd.DataFrame:
    """Recompute every derived share (percent) from the counts in ``frame``.

    Call it after counts were replaced (e.g. commune statistics replacing the
    village sums of ``population`` or ``households``) so no share is left
    computed from the old counts. A share whose counts are missing, or whose
    denominator is 0, is NaN ("no data"); shares whose counts are not columns
    of ``frame`` are left as they are.

    Examples
    --------
    >>> f = pd.DataFrame({"villages": [4, 0], "villages_4g": [3, 0],
    ...     "population": pd.array([1000, None], dtype="Int64"), "population_4g": [900, 0],
    ...     "households": [200, 10], "fibre_households": pd.array([50, None], dtype="Int64")})
    >>> recompute_shares(f)[["share_4g", "pop_4g_share", "fibre_hh_share"]].to_numpy().tolist()
    [[75.0, 90.0, 25.0], [nan, nan, nan]]
    """
    out = frame.copy()
    for share, (num, den) in SHARES.items():
        if num not in out or den not in out:
            continue
        n = pd.to_numeric(out[num], errors="coerce").astype("Float64")
        d = pd.to_numeric(out[den], errors="coerce").astype("Float64")
        out[share] = (n / d.where(d > 0) * 100).astype(float)
    return out
