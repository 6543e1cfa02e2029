#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian/Ubuntu machine, then run it.
#   system: Chromium (browser test), gdal-bin (ogrinfo reads our Shapefiles) and
#           poppler-utils (pdftotext/pdfinfo read the PDF report)
#   python: slmap with its [test] extra, at the versions pinned in constraints.txt
#           (for the bench: pip install -c constraints.txt -e ".[test,bench]")
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v ogrinfo >/dev/null 2>&1 || need+=(gdal-bin)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
# QGIS itself opens the exported GeoPackage and Shapefile in a test (Debian's build, for
# /usr/bin/python3; about 930 MB)
/usr/bin/python3 -c "import qgis.core" >/dev/null 2>&1 || need+=(python3-qgis)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

python3 -m pip install -q -c constraints.txt -e '.[test]'
python3 -m ruff check src tests bench
python3 -m ruff format --check src tests bench
lint-imports  # the layer contract of docs/architecture.md ([tool.importlinter] in pyproject.toml)
python3 -m pytest -p no:cacheprovider "$@"
