"""Regenerate the synthetic radio sites of the Sơn La sample.

Run from the repository root::

    python geodata/sample/generate_sites.py

The sites are invented (``synthetic = yes`` on every row), built by
:func:`slmap.sample.sites.synthetic_sites` from the 2022-12-31 sample
register alone: no boundary file and no real site list is read. The output is
deterministic.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from slmap.sample.sites import synthetic_sites

FOLDER = Path(__file__).parent


def main() -> None:
    register = pd.read_csv(
        FOLDER / "son_la_villages_2022-12-31.csv", dtype={"commune_code": str}, encoding="utf-8-sig"
    )
    sites = synthetic_sites(register)
    out = FOLDER / "son_la_sites_synthetic.csv"
    sites.to_csv(out, index=False, encoding="utf-8-sig", lineterminator="\n")
    print(f"wrote {len(sites)} synthetic sites to {out}")


if __name__ == "__main__":
    main()
