"""Change between two dates: the same villages in two registers.

Villages are paired by ``village_id``. Per province, former district and
commune: villages without mobile broadband before and after, newly covered
(without before, with after) and newly uncovered (the reverse). Villages in
only one of the two registers are counted and listed apart, never paired by
guess nor dropped (DESIGN §3.6).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from slmap.base.errors import InputError

__all__ = ["COUNTS", "Change", "compare_villages", "village_changes"]

#: The four counts of every row, in order.
COUNTS = ("villages_no_mbb_before", "villages_no_mbb_after", "newly_covered", "newly_uncovered")


@dataclass
class Change:
    """Change between two registers.

    Attributes
    ----------
    rows : DataFrame
        level ("province", "district", "commune"), code, name and the four
        :data:`COUNTS`; commune rows sum to their province.
    villages : DataFrame
        Every paired village: village_id, village_name, commune_code,
        district_code, status ("newly_covered", "still_uncovered",
        "newly_uncovered", "still_covered"), households, population.
    only_before, only_after : DataFrame
        Villages found in one register only (village_id, village_name,
        commune_code).
    as_of_before, as_of_after : str or None
    """

    rows: pd.DataFrame
    villages: pd.DataFrame
    only_before: pd.DataFrame
    only_after: pd.DataFrame
    as_of_before: str | None = None
    as_of_after: str | None = None

    def province_row(self) -> dict:
        """The province row as a plain dict."""
        row = self.rows[self.rows["level"] == "province"].iloc[0]
        return {k: (int(row[k]) if k in COUNTS else row[k]) for k in self.rows.columns}


def village_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Status of every village found in both registers (paired by village_id).

    Examples
    --------
    >>> b = pd.DataFrame({"village_id": ["a", "b", "c"], "mobile_broadband": [False, False, True]})
    >>> a = pd.DataFrame({"village_id": ["a", "b", "c"], "mobile_broadband": [True, False, False]})
    >>> village_changes(b, a)["status"].tolist()
    ['newly_covered', 'still_uncovered', 'newly_uncovered']
    """
    for name, frame in (("before", before), ("after", after)):
        dup = frame["village_id"].duplicated()
        if dup.any():
            raise InputError(
                f"the {name} register repeats village_id {frame['village_id'][dup].iloc[0]!r}; "
                "expected unique ids to pair the villages of two dates"
            )
    was = before.set_index("village_id")["mobile_broadband"].astype(bool)
    paired = after[after["village_id"].isin(was.index)].copy()
    now = paired["mobile_broadband"].astype(bool).to_numpy()
    then = was.reindex(paired["village_id"]).to_numpy()
    status = pd.Series("still_covered", index=paired.index, dtype="object")
    status[~then & now] = "newly_covered"
    status[~then & ~now] = "still_uncovered"
    status[then & ~now] = "newly_uncovered"
    paired["status"] = status
    return paired


def _counts(
    before: pd.DataFrame, after: pd.DataFrame, paired: pd.DataFrame, key: str | None
) -> pd.DataFrame:
    def by(frame: pd.DataFrame, mask: pd.Series) -> pd.Series:
        groups = frame[key] if key else pd.Series("all", index=frame.index)
        return mask.astype(int).groupby(groups).sum()

    out = pd.concat(
        [
            by(before, ~before["mobile_broadband"].astype(bool)).rename(COUNTS[0]),
            by(after, ~after["mobile_broadband"].astype(bool)).rename(COUNTS[1]),
            by(paired, paired["status"] == "newly_covered").rename(COUNTS[2]),
            by(paired, paired["status"] == "newly_uncovered").rename(COUNTS[3]),
        ],
        axis=1,
    )
    return out.fillna(0).astype(int)


def compare_villages(
    before: pd.DataFrame,
    after: pd.DataFrame,
    communes: pd.DataFrame,
    *,
    province: tuple[str, str] = ("14", "Tỉnh Sơn La"),
    as_of: tuple[str | None, str | None] = (None, None),
) -> Change:
    """Compare the villages of two dates, drawn in the same layout.

    Parameters
    ----------
    before, after : DataFrame
        Villages with village_id, village_name, commune_code, district_code,
        district_name and mobile_broadband (e.g. ``CoverageModel.villages``
        of two models built in the same layout).
    communes : DataFrame
        commune_code, commune_name, district_code, district_name of the
        layout: every commune gets a row, with zeros where nothing changed.
    province : (code, name)
    as_of : (before, after) dates

    Returns
    -------
    Change
    """
    paired = village_changes(before, after)
    only_before = before[~before["village_id"].isin(after["village_id"])]
    only_after = after[~after["village_id"].isin(before["village_id"])]
    rows = []
    total = _counts(before, after, paired, None)
    rows.append({"level": "province", "code": province[0], "name": province[1]} | _row(total))
    districts = (
        communes.drop_duplicates("district_code")
        .sort_values("district_code")
        .set_index("district_code")
    )
    per_district = _counts(before, after, paired, "district_code").reindex(districts.index)
    for code, counts in per_district.fillna(0).astype(int).iterrows():
        name = districts.at[code, "district_name"]
        rows.append({"level": "district", "code": code, "name": name} | counts.to_dict())
    per_commune = _counts(before, after, paired, "commune_code")
    per_commune = per_commune.reindex(communes["commune_code"]).fillna(0).astype(int)
    for (code, counts), name in zip(per_commune.iterrows(), communes["commune_name"], strict=True):
        rows.append({"level": "commune", "code": code, "name": name} | counts.to_dict())
    frame = pd.DataFrame(rows, columns=["level", "code", "name", *COUNTS])
    keep = ["village_id", "village_name", "commune_code"]
    return Change(
        rows=frame,
        villages=paired,
        only_before=only_before[keep].reset_index(drop=True),
        only_after=only_after[keep].reset_index(drop=True),
        as_of_before=as_of[0],
        as_of_after=as_of[1],
    )


def _row(counts: pd.DataFrame) -> dict:
    if counts.empty:
        return dict.fromkeys(COUNTS, 0)
    return {k: int(v) for k, v in counts.iloc[0].items()}
