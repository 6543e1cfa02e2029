"""One resolver for a commune named on the command line, in any layout.

A planner may name a commune by any name or code a register accepts: a unit
of the layout drawn, or of another layout slmap knows (the 204 units of 2023,
the 200 of 2025-03, the 75 of 2025), through the crosswalks
(:mod:`slmap.admin.crosswalks`). The rule, in order:

1. A code (up to 5 digits) of the layout drawn is that unit; a code of another
   layout is that unit, carried to the layout drawn (below).
2. A name is matched exactly after :func:`~slmap.base.names.fold` among the
   units drawn, then among the units of the other layouts; a stated unit type
   ("Phường X") separates two units of the same name, and the known spelling
   variants (:data:`~slmap.base.names.NAME_ALIASES`) count as the name. A
   unit drawn wins; an older unit elsewhere whose name folds alike is named
   in the note, and is the one taken when only its name is spelt exactly as
   written, accents included ("Chiềng Ân" is not "Chiềng An").
3. A unit of an older layout is carried forward along the crosswalk: merged or
   renamed, it resolves to its successor with a note ("Xã Chiềng Ngần →
   merged into Phường Chiềng Sinh"); split between several, the successors
   are listed and one is asked for. A unit of a newer layout resolves to the
   units it was formed from.
4. A name shared by several units, or the start of several names ("muong"),
   lists every candidate (code, name, former district) and asks for one.
   Nothing is guessed.

Errors name the option (``option --commune``), never a column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from slmap.admin import crosswalks, layouts
from slmap.base.errors import InputError, Problem
from slmap.base.names import (
    NAME_ALIASES,
    closest,
    fold,
    nfc,
    strip_accents,
    strip_prefix,
    unit_type,
)

__all__ = ["Resolution", "resolve_unit"]

_WORD = re.compile(r"[0-9a-z]+")
#: Shortest folded text taken as the start of a name.
MIN_PARTIAL = 3


@dataclass(frozen=True)
class Resolution:
    """The units of the layout drawn that a name or code designates.

    Attributes
    ----------
    codes : tuple of str
        Codes in the layout drawn (several when a newer unit was formed from
        several drawn ones).
    note : str or None
        How a unit of another layout was carried to the layout drawn.
    """

    codes: tuple[str, ...]
    note: str | None = None


def _fail(option: str, message: str, kind: str) -> InputError:
    return InputError(
        f"option {option}: {message}", [Problem(f"option {option}", message, kind=kind)]
    )


def _describe(row) -> str:
    district = row.get("district_name")
    where = f", former district {district}" if isinstance(district, str) and district else ""
    layout = f", {row['layout']} layout" if row.get("other") else ""
    return f"{row['commune_name']} ({row['commune_code']}{where}{layout})"


def _listing(rows: pd.DataFrame) -> str:
    return "; ".join(_describe(r) for _, r in rows.iterrows())


def _exact(text: str, units: pd.DataFrame) -> pd.DataFrame:
    key = fold(text)
    folded = units["commune_name"].map(fold)
    hit = units[folded == key]
    if hit.empty:
        aliases = {variant: official for (_, variant), official in NAME_ALIASES.items()}
        if key in aliases:
            hit = units[folded == aliases[key]]
    return hit


def _typed(text: str, hits: pd.DataFrame) -> pd.DataFrame:
    """The hits of the unit type ``text`` states ("Phường X"), when that leaves any."""
    wanted = unit_type(text)
    if wanted is None or hits["commune_code"].nunique() < 2:
        return hits
    typed = hits[hits["commune_name"].map(unit_type) == wanted]
    return typed if len(typed) else hits


def _words(text: str) -> list[str]:
    return _WORD.findall(strip_accents(strip_prefix(str(text))).lower())


def _starts(text: str, units: pd.DataFrame) -> pd.DataFrame:
    """Units whose name starts a run of words with ``text`` ("muong" → Mường La, ...)."""
    query, key = _words(text), fold(text)
    if len(key) < MIN_PARTIAL or not query:
        return units.iloc[0:0]

    def fits(name: str) -> bool:
        words = _words(name)
        if fold(name).startswith(key):
            return True
        for i in range(len(words) - len(query) + 1):
            run = words[i : i + len(query)]
            if run[:-1] == query[:-1] and run[-1].startswith(query[-1]):
                return True
        return False

    return units[units["commune_name"].map(fits)]


class _Layouts:
    """The units drawn and those of the other layouts, with the crosswalks between them."""

    def __init__(self, drawn, layout: str, province: tuple[str, ...] | None, district=None):
        self.district = fold(district) if district else None
        self._crosswalks: dict[tuple[str, str], pd.DataFrame] = {}
        self.layout = layouts.layout_id(layout)
        self.province = list(province) if province else None
        self.drawn = drawn.assign(layout=self.layout, other=False)
        known = [lay.id for lay in layouts.LAYOUTS if lay.id != self.layout]
        if self.province is None or set(self.province) - set(layouts.PROVINCES_2023):
            known = [lid for lid in known if lid != "2023"]
        # Newest first: a code kept from 2023 to 2025-03 is read as the newer unit.
        self.others = [
            layouts.units(lid, self.province).assign(layout=lid, other=True)
            for lid in reversed(known)
        ]

    def crosswalk(self, source: str, target: str) -> pd.DataFrame:
        """The crosswalk from ``source`` to ``target``, made once per resolution."""
        if (source, target) not in self._crosswalks:
            self._crosswalks[source, target] = crosswalks.crosswalk(source, target, self.province)
        return self._crosswalks[source, target]

    def reaching(self, units: pd.DataFrame) -> pd.DataFrame:
        """The units of other layouts that carry to at least one unit drawn."""
        drawn = set(self.drawn["commune_code"])
        keep = pd.Series(False, index=units.index)
        for lid in set(units["layout"]):
            if layouts.is_older(lid, self.layout):
                cw = self.crosswalk(lid, self.layout)
                codes = cw.loc[cw["new_code"].isin(drawn), "old_code"]
            else:
                cw = self.crosswalk(self.layout, lid)
                codes = cw.loc[cw["old_code"].isin(drawn), "new_code"]
            keep |= (units["layout"] == lid) & units["commune_code"].isin(set(codes))
        return units[keep]

    def carry(self, row) -> tuple[list[str], str]:
        """Codes drawn for a unit of another layout, and how they relate to it."""
        lid, code = row["layout"], row["commune_code"]
        drawn = set(self.drawn["commune_code"])
        if layouts.is_older(lid, self.layout):
            cw = self.crosswalk(lid, self.layout)
            links = cw[(cw["old_code"] == code) & cw["new_code"].isin(drawn)]
            return sorted(set(links["new_code"])), "forward"
        cw = self.crosswalk(self.layout, lid)
        links = cw[(cw["new_code"] == code) & cw["old_code"].isin(drawn)]
        return sorted(set(links["old_code"])), "backward"

    def narrow(self, hits: pd.DataFrame) -> pd.DataFrame:
        """The hits in the former district given, when that leaves any."""
        if self.district is None or hits["commune_code"].nunique() < 2:
            return hits
        inside = hits[hits["district_name"].map(fold) == self.district]
        return inside if len(inside) else hits

    def merged(self, code: str, lid: str) -> bool:
        """Whether the unit drawn ``code`` was formed from several units of layout ``lid``."""
        cw = self.crosswalk(lid, self.layout)
        return cw.loc[cw["new_code"] == code, "old_code"].nunique() > 1

    def names(self, codes: list[str]) -> str:
        by_code = self.drawn.drop_duplicates("commune_code").set_index("commune_code")
        return ", ".join(f"{by_code.at[c, 'commune_name']} ({c})" for c in codes)


def _carried(ctx: _Layouts, hits: pd.DataFrame, text: str, option: str) -> Resolution:
    """Resolve units of other layouts matched by ``text`` to the units drawn."""
    hits = hits.drop_duplicates("commune_code")
    targets = {}
    for _, row in hits.iterrows():
        targets[row["commune_code"]] = ctx.carry(row)
    distinct = {tuple(codes) for codes, _ in targets.values()}
    if len(distinct) > 1:
        raise _fail(
            option,
            f"commune {text!r} is ambiguous: {_listing(hits)}; pass one of their codes",
            "ambiguous",
        )
    row = hits.iloc[0]
    codes, way = targets[row["commune_code"]]
    old = ", ".join(
        f"{r['commune_name']} ({r['commune_code']}, {r['layout']} layout)"
        for _, r in hits.iterrows()
    )
    if not codes:
        raise _fail(
            option,
            f"{old} has no unit among the communes drawn in the {ctx.layout} layout",
            "unknown",
        )
    if way == "forward" and len(codes) > 1:
        raise _fail(
            option,
            f"{old} was split between {ctx.names(codes)} in the {ctx.layout} layout; "
            "pass one of them",
            "split",
        )
    if way == "backward":
        note = f"{old} → formed from {ctx.names(codes)} of the {ctx.layout} layout"
    else:
        drawn = ctx.drawn.set_index("commune_code").loc[codes[0], "commune_name"]
        verb = "merged into" if ctx.merged(codes[0], row["layout"]) else "became"
        note = f"{old} → {verb} {drawn} ({codes[0]})"
    return Resolution(tuple(codes), note)


def _by_code(ctx: _Layouts, text: str, option: str) -> Resolution:
    code = text.zfill(5)
    if code in set(ctx.drawn["commune_code"]):
        return Resolution((code,))
    hits = [o[o["commune_code"] == code] for o in ctx.others]
    hits = [h for h in hits if len(h)]
    if not hits:
        layouts_known = ", ".join(
            [ctx.layout, *(o["layout"].iloc[0] for o in ctx.others if len(o))]
        )
        raise _fail(
            option,
            f"unknown commune code {text!r}: no commune has code {code} in the "
            f"{layouts_known} layouts",
            "unknown_code",
        )
    return _carried(ctx, hits[0], code, option)


def _as_written(text: str, names: pd.Series) -> pd.Series:
    """Names equal to ``text`` with their accents (fold drops them: "Chiềng Ân" = "Chiềng An")."""
    key = nfc(strip_prefix(text)).casefold()
    return names.map(lambda name: nfc(strip_prefix(str(name))).casefold() == key)


def _drawn_first(ctx: _Layouts, text: str, hit, others, option: str) -> Resolution:
    """A name of one unit drawn, unless only another layout's unit is spelt as written.

    Units of other layouts that fold alike but lead elsewhere are named in the note.
    """
    code = hit["commune_code"].iloc[0]
    # A code of the layout drawn is read as its unit there: name only those that are not.
    others = others[~others["commune_code"].isin(set(ctx.drawn["commune_code"]))]
    elsewhere = [row for _, row in others.iterrows() if ctx.carry(row)[0] != [code]]
    if not elsewhere:
        return Resolution((code,))
    away = pd.DataFrame(elsewhere)
    written = away[_as_written(text, away["commune_name"])]
    if not _as_written(text, hit["commune_name"]).any() and len(written):
        return _carried(ctx, written, text, option)
    also = "; ".join(
        f"{row['commune_name']} ({row['commune_code']}, {row['layout']} layout)"
        for _, row in away.drop_duplicates("commune_code").iterrows()
    )
    return Resolution((code,), f"{text!r} is also the name of {also}: pass its code for it")


def _by_name(ctx: _Layouts, text: str, option: str) -> Resolution:
    hits = _typed(text, pd.concat([_exact(text, u) for u in (ctx.drawn, *ctx.others)]))
    hit = ctx.narrow(hits[~hits["other"]])
    if hit["commune_code"].nunique() == 1:
        return _drawn_first(ctx, text, hit, ctx.narrow(hits[hits["other"]]), option)
    if len(hit):
        raise _fail(
            option,
            f"commune {text!r} is ambiguous: {_listing(hit)}; pass one of their codes",
            "ambiguous",
        )
    others = ctx.narrow(hits[hits["other"]])
    if len(others):
        return _carried(ctx, others, text, option)
    for pool in (ctx.drawn, *ctx.others):
        partial = _starts(text, pool)
        if len(partial) and pool["other"].any():
            partial = ctx.reaching(partial)
        if len(partial):
            raise _fail(
                option,
                f"commune {text!r} is ambiguous: {len(partial)} commune name(s) start with it: "
                f"{_listing(partial)}; pass the code or the full name",
                "ambiguous",
            )
    # Only names that lead somewhere drawn are worth suggesting.
    names = [
        *ctx.drawn["commune_name"],
        *(n for o in ctx.others for n in ctx.reaching(o)["commune_name"]),
    ]
    near = closest(text, names, n=5) or sorted(set(ctx.drawn["commune_name"]))[:5]
    raise _fail(option, f"unknown commune {text!r}; closest: {', '.join(near)}", "unknown_name")


def resolve_unit(
    text: str,
    drawn: pd.DataFrame,
    layout: str,
    province: tuple[str, ...] | None = ("14",),
    *,
    district: str | None = None,
    option: str = "--commune",
) -> Resolution:
    """Resolve a commune name or code to the units drawn (see the module's rule).

    Parameters
    ----------
    text : str
        What the planner wrote: a name (any accents, case, with or without
        "Xã") or a code (``3649`` = ``03649``) of any layout.
    drawn : DataFrame
        The communes drawn: commune_code, commune_name, district_name
        (optional: the former district, shown to tell units apart).
    layout : str
        The layout of ``drawn`` ("2023", "2025-03", "2025" or an alias).
    province : tuple of str or None
        Province codes of the model (``None``: the whole country).
    district : str, optional
        A former district that narrows the candidates of an ambiguous name.
    option : str
        The option named in errors.

    Raises
    ------
    InputError
        Unknown name or code, a name of several units, the start of several
        names, or a unit split between several units drawn.

    Examples
    --------
    >>> drawn = layouts.units("2025")
    >>> r = resolve_unit("Chiềng Ngần", drawn, "2025")
    >>> r.codes, r.note
    (('03679',), 'Xã Chiềng Ngần (03673, 2025-03 layout) → merged into Phường Chiềng Sinh (03679)')
    >>> resolve_unit("3673", layouts.units("2023"), "2023").codes
    ('03673',)
    """
    text = " ".join(str(text).split())
    if not text:
        raise _fail(option, "empty; expected a commune name or code", "missing_value")
    frame = drawn.copy()
    frame["commune_code"] = frame["commune_code"].astype(str).str.zfill(5)
    if "district_name" not in frame:
        frame["district_name"] = ""
    frame = frame[["commune_code", "commune_name", "district_name"]]
    ctx = _Layouts(frame, layout, province, district)
    if text.isdigit() and len(text) <= 5:
        return _by_code(ctx, text, option)
    return _by_name(ctx, text, option)
