"""Registry commands: init, import, history, stats, export, key rotate, key export-public."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from unforgotten.cli.context import ActorOption, KeyFileOption, RoleOption, open_workspace
from unforgotten.cli.options import DbOption, JsonOption, RawCellsOption, console, err_console, print_json
from unforgotten.domain.roles import Permission
from unforgotten.errors import BatchRejected, ConfigError, ValidationError
from unforgotten.ingest import ImportReport, import_file
from unforgotten.ingest.report import write_problem_report
from unforgotten.ingest.suggest_file import suggested_mapping
from unforgotten.ingest.uwazi_import import import_uwazi
from unforgotten.store import queries
from unforgotten.store.export import export
from unforgotten.store.keys import rotate_key

__all__ = ["register"]


def init(db: DbOption = None, key_file: KeyFileOption = None, as_json: JsonOption = False) -> None:
    """Create the registry (or bring its schema up to date) and its encryption key.

    Example:
        unforgotten init --db registry.db
    """
    report = open_workspace(db, key_file, ready=False).init()
    if as_json:
        print_json(
            {
                "db": report.db_url,
                "key_file": report.key_file,
                "key_created": report.key_created,
                "signing_key_file": report.signing_key_file,
                "signing_key_created": report.signing_key_created,
            }
        )
        return
    console.print(f"Registry ready: {report.db_url}")
    if report.key_created:
        console.print(
            f"New encryption key written to {report.key_file} (owner-only). Back it up "
            "apart from the database: without it protected fields cannot be read."
        )
    if report.signing_key_created:
        console.print(
            f"New signing key written to {report.signing_key_file} (owner-only): it signs "
            "checkpoints of the audit chain. Keep it apart from the database's writers."
        )


def import_(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV, XLSX, XLS, ODS, JSON or NDJSON file (with --from uwazi: CSV, ZIP or JSON)."
        ),
    ],
    source: Annotated[
        str | None, typer.Option("--source", help="Name of the source (list) this file comes from.")
    ] = None,
    origin: Annotated[
        str,
        typer.Option(
            "--from", help="table (default) or uwazi: an Uwazi CSV export, CSV+ZIP or entities JSON."
        ),
    ] = "table",
    files: Annotated[
        Path | None,
        typer.Option(
            "--files", help="With --from uwazi: the folder holding the export's documents and attachments."
        ),
    ] = None,
    suggest: Annotated[
        bool,
        typer.Option(
            "--suggest-mapping", help="Print a mapping file for the headers not known; import nothing."
        ),
    ] = False,
    mapping: Annotated[Path | None, typer.Option("--mapping", help="TOML column mapping.")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Workbook sheet (default: first).")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate only; write nothing (and take no write lock).")
    ] = False,
    organisation: Annotated[str | None, typer.Option("--organisation", help="Who keeps the source.")] = None,
    confidentiality: Annotated[
        str,
        typer.Option(
            "--confidentiality",
            help="public, restricted (default) or confidential; set when the source is created.",
        ),
    ] = "restricted",
    max_errors: Annotated[
        int,
        typer.Option("--max-errors", min=0, help="Show at most this many problems (the rest are counted)."),
    ] = 20,
    report_file: Annotated[
        Path | None,
        typer.Option("--report", help="Write every problem to this file: CSV, or JSON if it ends in .json."),
    ] = None,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import one file as one batch of a source: all rows or none.

    Every bad row is found (row, column, reason) and nothing is written; the first --max-errors
    problems are shown with a count of the rest, and --report FILE (or --json) gives them all.
    The same file is never imported twice; a newer file from the same source updates it (rows
    matched by record_id; --dry-run shows what would be added, changed and withdrawn). Rows are
    checked as they are written, inside one transaction that holds the registry's write lock
    until the end; check a large, doubtful file with --dry-run first.

    --from uwazi reads an Uwazi collection (docs/migrating.md): its entities become persons, the
    titles in relationship cells link to persons already here (or are proposed for review), and
    the files of a CSV+ZIP (or of --files DIR) become evidence. --suggest-mapping prints a mapping
    file with guesses for the headers it does not know, and writes nothing.

    Example:
        unforgotten import families_2023.csv --source "Families association 2023"
        unforgotten import 가족명단_cp949.csv --suggest-mapping
        unforgotten import uwazi_export.csv --from uwazi --source "TJWG Uwazi"
        unforgotten import 명단.xlsx --source KWAFU --mapping kwafu.toml --dry-run --max-errors 5
        unforgotten import 명단.xlsx --source KWAFU --mapping kwafu.toml --report problems.csv
    """
    if origin not in ("table", "uwazi"):
        raise ValidationError(f"--from {origin!r}: use table or uwazi")
    if suggest:
        sys.stdout.write(suggested_mapping(file, origin=origin, sheet=sheet))
        return
    if source is None:
        raise ValidationError("--source NAME is needed: the name of the list this file comes from")
    ws = open_workspace(db, key_file, actor, role)
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err_console, transient=True, disable=as_json) as bar:
        task = bar.add_task("rows", total=None)
        advance = lambda n: bar.advance(task, n)  # noqa: E731 - the progress callback
        try:
            if origin == "uwazi":
                report = import_uwazi(
                    ws,
                    file,
                    source=source,
                    mapping=mapping,
                    files=files,
                    dry_run=dry_run,
                    organisation=organisation,
                    confidentiality=confidentiality,
                    progress=advance,
                )
            else:
                report = import_file(
                    ws,
                    file,
                    source=source,
                    mapping=mapping,
                    sheet=sheet,
                    dry_run=dry_run,
                    organisation=organisation,
                    confidentiality=confidentiality,
                    progress=advance,
                )
        except BatchRejected as exc:
            if report_file is not None:
                write_problem_report(report_file, exc.problems, file=exc.file)
            exc.shown, exc.report = max_errors, None if report_file is None else str(report_file)
            if as_json:
                problems = [asdict(p) for p in exc.problems]
                print_json({"ok": False, "file": exc.file, "total": len(problems), "problems": problems})
            raise
    if report_file is not None:
        write_problem_report(report_file, report.warnings, file=report.file)
    if as_json:
        print_json(report.to_dict())
        return
    _print_report(report, dry_run=dry_run)


def _print_report(report: ImportReport, *, dry_run: bool) -> None:
    verb = "would import" if dry_run else "imported"
    read = report.format.upper() + (f", {report.encoding}" if report.encoding else "")
    read += f", sheet {report.sheet!r}" if report.sheet else ""
    console.print(
        f"{report.file} ({read}): {verb} {report.rows} rows into {report.source!r}"
        + (f" (batch {report.batch_id})" if report.batch_id else ""),
        highlight=False,
    )
    _print_uwazi(report.details)
    diff = report.difference
    console.print(
        f"  added {len(diff.added)}, changed {len(diff.changed)}, unchanged {diff.unchanged}, "
        f"withdrawn {len(diff.withdrawn)}",
        highlight=False,
    )
    if dry_run:
        for record_id, fields in diff.changed:
            changes = "; ".join(f"{k}: {old!r} → {new!r}" for k, (old, new) in fields.items())
            console.print(f"  changed {record_id}: {changes}", highlight=False, markup=False)
        for record_id in diff.withdrawn:
            console.print(f"  withdrawn {record_id}", highlight=False, markup=False)
    for warning in report.warnings:
        err_console.print(f"  warning: {warning}", highlight=False, markup=False)


def _print_uwazi(details: dict[str, Any]) -> None:
    if "relations" in details:
        rel = details["relations"]
        console.print(
            f"  relationship titles: linked {rel['linked']}, proposed for review {rel['proposed']}; "
            f"evidence files taken in {details['evidence']}",
            highlight=False,
        )
    for template, count in sorted(details.get("skipped", {}).items()):
        console.print(f"  left out: {count} entities of template {template!r}", highlight=False, markup=False)


def history(
    person_id: Annotated[int, typer.Argument(help="Person id.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List every version of a person and what hangs on it: who changed what, when and why.

    Example:
        unforgotten history 12 --json
    """
    ws = open_workspace(db)
    ws.require(Permission.READ)
    with ws.read() as conn:
        rows = queries.history(conn, person_id)
    if as_json:
        print_json(rows)
        return
    table = Table("version", "when", "who", "action", "row", "op", "reason")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["at"][:19],
            r["actor"],
            r["action"],
            f"{r['table_name']} {r['row_id']} v{r['version']}",
            r["op"],
            r["reason"] or "",
        )
    console.print(table)


def stats(
    db: DbOption = None,
    as_json: JsonOption = False,
    by: Annotated[
        str | None,
        typer.Option("--by", help="unit or facility: acts by organisation/facility, violation, year."),
    ] = None,
) -> None:
    """Counts by source, case type and province (or, with --by, acts by unit or facility).

    Example:
        unforgotten stats --json
        unforgotten stats --by unit --json
    """
    ws = open_workspace(db)
    ws.require(Permission.READ)
    if by is not None:
        from unforgotten.accountability.query import stats_by  # noqa: PLC0415 - only when asked

        counted = stats_by(ws, by)
        if as_json:
            print_json(counted)
            return
        table = Table(by, "violation", "year", "acts")
        for row in counted["rows"]:
            table.add_row(row[by], row["violation"], row["year"], str(row["acts"]))
        console.print(table)
        return
    with ws.read() as conn:
        data = queries.stats(conn)
    if as_json:
        print_json(data)
        return
    console.print(
        f"{data['persons']} persons, {data['records']} records in {data['batches']} batches; "
        f"{data['audit_events']} audit events"
    )
    for key, title in (("by_source", "source"), ("by_case_type", "case type"), ("by_province", "province")):
        table = Table(title, "count")
        for name, count in data[key].items():
            table.add_row(name, str(count))
        console.print(table)


def export_(
    what: Annotated[str, typer.Argument(help="persons, records or clusters.")],
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="csv, json (records: dates in EDTF, page and source links) or uwazi-csv (records, "
            "for Uwazi's CSV import).",
        ),
    ] = "csv",
    base_url: Annotated[
        str,
        typer.Option(
            "--base-url",
            envvar="UNFORGOTTEN_BASE_URL",
            help="Where the web application is served: the page URLs of a json or uwazi-csv "
            "export start with it (without it they are paths such as /persons/12).",
        ),
    ] = "",
    template: Annotated[
        str, typer.Option("--template", help="With uwazi-csv: the Uwazi template's name.")
    ] = "Victim",
    languages: Annotated[
        str,
        typer.Option(
            "--languages",
            help="With uwazi-csv: the collection's languages, default first (en,ko): text columns "
            "as NAME__LANG.",
        ),
    ] = "",
    include_protected: Annotated[
        bool, typer.Option("--include-protected", help="Admins only; audited.")
    ] = False,
    raw_cells: RawCellsOption = False,
    recipient: Annotated[
        str | None, typer.Option("--for", help="Who it is for, outside the organisation (needs --scope).")
    ] = None,
    scope: Annotated[
        str | None,
        typer.Option(
            "--scope", help="Only persons whose consent covers it: publication, un, court, contact."
        ),
    ] = None,
    include_confidential: Annotated[
        bool,
        typer.Option(
            "--include-confidential",
            help="Also the records of confidential sources (and persons with any); roles that may "
            "read protected fields only; audited.",
        ),
    ] = False,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    actor: ActorOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Export persons or records as CSV or JSON (protected fields and confidential sources left
    out by default).

    With --for RECIPIENT --scope SCOPE (an export that leaves the organisation), only persons whose
    consent covers the scope are in it. Every export records whom it included, so a later
    withdrawal of consent lists it for recall.

    --format uwazi-csv writes records for Uwazi's CSV import, and OUT.template.json beside it
    describes the template the columns fit.

    Example:
        unforgotten export persons --out persons.csv
        unforgotten export records --out records.json --format json
        unforgotten export records --out victims.csv --format uwazi-csv --languages en,ko
        unforgotten export persons --out for-ohchr.csv --for "OHCHR Seoul" --scope un
    """
    if (recipient is None) != (scope is None):
        raise ValidationError(
            "--for and --scope go together: whom the export is for, and the consent it needs"
        )
    ws = open_workspace(db, key_file, actor, role)
    count = export(
        ws,
        what,
        out,
        fmt=fmt,
        include_protected=include_protected,
        raw_cells=raw_cells,
        scope=scope,
        recipient=recipient or "internal",
        include_confidential=include_confidential,
        base_url=base_url,
        template=template,
        languages=_languages(languages),
    )
    if as_json:
        print_json({"what": what, "rows": count, "file": str(out)})
    else:
        console.print(f"wrote {count} {what} to {out}")


def _languages(text: str) -> tuple[str, ...]:
    codes = tuple(code.strip() for code in text.split(",") if code.strip())
    for code in codes:
        if not code.isascii() or not code.isalpha():
            raise ValidationError(f"--languages: {code!r} is not a language code such as en or ko")
    return codes


def key_rotate(
    keep_old: Annotated[
        bool,
        typer.Option(
            "--keep-old",
            help="Keep the old key file as KEYFILE.retired-DATE (it opens database backups made before now).",
        ),
    ] = False,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    as_json: JsonOption = False,
) -> None:
    """Re-encrypt every protected value, history included, under a new key and retire the old one.

    All or nothing, in one transaction. Afterwards key backups made before now no longer open
    this database, and database backups made before now need the old key: back up the new key
    file now, and keep each database backup together with its key.

    Example:
        unforgotten key rotate --db registry.db
        unforgotten key rotate --keep-old --json
    """
    report = rotate_key(open_workspace(db, key_file), keep_old=keep_old)
    if as_json:
        print_json(report.to_dict())
        return
    tables = ", ".join(f"{count} in {name}" for name, count in report.values.items() if count)
    console.print(
        f"Re-encrypted {report.total} values ({tables or 'none stored'}) under key {report.new_key}; "
        f"retired {', '.join(report.old_keys)}.",
        highlight=False,
    )
    console.print(
        "Key backups made before now no longer open this database. Database backups made before now "
        "need the old key"
        + (f", kept in {report.kept_old}" if report.kept_old else " (now removed)")
        + ": keep each database backup together with its key file.\n"
        f"Back up the key file now: {report.key_file} (a key backup is this one file).",
        highlight=False,
    )


def key_export_public(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the key to this file (default: print it).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Give recipients the organisation's public signing key (PEM): it checks bundles
    (`bundle verify --public-key FILE`) and checkpoints. It opens nothing and may be published.

    Example:
        unforgotten key export-public --out organisation-key.pem
    """
    ws = open_workspace(db)
    if ws.signer is None:
        raise ConfigError(f"no signing key at {ws.settings.signing_key_file}; run `unforgotten init`")
    pem = ws.signer.public_pem()
    if out is None:
        sys.stdout.write(pem)
        return
    out.write_text(pem, encoding="ascii")
    console.print(f"Wrote the public key {ws.signer.key_id} to {out}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the registry commands to the main app."""
    app.command("init")(init)
    app.command("import")(import_)
    app.command("history")(history)
    app.command("stats")(stats)
    app.command("export")(export_)
    keys = typer.Typer(help="Encryption keys for protected fields.", no_args_is_help=True)
    keys.command("rotate")(key_rotate)
    keys.command("export-public")(key_export_public)
    app.add_typer(keys, name="key")
