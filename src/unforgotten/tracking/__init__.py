"""Tracking: UN recommendations, consultation rounds, readout import and public statistics.

The pure half (no database) lives here; the store tables for rounds and recommendations
persist the frozen dataclasses defined in these modules:

- :mod:`~unforgotten.tracking.readout`: :func:`parse_readout` → :class:`DraftRound`
- :mod:`~unforgotten.tracking.upr`: :class:`Recommendation`, loading, CSV import, themes, views
- :mod:`~unforgotten.tracking.disclosure`: :func:`public_table`, the public statistics rules
"""

from __future__ import annotations

from unforgotten.tracking.readout import (
    AgreedItem,
    DraftRound,
    Evidence,
    NextStep,
    Participant,
    Reference,
    Topic,
    parse_readout,
)

__all__ = [
    "AgreedItem",
    "DraftRound",
    "Evidence",
    "NextStep",
    "Participant",
    "Reference",
    "Topic",
    "parse_readout",
]
