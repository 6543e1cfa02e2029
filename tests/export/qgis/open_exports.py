"""Open slmap's exports in QGIS itself (run by tests/test_qgis.py under Debian's python3).

Usage: python3 open_exports.py GPKG SHP PNG. Prints, as JSON, each layer's renderer
as QGIS applied it on open (type, classes, colours) and renders the GeoPackage's
layers to PNG.
"""

import json
import os
import sys

from qgis.core import QgsApplication, QgsMapRendererParallelJob, QgsMapSettings, QgsVectorLayer
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


def describe(layer):
    renderer = layer.renderer()
    info = {"valid": layer.isValid(), "type": renderer.type(), "features": layer.featureCount()}
    # read each colour while its range/category copy is alive (the symbol is theirs)
    if renderer.type() == "graduatedSymbol":
        info["colors"] = [r.symbol().color().name() for r in renderer.ranges()]
    elif renderer.type() == "categorizedSymbol":
        info["colors"] = [c.symbol().color().name() for c in renderer.categories()]
    else:
        info["colors"] = [renderer.symbol().color().name()]
    return info


def main(gpkg, shp, png):
    app = QgsApplication([], False)
    app.initQgis()
    names = ("communes", "villages", "uncovered", "districts")
    layers = [QgsVectorLayer(f"{gpkg}|layername={n}", n, "ogr") for n in names]
    out = {n: describe(layer) for n, layer in zip(names, layers, strict=True)}
    out["shapefile"] = describe(QgsVectorLayer(shp, "shapefile", "ogr"))
    settings = QgsMapSettings()
    settings.setLayers(list(reversed(layers)))
    settings.setOutputSize(QSize(900, 700))
    settings.setExtent(layers[0].extent())
    settings.setBackgroundColor(QColor("white"))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(png, "png")
    print(json.dumps(out), flush=True)
    # QGIS 3.22 can crash while tearing down offscreen; the answer is out already
    os._exit(0)


if __name__ == "__main__":
    main(*sys.argv[1:4])
