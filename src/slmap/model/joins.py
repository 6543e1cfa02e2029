"""Joins to official codes: commune boundaries, and what every join of an input shares.

Codes first; names (exact after folding, scoped to the district where
given) where codes are missing; never a guess between two candidates. The
layout of each input is detected (:mod:`slmap.admin.detect`, through
:func:`detect_units`); a file that fits no layout well stops with a short
diagnosis (:func:`stop_if_unfit`). :func:`join_communes_to_registry` joins
commune boundaries; village rows are joined by
:mod:`slmap.model.join_villages`, and villages keyed to an older layout than
the model's are moved forward through the crosswalk
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

__all__ = [
    "detect_units",
    "join_communes_to_registry",
    "match_problems",
    "stop_if_unfit",
    "unknown_code",
]


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


def detect_units(
    frame: pd.DataFrame,
    src: str,
    province: str,
    input_layout: str | None,
    name_column: str,
    parent_column: str,
    what: str = "units",
    prefer: str | None = None,
) -> Detection:
    """The layout of an input's units, from its codes, else its names (within their parents).

    Parameters
    ----------
    frame : DataFrame
        Boundaries or village rows, with ``commune_code`` and/or ``name_column``.
    src : str
        The file, for messages.
    province : str
        GSO province code.
    input_layout : str, optional
        The layout the user named (``--input-layout``); detection then only checks it.
    name_column, parent_column : str
        Columns of the units' names and of their parents' (district) names.
    what : str
        What the units are called in messages ("units", "rows").
    prefer : str, optional
        The layout that wins when the names fit it as well as another.

    Raises
    ------
    InputError
        The name column holds district names, not commune names.
    """
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


def stop_if_unfit(
    detection: Detection, src: str, labels: Callable[[object], str], province, verbose: bool
) -> None:
    """Stop with a short diagnosis when too many units fit no layout, unless ``verbose``.

    ``labels(key)`` names the unit of a key of ``detection.fit``; past
    :data:`~slmap.admin.detect.DIAGNOSIS_LIMIT` unmatched or ambiguous units,
    one message describing the file is more use than one problem per unit.
    """
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
    detection = detect_units(communes, src, province, input_layout, "commune_name", "parent_name")
    fit, lid = detection.fit, detection.layout

    def label(i: object) -> str:
        name = communes["commune_name"].iloc[i] if "commune_name" in communes else None
        return repr(str(name) if not pd.isna(name) else str(communes["commune_code"].iloc[i]))

    stop_if_unfit(detection, src, label, province, verbose)
    feature = communes["feature"].astype(str).to_numpy()
    if detection.by == "code":
        for i in fit.unmatched:
            problems.append(unknown_code(communes["commune_code"].iloc[i], lid, src, province))
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


def unknown_code(code: str, lid: str, src: str, province: str) -> Problem:
    """The error for a commune code not in layout ``lid``, saying when another layout has it.

    Examples
    --------
    >>> unknown_code("03649", "2025", "x.geojson", "14").message  # doctest: +ELLIPSIS
    'commune code 03649 is not in the official 2025 list of province 14; it is a 2025-03-layout...'
    """
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
