"""Accountability: organisations and units over time, posts, detention facilities, attributions
of acts, derived command chains and dossiers (docs/accountability.md)."""

from unforgotten.accountability.matching import Match, match_facility, match_organisation, match_perpetrator
from unforgotten.accountability.service import Accountability

__all__ = ["Accountability", "Match", "match_facility", "match_organisation", "match_perpetrator"]
