"""Which provinces a village register covers, and the rows a province selection keeps.

A register covers the provinces its commune codes belong to (in any layout
slmap knows). Asked for other provinces, slmap draws them as "no data" and
says so in one line, instead of one error per row. When no row of the
register belongs to a province asked for, its rows are left out, with their
count in that same line; when some do, a row of another province is an
error of that row (most often a wrong code), as before.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

from slmap.admin import layouts, registry
from slmap.base.errors import InputError, Problem
from slmap.sources import TableRead

__all__ = ["RegisterScope", "code_provinces", "province_bounds", "register_scope"]


@functools.lru_cache(maxsize=1)
def code_provinces() -> dict[str, str]:
    """Province code of every commune code of every layout (2023 for Sơn La, 2025-03, 2025).

    Examples
    --------
    >>> code_provinces()["03646"], code_provinces()["00004"]
    ('14', '01')
    """
    table: dict[str, str] = {}
    frames = [
        layouts.units("2023", "14"),
        registry.communes("legacy"),
        registry.communes("2025"),
    ]
    for frame in frames:
        table.update(zip(frame["commune_code"], frame["province_code"], strict=True))
    return table


@dataclass
class RegisterScope:
    """The register's rows to use and the provinces to resolve them in.

    Attributes
    ----------
    table : TableRead
        The register without the rows of provinces not asked for.
    province : str
        Province codes the rows are resolved in (``"14"``, ``"14,11"`` or
        ``"all"``): the provinces asked for that the register covers, or those
        asked for when it covers none or its coverage is unknown.
    covers : tuple of str
        Provinces the register covers (empty when it has no commune codes).
    problems : list of Problem
        At most one warning: provinces drawn as no data, rows left out.
    """

    table: TableRead
    province: str
    covers: tuple[str, ...]
    problems: list[Problem]


def register_scope(table: TableRead, province: str) -> RegisterScope:
    """Match the register's coverage to the provinces asked for.

    Parameters
    ----------
    table : TableRead
        The register as read.
    province : str
        ``"all"`` or two-digit codes joined by commas.

    Returns
    -------
    RegisterScope

    Examples
    --------
    >>> import pandas as pd
    >>> t = TableRead(pd.DataFrame({"row": [2, 3], "commune_code": ["03646", "00004"]}),
    ...               "v.csv", {"commune_code": "code"})
    >>> s = register_scope(t, "11")
    >>> s.province, s.covers, len(s.table.frame)
    ('11', ('01', '14'), 0)
    >>> print(s.problems[0].message)  # doctest: +NORMALIZE_WHITESPACE
    the register covers 2 province(s): 01 Thành phố Hà Nội, 14 Tỉnh Sơn La; asked for 11
    Tỉnh Điện Biên: drawn as no data (no village of it in the register; give its villages
    with --register); its 2 row(s), all of provinces not asked for, are left out
    >>> s = register_scope(t, "14,11")
    >>> s.province, len(s.table.frame)
    ('14', 2)
    """
    wanted = None if province == "all" else province.split(",")
    if "commune_code" not in table.frame:
        return RegisterScope(table, province, (), [])
    codes = table.frame["commune_code"].astype("string").str.strip().str.zfill(5)
    found = codes.map(code_provinces())
    covers = tuple(sorted(set(found.dropna())))
    if not covers:
        return RegisterScope(table, province, (), [])
    inside = [c for c in covers if wanted is None or c in wanted]
    outside = found.notna() & ~found.isin(wanted or covers) & (not inside)
    asked = wanted if wanted is not None else list(registry.provinces("2025")["province_code"])
    missing = [c for c in asked if c not in covers]
    scope = ",".join(inside) if inside else province
    if wanted is None and len(inside) == len(registry.provinces("2025")):
        scope = "all"
    problems = []
    if missing or outside.any():
        problems.append(_scope_problem(table, covers, missing, int(outside.sum())))
    kept = replace(table, frame=table.frame[~outside.to_numpy()].reset_index(drop=True))
    return RegisterScope(kept, scope, covers, problems)


def _scope_problem(table: TableRead, covers, missing: list[str], left_out: int) -> Problem:
    """One line: what the register covers, what is drawn as no data, what is left out."""
    names = _names()
    text = f"the register covers {len(covers)} province(s): " + ", ".join(
        f"{c} {names.get(c, '')}".strip() for c in covers
    )
    if len(missing) > 3:
        text += (
            f"; the {len(missing)} other provinces asked for are drawn as no data (no village "
            "of theirs in the register; give their villages with --register)"
        )
    elif missing:
        asked = ", ".join(f"{c} {names.get(c, '')}".strip() for c in missing)
        text += (
            f"; asked for {asked}: drawn as no data (no village of "
            f"{'it' if len(missing) == 1 else 'them'} in the register; give "
            f"{'its' if len(missing) == 1 else 'their'} villages with --register)"
        )
    if left_out:
        text += f"; its {left_out} row(s), all of provinces not asked for, are left out"
    return Problem(table.source, text, severity="warning", kind="province_outside_register")


def _names() -> dict[str, str]:
    table = registry.provinces("2025")
    names = dict(zip(table["province_code"], table["province_name"], strict=True))
    legacy = registry.provinces("legacy")
    for code, name in zip(legacy["province_code"], legacy["province_name"], strict=True):
        names.setdefault(code, name)
    return names


def province_bounds(province: str = "14", margin_deg: float = 0.35) -> tuple[float, ...]:
    """Bounds (lon/lat) of a province's official commune centres, plus a margin.

    The margin (default ≈ 35 km, the longest path the models consider) keeps
    sites beyond the border in the terrain. Computed from the registry of
    administrative units at run time.

    Examples
    --------
    >>> w, s, e, n = province_bounds("14")
    >>> 102.5 < w < 104 < e < 105.5 and 20 < s < 21.5 < n < 22.5
    True
    """
    table = registry.communes("2025", province=province)
    if table.empty:
        raise InputError(f"--province {province!r}: no communes known for that province")
    return (
        float(table["lon"].min()) - margin_deg,
        float(table["lat"].min()) - margin_deg,
        float(table["lon"].max()) + margin_deg,
        float(table["lat"].max()) + margin_deg,
    )
