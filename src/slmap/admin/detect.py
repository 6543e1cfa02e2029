"""Which layout a file is keyed to: codes or names matched against every layout.

Boundaries and registers are keyed by GSO code or by name (with the
district where given). :func:`detect_layout` matches them against every
known layout (:mod:`slmap.admin.layouts`), picks the one that fits and says why in
one line; it refuses to guess between layouts whose answers disagree. A
name of one layout is never matched into another layout's unit that happens
to share it: each layout is matched on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from slmap.admin import layouts
from slmap.base.errors import InputError
from slmap.base.names import fold, match_names

__all__ = [
    "DIAGNOSIS_LIMIT",
    "Detection",
    "LayoutFit",
    "detect_layout",
    "diagnosis",
    "district_field_problem",
]

#: Above this many unmatched units a file gets a short diagnosis, not a line each.
DIAGNOSIS_LIMIT = 10


@dataclass
class LayoutFit:
    """How well keys fit one layout.

    Attributes
    ----------
    layout : str
    matched : dict
        key -> code in this layout.
    unmatched : dict
        key -> closest names (by name) or [] (by code).
    ambiguous : dict
        key -> candidate codes (never guessed).
    aliased : dict
        key -> spelling alias used.
    names_agree : int
        With codes and names: how many names agree with the layout's name of
        that code.
    """

    layout: str
    matched: dict = field(default_factory=dict)
    unmatched: dict = field(default_factory=dict)
    ambiguous: dict = field(default_factory=dict)
    aliased: dict = field(default_factory=dict)
    names_agree: int = 0

    @property
    def n(self) -> int:
        return len(self.matched) + len(self.unmatched) + len(self.ambiguous)


@dataclass
class Detection:
    """The layout chosen, the fit in every layout, and why (one line)."""

    layout: str
    by: str
    fits: dict[str, LayoutFit]
    reason: str

    @property
    def fit(self) -> LayoutFit:
        return self.fits[self.layout]


def _layouts(province: str | list[str]) -> list[str]:
    wanted = province.split(",") if isinstance(province, str) else list(province)
    ids = [lay.id for lay in layouts.LAYOUTS]
    if "all" in wanted or set(wanted) - set(layouts.PROVINCES_2023):
        ids.remove("2023")
    return ids


def _fit_codes(codes: pd.Series, names: pd.Series | None, lid: str, province) -> LayoutFit:
    official = layouts.units(lid, province).set_index("commune_code")["commune_name"]
    fit = LayoutFit(lid)
    present = codes[codes.notna()]
    known = present.isin(official.index).to_numpy(dtype=bool)
    fit.matched = dict(zip(present.index[known], present.to_numpy()[known], strict=True))
    fit.unmatched = {key: [] for key in present.index[~known]}
    if names is not None and known.any():
        # names compared once per distinct (given, official) pair, not once per row
        given = names.reindex(present.index[known]).to_numpy(dtype=object)
        theirs = official.reindex(present.to_numpy()[known]).to_numpy(dtype=object)
        pairs = pd.DataFrame({"given": given, "theirs": theirs})
        pairs = pairs[pairs["given"].notna()]
        counted = pairs.value_counts(dropna=False)
        folded = {text: fold(text) for text in {*pairs["given"], *pairs["theirs"]}}
        fit.names_agree = sum(int(n) for (a, b), n in counted.items() if folded[a] == folded[b])
    return fit


def _fit_names(names: pd.Series, parents: pd.Series | None, lid: str, province) -> LayoutFit:
    official = layouts.units(lid, province)
    scoped = parents is not None and lid != "2025"
    reference = zip(
        official["commune_code"],
        official["commune_name"],
        official["district_name"] if scoped else [""] * len(official),
        strict=True,
    )
    queries = {
        key: (name, (parents.get(key) if scoped else "") or "")
        for key, name in names.items()
        if not pd.isna(name) and str(name).strip()
    }
    queries = {k: (n, "" if pd.isna(p) else p) for k, (n, p) in queries.items()}
    result = match_names(queries, list(reference))
    return LayoutFit(lid, result.matched, result.unmatched, result.ambiguous, result.aliased)


def _choose_by_codes(fits: dict[str, LayoutFit], names_given: bool) -> tuple[str, str]:
    complete = [lid for lid, f in fits.items() if not f.unmatched]
    if complete:
        pool = complete
        why = f"every code exists in {_listing(complete)}"
    else:
        best = max(len(f.matched) for f in fits.values())
        pool = [lid for lid, f in fits.items() if len(f.matched) == best]
        why = f"most codes exist in {_listing(pool)}"
    if names_given and len(pool) > 1:
        agree = max(fits[lid].names_agree for lid in pool)
        pool = [lid for lid in pool if fits[lid].names_agree == agree]
        why += f"; the names given agree with {_listing(pool)}"
    chosen = pool[-1]
    if len(pool) > 1:
        why += f"; the newest, {chosen}, is used"
    return chosen, why


def _choose_by_names(fits: dict[str, LayoutFit], prefer: str | None) -> tuple[str, str]:
    best = max(len(f.matched) for f in fits.values())
    pool = [lid for lid, f in fits.items() if len(f.matched) == best]
    if len(pool) > 1 and prefer in pool:
        return (
            prefer,
            f"the names fit {_listing(pool)} equally; the layout drawn, {prefer}, is used",
        )
    if len(pool) > 1:
        answers = {lid: fits[lid].matched for lid in pool}
        first = answers[pool[0]]
        if any(a != first for a in answers.values()):
            raise InputError(
                f"the names fit layouts {_listing(pool)} equally well ({best} matched) but "
                "give different communes; say which with --input-layout"
            )
        return pool[-1], f"the names fit {_listing(pool)} equally; the newest is used"
    return pool[0], "best fit by name"


def _listing(ids: list[str]) -> str:
    return " and ".join(ids) if len(ids) <= 2 else ", ".join(ids[:-1]) + " and " + ids[-1]


def detect_layout(
    *,
    codes: pd.Series | None = None,
    names: pd.Series | None = None,
    parents: pd.Series | None = None,
    province: str | list[str] = "14",
    forced: str | None = None,
    what: str = "units",
    prefer: str | None = None,
) -> Detection:
    """Match codes (or names within districts) against every known layout.

    Parameters
    ----------
    codes : Series of str, optional
        5-digit GSO codes (NA where missing). When any code is given the
        layout is chosen by codes: the newest layout in which every code
        exists, unless the names given with them or codes found only in an
        older layout say otherwise.
    names, parents : Series of str, optional
        Commune names and their district names (same index as ``codes``);
        used alone when no code is given.
    province : str or list of str
    forced : str, optional
        Match in this layout only (``--input-layout``).
    what : str
        What the keys are, for the one-line reason ("units", "rows").
    prefer : str, optional
        By name: the layout to use when names fit it as well as any other
        (the layout being drawn).

    Returns
    -------
    Detection

    Raises
    ------
    InputError
        Names fit several layouts equally but give different communes.

    Examples
    --------
    >>> d = detect_layout(codes=pd.Series(["03751", "03646"]))
    >>> d.layout, len(d.fit.matched)
    ('2023', 2)
    >>> detect_layout(codes=pd.Series(["03646", "03664"])).layout
    '2025'
    """
    candidates = [layouts.layout_id(forced)] if forced else _layouts(province)
    has_codes = codes is not None and codes.notna().any()
    by = "code" if has_codes else "name"
    if has_codes:
        fits = {lid: _fit_codes(codes, names, lid, province) for lid in candidates}
        chosen, why = _choose_by_codes(fits, names is not None and names.notna().any())
    else:
        if names is None:
            raise InputError("no commune code or name to match")
        fits = {lid: _fit_names(names, parents, lid, province) for lid in candidates}
        chosen, why = _choose_by_names(fits, prefer and layouts.layout_id(prefer))
        if parents is not None and chosen != "2025":
            by = "name within district"
    if forced:
        why = "forced with --input-layout"
    fit = fits[chosen]
    reason = (
        f"{fit.n} {what}, layout {layouts.layout(chosen).label(province)}: "
        f"{len(fit.matched)} matched by {by}"
        + (f", {len(fit.unmatched) + len(fit.ambiguous)} not" if fit.n > len(fit.matched) else "")
        + f" ({why})"
    )
    return Detection(chosen, by, fits, reason)


def diagnosis(detection: Detection, src: str, examples: list[str], province) -> str:
    """A short diagnosis for a file that fits no known layout well.

    How many units, which layout fits best and how well, a few examples and
    what to do: one message, not a line per feature.
    """
    fit = detection.fit
    others = "; ".join(
        f"{lid}: {len(f.matched)} of {f.n}"
        for lid, f in detection.fits.items()
        if lid != detection.layout
    )
    bad = len(fit.unmatched) + len(fit.ambiguous)
    return (
        f"{src}: {fit.n} units fit no known layout well; best fit layout "
        f"{layouts.layout(detection.layout).label(province)} with {len(fit.matched)} of "
        f"{fit.n} matched by {detection.by}, {bad} not"
        + (f" (other layouts: {others})" if others else "")
        + f"; e.g. {', '.join(examples[:4])}. The file may be keyed to an older layout "
        "(before 2013 Sơn La had 11 districts and no Vân Hồ) or use other spellings: give "
        "GSO codes, or a file in the 2023 (204), 2025-03 (200) or 2025 (75) layout, or "
        "--input-layout to force one; --verbose lists every unmatched unit"
    )


def district_field_problem(names: pd.Series, field_name: str, province, src: str) -> str | None:
    """A message when a 'commune name' field really holds district names.

    Examples
    --------
    >>> s = pd.Series(["Huyện Mai Sơn", "Mai Sơn", "Huyện Sốp Cộp", "Vân Hồ"])
    >>> district_field_problem(s, "Quan", "14", "f.kml") is not None
    True
    """
    values = {fold(v) for v in names.dropna()}
    if not values:
        return None
    known: set[str] = set()
    for lid in _layouts(province):
        known |= layouts.district_folds(lid, province)
    hits = values & known
    # Most districts share their name with a commune (Sốp Cộp, Mường La...): only a
    # field whose values are nearly all district names, three or more, is refused.
    if len(values) < 3 or len(hits) < 0.8 * len(values) or len(values) > len(known):
        return None
    return (
        f"{src}: field {field_name!r} holds district names ({len(hits)} of {len(values)} "
        "distinct values are districts, e.g. "
        + ", ".join(sorted(names.dropna().astype(str).unique())[:3])
        + "), not commune names; name the commune field with --name-field and the "
        "district field with --district-field"
    )
