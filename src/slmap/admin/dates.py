"""The date a register describes (``as_of``): parsing and display.

A register describes one date: an ``as_of`` column (one value for the whole
file) or the ``--as-of`` option. The map's "data date" comes from it, never
from a file's modification time.
"""

from __future__ import annotations

import re
from datetime import date

from slmap.base.names import fold

__all__ = ["AS_OF_HEADERS", "display_date", "fold_header", "parse_date"]

#: Folded headers recognised as the register's date.
AS_OF_HEADERS = frozenset(
    {"asof", "asofdate", "date", "ngay", "ngaysolieu", "tinhdenngay", "solieungay", "thoidiem"}
)

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")


def fold_header(text: object) -> str:
    """Fold a header for comparison (accents, case, spaces and underscores ignored).

    Examples
    --------
    >>> fold_header("Tính đến ngày"), fold_header("as_of")
    ('tinhdenngay', 'asof')
    """
    return fold(text, keep_prefix=True)


def parse_date(text: object) -> str | None:
    """Parse ``YYYY-MM-DD``, ``DD/MM/YYYY`` (Vietnamese order) or a year.

    A year alone means the end of that year. Returns an ISO date, or None
    when the text is not a date.

    Examples
    --------
    >>> parse_date("2022-12-31"), parse_date("31/12/2022"), parse_date("2021")
    ('2022-12-31', '2022-12-31', '2021-12-31')
    >>> parse_date("31/02/2022") is None
    True
    """
    value = str(text).strip().split(" ")[0].split("T")[0]
    for pattern, order in ((_ISO, (0, 1, 2)), (_DMY, (2, 1, 0))):
        m = pattern.match(value)
        if m:
            y, mo, d = (int(m.group(k + 1)) for k in order)
            try:
                return date(y, mo, d).isoformat()
            except ValueError:
                return None
    m = _YEAR.match(value)
    return f"{m.group(1)}-12-31" if m else None


def display_date(iso: str | None, lang: str = "vi") -> str:
    """A date as a reader of ``lang`` writes it ("31/12/2022" or "31 Dec 2022").

    Examples
    --------
    >>> display_date("2022-12-31"), display_date("2022-12-31", "en")
    ('31/12/2022', '31 Dec 2022')
    >>> display_date("2023")
    '2023'
    """
    if not iso:
        return ""
    parsed = parse_date(iso) if len(str(iso)) == 10 else None
    if parsed is None:
        return str(iso)
    d = date.fromisoformat(parsed)
    return f"{d.day:02d}/{d.month:02d}/{d.year}" if lang == "vi" else d.strftime("%d %b %Y")
