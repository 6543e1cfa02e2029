"""Tell apart the rows of a published list of villages without mobile broadband.

Under the header of such a list (read by :mod:`slmap.sources.uncovered_list`)
a row is one of: blank; a district group row ("I. HUYỆN SỐP CỘP",
"II | Huyện Vân Hồ"); a commune group row ("1 | Xã Mường Lạn"); a subtotal
("Cộng huyện", "Cộng xã") or total ("Tổng cộng", "Cộng") row; a village; or,
when none of these and no village name, an error. Group rows give district
and commune to the rows under them; a blank (or merged) commune cell takes
the commune above it within the district; a new district resets the commune.

Which row is which is decided on the cells as written (``row``), never on
cells filled from a merged range, so a merged commune cell does not make the
rows under it look like commune group rows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from slmap.base.errors import Problem
from slmap.base.names import fold, nfc, strip_accents
from slmap.base.values import parse_int

__all__ = ["ListRows", "parse_count", "parse_row", "signal_from_note", "tidy_name"]

_NUMBERING = re.compile(r"\(?(?:\d+(?:\.\d+)*|[ivxlc]+|[a-zđ])[.):]?\)?", re.IGNORECASE)
_ROMAN = re.compile(r"[IVXLC]+\.?")
_ROMAN_LABEL = re.compile(
    r"([IVXLC]+)\s*[.)/:-]\s*(.+)|([IVXLC]+)\s+((?:huyện|thành phố|thị xã|HUYỆN|THÀNH PHỐ).+)"
)
_LEAD_NUMBER = re.compile(r"^\s*(?:[IVXLC]+|\d+|[a-zđ])\s*[.)/:-]\s*", re.IGNORECASE)
_TOTAL = re.compile(r"^(tong cong|tong so|tong|cong|total|grand total)\b\s*(.*)$")
_GRAND_REST = ("", "toan tinh", "tinh", "chung", "ca tinh", "all")
_DISTRICT_WORDS = ("huyen", "thanh pho", "thi xa", "tp")
_COMMUNE_WORDS = ("xa", "phuong", "thi tran")
_POOR_SIGNAL = ("lomsong", "songyeu", "chapchon", "yeusong", "2g")
_NO_SIGNAL = ("trangsong", "khongcosong", "chuacosong", "matsong")
_FOOTER = ("lapbieu", "nguoilap", "giamdoc", "thutruong", "kyten", "kydongdau", "kyghiro")

#: A check of written numbers against the villages read: sheet row, label,
#: households and people as written, scope ("d", district) or ("c", district,
#: commune) as folded names.
Check = tuple[int, str, str, str, tuple[str, ...]]


@dataclass
class ListRows:
    """What the rows under the header of a list hold, read one by one.

    Attributes
    ----------
    src : str
        The file, for messages.
    cols : dict
        Column name -> column index: canonical names (``village_name``,
        ``commune_name``, ``district_name``, ``households``, ``population``,
        ``note``, ``stt``) and other columns under their header as written.
    headers : dict
        Canonical name -> header as written.
    district, commune : str
        The district and commune in force at the current row.
    records : list of dict
        One per village: the output columns and the other columns.
    problems : list of Problem
        Errors (rows without a village name, villages without a commune).
    counts : dict
        Rows by kind: ``blank``, ``group``, ``subtotal``.
    checks : list of Check
        Group and subtotal rows that carry numbers, to compare with sums.
    grand : list
        Candidate total rows: (row, label, households, people, villages read
        before it).
    group_rows : list of int
        Rows read as group rows (those under the total row are footers).
    footer_rows : list of int
        Rows of text under the table (signatures), skipped.
    filled_rows : list of int
        Villages whose commune came from a cell above (merged or blank).
    """

    src: str
    cols: dict[str, int]
    headers: dict[str, str]
    district: str = ""
    commune: str = ""
    records: list[dict[str, str | int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    checks: list[Check] = field(default_factory=list)
    grand: list[tuple[int, str, str, str, int]] = field(default_factory=list)
    group_rows: list[int] = field(default_factory=list)
    footer_rows: list[int] = field(default_factory=list)
    filled_rows: list[int] = field(default_factory=list)


def tidy_name(name: str, *, numbered: bool = False) -> str:
    """Return a group or column name as a name: numbering removed, CAPITALS in title case.

    Examples
    --------
    >>> tidy_name("HUYỆN SỐP CỘP"), tidy_name("1. Xã Mường Lạn", numbered=True)
    ('Huyện Sốp Cộp', 'Xã Mường Lạn')
    """
    if numbered:
        name = _LEAD_NUMBER.sub("", name, count=1)
    name = nfc(name)
    return name.title() if name.isupper() else name


def signal_from_note(note: str) -> str:
    """Return the mobile signal a list's note implies: ``"2g"`` or ``"none"``.

    A pocket of poor signal (*lõm sóng*, *sóng yếu*, *chập chờn*, *2G*) is
    ``"2g"``: some signal, no usable mobile broadband. No signal (*trắng
    sóng*, *không có sóng*), any other note or none is ``"none"``.

    Examples
    --------
    >>> signal_from_note("Lõm sóng"), signal_from_note("trắng sóng"), signal_from_note("")
    ('2g', 'none', 'none')
    """
    key = fold(note, keep_prefix=True)
    if any(w in key for w in _NO_SIGNAL):
        return "none"
    return "2g" if any(w in key for w in _POOR_SIGNAL) else "none"


def parse_count(text: str) -> int | None:
    """Return a count written as ``"1.234"`` or ``"56"``; anything else is ``None``.

    Examples
    --------
    >>> parse_count("1.234"), parse_count("Bản Nà Vạc"), parse_count("")
    (1234, None, None)
    """
    try:
        return parse_int(text)
    except ValueError:
        return None


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", strip_accents(text).lower()).split())


def _cell(row: list[str], cols: dict[str, int], name: str) -> str:
    return row[cols[name]] if name in cols else ""


def _label(row: list[str], cols: dict[str, int]) -> str:
    """First text left of (or in) the village column, row numbering skipped."""
    for j in range(cols["village_name"] + 1):
        value = row[j]
        if value and not (j == cols.get("stt") and _NUMBERING.fullmatch(value)):
            return value
    return ""


def _total_kind(label: str) -> str | None:
    """``"grand"``, ``"district"`` or ``"commune"`` for a total or subtotal label."""
    m = _TOTAL.match(_words(label))
    if m is None:
        return None
    rest = m.group(2)
    if rest in _GRAND_REST:
        return "grand"
    for words, kind in ((_DISTRICT_WORDS, "district"), (_COMMUNE_WORDS, "commune")):
        if any(rest == w or rest.startswith(w + " ") for w in words):
            return kind
    return None


def _group_kind(row: list[str], cols: dict[str, int], label: str) -> tuple[str, str] | None:
    """("district" | "commune", name) for a group row, else None."""
    m = _ROMAN_LABEL.fullmatch(label)
    if m:
        return "district", tidy_name(m.group(2) or m.group(4))
    stt = _cell(row, cols, "stt")
    words = _words(label)
    if (stt and _ROMAN.fullmatch(stt)) or words.startswith(tuple(w + " " for w in _DISTRICT_WORDS)):
        return "district", tidy_name(label, numbered=True)
    counts = _cell(row, cols, "households") or _cell(row, cols, "population")
    if words.startswith(tuple(w + " " for w in _COMMUNE_WORDS)) or not counts:
        return "commune", tidy_name(label, numbered=True)
    return None


def _commune_scope(p: ListRows) -> tuple[str, ...]:
    return ("c", fold(p.district), fold(p.commune))


def parse_row(p: ListRows, row: list[str], filled: list[str], r: int, next_stt: str = "") -> None:
    """Read one row under the header into ``p``.

    Parameters
    ----------
    p : ListRows
        The state, updated in place.
    row : list of str
        The cells as written.
    filled : list of str
        The same cells with merged ranges filled (notes and other columns
        are read from these).
    r : int
        The sheet row number.
    next_stt : str
        The row number (STT) of the next row: a row "1 | Mường Lạn" without
        counts followed by "1.1" or "a" heads a commune block.

    Examples
    --------
    >>> p = ListRows("list.csv", {"stt": 0, "commune_name": 1, "village_name": 2},
    ...              {"village_name": "Tên bản"})
    >>> parse_row(p, ["I", "HUYỆN SỐP CỘP", ""], ["I", "HUYỆN SỐP CỘP", ""], 5)
    >>> parse_row(p, ["1", "Mường Lạn", "Bản Nà Vạc"], ["1", "Mường Lạn", "Bản Nà Vạc"], 6)
    >>> p.records[0]["district_name"], p.records[0]["commune_name"]
    ('Huyện Sốp Cộp', 'Mường Lạn')
    """
    if not any(row):
        p.counts["blank"] += 1
        return
    label = _label(row, p.cols)
    hh, pop = _cell(row, p.cols, "households"), _cell(row, p.cols, "population")
    total = _total_kind(label) if label else None
    if total == "grand":
        p.grand.append((r, label, hh, pop, len(p.records)))
    elif total is not None:
        p.counts["subtotal"] += 1
        scope = ("d", fold(p.district)) if total == "district" else _commune_scope(p)
        p.checks.append((r, label, hh, pop, scope))
    elif _cell(row, p.cols, "village_name") and not _names_a_unit(row, p.cols, label, next_stt):
        _village(p, row, filled, r)
    else:
        _group(p, row, r, label, hh, pop)


def _names_a_unit(row: list[str], cols: dict[str, int], label: str, next_stt: str) -> bool:
    """A group row written in the village column (lists without Huyện or Xã columns)."""
    if label != _cell(row, cols, "village_name"):
        return False
    stt = _cell(row, cols, "stt")
    counts = _cell(row, cols, "households") or _cell(row, cols, "population")
    heads = next_stt.startswith(stt + ".") or next_stt.rstrip(".)") == "a"
    if stt.isdigit() and heads and not counts:
        return True
    units = tuple(w + " " for w in (*_DISTRICT_WORDS, *_COMMUNE_WORDS))
    return bool(_ROMAN.fullmatch(stt) or _ROMAN_LABEL.fullmatch(label)) or _words(label).startswith(
        units
    )


def _group(p: ListRows, row: list[str], r: int, label: str, hh: str, pop: str) -> None:
    group = _group_kind(row, p.cols, label) if label else None
    weak = (
        group is not None
        and group[0] == "commune"
        and not _words(label).startswith(tuple(w + " " for w in _COMMUNE_WORDS))
    )
    text = fold(" ".join(row), keep_prefix=True)
    numbers = parse_count(hh) is not None or parse_count(pop) is not None
    if (weak and any(w in text for w in _FOOTER)) or (group is None and p.grand and not numbers):
        p.footer_rows.append(r)  # signatures and notes under the table
        return
    if group is None:
        _no_village(p, row, r)
        return
    p.counts["group"] += 1
    p.group_rows.append(r)
    kind, name = group
    if kind == "district":
        p.district, p.commune = name, ""
        scope: tuple[str, ...] = ("d", fold(name))
    else:
        p.commune = name
        scope = _commune_scope(p)
    if hh or pop:
        p.checks.append((r, label, hh, pop, scope))


def _no_village(p: ListRows, row: list[str], r: int) -> None:
    names = {j: p.headers.get(c, c) for c, j in p.cols.items()}
    found = ", ".join(f"{names.get(j, f'column {j + 1}')} = {v!r}" for j, v in enumerate(row) if v)
    p.problems.append(
        Problem(
            p.src,
            f"no village name, found {found}; expected a village name, a group row "
            "('I. HUYỆN SỐP CỘP', 'Xã Mường Lạn') or a total row ('Tổng cộng'); row not read",
            row=r,
            column=p.headers["village_name"],
            kind="missing_village",
        )
    )


def _village(p: ListRows, row: list[str], filled: list[str], r: int) -> None:
    district, commune = _cell(row, p.cols, "district_name"), _cell(row, p.cols, "commune_name")
    if district and fold(district) != fold(p.district):
        p.district, p.commune = tidy_name(district), ""
    if commune:
        p.commune = tidy_name(commune)
    elif p.commune:
        p.filled_rows.append(r)
    else:
        where = f" in {p.district}" if p.district else ""
        p.problems.append(
            Problem(
                p.src,
                f"no commune: the commune cell is blank and no commune is named above it{where}; "
                "expected a commune name (the village is kept without one)",
                row=r,
                column=p.headers.get("commune_name", p.headers["village_name"]),
                kind="missing_commune",
            )
        )
    note = _cell(filled, p.cols, "note")
    record: dict[str, str | int] = {
        "village_name": _cell(row, p.cols, "village_name"),
        "commune_name": p.commune,
        "district_name": p.district,
        "households": _cell(row, p.cols, "households"),
        "population": _cell(row, p.cols, "population"),
        "mobile_signal": signal_from_note(note),
        "note": note,
        "row": r,
    }
    for name, j in p.cols.items():
        if name not in record:
            record[name] = filled[j]
    p.records.append(record)
