"""Importing organisations, their names, parents and posts from one CSV (or spreadsheet) file,
all-or-nothing: every row is checked and written in one transaction; any bad row rejects the
file whole, with every problem named by row and field.

Each row is one fact, said by its ``record`` column (in file order, so a unit may follow the
organisation it belongs to):

=============  ========================================================================
record         columns read
=============  ========================================================================
organisation   ``key``, ``kind``, ``name`` (``name_kind``), ``parent``, ``from``, ``note``
name           ``key`` (any name of the organisation), ``name``, ``name_kind``, ``from``, ``to``
parent         ``key``, ``parent``, ``from``, ``to``
post           ``person`` (an id), ``key``, ``title``, ``command``, ``from``, ``to``
dissolution    ``key``, ``to`` (the date it ceased)
=============  ========================================================================

Every row may carry ``source`` (a source's name; required for a post), ``citation`` and
``confidence``. ``name_kind`` is hangul, english, alias or abbreviation (empty: hangul for a name
in Hangul, english otherwise).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from unforgotten.accountability.service import Accountability
from unforgotten.errors import BatchRejected, FieldErrors, NotFoundError, Problem, ValidationError
from unforgotten.ingest.readers import detect_format, read_table
from unforgotten.store.workspace import Workspace

__all__ = ["COLUMNS", "RECORDS", "OrgImport", "import_orgs"]

RECORDS = ("organisation", "name", "parent", "post", "dissolution")
COLUMNS = (
    "record",
    "key",
    "kind",
    "name",
    "name_kind",
    "parent",
    "person",
    "title",
    "command",
    "from",
    "to",
    "source",
    "citation",
    "confidence",
    "note",
)
_HANGUL = re.compile("[\uac00-\ud7a3]")
_YES = {"yes", "y", "true", "1", "command", "예"}
_NO = {"", "no", "n", "false", "0", "아니오"}


@dataclass(slots=True)
class OrgImport:
    """What an organisation file added, by kind of record."""

    file: str
    rows: int = 0
    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RECORDS, 0))

    def to_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return {"file": self.file, "rows": self.rows, "added": dict(self.added)}


def _name_kind(cells: dict[str, str]) -> str:
    given = cells.get("name_kind", "").strip()
    if given:
        return given
    return "hangul" if _HANGUL.search(cells.get("name", "")) else "english"


def _sourced(cells: dict[str, str]) -> dict[str, str]:
    return {
        "source": cells.get("source", "").strip(),
        "citation": cells.get("citation", "").strip(),
        "confidence": cells.get("confidence", "").strip() or "confirmed",
    }


def _organisation(acc: Accountability, cells: dict[str, str], why: str) -> None:
    basis = _sourced(cells)
    name = {"text": cells.get("name", ""), "kind": _name_kind(cells), "from": cells.get("from", ""), **basis}
    org_id = acc.add_org(
        cells.get("key", ""), kind=cells.get("kind", ""), names=[name], note=cells.get("note", ""), reason=why
    )
    if cells.get("parent", "").strip():
        acc.set_parent(
            str(org_id),
            cells["parent"],
            start=cells.get("from", ""),
            source=basis["source"] or None,
            citation=basis["citation"],
            confidence=basis["confidence"],
            reason=why,
        )


def _name(acc: Accountability, cells: dict[str, str], why: str) -> None:
    name = {
        "text": cells.get("name", ""),
        "kind": _name_kind(cells),
        "from": cells.get("from", ""),
        "to": cells.get("to", ""),
        **_sourced(cells),
    }
    acc.add_name(_required(cells, "key"), name, reason=why)


def _parent(acc: Accountability, cells: dict[str, str], why: str) -> None:
    basis = _sourced(cells)
    acc.set_parent(
        _required(cells, "key"),
        _required(cells, "parent"),
        start=cells.get("from", ""),
        end=cells.get("to", ""),
        source=basis["source"] or None,
        citation=basis["citation"],
        confidence=basis["confidence"],
        reason=why,
    )


def _post(acc: Accountability, cells: dict[str, str], why: str) -> None:
    person = _required(cells, "person")
    if not person.isdigit():
        raise FieldErrors({"person": "give the person's id (`unforgotten person show ID`)"}, what="post")
    command = cells.get("command", "").strip().casefold()
    if command not in _YES | _NO:
        raise FieldErrors({"command": "write yes or no"}, what="post")
    basis = _sourced(cells)
    acc.add_post(
        int(person),
        _required(cells, "key"),
        title=cells.get("title", ""),
        start=cells.get("from", ""),
        end=cells.get("to", ""),
        command=command in _YES,
        source=basis["source"] or None,
        citation=basis["citation"],
        confidence=basis["confidence"],
        reason=why,
    )


def _dissolution(acc: Accountability, cells: dict[str, str], why: str) -> None:
    acc.dissolve(_required(cells, "key"), on=_required(cells, "to"), reason=why)


def _required(cells: dict[str, str], column: str) -> str:
    value = cells.get(column, "").strip()
    if not value:
        raise FieldErrors({column: "is required for this record"}, what="row")
    return value


_WRITERS: dict[str, Callable[[Accountability, dict[str, str], str], None]] = {
    "organisation": _organisation,
    "name": _name,
    "parent": _parent,
    "post": _post,
    "dissolution": _dissolution,
}


def _problems(file: str, row: int, exc: ValidationError | NotFoundError) -> list[Problem]:
    if isinstance(exc, FieldErrors):
        return [Problem(file, row, column, "", why, code="bad_value") for column, why in exc.errors.items()]
    return [Problem(file, row, "(row)", "", str(exc), code="not_found")]


def _header(file: str, columns: tuple[str, ...]) -> None:
    unknown = [c for c in columns if c not in COLUMNS]
    if "record" not in columns or unknown:
        wrong = f"unknown columns {', '.join(unknown)}" if unknown else "no record column"
        reason = (
            f"the header does not fit: {wrong}; columns read: {', '.join(COLUMNS)} (docs/accountability.md)"
        )
        raise BatchRejected(file, [Problem(file, 1, "(header)", "", reason, code="bad_header")])


def import_orgs(ws: Workspace, path: Path) -> OrgImport:
    """Import the organisation file at ``path`` (see the module docstring)."""
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise NotFoundError(f"{path}: no such file") from None
    table = read_table(data, name=path.name, fmt=detect_format(path))
    _header(table.file, table.columns)
    done = OrgImport(table.file, len(table.rows))
    problems: list[Problem] = []
    with ws.write(action="org_import", subject=f"file:{table.file}") as w:
        acc = Accountability(ws).within(w)
        for row, cells in table.rows:
            record = cells.get("record", "").strip()
            writer = _WRITERS.get(record)
            if writer is None:
                reason = f"{record!r} is not a record kind; use one of {', '.join(RECORDS)}"
                problems.append(Problem(table.file, row, "record", "", reason, code="unknown_value"))
                continue
            try:
                writer(acc, cells, f"organisation file {table.file}, row {row}")
            except (ValidationError, NotFoundError) as exc:  # collected per row: the file is rejected whole
                problems += _problems(table.file, row, exc)
                continue
            done.added[record] += 1
        if problems:
            raise BatchRejected(table.file, problems)
    return done
