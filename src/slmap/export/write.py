"""Every export slmap makes: layers to Shapefile, GeoPackage, GeoJSON, CSV and Excel.

The writes themselves are atomic and refuse to overwrite without consent
(:mod:`slmap.base.atomic`).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from slmap.base.atomic import csv_bytes
from slmap.base.errors import InputError, Problem
from slmap.base.outputs import OutputSet
from slmap.base.xmltext import clean_frames
from slmap.export.excel import write_xlsx
from slmap.export.fields import (
    cut_utf8,
    field_meaning,
    plain_table,
    shapefile_field_names,
)
from slmap.export.metadata import (
    ExportMetadata,
    build_metadata,
    metadata_lines,
    metadata_text,
    write_gpkg_metadata,
)
from slmap.export.paths import FORMATS, LAYERS, ONE_FILE, SUFFIX, ExportPaths, export_paths
from slmap.export.styles import StyleOptions, layer_style, write_gpkg_styles
from slmap.model.notes import with_notes

__all__ = [
    "FORMATS",
    "LAYERS",
    "ExportPaths",
    "ExportResult",
    "default_output",
    "export_model",
    "export_paths",
    "model_layers",
    "write_layers",
]

# --- layers and formats ---------------------------------------------------------------------

SHP_TEXT_BYTES = 254


@dataclass
class ExportResult:
    """What a write produced: files, warnings (e.g. text cut) and feature counts."""

    paths: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class WriteOptions:
    """What travels with every file written: metadata and style (either may be absent)."""

    meta: ExportMetadata | None = None
    style: StyleOptions | None = None


def model_layers(model, layer: str) -> dict[str, gpd.GeoDataFrame]:
    """The layers to export (``"all"`` = every available layer), prepared.

    Examples
    --------
    >>> sorted(model_layers(model, "all"))  # doctest: +SKIP
    ['communes', 'districts', 'uncovered', 'villages']
    """
    from slmap.model.query import villages_without_broadband

    if layer not in (*LAYERS, "all"):
        raise InputError(f"unknown layer {layer!r}; expected one of {', '.join(LAYERS)}, all")
    frames = {
        "communes": model.communes,
        "villages": model.villages,
        "uncovered": villages_without_broadband(model),
        "districts": model.districts,
    }
    if layer != "all" and frames[layer] is None:
        raise InputError(f"no {layer} layer was loaded (boundaries without {layer})")
    wanted = LAYERS if layer == "all" else (layer,)
    return {n: with_notes(frames[n], model) for n in wanted if frames[n] is not None}


def _feature_label(frame: pd.DataFrame, i: int) -> str:
    for col in ("village_id", "commune_code", "district_code"):
        if col in frame.columns:
            name = frame.get(col.replace("_id", "_name").replace("_code", "_name"))
            label = f"{frame[col].iloc[i]}"
            return label if name is None else f"{label} {str(name.iloc[i])[:40]}"
    return f"#{i + 1}"


def _shapefile_frame(frame: gpd.GeoDataFrame, path: Path, warnings: list[Problem], name: str):
    out = frame.copy()
    for col in out.columns:
        if col == "geometry" or not pd.api.types.is_string_dtype(out[col]):
            continue
        cut = [i for i, v in enumerate(out[col]) if isinstance(v, str)
               and len(v.encode("utf-8")) > SHP_TEXT_BYTES]  # fmt: skip
        for i in cut:
            out.iloc[i, out.columns.get_loc(col)] = cut_utf8(out[col].iloc[i], SHP_TEXT_BYTES)
        if cut:
            msg = (f"layer {name}: {len(cut)} value(s) cut to the Shapefile limit of "
                   f"{SHP_TEXT_BYTES} bytes (the first shown)")  # fmt: skip
            first = _feature_label(frame, cut[0])
            warnings.append(Problem(str(path), msg, column=col, severity="warning",
                                    kind="text_cut", feature=first))  # fmt: skip
    names = shapefile_field_names([c for c in out.columns if c != "geometry"])
    dictionary = pd.DataFrame(
        [(short, full, field_meaning(full)) for full, short in names.items()],
        columns=["short_name", "full_name", "meaning"],
    )
    return out.rename(columns=names), dictionary


def _write_shapefile(frame, name: str, shp: Path, warnings: list[Problem], shown: Path,
                     options: WriteOptions) -> None:  # fmt: skip
    """Write one Shapefile set, its field dictionary, style and metadata into ``shp``'s folder."""
    short, dictionary = _shapefile_frame(frame, shown, warnings, name)
    pyogrio.write_dataframe(short, shp, driver="ESRI Shapefile", encoding="UTF-8")
    shp.with_name(shp.name + ".fields.csv").write_bytes(csv_bytes(dictionary))
    if options.style is not None:
        fields = dict(zip(dictionary.full_name, dictionary.short_name, strict=True))
        style = layer_style(name, frame, options.style, fields)
        if style is not None:
            shp.with_suffix(".qml").write_text(style.qml, encoding="utf-8")
            shp.with_suffix(".sld").write_text(style.sld, encoding="utf-8")


def _write_one(
    frame, name: str, path: Path, fmt: str, warnings: list[Problem], shown: Path,
    options: WriteOptions,
) -> None:  # fmt: skip
    note = str(frame["data_note"].iloc[0]) if len(frame) else ""
    if fmt == "shp":
        _write_shapefile(frame, name, path, warnings, shown, options)
    elif fmt == "geojson":
        layer_options = {"RFC7946": "YES", "DESCRIPTION": note}
        frame = frame.to_crs(4326) if frame.crs is not None else frame
        pyogrio.write_dataframe(
            frame, path, driver="GeoJSON", layer=name, layer_options=layer_options
        )
        if options.meta is not None:
            _geojson_metadata(path, options.meta)
    elif fmt == "csv":
        path.write_bytes(csv_bytes(plain_table(frame)))
    else:
        raise ValueError(fmt)
    if fmt in ("shp", "csv") and options.meta is not None:
        text = metadata_text(options.meta)
        path.with_name(path.name + ".metadata.txt").write_text(text, encoding="utf-8")


def _geojson_metadata(path: Path, meta: ExportMetadata) -> None:
    """Add the full metadata to a GeoJSON as the foreign member ``metadata`` (RFC 7946 §6.1).

    The same ``key: value`` pairs as the other formats' metadata, in order.
    """
    document = json.loads(path.read_text(encoding="utf-8"))
    document["metadata"] = {key: value for key, value in metadata_lines(meta)}
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def _write_gpkg(layers: dict[str, gpd.GeoDataFrame], tmp: Path, options: WriteOptions) -> None:
    for name, frame in layers.items():
        note = str(frame["data_note"].iloc[0]) if len(frame) else ""
        pyogrio.write_dataframe(
            frame, tmp, layer=name, driver="GPKG",
            layer_options={"DESCRIPTION": note}, dataset_metadata={"slmap_note": note},
            dataset_options={"VERSION": "1.3"},  # readable by GDAL < 3.7 / older QGIS
        )  # fmt: skip
    if options.style is not None:
        styles = {n: layer_style(n, f, options.style) for n, f in layers.items()}
        write_gpkg_styles(tmp, {n: s for n, s in styles.items() if s is not None})
    if options.meta is not None:
        write_gpkg_metadata(tmp, options.meta, list(layers))


def _write_single_file(layers, tmp: Path, fmt: str, options: WriteOptions, shown: Path, warnings):
    if fmt == "xlsx":
        warnings.extend(write_xlsx(layers, tmp, options.meta, shown))
    elif fmt == "gpkg":
        _write_gpkg(layers, tmp, options)
    else:
        from slmap.export.kml import write_kml

        write_kml(layers, tmp, options.meta, options.style, kmz=fmt == "kmz")


def _zip_folder(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                zf.write(file, file.relative_to(folder).as_posix())
    return buffer.getvalue()


def write_layers(
    layers: dict[str, gpd.GeoDataFrame],
    path: str | os.PathLike[str],
    fmt: str,
    *,
    overwrite: bool = False,
    zip: bool = False,
    meta: ExportMetadata | None = None,
    style: StyleOptions | None = None,
    outputs: OutputSet | None = None,
) -> ExportResult:
    """Write prepared layers (see :func:`model_layers`, :func:`prepare`) atomically.

    Parameters
    ----------
    layers : dict of str to GeoDataFrame
        Layer name -> features (EPSG:4326).
    path : str or path-like
        Output file; for several layers in ``shp``, ``geojson`` or ``csv``, a
        folder receiving one file (set) per layer. ``gpkg`` and ``xlsx`` hold
        every layer in one file (one layer / sheet each).
    fmt : {"shp", "gpkg", "geojson", "csv", "xlsx"}
        Shapefile: UTF-8 ``.cpg``, 10-byte field names from
        :data:`SHP_FIELDS` with a ``<name>.shp.fields.csv`` dictionary, NULL for
        no data, booleans as dBASE logicals (T/F, ``?`` = unknown), text cut
        at 254 bytes with a warning naming the feature. GeoJSON: RFC 7946.
        CSV: UTF-8 with BOM; points as ``lon``/``lat`` columns, polygon
        shapes omitted (use GeoPackage or Shapefile for shapes). Excel:
        header row, frozen panes, one sheet per layer and an ``about`` sheet.
    overwrite : bool, default False
        Replace existing outputs; without it they are refused, untouched.
    zip : bool, default False
        Shapefile only: pack every file into one ``.zip``.
    meta : ExportMetadata, optional
        Written into the file: GeoPackage ``gpkg_metadata``, KML document,
        Excel "about" sheet, ``<file name>.metadata.txt`` beside Shapefiles and CSVs
        (``u.shp.metadata.txt``, ``u.csv.metadata.txt``).
    style : StyleOptions, optional
        Style the layers as the map does: GeoPackage ``layer_styles`` (default
        style per layer), ``<name>.qml`` and ``<name>.sld`` beside Shapefiles,
        KML styles.
    outputs : OutputSet, optional
        The command's outputs: the files of this export are declared in it,
        staged and left for the caller to commit with the others. Without
        it the export checks and commits its own files.

    Returns
    -------
    ExportResult

    Examples
    --------
    >>> layers = model_layers(model, "uncovered")  # doctest: +SKIP
    >>> write_layers(layers, "maps/uncovered.shp", "shp").paths  # doctest: +SKIP
    """
    plan = export_paths(list(layers), path, fmt, zip)
    own = outputs is None
    outs = OutputSet(overwrite=overwrite) if outputs is None else outputs
    outs.add(*plan.files)
    outs.add(plan.target, folder=plan.folder)
    if own:
        outs.check()
    result = ExportResult(counts={n: len(f) for n, f in layers.items()})
    layers, removed = clean_frames(layers)
    if removed:
        msg = (
            f"{removed} character(s) no export format can hold removed (control characters, "
            "U+FFFE/U+FFFF, lone surrogates)"
        )
        result.warnings.append(
            Problem(str(plan.target), msg, severity="warning", kind="characters_removed")
        )
    try:
        _write_planned(layers, plan, fmt, outs, WriteOptions(meta, style), result.warnings)
    except BaseException:
        if own:
            outs.discard()
        raise
    if own:
        outs.commit()
    result.paths.append(plan.target)
    return result


def _write_planned(layers, plan: ExportPaths, fmt: str, outs: OutputSet, options, warnings):
    if fmt in ONE_FILE:
        _write_single_file(layers, outs.stage(plan.target), fmt, options, plan.target, warnings)
    elif plan.zipped:
        tmp = outs.scratch(plan.target)
        for name, frame in layers.items():
            stem = plan.target.stem if len(layers) == 1 else name
            inner = tmp / f"{stem}.shp"
            _write_one(frame, name, inner, fmt, warnings, plan.target / inner.name, options)
        outs.stage(plan.target).write_bytes(_zip_folder(tmp))
    elif not plan.folder:
        name, frame = next(iter(layers.items()))
        _write_one(frame, name, outs.stage(plan.target), fmt, warnings, plan.target, options)
    else:
        folder = outs.stage(plan.target)
        for name, frame in layers.items():
            file = f"{name}{SUFFIX[fmt]}"
            _write_one(frame, name, folder / file, fmt, warnings, plan.target / file, options)


def export_model(
    model,
    layer: str,
    fmt: str,
    path,
    *,
    overwrite: bool = False,
    zip: bool = False,
    style: StyleOptions | None = None,
    boundaries_licence: str | None = None,
    outputs: OutputSet | None = None,
) -> ExportResult:
    """Export layer(s) of a model: :func:`model_layers` then :func:`write_layers`.

    Every file carries the model's metadata (:func:`build_metadata`) and is
    styled as the map (``style``, default: the map's defaults).

    Examples
    --------
    >>> export_model(model, "all", "gpkg", "maps/son_la.gpkg")  # doctest: +SKIP
    """
    return write_layers(
        model_layers(model, layer), path, fmt, overwrite=overwrite, zip=zip,
        meta=build_metadata(model, boundaries_licence), style=style or StyleOptions(),
        outputs=outputs,
    )  # fmt: skip


def default_output(layer: str, fmt: str, zip: bool = False) -> Path:
    """Default ``--out``: ``maps/slmap_<layer>.<ext>`` (a folder for several files).

    Examples
    --------
    >>> default_output("all", "shp").as_posix(), default_output("all", "gpkg").as_posix()
    ('maps/slmap_all_shp', 'maps/slmap_all.gpkg')
    """
    if zip:
        return Path("maps") / f"slmap_{layer}_shp.zip"
    if layer == "all" and fmt not in ONE_FILE:
        return Path("maps") / f"slmap_all_{fmt}"
    return Path("maps") / f"slmap_{layer}{SUFFIX[fmt]}"
