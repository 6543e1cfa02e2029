"""The 204 → 200 crosswalk of Sơn La (Resolution 1280/NQ-UBTVQH15) shipped as package data.

The table is checked against the two official GSO lists in ``../shared/geodata``
(read at run time, never copied) and against the ``vietnamadminunits`` legacy
table behind :func:`slmap.admin.registry.communes`.
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path

import pytest

COLUMNS = [
    "old_code",
    "old_name",
    "old_type",
    "old_district_code",
    "old_district_name",
    "new_code",
    "new_name",
    "new_type",
    "new_district_code",
    "new_district_name",
    "link",
    "note",
]
SIDES = ("old", "new")
TYPES = {"Xã", "Phường", "Thị trấn"}
LINKS = {"whole", "partial", "unknown"}
CREATED = {"03980", "03983", "03984"}
LIST_204 = "gso_communes_2025-01-01_204.csv"
LIST_200 = "gso_communes_2025-03-01_200.csv"


def _raw() -> bytes:
    return (resources.files("slmap.admin") / "data" / "son_la_1280_2024.csv").read_bytes()


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    """The crosswalk rows, as strings."""
    return list(csv.DictReader(io.StringIO(_raw().decode("utf-8"), newline="")))


def _gso(shared_geodata: Path, name: str) -> dict[str, tuple[str, str, str, str]]:
    path = shared_geodata / "son_la" / name
    with path.open(encoding="utf-8", newline="") as f:
        return {
            r["ma_xa"]: (r["ten_xa"], r["loai"], r["ma_huyen"], r["ten_huyen"])
            for r in csv.DictReader(f)
        }


@pytest.fixture(scope="module")
def gso(shared_geodata: Path) -> dict[str, dict[str, tuple[str, str, str, str]]]:
    """The official GSO lists: ``{"old": 204 layout, "new": 200 layout}``."""
    return {"old": _gso(shared_geodata, LIST_204), "new": _gso(shared_geodata, LIST_200)}


def _unit(row: dict[str, str], side: str) -> tuple[str, tuple[str, str, str, str]]:
    return row[f"{side}_code"], (
        row[f"{side}_name"],
        row[f"{side}_type"],
        row[f"{side}_district_code"],
        row[f"{side}_district_name"],
    )


def test_file_is_plain_utf8_csv_with_the_documented_columns():
    raw = _raw()
    assert not raw.startswith(b"\xef\xbb\xbf"), "the file starts with a BOM"
    assert b"\r" not in raw, "the file has CR line endings"
    assert raw.endswith(b"\n")
    text = raw.decode("utf-8")
    assert not any(line.startswith("#") for line in text.splitlines()), "comment line in CSV"
    header = next(csv.reader(io.StringIO(text)))
    assert header == COLUMNS


def test_fields_are_well_formed(rows):
    problems = []
    for i, row in enumerate(rows, start=2):
        if row["link"] not in LINKS:
            problems.append(f"line {i}: link {row['link']!r} not in {sorted(LINKS)}")
        if not row["note"].strip():
            problems.append(f"line {i}: empty note")
        for side in SIDES:
            code, (name, kind, dcode, dname) = _unit(row, side)
            if not code and side == "new" and row["link"] == "unknown":
                if name or kind or dcode or dname:
                    problems.append(f"line {i}: blank new_code but other new_* filled")
                continue
            if not (len(code) == 5 and code.isdigit()):
                problems.append(f"line {i}: {side}_code {code!r} is not 5 digits")
            if not (len(dcode) == 3 and dcode.isdigit()):
                problems.append(f"line {i}: {side}_district_code {dcode!r} is not 3 digits")
            if kind not in TYPES or not name.startswith(kind + " "):
                problems.append(f"line {i}: {side} type {kind!r} / name {name!r} disagree")
    assert not problems, "\n".join(problems)


def test_rows_of_one_old_unit_are_one_whole_link_or_only_partial_or_unknown_links(rows):
    by_old: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_old.setdefault(row["old_code"], []).append(row)
    problems = []
    for code, links in by_old.items():
        kinds = [r["link"] for r in links]
        if "whole" in kinds and len(kinds) != 1:
            problems.append(f"{code}: a whole link among {kinds}")
        targets = [r["new_code"] for r in links if r["new_code"]]
        if len(targets) != len(set(targets)):
            problems.append(f"{code}: duplicate target in {targets}")
    assert not problems, "\n".join(problems)


def test_partial_rows_never_leave_the_new_side_blank(rows):
    blank = [r["old_code"] for r in rows if r["link"] != "unknown" and not r["new_code"]]
    assert not blank, f"whole/partial rows without a new unit: {blank}"


@pytest.mark.geodata
@pytest.mark.parametrize("side", SIDES)
def test_each_side_agrees_with_its_gso_list(rows, gso, side):
    official = gso[side]
    problems = []
    for i, row in enumerate(rows, start=2):
        code, unit = _unit(row, side)
        if not code:
            continue
        if code not in official:
            problems.append(f"line {i}: {side}_code {code} is not in the {side} GSO list")
        elif official[code] != unit:
            problems.append(f"line {i}: {side} {unit} != GSO {official[code]}")
    assert not problems, "\n".join(problems)


@pytest.mark.geodata
def test_every_code_that_appears_disappears_or_changes_is_listed(rows, gso):
    old, new = gso["old"], gso["new"]
    listed_old = {r["old_code"] for r in rows}
    listed_new = {r["new_code"] for r in rows if r["new_code"]}
    removed = set(old) - set(new)
    created = set(new) - set(old)
    changed = {c for c in set(old) & set(new) if old[c] != new[c]}
    assert removed <= listed_old, f"removed codes missing as old: {sorted(removed - listed_old)}"
    assert created <= listed_new, f"created codes missing as new: {sorted(created - listed_new)}"
    assert changed <= listed_old, f"changed codes missing: {sorted(changed - listed_old)}"
    assert created == CREATED


@pytest.mark.geodata
def test_applying_the_table_to_the_204_list_yields_the_200_codes(rows, gso):
    listed_old = {r["old_code"] for r in rows}
    result = (set(gso["old"]) - listed_old) | {r["new_code"] for r in rows if r["new_code"]}
    assert len(gso["old"]) == 204 and len(gso["new"]) == 200
    assert result == set(gso["new"]), (
        f"extra {sorted(result - set(gso['new']))}, missing {sorted(set(gso['new']) - result)}"
    )


def test_each_created_ward_has_an_incoming_link(rows):
    incoming = {code: [r["old_code"] for r in rows if r["new_code"] == code] for code in CREATED}
    assert all(incoming.values()), f"created wards without a source: {incoming}"


def test_new_side_agrees_with_the_vietnamadminunits_legacy_table(rows):
    from slmap.admin import registry

    legacy = registry.communes("legacy", "14").set_index("commune_code")
    problems = []
    for i, row in enumerate(rows, start=2):
        code, unit = _unit(row, "new")
        if not code:
            continue
        if code not in legacy.index:
            problems.append(f"line {i}: new_code {code} not in vietnamadminunits")
            continue
        ref = legacy.loc[code]
        theirs = (
            ref["commune_name"],
            ref["commune_type"],
            ref["district_code"],
            ref["district_name"],
        )
        if theirs != unit:
            problems.append(f"line {i}: {code} {unit} != vietnamadminunits {theirs}")
    assert not problems, "\n".join(problems)
