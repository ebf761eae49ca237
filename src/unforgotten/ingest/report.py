"""The problem report of an import: every problem of a file, written to CSV or JSON.

Each line names the row, the column, the severity, a code and the message; never the cell's
value, so a report can be passed around even when the problem is in a protected column.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

from unforgotten.errors import ConfigError, Problem

__all__ = ["REPORT_COLUMNS", "write_problem_report"]

REPORT_COLUMNS = ("file", "row", "column", "severity", "code", "message")


def _line(problem: Problem) -> dict[str, str | int]:
    return {
        "file": problem.file,
        "row": problem.row,
        "column": problem.column,
        "severity": problem.severity,
        "code": problem.code,
        "message": problem.reason,
    }


def write_problem_report(path: Path, problems: Sequence[Problem], *, file: str) -> None:
    """Write every problem of ``file`` to ``path``: JSON when it ends in ``.json``, else CSV."""
    lines = [_line(p) for p in problems]
    try:
        if path.suffix.lower() == ".json":
            data = {"file": file, "total": len(lines), "problems": lines}
            path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            return
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=REPORT_COLUMNS)
            writer.writeheader()
            writer.writerows(lines)
    except OSError as exc:
        raise ConfigError(f"cannot write the problem report {path}: {exc.strerror}") from exc
