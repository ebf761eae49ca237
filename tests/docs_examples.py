"""The shell examples of the documentation, found where a reader sees them.

Three places hold examples: fenced blocks labelled ``sh``, ``bash``, ``shell`` or ``console`` in
README.md and docs/*.md, and the ``Example:`` section of every command's docstring in
src/unforgotten/cli/ (docs/cli.md is generated from those, so a docstring is where an example
is fixed). A block whose first line is ``# not run: REASON`` is exempt and counted.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ROOT",
    "SHELL_LABELS",
    "Block",
    "doc_files",
    "fenced_blocks",
    "help_examples",
    "hidden_command_lines",
    "shell_blocks",
]

ROOT = Path(__file__).resolve().parents[1]
SHELL_LABELS = frozenset({"sh", "bash", "shell", "console"})
_FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*([\w+-]*)")
_NOT_RUN = re.compile(r"^#\s*not run:\s*(\S.*)$")
COMMAND_LINE = re.compile(r"^\s*(\$\s+)?(\.venv/bin/)?unforgotten(\s|$)")


@dataclass(frozen=True, slots=True)
class Block:
    """One example: where it is, its fence label, and its text (as bash will run it)."""

    file: str
    line: int
    label: str
    text: str
    function: str = ""  # for a help example: the command's function, ``module.name``

    @property
    def id(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def exempt(self) -> str | None:
        """The reason given on a first line ``# not run: REASON``, or None."""
        first = next((line.strip() for line in self.text.splitlines() if line.strip()), "")
        match = _NOT_RUN.match(first)
        return match.group(1) if match else None

    @property
    def script(self) -> str:
        """The commands: a ``console`` block keeps only its ``$ `` lines, without the prompt."""
        if self.label != "console":
            return self.text
        return "\n".join(line.strip()[2:] for line in self.text.splitlines() if line.strip().startswith("$ "))


def doc_files() -> list[Path]:
    """README.md and the hand-written pages of docs/ (docs/cli.md is generated from the docstrings)."""
    return [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "cli.md")]


def fenced_blocks(path: Path) -> list[Block]:
    """Every fenced block of a Markdown file, with the line number of its opening fence."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match is None:
            i += 1
            continue
        indent, fence, label = match.groups()
        end = i + 1
        while end < len(lines) and not lines[end].strip().startswith(fence[:3]):
            end += 1
        if end == len(lines):
            raise ValueError(f"{path.name}:{i + 1}: fence not closed")
        body = "\n".join(line.removeprefix(indent) for line in lines[i + 1 : end])
        found.append(Block(str(path.relative_to(ROOT)), i + 1, label.lower(), body))
        i = end + 1
    return found


def shell_blocks() -> list[Block]:
    """The blocks labelled as shell in README.md and docs/."""
    return [b for path in doc_files() for b in fenced_blocks(path) if b.label in SHELL_LABELS]


def help_examples() -> list[Block]:
    """The ``Example:`` section of each command's docstring, one block per command."""
    found: list[Block] = []
    for path in sorted((ROOT / "src" / "unforgotten" / "cli").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef) or not node.body:
                continue
            first = node.body[0]
            if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)):
                continue
            doc = first.value.value
            if not isinstance(doc, str) or "Example:" not in doc:
                continue
            before, section = doc.split("Example:", 1)
            text = textwrap.dedent(section.rstrip()).strip("\n")
            skipped = len(section) - len(section.lstrip("\n"))  # blank lines after "Example:"
            line = first.value.lineno + before.count("\n") + skipped
            module = f"unforgotten.cli.{path.stem}.{node.name}"
            found.append(Block(str(path.relative_to(ROOT)), line, "help", text, module))
    return found


def hidden_command_lines() -> list[str]:
    """``file:line`` of each ``unforgotten`` command line in a fence not labelled as shell."""
    hidden: list[str] = []
    for path in doc_files():
        for block in fenced_blocks(path):
            if block.label in SHELL_LABELS:
                continue
            for offset, line in enumerate(block.text.splitlines(), start=1):
                if COMMAND_LINE.match(line):
                    hidden.append(f"{block.file}:{block.line + offset} ({block.label or 'unlabelled'})")
    return hidden
