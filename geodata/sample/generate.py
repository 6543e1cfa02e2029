"""Regenerate the embedded synthetic sample registers of Sơn La (two dates).

Run from the repository root::

    python geodata/sample/generate.py

The output is deterministic (same registry version, same bytes) and built
from the official registry and slmap's layouts alone: no boundary file is
read. The later register reproduces the published 2023 figures (DESIGN §1);
the villages, their names and their coordinates are invented.
"""

from __future__ import annotations

from pathlib import Path

from slmap.sample import generate_sample

FOLDER = Path(__file__).parent


def main() -> None:
    for as_of, register in generate_sample().items():
        out = FOLDER / f"son_la_villages_{as_of}.csv"
        register.to_csv(out, index=False, encoding="utf-8-sig", lineterminator="\n")
        print(f"wrote {len(register)} villages ({as_of}) to {out}")


if __name__ == "__main__":
    main()
