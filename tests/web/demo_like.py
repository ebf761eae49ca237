"""A registry built the way `unforgotten demo` builds one: synthetic lists imported, then linked."""

from __future__ import annotations

from pathlib import Path

from unforgotten.ingest import import_file
from unforgotten.linkage.store import LinkReport, link_store
from unforgotten.store.workspace import Workspace
from unforgotten.synth import generate_population, make_lists, preset
from unforgotten.synth.writers import write_list


def build(ws: Workspace, tmp: Path, *, persons: int = 400, lists: int = 4, seed: int = 2024) -> LinkReport:
    """Import the demo's lists (same seeds as the demo) into ``ws`` and link them."""
    population = generate_population(persons, seed=seed)
    synthetic = make_lists(population, preset("mixed", lists=lists), seed=seed + 1)
    (tmp / "lists").mkdir(exist_ok=True)
    for source in synthetic.lists:
        import_file(ws, write_list(source, tmp / "lists"), source=source.name)
    return link_store(ws)
