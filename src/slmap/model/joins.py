"""Joins to official codes: commune boundaries and village rows, in any layout.

Codes first; names (exact after folding, scoped to the district where
given) where codes are missing; never a guess between two candidates. The
layout of each input is detected (:mod:`slmap.admin.detect`); villages keyed to
an older layout than the model's are moved forward through the crosswalk
(:mod:`slmap.admin.convert`).
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd

from slmap.admin import layouts
from slmap.admin.detect import (
    DIAGNOSIS_LIMIT,
    Detection,
    detect_layout,
    diagnosis,
    district_field_problem,
)
from slmap.base.errors import InputError, Problem
from slmap.base.names import MatchResult, fold, nfc
from slmap.model.cells import row_problems

__all__ = ["join_communes_to_registry", "match_problems", "resolve_village_communes"]


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


def _detect(
    frame: pd.DataFrame,
    src: str,
    province: str,
    input_layout: str | None,
    name_column: str,
    parent_column: str,
    what: str = "units",
    prefer: str | None = None,
) -> Detection:
    codes = frame.get("commune_code")
    names = frame.get(name_column)
    parents = frame.get(parent_column)
    if names is not None and (codes is None or codes.isna().all()):
        message = district_field_problem(names, name_column, province, src)
        if message:
            raise InputError(message)
    if parents is not None and parents.isna().all():
        parents = None
    return detect_layout(
        codes=codes if codes is not None and codes.notna().any() else None,
        names=names,
        parents=parents,
        province=province,
        forced=input_layout,
        what=what,
        prefer=prefer,
    )


def _too_many(
    detection: Detection, src: str, labels: Callable[[object], str], province, verbose: bool
) -> None:
    fit = detection.fit
    bad = list(fit.unmatched) + list(fit.ambiguous)
    if len(bad) > DIAGNOSIS_LIMIT and not verbose:
        raise InputError(diagnosis(detection, src, [labels(k) for k in bad], province))


def join_communes_to_registry(
    communes: gpd.GeoDataFrame,
    src: str,
    schema: str,
    province: str,
    *,
    input_layout: str | None = None,
    verbose: bool = False,
    reported: set | None = None,
) -> tuple[gpd.GeoDataFrame, list[Problem], Detection]:
    """Give every commune its official code, name, type and district.

    ``reported`` holds the features already named by an error (e.g. by the
    reader): a feature left without a code gets an error unless it is there.

    Returns
    -------
    communes : GeoDataFrame
        With commune_code, commune_name (the layout's spelling),
        commune_type, province_code, province_name, district_code,
        district_name, approximate. Features with no code are kept with NA
        and an error problem each.
    problems : list of Problem
        Unknown codes, unmatched/ambiguous names and duplicate communes are
        errors; names that differ from the official ones are warnings.
    detection : Detection
        The layout of the file and why.

    Raises
    ------
    InputError
        The file fits no known layout well (a short diagnosis), or its name
        field holds district names.
    """
    problems: list[Problem] = []
    communes = communes.copy()
    if "commune_code" not in communes:
        communes["commune_code"] = pd.array([pd.NA] * len(communes), dtype="string")
    had_code = communes["commune_code"].notna()
    detection = _detect(communes, src, province, input_layout, "commune_name", "parent_name")
    fit, lid = detection.fit, detection.layout

    def label(i: object) -> str:
        name = communes["commune_name"].iloc[i] if "commune_name" in communes else None
        return repr(str(name) if not pd.isna(name) else str(communes["commune_code"].iloc[i]))

    _too_many(detection, src, label, province, verbose)
    feature = communes["feature"].astype(str).to_numpy()
    if detection.by == "code":
        for i in fit.unmatched:
            problems.append(_unknown_code(communes["commune_code"].iloc[i], lid, src, province, i))
            problems[-1] = _at_feature(problems[-1], feature[i])
        communes.loc[~communes.index.isin(fit.matched.keys()), "commune_code"] = pd.NA
    else:
        codes = [fit.matched.get(i, pd.NA) for i in range(len(communes))]
        communes["commune_code"] = pd.array(codes, dtype="string")
        problems += _alias_warnings(fit.aliased, communes, src)
        result = MatchResult(fit.matched, fit.ambiguous, fit.unmatched, fit.aliased)
        problems += match_problems(
            result,
            src,
            names=communes["commune_name"],
            where=lambda i: {"feature": feature[i]},
            column="commune_name",
            what=f"an official commune of the {lid} layout",
        )
    problems += _unreported_losses(communes, had_code, problems, src, reported or set())
    problems += _duplicates(communes, src)
    official = layouts.units(lid, province).set_index("commune_code")
    joined = official.reindex(communes["commune_code"].fillna("").to_numpy())
    problems += _names_differ(communes, joined, src)
    for col in layouts.UNIT_ATTRIBUTES:
        communes[col] = joined[col].to_numpy()
    if "approximate" not in communes:
        communes["approximate"] = False
    keep = ["feature", "commune_code", *layouts.UNIT_ATTRIBUTES, "approximate"]
    extra = [c for c in communes.columns if c not in keep and c not in ("geometry", "parent_name")]
    return communes[keep + extra + ["geometry"]], problems, detection


def _at_feature(problem: Problem, feature: str) -> Problem:
    return Problem(
        problem.source,
        problem.message,
        feature=feature,
        column=problem.column,
        kind=problem.kind,
        severity=problem.severity,
    )


def _unknown_code(code: str, lid: str, src: str, province: str, i: int) -> Problem:
    hint = ""
    for other in (lay.id for lay in reversed(layouts.LAYOUTS)):
        if other == lid:
            continue
        try:
            found = layouts.units(other, province).set_index("commune_code")
        except InputError:
            continue
        if code in found.index:
            hint = (
                f"; it is a {other}-layout code ({found.at[code, 'commune_name']}), but the "
                f"file as a whole fits the {lid} layout"
            )
            break
    return Problem(
        src,
        f"commune code {code} is not in the official {lid} list of province {province}{hint}",
        column="commune_code",
        kind="unknown_code",
    )


def _alias_warnings(aliased: dict, communes: gpd.GeoDataFrame, src: str) -> list[Problem]:
    return [
        Problem(
            src,
            f"name {communes['commune_name'].iloc[i]!r} matched through the "
            f"spelling alias {alias!r}",
            feature=str(communes["feature"].iloc[i]),
            column="commune_name",
            severity="warning",
            kind="name_alias",
        )
        for i, alias in aliased.items()
    ]


def _unreported_losses(
    communes: gpd.GeoDataFrame,
    had_code: pd.Series,
    problems: list[Problem],
    src: str,
    reported: set,
) -> list[Problem]:
    """An error for every feature left without a code that no problem names yet."""
    named = {str(p.feature).split(" ", 1)[0] for p in problems if p.severity == "error"}
    named |= {str(f).split(" ", 1)[0] for f in reported}
    lost = communes["commune_code"].isna().to_numpy()
    out = []
    for i in np.flatnonzero(lost):
        feature = str(communes["feature"].iloc[i])
        if feature in named:
            continue
        out.append(
            Problem(
                src,
                "no usable commune code or name; expected a 5-digit GSO code or an "
                "official commune name",
                feature=feature,
                column="commune_code" if had_code.iloc[i] else "commune_name",
                kind="missing_value",
            )
        )
    return out


def _duplicates(communes: gpd.GeoDataFrame, src: str) -> list[Problem]:
    """An error for every commune that two or more features claim."""
    codes = communes["commune_code"]
    dup = codes.notna() & codes.duplicated(keep=False)
    problems = []
    for code, group in communes[dup].groupby("commune_code"):
        features = ", ".join(str(f) for f in group["feature"])
        for f in group["feature"].iloc[1:]:
            problems.append(
                Problem(
                    src,
                    f"commune {code} appears in several features ({features}); expected "
                    "one feature per commune (merge them, or fix the code or name)",
                    feature=str(f),
                    column="commune_code",
                    kind="duplicate_commune",
                )
            )
    return problems


def _names_differ(communes: gpd.GeoDataFrame, joined: pd.DataFrame, src: str) -> list[Problem]:
    file_names = communes.get("commune_name")
    if file_names is None:
        return []
    differs = (
        file_names.notna().to_numpy()
        & joined["commune_name"].notna().to_numpy()
        & (file_names.map(fold).to_numpy() != joined["commune_name"].map(fold).to_numpy())
    )
    return [
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
        for i in np.flatnonzero(differs)
    ]


def resolve_village_communes(
    typed: pd.DataFrame,
    headers: dict[str, str],
    src: str,
    *,
    province: str,
    input_layout: str | None = None,
    verbose: bool = False,
    prefer: str | None = None,
) -> tuple[pd.DataFrame, list[Problem], Detection | None]:
    """Give every village the code of its commune in the register's own layout.

    ``prefer`` (the layout drawn) wins when names fit it as well as another.

    The register's layout is detected from its codes, else from its names
    (within their district when given). Unknown codes and unmatched or
    ambiguous names are errors naming the row; codes of another province
    say which. Moving the villages to the model's layout is
    :func:`slmap.admin.convert.villages_forward`'s job.

    Returns
    -------
    typed : DataFrame
        With ``commune_code`` (NA where unresolved) in the register's layout.
    problems : list of Problem
    detection : Detection or None
        None when the register has neither codes nor names.
    """
    problems: list[Problem] = []
    typed = typed.copy()
    if "commune_code" not in typed:
        typed["commune_code"] = pd.array([pd.NA] * len(typed), dtype="string")
    names = typed.get("commune_name", pd.Series(pd.NA, index=typed.index, dtype="object"))
    missing = typed["commune_code"].isna() & names.isna()
    problems += row_problems(
        missing,
        typed["row"],
        src,
        headers.get("commune_code", "commune_code"),
        "missing_value",
        lambda i: "no commune code or name; expected one to place the village",
    )
    usable = typed[~missing]
    if usable.empty:
        return typed, problems, None
    detection = _detect(
        usable, src, province, input_layout, "commune_name", "district_name", "rows", prefer
    )
    fit, lid = detection.fit, detection.layout

    def label(i: object) -> str:
        value = usable.at[i, "commune_code"]
        return repr(str(value) if not pd.isna(value) else str(names.get(i)))

    _too_many(detection, src, label, province, verbose)
    code = typed["commune_code"].copy()
    by_name = code.isna() & names.notna()
    if detection.by == "code":
        for i in fit.unmatched:
            problems.append(_village_unknown_code(code[i], lid, province, src, typed, i, headers))
            code[i] = pd.NA
        # Rows with a name and no code in a code-keyed register: match by name.
        if by_name.any():
            sub = _detect(typed[by_name], src, province, lid, "commune_name", "district_name")
            _apply_names(sub, typed, code, headers, src, problems, lid)
    else:
        _apply_names(detection, typed, code, headers, src, problems, lid)
    typed["commune_code"] = code.astype("string")
    return typed, problems, detection


def _apply_names(detection, typed, code, headers, src, problems, lid) -> None:
    fit = detection.fit
    for i, c in fit.matched.items():
        code[i] = c
    problems += match_problems(
        MatchResult(fit.matched, fit.ambiguous, fit.unmatched, fit.aliased),
        src,
        names=typed["commune_name"],
        where=lambda i: {"row": int(typed.at[i, "row"])},
        column=headers.get("commune_name", "commune_name"),
        what=f"a commune of the {lid} layout"
        + (" in that district" if "district_name" in typed and lid != "2025" else ""),
        by_label=True,
    )


def _village_unknown_code(found, lid, province, src, typed, i, headers) -> Problem:
    from slmap.admin import registry

    hint = ""
    for lay in ("2025", "legacy"):
        unit = registry.commune(found, lay)
        if unit is not None and unit["province_code"] != province:
            hint = f" (it is {unit['commune_name']}, {unit['province_name']})"
            break
    else:
        wrong = _unknown_code(found, lid, src, province, 0)
        if "layout code" in wrong.message:
            hint = wrong.message.split(f"province {province}", 1)[1]
    return Problem(
        src,
        f"unknown commune code {found!r}{hint}; expected a code of the {lid} layout "
        "(5 digits, e.g. 03646)",
        row=int(typed.at[i, "row"]),
        column=headers.get("commune_code", "commune_code"),
        kind="unknown_code",
    )
