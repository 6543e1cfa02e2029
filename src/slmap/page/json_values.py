"""JSON-ready values: what a table cell becomes on its way to the page.

Missing values (``None``, ``pd.NA``, ``pd.NaT``, NaN) become ``None`` (JSON
``null``) and numpy scalars become Python numbers, so the page's data is
plain JSON; the page shows ``null`` as "no data", never as zero.

Examples
--------
>>> json_value(np.float64("nan")) is None, json_value(np.int64(3)), json_int(2.0)
(True, 3, 2)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["json_int", "json_value"]


def json_value(value: Any) -> Any:
    """JSON-friendly scalar: NA/NaN -> None, numpy -> Python."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (float, np.floating)) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def json_int(value: Any) -> int | None:
    """:func:`json_value` as an integer (None stays None)."""
    value = json_value(value)
    return None if value is None else int(value)
