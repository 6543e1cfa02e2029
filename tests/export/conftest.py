"""The export tests; ``qgis/`` holds scripts run by Debian's QGIS python, not test modules."""

from __future__ import annotations

collect_ignore = ["qgis"]
