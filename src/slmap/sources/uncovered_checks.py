"""Finish a list of villages without mobile broadband once its rows are read.

Decides which "Tổng cộng" / "Cộng" row is the list's total (the last one with
no village after it; text under it is a footer), checks the numbers of the
total, subtotal and group rows against the villages read, and derives the
village ids a published list does not have.
"""

from __future__ import annotations

from slmap.base.errors import Problem
from slmap.base.names import fold
from slmap.sources.uncovered_rows import ListRows, parse_count

__all__ = ["check_totals", "village_ids"]

_COUNTS = ("households", "population")


def _sums(records: list[dict[str, str | int]]) -> dict[tuple[str, ...], list[int]]:
    """Scope -> [households, people, villages, villages without households, without people]."""
    sums: dict[tuple[str, ...], list[int]] = {}
    for rec in records:
        d, c = fold(rec["district_name"]), fold(rec["commune_name"])
        for scope in (("all",), ("d", d), ("c", d, c)):
            acc = sums.setdefault(scope, [0, 0, 0, 0, 0])
            acc[2] += 1
            for k, col in enumerate(_COUNTS):
                n = parse_count(str(rec[col]))
                acc[k] += n or 0
                acc[3 + k] += n is None
    return sums


def check_totals(rows: ListRows, problems: list[Problem]) -> int:
    """Compare the numbers of total, subtotal and group rows with the villages read.

    The total row is the last "Tổng cộng" (or bare "Cộng") row with no
    village after it; earlier ones count as subtotals. Text under it without
    numbers or row number (signatures) is moved to ``footer_rows``. A number
    that differs from the sum of the villages under it is a warning giving
    both.

    Parameters
    ----------
    rows : ListRows
        The rows read (``counts["subtotal"]`` is updated).
    problems : list of Problem
        Warnings are appended here.

    Returns
    -------
    int
        The number of total rows (0 or 1).

    Examples
    --------
    >>> from slmap.sources.uncovered_rows import parse_row
    >>> rows = ListRows("l.csv", {"village_name": 0, "households": 1},
    ...                 {"village_name": "Tên bản", "households": "Số hộ"})
    >>> parse_row(rows, ["Bản Nà Vạc", "40"], ["Bản Nà Vạc", "40"], 3)
    >>> parse_row(rows, ["Tổng cộng", "45"], ["Tổng cộng", "45"], 4)
    >>> found = []
    >>> check_totals(rows, found), found[0].message
    (1, "the row 'Tổng cộng' says households 45; the 1 village(s) read under it sum to 40")
    """
    checks = list(rows.checks)
    grand = rows.grand[-1:]
    if grand and not all(_footer_like(rec) for rec in rows.records[grand[0][4] :]):
        grand = []  # villages follow: the last "Cộng" was a subtotal
    if grand:  # text under the total row: signatures, names
        rows.footer_rows += [int(rec["row"]) for rec in rows.records[grand[0][4] :]]
        del rows.records[grand[0][4] :]
        rows.filled_rows = [r for r in rows.filled_rows if r < grand[0][0]]
    for r, label, hh, pop, _ in grand:
        checks.append((r, label, hh, pop, ("all",)))
    sums = _sums(rows.records)
    for r, label, hh, pop, scope in checks:
        acc = sums.get(scope, [0, 0, 0, 0, 0])
        for k, (col, written) in enumerate(zip(_COUNTS, (hh, pop), strict=True)):
            n = parse_count(written)
            if not written or n == acc[k]:
                continue
            missing = f" ({acc[3 + k]} without a number)" if acc[3 + k] else ""
            found = f"{written!r} is not a number" if n is None else f"says {col} {written}"
            problems.append(
                Problem(
                    rows.src,
                    f"the row {label!r} {found}; the {acc[2]} village(s) read under it sum to "
                    f"{acc[k]}{missing}",
                    row=r,
                    column=rows.headers.get(col),
                    severity="warning",
                    kind="total_mismatch",
                )
            )
    rows.counts["subtotal"] += len(rows.grand) - len(grand)
    late = [r for r in rows.group_rows if grand and r > grand[0][0]]
    rows.counts["group"] -= len(late)
    rows.footer_rows = sorted(rows.footer_rows + late)
    return len(grand)


def _footer_like(rec: dict[str, str | int]) -> bool:
    return not (rec["households"] or rec["population"] or rec.get("stt"))


def village_ids(rows: ListRows, problems: list[Problem]) -> list[str]:
    """Derive village ids from the folded district, commune and village names.

    ``"<district>.<commune>.<village>"`` folded (accents, case, spaces and
    unit prefixes removed, ``_`` for a missing name); the second village of
    the same name in one commune gets ``-2``, the third ``-3``, by order of
    appearance, with a warning naming their rows. One warning says how ids
    were made.

    Examples
    --------
    >>> from slmap.sources.uncovered_rows import parse_row
    >>> rows = ListRows("l.csv", {"commune_name": 0, "village_name": 1}, {"village_name": "Bản"})
    >>> for r, cells in enumerate([["Xã Mường Lạn", "Bản Nà Vạc"], ["", "Nà Vạc"]], start=3):
    ...     parse_row(rows, cells, cells, r)
    >>> village_ids(rows, [])
    ['_.muonglan.navac', '_.muonglan.navac-2']
    """
    seen: dict[str, list[int]] = {}
    ids = []
    for i, rec in enumerate(rows.records):
        parts = (rec["district_name"], rec["commune_name"], rec["village_name"])
        base = ".".join(fold(p) or "_" for p in parts)
        n = len(seen.setdefault(base, []))
        ids.append(base if n == 0 else f"{base}-{n + 1}")
        seen[base].append(i)
    for idx in seen.values():
        if len(idx) > 1:
            rec = rows.records[idx[0]]
            place = (
                f"{rec['commune_name'] or 'no commune'} ({rec['district_name'] or 'no district'})"
            )
            listed = ", ".join(f"row {rows.records[i]['row']} {ids[i]!r}" for i in idx)
            problems.append(
                Problem(
                    rows.src,
                    f"{len(idx)} villages named {rec['village_name']!r} in {place}: {listed}; "
                    "ids numbered by order of appearance; check they are not one village twice",
                    row=int(rows.records[idx[-1]]["row"]),
                    column=rows.headers["village_name"],
                    severity="warning",
                    kind="duplicate_village",
                )
            )
    if ids:
        problems.append(
            Problem(
                rows.src,
                "the list has no village id: village_id derived from the district, commune and "
                f"village names, accents, case, spaces and prefixes removed (e.g. {ids[0]!r}); "
                "the same names give the same id whatever the row number (STT)",
                severity="warning",
                kind="derived_ids",
            )
        )
    return ids
