"""Classification: classes, no-data class, labels, colours."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from slmap.base import glossary
from slmap.base.errors import InputError
from slmap.model.classify import NODATA_COLOR, SCHEMES, classify, parse_breaks


def test_nan_is_never_a_value_class() -> None:
    values = pd.Series([0.0, np.nan, 50.0, 100.0, pd.NA], index=list("abcde"), dtype="Float64")
    c = classify(values, metric="share_4g", k=3)
    assert c.classes.loc["b"] == -1 and c.classes.loc["e"] == -1
    assert c.nodata_count == 2
    assert sum(c.counts) == 3
    assert NODATA_COLOR not in c.colors
    assert c.color_of(-1) == NODATA_COLOR
    assert list(c.classes.index) == list("abcde")


def test_count_metric_keeps_zero_as_its_own_class() -> None:
    values = pd.Series([0, 0, 0, 1, 2, 3, 5, 8, 13, 16])
    c = classify(values, metric="villages_no_mbb", k=5, lang="en")
    assert c.labels[0] == "0"
    assert c.counts[0] == 3
    assert all("." not in label for label in c.labels)  # integer labels
    assert c.bins[-1] == 16


def test_fixed_breaks_and_decimal_comma() -> None:
    values = pd.Series([12.5, 38.56, 61.6, np.nan])
    c = classify(values, metric="fibre_hh_share", breaks="20, 40", lang="vi")
    assert c.scheme == "user_defined"
    assert c.classes.tolist() == [0, 1, 2, -1]
    assert c.labels == ("12,5 – 20,0", "> 20,0 – 40,0", "> 40,0 – 61,6")
    en = classify(values, metric="fibre_hh_share", breaks=[20, 40], lang="en")
    assert en.labels[0] == "12.5 – 20.0"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_scheme_classifies_every_value(scheme: str) -> None:
    rng = np.random.default_rng(3)
    values = pd.Series(np.append(rng.uniform(50, 100, 74), np.nan))
    c = classify(values, metric="share_4g", scheme=scheme, k=5)
    valid = c.classes[values.notna()]
    assert (valid >= 0).all() and (valid < c.k).all()
    assert len(c.colors) == len(c.labels) == c.k >= 1
    assert c.nodata_count == 1


def test_few_distinct_values_and_all_missing() -> None:
    c = classify(pd.Series([100.0, 100.0, 100.0]), metric="share_4g", k=5)
    assert c.k == 1 and c.classes.tolist() == [0, 0, 0]
    empty = classify(pd.Series([np.nan, np.nan]), metric="share_4g")
    assert empty.k == 0 and empty.nodata_count == 2 and empty.labels == ()


def test_bad_options_raise_input_error() -> None:
    with pytest.raises(InputError, match="--breaks"):
        parse_breaks("1,abc")
    with pytest.raises(InputError, match="--scheme"):
        classify(pd.Series([1.0, 2.0]), scheme="nope")
    with pytest.raises(InputError, match="--k"):
        classify(pd.Series([1.0, 2.0]), k=0)
    assert parse_breaks("3,1,1") == [1.0, 3.0]


def test_i18n_tables_are_complete() -> None:
    vi, en = glossary.strings("vi"), glossary.strings("en")
    assert vi.keys() == en.keys()
    assert all(vi[key] and en[key] for key in vi)
    assert glossary.format_number(1234567, "vi") == "1.234.567"
    assert glossary.format_percent(38.56, "en", 2) == "38.56 %"
    with pytest.raises(ValueError):
        glossary.t("title", "fr")
