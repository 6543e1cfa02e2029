import csv
import json
import unicodedata

from slmap.base.names import NAME_ALIASES, closest, fold, match_names, strip_prefix, unit_type


def test_fold_equivalences():
    assert fold("Xã Chiềng Lề") == fold("ChiềngLề") == fold("CHIỀNG  LỀ") == "chiengle"
    assert fold("Phường Đông Hải") == "donghai"
    assert fold(unicodedata.normalize("NFD", "Mường La")) == fold("Mường La")
    assert fold("Thị trấn Ít Ong") == "itong"
    assert fold(None) == "" and fold(float("nan")) == ""


def test_prefix_only_once_and_not_inside_words():
    assert strip_prefix("Xã Bản Lầm") == "Bản Lầm"
    assert fold("BảnLầm") == "banlam"


def test_unit_type_from_prefix_or_gadm_parenthesis():
    assert unit_type("HátLót(Thịtrấn)") == "thitran"
    assert unit_type("Xã Hát Lót") == "xa"
    assert unit_type("Hát Lót") is None


def test_match_never_guesses_between_two_candidates():
    ref = [("1", "Xã Hát Lót", "Mai Sơn"), ("2", "Thị trấn Hát Lót", "Mai Sơn")]
    r = match_names({"a": ("Hát Lót", "Huyện Mai Sơn"), "b": ("HátLót(Xã)", "MaiSơn")}, ref)
    assert r.ambiguous == {"a": ["1", "2"]}
    assert r.matched == {"b": "1"}


def test_match_reports_unmatched_with_closest():
    ref = [("1", "Xã Mường Bú", "Mường La"), ("2", "Xã Chiềng Lao", "Mường La")]
    r = match_names({"q": ("Mường Bu Xa", "Mường La")}, ref)
    assert "q" in r.unmatched and r.unmatched["q"][0] == "Xã Mường Bú"
    assert closest("muong bu", ["Xã Mường Bú", "Xã Nặm Păm"], n=1) == ["Xã Mường Bú"]


def test_gadm_names_recover_every_hidden_code(shared_geodata):
    """204 of 204 GADM communes matched to the GSO list by name within district, 0 wrong."""
    gadm = json.loads(
        (shared_geodata / "son_la" / "communes_204_gadm41.geojson").read_text("utf-8")
    )
    with open(shared_geodata / "son_la" / "gso_communes_2025-01-01_204.csv", encoding="utf-8") as f:
        reference = [(r["ma_xa"], r["ten_xa"], r["ten_huyen"]) for r in csv.DictReader(f)]
    features = gadm["features"]
    hidden = {i: f["properties"]["ma_xa"] for i, f in enumerate(features)}
    queries = {
        i: (f["properties"]["NAME_3"], f["properties"]["NAME_2"]) for i, f in enumerate(features)
    }
    result = match_names(queries, reference)
    wrong = {i: c for i, c in result.matched.items() if c != hidden[i]}
    assert len(features) == 204
    assert not result.unmatched and not result.ambiguous and not wrong
    assert len(result.matched) == 204
    assert set(result.aliased.values()) <= set(NAME_ALIASES.values())
