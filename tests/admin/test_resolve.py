"""The one resolver of commune names and codes, on the registry's three Sơn La layouts."""

from __future__ import annotations

import pytest

from slmap.admin import layouts
from slmap.admin.resolve import resolve_unit
from slmap.base.errors import InputError


@pytest.fixture(scope="module")
def drawn():
    return {lid: layouts.units(lid) for lid in ("2023", "2025-03", "2025")}


def _error(text, units, lid, **kw) -> InputError:
    with pytest.raises(InputError) as err:
        resolve_unit(text, units, lid, **kw)
    return err.value


@pytest.mark.parametrize("text", ["Chiềng Ngần", "xa chieng ngan", "03673", "3673"])
def test_pre_2025_unit_resolves_to_its_successor_with_a_note(drawn, text):
    found = resolve_unit(text, drawn["2025"], "2025")
    assert found.codes == ("03679",)
    assert "Xã Chiềng Ngần (03673" in found.note
    assert "→ merged into Phường Chiềng Sinh (03679)" in found.note


@pytest.mark.parametrize("lid", ["2023", "2025-03"])
def test_older_layout_drawn_resolves_to_the_unit_itself(drawn, lid):
    found = resolve_unit("Chiềng Ngần", drawn[lid], lid)
    assert found.codes == ("03673",) and found.note is None


def test_2023_only_unit_resolves_forward(drawn):
    # Phổng Lăng (2023) was split by Resolution 1280; both parts went to Thuận Châu in 2025
    found = resolve_unit("Phổng Lăng", drawn["2025"], "2025")
    assert found.codes == ("03721",) and "2023 layout" in found.note


def test_split_unit_lists_its_successors_and_asks_for_one(drawn):
    err = _error("Thị trấn Mộc Châu", drawn["2025"], "2025")
    line = err.lines()[0]
    assert "was split between" in line and "pass one of them" in line
    assert "Phường Mộc Sơn (03979)" in line and "Phường Mộc Châu (03980)" in line
    assert err.problems[0].kind == "split"


def test_newer_unit_resolves_to_the_units_it_was_formed_from(drawn):
    found = resolve_unit("Phường Mộc Châu", drawn["2023"], "2023")
    assert found.codes == ("03979", "04012", "04027")
    assert "formed from" in found.note
    assert resolve_unit("03980", drawn["2023"], "2023").codes == found.codes


def test_ambiguous_name_lists_every_candidate_with_code_and_district(drawn):
    err = _error("Hát Lót", drawn["2023"], "2023")
    line = err.lines()[0]
    assert "is ambiguous" in line
    assert "Thị trấn Hát Lót (04105, former district Huyện Mai Sơn)" in line
    assert "Xã Hát Lót (04135, former district Huyện Mai Sơn)" in line
    # the unit type stated, or the district, tells them apart
    assert resolve_unit("Thị trấn Hát Lót", drawn["2023"], "2023").codes == ("04105",)
    found = resolve_unit("Mường Sại", drawn["2023"], "2023", district="Quỳnh Nhai")
    assert found.codes == ("03709",)


def test_start_of_several_names_lists_them_all(drawn):
    err = _error("muong", drawn["2025"], "2025")
    line = err.lines()[0]
    assert "is ambiguous" in line and "15 commune name(s) start with it" in line
    mường = drawn["2025"][drawn["2025"]["commune_name"].str.contains("Mường")]
    for _, row in mường.iterrows():
        assert f"{row['commune_name']} ({row['commune_code']}, former district" in line


@pytest.mark.parametrize("text", ["muong", "99999", "zzz qq", ""])
def test_errors_name_the_option_never_a_column(drawn, text):
    err = _error(text, drawn["2025"], "2025")
    assert all(p.column is None for p in err.problems)
    assert all(line.startswith("option --commune: ") for line in err.lines())
    assert "column" not in " ".join(err.lines())


def test_unknown_code_and_name(drawn):
    assert "no commune has code 99999" in _error("99999", drawn["2025"], "2025").lines()[0]
    assert "closest:" in _error("Chiềng Ngầnx", drawn["2025"], "2025").lines()[0]


def test_spelling_variants_count_as_the_name(drawn):
    # GSO "Nà Pó" is the registry's "Nà Bó"
    assert resolve_unit("Nà Pó", drawn["2023"], "2023").codes == ("04136",)


def test_unit_outside_the_communes_drawn_says_so(drawn):
    few = drawn["2025"][drawn["2025"]["commune_code"].isin(["03646", "03664"])]
    err = _error("Chiềng Ngần", few, "2025")
    assert "no unit among the communes drawn" in err.lines()[0]
    assert resolve_unit("Chiềng Xôm", few, "2025").codes == ("03664",)


def test_suggestions_lead_to_communes_drawn(drawn):
    few = drawn["2025"][drawn["2025"]["commune_code"].isin(["03646", "03664"])]
    line = _error("chieng dem", few, "2025").lines()[0]
    assert "Xã Chiềng Đen" in line  # 2025-03, merged into Phường Chiềng An: drawn
    assert "Mường" not in _error("muong", few, "2025").lines()[0]


def test_name_of_a_unit_drawn_and_of_an_older_unit_elsewhere(drawn):
    # Phường Chiềng An (2025) and Xã Chiềng Ân (2025-03, Mường La) fold alike.
    found = resolve_unit("chieng an", drawn["2025"], "2025")
    assert found.codes == ("03664",)
    assert "also the name of Xã Chiềng Ân (03832, 2025-03 layout)" in found.note
    # spelt as written, the older unit is the one meant: carried to its successor
    found = resolve_unit("Chiềng Ân", drawn["2025"], "2025")
    assert found.codes == ("03850",) and "Xã Chiềng Ân (03832" in found.note
    assert resolve_unit("03832", drawn["2025"], "2025").codes == ("03850",)
    # the same name within one layout stays ambiguous
    assert "is ambiguous" in _error("Chiềng Ân", drawn["2023"], "2023").lines()[0]
