"""``python -m unforgotten`` runs the command line."""

from unforgotten.cli.main import run

run()
