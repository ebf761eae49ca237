"""Accountability commands: organisations and units over time, posts, facilities, attributions,
derived command chains and dossiers (docs/accountability.md).

Names of alleged perpetrators are shown only to roles holding ``read_perpetrators`` (admin,
analyst, documenter), and every view that shows them is audited; a viewer sees ``[withheld]``.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from unforgotten.accountability import Accountability
from unforgotten.accountability import query as q
from unforgotten.accountability.html import dossier_html
from unforgotten.accountability.starter import load_starter
from unforgotten.cli.context import ActorOption, RoleOption, open_workspace
from unforgotten.cli.options import DbOption, JsonOption, console, print_json
from unforgotten.cli.proposals import org_import
from unforgotten.domain.dates import parse_partial_date
from unforgotten.errors import ValidationError

__all__ = ["register"]

SourceOption = Annotated[
    str | None, typer.Option("--source", help="The source that says so (a source's name).")
]
CitationOption = Annotated[str, typer.Option("--citation", help="Page, paragraph or minute in the source.")]
ConfidenceOption = Annotated[
    str, typer.Option("--confidence", help="confirmed, probable, possible or contested.")
]
FromOption = Annotated[
    str, typer.Option("--from", help="First date (1998, 2016-06, c. 1990; empty: unknown).")
]
ToOption = Annotated[str, typer.Option("--to", help="Last date (empty: still so, or unknown).")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why (kept with the version).")]


def _service(db: str | None, actor: str | None, role: str | None) -> Accountability:
    return Accountability(open_workspace(db, None, actor, role))


def _day(text: str, option: str) -> date | None:
    if not text.strip():
        return None
    parsed = parse_partial_date(text)
    if parsed.start is None:
        raise ValidationError(
            f"{option} {text!r} is not a date this registry reads (write 2003, 2003-05 or 2003-05-14)"
        )
    return parsed.start


def _names(
    hangul: str, english: str, aliases: list[str], abbreviations: list[str], start: str, source: str | None
) -> list[dict[str, str]]:
    out = [
        {"text": t, "kind": k, "from": start, "source": source or ""}
        for t, k in ((hangul, "hangul"), (english, "english"))
        if t
    ]
    out += [{"text": t, "kind": "alias", "source": source or ""} for t in aliases]
    out += [{"text": t, "kind": "abbreviation", "source": source or ""} for t in abbreviations]
    return out


# ------------------------------------------------------------------------------ org
def org_add(
    key: Annotated[str, typer.Argument(help="A short stable handle (mss, kpa-msc, camp-admin-7).")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="state_security, public_security, military, party, judiciary, prosecution, "
            "camp_administration, abduction_agency or other.",
        ),
    ],
    hangul: Annotated[str, typer.Option("--hangul", help="The Hangul name.")] = "",
    english: Annotated[str, typer.Option("--english", help="The English name.")] = "",
    alias: Annotated[list[str] | None, typer.Option("--alias", help="Another name (repeat).")] = None,
    abbreviation: Annotated[
        list[str] | None, typer.Option("--abbreviation", help="An abbreviation (repeat).")
    ] = None,
    start: FromOption = "",
    parent: Annotated[
        str, typer.Option("--parent", help="The organisation it belongs to (from --from).")
    ] = "",
    source: SourceOption = None,
    note: Annotated[str, typer.Option("--note", help="A note.")] = "",
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add an organisation or unit with its names (and its parent).

    Example:
        unforgotten org load-starter
        unforgotten org add onsong-ssd --kind state_security --hangul "온성군 보위부" --parent mss
    """
    service = _service(db, actor, role)
    org_id = service.add_org(
        key,
        kind=kind,
        names=_names(hangul, english, alias or [], abbreviation or [], start, source),
        note=note,
    )
    if parent:
        service.set_parent(str(org_id), parent, start=start, source=source)
    if as_json:
        print_json({"organisation_id": org_id, "key": key})
        return
    console.print(f"added organisation {org_id} ({key})", highlight=False)


def org_show(
    ref: Annotated[str, typer.Argument(help="Id, key or any name (any script, any time).")],
    at: Annotated[str, typer.Option("--at", help="Resolve a name in force at this date.")] = "",
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show an organisation: names over time, parents and units, posts, facilities.

    Example:
        unforgotten org load-starter
        unforgotten org show bowibu --json
    """
    data = q.org_show(open_workspace(db, None, actor, role), ref, _day(at, "--at"))
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]organisation {data['id']}[/] {data['key']} ({data['kind']})", highlight=False)
    for n in data["names"]:
        console.print(
            f"  {n['kind']:12} {n['text']}  {n['as_written'] or ''}  [{n['source'] or 'no source'}]",
            highlight=False,
        )
    for p in data["parents"]:
        console.print(
            f"  below {p['name']}  {p['as_written'] or ''}  [{p['source'] or 'no source'}]", highlight=False
        )
    for u in data["units"]:
        console.print(f"  unit  {u['name']}  {u['as_written'] or ''}", highlight=False)
    for p in data["posts"]:
        console.print(
            f"  post  {p['name']}: {p['title']}  {p['as_written'] or ''}  [{p['source']}]", highlight=False
        )


def org_list(
    db: DbOption = None, actor: ActorOption = None, role: RoleOption = None, as_json: JsonOption = False
) -> None:
    """List organisations with their current names.

    Example:
        unforgotten org load-starter
        unforgotten org list --json
    """
    rows = q.org_list(open_workspace(db, None, actor, role))
    if as_json:
        print_json(rows)
        return
    table = Table("id", "key", "kind", "hangul", "english", "dissolved")
    for r in rows:
        table.add_row(
            str(r["id"]), r["key"], r["kind"], r.get("hangul", ""), r.get("english", ""), r["dissolved"] or ""
        )
    console.print(table)


def org_rename(
    ref: Annotated[str, typer.Argument(help="Id, key or any name.")],
    new_name: Annotated[str, typer.Argument(help="The new name.")],
    on: Annotated[str, typer.Option("--on", help="The date the new name took effect.")],
    kind: Annotated[str, typer.Option("--kind", help="hangul or english.")] = "hangul",
    source: SourceOption = None,
    citation: CitationOption = "",
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
) -> None:
    """Record a renaming: the current name of that kind ends the day before; both stay names.

    Example:
        unforgotten org add unit-a --kind other --hangul 가부
        unforgotten org rename unit-a 나부 --on 2010-05 --source ngo_db
    """
    _service(db, actor, role).rename(ref, new_name, on=on, kind=kind, source=source, citation=citation)
    console.print(f"renamed: {new_name} from {on}", highlight=False)


def org_name(
    ref: Annotated[str, typer.Argument(help="Id, key or any name.")],
    text: Annotated[str, typer.Argument(help="The name.")],
    kind: Annotated[str, typer.Option("--kind", help="hangul, english, alias or abbreviation.")] = "alias",
    start: FromOption = "",
    end: ToOption = "",
    source: SourceOption = None,
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
) -> None:
    """Add another name (an alias, an abbreviation, a former name with its dates).

    Example:
        unforgotten org load-starter
        unforgotten org name mss "State Security Ministry" --kind alias
    """
    _service(db, actor, role).add_name(
        ref, {"text": text, "kind": kind, "from": start, "to": end, "source": source or ""}
    )
    console.print(f"added name {text!r}", highlight=False)


def org_parent(
    ref: Annotated[str, typer.Argument(help="The unit: id, key or any name.")],
    parent: Annotated[str, typer.Argument(help="The organisation above it.")],
    start: FromOption = "",
    end: ToOption = "",
    source: SourceOption = None,
    citation: CitationOption = "",
    confidence: ConfidenceOption = "confirmed",
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
) -> None:
    """Record that a unit was below another from a date to a date.

    Example:
        unforgotten org load-starter
        unforgotten org add unit-b --kind other --english "Unit B"
        unforgotten org parent unit-b mss --from 1990 --source ngo_db
    """
    _service(db, actor, role).set_parent(
        ref, parent, start=start, end=end, source=source, citation=citation, confidence=confidence
    )
    console.print(f"{ref} below {parent} {start}–{end}", highlight=False)


def org_load_starter(
    db: DbOption = None, actor: ActorOption = None, role: RoleOption = None, as_json: JsonOption = False
) -> None:
    """Load the shipped starter set (main DPRK institutions, detention facilities); adds only
    what is missing, so edits are kept.

    Example:
        unforgotten org load-starter
    """
    loaded = load_starter(_service(db, actor, role))
    if as_json:
        print_json(
            {
                "sources": loaded.sources,
                "organisations": loaded.organisations,
                "facilities": loaded.facilities,
                "operators": loaded.operators,
            }
        )
        return
    console.print(
        f"added {loaded.organisations} organisations, {loaded.facilities} facilities, "
        f"{loaded.operators} operators, {loaded.sources} sources",
        highlight=False,
    )


# ------------------------------------------------------------------------------ post
def post_add(
    person: Annotated[int, typer.Argument(help="The person's id.")],
    org: Annotated[str, typer.Option("--org", help="The organisation: id, key or any name.")],
    title: Annotated[
        str, typer.Option("--title", help="The post or role (head of the bureau, interrogator).")
    ],
    source: SourceOption = None,
    start: FromOption = "",
    end: ToOption = "",
    command: Annotated[bool, typer.Option("--command", help="A command post (heads the unit).")] = False,
    citation: CitationOption = "",
    confidence: ConfidenceOption = "confirmed",
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record that a person held a post in an organisation from a date to a date (source required).

    Example:
        unforgotten org load-starter
        unforgotten post add 3 --org "Bureau 7" --title head --command --from 1995 --source ngo_db
    """
    post_id = _service(db, actor, role).add_post(
        person,
        org,
        title=title,
        start=start,
        end=end,
        command=command,
        source=source,
        citation=citation,
        confidence=confidence,
    )
    if as_json:
        print_json({"post_id": post_id})
        return
    console.print(f"added post {post_id}", highlight=False)


# ------------------------------------------------------------------------------ facility
def facility_list(
    db: DbOption = None, actor: ActorOption = None, role: RoleOption = None, as_json: JsonOption = False
) -> None:
    """List detention facilities.

    Example:
        unforgotten org load-starter
        unforgotten facility list --json
    """
    rows = q.facility_list(open_workspace(db, None, actor, role))
    if as_json:
        print_json(rows)
        return
    table = Table("id", "key", "name", "Hangul", "coordinates", "run by")
    for r in rows:
        where = f"{r['latitude']}, {r['longitude']}" if r["latitude"] is not None else ""
        table.add_row(
            str(r["id"]),
            r["key"],
            r["name_en"],
            r["name_hangul"] or "",
            where,
            ", ".join(o["name"] for o in r["operators"]),
        )
    console.print(table)


def facility_show(
    ref: Annotated[str, typer.Argument(help="Id, key (kwanliso-15) or any name (요덕, Camp 15).")],
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a facility: names in every script, coordinates, operating period, who ran it.

    Example:
        unforgotten org load-starter
        unforgotten facility show "Camp 15" --json
    """
    data = q.facility_show(open_workspace(db, None, actor, role), ref)
    if as_json:
        print_json(data)
        return
    for key, value in data.items():
        if key != "operators" and value not in (None, ""):
            console.print(f"{key:18} {value}", highlight=False)
    for o in data["operators"]:
        console.print(f"run by             {o['name']} [{o['source'] or 'no source'}]", highlight=False)


def facility_place(
    act: Annotated[int, typer.Argument(help="The act's id.")],
    ref: Annotated[str, typer.Argument(help="The facility: id, key or any name.")],
    reason: ReasonOption = "act took place at the facility",
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
) -> None:
    """Record that an act happened at a facility.

    Example:
        unforgotten org load-starter
        unforgotten facility place 3 "Camp 15"
    """
    _service(db, actor, role).place_act(act, ref, reason=reason)
    console.print(f"act {act} at {ref}", highlight=False)


# ------------------------------------------------------------------------------ attribute, chain, dossier
def attribute(
    act: Annotated[int, typer.Argument(help="The act's id.")],
    involvement: Annotated[
        str,
        typer.Option("--involvement", help="direct, ordered, commanded, instigated, complicit or member_of."),
    ],
    source: SourceOption = None,
    person: Annotated[int | None, typer.Option("--person", help="A known person's id.")] = None,
    org: Annotated[str | None, typer.Option("--org", help="An organisation: id, key or any name.")] = None,
    text: Annotated[
        str, typer.Option("--text", help="Unknown individuals: 'two State Security agents'.")
    ] = "",
    citation: CitationOption = "",
    confidence: ConfidenceOption = "probable",
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Attribute an act to a person and/or an organisation, with the source that says so (required).

    Example:
        unforgotten org load-starter
        unforgotten attribute 3 --org bowibu --text "two agents" --involvement member_of --source ngo_db
    """
    row_id = _service(db, actor, role).attribute(
        act,
        involvement=involvement,
        source=source,
        person_id=person,
        org=org,
        text=text,
        citation=citation,
        confidence=confidence,
    )
    if as_json:
        print_json({"attribution_id": row_id, "act_id": act})
        return
    console.print(f"added attribution {row_id} to act {act}", highlight=False)


def chain(
    act: Annotated[int, typer.Argument(help="The act's id.")],
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """The derived command chain of an act: units above the attributed unit at the act's date and
    who held command posts in each — who may bear command responsibility, never asserted.

    Example:
        unforgotten org load-starter
        unforgotten attribute 3 --org "Bureau 7" --involvement member_of --source ngo_db
        unforgotten chain 3 --json
    """
    data = q.command_chain(open_workspace(db, None, actor, role), act)
    if as_json:
        print_json(data)
        return
    console.print(f"act {act} on {data['date'] or 'an unknown date'}: {data['statement']}", highlight=False)
    for c in data["chains"]:
        for depth, link in enumerate(c["links"]):
            people = (
                ", ".join(f"{p['name']} ({p['title']}; {p['source']})" for p in link["commanders"])
                or "no known commander"
            )
            console.print(f"{'  ' * depth}{link['name']}: {people}", highlight=False)
        for gap in c["gaps"]:
            console.print(f"  gap: {gap}", highlight=False)
    for gap in data["gaps"]:
        console.print(f"gap: {gap}", highlight=False)


def dossier(
    kind: Annotated[str, typer.Argument(help="unit, person or facility.")],
    ref: Annotated[str, typer.Argument(help="Id or name (any alias, any name over time).")],
    start: Annotated[str, typer.Option("--from", help="Acts from this date.")] = "",
    end: Annotated[str, typer.Option("--to", help="Acts up to this date.")] = "",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write dossier.json and dossier.html into this folder.")
    ] = None,
    db: DbOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Everything the registry holds on a unit, a person or a facility: acts by violation and
    year, victims (counted), sources, the derived chain and the gaps.

    Example:
        unforgotten org load-starter
        unforgotten attribute 3 --org bowibu --involvement member_of --source ngo_db
        unforgotten dossier unit 국가보위성 --json --out dossier
    """
    last = parse_partial_date(end or None).end if end.strip() else None
    if end.strip() and last is None:
        raise ValidationError(f"--to {end!r} is not a date this registry reads")
    data = q.dossier(open_workspace(db, None, actor, role), kind, ref, start=_day(start, "--from"), end=last)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in (
            ("dossier.json", json.dumps(data, ensure_ascii=False, indent=1, default=str)),
            ("dossier.html", dossier_html(data)),
        ):
            fd = os.open(out / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
    if as_json:
        print_json(data)
        return
    console.print(
        f"{len(data['acts'])} acts, {data['victims']} victims, {len(data['sources'])} sources, "
        f"{len(data['gaps'])} gaps",
        highlight=False,
    )
    if out is not None:
        console.print(f"written: {out / 'dossier.json'}, {out / 'dossier.html'}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the accountability commands to the main app."""
    org = typer.Typer(no_args_is_help=True, help="Organisations and units: names and parents over time.")
    for name, command in (
        ("add", org_add),
        ("show", org_show),
        ("list", org_list),
        ("rename", org_rename),
        ("name", org_name),
        ("parent", org_parent),
        ("load-starter", org_load_starter),
        ("import", org_import),
    ):
        org.command(name)(command)
    app.add_typer(org, name="org")
    post = typer.Typer(
        no_args_is_help=True, help="Posts persons held in organisations, with dates and sources."
    )
    post.command("add")(post_add)
    app.add_typer(post, name="post")
    facility = typer.Typer(no_args_is_help=True, help="Detention facilities: names, places, operators.")
    facility.command("list")(facility_list)
    facility.command("show")(facility_show)
    facility.command("place")(facility_place)
    app.add_typer(facility, name="facility")
    app.command("attribute")(attribute)
    app.command("chain")(chain)
    app.command("dossier")(dossier)
