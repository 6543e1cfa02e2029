"""Villages to the codes of their communes, in the register's own layout.

A village register names each village's commune by its GSO code, else by
its name (within the village's district when given). The register's layout
is detected as the boundaries' is (:func:`slmap.model.joins.detect_units`);
unknown codes and unmatched or ambiguous names are errors naming the row,
and a code of another province says which. Moving the villages to the
model's layout is :func:`slmap.admin.convert.villages_forward`'s job.
"""

from __future__ import annotations

import pandas as pd

from slmap.admin.detect import Detection
from slmap.base.errors import Problem
from slmap.base.names import MatchResult
from slmap.model.cells import row_problems
from slmap.model.joins import detect_units, match_problems, stop_if_unfit, unknown_code

__all__ = ["resolve_village_communes"]


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
    detection = detect_units(
        usable, src, province, input_layout, "commune_name", "district_name", "rows", prefer
    )
    fit, lid = detection.fit, detection.layout

    def label(i: object) -> str:
        value = usable.at[i, "commune_code"]
        return repr(str(value) if not pd.isna(value) else str(names.get(i)))

    stop_if_unfit(detection, src, label, province, verbose)
    code = typed["commune_code"].copy()
    by_name = code.isna() & names.notna()
    if detection.by == "code":
        for i in fit.unmatched:
            problems.append(_village_unknown_code(code[i], lid, province, src, typed, i, headers))
            code[i] = pd.NA
        # Rows with a name and no code in a code-keyed register: match by name.
        if by_name.any():
            sub = detect_units(typed[by_name], src, province, lid, "commune_name", "district_name")
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
        wrong = unknown_code(found, lid, src, province)
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
