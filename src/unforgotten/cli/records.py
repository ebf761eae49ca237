"""Workbench commands: enter, correct, review, restore and retire persons, cases, incidents and
sources, every change a new version (the CLI twin of the web forms, through the same service).

``person`` keeps its old form: ``unforgotten person 12`` is ``unforgotten person show 12``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.table import Table
from typer import _click
from typer.core import TyperGroup

from unforgotten.cli.context import ActorOption, KeyFileOption, RoleOption, open_workspace
from unforgotten.cli.options import DbOption, JsonOption, console, print_json
from unforgotten.domain.roles import Permission
from unforgotten.errors import FieldErrors, StaleVersionError, ValidationError
from unforgotten.records import FIELDS, Provenance, Records, Saved
from unforgotten.records.consent import consent_of, set_consent
from unforgotten.records.purge import purge_protected
from unforgotten.store import queries

__all__ = ["register"]

ReasonOption = Annotated[str, typer.Option("--reason", help="Why (required; kept with the version).")]
ExpectOption = Annotated[
    int | None,
    typer.Option("--expect-version", help="Refuse the change unless the record is still at this version."),
]
SourceOption = Annotated[
    str | None,
    typer.Option("--source", help="The source that supports the values (default: the record's own)."),
]
ConfidenceOption = Annotated[
    str, typer.Option("--confidence", help="confirmed, probable, possible or contested.")
]
CitationOption = Annotated[str, typer.Option("--citation", help="Page, paragraph or minute in the source.")]


IdArgument = Annotated[int, typer.Argument(help="The record's id.")]


class _ShowByDefault(TyperGroup):
    """A group whose first argument may be an id: ``person 12`` runs ``person show 12``."""

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        if args and args[0].isdigit():
            args = ["show", *args]
        return super().parse_args(ctx, args)


@contextmanager
def _answer(as_json: bool) -> Iterator[None]:
    """With ``--json``, a refused save is answered in JSON too (and still exits non-zero)."""
    try:
        yield
    except StaleVersionError as exc:
        if as_json:
            print_json(
                {
                    "ok": False,
                    "error": "stale_version",
                    "message": str(exc),
                    "expected": exc.expected,
                    "current": exc.current,
                    "theirs": exc.theirs,
                    "mine": exc.mine,
                }
            )
        raise
    except FieldErrors as exc:
        if as_json:
            print_json({"ok": False, "error": "invalid", "message": str(exc), "errors": exc.errors})
        raise


def _saved(saved: Saved, as_json: bool, verb: str) -> None:
    if as_json:
        print_json(saved.to_dict())
        return
    changed = f" ({', '.join(saved.changed)})" if saved.changed else ""
    console.print(
        f"{verb} {saved.kind} {saved.row_id}: version {saved.version}, {saved.state}{changed}",
        highlight=False,
    )


def _settings(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        field, sep, value = pair.partition("=")
        if not sep or not field.strip():
            raise ValidationError(f"--set {pair!r}: write FIELD=VALUE (an empty VALUE clears the field)")
        out[field.strip()] = value
    return out


def _service(db: str | None, key_file: str | None, actor: str | None, role: str | None) -> Records:
    return Records(open_workspace(db, key_file, actor, role))


def _print_document(shown: dict[str, Any]) -> None:
    kind, doc = shown["kind"], shown["document"]
    console.print(
        f"[bold]{kind} {shown['id']}[/] version {shown['version']}, {shown['state']}"
        + (f" (retired: {shown['retired_reason']})" if shown["retired_reason"] else ""),
        highlight=False,
    )
    for field in FIELDS[kind]:
        if doc.get(field):
            console.print(f"  {field}: {doc[field]}", highlight=False)
    for status in doc.get("statuses", []):
        console.print(
            f"  status {status['date'] or '(undated)'}: {status['status']} {status['note']}".rstrip(),
            highlight=False,
        )
    for act in doc.get("acts", []):
        console.print(
            f"  act {act['id']}: {act['violation']} to person {act['victim_id']}"
            + (f" by {act['perpetrator']}" if act["perpetrator"] else "")
            + (f", {act['date']}" if act["date"] else "")
            + (f", {act['place']}" if act["place"] else ""),
            highlight=False,
        )
    for value in shown["values"]:
        mark = "*" if value["preferred"] else " "
        console.print(
            f" {mark}{value['field']} = {value['value']!r} — {value['source']}, {value['confidence']}"
            + (f", {value['citation']}" if value["citation"] else "")
            + f" (value {value['id']})",
            highlight=False,
        )


def _print_history(rows: list[dict[str, Any]]) -> None:
    table = Table("version", "when", "who", "state", "reason", "changes")
    for r in rows:
        changes = "; ".join(
            f"{f}: {old!r} → {new!r}"
            for f, (old, new) in r["changes"].items()
            if f not in ("statuses", "acts")
        )
        extra = [f for f in ("statuses", "acts") if f in r["changes"]]
        table.add_row(
            str(r["version"]),
            (r["at"] or "")[:19],
            r["actor"] or "",
            r["state"],
            r["reason"] or "",
            "; ".join(filter(None, [changes, *(f"{f} changed" for f in extra)])),
        )
    console.print(table)


# ---------------------------------------------------------------------------------- per kind
def _kind_commands(group: typer.Typer, kind: str) -> None:
    """show, history, edit, restore, retire and approve for one kind of record."""

    def history(
        row_id: IdArgument,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        rows = _service(db, None, None, None).history(kind, row_id)
        if as_json:
            print_json(rows)
        else:
            _print_history(rows)

    def edit(
        row_id: IdArgument,
        set_: Annotated[list[str], typer.Option("--set", help="FIELD=VALUE; repeat for several fields.")],
        reason: ReasonOption,
        expect_version: ExpectOption = None,
        source: SourceOption = None,
        confidence: ConfidenceOption = "confirmed",
        citation: CitationOption = "",
        keep_preferred: Annotated[
            bool, typer.Option("--beside", help="Keep the values beside the shown ones, not in their place.")
        ] = False,
        db: DbOption = None,
        key_file: KeyFileOption = None,
        actor: ActorOption = None,
        role: RoleOption = None,
        as_json: JsonOption = False,
    ) -> None:
        with _answer(as_json):
            saved = _service(db, key_file, actor, role).edit(
                kind,
                row_id,
                _settings(set_),
                reason=reason,
                expect_version=expect_version,
                provenance=Provenance(
                    source=source, confidence=confidence, citation=citation, preferred=not keep_preferred
                ),
            )
        _saved(saved, as_json, "saved")

    def restore(
        row_id: IdArgument,
        version: Annotated[int, typer.Option("--version", help="The version to bring back.")],
        reason: ReasonOption,
        db: DbOption = None,
        actor: ActorOption = None,
        role: RoleOption = None,
        as_json: JsonOption = False,
    ) -> None:
        with _answer(as_json):
            saved = _service(db, None, actor, role).restore(kind, row_id, version=version, reason=reason)
        _saved(saved, as_json, "restored")

    def retire(
        row_id: IdArgument,
        reason: ReasonOption,
        expect_version: ExpectOption = None,
        db: DbOption = None,
        actor: ActorOption = None,
        role: RoleOption = None,
        as_json: JsonOption = False,
    ) -> None:
        with _answer(as_json):
            saved = _service(db, None, actor, role).retire(
                kind, row_id, reason=reason, expect_version=expect_version
            )
        _saved(saved, as_json, "retired")

    def approve(
        row_id: IdArgument,
        reason: Annotated[str, typer.Option("--reason", help="A note for the record (optional).")] = "",
        expect_version: ExpectOption = None,
        db: DbOption = None,
        actor: ActorOption = None,
        role: RoleOption = None,
        as_json: JsonOption = False,
    ) -> None:
        with _answer(as_json):
            saved = _service(db, None, actor, role).approve(
                kind, row_id, reason=reason, expect_version=expect_version
            )
        _saved(saved, as_json, "approved")

    name = kind
    field = {
        "person": "birth_place=함경북도",
        "case": "event_place=함경북도",
        "incident": "description=As told",
        "source": "description=Kept since 2003",
    }[kind]
    history.__doc__ = f"""Every version of a {name}: who changed which fields, when and why.

    Example:
        unforgotten {name} history 1 --json
    """
    edit.__doc__ = f"""Change fields of a {name}: a new version, with the source of the values.

    Fields: {", ".join(FIELDS[kind])}. With --expect-version, a {name} saved by someone else
    since is left unchanged and the command exits 11 naming both versions. A value from another
    --source never overwrites: both are kept, the new one shown unless --beside.

    Example:
        unforgotten {name} edit 1 --set {field} --reason "correction" --expect-version 1
    """
    restore.__doc__ = f"""Bring back the fields of an earlier version of a {name}, as a new version.

    Example:
        unforgotten {name} edit 1 --set {field} --reason "correction"
        unforgotten {name} restore 1 --version 1 --reason "the correction was wrong"
    """
    retire.__doc__ = f"""Retire a {name} with a reason: kept and shown as retired, left out of estimates.

    Example:
        unforgotten {name} retire 1 --reason "entered twice"
    """
    approve.__doc__ = f"""Approve a {name} that someone else entered or changed (the review right).

    Example:
        unforgotten {name} edit 1 --set {field} --reason "correction" --as officer.kim
        unforgotten {name} approve 1 --as reviewer.park --role documenter
    """
    if kind != "person":

        def show(
            row_id: IdArgument,
            db: DbOption = None,
            as_json: JsonOption = False,
        ) -> None:
            shown = _service(db, None, None, None).show(kind, row_id)
            if as_json:
                print_json(shown)
            else:
                _print_document(shown)

        show.__doc__ = f"""Show a {name}: its fields, version, review state and the source of each value.

    Example:
        unforgotten {name} show 1 --json
    """
        group.command("show")(show)
    group.command("history")(history)
    group.command("edit")(edit)
    group.command("restore")(restore)
    group.command("retire")(retire)
    group.command("approve")(approve)


# ---------------------------------------------------------------------------------- persons
def person_show(
    person_id: Annotated[int, typer.Argument(help="Person id.")],
    protected: Annotated[
        bool, typer.Option("--show-protected", help="Show informant fields (audited).")
    ] = False,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one person: names, cases, the source records behind them, version and review state.

    `unforgotten person 12` is the same as `unforgotten person show 12`.

    Example:
        unforgotten person 12
        unforgotten person show 12 --json
        unforgotten person 12 --show-protected --as officer.kim --role documenter
    """
    ws = open_workspace(db, key_file, actor, role)
    ws.require(Permission.READ)
    entry = Records(ws).show("person", person_id)  # first: refuses what the role may not see
    with ws.read() as conn:
        detail = queries.person_detail(conn, person_id)
        if protected:
            ws.require(Permission.READ_PROTECTED)
            secret = queries.protected_of_records(conn, ws.keyring, [r["id"] for r in detail["records"]])
            for record in detail["records"]:
                record["protected"] = secret.get(record["id"], {})
    if protected:
        ws.audit(
            action="read_protected",
            subject=f"person:{person_id}",
            detail={"records": [r["id"] for r in detail["records"]]},
        )
    detail.update(
        {k: entry[k] for k in ("version", "state", "author", "reviewed_by", "retired_reason", "values")}
    )
    if as_json:
        print_json(detail)
        return
    _print_person(detail)


def _print_person(detail: dict[str, Any]) -> None:
    p = detail["person"]
    console.print(
        f"[bold]{p['primary_name']}[/] (person {p['id']}), sex {p['sex']}, born {p['birth_date_raw'] or '?'}"
        f" — version {detail['version']}, {detail['state']}"
    )
    if detail["retired_reason"]:
        console.print(f"Retired: {detail['retired_reason']}", highlight=False)
    if p["merged_into"]:
        console.print(f"Merged into person {p['merged_into']}: show that person for the whole record.")
    elif len(detail["members"]) > 1:
        console.print("Made of persons " + ", ".join(str(m) for m in detail["members"]) + " (merged)")
    console.print("Names: " + " · ".join(n["text"] for n in detail["names"]))
    for event in detail["events"]:
        cases = ", ".join(str(i) for i in event["case_ids"])
        records = ", ".join(str(i) for i in event["source_record_ids"]) or "none"
        console.print(
            f"Event: {event['case_type']}, {' / '.join(event['statuses'])}, "
            f"{' / '.join(event['event_dates']) or 'date unknown'} "
            f"(cases {cases}; record store ids {records})",
            highlight=False,
        )
    for record in detail["records"]:
        line = (
            f"Record {record['source']} / {record['record_id']}: store id {record['id']}, "
            f"imported as person {record['person_id']} "
            f"(row {record['row_number']}, batch {record['batch_id']})"
        )
        console.print(
            line + (f" protected: {record['protected']}" if "protected" in record else ""), highlight=False
        )


def person_add(
    name: Annotated[str, typer.Option("--name", help="The name as written, in any script.")],
    source: Annotated[
        str, typer.Option("--source", help="The source the person is entered from (existing).")
    ],
    reason: ReasonOption,
    name_hangul: Annotated[str, typer.Option("--name-hangul", help="The name in Hangul.")] = "",
    name_system: Annotated[
        str, typer.Option("--name-system", help="Romanization of --name: rr, mr, dprk, kps …")
    ] = "",
    alias: Annotated[list[str] | None, typer.Option("--alias", help="Another name; repeat.")] = None,
    sex: Annotated[str, typer.Option("--sex", help="M, F or U (also 남/여).")] = "",
    birth_date: Annotated[
        str, typer.Option("--birth-date", help="Partial date: 1977, 1977-08, 1977년 8월 …")
    ] = "",
    birth_place: Annotated[
        str, typer.Option("--birth-place", help="Any spelling; resolved in the gazetteer.")
    ] = "",
    case_type: Annotated[str, typer.Option("--case-type", help="Opens a case of this type.")] = "",
    event_date: Annotated[str, typer.Option("--event-date", help="When the case's event happened.")] = "",
    event_place: Annotated[str, typer.Option("--event-place", help="Where it happened.")] = "",
    status: Annotated[str, typer.Option("--status", help="The case's status (default unresolved).")] = "",
    confidence: ConfidenceOption = "confirmed",
    citation: CitationOption = "",
    informant: Annotated[
        bool,
        typer.Option("--informant", help="Ask for the informant's name and contact (hidden; encrypted)."),
    ] = False,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Enter a new person (a draft until a second person approves it), with a case if --case-type.

    Names in any script; dates as the importer reads them; the informant's identity is asked for
    with --informant (never put it on the command line: shells keep their history).

    Example:
        unforgotten source add "Testimonies 2024" --kind testimonies --organisation NKDB
        unforgotten person add --name "Kim Chol-su" --name-hangul 김철수 --sex M \\
            --birth-date 1977-08 --case-type abductee_postwar --event-date 1977 \\
            --source "Testimonies 2024" --reason "testimony of 2 March" --json
    """
    values = {
        "name": name,
        "name_hangul": name_hangul,
        "name_system": name_system,
        "aliases": "|".join(alias or []),
        "sex": sex,
        "birth_date": birth_date,
        "birth_place": birth_place,
    }
    if informant:
        values["informant_name"] = typer.prompt(
            "Informant's name", default="", hide_input=True, show_default=False
        )
        values["informant_contact"] = typer.prompt(
            "Informant's contact", default="", hide_input=True, show_default=False
        )
    case = {"case_type": case_type, "event_date": event_date, "event_place": event_place, "status": status}
    with _answer(as_json):
        saved = _service(db, key_file, actor, role).add_person(
            values,
            source=source,
            reason=reason,
            case=case if case_type or event_date or event_place else None,
            provenance=Provenance(confidence=confidence, citation=citation),
        )
    _saved(saved, as_json, "entered")


# ---------------------------------------------------------------------------------- sources
def source_add(
    name: Annotated[str, typer.Argument(help="The source's name (unique).")],
    kind: Annotated[str, typer.Option("--kind", help="list, testimonies or document.")],
    organisation: Annotated[str, typer.Option("--organisation", help="Who keeps it.")] = "",
    confidentiality: Annotated[
        str, typer.Option("--confidentiality", help="public, restricted or confidential.")
    ] = "restricted",
    description: Annotated[str, typer.Option("--description", help="What it is.")] = "",
    reason: Annotated[str, typer.Option("--reason", help="Why (kept with the version).")] = "",
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a source: a list, a testimony collection or a document; `--source NAME` elsewhere names it.

    Example:
        unforgotten source add "Testimonies 2024" --kind testimonies --organisation NKDB
    """
    with _answer(as_json):
        saved = _service(db, None, actor, role).add_source(
            name,
            kind=kind,
            organisation=organisation,
            confidentiality=confidentiality,
            description=description,
            reason=reason,
        )
    _saved(saved, as_json, "added")


def source_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the sources with their kind, organisation, confidentiality and record count.

    Example:
        unforgotten source list --json
    """
    ws = open_workspace(db)
    ws.require(Permission.READ)
    with ws.read() as conn:
        rows = queries.source_rows(conn)
    if as_json:
        print_json(rows)
        return
    table = Table("id", "name", "kind", "organisation", "confidentiality", "records")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["name"],
            r["kind"],
            r["organisation"] or "",
            r["confidentiality"],
            str(r["records"]),
        )
    console.print(table)


# ---------------------------------------------------------------------------------- cases
def case_add(
    person_id: Annotated[int, typer.Argument(help="The person the case is about.")],
    case_type: Annotated[str, typer.Option("--case-type", help="Case type (vocabulary).")],
    reason: ReasonOption,
    event_date: Annotated[str, typer.Option("--event-date", help="Partial date.")] = "",
    event_place: Annotated[str, typer.Option("--event-place", help="Any spelling.")] = "",
    status: Annotated[str, typer.Option("--status", help="First status (default unresolved).")] = "",
    source: SourceOption = None,
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Open a new case of a person (a draft).

    Example:
        unforgotten case add 1 --case-type detainee --event-date 2019-05 --reason "second testimony"
    """
    with _answer(as_json):
        saved = _service(db, None, actor, role).add_case(
            person_id,
            {"case_type": case_type, "event_date": event_date, "event_place": event_place},
            reason=reason,
            source=source,
            status=status,
        )
    _saved(saved, as_json, "opened")


def case_status(
    case_id: Annotated[int, typer.Argument(help="Case id.")],
    status: Annotated[str, typer.Option("--status", help="alive, deceased, disputed, released …")],
    reason: ReasonOption,
    date: Annotated[str, typer.Option("--date", help="When (partial date).")] = "",
    note: Annotated[str, typer.Option("--note", help="e.g. 'per the DPRK', 'disputed by the family'.")] = "",
    source: SourceOption = None,
    expect_version: ExpectOption = None,
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a dated step to a case's status history (the case shows the latest).

    Example:
        unforgotten case status 1 --status deceased --date 2004 --note "per the DPRK" \\
            --reason "2004 DPRK notice"
    """
    with _answer(as_json):
        saved = _service(db, None, actor, role).add_status(
            case_id,
            status=status,
            date=date,
            note=note,
            source=source,
            reason=reason,
            expect_version=expect_version,
        )
    _saved(saved, as_json, "saved")


# ---------------------------------------------------------------------------------- incidents
def _acts(specs: list[str]) -> list[dict[str, str]]:
    acts = []
    for spec in specs:
        act: dict[str, str] = {}
        for part in spec.split(";"):
            key, sep, value = part.partition("=")
            if not sep:
                raise ValidationError(f"--act {spec!r}: write violation=CODE;perpetrator=TEXT;date=…;place=…")
            act[key.strip()] = value.strip()
        acts.append(act)
    return acts


def incident_add(
    case_id: Annotated[int, typer.Argument(help="The case the incident belongs to.")],
    title: Annotated[str, typer.Option("--title", help="What happened, in a few words.")],
    act: Annotated[
        list[str],
        typer.Option(
            "--act", help="violation=CODE;victim_id=N;perpetrator=TEXT;date=…;place=…;description=…"
        ),
    ],
    reason: ReasonOption,
    date: Annotated[str, typer.Option("--date", help="Partial date or range (1977-08 ~ 1977-09).")] = "",
    place: Annotated[str, typer.Option("--place", help="Any spelling.")] = "",
    description: Annotated[str, typer.Option("--description", help="What the sources say happened.")] = "",
    source: SourceOption = None,
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record an incident of a case, made of acts (a violation done to a victim, by a perpetrator).

    Violation codes come from the shipped vocabulary (`NKV-F1` enforced disappearance …); the
    victim is the case's person unless victim_id names another.

    Example:
        unforgotten incident add 1 --title "Taken from a fishing boat" --date 1977-08 \\
            --act "violation=NKV-F1;perpetrator=State Security Department" --reason "testimony"
    """
    with _answer(as_json):
        saved = _service(db, None, actor, role).add_incident(
            case_id,
            {"title": title, "date": date, "place": place, "description": description},
            acts=list(_acts(act)),
            reason=reason,
            source=source,
        )
    _saved(saved, as_json, "recorded")


def incident_act(
    incident_id: Annotated[int, typer.Argument(help="Incident id.")],
    act: Annotated[
        str, typer.Option("--act", help="violation=CODE;victim_id=N;perpetrator=TEXT;date=…;place=…")
    ],
    reason: ReasonOption,
    expect_version: ExpectOption = None,
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add one act to an incident.

    Example:
        unforgotten incident act 1 --act "violation=NKV-F1;perpetrator=Camp guards" --reason "witness"
    """
    with _answer(as_json):
        saved = _service(db, None, actor, role).add_act(
            incident_id, _acts([act])[0], reason=reason, expect_version=expect_version
        )
    _saved(saved, as_json, "saved")


def person_purge(
    person_id: IdArgument,
    reason: Annotated[
        str, typer.Option("--reason", help="The legal or consent request (kept in the audit log).")
    ],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Purge a person's protected data (informants' names and contacts, protected cells), history included.

    The one deletion the registry knows, for a legal or consent request (admins only, audited).
    The values are cleared from the rows and from every earlier version, so this database can
    never show them again; backups made before now still hold them. Nothing else is removed.

    Example:
        unforgotten person purge-protected 1 --reason "consent withdrawn, request 2026-14" --yes
    """
    if not yes and not typer.confirm(f"Clear every protected value of person {person_id}, history included?"):
        raise typer.Exit(1)
    report = purge_protected(open_workspace(db, key_file, actor, role), person_id, reason=reason)
    if as_json:
        print_json(report.to_dict())
        return
    console.print(
        f"purged person {person_id}: {report.values} protected values cleared from "
        f"{len(report.records)} records and {report.versions} earlier versions (event {report.event_id})",
        highlight=False,
    )


# ---------------------------------------------------------------------------------- consent
def consent_set(
    person_id: IdArgument,
    scope: Annotated[str, typer.Option("--scope", help="publication, un, court or contact.")],
    given_by: Annotated[
        str, typer.Option("--given-by", help="Who gave or withdrew it (the person, a relative …).")
    ],
    reason: ReasonOption,
    granted: Annotated[
        bool | None, typer.Option("--granted/--withdrawn", help="Grant or withdraw (one is required).")
    ] = None,
    relation: Annotated[str, typer.Option("--relation", help="victim, witness or family.")] = "victim",
    how: Annotated[str, typer.Option("--how", help="How it was given: signed form, recorded call …")] = "",
    on: Annotated[str, typer.Option("--on", help="The day it was given (YYYY-MM-DD; default today).")] = "",
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record consent granted or withdrawn for one scope; a withdrawal lists what to recall.

    Every export, bundle and public statistic made afterwards obeys it; the earlier disclosures
    that included the person are listed so they can be recalled.

    Example:
        unforgotten consent set 1 --scope publication --granted --given-by "the victim's son" \\
            --relation family --how "signed form" --reason "consent form of 3 March"
        unforgotten consent set 1 --scope publication --withdrawn --given-by "the victim's son" \\
            --relation family --reason "call of 9 May"
    """
    if granted is None:
        raise ValidationError("say --granted or --withdrawn")
    day = None
    if on:
        try:
            day = dt.date.fromisoformat(on)
        except ValueError:
            raise ValidationError(f"--on {on!r}: write the day as YYYY-MM-DD") from None
    with _answer(as_json):
        done = set_consent(
            open_workspace(db, None, actor, role),
            person_id,
            scope=scope,
            granted=granted,
            given_by=given_by,
            reason=reason,
            how=how,
            relation=relation,
            given_on=day,
        )
    if as_json:
        print_json(done)
        return
    verb = "granted" if granted else "withdrawn"
    console.print(
        f"consent for {scope} {verb} for person {person_id} (event {done['event_id']})", highlight=False
    )
    if not granted and done["disclosures"]:
        console.print("Earlier disclosures that included this person (recall them):", highlight=False)
        for d in done["disclosures"]:
            console.print(
                f"  {d['at'][:19]} {d['kind']} for {d['recipient']} (scope {d['scope']}, "
                f"event {d['event_id']})",
                highlight=False,
            )


def consent_show(person_id: IdArgument, db: DbOption = None, as_json: JsonOption = False) -> None:
    """A person's consent per scope, its history, and what was disclosed of them.

    Example:
        unforgotten consent show 1 --json
    """
    ws = open_workspace(db)
    ws.require(Permission.READ)
    with ws.read() as conn:
        shown = consent_of(conn, person_id)
    if as_json:
        print_json(shown)
        return
    for scope, granted in shown["current"].items():
        console.print(f"{scope}: {'granted' if granted else 'not granted'}", highlight=False)
    for r in shown["history"]:
        console.print(
            f"  {r['recorded_on']} {r['scope']} {'granted' if r['granted'] else 'withdrawn'} by "
            f"{r['given_by']} ({r['relation']}); {r['note'] or ''}",
            highlight=False,
        )
    for d in shown["disclosures"]:
        console.print(
            f"  disclosed {d['at'][:19]}: {d['kind']} for {d['recipient']} ({d['scope']})", highlight=False
        )


def drafts(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Records waiting for review: drafts, and approved records changed since their approval.

    Example:
        unforgotten drafts --json
    """
    rows = _service(db, None, None, None).review_queue()
    if as_json:
        print_json(rows)
        return
    table = Table("record", "version", "state", "entered by", "changed by", "when", "title")
    for r in rows:
        table.add_row(
            f"{r['kind']} {r['id']}",
            str(r["version"]),
            r["state"],
            r["author"],
            r["edited_by"],
            r["edited_at"][:19],
            str(r["title"] or ""),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the workbench commands to the main app."""
    groups: dict[str, tuple[typer.Typer, list[tuple[str, Callable[..., None]]]]] = {
        "person": (
            typer.Typer(
                cls=_ShowByDefault,
                no_args_is_help=True,
                help="Persons: show, enter, correct, review, restore, retire (`person 12` shows 12).",
            ),
            [("show", person_show), ("add", person_add), ("purge-protected", person_purge)],
        ),
        "case": (
            typer.Typer(no_args_is_help=True, help="Cases: open, correct, dated status history, review."),
            [("add", case_add), ("status", case_status)],
        ),
        "incident": (
            typer.Typer(no_args_is_help=True, help="Incidents made of acts: record, correct, review."),
            [("add", incident_add), ("act", incident_act)],
        ),
        "source": (
            typer.Typer(no_args_is_help=True, help="Sources: lists, testimony collections, documents."),
            [("add", source_add), ("list", source_list)],
        ),
    }
    for kind, (group, commands) in groups.items():
        for command_name, command in commands:
            group.command(command_name)(command)
        _kind_commands(group, kind)
        app.add_typer(group, name=kind)
    app.command("drafts")(drafts)
    consent = typer.Typer(
        no_args_is_help=True, help="Consent per person and scope (publication, un, court, contact)."
    )
    consent.command("set")(consent_set)
    consent.command("show")(consent_show)
    app.add_typer(consent, name="consent")
