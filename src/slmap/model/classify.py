"""Classify a commune metric into map classes, colours and legend labels.

Missing values (NaN) are never put in a value class: they form their own
"no data" class (index ``-1``), drawn grey and hatched on the map.

Examples
--------
>>> import pandas as pd
>>> c = classify(pd.Series([0, 1, 2, 5, None]), metric="villages_no_mbb", k=3, lang="en")
>>> c.labels
('0', '1 – 2', '3 – 5')
>>> c.classes.tolist()
[0, 1, 1, 2, -1]
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from slmap.base import glossary
from slmap.base.errors import InputError, Problem
from slmap.model.jenks import fisher_jenks_bins


def bad_option(option: str, message: str) -> InputError:
    """The error for a command-line option with a bad value (one line, naming the option).

    Examples
    --------
    >>> str(bad_option("--k", "k must be at least 1, got 0"))
    '--k: k must be at least 1, got 0'
    """
    return InputError(f"{option}: {message}", [Problem(option, message)])


__all__ = [
    "DEFAULT_SCHEMES",
    "METRIC_KEYS",
    "NODATA_COLOR",
    "SCHEMES",
    "Classification",
    "bad_option",
    "classify",
    "parse_breaks",
]

#: Metric keys that can be mapped (see :mod:`slmap.base.metrics`).
METRIC_KEYS = ("villages_no_mbb", "share_4g", "pop_4g_share", "fibre_hh_share")

#: mapclassify schemes offered on the command line.
SCHEMES = (
    "equal_interval",
    "fisher_jenks",
    "headtail_breaks",
    "jenks_caspall",
    "maximum_breaks",
    "natural_breaks",
    "pretty_breaks",
    "quantiles",
)

#: Deterministic defaults (natural_breaks uses random starts; fisher_jenks is exact).
DEFAULT_SCHEMES = {key: "fisher_jenks" for key in (*METRIC_KEYS, "newly_covered")}
#: Above this many values, Fisher-Jenks classifies a systematic sample of them.
FISHER_JENKS_MAX = 800

#: ColorBrewer sequential palettes: dark = more villages without broadband,
#: dark = higher coverage share. Red/magenta is kept for the village symbols.
PALETTES = {
    "villages_no_mbb": "PuBu",
    "share_4g": "YlGnBu",
    "pop_4g_share": "YlGnBu",
    "fibre_hh_share": "GnBu",
    "newly_covered": "Greens",
}

#: Fill of the "no data" class (the map adds a hatch on top of it).
NODATA_COLOR = "#d9d9d9"

_INTEGER_METRICS = {"villages_no_mbb", "newly_covered"}


@dataclass(frozen=True)
class Classification:
    """Result of :func:`classify`.

    Attributes
    ----------
    classes : pandas.Series
        Class index per input row (``-1`` = no data), aligned with the input.
    bins : tuple of float
        Upper bound of each class (inclusive).
    lower : float or None
        Smallest value classified (lower bound of the first class).
    colors, labels : tuple of str
        One per class, light to dark.
    counts : tuple of int
        Number of rows in each class.
    nodata_count : int
        Number of rows without data.
    scheme : str
        ``"user_defined"`` for fixed breaks, else the mapclassify scheme.
    """

    classes: pd.Series
    bins: tuple[float, ...]
    lower: float | None
    colors: tuple[str, ...]
    labels: tuple[str, ...]
    counts: tuple[int, ...]
    nodata_count: int
    scheme: str

    @property
    def k(self) -> int:
        """Number of value classes (without the no-data class)."""
        return len(self.bins)

    def color_of(self, index: int) -> str:
        """Colour of class ``index`` (``-1`` gives :data:`NODATA_COLOR`)."""
        return NODATA_COLOR if index < 0 else self.colors[index]


def parse_breaks(text: str | Sequence[float] | None) -> list[float] | None:
    """Parse ``"a,b,c"`` (decimal point; spaces allowed) into sorted unique floats.

    Examples
    --------
    >>> parse_breaks("10, 2.5,5")
    [2.5, 5.0, 10.0]
    >>> parse_breaks(None) is None
    True
    """
    if text is None:
        return None
    items = text.split(",") if isinstance(text, str) else list(text)
    values: list[float] = []
    for item in items:
        if isinstance(item, str) and not item.strip():
            continue
        try:
            value = float(item)
        except (TypeError, ValueError):
            raise bad_option("--breaks", f"{item!r} is not a number; expected e.g. 1,3,6") from None
        if not math.isfinite(value):
            raise bad_option("--breaks", f"{item!r} is not a finite number")
        values.append(value)
    if not values:
        raise bad_option("--breaks", "no break values given; expected e.g. 1,3,6")
    return sorted(set(values))


def _palette(metric: str | None, n: int) -> tuple[str, ...]:
    from branca.utilities import color_brewer

    name = PALETTES.get(metric or "", "YlGnBu")
    if n <= 0:
        return ()
    if n >= 3:
        return tuple(color_brewer(name, min(n, 9)))[:n] if n <= 9 else _spread(name, n)
    three = color_brewer(name, 3)
    return (three[2],) if n == 1 else (three[0], three[2])


def _spread(name: str, n: int) -> tuple[str, ...]:
    from branca.utilities import color_brewer

    nine = color_brewer(name, 9)
    return tuple(nine[round(i * 8 / (n - 1))] for i in range(n))


def _scheme_bins(data: np.ndarray, scheme: str, k: int) -> np.ndarray:
    k = max(1, min(k, len(np.unique(data))))
    if k == 1:
        return np.array([data.max()])
    if scheme == "fisher_jenks":
        if len(data) > FISHER_JENKS_MAX:
            # Fisher-Jenks is O(n^2 k): classify evenly spaced order statistics instead
            # (deterministic, keeps min and max).
            ranks = np.linspace(0, len(data) - 1, FISHER_JENKS_MAX).round().astype(int)
            data = np.sort(data)[ranks]
            k = max(1, min(k, len(np.unique(data))))
        # the same breaks as mapclassify.FisherJenks, without importing scipy and matplotlib
        return fisher_jenks_bins(data, k)
    import mapclassify  # the other schemes: imported only when one is asked for

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = mapclassify.classify(data, scheme, k=k)
        except ValueError as exc:
            raise bad_option("--scheme", str(exc).splitlines()[0]) from None
    return np.asarray(result.bins, dtype=float)


def _bins(
    data: np.ndarray, scheme: str, k: int, breaks: list[float] | None, integer: bool
) -> np.ndarray:
    if breaks is not None:
        bins = np.array(breaks, dtype=float)
        if len(data) and data.max() > bins[-1]:
            bins = np.append(bins, data.max())
        return bins
    if not len(data):
        return np.array([], dtype=float)
    if integer and (data == 0).any() and (data > 0).any() and k >= 2:
        # a count of zero (every village covered) gets a class of its own
        positive = _scheme_bins(data[data > 0], scheme, k - 1)
        bins = np.concatenate([[0.0], positive])
    else:
        bins = _scheme_bins(data, scheme, k)
    if integer:
        bins = np.floor(bins)
    bins = np.unique(bins)
    bins[-1] = max(bins[-1], data.max())
    return bins


def _labels(bins: np.ndarray, lower: float | None, integer: bool, lang: str) -> tuple[str, ...]:
    labels = []
    for i, upper in enumerate(bins):
        low = lower if i == 0 else bins[i - 1]
        if integer:
            start = math.ceil(low) if i == 0 else math.floor(low) + 1
            end = math.floor(upper)
            text = glossary.format_number(end, lang)
            if start < end:
                text = f"{glossary.format_number(start, lang)} – {text}"
        else:
            low_text = glossary.format_number(low, lang, decimals=1)
            text = glossary.format_number(upper, lang, decimals=1)
            if i > 0:
                text = f"> {low_text} – {text}"
            elif low_text != text:
                text = f"{low_text} – {text}"
        labels.append(text)
    return tuple(labels)


def classify(
    values: pd.Series,
    *,
    metric: str | None = None,
    scheme: str | None = None,
    k: int = 5,
    breaks: str | Sequence[float] | None = None,
    lang: str = "vi",
) -> Classification:
    """Classify ``values`` into ``k`` classes plus a "no data" class.

    Parameters
    ----------
    values : pandas.Series
        One value per commune; NaN/NA means no data.
    metric : str, optional
        Metric key (one of :data:`METRIC_KEYS`); picks the palette, the default
        scheme and integer labels for counts.
    scheme : str, optional
        A mapclassify scheme name (see :data:`SCHEMES`). Ignored with ``breaks``.
    k : int, default 5
        Number of classes asked for (fewer when the data has fewer distinct values).
    breaks : str or sequence of float, optional
        Fixed upper class bounds, e.g. ``"1,3,6"``; values above the last
        break form one more class.
    lang : {"vi", "en"}
        Language of the labels (decimal comma in Vietnamese).

    Returns
    -------
    Classification

    Examples
    --------
    >>> import pandas as pd
    >>> c = classify(pd.Series([50.0, 75.5, 100.0, float("nan")]), breaks="60,80", lang="vi")
    >>> c.labels
    ('50,0 – 60,0', '> 60,0 – 80,0', '> 80,0 – 100,0')
    >>> c.nodata_count
    1
    """
    if k < 1:
        raise bad_option("--k", f"k must be at least 1, got {k}")
    fixed = parse_breaks(breaks) if breaks is not None else None
    scheme = "user_defined" if fixed is not None else (scheme or DEFAULT_SCHEMES.get(metric or ""))
    scheme = scheme or "fisher_jenks"
    if fixed is None and scheme not in SCHEMES:
        raise bad_option(
            "--scheme", f"unknown scheme {scheme!r}; expected one of {', '.join(SCHEMES)}"
        )
    integer = metric in _INTEGER_METRICS
    numeric = pd.to_numeric(pd.Series(values), errors="coerce").astype(float)
    valid = numeric.notna().to_numpy() & np.isfinite(numeric.to_numpy(na_value=np.nan))
    data = numeric.to_numpy()[valid]
    bins = _bins(data, scheme, k, fixed, integer)
    lower = float(min(data.min(), bins[0])) if len(data) else None
    idx = np.full(len(numeric), -1, dtype=int)
    if len(bins):
        found = np.searchsorted(bins, numeric.to_numpy()[valid], side="left")
        idx[valid] = np.minimum(found, len(bins) - 1)
    classes = pd.Series(idx, index=numeric.index, name="class")
    counts = tuple(int((idx == i).sum()) for i in range(len(bins)))
    return Classification(
        classes=classes,
        bins=tuple(float(b) for b in bins),
        lower=lower,
        colors=_palette(metric, len(bins)),
        labels=_labels(bins, lower, integer, lang),
        counts=counts,
        nodata_count=int((idx == -1).sum()),
        scheme=scheme,
    )
