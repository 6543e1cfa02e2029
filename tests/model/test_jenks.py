"""Exact Fisher-Jenks (:mod:`slmap.model.jenks`) gives mapclassify's breaks, without scipy."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from slmap.model.classify import classify
from slmap.model.jenks import fisher_jenks_bins

SAMPLE = Path(__file__).resolve().parents[2] / "geodata" / "sample"


def _mapclassify_bins(values: np.ndarray, k: int) -> np.ndarray:
    import mapclassify

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Numba not installed"
        return np.asarray(mapclassify.FisherJenks(values, k=k).bins, dtype=float)


def _random_inputs(seed: int):
    rng = np.random.default_rng(seed)
    shapes = (
        lambda n: rng.integers(0, 6, n).astype(float),  # counts with many ties
        lambda n: rng.poisson(3, n).astype(float),
        lambda n: rng.lognormal(0, 1.5, n),  # skewed
        lambda n: np.round(rng.uniform(0, 100, n), 1),  # shares in percent
        lambda n: rng.normal(1e4, 50, n),  # large values, small spread (float32 rounding)
        lambda n: np.concatenate([rng.normal(0, 1, n // 2), rng.normal(30, 2, n - n // 2)]),
    )
    for i in range(90):
        n = int(rng.integers(2, 50))
        yield shapes[i % len(shapes)](n)


def test_same_breaks_as_mapclassify_on_random_inputs() -> None:
    compared = 0
    for values in _random_inputs(0):
        for k in (1, 2, 3, 5, 7, 9):
            if k > len(np.unique(values)):
                break
            ours = fisher_jenks_bins(values, k)
            assert ours.tolist() == _mapclassify_bins(values, k).tolist(), (values.tolist(), k)
            compared += 1
    assert compared > 300


def _sample_metrics() -> list[np.ndarray]:
    """Commune metrics of the embedded synthetic sample: the shapes a map classifies."""
    frame = pd.read_csv(SAMPLE / "son_la_villages_2022-12-31.csv", dtype={"commune_code": str})
    by_commune = frame.groupby("commune_code")
    no_mbb = by_commune["mobile_signal"].apply(lambda s: (~s.isin(["3g", "4g", "5g"])).sum())
    share_4g = by_commune["mobile_signal"].apply(lambda s: 100 * s.isin(["4g", "5g"]).mean())
    fibre = by_commune.apply(
        lambda g: 100 * g["fibre_households"].sum() / g["households"].sum(), include_groups=False
    )
    positive = no_mbb[no_mbb > 0]
    return [v.to_numpy(dtype=float) for v in (no_mbb, positive, share_4g, fibre)]


def test_same_breaks_as_mapclassify_on_commune_metrics() -> None:
    metrics = _sample_metrics()
    assert len(metrics[0]) == 204
    for values in metrics:
        for k in (2, 5, min(9, len(np.unique(values)))):
            assert fisher_jenks_bins(values, k).tolist() == _mapclassify_bins(values, k).tolist()


def test_800_values_as_mapclassify() -> None:
    """The largest input classify gives it (larger inputs are sampled down to 800)."""
    rng = np.random.default_rng(7)
    values = np.concatenate([rng.poisson(2, 600), rng.poisson(20, 200)]).astype(float)
    assert fisher_jenks_bins(values, 5).tolist() == _mapclassify_bins(values, 5).tolist()


def test_breaks_are_optimal_on_a_small_case() -> None:
    """Brute force over every split of a small input: no split has a lower total variance."""
    values = np.array([1.0, 2, 4, 5, 7, 9, 10, 20, 21, 40])
    bins = fisher_jenks_bins(values, 3)

    def cost(cuts: tuple[int, int]) -> float:
        parts = np.split(values, cuts)
        return sum(((p - p.mean()) ** 2).sum() for p in parts)

    best = min(
        (cost((i, j)), (i, j)) for i in range(1, len(values)) for j in range(i + 1, len(values))
    )
    i, j = best[1]
    assert bins.tolist() == [values[i - 1], values[j - 1], values[-1]]


def test_bad_k() -> None:
    with pytest.raises(ValueError, match="Fewer unique values"):
        fisher_jenks_bins([1.0, 1.0, 2.0], 3)
    with pytest.raises(ValueError, match="no values"):
        fisher_jenks_bins([], 1)


def test_classify_fisher_jenks_imports_no_scipy() -> None:
    code = (
        "import sys; import pandas as pd; from slmap.model.classify import classify\n"
        "c = classify(pd.Series(range(50)), metric='villages_no_mbb', k=5)\n"
        "print(sorted(m for m in ('scipy', 'matplotlib', 'mapclassify') if m in sys.modules))\n"
        "classify(pd.Series(range(50)), scheme='quantiles', k=5)\n"
        "print(sorted(m for m in ('mapclassify',) if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout.splitlines()
    assert out == ["[]", "['mapclassify']"]


def test_classify_uses_the_same_classes_as_before() -> None:
    values = pd.Series([0, 0, 1, 1, 2, 3, 3, 4, 7, 8, 12, 15, 15, 30])
    c = classify(values, metric="villages_no_mbb", k=5, lang="en")
    positive = values[values > 0].to_numpy(dtype=float)
    expected = np.concatenate([[0.0], np.floor(_mapclassify_bins(positive, 4))])
    assert c.bins == tuple(np.unique(expected).tolist())
