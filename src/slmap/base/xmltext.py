"""Characters no output format can hold, removed before a write, counted for a warning.

XML 1.0 (KML, the XLSX parts, QGIS styles) forbids the C0 control
characters other than tab, newline and carriage return, and U+FFFE/U+FFFF;
a lone surrogate cannot be encoded in UTF-8 at all (GDAL, CSV). Readers drop
them on input; writers drop them too, for data built in Python, so that no
export is ever a file its reader refuses. Every writer uses :func:`clean_text`
(one cell) or :func:`clean_frames` (the text cells of tables), and warns once
per file with the count.
"""

from __future__ import annotations

import functools
import re

import pandas as pd

__all__ = ["FORBIDDEN", "FORBIDDEN_RE2", "clean_frames", "clean_text"]

#: The characters removed: C0 controls but tab/LF/CR, U+FFFE, U+FFFF, surrogates.
#: The one rule: the readers (:mod:`slmap.sources.characters`) and writers use it.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
#: The same class in RE2 syntax, for Arrow-backed string columns (which hold no surrogate).
FORBIDDEN_RE2 = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{FFFE}\x{FFFF}]"


def clean_text(text: str) -> tuple[str, int]:
    """``text`` without the forbidden characters, and how many were removed.

    Examples
    --------
    >>> clean_text("Bản\\x01 Mé\\ufffe")
    ('Bản Mé', 2)
    >>> clean_text("a\\tb\\nc")
    ('a\\tb\\nc', 0)
    """
    cleaned, count = FORBIDDEN.subn("", text)
    return cleaned, count


def _clean_cell(value: object, counter: list[int]) -> object:
    if isinstance(value, str):
        cleaned, count = clean_text(value)
        counter[0] += count
        return cleaned
    return value


def clean_frames(frames: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], int]:
    """Copies of ``frames`` with every text cell and column name cleaned; the total removed.

    Frames without a forbidden character are returned as they are (no copy).

    Examples
    --------
    >>> frames, n = clean_frames({"v": pd.DataFrame({"name": ["a\\x01", "b"], "n": [1, 2]})})
    >>> frames["v"]["name"].tolist(), n
    (['a', 'b'], 1)
    """
    out: dict[str, pd.DataFrame] = {}
    total = 0
    for name, frame in frames.items():
        counter = [0]
        text_columns = [
            c for c in frame.columns if c != "geometry" and frame[c].dtype == object
        ] + [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c].dtype)]
        hits = any(
            frame[c].map(lambda v: isinstance(v, str) and FORBIDDEN.search(v) is not None).any()
            for c in dict.fromkeys(text_columns)
        ) or any(FORBIDDEN.search(str(c)) for c in frame.columns)
        if not hits:
            out[name] = frame
            continue
        copy = frame.copy()
        for column in dict.fromkeys(text_columns):
            copy[column] = copy[column].map(functools.partial(_clean_cell, counter=counter))
        copy.columns = [_clean_cell(c, counter) for c in copy.columns]
        out[name] = copy
        total += counter[0]
    return out, total
