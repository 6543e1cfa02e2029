import pandas as pd

from slmap.admin import conversion_2025, registry


def test_layout_sizes():
    assert len(registry.communes("2025")) == 3321
    assert len(registry.communes("2025", "14")) == 75
    assert len(registry.communes("legacy", "14")) == 200
    assert len(registry.districts("14")) == 12
    assert len(registry.provinces("2025")) == 34 and len(registry.provinces("legacy")) == 63


def test_code_disagreement_is_the_registry_s():
    # Phường Chiềng An: 03664 in this registry (2025); 03667 before the reform.
    assert registry.commune("03664")["commune_name"] == "Phường Chiềng An"
    assert registry.commune("03667", "legacy")["commune_name"] == "Phường Chiềng An"


def test_conversion_son_la_matches_the_official_crosswalk(shared_geodata):
    table = conversion_2025.conversion_table("14")
    assert table["old_code"].nunique() == 200 and table["new_code"].nunique() == 75
    crosswalk = pd.read_csv(shared_geodata / "son_la" / "crosswalk_old200_to_new75.csv", dtype=str)
    ours = set(zip(table["old_code"], table["new_code"], strict=True))
    theirs = set(zip(crosswalk["old_code_2025_03"], crosswalk["new_code_2025_07"], strict=True))
    assert ours <= theirs
    # every old commune lands in the commune the resolution names first
    assert {o for o, _ in ours} == {o for o, _ in theirs}


def test_convert_codes_and_detect_layout():
    out = conversion_2025.convert_codes(["3649", "99999"])
    assert out["new_code"].iloc[0] == "03646" and pd.isna(out["new_code"].iloc[1])
    assert registry.detect_layout(["03649", "03652"], "14") == "legacy"
    assert registry.detect_layout(["03646"], "14") == "2025"
    assert registry.detect_layout(["xx"]) is None
