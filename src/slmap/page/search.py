"""The page's search text: its accent folding, written again in Python, and search order.

The map page searches villages by folded name (``slmapFold`` in
``assets/slmap.js``). :mod:`slmap.page.villages` ships each village layer ordered
by folded name, a large one with the folded names joined in one string, so the
page finds the first matches first and never folds a million names itself; the
folding here is the page's, character for character (the browser tests check it
in Chromium).

Examples
--------
>>> search_fold("Bản Đông Sẳng")
'ban dong sang'
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["JS_SPACE", "SEARCH_SEP", "search_fold", "search_order"]

#: Whitespace as JavaScript's ``\\s`` and ``String.prototype.trim`` know it.
JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_SPACES = re.compile(f"[{JS_SPACE}]+")
_MARKS = re.compile("[\u0300-\u036f]")
#: Separates the folded names of a layer in the page's search string: a folded name never
#: holds one (folding turns every run of whitespace into one space), and JSON writes it in
#: two bytes.
SEARCH_SEP = "\n"


def search_fold(text: str) -> str:
    """The page's accent folding (``slmapFold`` in slmap.js), the same character for character.

    NFD, combining marks U+0300-U+036F dropped, đ -> d, lower case, runs of
    JavaScript whitespace to one space, trimmed.

    Examples
    --------
    >>> search_fold("  Bản Đông\u00a0\u00a0SẲNG ")
    'ban dong sang'
    """
    text = _MARKS.sub("", unicodedata.normalize("NFD", text))
    text = text.replace("\u0111", "d").replace("\u0110", "D").lower()
    return _JS_SPACES.sub(" ", text).strip(" ")


def search_order(names: list[str]) -> tuple[list[int], list[str]]:
    """The order of ``names`` by folded name (as the page compares: UTF-16 code units),
    ties in their given order, and the folded names in that order.

    Examples
    --------
    >>> search_order(["Bản Ót", "bản a", "Bản Ơn", "Ban A"])
    ([1, 3, 2, 0], ['ban a', 'ban a', 'ban on', 'ban ot'])
    """
    folded = [search_fold(n) for n in names]
    order = sorted(range(len(names)), key=lambda i: folded[i].encode("utf-16-be"))
    return order, [folded[i] for i in order]
