"""The record services that every write path shares: create, edit, restore, retire, review,
provenance per value and optimistic locking (see :mod:`.service`), with the fields and their
rules (:mod:`.fields`) and entries read back as documents (:mod:`.documents`)."""

from unforgotten.records.fields import FIELDS, KINDS
from unforgotten.records.service import Provenance, Records, Saved

__all__ = ["FIELDS", "KINDS", "Provenance", "Records", "Saved"]
