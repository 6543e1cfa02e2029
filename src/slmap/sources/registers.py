"""Village tables: the embedded sample register, and a register or published list read by kind."""

from __future__ import annotations

import os
from pathlib import Path

from slmap.base.errors import InputError, Problem
from slmap.sources.tables import TableRead, read_register

__all__ = ["SAMPLE_DATES", "read_village_table", "sample_register_path"]

#: The sample register's dates (DESIGN §3.4), newest last.
SAMPLE_DATES = ("2021-12-31", "2022-12-31")


def sample_register_path(as_of: str = SAMPLE_DATES[-1]) -> Path:
    """Return the path of the embedded synthetic sample register of a date.

    Looked for in ``SLMAP_SAMPLE`` (a file, for the latest date), then in
    ``geodata/sample/`` of the source tree.

    Examples
    --------
    >>> sample_register_path().name
    'son_la_villages_2022-12-31.csv'
    >>> sample_register_path("2021-12-31").name
    'son_la_villages_2021-12-31.csv'
    """
    if as_of not in SAMPLE_DATES:
        raise InputError(
            f"the sample register has the dates {' and '.join(SAMPLE_DATES)}; found {as_of!r}"
        )
    if os.environ.get("SLMAP_SAMPLE") and as_of == SAMPLE_DATES[-1]:
        return Path(os.environ["SLMAP_SAMPLE"])
    folder = Path(__file__).resolve().parents[3] / "geodata" / "sample"
    return folder / f"son_la_villages_{as_of}.csv"


def read_village_table(
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    kind: bool | None = None,
) -> TableRead:
    """Read a village register, or a published list of villages without mobile broadband.

    ``kind`` True reads ``path`` as such a list, False as a register, None
    detects: a file that is not a usable register but has the shape of a
    list is read as a list, and a warning says so.
    """
    if not kind:
        try:
            return read_register(path, encoding=encoding, sheet=sheet)
        except InputError:
            if kind is False:
                raise
            from slmap.sources.uncovered_list import looks_like_uncovered_list

            if not looks_like_uncovered_list(path):
                raise
    from slmap.sources.uncovered_list import read_uncovered_list

    if kind:
        return read_uncovered_list(path, sheet=sheet, encoding=encoding)
    table = read_uncovered_list(path, sheet=sheet, encoding=encoding)
    table.problems.insert(
        0,
        Problem(
            table.source,
            "read as a published list of villages without mobile broadband (no signal "
            "column; every row is such a village); say --list uncovered to skip detection",
            severity="warning",
            kind="list_detected",
        ),
    )
    return table
