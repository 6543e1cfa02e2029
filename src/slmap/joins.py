"""Joins to official codes: commune boundaries and village rows.

Codes first; names (exact after folding, scoped to the parent unit) where
codes are missing; never a guess between two candidates. Data keyed to the
other layout is converted through the registry's official conversion.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd

from slmap import registry
from slmap.errors import Problem
from slmap.names import MatchResult, fold, match_names, nfc
from slmap.validate import row_problems

__all__ = ["join_communes_to_registry", "resolve_village_communes"]


def match_problems(
    result: MatchResult,
    src: str,
    *,
    names: pd.Series,
    where: Callable[[object], dict],
    column: str,
    what: str,
    by_label: bool = False,
) -> list[Problem]:
    """One error per ambiguous or unmatched name of a :class:`MatchResult`.

    ``where(key)`` gives the Problem's location (row or feature) of a query
    key; ``names`` is looked up by position, or by label with ``by_label``.
    """
    problems = []

    def name(key: object) -> str:
        return names.loc[key] if by_label else names.iloc[key]

    for key, candidates in result.ambiguous.items():
        problems.append(
            Problem(
                src,
                f"name {name(key)!r} matches several communes ({', '.join(candidates)}); "
                "add the commune code",
                column=column,
                kind="ambiguous_name",
                **where(key),
            )
        )
    for key, near in result.unmatched.items():
        hint = f"; closest: {', '.join(near)}" if near else ""
        problems.append(
            Problem(
                src,
                f"name {name(key)!r} is not {what}{hint}",
                column=column,
                kind="unknown_name",
                **where(key),
            )
        )
    return problems


def _former_district_2025(province: str) -> pd.DataFrame:
    """Former district of each 2025 commune: where most of its old communes were."""
    table = registry.conversion_table(province)
    counts = (
        table.groupby(["new_code", "district_code", "district_name"]).size().reset_index(name="n")
    )
    counts = counts.sort_values(["new_code", "n", "district_code"], ascending=[True, False, True])
    return counts.drop_duplicates("new_code").set_index("new_code")[
        ["district_code", "district_name"]
    ]


def join_communes_to_registry(
    communes: gpd.GeoDataFrame, src: str, schema: str, province: str
) -> tuple[gpd.GeoDataFrame, list[Problem], str]:
    """Give every commune its official code, name, type and former district.

    Returns
    -------
    communes : GeoDataFrame
        With commune_code, commune_name (registry spelling), commune_type,
        province_code, province_name, district_code, district_name,
        approximate.
    problems : list of Problem
        Unknown codes and unmatched/ambiguous names are errors; names that
        differ from the registry's are warnings (the registry wins).
    layout : {"2025", "legacy"}
    """
    problems: list[Problem] = []
    communes = communes.copy()
    codes = communes["commune_code"] if "commune_code" in communes else pd.Series(dtype="string")
    layout = registry.detect_layout(codes.dropna(), province) if codes.notna().any() else None
    if layout is None:
        layout = "legacy" if schema == "gadm" or "parent_name" in communes else "2025"
        _codes_from_names(communes, src, layout, province, problems)
    official = registry.communes(layout, province).set_index("commune_code")
    unknown = communes["commune_code"].notna() & ~communes["commune_code"].isin(official.index)
    for i in np.flatnonzero(unknown.to_numpy()):
        other = "2025" if layout == "legacy" else "legacy"
        hint = (
            f"; it is a {other}-layout code, but most features use the {layout} layout"
            if registry.commune(communes["commune_code"].iloc[i], other)
            else ""
        )
        problems.append(
            Problem(
                src,
                f"commune code {communes['commune_code'].iloc[i]} is not in the "
                f"official {layout} list of province {province}{hint}",
                feature=str(communes["feature"].iloc[i]),
                column="commune_code",
                kind="unknown_code",
            )
        )
    communes.loc[unknown, "commune_code"] = pd.NA
    file_names = communes.get("commune_name")
    joined = official.reindex(communes["commune_code"].fillna("").to_numpy())
    if file_names is not None:
        differs = (
            file_names.notna().to_numpy()
            & joined["commune_name"].notna().to_numpy()
            & (file_names.map(fold).to_numpy() != joined["commune_name"].map(fold).to_numpy())
        )
        for i in np.flatnonzero(differs):
            problems.append(
                Problem(
                    src,
                    f"name {nfc(file_names.iloc[i])!r} differs from the registry's "
                    f"{joined['commune_name'].iloc[i]!r} for code "
                    f"{communes['commune_code'].iloc[i]}; the registry's name is used",
                    feature=str(communes["feature"].iloc[i]),
                    column="commune_name",
                    severity="warning",
                    kind="name_differs",
                )
            )
    for col in ("commune_name", "commune_type", "province_code", "province_name"):
        communes[col] = joined[col].to_numpy()
    if layout == "legacy":
        communes["district_code"] = joined["district_code"].to_numpy()
        communes["district_name"] = joined["district_name"].to_numpy()
    else:
        former = _former_district_2025(province).reindex(communes["commune_code"].fillna(""))
        communes["district_code"] = former["district_code"].to_numpy()
        communes["district_name"] = former["district_name"].to_numpy()
    if "approximate" not in communes:
        communes["approximate"] = False
    keep = [
        "feature",
        "commune_code",
        "commune_name",
        "commune_type",
        "province_code",
        "province_name",
        "district_code",
        "district_name",
        "approximate",
    ]
    extra = [c for c in communes.columns if c not in keep and c not in ("geometry", "parent_name")]
    return communes[keep + extra + ["geometry"]], problems, layout


def _codes_from_names(
    communes: gpd.GeoDataFrame, src: str, layout: str, province: str, problems: list[Problem]
) -> None:
    official = registry.communes(layout, province)
    parent_col = "district_name" if layout == "legacy" and "parent_name" in communes else None
    if parent_col:
        reference = official[["commune_code", "commune_name", "district_name"]].itertuples(
            index=False
        )
        queries = {
            i: (n, p)
            for i, (n, p) in enumerate(
                zip(communes["commune_name"], communes["parent_name"], strict=True)
            )
        }
    else:
        reference = (
            (c, n, "")
            for c, n in zip(official["commune_code"], official["commune_name"], strict=True)
        )
        queries = {i: (n, "") for i, n in enumerate(communes["commune_name"])}
    result = match_names(queries, list(reference))
    codes = [result.matched.get(i, pd.NA) for i in range(len(communes))]
    communes["commune_code"] = pd.array(codes, dtype="string")
    for i, alias in result.aliased.items():
        problems.append(
            Problem(
                src,
                f"name {communes['commune_name'].iloc[i]!r} matched through the "
                f"spelling alias {alias!r}",
                feature=str(communes["feature"].iloc[i]),
                column="commune_name",
                severity="warning",
                kind="name_alias",
            )
        )
    problems += match_problems(
        result,
        src,
        names=communes["commune_name"],
        where=lambda i: {"feature": str(communes["feature"].iloc[i])},
        column="commune_name",
        what=f"an official commune of the {layout} layout",
    )


def resolve_village_communes(
    typed: pd.DataFrame,
    headers: dict[str, str],
    src: str,
    communes: gpd.GeoDataFrame,
    layout: str,
    province: str,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Point every village at a loaded commune (code in the boundaries' layout).

    Codes of the other layout are converted (legacy → 2025 through the
    official conversion; the old code is kept in ``commune_code_old``);
    villages with a name and no code are matched by name within their
    district when given. Unknown or ambiguous references are errors.
    """
    problems: list[Problem] = []
    typed = typed.copy()
    loaded = set(communes["commune_code"].dropna())
    code = (
        typed["commune_code"]
        if "commune_code" in typed
        else pd.Series(pd.NA, index=typed.index, dtype="string")
    )
    if "commune_code_old" not in typed:
        typed["commune_code_old"] = pd.array([pd.NA] * len(typed), dtype="string")
    other = code.notna() & ~code.isin(loaded)
    if other.any() and layout == "2025":
        conv = registry.convert_codes(code[other]).set_index(code[other].index)
        converted = conv["new_code"].notna() & conv["new_code"].isin(loaded)
        idx = conv.index[converted]
        typed.loc[idx, "commune_code_old"] = code[idx]
        code = code.copy()
        code[idx] = conv.loc[idx, "new_code"]
        if len(idx):
            problems.append(
                Problem(
                    src,
                    f"{len(idx)} village(s) keyed to pre-2025 commune codes were "
                    "converted to the 2025 layout (official conversion)",
                    severity="warning",
                    kind="converted_codes",
                )
            )
    by_name = code.isna() & typed.get("commune_name", pd.Series(pd.NA, index=typed.index)).notna()
    if by_name.any():
        code = code.copy()
        _match_village_names(
            typed, by_name, code, communes, layout, province, headers, src, problems
        )
    missing = (
        code.isna()
        & ~by_name
        & typed.get("commune_name", pd.Series(pd.NA, index=typed.index)).isna()
    )
    problems += row_problems(
        missing,
        typed["row"],
        src,
        headers.get("commune_code", "commune_code"),
        "missing_value",
        lambda i: "no commune code or name; expected one to place the village",
    )
    unknown = code.notna() & ~code.isin(loaded)
    for i in np.flatnonzero(unknown.to_numpy()):
        found = code.iloc[i]
        hint = ""
        for lay in ("2025", "legacy"):
            unit = registry.commune(found, lay)
            if unit is not None and unit["province_code"] != province:
                hint = f" (it is {unit['commune_name']}, {unit['province_name']})"
                break
        problems.append(
            Problem(
                src,
                f"unknown commune code {found!r}{hint}; expected a code of the "
                f"{len(loaded)} communes loaded (5 digits, e.g. "
                f"{sorted(loaded)[0] if loaded else '03646'})",
                row=int(typed["row"].iloc[i]),
                column=headers.get("commune_code", "commune_code"),
                kind="unknown_code",
            )
        )
    typed["commune_code"] = code.astype("string")
    return typed, problems


def _match_village_names(
    typed, mask, code, communes, layout, province, headers, src, problems
) -> None:
    rows = typed[mask]
    if layout == "legacy" and "district_name" in typed:
        reference = list(
            communes[["commune_code", "commune_name", "district_name"]].itertuples(index=False)
        )
        queries = {
            i: (r.commune_name, r.district_name if isinstance(r.district_name, str) else "")
            for i, r in rows.iterrows()
        }
    else:
        reference = [
            (c, n, "")
            for c, n in zip(communes["commune_code"], communes["commune_name"], strict=True)
        ]
        queries = {i: (n, "") for i, n in rows["commune_name"].items()}
    result = match_names(queries, reference)
    for i, c in result.matched.items():
        code[i] = c
    problems += match_problems(
        result,
        src,
        names=typed["commune_name"],
        where=lambda i: {"row": int(typed.at[i, "row"])},
        column=headers.get("commune_name", "commune_name"),
        what="a commune loaded",
        by_label=True,
    )
