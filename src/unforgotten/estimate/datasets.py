"""Published capture–recapture tables shipped in ``unforgotten/data/mse`` (see its README)."""

from __future__ import annotations

from pathlib import Path

from unforgotten.estimate.table import CaptureTable

__all__ = ["DATA_DIR", "SHIPPED", "shipped_table"]

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "mse"
SHIPPED = (
    "Artificial_3",
    "Congenital",
    "UKdat",
    "UKdat_4",
    "UKdat_5",
    "kosovo",
    "spina_bifida_MY1997",
)


def shipped_table(name: str) -> CaptureTable:
    """One shipped table by file stem, e.g. ``shipped_table("kosovo")``."""
    if name not in SHIPPED:
        raise ValueError(f"no shipped table {name!r}; choose from {', '.join(SHIPPED)}")
    return CaptureTable.from_csv(DATA_DIR / f"{name}.csv")
