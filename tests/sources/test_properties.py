"""Property-based tests: Vietnamese name folding and matching, register round trips."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus._build import cp1258_bytes
from slmap.admin import registry
from slmap.base.names import fold, match_names, nfc, strip_prefix
from slmap.sources import read_register

VIET_LOWER = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
VIET = VIET_LOWER + VIET_LOWER.upper()
words = st.text(alphabet=VIET, min_size=1, max_size=8)
names = st.lists(words, min_size=1, max_size=4).map(" ".join)
prefixes = st.sampled_from(["", "Xã ", "Phường ", "Thị trấn ", "Bản ", "XÃ ", "xã  "])


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@given(st.text(max_size=40))
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    assert fold(fold(text, keep_prefix=True), keep_prefix=True) == fold(text, keep_prefix=True)


@given(prefixes, names)
def test_nfc_and_nfd_fold_alike(prefix: str, name: str) -> None:
    text = prefix + name
    assert fold(nfd(text)) == fold(unicodedata.normalize("NFC", text))
    assert nfc(nfd(text)) == nfc(text)
    assert fold(text).isascii()


@given(prefixes, names)
def test_nfd_query_matches_nfc_reference(prefix: str, name: str) -> None:
    reference = [("00001", unicodedata.normalize("NFC", "Xã " + name), "Huyện Mộc")]
    result = match_names({"q": (nfd(prefix + name), nfd("Mộc"))}, reference)
    assert result.matched == {"q": "00001"}


def _collisions(frame: pd.DataFrame, parent: str) -> list[pd.DataFrame]:
    frame = frame.assign(folded=frame["commune_name"].map(fold))
    dup = frame[frame.duplicated([parent, "folded"], keep=False)]
    return [g for _, g in dup.groupby([parent, "folded"])]


@pytest.mark.parametrize(
    ("layout", "parent"), [("2025", "province_code"), ("legacy", "district_code")]
)
def test_registry_names_never_guessed_within_parent(layout: str, parent: str) -> None:
    """Names of one parent that fold alike are reported ambiguous, never guessed."""
    frame = registry.communes(layout)
    groups = _collisions(frame, parent)
    for group in groups:
        reference = [
            (c, n, p)
            for c, n, p in zip(group.commune_code, group.commune_name, group[parent], strict=True)
        ]
        bare = strip_prefix(group["commune_name"].iloc[0])
        result = match_names({"bare": (fold(bare), group[parent].iloc[0])}, reference)
        assert result.ambiguous.get("bare") == sorted(group["commune_code"]), group
        for code, name in zip(group.commune_code, group.commune_name, strict=True):
            full = match_names({"q": (name, group[parent].iloc[0])}, reference)
            assert full.matched.get("q", code) == code  # right code, or reported ambiguous
            assert "q" in full.matched or "q" in full.ambiguous
    unique = frame.assign(folded=frame["commune_name"].map(fold))
    unique = unique[~unique.duplicated([parent, "folded"], keep=False)]
    sample = unique.groupby(parent).head(3)
    for p, part in sample.groupby(parent):
        reference = list(zip(part.commune_code, part.commune_name, part[parent], strict=True))
        for code, name in zip(part.commune_code, part.commune_name, strict=True):
            assert match_names({"q": (name, p)}, reference).matched == {"q": code}


HEADERS = ["Mã bản", "Tên bản", "Mã xã", "Số hộ", "Số dân", "Sóng", "Cáp quang"]
rows = st.lists(
    st.tuples(
        names,
        st.sampled_from(["03646", "03664", "03670"]),
        st.integers(0, 5000),
        st.integers(0, 20000),
        st.sampled_from(["4G", "3G", "2G", "5G", "không có sóng"]),
        st.sampled_from(["có", "không", "x", "Yes", "0"]),
    ),
    min_size=1,
    max_size=15,
)


def _encode(text: str, encoding: str) -> bytes:
    return cp1258_bytes(text) if encoding == "cp1258" else text.encode(encoding)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows, st.sampled_from([",", ";", "\t"]))
def test_register_reads_back_identical_in_every_encoding(tmp_path: Path, data, sep: str) -> None:
    frame = pd.DataFrame(
        [(f"B{i}", *r[:2], str(r[2]), str(r[3]), *r[4:]) for i, r in enumerate(data)],
        columns=HEADERS,
    )
    text = frame.to_csv(index=False, sep=sep, lineterminator="\r\n")
    frames = {}
    for encoding in ("utf-8", "utf-8-sig", "utf-16", "cp1258"):
        path = tmp_path / f"reg_{encoding}.csv"
        path.write_bytes(_encode(text, encoding))
        declared = "cp1258" if encoding == "cp1258" else None
        frames[encoding] = read_register(path, encoding=declared).frame
    first = frames["utf-8"]
    assert list(first["village_name"]) == [nfc(n) for n in frame["Tên bản"]]
    for encoding, got in frames.items():
        pd.testing.assert_frame_equal(got, first, obj=encoding)
