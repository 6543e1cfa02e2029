"""How far ITM's loss is from free space on short paths (0.1-1 km), and ITM's warnings there.

Usage: ``python bench/itm_short_paths.py [--profiles 600] [--seed 7]``.

Synthetic ground profiles of 0.1-1 km, sampled as ``slmap predict --model itm``
samples them (every <= 30 m, at least 10 intervals), five kinds in turn: flat
ground, a single ridge, a valley, random-walk mountains (15 m standard step
per sample) and noisy ground (600 m +- 40 m); frequency drawn from 900, 1800,
2100 and 3700 MHz, antenna 10-80 m, receiver 1.5 m. Prints, per kind and in
all, the excess of ITM's basic transmission loss over the free-space loss
(min, median, 90th percentile, max, dB) and ITM's warning codes. The figures
quoted in ``docs/prediction.md`` come from the defaults.
"""

from __future__ import annotations

import argparse
import math
from collections import Counter

import numpy as np

from slmap.radio.itm import ITM_WARNINGS, MIN_INTERVALS, fspl_db, path_loss

KINDS = ("flat", "ridge", "valley", "mountains", "noisy")


def profile(rng: np.random.Generator, kind: str) -> tuple[np.ndarray, float, float]:
    """Ground heights, their spacing (m) and the path length (m) of one synthetic path."""
    length = float(rng.uniform(100.0, 1_000.0))
    n = max(math.ceil(length / 30.0), MIN_INTERVALS)
    x = np.linspace(0.0, 1.0, n + 1)
    if kind == "flat":
        z = np.full(n + 1, rng.uniform(0.0, 1_500.0))
    elif kind == "ridge":
        z = 300.0 + rng.uniform(50, 300) * np.exp(-(((x - rng.uniform(0.2, 0.8)) / 0.05) ** 2))
    elif kind == "valley":
        z = 1_200.0 - rng.uniform(20, 200) * np.sin(np.pi * x)
    elif kind == "mountains":
        z = np.clip(np.cumsum(rng.normal(0.0, 15.0, n + 1)) + 900.0, 0.0, None)
    else:
        z = 600.0 + rng.normal(0.0, 40.0, n + 1)
    return z, length / n, length


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=600)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    excess: dict[str, list[float]] = {k: [] for k in KINDS}
    codes: dict[str, Counter] = {k: Counter() for k in KINDS}
    for i in range(args.profiles):
        kind = KINDS[i % len(KINDS)]
        z, step, length = profile(rng, kind)
        f = float(rng.choice([900.0, 1800.0, 2100.0, 3700.0]))
        loss, code = path_loss(z, step, f, float(rng.uniform(10.0, 80.0)))
        excess[kind].append(loss - float(fspl_db(length, f)))
        codes[kind][ITM_WARNINGS.get(code, f"code {code}")] += 1
    print(f"{args.profiles} paths of 0.1-1 km, seed {args.seed}: ITM loss - free-space loss, dB")
    print(f"{'kind':<10} {'min':>7} {'median':>7} {'p90':>7} {'max':>7}  ITM codes")
    rows = [*KINDS, "all"]
    for kind in rows:
        values = np.concatenate(list(excess.values())) if kind == "all" else np.array(excess[kind])
        count = sum(codes.values(), Counter()) if kind == "all" else codes[kind]
        q = np.percentile(values, [0, 50, 90, 100])
        print(
            f"{kind:<10} {q[0]:7.1f} {q[1]:7.1f} {q[2]:7.1f} {q[3]:7.1f}  "
            + ", ".join(f"{k}: {v}" for k, v in sorted(count.items()))
        )


if __name__ == "__main__":
    main()
