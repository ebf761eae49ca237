"""Evidence and bundle commands: take files in, show and copy them, their chain of custody,
shareable copies, and signed bundles for a recipient (and checking one, as the recipient does)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from unforgotten.cli.context import ActorOption, KeyFileOption, RoleOption, open_workspace
from unforgotten.cli.options import DbOption, JsonOption, console, err_console, print_json
from unforgotten.evidence import Attach, Evidence, create_bundle, verify_bundle

__all__ = ["register"]

IdArgument = Annotated[int, typer.Argument(help="The evidence id.")]
OutOption = Annotated[Path, typer.Option("--out", help="The file to write.")]


def _service(db: str | None, key_file: str | None, actor: str | None, role: str | None) -> Evidence:
    return Evidence(open_workspace(db, key_file, actor, role))


def add(
    files: Annotated[list[Path], typer.Argument(help="The files to take in.")],
    person: Annotated[int | None, typer.Option("--person", help="Evidence for this person.")] = None,
    case: Annotated[int | None, typer.Option("--case", help="Evidence for this case.")] = None,
    incident: Annotated[int | None, typer.Option("--incident", help="Evidence for this incident.")] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Evidence for this source (by name).")
    ] = None,
    received_from: Annotated[
        str | None, typer.Option("--received-from", help="Who handed it over (protected: stored encrypted).")
    ] = None,
    how: Annotated[
        str | None, typer.Option("--how", help="How it was received (in person, e-mail …).")
    ] = None,
    description: Annotated[str | None, typer.Option("--description", help="What the file is.")] = None,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Take in evidence files: hash each (SHA-256 and SHA-512 of its exact bytes), store it
    encrypted by its SHA-256 (the same bytes twice are stored once), extract its metadata, and
    record its receipt in the audit chain.

    Example:
        unforgotten evidence add photo.jpg letter.pdf --person 12 --how "handed over in Seoul" --json
    """
    received = _service(db, key_file, actor, role).add(
        files,
        attach=Attach(person=person, case=case, incident=incident, source=source),
        received_from=received_from,
        how=how,
        description=description,
    )
    if as_json:
        print_json({"evidence": [r.to_dict() for r in received]})
        return
    for path, r in zip(files, received, strict=True):
        note = "" if r.stored else " (same bytes already stored; linked again)"
        console.print(
            f"evidence {r.evidence_id}: {path.name}, {r.size:,} bytes, {r.media_type}, "
            f"sha256 {r.sha256}{note}",
            highlight=False,
        )


def show(
    evidence_id: IdArgument,
    protected: Annotated[
        bool, typer.Option("--protected", help="Also show who handed it over (needs read_protected).")
    ] = False,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show an item: hashes, media type, extracted metadata (EXIF, GPS, document properties),
    the start of its text, and each time it was received. Audited as viewed.

    Example:
        unforgotten evidence add photo.jpg --person 12 --how "handed over in Seoul"
        unforgotten evidence show 1 --json
    """
    shown = _service(db, key_file, actor, role).show(evidence_id, protected=protected)
    if as_json:
        print_json(shown)
        return
    console.print(
        f"[bold]evidence {shown['evidence_id']}[/] {shown['file_name']}: {shown['size']:,} bytes, "
        f"{shown['media_type']}\n  sha256 {shown['sha256']}\n  sha512 {shown['sha512']}",
        highlight=False,
    )
    for key, value in shown["metadata"].items():
        console.print(f"  {key}: {value}", highlight=False)
    for link in shown["links"]:
        console.print(
            f"  received {link['received_at'][:19]} by {link['received_by']}"
            + (f", {link['received_how']}" if link["received_how"] else "")
            + (f", from {link['received_from']}" if link["received_from"] else ""),
            highlight=False,
        )


def get(
    evidence_id: IdArgument,
    out: OutOption,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
) -> None:
    """Write a decrypted copy of an item's original bytes (checked against its hashes first).
    Audited as copied.

    Example:
        unforgotten evidence add photo.jpg --person 12 --how "handed over in Seoul"
        unforgotten evidence get 1 --out copy.jpg
    """
    digests = _service(db, key_file, actor, role).get(evidence_id, out)
    console.print(f"Wrote {digests.size:,} bytes to {out} (sha256 {digests.sha256} checked)", highlight=False)


def custody(
    evidence_id: IdArgument,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The chain of custody of an item: every event of the audit chain about it, oldest first
    (received, viewed, copied, derived, shared, exported), with who, when and the event's hash.

    Example:
        unforgotten evidence add photo.jpg --person 12 --how "handed over in Seoul"
        unforgotten evidence custody 1 --json
    """
    report = _service(db, None, None, None).custody(evidence_id)
    if as_json:
        print_json(report)
        return
    item = report["evidence"]
    console.print(f"[bold]evidence {item['evidence_id']}[/] {item['file_name']} sha256 {item['sha256']}")
    table = Table("event", "when", "who", "what", "detail")
    for event in report["events"]:
        detail = ", ".join(
            f"{k}={v}" for k, v in event["detail"].items() if v is not None and k != "versions"
        )
        table.add_row(str(event["id"]), event["at"][:19], event["actor"], event["action"], detail)
    console.print(table)


def shareable(
    evidence_id: IdArgument,
    out: OutOption,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make a shareable copy: EXIF, GPS and other metadata removed from images (Pillow), document
    properties from PDFs (pypdf). The copy is written to --out and stored as a new item derived
    from the original, which is kept unchanged.

    Example:
        unforgotten evidence add photo.jpg --person 12 --how "handed over in Seoul"
        unforgotten evidence shareable 1 --out photo-shareable.jpg
    """
    copy = _service(db, key_file, actor, role).shareable(evidence_id, out)
    if as_json:
        print_json({"evidence": [copy.to_dict()], "derived_from": evidence_id})
        return
    console.print(f"Wrote {out}: evidence {copy.evidence_id}, derived from {evidence_id}", highlight=False)


def bundle_create(
    recipient: Annotated[str, typer.Option("--for", help="Who the bundle is for.")],
    scope: Annotated[str, typer.Option("--scope", help="The consent scope it needs (e.g. publication).")],
    out: Annotated[Path, typer.Option("--out", help="A new folder for the bag.")],
    person: Annotated[int | None, typer.Option("--person", help="A bundle of this person.")] = None,
    case: Annotated[int | None, typer.Option("--case", help="A bundle of this case.")] = None,
    dossier: Annotated[
        str | None,
        typer.Option(
            "--dossier",
            metavar="KIND:NAME-OR-ID",
            help="A bundle of the victims of a dossier: unit:NAME, person:ID or facility:NAME.",
        ),
    ] = None,
    query: Annotated[
        str | None, typer.Option("--query", help="A bundle of the persons a search for this text finds.")
    ] = None,
    shareable_copies: Annotated[
        bool, typer.Option("--shareable-copies", help="Images and PDFs with their metadata removed.")
    ] = False,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write a signed BagIt bag of the records (JSON and CSV, no protected field) of one
    person, one case, the victims of an accountability dossier (with the dossier, only their
    acts) or the persons a search finds, their evidence files, custody reports and consent
    basis, with SHA-256 and SHA-512 manifests, an Ed25519 signature by the organisation's key and
    an RFC 3161 timestamp request to send later. Persons whose consent does not cover --scope are
    left out.

    Example:
        unforgotten bundle create --case 4 --for "UN OHCHR Seoul" --scope publication --out bundle-4
        unforgotten bundle create --query "Kim" --for "UN OHCHR Seoul" --scope un --out bundle-kim
    """
    ws = open_workspace(db, key_file, actor, role)
    report = create_bundle(
        ws,
        out=out,
        recipient=recipient,
        scope=scope,
        person=person,
        case=case,
        dossier=dossier,
        query=query,
        shareable_copies=shareable_copies,
    )
    if as_json:
        print_json(report.to_dict())
        return
    console.print(
        f"Wrote {out}: {len(report.persons)} person(s), {len(report.evidence)} evidence file(s), "
        f"signed by {report.key_id}",
        highlight=False,
    )
    if report.withheld:
        err_console.print(
            f"note: {report.withheld} person(s) left out: their consent does not cover {scope!r}",
            highlight=False,
        )


def bundle_verify(
    path: Annotated[Path, typer.Argument(help="The bundle's folder.")],
    public_key: Annotated[
        Path | None, typer.Option("--public-key", help="The organisation's public key (PEM or hex).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check a bundle as its recipient: every file against the manifests (bagit), the manifests
    against the tag manifests, the signature with the organisation's public key, and that no file
    was added. Needs no registry. Exits 7 when anything is wrong.

    Example:
        unforgotten bundle create --case 4 --for "UN OHCHR Seoul" --scope publication --out bundle-4
        unforgotten key export-public --out organisation-key.pem
        unforgotten bundle verify bundle-4 --public-key organisation-key.pem --json
    """
    result = verify_bundle(path, public_key=public_key)
    if as_json:
        print_json(result)
    elif result["valid"]:
        console.print(
            f"OK: {path} is whole and signed by {result['signed_by']} ({result['key']})", highlight=False
        )
    else:
        for problem in result["problems"]:
            err_console.print(
                f"[bold red]PROBLEM:[/] {problem['file']}: {problem['problem']}", highlight=False
            )
    if public_key is None:
        err_console.print(
            "note: checked with the key inside the bundle; "
            "give --public-key to check that it is the organisation's",
            highlight=False,
        )
    if not result["valid"]:
        raise typer.Exit(7)


def register(app: typer.Typer) -> None:
    """Add the evidence and bundle commands."""
    group = typer.Typer(no_args_is_help=True, help="Evidence files: intake, metadata, custody, copies.")
    for name, command in (
        ("add", add),
        ("show", show),
        ("get", get),
        ("custody", custody),
        ("shareable", shareable),
    ):
        group.command(name)(command)
    app.add_typer(group, name="evidence")
    bundles = typer.Typer(no_args_is_help=True, help="Signed export bundles (BagIt) and checking one.")
    bundles.command("create")(bundle_create)
    bundles.command("verify")(bundle_verify)
    app.add_typer(bundles, name="bundle")
