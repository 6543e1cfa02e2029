"""Synthetic data for the sample, the tests and the bench: registers and radio sites.

The embedded Sơn La sample at two dates, calibrated to the published figures
(:mod:`~slmap.sample.son_la`), registers of any size for any province
(:mod:`~slmap.sample.registers`) and synthetic radio sites
(:mod:`~slmap.sample.sites`), all deterministic from a seed.

May import: :mod:`slmap.admin` and :mod:`slmap.base`.
"""

from __future__ import annotations

from slmap.base.lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "generate_register": "registers",
        "generate_sample": "son_la",
    },
)
