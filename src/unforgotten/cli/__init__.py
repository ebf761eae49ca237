"""The ``unforgotten`` command: thin Typer wrappers over the library packages."""
