"""Data shipped with the package: vocabularies, gazetteer, surnames, UN documents.

Read them with :func:`data_path`; nothing here is fetched at run time.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = ["data_path"]


def data_path(*parts: str) -> Traversable:
    """Return the shipped file ``data/<parts...>`` (a Traversable; ``.open()`` or ``.read_text()``)."""
    node = files(__name__)
    for part in parts:
        node = node / part
    return node
