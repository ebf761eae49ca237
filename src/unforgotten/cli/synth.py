"""The ``synth`` command: a synthetic population and source lists with known truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from unforgotten.cli.options import JsonOption, console, print_json
from unforgotten.synth import PRESETS, generate_population, make_lists, preset
from unforgotten.synth.summary import summarize
from unforgotten.synth.writers import FORMATS, write_all

__all__ = ["register", "synth"]


def synth(
    out: Annotated[Path, typer.Option("--out", help="Directory to write the files into.")],
    persons: Annotated[int, typer.Option("--persons", min=0, help="True population size N.")]
    = 2000,
    lists: Annotated[int, typer.Option("--lists", min=1, max=12, help="Number of lists.")] = 4,
    model: Annotated[str, typer.Option("--model", help=f"Capture model: {', '.join(PRESETS)}.")]
    = "mixed",
    seed: Annotated[int, typer.Option("--seed", help="Seed: the same seed, the same files.")]
    = 7,
    fmt: Annotated[str, typer.Option("--format", help=f"File format: {', '.join(FORMATS)}.")]
    = "csv",
    duplicate_rate: Annotated[
        float, typer.Option("--duplicate-rate", min=0.0, max=1.0,
                            help="Share of captured persons written twice in one list.")
    ] = 0.05,
    name_noise: Annotated[
        float, typer.Option("--name-noise", min=0.0, max=1.0,
                            help="Share of rows whose name is a noisy variant.")
    ] = 0.3,
    as_json: JsonOption = False,
) -> None:
    """Write a synthetic population and its source lists, with the truth behind them.

    One file per list in the canonical import columns, plus truth.csv (list, record_id,
    person_id), population.csv (the true persons) and capture_table.csv (observed capture
    patterns of persons, the format the estimators read). Everything is fictional.

    Example:
        unforgotten synth --persons 2000 --lists 4 --model mixed --seed 7 --out demo/
        unforgotten synth --persons 3000 --lists 5 --format xlsx --out bench/ --json
    """
    capture_model = preset(model, lists=lists)
    population = generate_population(persons, seed=seed)
    made = make_lists(population, capture_model, seed=seed + 1,
                      duplicate_rate=duplicate_rate, name_noise=name_noise)
    paths = write_all(made, out, fmt=fmt)
    report = summarize(made) | {"files": [str(path) for path in paths]}
    if as_json:
        print_json(report)
        return
    _print_summary(report, out)


def _print_summary(report: dict[str, Any], out: Path) -> None:
    console.print(
        f"N = {report['n_total']:,} persons ({report['model']} model): "
        f"{report['n_observed']:,} on at least one list, {report['n_unobserved']:,} on none."
    )
    table = Table("list", "rows", "persons", "duplicated")
    for item in report["lists"]:
        table.add_row(item["name"], f"{item['rows']:,}", f"{item['persons']:,}",
                      f"{item['duplicated_persons']:,}")
    console.print(table)
    overlaps = Table("lists", "persons on both")
    for pair in report["overlaps"]:
        overlaps.add_row(" & ".join(pair["lists"]), f"{pair['persons']:,}")
    console.print(overlaps)
    console.print(f"{len(report['files'])} files written to {out}")


def register(app: typer.Typer) -> None:
    """Add the ``synth`` command to the main app."""
    app.command("synth")(synth)
