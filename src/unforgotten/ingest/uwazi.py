"""Uwazi collections: its CSV export (alone, or in a ZIP with the files) and its entities JSON.

A CSV export has the header ``Title``, ``Date added``, ``Template``, one column per template
property under its label, then ``Geolocation``, ``Documents``, ``Attachments``, ``Published``; the
common headers may be in the collection's language (:data:`COMMON_HEADERS`). The JSON is the
entities as Uwazi's API returns them (a list, or ``{"rows": [...]}``), with its templates and
thesauri JSON beside it (``templates.json``, ``thesauri.json``), which also tell a CSV's property
types when they are there.

Each entity becomes one row of a canonical table (:func:`to_table`): its title is the name, the
properties the mapping names (:data:`PROPERTY_ALIASES` by default) feed the canonical columns,
and every property is also kept verbatim under its label. Each template is imported as persons
(``person``) or left out (``skip``, counted and reported): see :class:`UwaziOptions`.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from unforgotten.errors import ValidationError
from unforgotten.ingest.columns import CANONICAL_COLUMNS, header_key
from unforgotten.ingest.mapping import Mapping, read_toml
from unforgotten.ingest.readers import RawTable, read_table
from unforgotten.ingest.uwazi_headers import (
    COMMON,
    COMMON_HEADERS,
    PERSON_TEMPLATES,
    PROPERTY_ALIASES,
    RELATIONSHIP_LABELS,
    UNPUBLISHED,
)
from unforgotten.ingest.uwazi_values import (
    DEFAULT_DATE_FORMAT,
    PARENT_CHILD,
    file_name,
    first_value,
    iso_dates,
    json_cell,
    leaf,
    split_multi,
)

__all__ = [
    "COMMON_HEADERS",
    "PROPERTY_ALIASES",
    "UwaziCollection",
    "UwaziEntity",
    "UwaziOptions",
    "read_collection",
    "to_table",
]

_DATES = ("birth_date", "event_date")
_CODES = ("sex", "case_type", "status")
_PLACES = ("birth_place", "event_place")
_KINDS = ("person", "skip")


@dataclass(frozen=True)
class UwaziOptions:
    """The ``[uwazi]`` table of a mapping file.

    ``date_format`` is the collection's (``DD/MM/YYYY`` …; default ``YYYY-MM-DD``);
    ``record_id`` the property whose value is the row's id (default: a property named like an id,
    else the entity's ``sharedId`` in JSON and its title in CSV); ``relationships`` the relationship
    properties (by label) where the templates JSON does not say; ``templates`` maps a template's
    name to ``person`` or ``skip`` (default: victim-like names are persons, other templates are
    left out and reported); ``templates_file`` and ``thesauri_file`` name the JSON beside the file.
    """

    date_format: str = DEFAULT_DATE_FORMAT
    record_id: str | None = None
    relationships: frozenset[str] = frozenset()
    templates: dict[str, str] = field(default_factory=dict)
    templates_file: str = "templates.json"
    thesauri_file: str = "thesauri.json"

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, origin: str) -> UwaziOptions:
        """Read and check the ``[uwazi]`` table."""
        known = {"date_format", "record_id", "relationships", "templates", "templates_file", "thesauri_file"}
        if unknown := sorted(set(data) - known):
            raise ValidationError(f"{origin}: [uwazi] unknown key(s) {unknown}; use {sorted(known)}")
        templates = data.get("templates", {})
        if not isinstance(templates, dict) or any(v not in _KINDS for v in templates.values()):
            raise ValidationError(
                f"{origin}: [uwazi.templates] maps a template name to one of {', '.join(_KINDS)}"
            )
        relationships = data.get("relationships", [])
        if not isinstance(relationships, list) or not all(isinstance(r, str) for r in relationships):
            raise ValidationError(f"{origin}: [uwazi] relationships must be a list of property labels")
        date_format = str(data.get("date_format", DEFAULT_DATE_FORMAT))
        if not all(token in date_format.upper() for token in ("YYYY", "MM", "DD")):
            raise ValidationError(f"{origin}: [uwazi] date_format {date_format!r} needs YYYY, MM and DD")
        return cls(
            date_format,
            data.get("record_id"),
            frozenset(relationships),
            {str(k): str(v) for k, v in templates.items()},
            str(data.get("templates_file", "templates.json")),
            str(data.get("thesauri_file", "thesauri.json")),
        )

    def kind(self, template: str) -> str:
        """``person`` or ``skip`` for a template's name."""
        if template in self.templates:
            return self.templates[template]
        return "person" if header_key(template) in PERSON_TEMPLATES else "skip"


def load_mapping(path: Path | None) -> tuple[Mapping, UwaziOptions]:
    """A mapping file's column rules and its ``[uwazi]`` options (both defaults without a file)."""
    if path is None:
        return Mapping(), UwaziOptions()
    data = read_toml(path)
    options = data.pop("uwazi", {})
    if not isinstance(options, dict):
        raise ValidationError(f"{path}: [uwazi] must be a table")
    return Mapping.from_dict(data, origin=str(path)), UwaziOptions.from_dict(options, origin=str(path))


@dataclass(frozen=True, slots=True)
class UwaziEntity:
    """One entity: its row (line or position), id, title, template, property cells by label (as
    Uwazi's CSV writes them), the common cells by header, and its files by name."""

    row: int
    record_id: str
    title: str
    template: str
    cells: dict[str, str]
    common: dict[str, str]
    documents: tuple[str, ...]
    attachments: tuple[str, ...]
    published: bool


@dataclass(frozen=True)
class UwaziCollection:
    """The entities of one export, the relationship properties, and where its files are."""

    file: str
    format: str
    encoding: str
    entities: tuple[UwaziEntity, ...]
    relationships: frozenset[str]
    labels: tuple[str, ...]
    archive: bytes | None = None  # the ZIP the export came in (its files are read from it)
    folder: Path | None = None

    def file_bytes(self, name: str) -> bytes | None:
        """The bytes of a document or attachment by file name, from the ZIP or the folder."""
        if self.archive is not None:
            with zipfile.ZipFile(io.BytesIO(self.archive)) as archive:
                for info in archive.infolist():
                    if not info.is_dir() and PurePosixPath(info.filename).name == name:
                        return archive.read(info)
        if self.folder is not None:
            candidate = self.folder / name
            if candidate.is_file() and candidate.resolve().parent == self.folder.resolve():
                return candidate.read_bytes()
        return None


def _read_json(data: bytes, name: str) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"{name}: not valid UTF-8 JSON ({exc})") from exc


def _rows(parsed: Any, name: str) -> list[dict[str, Any]]:
    rows = parsed.get("rows") if isinstance(parsed, dict) else parsed
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ValidationError(f"{name}: expected a list of objects (or an object with 'rows')")
    return rows


@dataclass(frozen=True)
class _Schema:
    """Templates (by id: name and properties) and thesaurus labels (by value id)."""

    templates: dict[str, dict[str, Any]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def property_types(self) -> dict[str, str]:
        return {
            str(p.get("label")): str(p.get("type"))
            for t in self.templates.values()
            for p in t.get("properties", [])
            if isinstance(p, dict)
        }


def _thesaurus_labels(values: list[Any], parent: str = "") -> dict[str, str]:
    labels: dict[str, str] = {}
    for value in values:
        if not isinstance(value, dict):
            continue
        label = str(value.get("label", ""))
        if value.get("values"):
            labels |= _thesaurus_labels(value["values"], label)
        labels[str(value.get("id"))] = f"{parent}{PARENT_CHILD}{label}" if parent else label
    return labels


def _schema(read: Any, options: UwaziOptions) -> _Schema:
    templates_data, thesauri_data = read(options.templates_file), read(options.thesauri_file)
    templates = {}
    if templates_data is not None:
        for t in _rows(_read_json(templates_data, options.templates_file), options.templates_file):
            templates[str(t.get("_id"))] = t
    labels: dict[str, str] = {}
    if thesauri_data is not None:
        for thesaurus in _rows(_read_json(thesauri_data, options.thesauri_file), options.thesauri_file):
            labels |= _thesaurus_labels(thesaurus.get("values", []))
    return _Schema(templates, labels)


def _common_columns(columns: tuple[str, ...], name: str) -> dict[str, str]:
    found = {COMMON[header_key(c)]: c for c in columns if header_key(c) in COMMON}
    if "title" not in found or "template" not in found:
        raise ValidationError(
            f"{name}: not an Uwazi CSV export: row 1 has no Title and Template columns "
            f"(or their translation); found {list(columns)[:8]}"
        )
    return found


def _csv_entities(table: RawTable, options: UwaziOptions) -> tuple[list[UwaziEntity], tuple[str, ...]]:
    common = _common_columns(table.columns, table.file)
    headers = set(common.values())
    labels = tuple(c for c in table.columns if c not in headers)
    entities = []
    for row, cells in table.rows:
        get = cells.get
        title = get(common["title"], "").strip()
        entities.append(
            UwaziEntity(
                row,
                get(options.record_id, "").strip() if options.record_id else title,
                title,
                get(common["template"], "").strip(),
                {label: cells[label] for label in labels},
                {c: cells[c] for k, c in common.items() if k != "title"},
                tuple(file_name(d) for d in split_multi(get(common.get("documents", ""), ""))),
                tuple(file_name(a) for a in split_multi(get(common.get("attachments", ""), ""))),
                header_key(get(common.get("published", ""), "")) not in UNPUBLISHED,
            )
        )
    return entities, labels


def _json_entity(position: int, raw: dict[str, Any], schema: _Schema, options: UwaziOptions) -> UwaziEntity:
    template = schema.templates.get(str(raw.get("template")), {})
    properties = [p for p in template.get("properties", []) if isinstance(p, dict)]
    metadata = raw.get("metadata") or {}
    cells = {
        str(p.get("label")): json_cell(
            str(p.get("type")),
            metadata.get(p.get("name")) or [],
            date_format=options.date_format,
            labels=schema.labels,
        )
        for p in properties
    }
    documents = tuple(str(d.get("originalname") or d.get("filename")) for d in raw.get("documents") or [])
    attachments = tuple(str(a.get("originalname") or a.get("filename")) for a in raw.get("attachments") or [])
    created = raw.get("creationDate")
    common = {
        "Date added": json_cell(
            "date", [{"value": created / 1000}], date_format=options.date_format, labels={}
        )
        if isinstance(created, int | float)
        else "",
        "Template": str(template.get("name", raw.get("template", ""))),
        "Documents": "|".join(f"/files/{d}" for d in documents),
        "Attachments": "|".join(attachments),
        "Published": "Published" if raw.get("published") else "Unpublished",
    }
    record_id = cells.get(options.record_id, "") if options.record_id else str(raw.get("sharedId") or "")
    return UwaziEntity(
        position,
        record_id.strip(),
        str(raw.get("title") or "").strip(),
        common["Template"],
        cells,
        common,
        documents,
        attachments,
        bool(raw.get("published")),
    )


def _inside_zip(data: bytes, name: str) -> tuple[str, bytes, Any]:
    """The export file inside a ZIP (``import.csv``, else its one CSV or entities JSON) and a reader
    of the other files in it by name."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ValidationError(f"{name}: not a readable ZIP file ({exc})") from exc
    with archive:
        files = {PurePosixPath(i.filename).name: i for i in archive.infolist() if not i.is_dir()}
        tables = [n for n in files if n.lower().endswith(".csv")]
        chosen = "import.csv" if "import.csv" in files else (tables[0] if len(tables) == 1 else None)
        if chosen is None:
            jsons = [
                n
                for n in files
                if n.lower().endswith(".json") and n not in ("templates.json", "thesauri.json")
            ]
            chosen = jsons[0] if len(jsons) == 1 else None
        if chosen is None:
            raise ValidationError(
                f"{name}: the ZIP holds no import.csv (and not exactly one CSV or entities JSON)"
            )
        contents = {n: archive.read(i) for n, i in files.items() if n.endswith((".csv", ".json"))}
    return chosen, contents[chosen], contents.get


def read_collection(data: bytes, *, name: str, options: UwaziOptions, folder: Path | None) -> UwaziCollection:
    """Read an Uwazi export (CSV, entities JSON, or a ZIP holding one and its files)."""
    archive = data if name.lower().endswith(".zip") else None
    if archive is not None:
        inner, data, read_inner = _inside_zip(archive, name)
    else:
        inner, read_inner = name, None
    here = folder

    def read(file: str) -> bytes | None:
        if read_inner is not None and (found := read_inner(file)) is not None:
            return bytes(found)
        path = (here / file) if here else None
        return path.read_bytes() if path is not None and path.is_file() else None

    schema = _schema(read, options)
    types = schema.property_types()
    if inner.lower().endswith(".json"):
        raws = _rows(_read_json(data, name), name)
        entities = [_json_entity(n, raw, schema, options) for n, raw in enumerate(raws, start=1)]
        labels = tuple(dict.fromkeys(label for e in entities for label in e.cells))
        fmt, encoding = "uwazi-json", "utf-8"
    else:
        table = read_table(data, name=name, fmt="csv")
        entities, labels = _csv_entities(table, options)
        fmt, encoding = "uwazi-csv", table.encoding
    relationships = frozenset(
        label
        for label in labels
        if label in options.relationships
        or types.get(label) == "relationship"
        or (label not in types and header_key(label) in RELATIONSHIP_LABELS)
    )
    return UwaziCollection(name, fmt, encoding, tuple(entities), relationships, labels, archive, folder)


def _canonical_sources(
    collection: UwaziCollection, mapping: Mapping, options: UwaziOptions
) -> dict[str, str]:
    """Canonical column → the property label that feeds it."""
    sources = {c: label for c, label in mapping.columns.items()}
    taken = (
        set(sources.values())
        | collection.relationships
        | ({options.record_id} if options.record_id else set())
    )
    for label in collection.labels:
        canonical = PROPERTY_ALIASES.get(header_key(label))
        if canonical and canonical not in sources and label not in taken:
            sources[canonical] = label
            taken.add(label)
    return sources


def _canonical_value(column: str, cell: str, options: UwaziOptions) -> str:
    if column in _DATES:
        return iso_dates(cell, options.date_format)
    if column in _CODES:
        return leaf(first_value(cell))
    if column in _PLACES:
        return first_value(cell).replace(PARENT_CHILD, " ")
    if column == "aliases":
        return "|".join(leaf(v) for v in split_multi(cell))
    return cell.strip()


def _extra_name(label: str) -> str:
    return f"uwazi: {label}" if label in CANONICAL_COLUMNS else label


def to_table(
    collection: UwaziCollection, mapping: Mapping, options: UwaziOptions
) -> tuple[RawTable, Mapping, dict[str, int]]:
    """The canonical table of the entities imported as persons, the rules to validate it with,
    and the number of entities left out per template."""
    sources = _canonical_sources(collection, mapping, options)
    for column, label in mapping.columns.items():
        if label not in collection.labels and label not in ("Title",):
            raise ValidationError(
                f"{mapping.origin}: [columns] {column} = {label!r}: the export has no such property"
            )
    extras = [_extra_name(label) for label in collection.labels]
    commons = list(dict.fromkeys(h for e in collection.entities for h in e.common))
    columns = (*CANONICAL_COLUMNS, *extras, *commons)
    rows: list[tuple[int, dict[str, str]]] = []
    skipped: dict[str, int] = {}
    for entity in collection.entities:
        if options.kind(entity.template) == "skip":
            skipped[entity.template] = skipped.get(entity.template, 0) + 1
            continue
        cells = dict.fromkeys(CANONICAL_COLUMNS, "")
        cells["record_id"], cells["full_name"] = entity.record_id, entity.title
        for column, label in sources.items():
            cells[column] = _canonical_value(column, entity.cells.get(label, ""), options)
        cells |= {_extra_name(label): value for label, value in entity.cells.items()}
        cells |= {header: entity.common.get(header, "") for header in commons}
        rows.append((entity.row, cells))
    if not rows:
        raise ValidationError(
            f"{collection.file}: no entity of a template imported as persons (templates: "
            f"{sorted(skipped)}); map them in [uwazi.templates]"
        )
    table = RawTable(collection.file, collection.format, columns, tuple(rows), collection.encoding)
    rules = Mapping({}, mapping.values, mapping.defaults, mapping.protected, mapping.origin, mapping.calendar)
    return table, rules, skipped
