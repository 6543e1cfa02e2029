"""Vietnamese text: normalisation, accent folding and name matching.

Every comparison of Vietnamese names in slmap goes through :func:`fold`:
NFC normalisation, case folding, removal of diacritics (đ → d), removal of
unit prefixes (Xã, Phường, Thị trấn, Huyện, Thành phố, Thị xã, Tỉnh, Bản,
Tiểu khu) and of every space and punctuation mark, so that "ChiềngLề",
"Chiềng Lề" and "XÃ CHIỀNG LỀ" all fold to ``"chiengle"``.

Matching is exact after folding, scoped to a parent unit, and never guesses:
:func:`match_names` reports ambiguous and unmatched names instead.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = [
    "NAME_ALIASES",
    "UNIT_PREFIXES",
    "MatchResult",
    "closest",
    "fold",
    "match_names",
    "nfc",
    "strip_accents",
    "strip_prefix",
    "unit_type",
]

#: Unit prefixes removed before comparison (longest first, compared folded).
UNIT_PREFIXES: tuple[str, ...] = (
    "Thành phố",
    "Thị trấn",
    "Tiểu khu",
    "Thị xã",
    "Phường",
    "Huyện",
    "Tỉnh",
    "Bản",
    "Xã",
    "TP.",
    "TT.",
    "TX.",
    "Tp",
    "P.",
    "X.",
)

#: Spelling variants seen in real boundary files (folded variant -> folded
#: official spelling). Each entry is a known alternative spelling of one unit,
#: scoped by folded parent name ("*" = any parent). GADM 4.1 writes several
#: Sơn La communes with the old orthography (i/y, o/u after q) or with a
#: different tone mark placement; these map them to the GSO spelling.
NAME_ALIASES: dict[tuple[str, str], str] = {
    # (folded parent, folded variant): folded official name
    ("thuanchau", "nonglay"): "noonglay",  # GADM "NongLay" = GSO "Noong Lay"
    ("thuanchau", "thonmon"): "thommon",  # GADM "ThônMòn" = GSO "Thôm Mòn"
    ("thuanchau", "tonglenh"): "tonglanh",  # GADM "TòngLệnh" = GSO "Tông Lạnh"
    ("bacyen", "xinvang"): "ximvang",  # GADM "XínVàng" = GSO "Xím Vàng"
    ("bacyen", "bacnga"): "pacnga",  # GADM "BắcNgà" = GSO "Pắc Ngà"
    ("mocchau", "quyhuong"): "quihuong",  # GADM "QuyHướng" = GSO "Qui Hướng"
    ("songma", "nanguu"): "nanghiu",  # GADM "NàNgựu" = GSO "Nà Nghịu"
    # The GSO lists and the registry spell these units differently; either
    # spelling matches the other.
    ("thuanchau", "noonglay"): "nonglay",  # GSO "Noong Lay" = registry "Nong Lay"
    ("maison", "napo"): "nabo",  # GSO "Nà Pó" = registry "Nà Bó"
    ("maison", "nabo"): "napo",
    ("songma", "pupau"): "pubau",  # GSO "Pú Pẩu" = registry "Pú Bẩu"
    ("songma", "pubau"): "pupau",
}

_PREFIX_RE = None
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC form with collapsed whitespace.

    Examples
    --------
    >>> nfc("Mu\\u031bo\\u031b\\u0300ng  La ") == "Mường La"
    True
    """
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


def strip_accents(text: str) -> str:
    """Remove Vietnamese diacritics; đ/Đ become d/D.

    Examples
    --------
    >>> strip_accents("Đường Mường Lèo")
    'Duong Muong Leo'
    """
    decomposed = unicodedata.normalize("NFD", str(text))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("Đ", "D")


def _prefix_regex() -> re.Pattern[str]:
    global _PREFIX_RE
    if _PREFIX_RE is None:
        folded = sorted({strip_accents(p).lower() for p in UNIT_PREFIXES}, key=len, reverse=True)
        alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s*") for p in folded)
        _PREFIX_RE = re.compile(rf"^\s*(?:{alternatives})(?:\s+|(?<=\.)|$)")
    return _PREFIX_RE


def strip_prefix(text: str) -> str:
    """Remove one leading unit prefix (Xã, Phường, Huyện, Bản, ...).

    Works on accented or folded text; a name that is only a prefix is kept.

    Examples
    --------
    >>> strip_prefix("Thị trấn Ít Ong")
    'Ít Ong'
    >>> strip_prefix("Phường")
    'Phường'
    """
    original = nfc(text)
    folded = strip_accents(original).lower()
    m = _prefix_regex().match(folded)
    if not m or m.end() >= len(folded):
        return original
    # NFC keeps one code point per letter and strip_accents maps code points
    # one to one, except combining marks removed: compare on NFC length.
    return original[_nfc_offset(original, m.end()) :].strip()


def _nfc_offset(original: str, folded_end: int) -> int:
    count = 0
    for i, ch in enumerate(original):
        if count >= folded_end:
            return i
        count += len(strip_accents(ch))
    return len(original)


_PAREN_TYPE = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")


def unit_type(text: object) -> str | None:
    """Return the folded unit type a name states, if any.

    The type comes from a leading prefix ("Thị trấn Hát Lót") or a trailing
    parenthesis as GADM writes it ("HátLót(Thịtrấn)").

    Examples
    --------
    >>> unit_type("HátLót(Thịtrấn)"), unit_type("Xã Hát Lót"), unit_type("Hát Lót")
    ('thitran', 'xa', None)
    """
    if text is None or (isinstance(text, float) and text != text):
        return None
    s = nfc(str(text))
    m = _PAREN_TYPE.match(s)
    if m and fold(m.group(2), keep_prefix=True) in _folded_prefixes():
        return fold(m.group(2), keep_prefix=True)
    stripped = strip_prefix(s)
    if stripped != s:
        return fold(s[: len(s) - len(stripped)], keep_prefix=True) or None
    return None


def _folded_prefixes() -> set[str]:
    return {fold(p, keep_prefix=True) for p in UNIT_PREFIXES}


def fold(text: object, *, keep_prefix: bool = False) -> str:
    """Return the comparison key of a Vietnamese name.

    NFC, prefix removal (unless ``keep_prefix``), accent folding (đ → d),
    lower case, and removal of every space and punctuation mark.

    Parameters
    ----------
    text : object
        A name; ``None`` and NaN fold to ``""``.
    keep_prefix : bool, default False
        Keep unit prefixes ("Xã", "Phường", ...) in the key.

    Examples
    --------
    >>> fold("Xã Chiềng Lề") == fold("ChiềngLề") == "chiengle"
    True
    >>> fold("Phường Đông Hải")
    'donghai'
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    s = nfc(str(text))
    if not keep_prefix:
        m = _PAREN_TYPE.match(s)
        if m and _NON_ALNUM.sub("", strip_accents(m.group(2)).lower()) in _folded_prefixes():
            s = m.group(1)
        s = strip_prefix(s)
    return _NON_ALNUM.sub("", strip_accents(s).lower())


def closest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Return up to ``n`` candidates closest to ``name`` after folding.

    Examples
    --------
    >>> closest("muong la", ["Mường La", "Mường Bú", "Sốp Cộp"], n=1)
    ['Mường La']
    """
    by_key: dict[str, str] = {}
    for c in candidates:
        by_key.setdefault(fold(c), c)
    keys = difflib.get_close_matches(fold(name), list(by_key), n=n, cutoff=0.5)
    return [by_key[k] for k in keys]


@dataclass
class MatchResult:
    """Outcome of :func:`match_names`.

    Attributes
    ----------
    matched : dict
        Input key -> matched code.
    ambiguous : dict
        Input key -> list of candidate codes (never guessed).
    unmatched : list
        Input keys with no candidate, each with its closest names.
    aliased : dict
        Input key -> alias used (reported so every repair is visible).
    """

    matched: dict[object, str] = field(default_factory=dict)
    ambiguous: dict[object, list[str]] = field(default_factory=dict)
    unmatched: dict[object, list[str]] = field(default_factory=dict)
    aliased: dict[object, str] = field(default_factory=dict)


def match_names(
    queries: Mapping[object, tuple[str, str]],
    reference: Iterable[tuple[str, str, str]],
    aliases: Mapping[tuple[str, str], str] | None = None,
) -> MatchResult:
    """Match names within their parent unit, exactly after folding.

    Parameters
    ----------
    queries : mapping
        key -> (name, parent name) to match.
    reference : iterable of (code, name, parent name)
        The official list (e.g. the registry's communes with their district).
    aliases : mapping, optional
        (folded parent, folded variant) -> folded official name; defaults to
        :data:`NAME_ALIASES`. ``"*"`` as parent applies to any parent.

    Returns
    -------
    MatchResult

    Examples
    --------
    >>> ref = [("03646", "Phường Chiềng Lề", "Thành phố Sơn La"),
    ...        ("03664", "Xã Chiềng Xôm", "Thành phố Sơn La")]
    >>> r = match_names({"a": ("ChiềngLề", "SơnLa")}, ref)
    >>> r.matched
    {'a': '03646'}
    """
    aliases = NAME_ALIASES if aliases is None else aliases
    index: dict[tuple[str, str], list[tuple[str, str | None]]] = {}
    names_by_parent: dict[str, list[str]] = {}
    for code, name, parent in reference:
        key = (fold(parent), fold(name))
        index.setdefault(key, []).append((code, unit_type(name)))
        names_by_parent.setdefault(fold(parent), []).append(name)
    result = MatchResult()
    for qkey, (name, parent) in queries.items():
        p, n = fold(parent), fold(name)
        found = index.get((p, n))
        if not found:
            alias = aliases.get((p, n)) or aliases.get(("*", n))
            if alias is not None:
                found = index.get((p, alias))
                if found:
                    result.aliased[qkey] = alias
        qtype = unit_type(name)
        if found and qtype is not None and len({c for c, _ in found}) > 1:
            found = [(c, t) for c, t in found if t == qtype] or found
        codes = [c for c, _ in found or []]
        if not codes:
            result.unmatched[qkey] = closest(name, names_by_parent.get(p, []))
        elif len(set(codes)) > 1:
            result.ambiguous[qkey] = sorted(set(codes))
        else:
            result.matched[qkey] = codes[0]
    return result
