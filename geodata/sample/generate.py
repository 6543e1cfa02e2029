"""Regenerate the embedded synthetic sample register of Sơn La.

Run from the repository root::

    python geodata/sample/generate.py

The output is deterministic (same registry version, same bytes) and built
from the official registry alone (``vietnamadminunits``): no boundary file
is read. The totals reproduce the published 2023 figures (DESIGN §1); the
villages, their names and their coordinates are invented.
"""

from __future__ import annotations

from pathlib import Path

from slmap.synthetic import SON_LA_2023, generate_register

OUT = Path(__file__).with_name("son_la_villages_sample.csv")


def main() -> None:
    register = generate_register("14", SON_LA_2023)
    register.to_csv(OUT, index=False, encoding="utf-8-sig", lineterminator="\n")
    print(f"wrote {len(register)} villages to {OUT}")


if __name__ == "__main__":
    main()
