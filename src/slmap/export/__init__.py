"""GIS files for partners: Shapefile, GeoPackage, GeoJSON, CSV, Excel, KML/KMZ, with styles.

:func:`export_model` and :func:`write_layers` (:mod:`~slmap.export.write`)
write the model's layers in every format, atomically; every file an export
writes is known before work starts (:mod:`~slmap.export.paths`); field names and the
data dictionary (:mod:`~slmap.export.fields`), metadata
(:mod:`~slmap.export.metadata`), Excel (:mod:`~slmap.export.excel`), KML
(:mod:`~slmap.export.kml`) and the QGIS/SLD styles
(:mod:`~slmap.export.styles`, :mod:`~slmap.export.qml`,
:mod:`~slmap.export.sld`, :mod:`~slmap.export.symbols`).

May import: :mod:`slmap.model`, :mod:`slmap.admin`, :mod:`slmap.sources`, :mod:`slmap.base`.
"""

from __future__ import annotations

from slmap.base.lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "ExportMetadata": "metadata",
        "ExportPaths": "paths",
        "ExportResult": "write",
        "FIELD_MEANINGS": "fields",
        "FORMATS": "paths",
        "LAYERS": "paths",
        "SHP_FIELDS": "fields",
        "StyleOptions": "styles",
        "build_metadata": "metadata",
        "default_output": "write",
        "export_model": "write",
        "export_paths": "paths",
        "field_meaning": "fields",
        "model_layers": "write",
        "plain_table": "fields",
        "read_gpkg_metadata": "metadata",
        "shapefile_field_names": "fields",
        "write_layers": "write",
        "write_xlsx": "excel",
    },
)
